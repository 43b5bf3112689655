package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/zhili-project/zhili"
)

// stmtCache prepares each query text once per pool; database/sql then keeps a
// prepared statement per connection. With the pure-Go SQLite, parsing SQL was a
// third of the CPU of an intake request, most of it re-parsing the case query
// that answers every report.
type stmtCache struct {
	pool   *sql.DB
	rebind func(string) string
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
}

func newStmtCache(pool *sql.DB, d dialect) *stmtCache {
	return &stmtCache{pool: pool, rebind: d.rebind, stmts: map[string]*sql.Stmt{}}
}

// peek returns the statement of q if it is prepared already, else nil.
func (c *stmtCache) peek(q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[q]
}

// get returns the prepared statement of q (written with ? placeholders).
func (c *stmtCache) get(ctx context.Context, q string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[q]; ok {
		return st, nil
	}
	st, err := c.pool.PrepareContext(ctx, c.rebind(q))
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	c.stmts[q] = st
	return st, nil
}

// FindCase returns a case in scope, as CaseService.FindCase does, through a
// prepared statement: the HTTP API reads every case back after reporting it.
func (s *IntakeCaseService) FindCase(ctx context.Context, id int64) (*zhili.Case, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil && !a.System {
		return nil, err
	}
	cond, args := scopeRegions(a, "r")
	st, err := s.reads.get(ctx, `SELECT `+caseColumns+caseFrom+` WHERE c.id = ? AND `+cond)
	if err != nil {
		return nil, err
	}
	c, err := scanCase(st.QueryRowContext(ctx, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "Case not found.")
	} else if err != nil {
		return nil, fmt.Errorf("find case %d: %w", id, err)
	}
	return &c.Case, nil
}
