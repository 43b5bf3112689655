package zhili

import (
	"context"
	"strconv"
	"strings"
)

// Actor is who is calling a service: a logged-in user, a department token, or the
// system itself (CLI commands and scheduled jobs). Services read it from the context
// to check the role and to bound every query by scope.
type Actor struct {
	UserID   int64
	Username string
	Role     Role
	UnitID   int64
	// ScopeRegionID is the root of the region subtree the actor may see; ScopePath is
	// that region's path ("/1/5/"). The system actor has an empty path: everything.
	ScopeRegionID int64
	ScopePath     string
	// IP is where the request came from, for the audit log.
	IP string
	// System marks the CLI and scheduler: every action allowed, no scope bound.
	System bool
}

// SystemActor is the actor of CLI commands and scheduled jobs.
func SystemActor(name string) *Actor {
	return &Actor{Username: name, System: true, IP: "local"}
}

// Can reports whether the actor may perform act.
func (a *Actor) Can(act Action) bool {
	if a == nil {
		return false
	}
	return a.System || Can(a.Role, act)
}

// InScope reports whether a region path lies in the actor's subtree.
func (a *Actor) InScope(path string) bool {
	if a == nil {
		return false
	}
	return a.System || strings.HasPrefix(path, a.ScopePath)
}

// Require returns EFORBIDDEN unless the actor may perform act, and EUNAUTHORIZED
// when there is no actor at all.
func (a *Actor) Require(act Action) error {
	if a == nil {
		return Errorf(EUNAUTHORIZED, "Login required.")
	}
	if !a.Can(act) {
		return Errorf(EFORBIDDEN, "Your role may not do this (%s).", act)
	}
	return nil
}

// String names the actor for logs.
func (a *Actor) String() string {
	if a == nil {
		return "anonymous"
	}
	if a.System {
		return "system:" + a.Username
	}
	return a.Username + "#" + strconv.FormatInt(a.UserID, 10)
}

type actorKey struct{}

// NewContextWithActor returns a context carrying the actor.
func NewContextWithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the context's actor, or nil.
func ActorFromContext(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}
