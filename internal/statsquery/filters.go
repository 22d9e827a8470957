package statsquery

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Op is a filter operator on one dimension.
type Op string

// The filter operators. A leaf passes when any clause matches; the _not
// forms pass when none does. Matches clauses are RE2 regular expressions,
// unanchored, as in Plausible (which runs them in ClickHouse's re2).
const (
	OpIs          Op = "is"
	OpIsNot       Op = "is_not"
	OpContains    Op = "contains"
	OpContainsNot Op = "contains_not"
	OpMatches     Op = "matches"
	OpMatchesNot  Op = "matches_not"
)

// Limits on filters, so one request cannot make the parser or the store
// work without bound.
const (
	MaxFilterDepth = 16   // nested and/or/not levels
	MaxPattern     = 1024 // bytes in one regular expression
)

// Filter is a node of the filter tree: *And, *Or, *Not or *Leaf.
type Filter interface{ isFilter() }

// And passes when all its filters pass.
type And struct{ Filters []Filter }

// Or passes when any of its filters passes.
type Or struct{ Filters []Filter }

// Not passes when its filter does not.
type Not struct{ Filter Filter }

// Leaf compares one dimension with a list of clauses.
type Leaf struct {
	Op            Op
	Dimension     Dimension
	Values        []string
	CaseSensitive bool // false only for is, is_not, contains, contains_not

	re   *regexp.Regexp // the clauses of matches and matches_not, joined
	path string         // JSON pointer to the leaf in the request
}

func (*And) isFilter()  {}
func (*Or) isFilter()   {}
func (*Not) isFilter()  {}
func (*Leaf) isFilter() {}

var (
	leafOps         = []Op{OpIs, OpIsNot, OpContains, OpContainsNot, OpMatches, OpMatchesNot}
	plausibleOnlyOp = []string{"matches_wildcard", "matches_wildcard_not", "has_done", "has_not_done"}
)

func parseFilters(v any) (Filter, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, typeErr("#/filters", "Array", v)
	}
	if len(list) == 0 {
		return nil, nil
	}
	root := &And{}
	for i, e := range list {
		f, err := parseFilter(e, "#/filters/"+itoa(i), 0)
		if err != nil {
			return nil, err
		}
		root.Filters = append(root.Filters, f)
	}
	return root, nil
}

func parseFilter(v any, path string, depth int) (Filter, error) {
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		return nil, errf(path, "Invalid filter %s: expected an array starting with an operator", inspect(v))
	}
	op, _ := arr[0].(string)
	switch {
	case op == "and" || op == "or":
		if len(arr) != 2 {
			return nil, errf(path, "Invalid filter %s: %s takes one array of filters", inspect(v), quote(op))
		}
		list, ok := arr[1].([]any)
		if !ok || len(list) == 0 {
			return nil, errf(path+"/1", "Expected a non-empty array of filters")
		}
		if depth >= MaxFilterDepth {
			return nil, errf(path, "Filters are nested too deeply; the most is %d levels", MaxFilterDepth)
		}
		children := make([]Filter, 0, len(list))
		for i, e := range list {
			f, err := parseFilter(e, path+"/1/"+itoa(i), depth+1)
			if err != nil {
				return nil, err
			}
			children = append(children, f)
		}
		if op == "and" {
			return &And{Filters: children}, nil
		}
		return &Or{Filters: children}, nil
	case op == "not":
		if len(arr) != 2 {
			return nil, errf(path, "Invalid filter %s: \"not\" takes one filter", inspect(v))
		}
		if depth >= MaxFilterDepth {
			return nil, errf(path, "Filters are nested too deeply; the most is %d levels", MaxFilterDepth)
		}
		f, err := parseFilter(arr[1], path+"/1", depth+1)
		if err != nil {
			return nil, err
		}
		return &Not{Filter: f}, nil
	case slices.Contains(leafOps, Op(op)):
		return parseLeaf(arr, path)
	case slices.Contains(plausibleOnlyOp, op):
		return nil, errf(path+"/0", "Filter operator %s is not supported by liveops", quote(op))
	}
	return nil, errf(path+"/0", "Unknown filter operator %s", inspect(arr[0]))
}

func parseLeaf(arr []any, path string) (*Leaf, error) {
	if len(arr) != 3 && len(arr) != 4 {
		return nil, errf(path, "Invalid filter %s: expected [operator, dimension, clauses] and optional modifiers", inspect(arr))
	}
	l := &Leaf{Op: Op(arr[0].(string)), CaseSensitive: true, path: path}
	name, _ := arr[1].(string)
	d, ok, err := lookupDimension(name, path+"/1")
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, errf(path+"/1", "Invalid filter dimension %s", inspect(arr[1]))
	case d.IsTime():
		return nil, errf(path+"/1", "Time dimensions cannot be filtered on; set date_range instead")
	case d.Kind == KindGoal && l.Op != OpIs && l.Op != OpContains:
		return nil, errf(path+"/0", "Only the is and contains operators can be used with event:goal")
	}
	l.Dimension = d

	list, ok := arr[2].([]any)
	if !ok || len(list) == 0 {
		return nil, errf(path+"/2", "Clauses must be a non-empty array of strings")
	}
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, errf(path+"/2/"+itoa(i), "Clauses must be a non-empty array of strings")
		}
		if d.Kind == KindCountry && (l.Op == OpIs || l.Op == OpIsNot) && utf8.RuneCountInString(s) != 2 {
			return nil, errf(path+"/2/"+itoa(i), "Invalid visit:country filter, visit:country needs to be a valid 2-letter country code.")
		}
		l.Values = append(l.Values, s)
	}
	if l.Op == OpMatches || l.Op == OpMatchesNot {
		if err := l.compile(); err != nil {
			return nil, err
		}
	}
	if len(arr) == 4 {
		if err := l.parseModifiers(arr[3]); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// compile checks each pattern and keeps them joined into one, which
// matches exactly when one of them does.
func (l *Leaf) compile() error {
	for i, p := range l.Values {
		field := l.path + "/2/" + itoa(i)
		if len(p) > MaxPattern {
			return errf(field, "Regular expression is too long: %d bytes; the most is %d", len(p), MaxPattern)
		}
		if _, err := regexp.Compile(p); err != nil {
			return errf(field, "Invalid regular expression %s: %v", quote(p), err)
		}
	}
	re, err := regexp.Compile("(?:" + strings.Join(l.Values, ")|(?:") + ")")
	if err != nil {
		return errf(l.path+"/2", "Invalid regular expressions: %v", err)
	}
	l.re = re
	return nil
}

func (l *Leaf) parseModifiers(v any) error {
	field := l.path + "/3"
	obj, ok := v.(map[string]any)
	if !ok {
		return typeErr(field, "Object", v)
	}
	if l.Op == OpMatches || l.Op == OpMatchesNot {
		return errf(field, "Modifiers cannot be used with the %s operator; write (?i) in the pattern instead", l.Op)
	}
	for _, k := range sortedKeys(obj) {
		if k != "case_sensitive" {
			return errf(field+"/"+pointerEscape(k), "Schema does not allow additional properties.")
		}
		b, ok := obj[k].(bool)
		if !ok {
			return typeErr(field+"/case_sensitive", "Boolean", obj[k])
		}
		l.CaseSensitive = b
	}
	return nil
}
