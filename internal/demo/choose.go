package demo

import (
	"math/rand/v2"
	"sort"
)

// weighted is a value and how often it is drawn relative to the others.
type weighted[T any] struct {
	w int
	v T
}

// chooser draws values in proportion to their weights.
type chooser[T any] struct {
	cum  []int // running totals of the weights
	vals []T
}

func newChooser[T any](items []weighted[T]) *chooser[T] {
	c := &chooser[T]{}
	total := 0
	for _, it := range items {
		if it.w <= 0 {
			continue
		}
		total += it.w
		c.cum = append(c.cum, total)
		c.vals = append(c.vals, it.v)
	}
	return c
}

// hours is a chooser of the hour of the day from 24 weights.
func hours(ws [24]int) *chooser[int] {
	items := make([]weighted[int], 24)
	for h, w := range ws {
		items[h] = weighted[int]{w, h}
	}
	return newChooser(items)
}

func (c *chooser[T]) pick(r *rand.Rand) T {
	x := r.IntN(c.cum[len(c.cum)-1])
	return c.vals[sort.SearchInts(c.cum, x+1)]
}
