package goals

import (
	"context"
	"fmt"
	"maps"
	"strings"
)

// Resolved is a goal as ids into the analytics string dictionary, which
// the raw events refer to (see analytics.EventStore): an event completes the goal when its name is
// Name and, for a page-view goal, its page is one of Pages. Name 0 means
// no event has ever carried the name, so nothing completes the goal yet.
type Resolved struct {
	Goal  Goal
	Name  int64
	Pages map[int64]bool // page-view goals: every stored page the pattern matches; nil for event goals
}

// Has reports whether an event with these string ids completes the goal.
func (r *Resolved) Has(name, page int64) bool {
	if r.Name == 0 || name != r.Name {
		return false
	}
	return r.Pages == nil || r.Pages[page]
}

// Resolve turns goals into the string ids their events carry, for reads
// of the raw events. Exact names and paths are looked up by value; a
// wildcard pattern reads the strings that start with its literal prefix
// (every page starts with "/", so "/**" reads every page ever stored) and
// keeps those MatchPath accepts.
func (g *Goals) Resolve(ctx context.Context, goals []Goal) ([]Resolved, error) {
	exact := map[string]bool{pageviewName: true}
	prefixes := map[string]bool{}
	for _, gl := range goals {
		switch {
		case gl.Kind == KindEvent:
			exact[gl.EventName] = true
		case literalPrefix(gl.PagePath) == gl.PagePath:
			exact[gl.PagePath] = true
		default:
			prefixes[literalPrefix(gl.PagePath)] = true
		}
	}
	values := make([]string, 0, len(exact))
	for v := range exact {
		values = append(values, v)
	}
	ids, err := g.events.StringIDs(ctx, values)
	if err != nil {
		return nil, fmt.Errorf("look up goal strings: %w", err)
	}
	for p := range prefixes {
		more, err := g.events.StringsWithPrefix(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("look up goal strings: %w", err)
		}
		maps.Copy(ids, more)
	}
	out := make([]Resolved, len(goals))
	for i, gl := range goals {
		r := Resolved{Goal: gl}
		if gl.Kind == KindEvent {
			r.Name = ids[gl.EventName]
		} else {
			r.Name = ids[pageviewName]
			r.Pages = map[int64]bool{}
			prefix := literalPrefix(gl.PagePath)
			for v, id := range ids {
				if strings.HasPrefix(v, prefix) && MatchPath(gl.PagePath, v) {
					r.Pages[id] = true
				}
			}
		}
		out[i] = r
	}
	return out, nil
}
