package statsquery

import (
	"encoding/json"
	"fmt"
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

// Leaf compares one dimension with a list of clauses. An empty list is
// allowed, as in Plausible: is and contains then match nothing, and their
// _not forms everything.
type Leaf struct {
	Op            Op
	Dimension     Dimension
	Values        []string
	CaseSensitive bool // false only for is, is_not, contains, contains_not

	re        *regexp.Regexp // the clauses of matches and matches_not, joined
	path      string         // JSON pointer to the leaf in the request
	modifiers bool           // the leaf came with a modifiers object
}

// Behavioral is a has_done or has_not_done filter. As in Plausible, it
// keeps the rows (events or visits) of the visits that have (has_done) or
// have not (has_not_done) an event in the query's range passing Filter,
// which only tests event dimensions and holds no further Behavioral.
type Behavioral struct {
	Filter  Filter
	Negated bool // has_not_done
	path    string
}

// Op is the filter's operator as the API names it.
func (b *Behavioral) Op() string {
	if b.Negated {
		return "has_not_done"
	}
	return "has_done"
}

// kindSegment is the pseudo-dimension of Plausible's saved segments,
// which liveops does not have; a filter on it never reaches a Query.
const kindSegment Kind = "segment"

func (*And) isFilter()        {}
func (*Or) isFilter()         {}
func (*Not) isFilter()        {}
func (*Leaf) isFilter()       {}
func (*Behavioral) isFilter() {}

var leafOps = []Op{OpIs, OpIsNot, OpContains, OpContainsNot, OpMatches, OpMatchesNot}

// parseFilters reads the filters. As Plausible's schema does, a filter of
// the wrong shape anywhere in a tree is reported at the top-level filter,
// which the message repeats.
func (p *parser) parseFilters(v any) (Filter, error) {
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
	var bad errList
	for i, e := range list {
		path := "#/filters/" + itoa(i)
		t := filterTree{top: e, bad: errf(path, "Invalid filter %s", inspect(e))}
		f, err := p.parseFilter(t, e, path, 0)
		if err != nil {
			bad.add(err)
			continue
		}
		root.Filters = append(root.Filters, f)
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	return root, nil
}

// filterTree is the top-level filter being read, for error messages.
type filterTree struct {
	top any
	bad error // the schema's answer for a wrong shape anywhere in it
}

func (p *parser) parseFilter(t filterTree, v any, path string, depth int) (Filter, error) {
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		return nil, t.bad
	}
	op, _ := arr[0].(string)
	switch {
	case op == "and" || op == "or":
		if len(arr) != 2 {
			return nil, t.bad
		}
		list, ok := arr[1].([]any)
		if !ok || len(list) == 0 {
			return nil, t.bad
		}
		if depth >= MaxFilterDepth {
			return nil, errf(path, "Filters are nested too deeply; they may be at most %d levels deep", MaxFilterDepth)
		}
		children := make([]Filter, 0, len(list))
		for i, e := range list {
			f, err := p.parseFilter(t, e, path+"/1/"+itoa(i), depth+1)
			if err != nil {
				return nil, err
			}
			children = append(children, f)
		}
		if op == "and" {
			return &And{Filters: children}, nil
		}
		return &Or{Filters: children}, nil
	case op == "not" || op == "has_done" || op == "has_not_done":
		if len(arr) != 2 {
			return nil, t.bad
		}
		if depth >= MaxFilterDepth {
			return nil, errf(path, "Filters are nested too deeply; they may be at most %d levels deep", MaxFilterDepth)
		}
		f, err := p.parseFilter(t, arr[1], path+"/1", depth+1)
		if err != nil {
			return nil, err
		}
		if op == "not" {
			return &Not{Filter: f}, nil
		}
		return &Behavioral{Filter: f, Negated: op == "has_not_done", path: path}, nil
	case slices.Contains(leafOps, Op(op)):
		return p.parseLeaf(t, arr, path)
	}
	// Unknown operators, and Plausible's internal matches_wildcard.
	return nil, t.bad
}

func (p *parser) parseLeaf(t filterTree, arr []any, path string) (*Leaf, error) {
	l := &Leaf{Op: Op(arr[0].(string)), CaseSensitive: true, path: path}
	pattern := l.Op == OpMatches || l.Op == OpMatchesNot
	if len(arr) != 3 && (len(arr) != 4 || pattern) {
		return nil, t.bad // modifiers are not for patterns: write (?i) instead
	}
	list, ok := arr[2].([]any)
	if !ok {
		return nil, t.bad
	}
	strs := true
	for _, e := range list {
		switch typeName(e) {
		case "String":
		case "Integer":
			strs = false
		default:
			return nil, t.bad
		}
	}
	name, _ := arr[1].(string)
	if name == string(kindSegment) {
		return p.parseSegment(t, l, arr, list)
	}
	d, ok, err := lookupDimension(name, path+"/1")
	if err != nil {
		// Valid in Plausible: said once the schema checks pass.
		_ = p.keep(err)
		ok, d = true, Dimension{Kind: Kind(name)}
	}
	switch {
	case !ok || d.IsTime():
		return nil, t.bad
	case d.Kind == KindGoal && l.Op != OpIs && l.Op != OpContains:
		return nil, t.bad
	}
	l.Dimension = d
	if len(arr) == 4 {
		if err := l.parseModifiers(t, arr[3]); err != nil {
			return nil, err
		}
	}
	ints := !slices.ContainsFunc(list, func(e any) bool { return typeName(e) != "Integer" })
	if !strs && (name != "visit:city" || !ints) {
		// Only cities, by their GeoNames id, are numbers.
		_ = p.keep(invalidf(path, "Invalid filter '%s'.", inspect(arr)))
		return l, nil
	}
	for i, e := range list {
		s := fmt.Sprint(e)
		// "(not set)" names visits with no known country, as the
		// dashboard's Countries panel shows and links them.
		if d.Kind == KindCountry && (l.Op == OpIs || l.Op == OpIsNot) && utf8.RuneCountInString(s) != 2 && s != "(not set)" {
			_ = p.keep(invalidf(path+"/2/"+itoa(i), "Invalid visit:country filter, visit:country needs to be a valid 2-letter country code."))
		}
		l.Values = append(l.Values, s)
	}
	if pattern {
		if err := l.compile(); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// parseSegment reads a filter on Plausible's saved segments, which only
// take "is" and a list of segment ids.
func (p *parser) parseSegment(t filterTree, l *Leaf, arr, list []any) (*Leaf, error) {
	if l.Op != OpIs || len(arr) != 3 {
		return nil, t.bad
	}
	l.Dimension = Dimension{Kind: kindSegment}
	for _, e := range list {
		if typeName(e) != "Integer" {
			_ = p.keep(invalidf(l.path, "Invalid filter '%s'.", inspect(arr)))
			return l, nil
		}
		l.Values = append(l.Values, e.(json.Number).String())
	}
	return l, nil
}

// compile checks each pattern and keeps them joined into one, which
// matches exactly when one of them does.
func (l *Leaf) compile() error {
	if len(l.Values) == 0 {
		return nil // nothing matches
	}
	for i, p := range l.Values {
		field := l.path + "/2/" + itoa(i)
		if len(p) > MaxPattern {
			return errf(field, "Regular expression is too long: %d bytes; it may be at most %d", len(p), MaxPattern)
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

func (l *Leaf) parseModifiers(t filterTree, v any) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return t.bad
	}
	for k, v := range obj {
		b, ok := v.(bool)
		if k != "case_sensitive" || !ok {
			return t.bad
		}
		l.CaseSensitive = b
	}
	l.modifiers = true
	return nil
}
