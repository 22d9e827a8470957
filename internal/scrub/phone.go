package scrub

import "strings"

// phoneAt returns the end of a telephone number at num, or 0. Three shapes
// are read: international (+44 20 7946 0958, 0044 20 7946 0958), national
// with a trunk 0 as in the UK, New Zealand, Australia and most of Europe
// (020 7946 0958, (09) 123 4567, 09-123 4567), and North American (555-123-4567,
// (555) 123-4567).
func phoneAt(s string, num *number) int {
	first := num.g[0]
	switch {
	case num.plus || !first.paren && strings.HasPrefix(s[first.start:], "00"):
		return international(s, num)
	case s[first.start] == '0':
		return national(s, num)
	}
	return northAmerican(s, num)
}

// international reads a number with a country code: up to 15 digits after
// "+" or "00" (E.164), at least 8 so that "+5" or "+1000" stay. No country
// code starts with 0.
func international(s string, num *number) int {
	digits, cc := 0, num.g[0].start
	if !num.plus {
		digits, cc = -2, cc+2 // the "00"
		if cc == num.g[0].end && num.n > 1 {
			cc = num.g[1].start // "00 44 20 …"
		}
	}
	if cc >= len(s) || s[cc] < '1' || s[cc] > '9' {
		return 0
	}
	end := 0
	var sep byte
	for k := range num.n {
		g := num.g[k]
		switch {
		case g.paren && k != 1:
			// Only the group after the country code is written in
			// parentheses: "+44 (0)20", "+1 (555)".
			return end
		case g.paren && s[g.start:g.end] == "0":
			// The trunk 0 that is dropped when dialling from abroad.
			digits--
		case k == 0 || g.sep == 0:
		case sep == 0:
			sep = g.sep
		case (sep == '.') != (g.sep == '.'):
			// Spaces and dashes mix ("+1 (555) 123-4567"), dots do not,
			// so that "+44 20 7946 0958 23.11.2026" ends at the date.
			return end
		}
		digits += g.len()
		if digits > 15 {
			break
		}
		if digits >= 8 && num.endsAt(s, k) {
			end = g.next
		}
	}
	return end
}

// national reads a number starting with a trunk 0: 9 to 12 digits, the
// area code optionally in parentheses, the rest joined by one kind of
// separator. Dots count only with three or more groups, so a decimal
// ("0.123456789") is not a phone.
func national(s string, num *number) int {
	first := num.g[0]
	if !first.paren && first.len() < 2 {
		return 0
	}
	digits, end := 0, 0
	var sep byte
	for k := range num.n {
		g := num.g[k]
		switch {
		case k == 0:
		case g.paren:
			return end
		case k == 1 && first.paren:
			if g.sep != ' ' && g.sep != 0 {
				return end
			}
		case k == 1 && (g.sep == '-' || g.sep == ' '):
			// The area code may stand apart by its own kind of
			// separator, as New Zealand writes 09-123 4567.
		case sep == 0:
			sep = g.sep
		case g.sep != sep:
			return end
		}
		digits += g.len()
		if digits > 12 {
			break
		}
		if digits >= 9 && (sep != '.' || k >= 2) && num.endsAt(s, k) {
			end = g.next
		}
	}
	return end
}

// northAmerican reads a NANP number: an optional leading 1, a three-digit
// area code starting 2 to 9, then three and four digits. Without
// parentheses the separators are dashes or dots, so a run of counts
// ("250 500 1000") is not a phone.
func northAmerican(s string, num *number) int {
	k := 0
	if num.n > 3 && s[num.g[0].start:num.g[0].end] == "1" && !num.g[0].paren {
		k = 1
	}
	if num.n < k+3 {
		return 0
	}
	area, exchange, line := num.g[k], num.g[k+1], num.g[k+2]
	switch {
	case area.len() != 3 || exchange.len() != 3 || line.len() != 4 || exchange.paren || line.paren:
		return 0
	case s[area.start] < '2':
		return 0
	case area.paren && exchange.sep != ' ' && exchange.sep != 0:
		return 0
	case !area.paren && (exchange.sep != line.sep || exchange.sep == ' '):
		return 0
	}
	if !num.endsAt(s, k+2) {
		return 0
	}
	return line.end
}
