package web

import (
	"strings"
	"unicode/utf8"
)

// ValidText reports whether s can be stored and shown as it is: valid
// UTF-8 without NUL bytes, which PostgreSQL refuses and SQLite would keep.
func ValidText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// CleanText makes outside text storable: invalid UTF-8 and NUL bytes are
// dropped, and the result is cut to at most max bytes on a character
// boundary. For headers such as User-Agent, which are kept but not checked.
func CleanText(s string, max int) string {
	if !ValidText(s) {
		s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\x00", "")
	}
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}
