package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
)

func (m *Main) runUser(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: zhili user create|list|unlock|passwd|reset-totp", errUsage)
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	m.Config.dbFlags(fs)
	var c zhili.UserCreate
	var unitID int64
	var role string
	switch sub {
	case "create":
		fs.StringVar(&c.Username, "username", "", "login name (required)")
		fs.StringVar(&c.Name, "name", "", "display name")
		fs.StringVar(&role, "role", "", "role: "+roleList())
		fs.Int64Var(&unitID, "unit", 0, "unit id the account belongs to (its region is the data scope)")
		fs.StringVar(&c.Password, "password", "", "first password (read from stdin if empty)")
	case "unlock", "passwd", "reset-totp":
		fs.StringVar(&c.Username, "username", "", "login name (required)")
		if sub == "passwd" {
			fs.StringVar(&c.Password, "password", "", "new password (read from stdin if empty)")
		}
	case "list":
	default:
		return fmt.Errorf("%w: unknown user command %q", errUsage, sub)
	}
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if err := m.open(ctx, true); err != nil {
		return err
	}
	ctx = system(ctx, "user")
	users := sqlstore.NewUserService(m.DB)
	if (sub == "create" || sub == "passwd") && c.Password == "" {
		line, _ := bufio.NewReader(stdin).ReadString('\n')
		c.Password = strings.TrimRight(line, "\r\n")
	}
	switch sub {
	case "create":
		c.Role, c.UnitID = zhili.Role(role), unitID
		u, err := users.CreateUser(ctx, c)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "created user %s (id %d, %s)\n", u.Username, u.ID, u.Role.Label())
		return nil
	case "list":
		list, _, err := users.FindUsers(ctx, zhili.UserFilter{Limit: 1000})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUSERNAME\tROLE\tUNIT\tREGION\tSTATE")
		for _, u := range list {
			state := "active"
			if u.Disabled {
				state = "disabled"
			} else if u.LockedUntil != nil {
				state = "locked"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Username, u.Role, u.UnitName, u.RegionName, state)
		}
		return tw.Flush()
	}
	name := c.Username
	list, _, err := users.FindUsers(ctx, zhili.UserFilter{Username: &name, Limit: 1})
	if err != nil {
		return err
	} else if len(list) == 0 {
		return zhili.Errorf(zhili.ENOTFOUND, "No user named %q.", name)
	}
	id := list[0].ID
	switch sub {
	case "unlock":
		err = users.UnlockUser(ctx, id)
	case "passwd":
		err = users.SetPassword(ctx, id, "", c.Password)
	case "reset-totp":
		err = users.ResetTOTP(ctx, id)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s: done for %s (id %s)\n", sub, name, strconv.FormatInt(id, 10))
	return nil
}

func roleList() string {
	var names []string
	for _, r := range zhili.Roles {
		names = append(names, string(r.Role))
	}
	return strings.Join(names, ", ")
}
