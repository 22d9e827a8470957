package scrub

import "strings"

// rewriter builds the scrubbed copy of a text, but only from the first
// replacement on, so text with nothing to scrub costs no allocation.
type rewriter struct {
	src     string
	b       strings.Builder
	last    int // src[:last] is written or replaced
	changed bool
}

// replace writes the text up to start, then tag in place of src[start:end].
func (w *rewriter) replace(start, end int, tag string) {
	if !w.changed {
		w.b.Grow(len(w.src) + len(tag))
		w.changed = true
	}
	w.b.WriteString(w.src[w.last:start])
	w.b.WriteString(tag)
	w.last = end
}

// result returns the rewritten text and whether anything was replaced.
func (w *rewriter) result() (string, bool) {
	if !w.changed {
		return w.src, false
	}
	w.b.WriteString(w.src[w.last:])
	return w.b.String(), true
}
