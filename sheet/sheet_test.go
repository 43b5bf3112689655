package sheet

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/zhili-project/zhili"
)

func TestRead(t *testing.T) {
	t.Parallel()
	want := [][]string{{"指标", "数值"}, {"破获刑事案件", "12"}}
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String("指标,数值\n破获刑事案件,12\n")
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"指标", "数值"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"破获刑事案件", 12})
	var xlsx bytes.Buffer
	f.Write(&xlsx)
	for name, c := range map[string]struct {
		file string
		data []byte
	}{
		"utf-8":         {"a.csv", []byte("指标,数值\n破获刑事案件,12\n")},
		"bom":           {"a.csv", []byte("\xef\xbb\xbf指标,数值\n破获刑事案件,12\n")},
		"gb18030":       {"a.csv", []byte(gb)},
		"xlsx":          {"a.xlsx", xlsx.Bytes()},
		"xlsx by bytes": {"upload", xlsx.Bytes()},
	} {
		got, err := Read(c.file, bytes.NewReader(c.data), 10)
		if err != nil || len(got) != 2 || strings.Join(got[1], "|") != strings.Join(want[1], "|") || got[0][0] != "指标" {
			t.Errorf("%s: %v %q", name, err, got)
		}
	}
	if _, err := Read("a.csv", strings.NewReader("a\nb\nc\n"), 2); zhili.ErrorCode(err) != zhili.EINVALID {
		t.Errorf("three rows with a limit of two: %v", err)
	}
	if _, err := Read("a.csv", bytes.NewReader([]byte{0xff, 0xfe, 0x00, 0x81}), 2); zhili.ErrorCode(err) != zhili.EINVALID {
		t.Errorf("binary: %v", err)
	}
	if !Blank([]string{" ", ""}) || Blank([]string{"", "x"}) {
		t.Error("Blank")
	}
}
