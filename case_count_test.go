package zhili_test

import (
	"testing"
	"time"

	"github.com/zhili-project/zhili"
)

func TestFormatWanDuo(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		fen  int64
		want string
	}{
		{0, "0元"},
		{356_780_050, "350多万元"},    // 356.78万元
		{350_000_000, "350万元"},     // exactly
		{350_000_001, "350多万元"},    // one fen more
		{47_000_000, "40多万元"},      // 47万元
		{10_000_000, "10万元"},       // 10万元
		{1_234_567_890, "1200多万元"}, // 1234.57万元
		{3_600_000, "3万多元"},        // 3.6万元
		{3_000_000, "3万元"},
		{543_210, "5400多元"},
		{900, "9元"},
		{950, "9多元"},
	} {
		if got := zhili.FormatWanDuo(c.fen); got != c.want {
			t.Errorf("FormatWanDuo(%d) = %q, want %q", c.fen, got, c.want)
		}
	}
}

func TestRate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		num, den int64
		want     string
	}{
		{3, 5, "60.0％"}, {1, 3, "33.3％"}, {2, 3, "66.6％"}, {9999, 10000, "99.9％"}, {5, 5, "100.0％"}, {0, 7, "0.0％"},
	} {
		if got := zhili.FormatRate(zhili.RateTenths(c.num, c.den)); got != c.want {
			t.Errorf("%d/%d = %q, want %q", c.num, c.den, got, c.want)
		}
	}
}

func TestParseDayRange(t *testing.T) {
	t.Parallel()
	start, end, err := zhili.ParseDayRange("2026-03-01", "2026-03-31")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC); !start.Equal(want) || start.Location() != time.UTC {
		t.Errorf("start %v, want %v", start, want)
	}
	if want := time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC); !end.Equal(want) {
		t.Errorf("end %v, want %v", end, want)
	}
	for _, c := range [][2]string{{"2026-3-1", "2026-03-31"}, {"2026-03-02", "2026-03-01"}, {"", ""}} {
		if _, _, err := zhili.ParseDayRange(c[0], c[1]); zhili.ErrorCode(err) != zhili.EINVALID || len(zhili.ErrorFields(err)) == 0 {
			t.Errorf("ParseDayRange(%q, %q): %v", c[0], c[1], err)
		}
	}
}
