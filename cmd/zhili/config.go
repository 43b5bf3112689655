package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/zhili-project/zhili/sensitive"
	"github.com/zhili-project/zhili/sqlstore"
)

// Config is everything zhili reads from flags and the environment. Flags win over
// the environment; the environment wins over defaults.
type Config struct {
	DB            string // sqlite:PATH or postgres://…            (ZHILI_DB)
	Addr          string // listen address                          (ZHILI_ADDR)
	Key           string // SM4 field key, hex or base64 — secret    (ZHILI_KEY)
	KeyFile       string // file holding the field key              (ZHILI_KEY_FILE)
	NewKey        string // rekey: the new field key — secret        (ZHILI_NEW_KEY)
	LogLevel      string // debug, info, warn, error                (ZHILI_LOG_LEVEL)
	SecureCookies bool   // mark cookies Secure (behind TLS)         (ZHILI_SECURE_COOKIES)
	// TrustedProxies lists the reverse proxies (addresses, CIDR prefixes) whose
	// X-Forwarded-For names the client                             (ZHILI_TRUSTED_PROXIES)
	TrustedProxies string
	Demo           bool // fill an empty database with the demo county
}

// defaultConfig reads the environment over the built-in defaults.
func defaultConfig() Config {
	c := Config{DB: "sqlite:zhili.db", Addr: "127.0.0.1:8080", LogLevel: "info"}
	env := func(name string, dst *string) {
		if v := os.Getenv(name); v != "" {
			*dst = v
		}
	}
	env("ZHILI_DB", &c.DB)
	env("ZHILI_ADDR", &c.Addr)
	env("ZHILI_KEY", &c.Key)
	env("ZHILI_KEY_FILE", &c.KeyFile)
	env("ZHILI_NEW_KEY", &c.NewKey)
	env("ZHILI_LOG_LEVEL", &c.LogLevel)
	env("ZHILI_TRUSTED_PROXIES", &c.TrustedProxies)
	c.SecureCookies = os.Getenv("ZHILI_SECURE_COOKIES") == "1" || os.Getenv("ZHILI_SECURE_COOKIES") == "true"
	return c
}

// dbFlags registers the flags every command that opens the database shares.
func (c *Config) dbFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DB, "db", c.DB, "database: sqlite:PATH or postgres://user@host/db (env ZHILI_DB)")
	fs.StringVar(&c.KeyFile, "key-file", c.KeyFile, "file with the SM4 field key (env ZHILI_KEY_FILE; or ZHILI_KEY)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (env ZHILI_LOG_LEVEL)")
}

// normalize accepts a bare path for SQLite.
func (c *Config) normalize() {
	if !strings.HasPrefix(c.DB, "sqlite:") && !strings.Contains(c.DB, "://") {
		c.DB = "sqlite:" + c.DB
	}
}

// Redacted lists the configuration with secrets hidden, for logs and `zhili config`.
func (c Config) Redacted() []string {
	key := "(none)"
	if c.Key != "" {
		key = "(set, hidden)"
	}
	return []string{
		"db=" + sqlstore.Redact(c.DB),
		"addr=" + c.Addr,
		"key=" + key,
		"key_file=" + c.KeyFile,
		"log_level=" + c.LogLevel,
		fmt.Sprintf("secure_cookies=%v", c.SecureCookies),
		"trusted_proxies=" + c.TrustedProxies,
		fmt.Sprintf("demo=%v", c.Demo),
	}
}

// loadCipher finds the SM4 field key: ZHILI_KEY, then the key file, then for SQLite a
// key file beside the database, created on first use so `make run` needs no set-up.
// PostgreSQL deployments must configure a key: several instances have to share it.
func (c *Config) loadCipher(log *slog.Logger) (*sensitive.Cipher, error) {
	keyFile := c.KeyFile
	if c.Key == "" && keyFile == "" {
		if !strings.HasPrefix(c.DB, "sqlite:") {
			return nil, fmt.Errorf("a PostgreSQL deployment needs the field key: set ZHILI_KEY or --key-file (generate one with `zhili keygen`)")
		}
		keyFile = strings.TrimPrefix(c.DB, "sqlite:") + ".key"
		if _, err := os.Stat(keyFile); os.IsNotExist(err) {
			key, err := sensitive.GenerateKey()
			if err != nil {
				return nil, err
			}
			if err := os.MkdirAll(filepath.Dir(keyFile), 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(keyFile, []byte(fmt.Sprintf("%x\n", key)), 0o600); err != nil {
				return nil, fmt.Errorf("write key file: %w", err)
			}
			log.Warn("created a new field key; back it up with the database, without it encrypted fields are lost", "key_file", keyFile)
		}
	}
	key, err := sensitive.LoadKey(c.Key, keyFile)
	if err != nil {
		return nil, fmt.Errorf("field key: %w", err)
	}
	return sensitive.NewCipher(key)
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}
