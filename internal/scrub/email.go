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
// space: a typo does not make an address any less someone's. So are the
// forms that slip past a plain reading: the "@" percent-encoded once or
// more (bob%40example.com, bob%2540example.com, as a link's query string
// leaves it), a quoted local part ("john smith"@example.com), and the
// domains localhost and [192.0.2.1]. "@mention" handles have no local
// part and stay.
func scrubEmails(text string) (string, bool) {
	if strings.IndexByte(text, '@') < 0 && !strings.Contains(text, "%40") && !strings.Contains(text, "%25") {
		return text, false
	}
	w := rewriter{src: text}
	// A loose reading that failed at one "@" fails at every later "@" up to
	// the same white space; remembering that keeps "a@a@a@…" linear.
	noLoose := 0
	for i := 0; ; {
		at, after := nextAt(text, i)
		if at < 0 {
			break
		}
		i = after
		start := localStart(text, w.last, at)
		if start == at {
			start = quotedLocalStart(text, w.last, at)
		}
		if start == at {
			continue
		}
		end := domainEnd(text, after)
		if end == 0 {
			end = ipLiteralEnd(text, after)
		}
		if end == 0 && at >= noLoose {
			var bound int
			end, bound = looseEnd(text, after)
			noLoose = max(noLoose, bound)
		}
		if end > 0 {
			w.replace(start, end, tagEmail)
			i = end
		}
	}
	return w.result()
}

// nextAt returns where the next "@" from s[from] starts and ends: "@"
// itself, or "%40" with any number of "25" after its "%" (the "@" encoded
// once, twice or more). at is -1 when there is none.
func nextAt(s string, from int) (at, after int) {
	for i := from; ; {
		k := strings.IndexAny(s[i:], "@%")
		if k < 0 {
			return -1, 0
		}
		at = i + k
		if s[at] == '@' {
			return at, at + 1
		}
		j := at + 1
		for strings.HasPrefix(s[j:], "25") {
			j += 2
		}
		if strings.HasPrefix(s[j:], "40") {
			return at, j + 2
		}
		i = at + 1
	}
}

// quotedLocalStart returns where a quoted local part ending just before
// s[at] begins ("john smith"@example.com), no earlier than from; at when
// there is none. The quotes hold at most 64 characters on one line.
func quotedLocalStart(s string, from, at int) int {
	if at-from < 3 || s[at-1] != '"' {
		return at
	}
	open := strings.LastIndexByte(s[max(from, at-66):at-1], '"')
	if open < 0 {
		return at
	}
	open += max(from, at-66)
	if open+1 == at-1 || strings.ContainsAny(s[open:at], "\n\r") {
		return at
	}
	return open
}

// ipLiteralEnd returns the end of a domain written as an address in
// brackets at s[from] ("[192.0.2.1]", "[IPv6:2001:db8::1]"), or 0.
func ipLiteralEnd(s string, from int) int {
	if from >= len(s) || s[from] != '[' {
		return 0
	}
	close := strings.IndexByte(s[from:min(len(s), from+48)], ']')
	if close < 3 {
		return 0
	}
	inner := s[from+1 : from+close]
	if len(inner) > 5 && strings.EqualFold(inner[:5], "ipv6:") {
		inner = inner[5:]
	}
	digit := false
	for i := 0; i < len(inner); i++ {
		c := inner[i]
		if !isHex(c) && c != '.' && c != ':' {
			return 0
		}
		digit = digit || isDigit(c)
	}
	if !digit {
		return 0
	}
	return from + close + 1
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
	if end == from || !alnumAt(s, from) {
		return 0
	}
	if strings.IndexByte(s[from:end], '.') < 0 && !strings.EqualFold(s[from:end], "localhost") {
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
