package monitor

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/monitor/probe"
)

// exampleFile is the checks file of the README, also applied by the
// command line's tests.
const exampleFile = "testdata/checks.yaml"

func readExample(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(exampleFile)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseChecksFile: the file's shape and every field are read, lines
// kept; each kind of mistake is at its line and field.
func TestParseChecksFile(t *testing.T) {
	f, err := ParseChecksFile("checks.yaml", readExample(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Services) != 1 || f.Services[0].Slug != "parking-permits" || f.Services[0].Line != 3 || len(f.Services[0].Checks) != 2 {
		t.Fatalf("%+v", f)
	}
	start := f.Services[0].Checks[0]
	if start.Line != 5 || start.keys["body_contains"] != 10 || start.Doc.URL != "https://parking.example.gov/start" ||
		len(start.Doc.ExpectStatus) != 1 || start.Doc.ExpectStatus[0] != 200 {
		t.Fatalf("%+v", start)
	}
	// Anchors and merge keys are YAML's: a team's defaults once.
	f, err = ParseChecksFile("c.yaml", []byte("services:\n  s:\n    checks:\n      - &d {name: A, type: tcp, target: a:1, interval: 5m}\n      - <<: *d\n        name: B\n"))
	if err != nil || len(f.Services[0].Checks) != 2 || f.Services[0].Checks[1].Doc.Interval != "5m" || f.Services[0].Checks[1].Doc.Name != "B" {
		t.Fatalf("merge: %+v %v", f, err)
	}
	for _, tc := range []struct{ name, file, want string }{
		{"two documents", "services: {}\n---\nservices: {}\n", "c.yaml:2: The file must be one YAML document"},
		{"not UTF-8", "services:\n  s:\n    checks:\n      - name: \xff\n", "c.yaml:4: The file must be UTF-8 text"},
		{"unknown top field", "services: {}\nversion: 2\n", "c.yaml:2: version: Unknown field"},
		{"service without checks", "services:\n  s:\n", "c.yaml:2: s: Give the service's checks"},
		{"unknown service field", "services:\n  s:\n    checks: []\n    owner: me\n", "c.yaml:4: owner: Unknown field: a service has checks: only"},
		{"checks not a list", "services:\n  s:\n    checks: {a: b}\n", "c.yaml:3: checks: The checks are a list"},
		{"a check not a mapping", "services:\n  s:\n    checks:\n      - Start page\n", "c.yaml:4: Each check is a mapping"},
		{"service twice", "services:\n  s:\n    checks: []\n  s:\n    checks: []\n", "c.yaml:4: services: s is already on line 2"},
		{"field twice", "services:\n  s:\n    checks:\n      - name: a\n        name: b\n", `c.yaml:5: name: mapping key "name" already defined at line 4`},
		{"unclosed list", "services:\n  s:\n    checks:\n      - name: a\n        expect_status: [200\n", "c.yaml:5: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseChecksFile("c.yaml", []byte(tc.file))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("%v, want %q", err, tc.want)
			}
		})
	}
}

// FuzzApplyParse: whatever the file, reading and validating it never
// panics, and every problem is at a line of the file.
func FuzzApplyParse(f *testing.F) {
	f.Add(readExample(f))
	f.Add([]byte("services:\n  a: b: c\n"))
	f.Add([]byte("services:\n  s:\n    checks:\n      - &d {name: A, type: tcp, target: a:1, interval: 5m}\n      - <<: *d\n        name: B\n"))
	f.Add([]byte("services:\n  s:\n    checks:\n      - name: x\n        type: dns\n        target: example.gov\n        interval: 1m\n        record_type: MX\n        expect: [a]\n        json: [{path: a, equals: b}]\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Add([]byte("services:\n  s:\n    checks:\n      - name: a\n        interval: [1]\n        retries: x\n        labels: 3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The lines as YAML counts them: \r\n, \r, \n and Unicode's breaks.
		text := strings.ReplaceAll(string(data), "\r\n", "\n")
		lines := 1 + strings.Count(text, "\n") + strings.Count(text, "\r") + strings.Count(text, "\u0085") + strings.Count(text, "\u2028") + strings.Count(text, "\u2029")
		located := func(err error) {
			t.Helper()
			var es FileErrors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("%T %v: not FileErrors", err, err)
			}
			for _, e := range es {
				if e.File != "f.yaml" || e.Line < 1 || e.Line > lines || !strings.HasPrefix(e.Error(), "f.yaml:") {
					t.Fatalf("problem %q not at a line of the file's %d", e, lines)
				}
			}
		}
		cf, err := ParseChecksFile("f.yaml", data)
		if err != nil {
			located(err)
			return
		}
		var errs FileErrors
		for _, s := range cf.Services {
			for i := range s.Checks {
				if _, err := Prepare(s.Checks[i].Doc, 1, probe.Options{}); err != nil {
					errs = append(errs, prepareError("f.yaml", &s.Checks[i], err))
				}
			}
		}
		if len(errs) > 0 {
			located(errs)
		}
	})
}

// TestPrepare: the one path of the API and the file refuses what the
// server would not probe, naming the field.
func TestPrepare(t *testing.T) {
	for _, tc := range []struct {
		doc          CheckDoc
		allowPrivate bool
		field        string // "" for valid
	}{
		{CheckDoc{Name: "A", Type: "http", URL: "https://parking.example.gov/", Interval: "1m"}, false, ""},
		{CheckDoc{Name: "A", Type: "http", URL: "http://169.254.169.254/latest/", Interval: "1m"}, true, "url"},
		{CheckDoc{Name: "A", Type: "tcp", Target: "[fd00:ec2::254]:80", Interval: "1m"}, true, "target"},
		{CheckDoc{Name: "A", Type: "tcp", Target: "127.0.0.1:5432", Interval: "1m"}, false, "target"},
		{CheckDoc{Name: "A", Type: "tcp", Target: "127.0.0.1:5432", Interval: "1m"}, true, ""},
		{CheckDoc{Name: "A", Type: "http", URL: "https://parking.example.gov/", Interval: "5s"}, false, "interval"},
		{CheckDoc{Name: " ", Type: "heartbeat", Interval: "1h"}, false, "name"},
	} {
		c, err := Prepare(tc.doc, 7, probe.Options{AllowPrivate: tc.allowPrivate})
		var fe *fault.Error
		switch {
		case tc.field == "" && (err != nil || c.ServiceID != 7 || c.Spec.Timeout != DefaultTimeout):
			t.Errorf("%+v: %v %+v", tc.doc, err, c)
		case tc.field != "" && (!errors.As(err, &fe) || fe.Field != tc.field):
			t.Errorf("%+v: %v, want a problem with %s", tc.doc, err, tc.field)
		}
	}
}
