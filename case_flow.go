package zhili

import (
	"fmt"
	"slices"
	"strings"
)

// CaseAction is one move in a case's workflow; each is a timeline event.
type CaseAction string

// Case actions. Report creates the case; the others move it (or record something
// on it) per the transitions table.
const (
	DoReport           CaseAction = "report"            // 上报
	DoAccept           CaseAction = "accept"            // 受理
	DoReject           CaseAction = "reject"            // 不予受理, with a reason
	DoAssign           CaseAction = "assign"            // 交办 to a unit or department
	DoStart            CaseAction = "start"             // 开始办理
	DoResolve          CaseAction = "resolve"           // 化解/办结, with method and outcome
	DoVerify           CaseAction = "verify"            // 核查
	DoVisit            CaseAction = "visit"             // 回访, satisfaction 1–5
	DoClose            CaseAction = "close"             // 归档
	DoEscalate         CaseAction = "escalate"          // 上报上级 one level up (or to the county centre if major)
	DoReturn           CaseAction = "return"            // 退回 to the unit that assigned it
	DoSuspend          CaseAction = "suspend"           // 中止: stop the clock
	DoResume           CaseAction = "resume"            // 恢复
	DoReopen           CaseAction = "reopen"            // 重新办理: the resolution did not hold
	DoLinkDuplicate    CaseAction = "link_duplicate"    // 合并 into another case
	DoRequestExtension CaseAction = "request_extension" // 申请延期
	DoDecideExtension  CaseAction = "decide_extension"  // 审批延期
	DoComment          CaseAction = "comment"           // 备注
	DoSupervise        CaseAction = "supervise"         // 督办: by a centre or leader, or the system when a deadline passes
)

// CaseActionLabels gives each action its Chinese label.
var CaseActionLabels = map[CaseAction]string{
	DoReport: "上报", DoAccept: "受理", DoReject: "不予受理", DoAssign: "交办", DoStart: "开始办理",
	DoResolve: "化解办结", DoVerify: "核查", DoVisit: "回访", DoClose: "归档", DoEscalate: "提级上报",
	DoReturn: "退回", DoSuspend: "中止", DoResume: "恢复", DoReopen: "重新办理", DoLinkDuplicate: "合并重复",
	DoRequestExtension: "申请延期", DoDecideExtension: "审批延期", DoComment: "备注", DoSupervise: "督办",
}

// Label is the action's Chinese name.
func (a CaseAction) Label() string {
	if l, ok := CaseActionLabels[a]; ok {
		return l
	}
	return string(a)
}

// CaseSide is the part an actor plays on a case: holder of the current step, or the
// supervising unit. Centre operators in scope play both (综治中心 supervises all).
type CaseSide string

// Case sides.
const (
	SideHolder     CaseSide = "holder"
	SideSupervisor CaseSide = "supervisor"
	// SideOverseer is a leader or centre operator in scope: may supervise and comment.
	SideOverseer CaseSide = "overseer"
)

// Transition is one row of the workflow: from which states an action may be taken,
// the state it leads to ("" keeps the state) and which sides may take it.
type Transition struct {
	From []CaseState
	To   CaseState
	By   []CaseSide
}

var working = []CaseState{CaseReported, CaseAccepted, CaseAssigned, CaseHandling}

// CaseTransitions is the one table of allowed moves; case_flow_test.go checks it.
// Resume's target is the state the case was suspended from.
var CaseTransitions = map[CaseAction]Transition{
	DoAccept:           {From: []CaseState{CaseReported}, To: CaseAccepted, By: []CaseSide{SideHolder}},
	DoReject:           {From: []CaseState{CaseReported}, To: CaseRejected, By: []CaseSide{SideHolder}},
	DoAssign:           {From: []CaseState{CaseAccepted, CaseHandling}, To: CaseAssigned, By: []CaseSide{SideHolder}},
	DoStart:            {From: []CaseState{CaseAccepted, CaseAssigned}, To: CaseHandling, By: []CaseSide{SideHolder}},
	DoResolve:          {From: []CaseState{CaseAccepted, CaseHandling}, To: CaseResolved, By: []CaseSide{SideHolder}},
	DoVerify:           {From: []CaseState{CaseResolved}, To: CaseVerified, By: []CaseSide{SideSupervisor}},
	DoVisit:            {From: []CaseState{CaseVerified}, To: CaseVisited, By: []CaseSide{SideSupervisor}},
	DoClose:            {From: []CaseState{CaseVisited}, To: CaseClosed, By: []CaseSide{SideSupervisor}},
	DoEscalate:         {From: working, To: CaseReported, By: []CaseSide{SideHolder}},
	DoReturn:           {From: []CaseState{CaseAssigned, CaseHandling}, To: CaseAccepted, By: []CaseSide{SideHolder}},
	DoSuspend:          {From: working, To: CaseSuspended, By: []CaseSide{SideHolder, SideSupervisor}},
	DoResume:           {From: []CaseState{CaseSuspended}, By: []CaseSide{SideHolder, SideSupervisor}},
	DoReopen:           {From: []CaseState{CaseResolved, CaseVerified, CaseVisited}, To: CaseHandling, By: []CaseSide{SideSupervisor}},
	DoLinkDuplicate:    {From: []CaseState{CaseReported, CaseAccepted}, To: CaseDuplicate, By: []CaseSide{SideHolder, SideSupervisor}},
	DoRequestExtension: {From: []CaseState{CaseAccepted, CaseAssigned, CaseHandling}, By: []CaseSide{SideHolder}},
	DoDecideExtension:  {From: []CaseState{CaseAccepted, CaseAssigned, CaseHandling}, By: []CaseSide{SideSupervisor}},
	DoComment: {From: []CaseState{CaseReported, CaseAccepted, CaseAssigned, CaseHandling, CaseResolved, CaseVerified, CaseVisited, CaseSuspended},
		By: []CaseSide{SideHolder, SideSupervisor, SideOverseer}},
	DoSupervise: {From: []CaseState{CaseReported, CaseAccepted, CaseAssigned, CaseHandling, CaseResolved, CaseVerified},
		By: []CaseSide{SideOverseer}},
}

// NextState returns the state action leads to from state, or ok=false if the
// action is not allowed there. suspendedFrom is used by resume.
func NextState(action CaseAction, state, suspendedFrom CaseState) (CaseState, bool) {
	t, ok := CaseTransitions[action]
	if !ok || !slices.Contains(t.From, state) {
		return "", false
	}
	switch {
	case action == DoResume:
		return suspendedFrom, suspendedFrom != ""
	case t.To == "":
		return state, true
	}
	return t.To, true
}

// MaySide reports whether an actor playing sides may take action.
func MaySide(action CaseAction, sides []CaseSide) bool {
	return len(ActingSides(action, sides)) > 0
}

// ActingSides returns those of sides that may take action, in their order.
func ActingSides(action CaseAction, sides []CaseSide) []CaseSide {
	t, ok := CaseTransitions[action]
	if !ok {
		return nil
	}
	var out []CaseSide
	for _, s := range sides {
		if slices.Contains(t.By, s) {
			out = append(out, s)
		}
	}
	return out
}

// SidePermission is the permission a side acts with. A unit that holds or
// supervises the case works on it (business.write); an overseer supervises (督办)
// and comments without holding it, and needs only business.read. An actor who
// plays several sides may act through any of them that may take the action: a
// leader whose unit is the supervising unit comments and supervises as an
// overseer, though not verify or close, which need the unit side.
func SidePermission(side CaseSide) Action {
	if side == SideOverseer {
		return ActBusinessRead
	}
	return ActBusinessWrite
}

// CaseAct is the input of one action: the state the caller saw (compare-and-set),
// and the fields the action needs.
type CaseAct struct {
	Action CaseAction `json:"action"`
	// From is the state the caller saw; if the case has moved since, ECONFLICT.
	From CaseState `json:"from"`
	Note string    `json:"note,omitempty"`
	// UnitID is the target of assign (required) and escalate (optional: the default
	// is one level up, or the county centre for major risk).
	UnitID int64 `json:"unit_id,omitempty"`
	// Resolve: method, outcome, agreement; labour complaints also workers paid and
	// wages recovered (fen).
	Method         string `json:"method,omitempty"`
	Outcome        string `json:"outcome,omitempty"`
	Agreement      bool   `json:"agreement,omitempty"`
	WorkersPaid    int    `json:"workers_paid,omitempty"`
	WagesRecovered int64  `json:"wages_recovered_fen,omitempty"`
	// Visit: satisfaction 1–5.
	Satisfaction int `json:"satisfaction,omitempty"`
	// Extension: working days asked (request) and the decision (decide).
	ExtensionDays int  `json:"extension_days,omitempty"`
	Approve       bool `json:"approve,omitempty"`
	// Link duplicate: the case that carries the work.
	DuplicateOf int64 `json:"duplicate_of,omitempty"`
}

// ResolutionMethods lists the ways a case is resolved (化解方式).
var ResolutionMethods = []string{"人民调解", "行政调解", "司法调解", "诉调对接", "当事人和解", "行政处理", "现场处置", "整改完成", "协调解决", "其他"}

// EventNote is the act's line on the case timeline: the particulars of the action
// (method and outcome, satisfaction, extension) followed by the user's note.
func (act CaseAct) EventNote() string {
	parts := []string{}
	switch act.Action {
	case DoResolve:
		parts = append(parts, "方式："+act.Method, "结果："+act.Outcome)
		if act.Agreement {
			parts = append(parts, "已签订调解协议")
		}
	case DoVisit:
		parts = append(parts, fmt.Sprintf("满意度：%d", act.Satisfaction))
	case DoRequestExtension:
		parts = append(parts, fmt.Sprintf("申请延期%d天", act.ExtensionDays))
	case DoDecideExtension:
		parts = append(parts, map[bool]string{true: "同意延期", false: "不同意延期"}[act.Approve])
	}
	if act.Note != "" {
		parts = append(parts, act.Note)
	}
	return strings.Join(parts, "；")
}
