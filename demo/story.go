package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/zhili-project/zhili"
)

// story runs a reported case through the workflow: most to the close after the
// full flow, some duplicates, rejections, escalations, returns, suspensions,
// extensions, late steps and cases stuck at a step. Actions that would fall after
// today are not taken, so recent cases are open at every step.
func (s *sim) story(c *simCase, dup *simCase, rng *rand.Rand) {
	defer s.finish(c)
	holder := func() *zhili.Actor { return c.holder.actor }
	supervisor := func() *zhili.Actor { return c.supervisor.actor }
	soon := func(hours float64) time.Time {
		return s.workTime(c.last, time.Duration((0.1+rng.Float64()*hours)*float64(time.Hour)))
	}
	if dup != nil {
		s.do(c, soon(4), holder(), zhili.CaseAct{Action: zhili.DoLinkDuplicate, DuplicateOf: dup.ID,
			Note: fmt.Sprintf("与案件%s反映同一事项，合并办理", dup.No)})
		return
	}
	if c.Kind == zhili.KindDispute && rng.Float64() < shareReject {
		s.do(c, soon(6), holder(), zhili.CaseAct{Action: zhili.DoReject, Note: pick(rng, rejectNotes)})
		return
	}
	stall := ""
	if rng.Float64() < shareStall {
		stall = pick(rng, []string{"accept", "handle", "handle", "verify", "visit"})
	}
	accept := func() bool {
		if stall == "accept" {
			return false
		}
		at := s.onTime(c.last, c.Due, rng, 0.4)
		if rng.Float64() < shareLateAccept {
			at = s.late(c.Due, rng, c.last)
		}
		return s.do(c, at, holder(), zhili.CaseAct{Action: zhili.DoAccept})
	}
	if !accept() {
		return
	}
	if c.holder.kind == zhili.UnitOffice && c.holder.region.Level == zhili.LevelVillage && rng.Float64() < shareEscalate {
		note := "超出村（社区）处置能力，提请上级协调"
		if c.Kind == zhili.KindDispute {
			note = pick(rng, escalateNotes)
		}
		if !s.do(c, soon(20), holder(), zhili.CaseAct{Action: zhili.DoEscalate, Note: note}) || !accept() {
			return
		}
	}
	// Who handles it: a village handles its own; a township office or centre
	// assigns most cases down to the village or to a department.
	var target *unitInfo
	town := c.grid.parent.parent
	if c.holder.region.Level == zhili.LevelTownship {
		dept := deptFor(c.Kind, c.Category)
		switch x := rng.Float64(); {
		case c.Kind == zhili.KindLaborComplaint:
			target = s.w.unit["dept:labor"]
		case x < 0.45:
			target = s.w.unit["office:"+c.grid.parent.Code]
		case x < 0.7 && dept != "":
			target = s.w.unit["dept:"+dept]
		case x < 0.8 && c.Kind == zhili.KindDispute:
			target = s.w.unit["center:"+string(zhili.UnitMediationCenter)]
		case x < 0.88 && c.holder.kind == zhili.UnitOffice:
			target = s.w.unit["gc:"+town.Code]
		}
	}
	if target != nil {
		if !s.do(c, soon(8), holder(), zhili.CaseAct{Action: zhili.DoAssign, UnitID: target.id, Note: "请" + target.name + "办理"}) {
			return
		}
		if target.kind == zhili.UnitDepartment && c.Kind != zhili.KindLaborComplaint && rng.Float64() < shareReturn {
			if !s.do(c, soon(16), holder(), zhili.CaseAct{Action: zhili.DoReturn, Note: pick(rng, returnNotes)}) ||
				!s.do(c, soon(8), holder(), zhili.CaseAct{Action: zhili.DoAssign, UnitID: s.w.unit["office:"+c.grid.parent.Code].id,
					Note: "请" + s.w.unit["office:"+c.grid.parent.Code].name + "属地办理"}) {
				return
			}
		}
	}
	if !s.do(c, soon(8), holder(), zhili.CaseAct{Action: zhili.DoStart}) {
		return
	}
	if rng.Float64() < shareSuspend {
		if !s.do(c, soon(20), holder(), zhili.CaseAct{Action: zhili.DoSuspend, Note: pick(rng, suspendNotes)}) {
			return
		}
		back := s.workTime(c.last.Add(time.Duration(5+rng.IntN(25))*24*time.Hour), 0)
		if !s.do(c, back, holder(), zhili.CaseAct{Action: zhili.DoResume, Note: "中止情形消除，恢复办理"}) {
			return
		}
	}
	if rng.Float64() < shareExtend {
		days := 5 + rng.IntN(10)
		if !s.do(c, s.onTime(c.last, c.Due, rng, 0.8), holder(), zhili.CaseAct{Action: zhili.DoRequestExtension, ExtensionDays: days, Note: pick(rng, extendNotes)}) {
			return
		}
		approve := rng.Float64() < 0.85
		if !s.do(c, soon(10), supervisor(), zhili.CaseAct{Action: zhili.DoDecideExtension, Approve: approve}) {
			return
		}
	}
	if stall == "handle" {
		return
	}
	at := s.onTime(c.last, c.Due, rng, 0.9)
	if rng.Float64() < shareLateHandle {
		at = s.late(c.Due, rng, c.last)
	}
	method, outcome, agreement := resolution(rng, c.Kind)
	act := zhili.CaseAct{Action: zhili.DoResolve, Method: method, Outcome: outcome, Agreement: agreement}
	if c.Kind == zhili.KindLaborComplaint && c.Workers > 0 {
		act.WorkersPaid = c.Workers
		if rng.Float64() < 0.2 {
			act.WorkersPaid = rng.IntN(c.Workers + 1)
		}
		act.WagesRecovered = c.Amount * int64(act.WorkersPaid) / int64(c.Workers)
		act.Outcome = fmt.Sprintf("已督促用人单位为%d名劳动者支付工资%.2f元", act.WorkersPaid, float64(act.WagesRecovered)/100)
	}
	if !s.do(c, at, holder(), act) || stall == "verify" {
		return
	}
	at = s.onTime(c.last, c.Due, rng, 0.5)
	if rng.Float64() < shareLateVerify {
		at = s.late(c.Due, rng, c.last)
	}
	if !s.do(c, at, supervisor(), zhili.CaseAct{Action: zhili.DoVerify, Note: "经核查，化解情况属实"}) || stall == "visit" {
		return
	}
	at = s.onTime(c.last, c.Due, rng, 0.9)
	if rng.Float64() < shareLateVisit {
		at = s.workTime(c.ResolvedAt.Add(time.Duration(11+rng.IntN(15))*24*time.Hour), 0)
	}
	satisfaction := []int{5, 5, 5, 5, 5, 5, 4, 4, 4, 3}[rng.IntN(10)]
	if rng.Float64() < 0.03 {
		satisfaction = 1 + rng.IntN(2)
	}
	if !s.do(c, at, supervisor(), zhili.CaseAct{Action: zhili.DoVisit, Satisfaction: satisfaction, Note: "电话回访当事人"}) {
		return
	}
	s.do(c, soon(16), supervisor(), zhili.CaseAct{Action: zhili.DoClose, Note: "材料齐全，归档"})
}

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }
