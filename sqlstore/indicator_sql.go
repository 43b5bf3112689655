package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili/indicator"
)

// The raw definition of every indicator: the catalogue's entry turned into SQL
// over the records themselves. The column cache (indicator_cache.go) must agree
// with it, which indicator_test.go checks on randomised data, and the drill-down
// lists exactly the rows it selects.

// caseColumns are the case columns a catalogue may filter or sum.
var indicatorCaseColumns = map[string]bool{"kind": true, "category": true, "state": true, "source": true, "risk": true,
	"workers_paid": true, "wages_recovered_fen": true, "amount_fen": true, "people": true, "workers": true}

// indicatorQuery is the FROM and WHERE of a base indicator, with the expression
// aggregated and the key a share groups by.
type indicatorQuery struct {
	from  string
	where []string
	args  []any
	id    string // the record id column
	field string // summed or distinct expression
	key   string // share key expression
}

func (q *indicatorQuery) cond(c string, args ...any) {
	q.where = append(q.where, c)
	q.args = append(q.args, args...)
}

func (q *indicatorQuery) sql() string {
	return q.from + " WHERE " + strings.Join(q.where, " AND ")
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anyStrings(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// jsonField is the SQL expression of a ledger data field as text.
func (s *IndicatorStore) jsonField(field string) string {
	if s.db.dialect.name() == "postgres" {
		return "(l.data::jsonb ->> '" + field + "')"
	}
	return "CAST(json_extract(l.data, '$." + field + "') AS TEXT)"
}

// jsonEq is "data field equals v", comparing JSON booleans and numbers in their
// JSON text ("true", "9") in both databases.
func (s *IndicatorStore) jsonEq(field, v string) (string, any) {
	if s.db.dialect.name() == "postgres" {
		return "(l.data::jsonb ->> '" + field + "') = ?", v
	}
	switch v {
	case "true", "false":
		// json_extract gives 1 or 0 for JSON booleans; json_type tells them apart.
		return "json_type(l.data, '$." + field + "') = ?", v
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return "json_extract(l.data, '$." + field + "') = ?", n
	}
	return "json_extract(l.data, '$." + field + "') = ?", v
}

// baseQuery builds the raw query of base indicator d for the subtree at r and
// period p with parameters params.
func (s *IndicatorStore) baseQuery(d *indicator.Def, r *indicator.Region, p indicator.Period, params map[string]string) (*indicatorQuery, error) {
	q := &indicatorQuery{}
	switch d.Source {
	case indicator.SourceCase:
		q.from, q.id = "cases c", "c.id"
		reg, args := underRegion("c.region_id", r.Path)
		q.cond(reg, args...)
		col := "c." + d.Date
		q.cond(col+" >= ? AND "+col+" < ?", ts(p.Start), ts(p.End))
		for _, c := range d.Filter {
			if !indicatorCaseColumns[c.Field] {
				return nil, fmt.Errorf("indicator %s: cases have no column %q", d.ID, c.Field)
			}
			s.condIn(q, "c."+c.Field, c, params)
		}
		if d.Field != "" {
			if !indicatorCaseColumns[d.Field] {
				return nil, fmt.Errorf("indicator %s: cases have no column %q", d.ID, d.Field)
			}
			q.field = "c." + d.Field
		}
	case indicator.SourceLedger:
		q.from, q.id = "ledger_records l", "l.id"
		q.cond("l.ledger = ?", d.Ledger)
		q.cond("l.deleted_at IS NULL")
		q.cond("l.record_date >= ? AND l.record_date <= ?", p.From, p.To)
		reg, args := underRegion("l.region_id", r.Path)
		q.cond(reg, args...)
		for _, c := range d.Filter {
			switch {
			case c.Param != "":
				if v, ok := params[c.Param]; ok {
					e, arg := s.jsonEq(c.Field, v)
					q.cond(e, arg)
				}
			case c.Eq != nil:
				e, arg := s.jsonEq(c.Field, indicator.CondValue(c.Eq))
				q.cond(e, arg)
			case c.In != nil:
				q.cond(s.jsonField(c.Field)+" IN ("+placeholders(len(c.In))+")", anyStrings(c.In)...)
			default:
				q.cond("("+s.jsonField(c.Field)+" IS NULL OR "+s.jsonField(c.Field)+" NOT IN ("+placeholders(len(c.NotIn))+"))", anyStrings(c.NotIn)...)
			}
		}
		q.field = s.ledgerExpr(d.Field, d.Agg)
		if d.Key != "" {
			q.key = s.ledgerExpr(d.Key, indicator.AggDistinct)
		}
	case indicator.SourceDept:
		q.from, q.id = "department_reports d", "d.id"
		q.cond("d.metric = ?", d.Metric)
		q.cond("d.superseded_by IS NULL")
		q.cond("d.period_start >= ? AND d.period_end <= ?", p.From, p.To)
		reg, args := underRegion("d.region_id", r.Path)
		q.cond(reg, args...)
		q.field = "d.value"
	case indicator.SourceOrg:
		if err := s.orgQuery(q, d, r, p, params); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("indicator %s: unknown source %q", d.ID, d.Source)
	}
	return q, nil
}

// ledgerExpr is the expression of a ledger field for an aggregation: "@region"
// is the record's place.
func (s *IndicatorStore) ledgerExpr(field, agg string) string {
	switch {
	case field == "":
		return ""
	case field == "@region":
		return "l.region_id"
	case agg == indicator.AggDistinct:
		return s.jsonField(field)
	case s.db.dialect.name() == "postgres":
		return "(l.data::jsonb ->> '" + field + "')::numeric"
	}
	return "json_extract(l.data, '$." + field + "')"
}

// condIn adds a plain column condition (cases, org tables).
func (s *IndicatorStore) condIn(q *indicatorQuery, col string, c indicator.Cond, params map[string]string) {
	switch {
	case c.Param != "":
		if v, ok := params[c.Param]; ok {
			q.cond(col+" = ?", v)
		}
	case c.Eq != nil:
		q.cond(col+" = ?", indicator.CondValue(c.Eq))
	case c.In != nil:
		q.cond(col+" IN ("+placeholders(len(c.In))+")", anyStrings(c.In)...)
	default:
		q.cond(col+" NOT IN ("+placeholders(len(c.NotIn))+")", anyStrings(c.NotIn)...)
	}
}

// orgQuery counts positions held, units or regions existing on the period's last
// day. Regions and units are counted unless retired by then; their creation in
// the system is not when they came to exist, so it does not date them.
func (s *IndicatorStore) orgQuery(q *indicatorQuery, d *indicator.Def, r *indicator.Region, p indicator.Period, params map[string]string) error {
	sub, args := subtree("r.path", r.Path)
	switch d.Org {
	case "positions":
		q.from, q.id, q.field = "positions p JOIN regions r ON r.id = p.region_id", "p.id", "p.person_id"
		q.cond("p.start_day <= ?", p.To)
		q.cond("(p.end_day IS NULL OR p.end_day = '' OR p.end_day >= ?)", p.To)
	case "units":
		q.from, q.id = "units u JOIN regions r ON r.id = u.region_id", "u.id"
		q.cond("(u.retired_at IS NULL OR u.retired_at >= ?)", ts(p.End))
	case "regions":
		q.from, q.id = "regions r", "r.id"
		q.cond("(r.retired_at IS NULL OR r.retired_at >= ?)", ts(p.End))
	}
	q.cond(sub, args...)
	for _, c := range d.Filter {
		switch c.Field {
		case "role":
			s.condIn(q, "p.role", c, params)
		case "kind":
			s.condIn(q, map[string]string{"units": "u.kind", "regions": "r.kind", "positions": "p.role"}[d.Org], c, params)
		case "region_kind":
			s.condIn(q, "r.kind", c, params)
		case "level":
			q.cond("r.level = ?", indicator.CondValue(c.Eq))
		case "county_seat":
			if params[c.Param] == "true" {
				// the region lies in the subtree of a county-seat township or community
				q.cond("EXISTS (SELECT 1 FROM regions s WHERE s.county_seat = ? AND r.path LIKE s.path || '%')", true)
			}
		case "convention":
			if params[c.Param] == "true" {
				q.cond("EXISTS (SELECT 1 FROM ledger_records l WHERE l.region_id = r.id AND l.ledger = 'conventions' AND l.deleted_at IS NULL AND l.record_date <= ?)", p.To)
			}
		default:
			return fmt.Errorf("indicator %s: %s cannot be filtered by %q", d.ID, d.Org, c.Field)
		}
	}
	return nil
}

// rawCompute computes a base indicator straight from the records.
func (s *IndicatorStore) rawCompute(ctx context.Context, d *indicator.Def, r *indicator.Region, p indicator.Period, params map[string]string) (indicator.Result, error) {
	var res indicator.Result
	q, err := s.baseQuery(d, r, p, params)
	if err != nil {
		return res, err
	}
	switch d.Agg {
	case indicator.AggCount:
		err = s.db.queryRow(ctx, "SELECT COUNT(*) FROM "+q.sql(), q.args...).Scan(&res.Value)
	case indicator.AggDistinct:
		err = s.db.queryRow(ctx, "SELECT COUNT(DISTINCT "+q.field+") FROM "+q.sql(), q.args...).Scan(&res.Value)
	case indicator.AggSum:
		agg := "COALESCE(SUM(" + q.field + "), 0)"
		if s.db.dialect.name() == "postgres" {
			agg = "CAST(" + agg + " AS BIGINT)"
		} else {
			agg = "CAST(" + agg + " AS INTEGER)"
		}
		err = s.db.queryRow(ctx, "SELECT "+agg+" FROM "+q.sql(), q.args...).Scan(&res.Value)
	case indicator.AggShare:
		res, err = s.rawShare(ctx, d, q, params)
	default:
		err = fmt.Errorf("indicator %s: %s is not a base aggregation", d.ID, d.Agg)
	}
	if err != nil {
		return res, fmt.Errorf("compute %s: %w", d.ID, err)
	}
	return res, nil
}

// rawShare sums the field per key and counts the keys reaching the threshold.
func (s *IndicatorStore) rawShare(ctx context.Context, d *indicator.Def, q *indicatorQuery, params map[string]string) (indicator.Result, error) {
	var res indicator.Result
	threshold, err := thresholdFen(params[d.Threshold])
	if err != nil {
		return res, err
	}
	rows, err := s.db.query(ctx, "SELECT "+q.key+", COALESCE(SUM("+q.field+"), 0) FROM "+q.sql()+" GROUP BY "+q.key, q.args...)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var sum float64
		if err := rows.Scan(&key, &sum); err != nil {
			return res, err
		}
		res.Den++
		if int64(sum) >= threshold {
			res.Num++
		}
	}
	return res, rows.Err()
}

// thresholdFen turns a threshold in 万元 ("10", "2.5") into fen.
func thresholdFen(v string) (int64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("threshold %q: %w", v, err)
	}
	return int64(f*1e6 + 0.5), nil
}
