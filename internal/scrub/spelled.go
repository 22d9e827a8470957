package scrub

import "strings"

// scrubSpelledEmails replaces addresses written out to dodge harvesters:
// "bob (at) example.com", "bob [at] example [dot] gov [dot] uk",
// "bob{at}example(dot)com". The "at" and any "dot" must be in brackets;
// "meet at example dot com" is left, as it is too like a sentence.
func scrubSpelledEmails(text string) (string, bool) {
	if !strings.ContainsAny(text, "([{<") {
		return text, false
	}
	w := rewriter{src: text}
	for i := 0; i < len(text); {
		k := strings.IndexAny(text[i:], "([{<")
		if k < 0 {
			break
		}
		open := i + k
		i = open + 1
		after := spelledWord(text, open, "at")
		if after == 0 {
			continue
		}
		before := open
		for before > w.last && text[before-1] == ' ' {
			before--
		}
		start := localStart(text, w.last, before)
		if start == before {
			continue
		}
		if end := spelledDomainEnd(text, after); end > 0 {
			w.replace(start, end, tagEmail)
			i = end
		}
	}
	return w.result()
}

// spelledWord returns the end of word in brackets at s[open] ("(at)",
// "[ dot ]"), in any case, or 0.
func spelledWord(s string, open int, word string) int {
	closer := s[open] + 1 // ")" follows "(" in ASCII
	if s[open] != '(' {
		closer = s[open] + 2 // "]", "}" and ">" follow "[", "{" and "<" by two
	}
	j := open + 1
	for j < len(s) && s[j] == ' ' {
		j++
	}
	if len(s)-j < len(word) || !strings.EqualFold(s[j:j+len(word)], word) {
		return 0
	}
	j += len(word)
	for j < len(s) && s[j] == ' ' {
		j++
	}
	if j >= len(s) || s[j] != closer {
		return 0
	}
	return j + 1
}

// spelledDomainEnd returns the end of a domain at s[from] whose dots may be
// written "(dot)", with spaces around the words, or 0: two or more labels,
// the last of two or more letters.
func spelledDomainEnd(s string, from int) int {
	skip := func(j int) int {
		for j < len(s) && s[j] == ' ' {
			j++
		}
		return j
	}
	j := skip(from)
	labels, end := 0, 0
	for {
		start := j
		for j < len(s) && (isAlnum(s[j]) || s[j] == '-') {
			j++
		}
		if j == start {
			break
		}
		labels++
		if labels >= 2 && j-start >= 2 && allLetters(s[start:j]) {
			end = j
		}
		// The dot: ".", or a bracketed "dot" with spaces around it.
		if j < len(s) && s[j] == '.' && alnumAt(s, j+1) {
			j++
			continue
		}
		k := skip(j)
		if k < len(s) && strings.IndexByte("([{<", s[k]) >= 0 {
			if d := spelledWord(s, k, "dot"); d > 0 {
				j = skip(d)
				continue
			}
		}
		break
	}
	return end
}

func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) {
			return false
		}
	}
	return true
}
