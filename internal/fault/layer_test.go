package fault_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// webStatusErrors are package web's constructors of HTTP errors. Domain
// code says what went wrong with a fault instead; only web knows statuses.
var webStatusErrors = map[string]bool{
	"BadRequest":   true,
	"Conflict":     true,
	"NotFound":     true,
	"Forbidden":    true,
	"Unauthorized": true,
	"Error":        true, // &web.Error{Status: …}
}

// domainFiles must stay free of web's status errors whatever else they
// come to hold: they decide access or validate input for handlers, the
// command line and jobs alike (inbox.go and delete.go hold handlers too).
var domainFiles = []string{
	"account/setup.go",
	"account/tokens.go",
	"account/users.go",
	"analytics/event.go",
	"analytics/stats.go",
	"catalog/access.go",
	"feedback/filters.go",
	"feedback/inbox.go",
	"feedback/store.go",
	"goals/goals.go",
	"kpi/delete.go",
	"kpi/report.go",
}

// TestDomainReturnsFaults keeps HTTP statuses out of the domain layer: a
// file of an area that writes no response (no function of it takes an
// http.ResponseWriter) must not use web.BadRequest, web.Conflict,
// web.NotFound, web.Forbidden, web.Unauthorized or web.Error, nor an
// http.Status constant; nor may each of domainFiles use those of web.
// Handlers may, for what is purely HTTP (a wrong content type, a body too
// large, a bad id in the path).
func TestDomainReturnsFaults(t *testing.T) {
	listed := make(map[string]bool, len(domainFiles))
	for _, f := range domainFiles {
		listed[filepath.FromSlash(f)] = true
	}
	// The packages that are not areas' domain code: web maps faults to
	// statuses, and app wires handlers.
	skip := map[string]bool{"web": true, "app": true, "fault": true}
	dirs, err := os.ReadDir("..")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, d := range dirs {
		if !d.IsDir() || skip[d.Name()] {
			continue
		}
		files, err := filepath.Glob(filepath.Join("..", d.Name(), "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			rel, _ := filepath.Rel("..", path)
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			handlers := writesResponses(f)
			if handlers && !listed[rel] {
				continue
			}
			checked++
			web, http := importName(f, "/internal/web"), importName(f, "net/http")
			if handlers {
				http = "" // a listed file's handlers write their statuses
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				x, ok := sel.X.(*ast.Ident)
				switch {
				case !ok:
				case x.Name == web && webStatusErrors[sel.Sel.Name]:
					t.Errorf("%s: domain code uses web.%s: return a fault (fault.Invalidf, fault.NotFoundf, …) instead",
						fset.Position(sel.Pos()), sel.Sel.Name)
				case x.Name == http && strings.HasPrefix(sel.Sel.Name, "Status"):
					t.Errorf("%s: domain code uses http.%s: only web knows statuses", fset.Position(sel.Pos()), sel.Sel.Name)
				}
				return true
			})
		}
	}
	for rel := range listed {
		if _, err := os.Stat(filepath.Join("..", rel)); err != nil {
			t.Errorf("listed domain file %s: %v", rel, err)
		}
	}
	if checked < len(domainFiles) {
		t.Fatalf("checked %d files: fewer than the %d listed", checked, len(domainFiles))
	}
}

// importName is the name f gives the import whose path ends in suffix,
// or "" when f does not import it.
func importName(f *ast.File, suffix string) string {
	for _, imp := range f.Imports {
		p := strings.Trim(imp.Path.Value, `"`)
		if !strings.HasSuffix(p, suffix) {
			continue
		}
		if imp.Name != nil {
			return imp.Name.Name
		}
		return p[strings.LastIndexByte(p, '/')+1:]
	}
	return ""
}

// writesResponses reports whether a function of f, or a function literal
// in it (a handler a method returns), takes an http.ResponseWriter.
func writesResponses(f *ast.File) bool {
	http := importName(f, "net/http")
	if http == "" {
		return false
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		fn, ok := n.(*ast.FuncType)
		if !ok || found {
			return !found
		}
		for _, p := range fn.Params.List {
			if sel, ok := p.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "ResponseWriter" {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == http {
					found = true
				}
			}
		}
		return true
	})
	return found
}
