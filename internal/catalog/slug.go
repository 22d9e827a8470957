package catalog

import (
	"regexp"
	"strconv"
	"strings"
)

// MaxSlug is the longest slug, derived or given.
const MaxSlug = 50

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// reservedSlug reports whether slug is a path of its own under /services/,
// which would hide a service that had it.
func reservedSlug(slug string) bool {
	return slug == "new" || slug == "archived"
}

// ValidSlug reports whether s may be used as a slug: lowercase ASCII
// letters and digits in hyphen-separated groups, at most MaxSlug long.
func ValidSlug(s string) bool {
	return len(s) <= MaxSlug && slugPattern.MatchString(s) && !reservedSlug(s)
}

// Slugify derives a slug from a service name: lowercase ASCII letters and
// digits, accents folded where that is simple, anything else turned into
// single hyphens, at most MaxSlug long. A name with nothing to keep gives
// "service".
func Slugify(name string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(name) {
		if r == '\'' || r == '’' {
			continue // "driver's" is "drivers", not "driver-s"
		}
		s := fold(r)
		if s == "" {
			gap = b.Len() > 0
			continue
		}
		if gap {
			b.WriteByte('-')
			gap = false
		}
		b.WriteString(s)
	}
	slug := truncateSlug(b.String(), MaxSlug)
	if slug == "" {
		return "service"
	}
	return slug
}

// withSuffix is the nth candidate for a derived slug that is taken:
// base-2, base-3 and so on, shortening base to stay within MaxSlug.
func withSuffix(base string, n int) string {
	suffix := "-" + strconv.Itoa(n)
	return truncateSlug(base, MaxSlug-len(suffix)) + suffix
}

// truncateSlug cuts s to at most max bytes, at a hyphen when one is near
// the end, so that a long name loses whole words.
func truncateSlug(s string, max int) string {
	if len(s) <= max {
		return s
	}
	s = s[:max]
	if i := strings.LastIndexByte(s, '-'); i > max/2 {
		s = s[:i]
	}
	return strings.TrimRight(s, "-")
}

// fold maps a lowercase letter or digit to its ASCII spelling, or to ""
// for anything that becomes a hyphen.
func fold(r rune) string {
	if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
		return string(r)
	}
	switch r {
	case 'ß':
		return "ss"
	case 'æ':
		return "ae"
	case 'œ':
		return "oe"
	case 'þ':
		return "th"
	case '&':
		return "and"
	}
	for _, f := range folds {
		if strings.ContainsRune(f.from, r) {
			return f.to
		}
	}
	return ""
}

// folds are the accented Latin letters that fold to one ASCII letter.
var folds = [...]struct{ from, to string }{
	{"àáâãäåāăą", "a"}, {"çćĉċč", "c"}, {"ďđð", "d"}, {"èéêëēĕėęě", "e"},
	{"ĝğġģ", "g"}, {"ĥħ", "h"}, {"ìíîïĩīĭįı", "i"}, {"ĵ", "j"}, {"ķ", "k"},
	{"ĺļľŀł", "l"}, {"ñńņňŉ", "n"}, {"òóôõöøōŏő", "o"}, {"ŕŗř", "r"},
	{"śŝşšș", "s"}, {"ţťŧț", "t"}, {"ùúûüũūŭůűų", "u"}, {"ŵ", "w"},
	{"ýÿŷ", "y"}, {"źżž", "z"},
}
