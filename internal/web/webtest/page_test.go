package webtest

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the errors instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestCheckPage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, page, want string
	}{
		{"good", `<h1>A</h1><h2>B</h2><label for="n">N</label><input id="n" aria-describedby="n-hint"><p id="n-hint">Hint</p>`, ""},
		{"error summary above the h1", `<div class="error-summary"><h2>There is a problem</h2><a href="#n">N</a></div><h1>A</h1><label for="n">N</label><input id="n">`, ""},
		{"no h1", `<h2>B</h2>`, "want exactly one h1"},
		{"two h1s", `<h1>A</h1><h1>B</h1>`, "want exactly one h1"},
		{"skipped level", `<h1>A</h1><h3>C</h3>`, "heading h3 follows h1"},
		{"id twice", `<h1 id="a">A</h1><p id="a">`, `id "a" is used twice`},
		{"no label", `<h1>A</h1><input id="n" name="n">`, "control without a label"},
		{"hidden needs none", `<h1>A</h1><input type="hidden" name="csrf_token" value="x">`, ""},
		{"hint missing", `<h1>A</h1><p aria-describedby="gone">`, `aria attribute names "gone"`},
		{"labelled-by missing", `<h1>A</h1><div aria-labelledby="gone">`, `aria attribute names "gone"`},
		{"summary link missing", `<div class="error-summary"><a href="#gone">x</a></div><h1>A</h1>`, "links to #gone"},
		{"inline script", `<h1>A</h1><script>x()</script>`, "inline script or style"},
		{"script of elsewhere", `<h1>A</h1><script src="https://cdn.example/x.js"></script>`, "inline script or style"},
		{"own script", `<h1>A</h1><script src="/static/1a2b/inbox.js" defer></script>`, ""},
		{"inline style", `<h1 style="color: red">A</h1>`, "inline script or style"},
		{"inline handler", `<h1>A</h1><a onclick="x()">`, "inline script or style"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{TB: t}
			CheckPage(r, "/p", tc.page)
			got := strings.Join(r.errs, "\n")
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("errors = %q, want one with %q", got, tc.want)
			}
		})
	}
}

func TestContainsLacks(t *testing.T) {
	t.Parallel()
	r := &recorder{TB: t}
	Contains(r, "page", "a b c", "a", "c")
	Lacks(r, "page", "a b c", "d")
	if len(r.errs) != 0 {
		t.Fatalf("errors = %q, want none", r.errs)
	}
	Contains(r, "page", "a b c", "d")
	Lacks(r, "page", "a b c", "b")
	if want := []string{`page does not contain "d"`, `page contains "b"`}; strings.Join(r.errs, "|") != strings.Join(want, "|") {
		t.Fatalf("errors = %q, want %q", r.errs, want)
	}
}
