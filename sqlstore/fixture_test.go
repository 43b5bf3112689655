package sqlstore_test

import (
	"testing"

	"github.com/zhili-project/zhili/sqlstore/storetest"
)

func TestFixtureBuilds(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			if len(f.Users) != 12 {
				t.Fatalf("users = %d, want 12", len(f.Users))
			}
		})
	}
}
