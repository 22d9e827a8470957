package enrich

import "fmt"

// acMatcher finds which of many lower-case literals occur in a text in one
// pass (Aho-Corasick, compiled to a DFA). It lets the bot check skip the
// crawler regexps whose required literal is absent, which is nearly all of
// them for a real browser's user agent.
type acMatcher struct {
	class  [256]uint8 // byte -> column; 0 is "a byte no literal uses"
	stride int
	next   []uint16  // state*stride + class -> state
	out    [][]int32 // state -> ids of the literals that end here
}

// newACMatcher builds the automaton; lits must be lower case and non-empty.
// States are uint16 to halve the table (~1.3 MB for the crawler list, whose
// 1,500 patterns need ~14,000 states); it fails past 65,536 states.
func newACMatcher(lits []string) (*acMatcher, error) {
	m := &acMatcher{}
	n := 1
	for _, l := range lits {
		for i := 0; i < len(l); i++ {
			if m.class[l[i]] == 0 {
				if n == 256 {
					return nil, fmt.Errorf("aho-corasick: too many distinct bytes")
				}
				m.class[l[i]] = uint8(n)
				n++
			}
		}
	}
	m.stride = n
	states := 1
	for _, l := range lits {
		states += len(l)
	}
	// Sized for the worst case (no shared prefixes) so it is allocated once.
	next := make([]int32, states*n)
	for i := range next {
		next[i] = -1
	}
	m.out = make([][]int32, 1, states)
	for id, l := range lits {
		s := int32(0)
		for i := 0; i < len(l); i++ {
			c := int(m.class[l[i]])
			t := next[int(s)*n+c]
			if t < 0 {
				t = int32(len(m.out))
				m.out = append(m.out, nil)
				next[int(s)*n+c] = t
			}
			s = t
		}
		m.out[s] = append(m.out[s], int32(id))
	}
	// Breadth first: fill the missing transitions from the failure state, so
	// that matching is one table lookup per byte.
	fail := make([]int32, len(m.out))
	queue := make([]int32, 0, len(m.out))
	for c := range n {
		if t := next[c]; t > 0 {
			queue = append(queue, t)
		} else {
			next[c] = 0
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		m.out[s] = append(m.out[s], m.out[fail[s]]...)
		for c := range n {
			t := next[int(s)*n+c]
			f := next[int(fail[s])*n+c]
			if t < 0 {
				next[int(s)*n+c] = f
				continue
			}
			fail[t] = f
			queue = append(queue, t)
		}
	}
	if len(m.out) > 1<<16 {
		return nil, fmt.Errorf("aho-corasick: %d states", len(m.out))
	}
	m.next = make([]uint16, len(m.out)*n)
	for i := range m.next {
		m.next[i] = uint16(next[i])
	}
	return m, nil
}

// match calls fn with the id of every literal found in text, compared
// ASCII-case-insensitively; fn returns false to stop.
func (m *acMatcher) match(text string, fn func(id int32) bool) {
	s := uint16(0)
	for i := 0; i < len(text); i++ {
		b := text[i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		s = m.next[int(s)*m.stride+int(m.class[b])]
		for _, id := range m.out[s] {
			if !fn(id) {
				return
			}
		}
	}
}
