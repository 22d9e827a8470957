package app

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store/storetest"
)

const chromiumPath = "/usr/bin/chromium"

// browser starts headless Chromium for one test. Without Chromium the test
// is skipped, except on CI, where a missing browser is a failure.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is not at %s: .ci/run installs it", chromiumPath)
		}
		t.Skipf("Chromium is not at %s (apt-get install chromium): browser test skipped", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser now, without a deadline
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// screenshot saves the page as a PNG in LIVEOPS_SCREENSHOTS (or the test's
// temporary directory) and logs where, so that a person can look at it.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv("LIVEOPS_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// TestBrowserSignInAndAddService: a person signs in, adds a service, and
// finds its tile on the home page, using the keyboard-reachable form
// controls of a real browser.
func TestBrowserSignInAndAddService(t *testing.T) {
	ctx := browser(t)
	a := newTestApp(t, storetest.DSNs(t)["sqlite"])
	if _, err := a.Accounts.CreateUser(context.Background(), account.NewUser{
		Email: "owner@example.gov", Role: auth.Admin, Password: "a long enough password", AllServices: true}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()

	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		s, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return s
	}

	step("open sign-in", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#email")))
	// The first Tab reaches the skip link.
	step("tab", chromedp.KeyEvent("\t"))
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.activeElement.textContent"))
	if err != nil || focused != "Skip to main content" {
		t.Fatalf("first Tab focuses %q (%v), want the skip link", focused, err)
	}
	screenshot(t, ctx, "01-sign-in")
	step("sign in",
		chromedp.SendKeys(chromedp.CSS("#email"), "owner@example.gov"),
		chromedp.SendKeys(chromedp.CSS("#password"), "a long enough password"),
		chromedp.Click(chromedp.CSS("main button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("a.button[href='/services/new']")),
	)
	screenshot(t, ctx, "02-home-empty")

	step("open the form", chromedp.Click(chromedp.CSS("a.button[href='/services/new']")), chromedp.WaitVisible(chromedp.CSS("#name")))
	step("submit it empty", chromedp.Click(chromedp.CSS("main button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".error-summary")))
	if s := text(".error-summary"); !strings.Contains(s, "There is a problem") {
		t.Fatalf("error summary says %q", s)
	}
	screenshot(t, ctx, "03-new-service-errors")
	step("fill it in",
		chromedp.SendKeys(chromedp.CSS("#name"), "Renew a fishing licence"),
		chromedp.SendKeys(chromedp.CSS("#domains"), "fishing.example.gov"),
		chromedp.SetValue(chromedp.CSS("#timezone"), "Europe/London"),
		chromedp.Click(chromedp.CSS("main button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("dl.summary")),
	)
	screenshot(t, ctx, "04-service")
	step("go home", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".tiles")))
	if s := text(".tiles"); !strings.Contains(s, "Renew a fishing licence") || !strings.Contains(s, "fishing.example.gov") {
		t.Fatalf("home page tiles say %q", s)
	}
	screenshot(t, ctx, "05-home-with-tile")

	// On a phone the page must fit its width: no sideways scrolling.
	step("phone", chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(srv.URL+"/services/renew-a-fishing-licence"), chromedp.WaitVisible(chromedp.CSS("dl.summary")))
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > window.innerWidth"))
	if err != nil || overflow {
		t.Fatalf("page is wider than a phone screen (%v)", err)
	}
	screenshot(t, ctx, "06-service-on-phone")
}
