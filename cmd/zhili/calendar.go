package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
)

// maxCalendarFile bounds a calendar file: a year is a few dozen lines.
const maxCalendarFile = 1 << 20

// importCalendar loads the working calendar's listed days from a CSV file
// (docs/examples/calendar-2026.csv): all of them or, when any line is wrong, none,
// with every bad line and field named.
func (m *Main) importCalendar(ctx context.Context, path string, r io.Reader) error {
	days, err := parseCalendarCSV(r)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := m.open(ctx, true); err != nil {
		return err
	}
	if err := sqlstore.NewCalendarService(m.DB).SetCalendarDays(system(ctx, "import"), days); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var off, on int
	for _, d := range days {
		if d.Workday {
			on++
		} else {
			off++
		}
	}
	fmt.Fprintf(m.Stdout, "imported %s: %d days off, %d makeup working days (%s to %s)\n", path, off, on, days[0].Day, days[len(days)-1].Day)
	return nil
}

// parseCalendarCSV reads "day,workday,name" lines after a header; blank lines and
// lines starting with # are skipped. Errors carry the file's line number.
func parseCalendarCSV(r io.Reader) ([]*zhili.CalendarDay, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxCalendarFile+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxCalendarFile {
		return nil, zhili.Invalid("The calendar file is larger than 1 MiB.")
	}
	raw = bytes.TrimPrefix(raw, []byte("\ufeff")) // a BOM from spreadsheet programs
	// Keep line numbers: comments become empty lines, which the reader skips.
	var kept bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 64<<10), maxCalendarFile)
	for sc.Scan() {
		if line := sc.Text(); !strings.HasPrefix(strings.TrimSpace(line), "#") {
			kept.WriteString(line)
		}
		kept.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	cr := csv.NewReader(&kept)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var (
		days   []*zhili.CalendarDay
		bad    []zhili.FieldError
		cols   map[string]int
		seenAt = map[string]int{}
	)
	fail := func(line int, col, code, reason string) {
		bad = append(bad, zhili.FieldError{Row: line, Column: col, Field: col, Code: code, Reason: reason})
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			fail(line, "", "malformed", err.Error())
			break
		}
		if cols == nil {
			cols = map[string]int{}
			for i, h := range rec {
				cols[strings.ToLower(strings.TrimSpace(h))] = i
			}
			for _, need := range []string{"day", "workday"} {
				if _, ok := cols[need]; !ok {
					fail(line, need, "required", "the header names the columns day,workday,name")
				}
			}
			if len(bad) > 0 {
				break
			}
			continue
		}
		get := func(col string) string {
			if i, ok := cols[col]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		d := &zhili.CalendarDay{Day: get("day"), Name: get("name")}
		if _, err := time.Parse(zhili.DayLayout, d.Day); err != nil {
			fail(line, "day", "malformed", fmt.Sprintf("%q is not a date like 2026-10-01", d.Day))
		} else if first, ok := seenAt[d.Day]; ok {
			fail(line, "day", "duplicate", fmt.Sprintf("%s is also on line %d", d.Day, first))
		} else {
			seenAt[d.Day] = line
		}
		switch strings.ToLower(get("workday")) {
		case "true", "1", "yes", "班", "上班":
			d.Workday = true
		case "false", "0", "no", "休", "放假":
		default:
			fail(line, "workday", "malformed", fmt.Sprintf("%q is not true (makeup working day) or false (day off)", get("workday")))
		}
		if utf8.RuneCountInString(d.Name) > 50 {
			fail(line, "name", "too_long", "name is longer than 50 characters")
		}
		days = append(days, d)
	}
	if cols == nil && len(bad) == 0 {
		fail(1, "day", "required", "the file is empty: give a header day,workday,name and one line per day")
	}
	if len(days) == 0 && len(bad) == 0 {
		fail(2, "day", "required", "the file lists no day")
	}
	if len(bad) > 0 {
		return nil, zhili.Invalid("The calendar file is not valid; nothing was imported.", bad...)
	}
	return days, nil
}
