package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/zhili-project/zhili/app"
	zhttp "github.com/zhili-project/zhili/http"
	"github.com/zhili-project/zhili/sqlstore"
)

func (m *Main) runServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	m.Config.dbFlags(fs)
	fs.StringVar(&m.Config.Addr, "addr", m.Config.Addr, "listen address (env ZHILI_ADDR)")
	fs.BoolVar(&m.Config.SecureCookies, "secure-cookies", m.Config.SecureCookies, "mark session cookies Secure; use behind TLS (env ZHILI_SECURE_COOKIES)")
	fs.StringVar(&m.Config.TrustedProxies, "trusted-proxies", m.Config.TrustedProxies,
		"reverse proxies whose X-Forwarded-For names the client: addresses or CIDR prefixes, comma-separated (env ZHILI_TRUSTED_PROXIES)")
	fs.BoolVar(&m.Config.Demo, "demo", m.Config.Demo, "fill an empty database with the fictional demo county 青山县")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	proxies, err := zhttp.ParseTrustedProxies(m.Config.TrustedProxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	if err := m.open(ctx, true); err != nil {
		return err
	}
	m.Log.Info("configuration", "config", m.Config.Redacted())
	if warn, err := m.DB.Warnings(ctx); err != nil {
		m.Log.Warn("database check", "err", err)
	} else {
		for _, w := range warn {
			m.Log.Warn("database", "warning", w)
		}
	}
	if m.Config.Demo {
		if err := m.seedDemo(ctx); err != nil {
			return err
		}
	}
	s := zhttp.NewServer()
	s.Addr, s.SecureCookies, s.Logger = m.Config.Addr, m.Config.SecureCookies, m.Log
	s.TrustedProxies = proxies
	for _, p := range zhttp.WideProxies(proxies) {
		m.Log.Warn("trusted proxies: a wide prefix lets clients inside it choose their own address; list the proxies' addresses", "prefix", p.String())
	}
	parts := app.Wire(s, m.DB)             // app/app.go: every service of the database
	go parts.Warm(ctx, m.Log, time.Minute) // load the indicator cache now, then keep it fresh
	if err := s.Open(); err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.HTTP = s
	sched := sqlstore.NewScheduler(m.DB) // the rhythm: supervision, sweeps, reviews, lists
	sched.Logger = m.Log
	sched.EnableReports() // weekly and monthly reports for the county and each township, archived and announced
	sched.Start(ctx, time.Minute)
	defer sched.Stop()
	parts.Events.Logger = m.Log
	parts.Events.Start(ctx, time.Second) // number committed case events for the event feed, every second
	defer parts.Events.Stop()
	m.Log.Info("zhili is serving", "url", s.URL(), "db", m.DB.Dialect())
	fmt.Fprintf(m.Stdout, "zhili %s listening on %s\n", Version, s.URL())
	close(m.ready)
	<-ctx.Done()
	m.Log.Info("shutting down")
	return nil
}
