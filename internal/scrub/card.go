package scrub

// cardAt returns the end of a payment card number at num, or 0. A card is
// 13 to 19 digits passing the Luhn check, written together or in groups
// joined by one kind of separator, space or dash, with a first group of four
// (4-4-4-4, Amex 4-6-5, Diners 4-6-4). A number that fails the Luhn check is
// not a card, and is left to the other shapes.
//
// Unlike the other shapes a card may start right after a letter or a dot
// ("INV4111111111111111"): leaving a card number in the text is the worst
// miss there is.
func cardAt(s string, num *number) int {
	first := num.g[0]
	if num.plus || first.paren {
		return 0
	}
	var buf [19]byte
	if first.len() >= 13 {
		if d, ok := num.digits(s, buf[:0], 0, 0); ok && isCard(d) {
			return first.end
		}
		return 0
	}
	if first.len() != 4 || num.n < 2 {
		return 0
	}
	sep := num.g[1].sep
	if sep != ' ' && sep != '-' {
		return 0
	}
	// The longest run of groups that is a card, so that a card followed by a
	// year ("4111 1111 1111 1111 2027") loses only the card.
	end := 0
	d := append(buf[:0], s[first.start:first.end]...)
	for k := 1; k < num.n; k++ {
		g := num.g[k]
		if g.sep != sep || g.paren || g.len() < 3 || g.len() > 6 {
			break
		}
		var ok bool
		if d, ok = num.digits(s, d, k, k); !ok {
			break
		}
		if isCard(d) {
			end = g.end
		}
	}
	return end
}

// isCard reports whether d, all digits, is a card number. No card starts
// with 0 (ISO/IEC 7812 assigns that industry to no one), and the only
// 13-digit cards are old Visa numbers, starting with 4: that keeps Unix times
// in milliseconds (13 digits starting with 1) from being read as cards.
func isCard(d []byte) bool {
	switch {
	case len(d) < 13 || len(d) > 19 || d[0] == '0':
		return false
	case len(d) == 13 && d[0] != '4':
		return false
	}
	return luhn(d)
}

// luhn reports whether d passes the Luhn check: doubling every second digit
// from the right, the digit sum is a multiple of 10.
func luhn(d []byte) bool {
	sum := 0
	for i := range d {
		v := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}
