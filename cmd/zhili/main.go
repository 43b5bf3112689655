// Command zhili runs the zhili social-governance platform: the web server and the
// operator's commands (migrate, users, imports, exports, backups, audit checks).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/zhili-project/zhili"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "zhili:", describe(err))
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// describe renders an error for the terminal, listing every field error on its own line.
func describe(err error) string {
	msg := err.Error()
	if fields := zhili.ErrorFields(err); len(fields) > 0 {
		msg = zhili.ErrorMessage(err)
		for _, f := range fields {
			msg += "\n  " + f.String()
		}
	}
	return msg
}
