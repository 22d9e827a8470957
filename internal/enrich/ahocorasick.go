package enrich

// acMatcher finds which of many lower-case literals occur in a text in one
// pass (Aho-Corasick, compiled to a DFA). It lets the bot check skip the
// crawler regexps whose required literal is absent, which is nearly all of
// them for a real browser's user agent.
type acMatcher struct {
	class  [256]uint8 // byte -> column; 0 is "a byte no literal uses"
	stride int
	next   []int32   // state*stride + class -> state
	out    [][]int32 // state -> ids of the literals that end here
}

// newACMatcher builds the automaton; lits must be lower case and non-empty.
func newACMatcher(lits []string) *acMatcher {
	m := &acMatcher{}
	n := 1
	for _, l := range lits {
		for i := 0; i < len(l); i++ {
			if m.class[l[i]] == 0 {
				m.class[l[i]] = uint8(n)
				n++
			}
		}
	}
	m.stride = n
	m.next = make([]int32, n, n*64)
	for i := range m.next {
		m.next[i] = -1
	}
	m.out = [][]int32{nil}
	for id, l := range lits {
		s := int32(0)
		for i := 0; i < len(l); i++ {
			c := int(m.class[l[i]])
			t := m.next[int(s)*n+c]
			if t < 0 {
				t = int32(len(m.out))
				m.out = append(m.out, nil)
				for range n {
					m.next = append(m.next, -1)
				}
				m.next[int(s)*n+c] = t
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
		if t := m.next[c]; t > 0 {
			queue = append(queue, t)
		} else {
			m.next[c] = 0
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		m.out[s] = append(m.out[s], m.out[fail[s]]...)
		for c := range n {
			t := m.next[int(s)*n+c]
			f := m.next[int(fail[s])*n+c]
			if t < 0 {
				m.next[int(s)*n+c] = f
				continue
			}
			fail[t] = f
			queue = append(queue, t)
		}
	}
	return m
}

// match calls fn with the id of every literal found in text, compared
// ASCII-case-insensitively; fn returns false to stop.
func (m *acMatcher) match(text string, fn func(id int32) bool) {
	s := int32(0)
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
