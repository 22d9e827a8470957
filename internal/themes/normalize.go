// Package themes finds the themes of feedback free text: the words and
// two-word phrases that most comments in a period mention.
//
// A theme is counted in comments, not occurrences, and "this comment mentions
// this theme" is a plain substring test on the comment's normalised text, so
// the inbox can show the comments behind a theme with a database filter that
// returns exactly as many rows as the theme's count:
//
//	-- at write time: normalized = themes.Normalize(text)
//	WHERE normalized LIKE '% ' || $1 || ' %'
//
// Themes contain only letters, digits, combining marks and single spaces, so
// they never hold a LIKE wildcard (% or _) or an escape character.
package themes

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize is the form of a text in which themes are looked for and which the
// inbox stores to filter comments by theme. It lowercases text and keeps only
// its words — runs of letters and digits, Unicode-aware ("whānau", "café" and
// "über" stay whole) — each with one space before it, and one space after the
// last: "I couldn't pay by card!" is " i couldnt pay by card ".
//
// Apostrophes are dropped rather than splitting a word ("couldn't" is
// "couldnt"); hyphens and every other punctuation mark, symbol and emoji
// separate words ("sign-in" is "sign in"). A scrubber tag, a bracketed run of
// letters, digits, hyphens and underscores such as "[email]" or
// "[case_ref2]", is dropped whole, so it never becomes a theme. Combining marks are kept inside a word,
// but text is not brought to one Unicode normal form: a word typed with a
// combining accent differs from the same word with a precomposed one.
//
// A text with no words, such as "" or "!!! 👍", normalises to "". Normalize is
// idempotent: Normalize(Normalize(s)) == Normalize(s).
func Normalize(text string) string {
	var dst strings.Builder
	dst.Grow(len(text) + 2)
	inWord := false
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case c == '\'':
				i++
				continue
			case c == '[':
				inWord = false
				i += max(tagLen(text[i:]), 1)
				continue
			default:
				inWord = false
				i++
				continue
			}
			if !inWord {
				dst.WriteByte(' ')
				inWord = true
			}
			dst.WriteByte(c)
			i++
			continue
		}

		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch lr := unicode.ToLower(r); {
		case ignorable(r):
		case unicode.IsLetter(lr) || unicode.IsDigit(lr):
			if !inWord {
				dst.WriteByte(' ')
				inWord = true
			}
			dst.WriteRune(lr)
		case unicode.IsMark(lr) && inWord:
			dst.WriteRune(lr)
		default:
			inWord = false
		}
	}
	if dst.Len() > 0 {
		dst.WriteByte(' ')
	}
	return dst.String()
}

// ignorable reports whether r is dropped without ending a word: apostrophes,
// which join "couldn't" into "couldnt", and invisible characters such as a
// soft hyphen or an emoji variation selector, which should not split a word.
func ignorable(r rune) bool {
	switch {
	case r == '’' || r == '‘' || r == 'ʼ' || r == '＇':
		return true
	case r == '\u200b': // zero width space separates words in Thai and Khmer
		return false
	case 0xfe00 <= r && r <= 0xfe0f, 0xe0100 <= r && r <= 0xe01ef:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// tagLen is the length of the scrubber tag at the start of s, such as
// "[email]" or "[case_ref2]", or 0 when s does not start with one. Tags are
// named like a service's own scrubber rules (see feedback.AddRule): letters,
// digits, hyphens and underscores.
func tagLen(s string) int {
	i := 1
	for i < len(s) {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if r != '-' && r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		i += size
	}
	if i > 1 && i < len(s) && s[i] == ']' {
		return i + 1
	}
	return 0
}

// Mentions reports whether normalized, a result of Normalize, mentions term:
// whether " "+term+" " occurs in it. For a term as Terms and Top give it, it
// is the same test as the inbox's filter `normalized LIKE '% ' || term || ' %'`
// on SQLite and PostgreSQL, so it holds for the comments that filter returns.
// (SQLite's LIKE ignores ASCII case, so a term with capitals, which no theme
// has, could match there and not here.)
func Mentions(normalized, term string) bool {
	return strings.Contains(normalized, " "+term+" ")
}
