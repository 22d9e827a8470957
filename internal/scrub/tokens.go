package scrub

// scrubTokens replaces the shapes that hold a digit: IP addresses, cards,
// SSNs, IRD and NI numbers, phones and postcodes. It walks the text once,
// and where a shape may begin tries each detector in turn; the order
// settles numbers that fit two shapes.
func scrubTokens(text string) (string, bool) {
	// Every shape here holds a digit, and most text has none.
	if !hasDigit(text) {
		return text, false
	}
	w := rewriter{src: text}
	for i := 0; i < len(text); {
		end, tag := tokenAt(text, i)
		if end > i {
			w.replace(i, end, tag)
			i = end
			continue
		}
		// No shape starts inside a run of letters or of digits.
		i = skipRun(text, i)
	}
	return w.result()
}

// skipRun returns the end of the run of ASCII letters, or of digits, that
// s[i] starts; i+1 for anything else.
func skipRun(s string, i int) int {
	switch {
	case isDigit(s[i]):
		for i++; i < len(s) && isDigit(s[i]); i++ {
		}
	case isLetter(s[i]):
		for i++; i < len(s) && isLetter(s[i]); i++ {
		}
	default:
		i++
	}
	return i
}

// tokenAt returns the end and tag of the shape starting at s[i], or 0.
func tokenAt(s string, i int) (int, string) {
	c := s[i]
	switch {
	case isDigit(c) || c == '+' || c == '(':
		// No shape begins inside a run of digits.
		if i > 0 && isDigit(s[i-1]) {
			return 0, ""
		}
		return numberAt(s, i)
	case c == ':':
		return ipAt(s, i), tagIP
	case isLetter(c):
		if alnumBefore(s, i) {
			return 0, ""
		}
		if end := ipAt(s, i); end > 0 {
			return end, tagIP
		}
		if end := ibanAt(s, i); end > 0 {
			return end, tagIBAN
		}
		if end := niAt(s, i); end > 0 {
			return end, tagNI
		}
		return postcodeAt(s, i), tagPostcode
	}
	return 0, ""
}

// numberAt returns the end and tag of the number-based shape at s[i], or 0.
// A card is tried first because its Luhn digit makes it sure and it is the
// worst to miss; an IRD number before a phone because it has a check digit
// and a phone has none.
func numberAt(s string, i int) (int, string) {
	if isDigit(s[i]) {
		if end := ipAt(s, i); end > 0 {
			return end, tagIP
		}
	}
	var num number
	num.read(s, i)
	if num.n == 0 {
		return 0, ""
	}
	if end := cardAt(s, &num); end > 0 {
		return end, tagCard
	}
	if !numberStart(s, i) {
		return 0, ""
	}
	if end := ssnAt(s, &num); end > 0 {
		return end, tagSSN
	}
	if end := irdAt(s, &num); end > 0 {
		return end, tagIRD
	}
	return phoneAt(s, &num), tagPhone
}
