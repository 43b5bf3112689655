package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/assess"
)

// measurer measures one scheme's units for a period. Queries run over the whole
// assessment region, once per measure, and each row is charged to its unit:
// a township by region path prefix, a department as the holder unit.
type measurer struct {
	db     *DB
	scheme *assess.Scheme
	period assess.Period
	region *assessRegionRow
	now    time.Time
	asOf   time.Time // the period's end, or now while it runs

	units  []assess.UnitMeasures
	codes  []string       // region code of each township unit
	byPath map[string]int // township path → unit
	byUnit map[int64]int  // department unit id → unit
	cond   string         // the region subtree on r.path
	args   []any
}

func (m *measurer) departments() bool { return m.scheme.Units == assess.UnitsDepartments }

// measure lists the units and fills every item's measurement.
func (m *measurer) measure(ctx context.Context, a *zhili.Actor) ([]assess.UnitMeasures, error) {
	m.cond, m.args = subtree("r.path", m.region.Path)
	if err := m.listUnits(ctx, a); err != nil {
		return nil, err
	}
	for _, it := range m.scheme.Items {
		var err error
		switch it.Measure {
		case assess.MeasureResolutionRate:
			err = m.resolution(ctx, it)
		case assess.MeasureOverdueSteps:
			err = m.overdue(ctx, it)
		case assess.MeasureVisitsOnTime:
			err = m.visits(ctx, it)
		case assess.MeasureSatisfaction:
			err = m.satisfaction(ctx, it)
		case assess.MeasureSweepsFiled:
			err = m.sweeps(ctx, it)
		case assess.MeasureLedgersCurrent:
			err = m.ledgers(ctx, it)
		case assess.MeasureIndicator:
			err = m.indicator(ctx, a, it)
		}
		if err != nil {
			return nil, fmt.Errorf("assess %s: %w", it.Key, err)
		}
	}
	return m.units, nil
}

func (m *measurer) listUnits(ctx context.Context, a *zhili.Actor) error {
	m.byPath, m.byUnit = map[string]int{}, map[int64]int{}
	add := func(u assess.Unit, path, code string) {
		ms := map[string]assess.Measurement{}
		m.units = append(m.units, assess.UnitMeasures{Unit: u, Measures: ms})
		m.codes = append(m.codes, code)
		if m.departments() {
			m.byUnit[u.ID] = len(m.units) - 1
		} else {
			m.byPath[path] = len(m.units) - 1
		}
	}
	if !m.departments() && m.region.Level == zhili.LevelTownship {
		add(assess.Unit{ID: m.region.ID, Code: m.region.Code, Name: m.region.Name, Visible: visible(a, m.region.Path, 0)}, m.region.Path, m.region.Code)
		return m.initMeasures()
	}
	var q string
	args := m.args
	if m.departments() {
		q = `SELECT u.id, r.code, u.name, r.path FROM units u JOIN regions r ON r.id = u.region_id
			WHERE u.kind = ? AND u.retired_at IS NULL AND ` + m.cond + ` ORDER BY u.id`
		args = append([]any{string(zhili.UnitDepartment)}, args...)
	} else {
		q = `SELECT r.id, r.code, r.name, r.path FROM regions r WHERE r.level = ? AND r.retired_at IS NULL AND ` + m.cond + ` ORDER BY r.code`
		args = append([]any{int(zhili.LevelTownship)}, args...)
	}
	rows, err := m.db.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("units assessed: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u assess.Unit
		var path string
		if err := rows.Scan(&u.ID, &u.Code, &u.Name, &path); err != nil {
			return err
		}
		if m.departments() {
			u.Visible = visible(a, path, u.ID) && (a.System || a.ScopePath == "" || len(path) >= len(a.ScopePath) && path[:len(a.ScopePath)] == a.ScopePath)
			u.Code = ""
		} else {
			u.Visible = visible(a, path, 0)
		}
		add(u, path, u.Code)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return m.initMeasures()
}

// initMeasures gives every unit an empty measurement of every item.
func (m *measurer) initMeasures() error {
	for _, u := range m.units {
		for _, it := range m.scheme.Items {
			u.Measures[it.Key] = assess.Measurement{Records: []assess.Record{}}
		}
	}
	return nil
}

// unitOf finds the unit a row is charged to, or -1.
func (m *measurer) unitOf(path string, holder int64) int {
	if m.departments() {
		if i, ok := m.byUnit[holder]; ok {
			return i
		}
		return -1
	}
	return rowOf(m.byPath, path)
}

// update changes one unit's measurement of an item.
func (m *measurer) update(i int, key string, f func(*assess.Measurement)) {
	ms := m.units[i].Measures[key]
	f(&ms)
	m.units[i].Measures[key] = ms
}

func caseRecord(id int64, no, text string) assess.Record {
	return assess.Record{Text: no + " " + text, URL: "/cases/" + strconv.FormatInt(id, 10)}
}

func (m *measurer) between() []any { return []any{ts(m.period.From), ts(m.period.To)} }

// resolution: of the period's new cases, the share resolved; the records are the
// cases not resolved. Duplicates (merged into another case) and rejected reports
// are not counted.
func (m *measurer) resolution(ctx context.Context, it assess.Item) error {
	rows, err := m.db.query(ctx, `SELECT c.id, c.no, c.title, c.state, r.path, c.holder_unit_id FROM cases c JOIN regions r ON r.id = c.region_id
		WHERE `+m.cond+` AND c.reported_at >= ? AND c.reported_at < ? AND c.state NOT IN (?, ?) ORDER BY c.reported_at, c.id`,
		append(m.args, append(m.between(), string(zhili.CaseDuplicate), string(zhili.CaseRejected))...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	resolved := map[zhili.CaseState]bool{}
	for _, s := range zhili.ResolvedStates {
		resolved[s] = true
	}
	for rows.Next() {
		var id, holder int64
		var no, title, path string
		var state zhili.CaseState
		if err := rows.Scan(&id, &no, &title, &state, &path, &holder); err != nil {
			return err
		}
		i := m.unitOf(path, holder)
		if i < 0 {
			continue
		}
		m.update(i, it.Key, func(ms *assess.Measurement) {
			ms.Den++
			if resolved[state] {
				ms.Num++
			} else {
				ms.Records = append(ms.Records, caseRecord(id, no, title+"（"+state.Label()+"，未化解）"))
			}
		})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	m.rates(it.Key, "新增%d件，化解%d件", true)
	return nil
}

// rates finishes share measures: Value = Num/Den in ％, Count = records.
func (m *measurer) rates(key, text string, numFirst bool) {
	for i := range m.units {
		m.update(i, key, func(ms *assess.Measurement) {
			ms.Unit, ms.Count = "％", len(ms.Records)
			if ms.Den == 0 {
				ms.Empty = true
			} else {
				ms.Value = float64(ms.Num) / float64(ms.Den) * 100
			}
			if numFirst {
				ms.Text = fmt.Sprintf(text, ms.Den, ms.Num)
			} else {
				ms.Text = fmt.Sprintf(text, ms.Den, ms.Num, ms.Den-ms.Num)
			}
		})
	}
}

// overdue: step deadlines that passed in the period (the supervision job's
// records in case_overdue), charged to the township of the case or the unit that
// held the step. The visit step is left to the visits item, so a late visit
// costs once.
func (m *measurer) overdue(ctx context.Context, it assess.Item) error {
	rows, err := m.db.query(ctx, `SELECT o.case_id, c.no, c.title, o.step, o.due_at, r.path, o.holder_unit_id
		FROM case_overdue o JOIN cases c ON c.id = o.case_id JOIN regions r ON r.id = c.region_id
		WHERE `+m.cond+` AND o.due_at >= ? AND o.due_at < ? AND o.due_at < ? AND o.step <> ? ORDER BY o.due_at, o.case_id`,
		append(m.args, append(m.between(), ts(m.asOf), zhili.StepVisit)...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, holder int64
		var no, title, step, due, path string
		if err := rows.Scan(&id, &no, &title, &step, &due, &path, &holder); err != nil {
			return err
		}
		if i := m.unitOf(path, holder); i >= 0 {
			m.update(i, it.Key, func(ms *assess.Measurement) {
				ms.Records = append(ms.Records, caseRecord(id, no, fmt.Sprintf("%s：%s环节期限%s，超期", title, zhili.StepLabel(step), zhili.Day(parseTS(due)))))
			})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range m.units {
		m.update(i, it.Key, func(ms *assess.Measurement) {
			ms.Count, ms.Value, ms.Unit = len(ms.Records), float64(len(ms.Records)), "个"
			ms.Text = fmt.Sprintf("超期环节%d个", ms.Count)
		})
	}
	return nil
}

// visits: the ten-day visits falling due in the period (by the end of the tenth
// day after resolution) and already due; late and missed ones are the records.
func (m *measurer) visits(ctx context.Context, it assess.Item) error {
	rows, err := m.db.query(ctx, `SELECT c.id, c.no, c.title, r.path, c.holder_unit_id, c.resolved_at, c.visited_at
		FROM cases c JOIN regions r ON r.id = c.region_id
		WHERE `+m.cond+` AND c.resolved_at >= ? AND c.resolved_at < ? ORDER BY c.resolved_at, c.id`,
		append(m.args, ts(m.period.From.AddDate(0, 0, -zhili.VisitDays-1)), ts(m.period.To))...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var cal zhili.Calendar
	for rows.Next() {
		var id, holder int64
		var no, title, path, resolvedAt string
		var visitedAt *string
		if err := rows.Scan(&id, &no, &title, &path, &holder, &resolvedAt, &visitedAt); err != nil {
			return err
		}
		due := cal.AddCalendarDays(parseTS(resolvedAt), zhili.VisitDays)
		if due.Before(m.period.From) || !due.Before(m.period.To) {
			continue
		}
		var rec *assess.Record
		switch {
		case visitedAt != nil && !parseTS(*visitedAt).After(due):
		case visitedAt != nil:
			r := caseRecord(id, no, fmt.Sprintf("%s：回访期限%s，%s才回访", title, zhili.Day(due), zhili.Day(parseTS(*visitedAt))))
			rec = &r
		case due.Before(m.asOf):
			r := caseRecord(id, no, fmt.Sprintf("%s：回访期限%s，逾期未回访", title, zhili.Day(due)))
			rec = &r
		default:
			continue // not yet due
		}
		if i := m.unitOf(path, holder); i >= 0 {
			m.update(i, it.Key, func(ms *assess.Measurement) {
				ms.Den++
				if rec == nil {
					ms.Num++
				} else {
					ms.Records = append(ms.Records, *rec)
				}
			})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	m.rates(it.Key, "应回访%d件，按期回访%d件，逾期%d件", false)
	return nil
}

// satisfaction: the mean score of the period's visits; visits scored at or
// below the item's low mark are the records.
func (m *measurer) satisfaction(ctx context.Context, it assess.Item) error {
	low := it.Low
	if low == 0 {
		low = 3
	}
	rows, err := m.db.query(ctx, `SELECT c.id, c.no, c.title, r.path, c.holder_unit_id, c.satisfaction
		FROM cases c JOIN regions r ON r.id = c.region_id
		WHERE `+m.cond+` AND c.visited_at >= ? AND c.visited_at < ? AND c.satisfaction > 0 ORDER BY c.visited_at, c.id`,
		append(m.args, m.between()...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	sums := make([]int, len(m.units))
	for rows.Next() {
		var id, holder int64
		var no, title, path string
		var score int
		if err := rows.Scan(&id, &no, &title, &path, &holder, &score); err != nil {
			return err
		}
		i := m.unitOf(path, holder)
		if i < 0 {
			continue
		}
		sums[i] += score
		m.update(i, it.Key, func(ms *assess.Measurement) {
			ms.Den++
			if score <= low {
				ms.Records = append(ms.Records, caseRecord(id, no, fmt.Sprintf("%s：回访满意度%d分", title, score)))
			}
		})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range m.units {
		m.update(i, it.Key, func(ms *assess.Measurement) {
			ms.Unit, ms.Count, ms.Num = "分", len(ms.Records), sums[i]
			if ms.Den == 0 {
				ms.Empty = true
				ms.Text = "本期无回访评价"
				return
			}
			ms.Value = float64(sums[i]) / float64(ms.Den)
			ms.Text = fmt.Sprintf("回访评价%d件，平均%.2f分，%d分及以下%d件", ms.Den, ms.Value, low, ms.Count)
		})
	}
	return nil
}
