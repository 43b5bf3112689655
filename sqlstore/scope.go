package sqlstore

import (
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
)

// subtree returns the condition "col lies in the subtree whose path is prefix" as
// a half-open byte range, which both databases answer from a plain index (PostgreSQL
// compares the path column in the C collation). '0' is the byte after '/'.
func subtree(col, prefix string) (string, []any) {
	return "(" + col + " >= ? AND " + col + " < ?)", []any{prefix, prefix[:len(prefix)-1] + "0"}
}

// scopeRegions bounds a query on the regions table (aliased as alias) by the actor's scope.
func scopeRegions(a *zhili.Actor, alias string) (string, []any) {
	if a.System || a.ScopePath == "" {
		return "1 = 1", nil
	}
	return subtree(alias+".path", a.ScopePath)
}

// scopeRegionID bounds a query on any table whose region column is col.
func scopeRegionID(a *zhili.Actor, col string) (string, []any) {
	if a.System || a.ScopePath == "" {
		return "1 = 1", nil
	}
	cond, args := subtree("path", a.ScopePath)
	return col + " IN (SELECT id FROM regions WHERE " + cond + ")", args
}

// underRegion bounds a query on col to the subtree of the region with this path.
func underRegion(col, path string) (string, []any) {
	cond, args := subtree("path", path)
	return col + " IN (SELECT id FROM regions WHERE " + cond + ")", args
}

func childPath(parentPath string, id int64) string {
	if parentPath == "" {
		parentPath = "/"
	}
	return parentPath + strconv.FormatInt(id, 10) + "/"
}

// requireDeploymentWide refuses an actor whose scope is not the whole
// deployment: settings such as the assessment schemes and the county's own
// indicators apply to every region of the database, so a township's centre
// operator, who holds the same action as the county's, may not change them.
// The deployment's root region (a county, or a city) has a path of one id.
func requireDeploymentWide(a *zhili.Actor, what string) error {
	if a.System || a.ScopePath == "" || strings.Count(a.ScopePath, "/") == 2 {
		return nil
	}
	return zhili.Errorf(zhili.EFORBIDDEN, "Only an account whose scope is the whole county (or city) may change %s.", what)
}
