package sqlstore

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/assess"
	"github.com/zhili-project/zhili/indicator"
	"github.com/zhili-project/zhili/ledger"
	"github.com/zhili-project/zhili/report"
)

// sweeps: of the grid-days with a grid member in post, the share with a sweep
// filed (日排查). Days count once they have ended. The records are the grids
// with missing days, each naming its days.
func (m *measurer) sweeps(ctx context.Context, it assess.Item) error {
	first, end := zhili.Day(m.period.From), zhili.Day(minTime(m.period.To, zhili.StartOfDay(m.now)))
	var days []string
	for d := m.period.From; zhili.Day(d) < end; d = d.AddDate(0, 0, 1) {
		days = append(days, zhili.Day(d))
	}
	type grid struct {
		id         int64
		code, name string
		unit       int
		inPost     map[string]bool
	}
	grids := map[int64]*grid{}
	var order []int64
	rows, err := m.db.query(ctx, `SELECT r.id, r.code, r.name, r.path, p.start_day, p.end_day FROM regions r JOIN positions p ON p.region_id = r.id
		WHERE r.level = ? AND r.retired_at IS NULL AND `+m.cond+` AND p.role = ? AND p.start_day < ? AND (p.end_day IS NULL OR p.end_day >= ?)
		ORDER BY r.code`, append(append([]any{int(zhili.LevelGrid)}, m.args...), string(zhili.PositionGridMember), end, first)...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var g grid
		var path, start string
		var stop *string
		if err := rows.Scan(&g.id, &g.code, &g.name, &path, &start, &stop); err != nil {
			rows.Close()
			return err
		}
		if g.unit = m.unitOf(path, 0); g.unit < 0 {
			continue
		}
		have := grids[g.id]
		if have == nil {
			g.inPost = map[string]bool{}
			have = &g
			grids[g.id] = have
			order = append(order, g.id)
		}
		for _, d := range days {
			if d >= start && (stop == nil || d <= *stop) {
				have.inPost[d] = true
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	filed := map[int64]map[string]bool{}
	rows, err = m.db.query(ctx, `SELECT DISTINCT d.grid_id, d.day FROM daily_checks d JOIN regions r ON r.id = d.grid_id
		WHERE `+m.cond+` AND d.day >= ? AND d.day < ?`, append(m.args, first, end)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var d string
		if err := rows.Scan(&id, &d); err != nil {
			return err
		}
		if filed[id] == nil {
			filed[id] = map[string]bool{}
		}
		filed[id][d] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	missing := make([]int, len(m.units))
	for _, id := range order {
		g := grids[id]
		var gaps []string
		for _, d := range days {
			if !g.inPost[d] {
				continue
			}
			m.update(g.unit, it.Key, func(ms *assess.Measurement) { ms.Den++ })
			if filed[id][d] {
				m.update(g.unit, it.Key, func(ms *assess.Measurement) { ms.Num++ })
			} else {
				gaps = append(gaps, d)
			}
		}
		if len(gaps) == 0 {
			continue
		}
		missing[g.unit] += len(gaps)
		shown := gaps
		if len(shown) > 10 {
			shown = shown[:10]
		}
		text := fmt.Sprintf("%s：缺报%d天（%s", g.name, len(gaps), strings.Join(shown, "、"))
		if len(gaps) > len(shown) {
			text += "等"
		}
		rec := assess.Record{Text: text + "）", URL: "/rhythm/missing?" + url.Values{"under": {g.code}, "day": {gaps[0]}}.Encode()}
		m.update(g.unit, it.Key, func(ms *assess.Measurement) { ms.Records = append(ms.Records, rec) })
	}
	for i := range m.units {
		m.update(i, it.Key, func(ms *assess.Measurement) {
			ms.Unit, ms.Count = "％", missing[i]
			if ms.Den == 0 {
				ms.Empty, ms.Text = true, "本期无在岗网格员的网格日"
				return
			}
			ms.Value = float64(ms.Num) / float64(ms.Den) * 100
			ms.Text = fmt.Sprintf("应报%d个网格日，已报%d个，缺报%d个", ms.Den, ms.Num, missing[i])
		})
	}
	return nil
}

var (
	ledgerCatalog     *ledger.Catalog
	ledgerCatalogOnce sync.Once
)

func ledgerLabel(name string) string {
	ledgerCatalogOnce.Do(func() { ledgerCatalog = ledger.Default() })
	if s, err := ledgerCatalog.Schema(name); err == nil && s.Label != "" {
		return s.Label
	}
	return name
}

// ledgers: for every ledger the item names and every month of the period that
// has ended, whether the township kept at least one record dated in it. The
// records are the (ledger, month) pairs with none.
func (m *measurer) ledgers(ctx context.Context, it assess.Item) error {
	var months []string
	for _, mo := range m.period.Months() {
		if !mo.AddDate(0, 1, 0).After(m.asOf) {
			months = append(months, mo.Format("2006-01"))
		}
	}
	kept := map[string]bool{} // unit|ledger|month
	if len(months) > 0 {
		in := strings.TrimSuffix(strings.Repeat("?, ", len(it.Ledgers)), ", ")
		args := append([]any{}, m.args...)
		for _, l := range it.Ledgers {
			args = append(args, l)
		}
		args = append(args, months[0]+"-01", zhili.Day(m.period.To))
		rows, err := m.db.query(ctx, `SELECT DISTINCT l.ledger, r.path, SUBSTR(l.record_date, 1, 7) FROM ledger_records l JOIN regions r ON r.id = l.region_id
			WHERE `+m.cond+` AND l.ledger IN (`+in+`) AND l.deleted_at IS NULL AND l.record_date >= ? AND l.record_date < ?`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name, path, month string
			if err := rows.Scan(&name, &path, &month); err != nil {
				return err
			}
			if i := m.unitOf(path, 0); i >= 0 {
				kept[fmt.Sprint(i, "|", name, "|", month)] = true
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for i := range m.units {
		m.update(i, it.Key, func(ms *assess.Measurement) {
			ms.Unit = "％"
			for _, name := range it.Ledgers {
				for _, mo := range months {
					ms.Den++
					if kept[fmt.Sprint(i, "|", name, "|", mo)] {
						ms.Num++
						continue
					}
					from, _ := parseMonth(mo)
					q := url.Values{"region": {m.codes[i]}, "from": {zhili.Day(from)}, "to": {zhili.Day(monthNext(from).AddDate(0, 0, -1))}}
					ms.Records = append(ms.Records, assess.Record{Text: fmt.Sprintf("%s：%d年%d月无记录", ledgerLabel(name), from.Year(), from.Month()),
						URL: "/ledgers/" + url.PathEscape(name) + "?" + q.Encode()})
				}
			}
			ms.Count = len(ms.Records)
			if ms.Den == 0 {
				ms.Empty, ms.Text = true, "本期尚无已结束的月份"
				return
			}
			ms.Value = float64(ms.Num) / float64(ms.Den) * 100
			labels := make([]string, len(it.Ledgers))
			for j, n := range it.Ledgers {
				labels[j] = ledgerLabel(n)
			}
			ms.Text = fmt.Sprintf("%s，%d个月，应有%d个台账月，缺%d个", strings.Join(labels, "、"), len(months), ms.Den, ms.Count)
		})
	}
	return nil
}

// indicator asks the indicator engine for each township's figure. The engine is
// bounded by the caller's scope, so it runs as the caller widened to the
// assessment's region (already checked to hold the caller's scope): the ranking
// needs every township's figure, and lines the caller may not read are dropped
// afterwards.
func (m *measurer) indicator(ctx context.Context, a *zhili.Actor, it assess.Item) error {
	wide := *a
	if !a.System {
		wide.ScopeRegionID, wide.ScopePath = m.region.ID, m.region.Path
	}
	ctx = zhili.NewContextWithActor(ctx, &wide)
	cat := indicator.Default()
	figs := report.IndicatorFigures{Indicators: indicator.NewEngine(cat, NewIndicatorStore(m.db, cat))}
	last := m.period.To.AddDate(0, 0, -1)
	for i := range m.units {
		f, err := figs.Figure(ctx, it.Indicator, m.codes[i], m.period.From, last)
		if err != nil {
			return err
		}
		url := f.URL
		if url == "" {
			url = report.RecordsURL(it.Indicator, m.codes[i], m.period.From, last)
		}
		m.update(i, it.Key, func(ms *assess.Measurement) {
			ms.Value, ms.Unit, ms.URL = f.Value, f.Unit, url
			ms.Text = it.Indicator + " = " + strings.TrimSpace(f.Text)
			ms.Records = []assess.Record{{Text: "指标明细：" + it.Indicator, URL: url}}
		})
	}
	return nil
}
