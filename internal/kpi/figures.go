package kpi

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
)

// Change is what an upload changes, or would change when it is only
// previewed: the figures it adds, those it replaces (with the values they
// had) and those it sends again unchanged.
type Change[T any] struct {
	Added     []T              `json:"added"`
	Replaced  []Replacement[T] `json:"replaced"`
	Unchanged []T              `json:"unchanged"`
}

// Replacement is a stored figure an upload replaces.
type Replacement[T any] struct {
	Old T `json:"old"`
	New T `json:"new"`
}

// Counts is the size of the change, for the API's answer to a save.
func (c *Change[T]) Counts() map[string]int {
	return map[string]int{"added": len(c.Added), "replaced": len(c.Replaced), "unchanged": len(c.Unchanged)}
}

// periodic is a row of an upload or the store that covers a span of days
// for one channel: a transaction figure or a cost.
type periodic interface {
	key() (Channel, span, int) // channel, days, line in the upload (0: stored)
}

// periodName says which stored figure or file line a conflict is with.
type periodName func(ch Channel, s span, line int) string

// checkOverlaps adds a problem for every row of an upload whose days
// overlap another row of the same channel in it, naming the earlier line,
// and returns whether there was none.
func checkOverlaps[T periodic](rows []T, ps *problems, name periodName) bool {
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b T) int {
		ca, sa, _ := a.key()
		cb, sb, _ := b.key()
		return cmp.Or(cmp.Compare(ca, cb), cmp.Compare(sa.First, sb.First))
	})
	ok := true
	var reach T // the row of this channel reaching furthest so far
	for i, r := range sorted {
		ch, s, line := r.key()
		if i > 0 {
			rch, rs, rline := reach.key()
			if rch == ch && s.First <= rs.Last {
				a, b := line, rline
				if a < b {
					a, b = b, a
				}
				if s == rs {
					ps.add(a, 0, "", "This repeats line %d: %s", b, name(ch, s, 0))
				} else {
					ps.add(a, 0, "", "This overlaps line %d: %s", b, name(rch, rs, 0))
				}
				ok = false
				if s.Last <= rs.Last {
					continue
				}
			}
		}
		reach = r
	}
	return ok
}

// byChannel indexes stored rows by channel, each list in day order.
func byChannel[T periodic](stored []T) map[Channel][]T {
	out := map[Channel][]T{}
	for _, r := range stored {
		ch, _, _ := r.key()
		out[ch] = append(out[ch], r)
	}
	for _, list := range out {
		slices.SortFunc(list, func(a, b T) int {
			_, sa, _ := a.key()
			_, sb, _ := b.key()
			return cmp.Compare(sa.First, sb.First)
		})
	}
	return out
}

// storedMatch finds the stored row of the same channel whose days are
// exactly r's (a replacement), or adds a problem for each stored row that
// only overlaps them. Stored rows of one channel never overlap each other.
func storedMatch[T periodic](r T, stored map[Channel][]T, ps *problems, name periodName) (T, bool, bool) {
	var zero T
	ch, s, line := r.key()
	list := stored[ch]
	i := sort.Search(len(list), func(i int) bool { _, ls, _ := list[i].key(); return ls.Last >= s.First })
	ok := true
	for ; i < len(list); i++ {
		_, ls, _ := list[i].key()
		if ls.First > s.Last {
			break
		}
		if ls == s {
			return list[i], true, true
		}
		ps.add(line, 0, "", "This overlaps %s already stored: send the same period again to replace it", name(ch, ls, 0))
		ok = false
	}
	return zero, false, ok
}

// sortProblems puts the problems in line order, the file's own first.
func sortProblems(ps *problems) {
	slices.SortStableFunc(ps.list, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
}

// periodText names a span as the problems do.
func periodText(s span) string {
	switch {
	case s.First == s.Last:
		return "on " + s.First.String()
	case s.isMonth():
		return "for the month " + s.String()
	}
	return fmt.Sprintf("from %s to %s", s.First, s.Last)
}
