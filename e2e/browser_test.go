package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/zhili-project/zhili/sqlstore/storetest"
	"github.com/zhili-project/zhili/totp"
)

// requireEnv makes a missing browser a failure instead of a skip (CI sets it).
const requireEnv = "ZHILI_REQUIRE_BROWSER"

// stepTimeout bounds one browser step, so a broken page fails instead of
// hanging; generous, as CI runs every package's tests at once on two cores.
const stepTimeout = 60 * time.Second

// The one browser of the test binary, started by the first test that needs it.
var (
	browserOnce sync.Once
	browserCtx  context.Context
	browserErr  error
	stopBrowser = func() {}
)

func TestMain(m *testing.M) {
	code := m.Run()
	stopBrowser()
	os.Exit(code)
}

// chromiumPath finds the browser: $ZHILI_CHROMIUM, else Debian's chromium or
// another Chrome on the PATH.
func chromiumPath() string {
	if p := os.Getenv("ZHILI_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// needBrowser returns the shared browser's context, skipping the test when no
// browser is installed (failing when ZHILI_REQUIRE_BROWSER is set).
func needBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv(requireEnv) != "" {
			t.Fatalf("no Chromium found and %s is set: run scripts/ensure-browser (make test does) or set ZHILI_CHROMIUM", requireEnv)
		}
		t.Skip("browser tests skipped: no Chromium found (install Debian's chromium, e.g. `make browser`, or set ZHILI_CHROMIUM)")
	}
	browserOnce.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox, // CI runs as root
			chromedp.DisableGPU,
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("lang", "zh-CN"), // takes effect where chromium-l10n is installed
			chromedp.WindowSize(1366, 900),
		)
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(alloc)
		stopBrowser = func() { cancel(); cancelAlloc() }
		if browserErr = chromedp.Do(ctx); browserErr == nil {
			browserCtx = ctx
		}
	})
	if browserErr != nil {
		t.Fatalf("start %s: %v", path, browserErr)
	}
	return browserCtx
}

// tab is one signed-in user: a tab in its own browser context (its own
// cookies), with every console error and uncaught exception of its pages kept
// in problems.
type tab struct {
	t    *testing.T
	ctx  context.Context
	site *site
	name string

	mu       sync.Mutex
	problems []string
	close    func() // reports the last page's console problems and closes the tab
}

// viewport is a screen size; phone emulates a 390×844 touch phone.
type viewport struct {
	w, h  int64
	phone bool
}

var (
	desktop = viewport{w: 1366, h: 900}
	phone   = viewport{w: 390, h: 844, phone: true}
)

// openTab opens a tab for name on the site; the tab closes when the test ends,
// and any console problem not yet reported fails the test then.
func (s *site) openTab(t *testing.T, name string, vp viewport) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(needBrowser(t), chromedp.WithNewBrowserContext())
	tb := &tab{t: t, ctx: ctx, site: s, name: name}
	tb.close = sync.OnceFunc(func() {
		tb.checkConsole()
		cancel()
	})
	t.Cleanup(tb.close)
	// The first run opens the tab, which lives as long as the context of that
	// run: so no time limit here.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
	if vp.phone {
		opts = []chromedp.EmulateViewportOption{chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch}
	}
	tb.do(chromedp.EmulateViewport(vp.w, vp.h, opts...))
	if err := chromedp.Listen(ctx, tb.listen); err != nil {
		t.Fatalf("listen: %v", err)
	}
	return tb
}

// listen keeps the page's errors. It runs in the tab's event loop, in order, so
// every error of a page is in problems once a later command has returned.
func (tb *tab) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			msg = "console." + string(ev.Type) + ": " + strings.Join(parts, " ")
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = fmt.Sprintf("exception: %s %s:%d", d.Text, d.URL, d.LineNumber+1)
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			msg = fmt.Sprintf("%s error: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	}
	if msg != "" {
		tb.mu.Lock()
		tb.problems = append(tb.problems, msg)
		tb.mu.Unlock()
	}
}

// checkConsole fails the test for every console problem so far, and forgets them.
func (tb *tab) checkConsole() {
	tb.t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		tb.t.Errorf("%s: browser console: %s", tb.name, p)
	}
	tb.problems = nil
}

// forgive drops the network errors logged for a response the test expects to
// fail (a 404 page, a form sent back with errors); Chrome logs those too.
func (tb *tab) forgive(status int) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	keep := tb.problems[:0]
	for _, p := range tb.problems {
		if !strings.Contains(p, fmt.Sprintf("status of %d", status)) {
			keep = append(keep, p)
		}
	}
	tb.problems = keep
}

// do runs steps with a time limit, failing the test on error.
func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("%s: %v (at %s)", tb.name, err, tb.location())
	}
}

// get runs one action with a time limit and returns its value.
func get[T any](tb *tab, a chromedp.Action[T]) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.t.Fatalf("%s: %v (at %s)", tb.name, err, tb.location())
	}
	return v
}

// location is the tab's current URL, for messages.
func (tb *tab) location() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	return loc
}

// visit loads a page of the site and returns its HTTP status; the console
// problems of the page before it are reported first.
func (tb *tab) visit(path string) int64 {
	tb.t.Helper()
	tb.checkConsole()
	resp := get(tb, chromedp.NavigateResponse(tb.site.base+path))
	return resp.Status
}

// submit clicks sel, waits for the page it leads to and returns its status.
// (chromedp.RunResponse misses the second POST to one address, so the wait
// watches for a new document instead.)
func (tb *tab) submit(sel string) int64 {
	tb.t.Helper()
	tb.do(chromedp.Evaluate[chromedp.Void](`window.zhiliOldPage = true`), chromedp.Click(sel))
	deadline := time.Now().Add(stepTimeout)
	for {
		ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
		status, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`(window.zhiliOldPage || document.readyState !== 'complete') ? -1 :
			performance.getEntriesByType('navigation')[0].responseStatus`))
		cancel()
		if err == nil && status >= 0 {
			return status
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("%s: submit %s: no new page (%v) at %s", tb.name, sel, err, tb.location())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// text returns the text of the first element matching the CSS selector.
func (tb *tab) text(css string) string {
	tb.t.Helper()
	return get(tb, chromedp.Text(chromedp.CSS(css)))
}

// body returns the page's visible text.
func (tb *tab) body() string {
	tb.t.Helper()
	return get(tb, chromedp.Evaluate[string](`document.body.innerText`))
}

// waitJS waits until the JavaScript expression is true.
func (tb *tab) waitJS(expr string) {
	tb.t.Helper()
	get(tb, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(stepTimeout-time.Second)))
}

// login signs in through the login form; administrators enrol their second
// factor on the code page, with codes computed from the secret it shows.
func (tb *tab) login(user string) {
	tb.t.Helper()
	if st := tb.visit("/login"); st != 200 {
		tb.t.Fatalf("login page: %d", st)
	}
	tb.do(
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), user),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), storetest.Password),
	)
	tb.submit(`form[action="/login"] button[type=submit]`)
	if loc := tb.location(); strings.HasSuffix(loc, "/login/totp") {
		secret := strings.TrimSpace(tb.text(`.secret code`))
		code, err := totp.Code(secret, tb.site.db.Clock.Now())
		if err != nil {
			tb.t.Fatalf("totp code for %s: %v", user, err)
		}
		tb.do(chromedp.SendKeys(chromedp.CSS(`input[name=code]`), code))
		tb.submit(`form[action="/login/totp"] button[type=submit]`)
	}
	if loc := tb.location(); strings.Contains(loc, "/login") {
		tb.t.Fatalf("%s did not get in: at %s: %s", user, loc, tb.body())
	}
}

// locateAt grants the site the geolocation permission and puts the device at
// lat, lng (WGS-84).
func (tb *tab) locateAt(lat, lng float64) {
	tb.t.Helper()
	id := chromedp.FromContext(tb.ctx).BrowserContextID
	if _, err := chromedp.CallBrowser(tb.ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted,
		Origin: tb.site.base, BrowserContextID: id,
	}); err != nil {
		tb.t.Fatalf("grant geolocation: %v", err)
	}
	acc := 8.0
	if _, err := chromedp.Call(tb.ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
		Latitude: &lat, Longitude: &lng, Accuracy: &acc,
	}); err != nil {
		tb.t.Fatalf("set geolocation: %v", err)
	}
}

// shotsDir is where screenshots go: $ZHILI_SHOTS, or shots/ at the repository root.
func shotsDir() string {
	if d := os.Getenv("ZHILI_SHOTS"); d != "" {
		return d
	}
	return filepath.Join("..", "shots")
}

// shot saves a full-page PNG screenshot as shots/NAME.png.
func (tb *tab) shot(name string) {
	tb.t.Helper()
	png := get(tb, chromedp.FullScreenshot(100))
	dir := shotsDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}
