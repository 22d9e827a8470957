package statsquery

import (
	"regexp"
	"slices"
	"strings"
)

// Walk calls fn for every leaf under f, with its depth: 0 for a top-level
// filter of a Query (a child of the root *And), one more for each and, or
// and not above it.
func Walk(f Filter, fn func(l *Leaf, depth int)) {
	walk(f, -1, fn)
}

func walk(f Filter, depth int, fn func(*Leaf, int)) {
	switch f := f.(type) {
	case *And:
		for _, c := range f.Filters {
			walk(c, depth+1, fn)
		}
	case *Or:
		for _, c := range f.Filters {
			walk(c, depth+1, fn)
		}
	case *Not:
		walk(f.Filter, depth+1, fn)
	case *Leaf:
		fn(f, max(depth, 0))
	}
}

// filtersOn reports whether a query's filters use dimension kind k, at the
// top level only or at any depth.
func filtersOn(f Filter, k Kind, topLevelOnly bool) bool {
	found := false
	Walk(f, func(l *Leaf, depth int) {
		if l.Dimension.Kind == k && (depth == 0 || !topLevelOnly) {
			found = true
		}
	})
	return found
}

// validateFilterDepths applies Plausible's rules on where in the tree a
// dimension may appear (QueryBuilder's validate_toplevel_only_filter_dimension
// and validate_special_metrics_filters): event:goal and event:hostname only
// at the top level, and with conversion_rate, custom properties too.
func validateFilterDepths(q *Query) error {
	var err error
	cr := slices.Contains(q.Metrics, ConversionRate)
	Walk(q.Filters, func(l *Leaf, depth int) {
		if err != nil || depth == 0 {
			return
		}
		switch k := l.Dimension.Kind; {
		case k == KindGoal || k == KindHostname:
			err = errf(l.path+"/1", "Invalid filters. Dimension `%s` can only be filtered at the top level.", k)
		case k == KindProp && cr:
			err = errf(l.path+"/1", "Invalid filters. When `conversion_rate` is queried, custom property filters can only be used at the top level.")
		}
	})
	return err
}

// Match reports whether value passes the leaf. For event:goal, value is a
// goal's display name, so the executor resolves goals with it first.
func (l *Leaf) Match(value string) bool {
	var hit bool
	switch l.Op {
	case OpMatches, OpMatchesNot:
		hit = l.re.MatchString(value)
	case OpIs, OpIsNot:
		hit = slices.ContainsFunc(l.Values, func(c string) bool {
			return c == value || (!l.CaseSensitive && strings.EqualFold(c, value))
		})
	case OpContains, OpContainsNot:
		lower := strings.ToLower(value)
		hit = slices.ContainsFunc(l.Values, func(c string) bool {
			return strings.Contains(value, c) || (!l.CaseSensitive && strings.Contains(lower, strings.ToLower(c)))
		})
	}
	negated := l.Op == OpIsNot || l.Op == OpContainsNot || l.Op == OpMatchesNot
	return hit != negated
}

// Regexp is the leaf's clauses joined into one expression that matches when
// any of them does; nil unless Op is matches or matches_not.
func (l *Leaf) Regexp() *regexp.Regexp { return l.re }
