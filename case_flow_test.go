package zhili_test

import (
	"testing"

	"github.com/zhili-project/zhili"
)

// TestCaseTransitions spells the workflow out move by move: every (action, state)
// pair not listed here must be refused.
func TestCaseTransitions(t *testing.T) {
	t.Parallel()
	type move struct {
		action zhili.CaseAction
		from   zhili.CaseState
		to     zhili.CaseState
	}
	allowed := []move{
		{zhili.DoAccept, zhili.CaseReported, zhili.CaseAccepted},
		{zhili.DoReject, zhili.CaseReported, zhili.CaseRejected},
		{zhili.DoAssign, zhili.CaseAccepted, zhili.CaseAssigned},
		{zhili.DoAssign, zhili.CaseHandling, zhili.CaseAssigned},
		{zhili.DoStart, zhili.CaseAccepted, zhili.CaseHandling},
		{zhili.DoStart, zhili.CaseAssigned, zhili.CaseHandling},
		{zhili.DoResolve, zhili.CaseAccepted, zhili.CaseResolved},
		{zhili.DoResolve, zhili.CaseHandling, zhili.CaseResolved},
		{zhili.DoVerify, zhili.CaseResolved, zhili.CaseVerified},
		{zhili.DoVisit, zhili.CaseVerified, zhili.CaseVisited},
		{zhili.DoClose, zhili.CaseVisited, zhili.CaseClosed},
		{zhili.DoReturn, zhili.CaseAssigned, zhili.CaseAccepted},
		{zhili.DoReturn, zhili.CaseHandling, zhili.CaseAccepted},
		{zhili.DoReopen, zhili.CaseResolved, zhili.CaseHandling},
		{zhili.DoReopen, zhili.CaseVerified, zhili.CaseHandling},
		{zhili.DoReopen, zhili.CaseVisited, zhili.CaseHandling},
		{zhili.DoLinkDuplicate, zhili.CaseReported, zhili.CaseDuplicate},
		{zhili.DoLinkDuplicate, zhili.CaseAccepted, zhili.CaseDuplicate},
		{zhili.DoResume, zhili.CaseSuspended, zhili.CaseHandling}, // suspended from handling
	}
	for _, s := range []zhili.CaseState{zhili.CaseReported, zhili.CaseAccepted, zhili.CaseAssigned, zhili.CaseHandling} {
		allowed = append(allowed, move{zhili.DoEscalate, s, zhili.CaseReported}, move{zhili.DoSuspend, s, zhili.CaseSuspended})
	}
	for _, s := range []zhili.CaseState{zhili.CaseAccepted, zhili.CaseAssigned, zhili.CaseHandling} {
		allowed = append(allowed, move{zhili.DoRequestExtension, s, s}, move{zhili.DoDecideExtension, s, s})
	}
	for _, s := range []zhili.CaseState{zhili.CaseReported, zhili.CaseAccepted, zhili.CaseAssigned, zhili.CaseHandling, zhili.CaseResolved, zhili.CaseVerified, zhili.CaseVisited, zhili.CaseSuspended} {
		allowed = append(allowed, move{zhili.DoComment, s, s})
	}
	for _, s := range []zhili.CaseState{zhili.CaseReported, zhili.CaseAccepted, zhili.CaseAssigned, zhili.CaseHandling, zhili.CaseResolved, zhili.CaseVerified} {
		allowed = append(allowed, move{zhili.DoSupervise, s, s})
	}
	want := map[[2]string]zhili.CaseState{}
	for _, m := range allowed {
		want[[2]string{string(m.action), string(m.from)}] = m.to
	}
	for action := range zhili.CaseTransitions {
		for _, st := range zhili.CaseStates {
			got, ok := zhili.NextState(action, st.State, zhili.CaseHandling)
			exp, allowedHere := want[[2]string{string(action), string(st.State)}]
			if ok != allowedHere || got != exp {
				t.Errorf("%s from %s: got (%q, %v), want (%q, %v)", action, st.State, got, ok, exp, allowedHere)
			}
		}
	}
	for _, terminal := range []zhili.CaseState{zhili.CaseClosed, zhili.CaseRejected, zhili.CaseDuplicate} {
		for action := range zhili.CaseTransitions {
			if _, ok := zhili.NextState(action, terminal, ""); ok {
				t.Errorf("%s leaves terminal state %s", action, terminal)
			}
		}
	}
}

func TestCaseSides(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		action zhili.CaseAction
		sides  []zhili.CaseSide
		want   bool
	}{
		{zhili.DoAccept, []zhili.CaseSide{zhili.SideHolder}, true},
		{zhili.DoAccept, []zhili.CaseSide{zhili.SideSupervisor}, false},
		{zhili.DoVerify, []zhili.CaseSide{zhili.SideHolder}, false},
		{zhili.DoVerify, []zhili.CaseSide{zhili.SideSupervisor}, true},
		{zhili.DoSupervise, []zhili.CaseSide{zhili.SideHolder, zhili.SideSupervisor}, false},
		{zhili.DoSupervise, []zhili.CaseSide{zhili.SideOverseer}, true},
		{zhili.DoComment, []zhili.CaseSide{zhili.SideOverseer}, true},
		{zhili.DoResolve, nil, false},
	} {
		if got := zhili.MaySide(tc.action, tc.sides); got != tc.want {
			t.Errorf("MaySide(%s, %v) = %v, want %v", tc.action, tc.sides, got, tc.want)
		}
	}
	if _, ok := zhili.NextState(zhili.DoResume, zhili.CaseSuspended, ""); ok {
		t.Error("resume without a remembered state succeeded")
	}
}
