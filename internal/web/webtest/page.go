package webtest

import (
	"regexp"
	"strings"
	"testing"
)

var (
	idAttr       = regexp.MustCompile(`\sid="([^"]+)"`)
	headingTag   = regexp.MustCompile(`<h([1-6])[\s>]`)
	ariaRef      = regexp.MustCompile(`aria-(?:describedby|labelledby)="([^"]+)"`)
	controlTag   = regexp.MustCompile(`<(input|textarea|select)\s[^>]*>`)
	hiddenInput  = regexp.MustCompile(`type="hidden"`)
	errorSummary = regexp.MustCompile(`(?s)<div class="error-summary".*?</div>`)
	hrefAnchor   = regexp.MustCompile(`href="#([^"]+)"`)
	inlineScript = regexp.MustCompile(`<script(?:>|\s[^>]*>)|\sstyle=|\son[a-z]+=`)
	scriptSrc    = regexp.MustCompile(`^<script\s[^>]*\bsrc="/static/`)
)

// CheckPage fails the test when a page breaks the rules every liveops page
// keeps: one h1, headings in order, unique ids, a label for every control,
// described-by and labelled-by ids that exist, error summary links that
// lead somewhere, and nothing the CSP would block. path names the page in
// the messages.
func CheckPage(t testing.TB, path, page string) {
	t.Helper()
	for _, m := range inlineScript.FindAllString(page, -1) {
		// A script of liveops's own files is what the CSP allows.
		if !scriptSrc.MatchString(m) {
			t.Errorf("%s: inline script or style %q", path, m)
		}
	}
	// The layout's error summary is an h2 above the h1, as in GOV.UK's pattern.
	main := errorSummary.ReplaceAllString(page, "")
	levels := headingTag.FindAllStringSubmatch(main, -1)
	if len(levels) == 0 || levels[0][1] != "1" || strings.Count(page, "<h1") != 1 {
		t.Errorf("%s: want exactly one h1, first: %v", path, levels)
	}
	for i := 1; i < len(levels); i++ {
		if levels[i][1][0] > levels[i-1][1][0]+1 {
			t.Errorf("%s: heading h%s follows h%s", path, levels[i][1], levels[i-1][1])
		}
	}
	ids := map[string]bool{}
	for _, m := range idAttr.FindAllStringSubmatch(page, -1) {
		if ids[m[1]] {
			t.Errorf("%s: id %q is used twice", path, m[1])
		}
		ids[m[1]] = true
	}
	for _, m := range ariaRef.FindAllStringSubmatch(page, -1) {
		for _, id := range strings.Fields(m[1]) {
			if !ids[id] {
				t.Errorf("%s: aria attribute names %q, which is not on the page", path, id)
			}
		}
	}
	for _, m := range hrefAnchor.FindAllStringSubmatch(errorSummary.FindString(page), -1) {
		if !ids[m[1]] {
			t.Errorf("%s: the error summary links to #%s, which is not on the page", path, m[1])
		}
	}
	for _, tag := range controlTag.FindAllString(page, -1) {
		if hiddenInput.MatchString(tag) {
			continue
		}
		m := idAttr.FindStringSubmatch(tag)
		if m == nil || !strings.Contains(page, `<label for="`+m[1]+`"`) {
			t.Errorf("%s: control without a label: %s", path, tag)
		}
	}
}

// Contains fails the test unless page has every one of want; what names
// the page in the messages.
func Contains(t testing.TB, what, page string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("%s does not contain %q", what, w)
		}
	}
}

// Lacks fails the test if page has any of unwanted.
func Lacks(t testing.TB, what, page string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(page, w) {
			t.Errorf("%s contains %q", what, w)
		}
	}
}
