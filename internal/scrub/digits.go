package scrub

// maxGroups bounds how much of a written number is read. The longest shape,
// a French number in international form (+33 1 23 45 67 89), has six groups.
const maxGroups = 8

// A group is one run of digits in a written number: "020", "(555)".
type group struct {
	start, end int  // the digits, without parentheses
	next       int  // just past the group and its closing parenthesis
	sep        byte // what joins it to the group before: ' ', '-', '.', or 0 (first, or touching a parenthesis)
	paren      bool
}

func (g group) len() int { return g.end - g.start }

// number is a written number split into groups, read from where a shape
// may begin. Every digit-based shape (card, SSN, IRD, phone) is decided on
// the same reading, so they agree on where a number ends.
type number struct {
	plus bool // written with a leading "+"
	g    [maxGroups]group
	n    int
}

// read reads the number at s[i]. The groups are joined by one space, dash
// or dot, or touch where a parenthesis opens or closes, as in "+44(0)20".
func (num *number) read(s string, i int) {
	if s[i] == '+' {
		num.plus = true
		i++
	}
	var sep byte
	for num.n < maxGroups {
		g := group{sep: sep}
		j := i
		if j < len(s) && s[j] == '(' {
			g.paren = true
			j++
		}
		g.start = j
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		g.end = j
		if g.end == g.start || g.paren && (j == len(s) || s[j] != ')') {
			break
		}
		if g.paren {
			j++
		}
		g.next = j
		num.g[num.n] = g
		num.n++
		switch {
		case j+1 < len(s) && (s[j] == ' ' || s[j] == '-' || s[j] == '.') && (isDigit(s[j+1]) || s[j+1] == '('):
			sep, i = s[j], j+1
		case j < len(s) && (g.paren && isDigit(s[j]) || s[j] == '('):
			sep, i = 0, j
		default:
			return
		}
	}
}

// digits appends the digits of groups from..to (inclusive) to dst, up to
// cap(dst); ok is false when they do not fit.
func (num *number) digits(s string, dst []byte, from, to int) (d []byte, ok bool) {
	for k := from; k <= to; k++ {
		g := num.g[k]
		if len(dst)+g.len() > cap(dst) {
			return dst, false
		}
		dst = append(dst, s[g.start:g.end]...)
	}
	return dst, true
}

// endsAt reports whether a shape made of the groups up to k may end there:
// not inside a word, and not where a dash, dot or parenthesis joins on more
// digits, as in a date or a longer reference. A space may separate two
// numbers, so a shape may end before one.
func (num *number) endsAt(s string, k int) bool {
	if k+1 < num.n {
		return num.g[k+1].sep == ' '
	}
	e := num.g[k].next
	if alnumAt(s, e) {
		return false
	}
	return e+1 >= len(s) || s[e] != '-' && s[e] != '.' || !isDigit(s[e+1])
}

// numberStart reports whether a shape other than a card may begin at s[i]:
// not inside a word or after the dot, dash, colon, comma or slash of a
// longer number ("v2.10", "2026-11-23", "1,234", "14:30").
func numberStart(s string, i int) bool {
	if i == 0 {
		return true
	}
	switch s[i-1] {
	case '+':
		return false
	case '.', '-', ',', ':', '/':
		return i < 2 || !isDigit(s[i-2])
	}
	return !alnumBefore(s, i)
}
