package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// listedDays reads the calendar a command left in dsn.
func listedDays(t *testing.T, dsn string) []*zhili.CalendarDay {
	t.Helper()
	db, err := sqlstore.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := zhili.NewContextWithActor(context.Background(), zhili.SystemActor("test"))
	days, err := sqlstore.NewCalendarService(db).CalendarDays(ctx, "2000-01-01", "2100-12-31")
	if err != nil {
		t.Fatal(err)
	}
	return days
}

// TestImportCalendar: the example file loads whole; a file with bad lines loads
// nothing and names each line and column; re-importing replaces days.
func TestImportCalendar(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			dsn := storetest.DSN(t, d)
			mustRun(t, dsn, "migrate")
			out := mustRun(t, dsn, "import", "calendar", "../../docs/examples/calendar-2026.csv")
			days := listedDays(t, dsn)
			if len(days) == 0 || !strings.Contains(out, "imported") || days[0].Day != "2026-01-01" || days[0].Workday || days[0].Name != "元旦" {
				t.Fatalf("example calendar: %s; %d days, first %+v", out, len(days), days[0])
			}
			before := len(days)

			dir := t.TempDir()
			bad := filepath.Join(dir, "bad.csv")
			writeFile(t, bad, "# 2027 试填\nday,workday,name\n2027-01-01,false,元旦\n2027-02-30,false,春节\n2027-01-01,true,元旦\n2027-02-06,maybe,春节调休\n")
			_, err := run(t, dsn, "import", "calendar", bad)
			msg := describe(err)
			for _, want := range []string{"row 4", "row 5", "row 6", "also on line 3", "workday"} {
				if err == nil || !strings.Contains(msg, want) {
					t.Fatalf("bad file: %q lacks %q", msg, want)
				}
			}
			if after := listedDays(t, dsn); len(after) != before {
				t.Fatalf("a refused import changed the calendar: %d days, was %d", len(after), before)
			}
			if _, err := run(t, dsn, "import", "calendar", filepath.Join(dir, "none.csv")); err == nil {
				t.Fatal("a missing file was accepted")
			}
			empty := filepath.Join(dir, "empty.csv")
			writeFile(t, empty, "# nothing\n")
			if _, err := run(t, dsn, "import", "calendar", empty); err == nil || !strings.Contains(describe(err), "empty") {
				t.Fatalf("empty file: %v", describe(err))
			}

			fix := filepath.Join(dir, "fix.csv")
			writeFile(t, fix, "\ufeffday,workday,name\n2026-01-01,false,元旦（已核对）\n2027-01-01,false,元旦\n")
			mustRun(t, dsn, "import", "calendar", fix)
			after := listedDays(t, dsn)
			if len(after) != before+1 || after[0].Name != "元旦（已核对）" || after[len(after)-1].Day != "2027-01-01" {
				t.Fatalf("re-import: %d days (was %d), first %+v", len(after), before, after[0])
			}
		})
	}
}
