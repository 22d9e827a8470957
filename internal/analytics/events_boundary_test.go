package analytics

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// outsideReaders are the files outside this package allowed to name the
// analytics tables, and why.
var outsideReaders = map[string]string{
	"cmd/loadgen/size.go":   "measures the tables' size on disk, as an operator would",
	"cmd/loadgen/stored.go": "counts what was stored independently of the code under load",
}

// TestEventStoreBoundary fails when a Go file outside internal/analytics
// has a string literal naming one of analytics' tables: only analytics,
// through its EventStore, reads and writes raw events, visits, the string
// dictionary and the rollups. Tests may look at the tables to check what
// was stored, so _test.go files are not scanned.
func TestEventStoreBoundary(t *testing.T) {
	root := moduleRoot(t)
	tables := analyticsTables(t, root)
	word := regexp.MustCompile(`\banalytics_[a-z_]+\b`)
	var bad []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "internal/analytics" || rel == "testdata" || strings.HasSuffix(rel, "/testdata") ||
				(rel != "." && strings.HasPrefix(d.Name(), ".")) || d.Name() == "vendor" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") || outsideReaders[rel] != "" {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		named := map[string]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			for _, w := range word.FindAllString(s, -1) {
				if tables[w] {
					named[w] = true
				}
			}
			return true
		})
		if len(named) > 0 {
			bad = append(bad, rel+" ("+strings.Join(sortedKeys(named), ", ")+")")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range bad {
		t.Errorf("%s has SQL against analytics' tables: go through analytics.EventStore instead", f)
	}
}

// TestAnalyticsImportsNoArea keeps the dependency one way: goals, kpi and
// demo read events through analytics, so analytics imports none of them
// (goals' goals reach the stats API through GoalSource, passed in by app).
// A package analytics imported that imported goals would be an import
// cycle, so the direct imports are enough to check.
func TestAnalyticsImportsNoArea(t *testing.T) {
	const module = "github.com/liveops/liveops/internal/"
	forbidden := map[string]bool{module + "goals": true, module + "kpi": true, module + "demo": true, module + "app": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name.Name != "analytics" {
			continue // an external test package may use the areas
		}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); forbidden[p] {
				t.Errorf("%s imports %s: analytics must not depend on the areas that read its events", name, p)
			}
		}
	}
}

// analyticsTables lists the tables the migrations create whose names start
// with analytics_.
func analyticsTables(t *testing.T, root string) map[string]bool {
	t.Helper()
	create := regexp.MustCompile(`(?i)CREATE TABLE (?:IF NOT EXISTS )?(analytics_[a-z_]+)`)
	files, err := filepath.Glob(filepath.Join(root, "internal/store/migrations/*/*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string]bool{}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range create.FindAllSubmatch(b, -1) {
			tables[strings.ToLower(string(m[1]))] = true
		}
	}
	for _, want := range []string{"analytics_events", "analytics_sessions", "analytics_strings", "analytics_daily", "analytics_hourly"} {
		if !tables[want] {
			t.Fatalf("no migration creates %s: is %s the module root?", want, root)
		}
	}
	return tables
}

// moduleRoot is the directory of go.mod above the test's.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
