package ledger_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/ledger"
)

// Text as people type it and typed JSON values reach the same stored form.
func TestValidateStoredForm(t *testing.T) {
	t.Parallel()
	c := ledger.Default()
	for _, tc := range []struct {
		name, ledger string
		raw          map[string]any
		want         map[string]any
	}{
		{"typed text", "assistance_payouts",
			map[string]any{"date": "2024年3月5日", "recipient": "王五", "kind": "临时救助", "amount": "¥1,234.5"},
			map[string]any{"date": "2024-03-05", "recipient": "王五", "kind": "temporary", "amount": int64(123450)}},
		{"typed JSON", "assistance_payouts",
			map[string]any{"date": "2024-03-05", "recipient": float64(17), "kind": "temporary", "amount": float64(123450)},
			map[string]any{"date": "2024-03-05", "recipient": int64(17), "kind": "temporary", "amount": int64(123450)}},
		{"booleans and units", "trainings",
			map[string]any{"date": "2024/3/5", "title": "执法培训", "audience": "行政执法人员", "mode": "线上", "backbone": "否", "trainees": "120人", "hours": "3.5"},
			map[string]any{"date": "2024-03-05", "title": "执法培训", "audience": "law_enforcement", "mode": "online", "backbone": false, "trainees": int64(120), "hours": 3.5}},
		{"excel serial date", "legal_publicity",
			map[string]any{"date": "45356", "kind": "event", "title": "宪法宣传日"},
			map[string]any{"date": "2024-03-05", "kind": "event", "title": "宪法宣传日"}},
	} {
		got, err := c.Validate(tc.ledger, tc.raw)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %#v, want %#v", tc.name, got, tc.want)
		}
	}
}

// Every bad field is reported at once with its label and a Chinese reason.
func TestValidateNamesEveryBadField(t *testing.T) {
	t.Parallel()
	c := ledger.Default()
	_, err := c.Validate("oversight", map[string]any{
		"date": "2024-02-30", "body": "法院", "kind": "调研", "topic": strings.Repeat("长", 201),
		"suggestions": "3", "rectified": "5", "colour": "red",
	})
	if zhili.ErrorCode(err) != zhili.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	got := map[string]zhili.FieldError{}
	for _, fe := range zhili.ErrorFields(err) {
		got[fe.Field] = fe
	}
	want := map[string]string{"date": "malformed", "body": "unknown_option", "topic": "too_long", "rectified": "exceeds_field", "colour": "unknown_field"}
	for field, code := range want {
		fe, ok := got[field]
		if !ok || fe.Code != code {
			t.Errorf("%s: got %+v, want code %s", field, fe, code)
		}
		if fe.Reason == "" || fe.Column == "" {
			t.Errorf("%s: no reason or column: %+v", field, fe)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d field errors, want %d: %v", len(got), len(want), err)
	}
	if got["date"].Column != "开展日期" || !strings.Contains(got["body"].Reason, "人大") {
		t.Errorf("labels and options should be Chinese: %+v %+v", got["date"], got["body"])
	}
	_, err = c.Validate("video_resources", map[string]any{"date": "2024-01-01", "location": "x", "level": "county", "networked": true, "channels": "0"})
	if fe := zhili.ErrorFields(err); len(fe) != 1 || fe[0].Code != "out_of_range" {
		t.Errorf("0 channels: %v", err)
	}
	_, err = c.Validate("video_resources", map[string]any{"date": "2024-01-01", "location": "x", "level": "county", "networked": true})
	if fe := zhili.ErrorFields(err); len(fe) != 1 || fe[0].Code != "required" || fe[0].Field != "channels" {
		t.Errorf("missing channels: %v", err)
	}
}

func TestYuanIsExact(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"0.1": 10, "0.29": 29, "1234": 123400, "-3.05": -305, "99999999.99": 9999999999} {
		got, err := ledger.ParseYuan(in)
		if err != nil || got.(int64) != want {
			t.Errorf("ParseYuan(%q) = %v, %v; want %d", in, got, err, want)
		}
		if back := ledger.FormatYuan(want); back != in && !strings.HasPrefix(back, in) {
			t.Errorf("FormatYuan(%d) = %q", want, back)
		}
	}
	for _, in := range []string{"1.234", "abc", "", "1e5", "1.2.3"} {
		if _, err := ledger.ParseYuan(in); err == nil {
			t.Errorf("ParseYuan(%q) accepted", in)
		}
	}
}
