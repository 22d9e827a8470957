package goals

import (
	"context"
	"fmt"
	"strings"

	"github.com/liveops/liveops/internal/store"
)

// Resolved is a goal as ids into analytics_strings, the dictionary that
// analytics_events refers to: an event completes the goal when its name is
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

// Resolve turns goals into the string ids their events carry, for queries
// over analytics_events. Exact names and paths are looked up by value; a
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
	ids := map[string]int64{}
	values := make([]any, 0, len(exact))
	for v := range exact {
		values = append(values, v)
	}
	if err := g.readStrings(ctx, ids, `SELECT id, value FROM analytics_strings WHERE value IN (`+store.Placeholders(1, len(values))+`)`, values...); err != nil {
		return nil, err
	}
	for p := range prefixes {
		if err := g.readPrefix(ctx, ids, p); err != nil {
			return nil, err
		}
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

// readPrefix adds the strings that start with prefix to ids. The range
// [prefix, prefix+U+10FFFF) holds every such string bar those continuing
// with that unassigned code point; it uses the UNIQUE index on SQLite (whose
// comparison is by bytes) and, compared in the "C" collation, scans the
// table on PostgreSQL, whose default collations do not order by bytes.
func (g *Goals) readPrefix(ctx context.Context, ids map[string]int64, prefix string) error {
	q := `SELECT id, value FROM analytics_strings WHERE value >= $1 AND value < $2`
	if g.db.Dialect() == store.Postgres {
		q = `SELECT id, value FROM analytics_strings WHERE value COLLATE "C" >= $1 AND value COLLATE "C" < $2`
	}
	return g.readStrings(ctx, ids, q, prefix, prefix+"\U0010FFFF")
}

func (g *Goals) readStrings(ctx context.Context, ids map[string]int64, q string, args ...any) error {
	rows, err := g.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("look up goal strings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return fmt.Errorf("look up goal strings: %w", err)
		}
		ids[v] = id
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look up goal strings: %w", err)
	}
	return nil
}
