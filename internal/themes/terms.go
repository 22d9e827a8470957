package themes

import (
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"
)

// minThemeLen is the fewest letters and digits a theme word has.
const minThemeLen = 3

// Terms lists the distinct themes text mentions, in the order they first
// appear: its theme words, and its phrases of two theme words next to each
// other in Normalize(text). A theme word is a word of Normalize(text) that is
// not a stop word, has at least three letters and digits, and at least one
// letter: "card", "p60" and "2fa" are theme words; "the", "couldnt", "gp",
// "404" and "4g" are not.
//
// A word that is not a theme word breaks a phrase: "pay for parking" gives the
// words "pay" and "parking" and no phrase; "card payment failed" gives "card
// payment" and "payment failed" as well as its three words. A word repeated
// ("card card") is no phrase. Phrases run across punctuation and dropped tags,
// as the words are adjacent in the normalised text the inbox filters on.
//
// For every term of Terms(text), Mentions(Normalize(text), term) is true; and
// any other theme word, or phrase of two different theme words, is one that
// Normalize(text) does not mention. So a count of the texts whose Terms hold a
// theme is the count of the texts the inbox's filter returns for it.
func Terms(text string) []string {
	var list []string
	seen := make(map[string]bool)
	for term := range terms(Normalize(text)) {
		if !seen[term] {
			seen[term] = true
			list = append(list, term)
		}
	}
	return list
}

// terms yields each theme word and phrase of normalized, a result of
// Normalize, as often as it occurs, with whether it is a phrase. The terms
// are substrings of normalized.
func terms(normalized string) iter.Seq2[string, bool] {
	return func(yield func(string, bool) bool) {
		prev := -1 // start of the previous word when it was a theme word
		for i := 1; i < len(normalized); {
			end := i + strings.IndexByte(normalized[i:], ' ')
			if !themeWord(normalized[i:end]) {
				prev = -1
			} else {
				if !yield(normalized[i:end], false) {
					return
				}
				// "card card" is no phrase: a repeated word says nothing more.
				if prev >= 0 && normalized[prev:i-1] != normalized[i:end] && !yield(normalized[prev:end], true) {
					return
				}
				prev = i
			}
			i = end + 1
		}
	}
}

// themeWord reports whether a word of a normalised text may be a theme, alone
// or in a phrase.
func themeWord(w string) bool {
	if len(w) < minThemeLen {
		return false
	}
	n, letter := 0, false
	for i := 0; i < len(w); {
		if c := w[i]; c < utf8.RuneSelf {
			n++
			letter = letter || 'a' <= c
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(w[i:])
		i += size
		if !unicode.IsMark(r) {
			n++
			letter = letter || unicode.IsLetter(r)
		}
	}
	if n < minThemeLen || !letter {
		return false
	}
	_, stop := stopWords[w]
	return !stop
}
