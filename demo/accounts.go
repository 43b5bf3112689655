package demo

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/width"

	"github.com/zhili-project/zhili"
)

// WriteAccounts prints the demo accounts as a table for the terminal, one
// account a line under a header, columns padded by display width so Chinese
// text lines up:
//
//	用户名      角色                  单位                           姓名      密码
//	admin       系统管理员            青山县人民政府                 系统管理员  Eew7Bj!9Nky3Kp
//
// The passwords are shown only here: the database keeps their hashes.
func (r *Result) WriteAccounts(w io.Writer) error {
	rows := [][]string{{"用户名", "角色", "单位", "姓名", "密码"}}
	for _, a := range r.Accounts {
		rows = append(rows, []string{a.Username, a.RoleLabel, a.Unit, a.Name, a.Password})
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for k, cell := range row {
			widths[k] = max(widths[k], displayWidth(cell))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		for k, cell := range row {
			b.WriteString(cell)
			if k < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[k]-displayWidth(cell)+2))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// displayWidth counts the terminal columns of s: two for wide (CJK) characters.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// String summarises the county in one line for logs.
func (r *Result) String() string {
	return fmt.Sprintf("%d townships, %d villages (%d communities), %d grids (%d dedicated), %d units, %d people in %d positions, "+
		"%d demo and %d working accounts, %d cases and %d sweeps up to %s, in %s",
		r.Townships, r.Villages, r.Communities, r.Grids, r.DedicatedGrids, r.Units, r.People, r.Positions, len(r.Accounts),
		r.WorkingAccounts, r.Cases, r.Sweeps, r.Today.In(zhili.ChinaTime).Format("2006-01-02"), r.Elapsed.Round(1e6))
}
