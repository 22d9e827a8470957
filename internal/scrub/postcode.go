package scrub

import "strings"

// postcodeAt returns the end of a UK postcode at s[i], or 0: SW1A 1AA,
// sw1a1aa, M1 1AE, GIR 0AA. The letters each position may hold follow Royal
// Mail's rules, which keeps ordinary words and codes out.
func postcodeAt(s string, i int) int {
	if i+5 > len(s) {
		return 0
	}
	if !isDigit(s[i+1]) && !isDigit(s[i+2]) {
		// Only GIR 0AA, Girobank's old code, has no digit in its first three.
		return girobank(s, i)
	}
	// The outward code is 2 to 4 characters; written without a space only
	// the inward code after it, always three, tells which.
	for n := 2; n <= 4 && i+n <= len(s); n++ {
		if !outwardCode(s[i : i+n]) {
			continue
		}
		j := i + n
		if j < len(s) && s[j] == ' ' {
			j++
		}
		if j+3 <= len(s) && inwardCode(s[j:j+3]) && !alnumAt(s, j+3) {
			return j + 3
		}
	}
	return 0
}

func girobank(s string, i int) int {
	if len(s)-i >= 6 && strings.EqualFold(s[i:i+3], "GIR") {
		j := i + 3
		if s[j] == ' ' {
			j++
		}
		if j+3 <= len(s) && strings.EqualFold(s[j:j+3], "0AA") && !alnumAt(s, j+3) {
			return j + 3
		}
	}
	return 0
}

// outwardCode reports whether o is an area and district: A9, A99, A9A, AA9,
// AA99 or AA9A.
func outwardCode(o string) bool {
	if !isLetter(o[0]) || strings.IndexByte("QVX", upper(o[0])) >= 0 {
		return false
	}
	if isLetter(o[1]) {
		return strings.IndexByte("IJZ", upper(o[1])) < 0 && district(o[2:], "ABEHMNPRVWXY")
	}
	return district(o[1:], "ABCDEFGHJKPSTUW")
}

// district reports whether d is a digit followed by nothing, a digit, or
// one of letters.
func district(d, letters string) bool {
	switch len(d) {
	case 1:
		return isDigit(d[0])
	case 2:
		return isDigit(d[0]) && (isDigit(d[1]) || isLetter(d[1]) && strings.IndexByte(letters, upper(d[1])) >= 0)
	}
	return false
}

// inwardCode reports whether c is a digit and two letters other than
// C, I, K, M, O and V, and not an ordinal: "B12 3rd floor" is a room.
func inwardCode(c string) bool {
	for _, l := range [...]byte{c[1], c[2]} {
		if !isLetter(l) || strings.IndexByte("CIKMOV", upper(l)) >= 0 {
			return false
		}
	}
	if !isDigit(c[0]) {
		return false
	}
	ordinal := "th"
	switch c[0] {
	case '1':
		ordinal = "st"
	case '2':
		ordinal = "nd"
	case '3':
		ordinal = "rd"
	}
	return c[1:] != ordinal
}
