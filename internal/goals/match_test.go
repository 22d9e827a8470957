package goals_test

import (
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/goals"
)

// TestMatchPath checks the wildcards against Plausible's documented table
// (docs/pageview-goals.md) and the edges around it.
func TestMatchPath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		// No wildcard: the whole path, exactly.
		{"/blog4", "/blog4", true},
		{"/blog4", "/blog45", false},
		{"/blog4", "/blog4/new", false},
		{"/blog4", "/blog", false},
		{"/blog4", "/Blog4", false},
		{"/", "/", true},
		{"/", "/a", false},
		{"/a.b", "/aXb", false}, // no regular expressions: a dot is a dot
		{"/a+b(c)", "/a+b(c)", true},
		{"/[x]", "/[x]", true},
		{"/search", "/search?q=1", false},
		// * is any run of characters but a slash.
		{"/rule/*", "/rule/1", true},
		{"/rule/*", "/rule/general-rule-14", true},
		{"/rule/*", "/rule/", true},
		{"/rule/*", "/rule/4/details", false},
		{"/rule/*", "/rules", false},
		{"/rule/*", "/rule", false},
		{"/how-to-*", "/how-to-play", true},
		{"/how-to-*", "/how-to-succeed", true},
		{"/how-to-*", "/how-to-", true},
		{"/how-to-*", "/how-to-/blog", false},
		{"/*/admin", "/sites/admin", true},
		{"/*/admin", "/sites/admin/page-2", false},
		{"/*/admin", "/sites/2/admin", false},
		{"/*/admin", "/admin", false},
		{"/*/admin", "//admin", true},
		{"/*/priv/*", "/admin/priv/sites", true},
		{"/*/priv/*", "/priv", false},
		{"/*/priv/*", "/priv/page", false},
		{"/*/priv/*", "/admin/priv", false},
		{"/rule/*/*", "/rule/10/edit", true},
		{"/rule/*/*", "/rule", false},
		{"/rule/*/*", "/rule/10/new/save", false},
		// Plausible's table lists /rule/4/new/ here too, but its own
		// [^/]* cannot match the trailing slash; the code is followed.
		{"/rule/*/*", "/rule/4/new/", false},
		{"/blog*", "/blog", true},
		{"/blog*", "/blog-post", true},
		{"/blog*", "/blog/post", false},
		{"*", "/", false},
		{"/*", "/", true},
		{"/*", "/anything", true},
		{"/*", "/a/b", false},
		{"/a*b*c", "/abc", true},
		{"/a*b*c", "/axxbyyc", true},
		{"/a*b*c", "/axxbyy/c", false},
		{"/a*b", "/ab/b", false},
		// ** is any run of characters at all.
		{"/wp/**", "/wp/assets/subdirectory/another/image.png", true},
		{"/wp/**", "/wp/admin", true},
		{"/wp/**", "/wp/", true},
		{"/wp/**", "/wp", false},
		{"/wp/**", "/page/wp", false},
		{"/blog**", "/blog", true},
		{"/blog**", "/blog/2024/post", true},
		{"/blog**", "/blogroll", true},
		{"/**", "/", true},
		{"/**", "/a/b/c", true},
		{"**", "", true},
		{"/**/edit", "/posts/1/edit", true},
		{"/**/edit", "//edit", true},
		{"/**/edit", "/edit", false},
		{"/**/edit", "/posts/1/edit/more", false},
		{"/docs/**/intro", "/docs/v1/guide/intro", true},
		{"/docs/**/intro", "/docs/intro", false},
		{"/a/**/b/*/c", "/a/x/y/b/z/c", true},
		{"/a/**/b/*/c", "/a/x/y/b/z/w/c", false},
		{"/a/***", "/a/b/c", true}, // three stars: a ** (and a *)
		{"/a/****", "/a/b/c", true},
		{"/**.pdf", "/files/report.pdf", true},
		{"/*.pdf", "/files/report.pdf", false},
		{"/*.pdf", "/report.pdf", true},
		// Hash routing: the fragment is part of the page.
		{"/app#/step/*", "/app#/step/2", true},
		{"/app#/step/*", "/app#/step/2/x", false},
		// Bytes, not characters: a slash is never inside a UTF-8 sequence.
		{"/café/*", "/café/menu", true},
		{"/*/menu", "/café/menu", true},
		{"/ça-**", "/ça-va/bien", true},
	} {
		if got := goals.MatchPath(tc.pattern, tc.path); got != tc.want {
			t.Errorf("MatchPath(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}

// TestMatchPathIsLinear: many wildcards against a long path that almost
// matches must not backtrack exponentially.
func TestMatchPathIsLinear(t *testing.T) {
	t.Parallel()
	pattern := strings.Repeat("/**a", 20) + "/b"
	path := strings.Repeat("/a", 1000)
	if goals.MatchPath(pattern, path) {
		t.Fatal("matched")
	}
	if !goals.MatchPath(pattern, path+"/b") {
		t.Fatal("did not match")
	}
}

func TestGoalMatches(t *testing.T) {
	t.Parallel()
	page := goals.Goal{Kind: goals.KindPage, PagePath: "/apply/**"}
	event := goals.Goal{Kind: goals.KindEvent, EventName: "Signup"}
	for _, tc := range []struct {
		name       string
		goal       goals.Goal
		event, url string
		want       bool
	}{
		{"page view of a matching page", page, "pageview", "/apply/start", true},
		{"page view of another page", page, "pageview", "/about", false},
		{"custom event on a matching page", page, "Signup", "/apply/start", false},
		{"engagement on a matching page", page, "engagement", "/apply/start", false},
		{"the event", event, "Signup", "/anywhere", true},
		{"the event in another case", event, "signup", "/anywhere", false},
		{"another event", event, "Signup2", "/", false},
		{"a page view", event, "pageview", "/Signup", false},
		{"no kind", goals.Goal{}, "pageview", "/", false},
	} {
		if got := tc.goal.Matches(tc.event, tc.url); got != tc.want {
			t.Errorf("%s: Matches(%q, %q) = %v, want %v", tc.name, tc.event, tc.url, got, tc.want)
		}
	}
}

func FuzzMatchPath(f *testing.F) {
	f.Add("/a/*/b/**", "/a/x/b/c/d")
	f.Add("**", "")
	f.Add("/*.pdf", "/x.pdf")
	f.Fuzz(func(t *testing.T, pattern, path string) {
		got := goals.MatchPath(pattern, path)
		if !strings.Contains(pattern, "*") && got != (pattern == path) {
			t.Fatalf("MatchPath(%q, %q) = %v without wildcards", pattern, path, got)
		}
		// ** in place of every * matches at least what the pattern matches.
		if got && !goals.MatchPath(strings.ReplaceAll(strings.ReplaceAll(pattern, "**", "*"), "*", "**"), path) {
			t.Fatalf("MatchPath(%q, %q) but not with ** for *", pattern, path)
		}
	})
}
