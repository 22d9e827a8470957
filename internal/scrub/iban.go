package scrub

// ibanAt returns the end of an International Bank Account Number at s[i],
// or 0: a country code, two check digits and up to 30 letters and digits,
// written together or in groups of four ("GB82 WEST 1234 5698 7654 32"),
// in any case. The check digits must pass ISO 13616's mod-97 test, which a
// reference number or a product code passes once in 97 times; the length
// bounds and the letters-then-digits start make even that rare.
func ibanAt(s string, i int) int {
	if i+15 > len(s) || !isLetter(s[i]) || !isLetter(s[i+1]) || !isDigit(s[i+2]) || !isDigit(s[i+3]) {
		return 0
	}
	var chars [34]byte
	// ends[k] is where the text ends after k+1 characters, for the
	// lengths at which the number may end: after any group when it is
	// grouped, only at the end of the run when it is not.
	var ends [34]int
	n := 0
	grouped := s[i+4] == ' '
	for j := i; j < len(s) && n < len(chars); {
		if grouped && n > 0 && n%4 == 0 {
			if s[j] != ' ' || j+1 >= len(s) || !isAlnum(s[j+1]) {
				break
			}
			j++
		}
		if !isAlnum(s[j]) {
			break
		}
		chars[n] = upper(s[j])
		j++
		ends[n] = j
		n++
	}
	// The longest reading that passes wins: a grouped number may be
	// followed by other digits ("… 7654 32 1234" is not one number).
	for k := n; k >= 15; k-- {
		if grouped && k%4 != 0 && k != n {
			continue
		}
		if alnumAt(s, ends[k-1]) || !ibanValid(chars[:k]) {
			continue
		}
		return ends[k-1]
	}
	return 0
}

// ibanValid reports whether the upper-case characters c pass ISO 13616's
// check: moved the country code and check digits to the end, letters read
// as 10 to 35, the number leaves 1 when divided by 97. The remainder is
// carried as the digits are read, so no big number is needed.
func ibanValid(c []byte) bool {
	rem := 0
	add := func(b byte) {
		if isDigit(b) {
			rem = (rem*10 + int(b-'0')) % 97
			return
		}
		rem = (rem*100 + int(b-'A'+10)) % 97
	}
	for _, b := range c[4:] {
		add(b)
	}
	for _, b := range c[:4] {
		add(b)
	}
	return rem == 1
}
