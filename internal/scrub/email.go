package scrub

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// scrubEmails replaces email addresses by [email]. An address is a local
// part, "@" and a domain with a dot: bob@example.com, josé@bücher.de,
// Bob.Smith+tag@mail.example.co.uk. Text shaped like an address but garbled
// ("bob@gmail,.com", "a@b@c.uk") is replaced too, up to the next white
// space: a typo does not make an address any less someone's. "@mention"
// handles have no local part and stay.
func scrubEmails(text string) (string, bool) {
	if strings.IndexByte(text, '@') < 0 {
		return text, false
	}
	w := rewriter{src: text}
	// A loose reading that failed at one "@" fails at every later "@" up to
	// the same white space; remembering that keeps "a@a@a@…" linear.
	noLoose := 0
	for i := 0; ; {
		k := strings.IndexByte(text[i:], '@')
		if k < 0 {
			break
		}
		at := i + k
		i = at + 1
		start := localStart(text, w.last, at)
		if start == at {
			continue
		}
		end := domainEnd(text, at+1)
		if end == 0 && at >= noLoose {
			var bound int
			end, bound = looseEnd(text, at+1)
			noLoose = max(noLoose, bound)
		}
		if end > 0 {
			w.replace(start, end, tagEmail)
			i = end
		}
	}
	return w.result()
}

// localStart returns where the local part before s[at] begins, no earlier
// than from; at when there is none.
func localStart(s string, from, at int) int {
	start, alnum := at, false
	for start > from {
		if c := s[start-1]; c < utf8.RuneSelf {
			if !isAlnum(c) && strings.IndexByte("._%+-'", c) < 0 {
				break
			}
			alnum = alnum || isAlnum(c)
			start--
			continue
		}
		r, n := utf8.DecodeLastRuneInString(s[from:start])
		if !isWordRune(r) {
			break
		}
		alnum = true
		start -= n
	}
	if !alnum {
		return at
	}
	// Quotes and dots before an address belong to the sentence: 'bob@x.com'.
	for s[start] == '.' || s[start] == '\'' {
		start++
	}
	return start
}

// domainEnd returns the end of the domain starting at s[from], or 0 when
// there is none with a dot.
func domainEnd(s string, from int) int {
	end := from
	for end < len(s) {
		if c := s[end]; c < utf8.RuneSelf {
			if !isAlnum(c) && c != '-' && c != '_' && c != '.' {
				break
			}
			end++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[end:])
		if !isWordRune(r) {
			break
		}
		end += n
	}
	end = trimEnd(s, from, end, ".-_")
	if end == from || !alnumAt(s, from) || strings.IndexByte(s[from:end], '.') < 0 {
		return 0
	}
	return end
}

// looseEnd reads what follows an "@" up to the next white space as an
// address if it starts with a letter or digit and holds a dot followed by a
// word character. It returns the end of the address, or 0 and, when the
// rest of the run was searched in vain, where the run ends.
func looseEnd(s string, from int) (end, searched int) {
	if !alnumAt(s, from) {
		return 0, 0
	}
	run := from
	for run < len(s) && !isSpace(s[run]) {
		run++
	}
	for p := from + 1; p+1 < run; p++ {
		if s[p] == '.' && (isAlnum(s[p+1]) || s[p+1] == '_') {
			return trimEnd(s, from, run, ".,;:!?)]}>'\""), 0
		}
	}
	return 0, run
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }
