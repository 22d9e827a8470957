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
// paste them ("www.example.gov/reset?code=123"), what scrubURLs does for
// the others. Only "www." at the start of a word marks one: a bare
// "example.gov/a?b" is too like ordinary text to be sure of.
func scrubBareURLs(text string) (string, bool) {
	w := rewriter{src: text}
	for i := 0; ; {
		k := strings.Index(text[i:], "www.")
		if k < 0 {
			break
		}
		k += i
		end := k + 4
		for end < len(text) && !isSpace(text[end]) && strings.IndexByte("\"<>`", text[end]) < 0 {
			end++
		}
		if k == 0 || isSpace(text[k-1]) || strings.IndexByte("(\"'<[", text[k-1]) >= 0 {
			if q := strings.IndexAny(text[k:end], "?#"); q >= 0 {
				from := k + q + 1
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
