package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// cli runs the command line in-process and returns its output and error.
func cli(t *testing.T, env map[string]string, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut, getenv)
	return out.String(), errOut.String(), err
}

func TestCommandLineErrors(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "x.db")
	tests := []struct {
		name string
		args []string
		want string
		code int
	}{
		{"no command", nil, "no command given", 2},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`, 2},
		{"unknown flag", []string{"serve", "--colour"}, "flag provided but not defined: -colour", 2},
		{"stray argument", []string{"migrate", "now"}, `unexpected argument "now"`, 2},
		{"bad role", []string{"user", "add", "--email", "a@b.gov", "--role", "boss", "--db", dsn}, "role must be admin, editor or viewer", 2},
		{"no password", []string{"user", "add", "--email", "a@b.gov", "--role", "admin", "--db", dsn}, "first line of standard input", 2},
		{"bad scope", []string{"token", "create", "--email", "a@b.gov", "--scope", "all", "--db", dsn}, "scope must be", 2},
		{"missing domain", []string{"service", "add", "--name", "X", "--db", dsn}, "at least one --domain", 2},
		{"checks without a file", []string{"checks", "apply", "--db", dsn}, "give the checks file with -f FILE", 2},
		{"checks file missing", []string{"checks", "apply", "-f", "/nonexistent/checks.yaml", "--db", dsn}, "no such file", 1},
		{"checks, bad public URL", []string{"checks", "apply", "-f", "-", "--public-url", "liveops.example.gov", "--db", dsn}, "--public-url", 2},
		{"checks, unknown service", []string{"checks", "export", "--service", "nope", "--db", dsn}, `no service with slug "nope"`, 1},
		{"job without a name", []string{"job", "run", "--db", dsn}, "name the job", 2},
		{"unknown job", []string{"job", "run", "analytics.nothing", "--db", dsn}, `no job "analytics.nothing"`, 2},
		{"no passwords, no single sign-on", []string{"serve", "--db", dsn, "--password-sign-in=false"}, "nobody could sign in", 2},
		{"issuer not a URL", []string{"serve", "--db", dsn, "--oidc-issuer", "login.example.gov"}, "--oidc-issuer must be", 2},
		{"single sign-on without a client", []string{"serve", "--db", dsn, "--oidc-issuer", "https://login.example.gov"}, "needs --oidc-client-id", 2},
		{"bad role map", []string{"serve", "--db", dsn, "--oidc-issuer", "https://login.example.gov", "--oidc-client-id", "x", "--oidc-client-secret", "y",
			"--oidc-role-claim", "groups", "--oidc-role-map", "admins=boss"}, "role must be admin, editor or viewer", 2},
		{"role map without a claim", []string{"serve", "--db", dsn, "--oidc-issuer", "https://login.example.gov", "--oidc-client-id", "x", "--oidc-client-secret", "y",
			"--oidc-role-map", "admins=admin"}, "needs --oidc-role-claim", 2},
		{"per-node job", []string{"job", "run", "analytics.checkpoint", "--db", dsn}, "runs on each ingest node by itself", 2},
		{"bad DSN", []string{"migrate", "--db", "postgres://u:pw@[::1"}, "invalid PostgreSQL DSN", 1},
		{"unreachable database", []string{"migrate", "--db", "postgres://u:pw@127.0.0.1:1/x?connect_timeout=2"}, "connect to PostgreSQL", 1},
		{"missing directory", []string{"migrate", "--db", "/nonexistent/dir/x.db"}, "does not exist", 1},
		{"half TLS", []string{"serve", "--tls-cert", "c.pem", "--db", dsn}, "both --tls-cert and --tls-key", 2},
		{"bad proxy", []string{"serve", "--trusted-proxy", "10.0.0.0/99", "--db", dsn}, "not a CIDR", 2},
		{"public URL without a scheme", []string{"serve", "--public-url", "liveops.example.gov", "--db", dsn}, "--public-url: \"liveops.example.gov\" must start with https://", 2},
		{"public URL with a path", []string{"serve", "--public-url", "https://example.gov/liveops", "--db", dsn}, "no path", 2},
		{"bad env value", []string{"serve", "--db", dsn}, "LIVEOPS_DEMO", 2},
		{"missing city database", []string{"serve", "--listen", "127.0.0.1:0", "--db", dsn, "--geoip-db", "/nonexistent/city.mmdb"},
			"open city database /nonexistent/city.mmdb", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			if tc.name == "bad env value" {
				env["LIVEOPS_DEMO"] = "maybe"
			}
			_, _, err := cli(t, env, "", tc.args...)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") || strings.Contains(msg, "pw@") {
				t.Fatalf("error %q: want one line containing %q, without the password", msg, tc.want)
			}
			if got := exitCode(err); got != tc.code {
				t.Fatalf("exit code %d, want %d", got, tc.code)
			}
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"serve", "--help"}, {"migrate", "--help"}, {"user", "add", "--help"},
		{"token", "create", "--help"}, {"service", "add", "--help"}, {"checks", "apply", "--help"}, {"checks", "export", "--help"}, {"checks", "help"}, {"job", "list", "--help"}, {"job", "run", "--help"}, {"help"}, {"user", "--help"}, {"token", "help"}, {"service", "-h"}} {
		out, _, err := cli(t, nil, "", args...)
		if err != nil || !strings.Contains(out, "Usage: liveops") && !strings.Contains(out, "Usage:\n") {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		if args[0] == "serve" && !strings.Contains(out, "LIVEOPS_TRUSTED_PROXY") {
			t.Fatalf("serve --help does not name the environment variables:\n%s", out)
		}
	}
	out, _, err := cli(t, nil, "", "version")
	if err != nil || !strings.HasPrefix(out, "liveops ") || !strings.Contains(out, "built with "+runtime.Version()) || !strings.Contains(out, "commit ") {
		t.Fatalf("version: %q %v", out, err)
	}
}

func TestManagementCommands(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			env := map[string]string{"LIVEOPS_DB": dsn} // the environment mirrors --db
			out, _, err := cli(t, env, "", "migrate")
			if err != nil || !strings.Contains(out, "schema version") {
				t.Fatalf("migrate: %q %v", out, err)
			}
			if _, _, err := cli(t, env, "", "migrate"); err != nil {
				t.Fatalf("second migrate: %v", err)
			}
			out, _, err = cli(t, env, "", "service", "add", "--name", "Renew a licence", "--domain", "renew.example.gov", "--domain", "www.renew.example.gov", "--timezone", "Europe/London")
			if err != nil || out != "renew-a-licence\n" {
				t.Fatalf("service add: %q %v", out, err)
			}
			if _, _, err := cli(t, env, "", "service", "add", "--name", "Other", "--domain", "renew.example.gov"); err == nil || !strings.Contains(err.Error(), "domains") {
				t.Fatalf("duplicate domain: %v", err)
			}
			out, _, err = cli(t, env, "a long enough password\nignored\n", "user", "add", "--email", "Ops@Example.gov", "--role", "editor")
			if err != nil || out != "ops@example.gov\n" {
				t.Fatalf("user add: %q %v", out, err)
			}
			if _, _, err := cli(t, env, "short\n", "user", "add", "--email", "x@example.gov", "--role", "viewer"); err == nil || !strings.Contains(err.Error(), "password") {
				t.Fatalf("short password: %v", err)
			}
			out, _, err = cli(t, env, "", "token", "create", "--email", "ops@example.gov", "--scope", "ingest", "--service", "renew-a-licence", "--name", "site")
			if err != nil || !regexp.MustCompile(`^lo_[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
				t.Fatalf("token create: %q %v", out, err)
			}
			secret := strings.TrimSpace(out)
			// The changes made on the command line are in the audit log.
			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			entries, _, err := audit.New(db).List(context.Background(), audit.Filter{Action: "liveops "}, 0, 10)
			db.Close()
			if err != nil || len(entries) != 3 || entries[0].Action != "liveops token create" || entries[1].Action != "liveops user add" ||
				entries[2].Action != "liveops service add" || !strings.HasPrefix(entries[0].Actor, "the command line") ||
				strings.Contains(fmt.Sprint(entries), secret) {
				t.Fatalf("audit log of the commands: %+v %v", entries, err)
			}
			// An operator runs a background job by hand and sees it listed.
			out, _, err = cli(t, env, "", "job", "run", "analytics.segments")
			if err != nil || !strings.HasPrefix(out, "analytics.segments: done in ") {
				t.Fatalf("job run: %q %v", out, err)
			}
			out, _, err = cli(t, env, "", "job", "list")
			if err != nil || !regexp.MustCompile(`(?m)^analytics\.segments +every 15m0s +worker +\d{4}-\d\d-\d\dT\S+ +ok +\d{4}-`).MatchString(out) ||
				!regexp.MustCompile(`(?m)^analytics\.retention +every 1h0m0s +worker +never +- +now$`).MatchString(out) {
				t.Fatalf("job list:\n%s %v", out, err)
			}
			for _, bad := range [][]string{
				{"--email", "ops@example.gov", "--scope", "ingest"},
				{"--email", "ops@example.gov", "--scope", "admin"},
				{"--email", "nobody@example.gov", "--scope", "read"},
				{"--email", "ops@example.gov", "--scope", "read", "--service", "nope"},
			} {
				if _, _, err := cli(t, env, "", append([]string{"token", "create"}, bad...)...); err == nil {
					t.Fatalf("token create %v succeeded", bad)
				}
			}
		})
	}
}

// TestServeLifecycle runs the real binary: ready quickly, healthy, and on
// SIGTERM it finishes and exits 0.
func TestServeLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "liveops")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--db", filepath.Join(dir, sig.String()+".db"), "--demo")
			cmd.Env = append(os.Environ(), "LIVEOPS_LOG_FORMAT=text")
			stdout, _ := cmd.StdoutPipe()
			stderr, _ := cmd.StderrPipe()
			start := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			go io.Copy(io.Discard, stdout)
			url := waitReady(t, stderr)
			t.Logf("ready in %v", time.Since(start))
			resp, err := http.Get(url + "/healthz")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("healthz: %v %v", resp, err)
			}
			resp.Body.Close()
			cmd.Process.Signal(sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("exit after %v: %v", sig, err)
				}
			case <-time.After(15 * time.Second):
				t.Fatalf("still running 15 s after %v", sig)
			}
		})
	}
}

var readyLine = regexp.MustCompile(`liveops ready.*url=(\S+)`)

func waitReady(t *testing.T, stderr io.Reader) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := readyLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case url := <-found:
		return url
	case <-time.After(60 * time.Second): // the demo's first start, on a loaded machine
		t.Fatal("server did not say it was ready")
	}
	return ""
}

// syncBuffer is a bytes.Buffer that the server's logger and the test may
// use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestFirstStartLogsSetupLink: with no users, serve logs a one-time link
// that opens the page for creating the first administrator: on the
// listening address, or on --public-url when given.
func TestFirstStartLogsSetupLink(t *testing.T) {
	for _, public := range []string{"", "https://liveops.example.gov"} {
		t.Run("public URL "+public, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stdout, stderr syncBuffer
			env := map[string]string{"LIVEOPS_DB": filepath.Join(t.TempDir(), "first.db"), "LIVEOPS_LISTEN": "127.0.0.1:0", "LIVEOPS_PUBLIC_URL": public}
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"serve"}, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
			}()
			link := regexp.MustCompile(`set-up link.*url=(https?://[^/\s]+)(/setup/\S+)`)
			ready := regexp.MustCompile(`liveops ready.*listen=(\S+)`)
			var m, r []string
			for deadline := time.Now().Add(10 * time.Second); r == nil && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				m, r = link.FindStringSubmatch(stderr.String()), ready.FindStringSubmatch(stderr.String())
			}
			if m == nil || r == nil {
				t.Fatalf("no set-up link or ready line logged:\n%s", stderr.String())
			}
			if want := cmp.Or(public, "http://"+r[1]); m[1] != want {
				t.Fatalf("set-up link on %s, want %s", m[1], want)
			}
			resp, err := http.Get("http://" + r[1] + m[2])
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), "Set up liveops") {
				t.Fatalf("set-up link: %d\n%s", resp.StatusCode, body)
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("serve returned %v after cancel", err)
			}
		})
	}
}
