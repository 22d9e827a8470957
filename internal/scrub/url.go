package scrub

import "strings"

// scrubURLs replaces the query string and fragment of every http and https
// URL by [query]: "https://example.gov/apply?email=a@b.com#top" becomes
// "https://example.gov/apply?[query]", and a URL with a fragment only keeps
// its "#". They carry whatever a form or a link put there (emails, names,
// tokens), while the host and path only say where the user was.
func scrubURLs(text string) (string, bool) {
	w := rewriter{src: text}
	for i := 0; ; {
		k := strings.Index(text[i:], "://")
		if k < 0 {
			break
		}
		k += i
		end := k + 3
		for end < len(text) && !isSpace(text[end]) && strings.IndexByte("\"<>`", text[end]) < 0 {
			end++
		}
		// A user name and password before the host ("ftp://bob:pw@host"),
		// whatever the scheme.
		if at := userinfoEnd(text[k+3 : end]); at > 0 && text[k+3:k+3+at] != tagLogin {
			w.replace(k+3, k+3+at, tagLogin)
		}
		if isHTTP(text[:k]) {
			if q := strings.IndexAny(text[k+3:end], "?#"); q >= 0 {
				from := k + 3 + q + 1
				// Not "]": it ends the [query] a second pass must see whole.
				to := trimEnd(text, from, end, ".,;:!?'\")}")
				if to > from && text[from:to] != tagQuery {
					w.replace(from, to, tagQuery)
				}
			}
		}
		i = end
	}
	return w.result()
}

// userinfoEnd returns where the user name and password end in an address
// after its "//" (the "@" before the host), or 0 when it has none.
func userinfoEnd(authority string) int {
	if i := strings.IndexAny(authority, "/?#"); i >= 0 {
		authority = authority[:i]
	}
	return strings.LastIndexByte(authority, '@')
}

// isHTTP reports whether before ends with the scheme http or https, in any case.
func isHTTP(before string) bool {
	return len(before) >= 4 && strings.EqualFold(before[len(before)-4:], "http") ||
		len(before) >= 5 && strings.EqualFold(before[len(before)-5:], "https")
}

// trimEnd returns end moved back over any of punct, the punctuation that
// closes a sentence or a bracket around a URL or address rather than
// belonging to it.
func trimEnd(s string, start, end int, punct string) int {
	for end > start && strings.IndexByte(punct, s[end-1]) >= 0 {
		end--
	}
	return end
}

// scrubBareURLs does for addresses written without a scheme, as people
// paste them ("www.example.gov/reset?code=123", "permits.example.gov/a?id=7"),
// what scrubURLs does for the others. An address is a word that starts
// with a host name (labels joined by dots, the last one letters) followed
// by "/" or "?"; "www." marks one even without that, and only there is a
// fragment taken too, so that "see page 3.4?" stays as it is.
func scrubBareURLs(text string) (string, bool) {
	if !strings.ContainsAny(text, "?#") {
		return text, false
	}
	w := rewriter{src: text}
	for i := 0; i < len(text); {
		// The next word holding a "?" or "#".
		k := strings.IndexAny(text[i:], "?#")
		if k < 0 {
			break
		}
		mark := i + k
		start := mark
		for start > i && !isSpace(text[start-1]) && strings.IndexByte("\"<>`", text[start-1]) < 0 {
			start--
		}
		end := mark
		for end < len(text) && !isSpace(text[end]) && strings.IndexByte("\"<>`", text[end]) < 0 {
			end++
		}
		i = end
		for start < mark && strings.IndexByte("('[", text[start]) >= 0 {
			start++
		}
		word := text[start:end]
		www := len(word) >= 4 && strings.EqualFold(word[:4], "www.")
		if strings.Contains(word, "://") || !www && !bareHost(word) {
			continue
		}
		q := strings.IndexAny(word, "?#")
		if !www {
			q = strings.IndexByte(word, '?')
		}
		if q < 0 {
			continue
		}
		from := start + q + 1
		// Not "]": it ends the [query] a second pass must see whole.
		to := trimEnd(text, from, end, ".,;:!?'\")}")
		if to > from && text[from:to] != tagQuery {
			w.replace(from, to, tagQuery)
		}
	}
	return w.result()
}

// bareHost reports whether word starts with a host name and a "/" or "?":
// two or more labels of letters, digits and hyphens joined by dots, the
// last of two or more letters.
func bareHost(word string) bool {
	labels, last := 0, 0
	i := 0
	for ; i < len(word); i++ {
		c := word[i]
		switch {
		case isAlnum(c) || c == '-':
			continue
		case c == '.' && i > last:
			labels++
			last = i + 1
			continue
		}
		break
	}
	if labels == 0 || i == len(word) || word[i] != '/' && word[i] != '?' || i-last < 2 {
		return false
	}
	for j := last; j < i; j++ {
		if !isLetter(word[j]) {
			return false
		}
	}
	return true
}
