package goals

import "strings"

// The event names with a meaning of their own (as in internal/analytics):
// page views, which page-view goals match, and engagement events, which
// are never a goal.
const (
	pageviewName   = "pageview"
	engagementName = "engagement"
)

// Matches reports whether an event completes the goal: for a page-view goal
// a "pageview" event whose page matches the goal's path pattern, for an
// event goal an event with exactly that name. This is Plausible's
// goal_condition (lib/plausible/stats/goals.ex): event_name == goal's name,
// or name == "pageview" and the pathname matching page_path.
func (g Goal) Matches(eventName, page string) bool {
	switch g.Kind {
	case KindEvent:
		return eventName == g.EventName
	case KindPage:
		return eventName == pageviewName && MatchPath(g.PagePath, page)
	}
	return false
}

// MatchPath reports whether path matches a page-view goal's pattern, with
// the wildcards Plausible documents for pageview goals (docs/pageview-goals.md,
// "Pageview goals support wildcards"):
//
//   - * stands for any run of characters, empty included, except "/":
//     /rule/* matches /rule/1 and /rule/ but not /rule/4/details nor /rules;
//   - ** stands for any run of characters at all, "/" included:
//     /wp/** matches /wp/admin and /wp/assets/a/b.png but not /page/wp;
//   - everything else matches itself only, and the whole path must match:
//     /blog4 matches /blog4, not /blog45 nor /blog4/new.
//
// A run of three or more stars is a **, as in Plausible's page_regex
// (which turns ** into .* and then * into [^/]*). A pattern without stars
// is compared for equality, as Plausible does. Matching is by bytes, in
// time proportional to len(pattern) × len(path), with no backtracking.
func MatchPath(pattern, path string) bool {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return pattern == path
	}
	if len(pattern)-star >= 2 && strings.TrimLeft(pattern[star:], "*") == "" {
		return strings.HasPrefix(path, pattern[:star]) // "/blog/**", the common case
	}
	// cur[j] is whether the pattern so far matches path[:j].
	cur := make([]bool, len(path)+1)
	next := make([]bool, len(path)+1)
	cur[0] = true
	for i := 0; i < len(pattern); {
		c := pattern[i]
		switch {
		case c == '*' && i+1 < len(pattern) && pattern[i+1] == '*':
			for i < len(pattern) && pattern[i] == '*' {
				i++
			}
			next[0] = cur[0]
			for j := 1; j <= len(path); j++ {
				next[j] = cur[j] || next[j-1]
			}
		case c == '*':
			i++
			next[0] = cur[0]
			for j := 1; j <= len(path); j++ {
				next[j] = cur[j] || next[j-1] && path[j-1] != '/'
			}
		default:
			i++
			next[0] = false
			for j := 1; j <= len(path); j++ {
				next[j] = cur[j-1] && path[j-1] == c
			}
		}
		cur, next = next, cur
	}
	return cur[len(path)]
}

// literalPrefix is the part of a pattern before its first wildcard: every
// path the pattern matches starts with it.
func literalPrefix(pattern string) string {
	if i := strings.IndexByte(pattern, '*'); i >= 0 {
		return pattern[:i]
	}
	return pattern
}
