package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/monitor"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// checksFile is the README's example, which package monitor's tests read too.
var checksFile = func() string {
	b, err := os.ReadFile("../../internal/monitor/testdata/checks.yaml")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// checksEnv is a migrated database with the services parking-permits and
// other, and a directory for checks files.
func checksEnv(t *testing.T, dsn string) (map[string]string, string) {
	t.Helper()
	env := map[string]string{"LIVEOPS_DB": dsn}
	for _, name := range []string{"Parking permits", "Other"} {
		if _, _, err := cli(t, env, "", "service", "add", "--name", name, "--domain", strings.ToLower(strings.Fields(name)[0])+".example.gov"); err != nil {
			t.Fatalf("service add %s: %v", name, err)
		}
	}
	return env, t.TempDir()
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// storedChecks are the names of a service's checks in the database.
func storedChecks(t *testing.T, dsn, slug string) map[string]*monitor.Check {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var id int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM services WHERE slug = $1`, slug).Scan(&id); err != nil {
		t.Fatal(err)
	}
	list, err := monitor.NewChecks(db).List(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*monitor.Check{}
	for _, c := range list {
		out[c.Name] = c
	}
	return out
}

func TestChecksApply(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			env, dir := checksEnv(t, dsn)
			file := writeFile(t, dir, "checks.yaml", checksFile)
			apply := func(args ...string) string {
				t.Helper()
				out, errOut, err := cli(t, env, "", append([]string{"checks", "apply", "-f", file}, args...)...)
				if err != nil {
					t.Fatalf("checks apply %v: %v\n%s%s", args, err, out, errOut)
				}
				return out
			}
			// A dry run plans and changes nothing.
			out := apply("--dry-run")
			if want := "would add parking-permits/Start page\nwould add parking-permits/Nightly export\n" +
				"dry run: 2 to add, 0 to change, 0 to remove, 0 unchanged; nothing was changed\n"; out != want {
				t.Fatalf("dry run:\n%s\nwant:\n%s", out, want)
			}
			if got := storedChecks(t, dsn, "parking-permits"); len(got) != 0 {
				t.Fatalf("the dry run added %v", got)
			}
			// Added, with the heartbeat's URL shown once.
			out = apply("--public-url", "https://liveops.example.gov")
			m := regexp.MustCompile(`^added parking-permits/Start page\nadded parking-permits/Nightly export\n` +
				`  heartbeat URL: https://liveops\.example\.gov/api/v1/heartbeat/([A-Za-z0-9_-]{32})\n  Keep it now: it will not be shown again\.\n` +
				`2 added, 0 changed, 0 removed, 0 unchanged\n$`).FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("first apply:\n%s", out)
			}
			got := storedChecks(t, dsn, "parking-permits")
			start, beat := got["Start page"], got["Nightly export"]
			if len(got) != 2 || start == nil || beat == nil || start.Interval.String() != "1m0s" || start.Spec.BodyContains != "Apply for a parking permit" ||
				len(start.Spec.ExpectStatus) != 1 || start.Spec.ExpectStatus[0] != 200 || beat.Grace.String() != "1h0m0s" || !start.Public {
				t.Fatalf("stored checks: %+v", got)
			}
			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			byToken, err := monitor.NewChecks(db).ByToken(context.Background(), m[1])
			db.Close()
			if err != nil || byToken.ID != beat.ID {
				t.Fatalf("the printed heartbeat URL is not the check's: %v", err)
			}
			// Idempotent: the same file again changes nothing.
			if out := apply(); out != "0 added, 0 changed, 0 removed, 2 unchanged\n" {
				t.Fatalf("second apply:\n%s", out)
			}
			if again := storedChecks(t, dsn, "parking-permits"); !again["Start page"].UpdatedAt.Equal(start.UpdatedAt) {
				t.Fatal("an unchanged check was written")
			}
			// A changed field is named.
			writeFile(t, dir, "checks.yaml", strings.NewReplacer("interval: 1m", "interval: 2m", "Apply for a", "Apply for your").Replace(checksFile))
			if out := apply(); out != "changed parking-permits/Start page (interval, body_contains)\n0 added, 1 changed, 0 removed, 1 unchanged\n" {
				t.Fatalf("change:\n%s", out)
			}
			if c := storedChecks(t, dsn, "parking-permits")["Start page"]; c.Interval.String() != "2m0s" || c.Spec.BodyContains != "Apply for your parking permit" {
				t.Fatalf("changed check: %+v", c)
			}
			// Another service's checks are never pruned.
			other := writeFile(t, dir, "other.yaml", "services:\n  other:\n    checks:\n      - {name: Home, type: tcp, target: other.example.gov:443, interval: 5m}\n")
			if out, _, err := cli(t, env, "", "checks", "apply", "-f", other); err != nil || out != "added other/Home\n1 added, 0 changed, 0 removed, 0 unchanged\n" {
				t.Fatalf("other: %q %v", out, err)
			}
			// A check gone from the file stays without --prune, is removed with it.
			writeFile(t, dir, "checks.yaml", strings.NewReplacer("interval: 1m", "interval: 2m", "Apply for a", "Apply for your").Replace(checksFile[:strings.Index(checksFile, "      - name: Nightly")]))
			if out := apply(); out != "0 added, 0 changed, 0 removed, 1 unchanged\n" {
				t.Fatalf("without --prune:\n%s", out)
			}
			if out := apply("--prune", "--dry-run"); out != "would remove parking-permits/Nightly export\ndry run: 0 to add, 0 to change, 1 to remove, 1 unchanged; nothing was changed\n" {
				t.Fatalf("--prune --dry-run:\n%s", out)
			}
			if got := storedChecks(t, dsn, "parking-permits"); len(got) != 2 {
				t.Fatalf("kept: %v", got)
			}
			if out := apply("--prune"); out != "removed parking-permits/Nightly export\n0 added, 0 changed, 1 removed, 1 unchanged\n" {
				t.Fatalf("--prune:\n%s", out)
			}
			if got := storedChecks(t, dsn, "parking-permits"); len(got) != 1 || got["Start page"] == nil {
				t.Fatalf("after --prune: %v", got)
			}
			if got := storedChecks(t, dsn, "other"); len(got) != 1 {
				t.Fatalf("--prune touched another service: %v", got)
			}
			// Without --public-url, an added heartbeat's path and a note.
			writeFile(t, dir, "checks.yaml", checksFile)
			if out := apply(); !strings.Contains(out, "added parking-permits/Nightly export\n  heartbeat path: /api/v1/heartbeat/") ||
				!strings.Contains(out, "--public-url prints the whole URL") || !strings.Contains(out, "1 added, 1 changed, 0 removed, 0 unchanged") {
				t.Fatalf("heartbeat without a public URL:\n%s", out)
			}
			// Export, then apply the export: no change.
			exported, _, err := cli(t, env, "", "checks", "export")
			if err != nil || !strings.Contains(exported, "  parking-permits:\n    checks:\n      - name: Nightly export\n        type: heartbeat\n        interval: 24h\n        grace: 1h\n") ||
				!strings.Contains(exported, "  other:\n") || regexp.MustCompile(`(?m)^ +(id|status|public|timeout|follow_redirects):`).MatchString(exported) {
				t.Fatalf("export: %v\n%s", err, exported)
			}
			file = writeFile(t, dir, "exported.yaml", exported)
			if out := apply("--prune"); out != "0 added, 0 changed, 0 removed, 3 unchanged\n" {
				t.Fatalf("export, apply:\n%s\n%s", out, exported)
			}
			one, _, err := cli(t, env, "", "checks", "export", "--service", "other")
			if err != nil || strings.Contains(one, "parking-permits") || !strings.Contains(one, "name: Home") {
				t.Fatalf("export --service other: %v\n%s", err, one)
			}
			// A heartbeat cannot become another kind: found before anything is written.
			file = writeFile(t, dir, "checks.yaml", strings.Replace(strings.Replace(checksFile, "interval: 1m", "interval: 3m", 1),
				"type: heartbeat\n        interval: 24h\n        grace: 1h", "type: tcp\n        target: exports.example.gov:22\n        interval: 24h", 1))
			if out, _, err := cli(t, env, "", "checks", "apply", "-f", file); err == nil || exitCode(err) != 1 ||
				!strings.Contains(err.Error(), "checks.yaml:12: type: A check cannot become or stop being a heartbeat") {
				t.Fatalf("heartbeat to tcp: %v\n%s", err, out)
			}
			if c := storedChecks(t, dsn, "parking-permits")["Start page"]; c.Interval.String() != "1m0s" {
				t.Fatalf("a file with a problem was applied in part: %v", c.Interval)
			}
			// The changes are in the audit log (one entry per check changed).
			db, err = store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var n int
			if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'liveops checks apply'`).Scan(&n); err != nil || n != 7 {
				t.Fatalf("audit entries: %d %v", n, err)
			}
		})
	}
}

func TestChecksApplyErrors(t *testing.T) {
	check := func(fields string) string {
		return "services:\n  parking-permits:\n    checks:\n      - name: Start page\n" + fields
	}
	const good = "        type: http\n        url: https://parking.example.gov/\n        interval: 1m\n"
	tests := []struct {
		name, file string
		args       []string
		want       []string // the error, then any lines of standard error
	}{
		{"unknown service", "services:\n  parking-permits:\n    checks: []\n  parking-permit:\n    checks: []\n", nil,
			[]string{"checks.yaml:4: services: No service has the slug parking-permit"}},
		{"duplicate names", check(good) + "      - name: Start page\n        type: tcp\n        target: parking.example.gov:443\n        interval: 1m\n", nil,
			[]string{"checks.yaml:8: name: parking-permits already has a check named Start page, on line 4"}},
		{"unknown field", check(good + "        colour: red\n"), nil, []string{"checks.yaml:8: colour: Unknown field: a check's fields are name, type, url"}},
		{"bad YAML", check("        type: http\n       url: x\n"), nil, []string{"checks.yaml:6: did not find expected '-' indicator"}},
		{"bad interval", check("        type: http\n        url: https://parking.example.gov/\n\n        interval: 2s\n"), nil,
			[]string{"checks.yaml:8: interval: The interval must be from 10s to 24h, such as 1m"}},
		{"interval of the wrong kind", check("        type: http\n        url: https://parking.example.gov/\n        interval: [1m]\n"), nil,
			[]string{"checks.yaml:7: interval: cannot unmarshal !!seq into string"}},
		{"link-local target", check("        type: http\n        url: http://169.254.169.254/latest/meta-data/\n        interval: 1m\n"), []string{"--allow-private-checks"},
			[]string{"checks.yaml:6: url: address 169.254.169.254 is not allowed"}},
		{"private target", check("        type: tcp\n        target: 10.0.0.1:5432\n        interval: 1m\n"), nil,
			[]string{"checks.yaml:6: target: address 10.0.0.1 is not allowed"}},
		{"no services", "# nothing yet\n", nil, []string{"checks.yaml:1: services: The file is empty"}},
		{"a list, not a mapping", "- name: x\n", nil, []string{"checks.yaml:1: A checks file is services:"}},
		{"problems everywhere", check(good) + "      - name: Nightly export\n        type: heartbeat\n        interval: 1m\n        grace: 2d\n" +
			"      - name: Home\n        type: tcp\n        target: home.example.gov:443\n        interval: 0s\n", nil,
			[]string{"checks.yaml: 2 problems, listed above (nothing was applied)", "checks.yaml:11: grace: The grace must be a duration such as 1m",
				"checks.yaml:15: interval: The interval must be from 10s to 24h"}},
	}
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			env, dir := checksEnv(t, dsn)
			t.Chdir(dir) // the file is named as given: checks.yaml
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					writeFile(t, dir, "checks.yaml", tc.file)
					out, errOut, err := cli(t, env, "", append([]string{"checks", "apply", "-f", "checks.yaml", "--db", dsn}, tc.args...)...)
					if err == nil || exitCode(err) != 1 {
						t.Fatalf("%v (exit %d), want exit 1\n%s", err, exitCode(err), out)
					}
					if !strings.HasPrefix(err.Error(), tc.want[0]) {
						t.Fatalf("error %q, want %q", err, tc.want[0])
					}
					for _, line := range tc.want[1:] {
						if !strings.Contains(errOut, line) {
							t.Fatalf("standard error has no %q:\n%s", line, errOut)
						}
					}
					if got := storedChecks(t, dsn, "parking-permits"); len(got) != 0 {
						t.Fatalf("applied despite the problem: %v", got)
					}
				})
			}
		})
	}
}
