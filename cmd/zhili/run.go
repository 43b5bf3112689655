package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/zhili-project/zhili"
	zhttp "github.com/zhili-project/zhili/http"
	"github.com/zhili-project/zhili/sqlstore"
)

// errUsage marks errors that are the caller's wrong invocation (exit code 2).
var errUsage = errors.New("usage")

// Main is the program: configuration, the open database and the HTTP server. Tests
// run it in-process with Run and Close, on a temporary database and port :0.
type Main struct {
	Config Config
	DB     *sqlstore.DB
	HTTP   *zhttp.Server
	Log    *slog.Logger

	// Stdout and Stderr receive the commands' output; tests capture them.
	Stdout, Stderr io.Writer
	// ready is closed once serve listens; tests wait on it.
	ready chan struct{}
	// Clock is the clock handed to the store; tests fix it.
	Clock zhili.Clock
}

// NewMain returns a program configured from the environment.
func NewMain() *Main {
	return &Main{Config: defaultConfig(), Stdout: os.Stdout, Stderr: os.Stderr, ready: make(chan struct{}), Clock: zhili.SystemClock{}}
}

const usage = `zhili — 社会治理综合平台 (social-governance platform)

Usage: zhili COMMAND [flags]

Commands:
  serve                  start the web application (default 127.0.0.1:8080, ./zhili.db)
  migrate                apply database migrations
  user create|list|unlock|passwd|reset-totp   manage accounts
  import regions FILE    import the division tree (official code,name,parent CSV or generic CSV)
  import boundaries FILE attach GeoJSON boundaries to regions by code
  import calendar FILE   load holidays and makeup working days (CSV day,workday,name)
  import department-reports FILE  load departments' figures (.xlsx/.csv; --unit, --replace)
  import ledger NAME FILE         load a ledger's records (.xlsx/.csv, UTF-8 or GB18030), all or nothing
  export regions         write the division tree as generic CSV
  export ledger NAME     write a ledger's records (--out FILE.xlsx|.csv, --region, --from, --to)
  backup                 write a portable backup of the database
  restore FILE           restore a backup into an empty database
  audit verify           check the audit log's hash chain
  indicator list|ID      list indicators, or compute one (--region CODE --from DAY --to DAY [--json])
  report [NAME]          render a report (--region CODE --from DAY --to DAY --format html|docx|xlsx|json --out FILE)
  assess [SCHEME]        score an assessment scheme (--period 2026-Q3 [--region CODE] [--json]; --show, --import FILE, --reset)
  keygen                 print a new SM4 field key
  rekey                  rotate the field key (--new-key-file FILE or ZHILI_NEW_KEY; --check)
  security-policy        show the login and password policy; change it with --set FIELD=VALUE
  config                 print the configuration, secrets hidden
  version                print the version

Run 'zhili COMMAND -h' for a command's flags.`

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

// Run dispatches a command line.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(m.Stderr, usage)
		return fmt.Errorf("%w: no command given", errUsage)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return m.runServe(ctx, rest)
	case "migrate":
		return m.runMigrate(ctx, rest)
	case "user":
		return m.runUser(ctx, rest)
	case "import":
		return m.runImport(ctx, rest)
	case "export":
		return m.runExport(ctx, rest)
	case "backup":
		return m.runBackup(ctx, rest)
	case "restore":
		return m.runRestore(ctx, rest)
	case "audit":
		return m.runAudit(ctx, rest)
	case "indicator":
		return m.runIndicator(ctx, rest)
	case "report":
		return m.runReport(ctx, rest) // cmd/zhili/report.go
	case "assess":
		return m.runAssess(ctx, rest) // cmd/zhili/assess.go
	case "keygen":
		return m.runKeygen(rest)
	case "rekey":
		return m.runRekey(ctx, rest) // cmd/zhili/rekey.go
	case "security-policy":
		return m.runSecurityPolicy(ctx, rest) // cmd/zhili/policy.go
	case "config":
		fs := flag.NewFlagSet("config", flag.ContinueOnError)
		m.Config.dbFlags(fs)
		if err := fs.Parse(rest); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		m.Config.normalize()
		fmt.Fprintln(m.Stdout, strings.Join(m.Config.Redacted(), "\n"))
		return nil
	case "version":
		fmt.Fprintln(m.Stdout, "zhili", Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(m.Stdout, usage)
		return nil
	}
	fmt.Fprintln(m.Stderr, usage)
	return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
}

// parse parses a command's flags; -h prints them.
func (m *Main) parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(m.Stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	m.Config.normalize()
	return nil
}

// open connects to the database, sets up the field cipher and migrates.
func (m *Main) open(ctx context.Context, migrate bool) error {
	log, err := newLogger(m.Stderr, m.Config.LogLevel)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	m.Log = log
	cipher, err := m.Config.loadCipher(log)
	if err != nil {
		return err
	}
	if m.DB, err = sqlstore.Open(m.Config.DB); err != nil {
		return err
	}
	m.DB.Cipher, m.DB.Clock = cipher, m.Clock
	if migrate {
		applied, err := m.DB.Migrate(ctx)
		if err != nil {
			return err
		}
		for _, a := range applied {
			log.Info("applied migration", "name", a)
		}
		// A wrong key is refused before any command reads or writes with it.
		if err := m.DB.CheckFieldKey(ctx); err != nil {
			return err
		}
	}
	return nil
}

// system is the context of CLI commands: the system actor, named for the audit log.
func system(ctx context.Context, what string) context.Context {
	user := os.Getenv("USER")
	if user == "" {
		user = "cli"
	}
	return zhili.NewContextWithActor(ctx, zhili.SystemActor(user+"/"+what))
}

// Close shuts down the server and the database.
func (m *Main) Close() error {
	var err error
	if m.HTTP != nil {
		err = m.HTTP.Close()
	}
	if m.DB != nil {
		if e := m.DB.Close(); err == nil {
			err = e
		}
	}
	return err
}

func (m *Main) runMigrate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	m.Config.dbFlags(fs)
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if err := m.open(ctx, false); err != nil {
		return err
	}
	applied, err := m.DB.Migrate(ctx)
	if err != nil {
		return err
	}
	if err := m.DB.CheckFieldKey(ctx); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%d migrations applied\n", len(applied))
	for _, a := range applied {
		fmt.Fprintln(m.Stdout, "  "+a)
	}
	return nil
}
