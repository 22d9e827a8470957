package statsquery

import (
	"regexp"
	"slices"
	"strings"
)

// Walk calls fn for every leaf under f, with its depth: 0 for a top-level
// filter of a Query (a child of the root *And), one more for each and, or,
// not, has_done and has_not_done above it.
func Walk(f Filter, fn func(l *Leaf, depth int)) {
	walk(f, -1, 0, func(l *Leaf, depth, _ int) { fn(l, depth) })
}

// walk is Walk that also counts the has_done and has_not_done filters
// above each leaf.
func walk(f Filter, depth, behavioralDepth int, fn func(l *Leaf, depth, behavioralDepth int)) {
	switch f := f.(type) {
	case *And:
		for _, c := range f.Filters {
			walk(c, depth+1, behavioralDepth, fn)
		}
	case *Or:
		for _, c := range f.Filters {
			walk(c, depth+1, behavioralDepth, fn)
		}
	case *Not:
		walk(f.Filter, depth+1, behavioralDepth, fn)
	case *Behavioral:
		walk(f.Filter, depth+1, behavioralDepth+1, fn)
	case *Leaf:
		fn(f, max(depth, 0), behavioralDepth)
	}
}

// filtersOn reports whether a query's filters use dimension kind k, at the
// top level only or at any depth. Filters inside has_done and has_not_done
// say nothing about the events counted, so they do not count.
func filtersOn(f Filter, k Kind, topLevelOnly bool) bool {
	found := false
	walk(f, -1, 0, func(l *Leaf, depth, behavioralDepth int) {
		if l.Dimension.Kind == k && behavioralDepth == 0 && (depth == 0 || !topLevelOnly) {
			found = true
		}
	})
	return found
}

// firstLeaf returns the first leaf, in the order of the request, for
// which bad is true.
func firstLeaf(f Filter, bad func(l *Leaf, depth, behavioralDepth int) bool) *Leaf {
	var found *Leaf
	walk(f, -1, 0, func(l *Leaf, depth, behavioralDepth int) {
		if found == nil && bad(l, depth, behavioralDepth) {
			found = l
		}
	})
	return found
}

// MaxSegments is how many saved segments Plausible lets one query use.
const MaxSegments = 10

// validateSegments answers a filter on Plausible's saved segments as
// Plausible does for segments that do not exist: liveops has none.
func validateSegments(f Filter) error {
	var ids []string
	var at *Leaf
	walk(f, -1, 0, func(l *Leaf, _, _ int) {
		if l.Dimension.Kind == kindSegment {
			for _, id := range l.Values {
				if !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
			if at == nil {
				at = l
			}
		}
	})
	switch {
	case at == nil:
		return nil
	case len(ids) > MaxSegments:
		return invalidf(at.path, "Invalid filters. You can only use up to %d segment filters in a query.", MaxSegments)
	}
	return invalidf(at.path, "Invalid filters. Some segments don't exist or aren't accessible.")
}

// validateFilterDepths applies Plausible's rules on where in the tree a
// dimension may appear (QueryBuilder's validate_toplevel_only_filter_dimension
// and validate_special_metrics_filters): event:goal and event:hostname only
// at the top level (or anywhere inside has_done), and with conversion_rate,
// custom properties too.
func validateFilterDepths(q *Query) error {
	if l := firstLeaf(q.Filters, func(l *Leaf, depth, behavioralDepth int) bool {
		k := l.Dimension.Kind
		return depth > 0 && behavioralDepth == 0 && (k == KindGoal || k == KindHostname)
	}); l != nil {
		return invalidf(l.path+"/1", "Invalid filters. Dimension `%s` can only be filtered at the top level.", l.Dimension.Kind)
	}
	if !slices.Contains(q.Metrics, ConversionRate) {
		return nil
	}
	if l := firstLeaf(q.Filters, func(l *Leaf, depth, _ int) bool {
		return depth > 0 && l.Dimension.Kind == KindProp
	}); l != nil {
		return invalidf(l.path+"/1", "Invalid filters. When `conversion_rate` or `group_conversion_rate` metrics are used, custom property filters can only be used on top level.")
	}
	return nil
}

// validateBehavioral applies Plausible's rules on has_done and
// has_not_done: not one inside another, and only event dimensions inside.
func validateBehavioral(f Filter) error {
	var msg string
	l := firstLeaf(f, func(l *Leaf, _, behavioralDepth int) bool {
		switch {
		case behavioralDepth > 1:
			msg = "Invalid filters. Behavioral filters (has_done, has_not_done) cannot be nested."
		case behavioralDepth == 1 && !l.Dimension.IsEvent():
			msg = "Invalid filters. Behavioral filters (has_done, has_not_done) can only be used with event dimension filters."
		}
		return msg != ""
	})
	if l == nil {
		return nil
	}
	return invalidf(l.path, "%s", msg)
}

// goalsDoc is where Plausible's error for an unknown goal sends the reader.
const goalsDoc = "https://plausible.io/docs/stats-api#filtering-by-goals"

// validateGoals refuses an "is" filter on event:goal naming a goal the
// site does not have. As in Plausible, contains filters may match nothing,
// and a filter with modifiers is not checked.
func (p *parser) validateGoals(f Filter) error {
	var leaves []*Leaf
	walk(f, -1, 0, func(l *Leaf, _, _ int) {
		if l.Dimension.Kind == KindGoal && l.Op == OpIs && !l.modifiers && len(l.Values) > 0 {
			leaves = append(leaves, l)
		}
	})
	if len(leaves) == 0 || p.site.GoalNames == nil {
		return nil
	}
	names, err := p.site.GoalNames()
	if err != nil {
		return err
	}
	for _, l := range leaves {
		for i, v := range l.Values {
			if !slices.Contains(names, v) {
				return invalidf(l.path+"/2/"+itoa(i), "Invalid filters. The goal `%s` is not configured for this site. Find out how to configure goals here: %s", v, goalsDoc)
			}
		}
	}
	return nil
}

// checkFilterCount bounds the leaves of a query's filters.
func checkFilterCount(f Filter) error {
	n := 0
	walk(f, -1, 0, func(*Leaf, int, int) { n++ })
	if n > MaxFilters {
		return errf("#/filters", "Too many filters: %d; a query may have at most %d", n, MaxFilters)
	}
	return nil
}

// Match reports whether value passes the leaf. For event:goal, value is a
// goal's display name, so the executor resolves goals with it first.
func (l *Leaf) Match(value string) bool {
	var hit bool
	switch l.Op {
	case OpMatches, OpMatchesNot:
		hit = l.re != nil && l.re.MatchString(value)
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
// any of them does; nil unless Op is matches or matches_not and there are
// clauses.
func (l *Leaf) Regexp() *regexp.Regexp { return l.re }
