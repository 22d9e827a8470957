package scrub

// ipAt returns the end of an IPv4 or IPv6 address at s[i], or 0. Four
// dotted parts each 0 to 255 are an address even where a version number is
// meant ("1.2.3.4"); "131.0.6778.85" is not one.
func ipAt(s string, i int) int {
	if i > 0 {
		switch c := s[i-1]; {
		case c == '.':
			return 0
		case c == ':':
			// "ip:2001:db8::1" is a label and an address; "ab:2001:…" is not.
			if i > 1 && (isHex(s[i-2]) || s[i-2] == ':') {
				return 0
			}
		case alnumBefore(s, i):
			return 0
		}
	}
	if end := ipv6At(s, i); end > 0 {
		return end
	}
	if n := ipv4Len(s[i:]); n > 0 && !alnumAt(s, i+n) && !dottedDigit(s, i+n) {
		return i + n
	}
	return 0
}

// ipv4Len returns the length of the IPv4 address at the start of a, or 0.
func ipv4Len(a string) int {
	i := 0
	for part := range 4 {
		if part > 0 {
			if i >= len(a) || a[i] != '.' {
				return 0
			}
			i++
		}
		v, j := 0, i
		for j < len(a) && j-i < 3 && isDigit(a[j]) {
			v = v*10 + int(a[j]-'0')
			j++
		}
		if j == i || v > 255 || j < len(a) && isDigit(a[j]) {
			return 0
		}
		i = j
	}
	return i
}

// dottedDigit reports whether s[i:] goes on with a dot and a digit, as a
// longer dotted number would.
func dottedDigit(s string, i int) bool {
	return i+1 < len(s) && s[i] == '.' && isDigit(s[i+1])
}

// ipv6At returns the end of the IPv6 address at s[i], with its zone
// ("%eth0") if any, or 0.
func ipv6At(s string, i int) int {
	// Cheap refusal for the words and numbers that reach here: an address
	// has a colon within its first five characters.
	j := i
	for j < len(s) && j-i < 4 && isHex(s[j]) {
		j++
	}
	if j == len(s) || s[j] != ':' {
		return 0
	}
	for j < len(s) && (isHex(s[j]) || s[j] == ':' || s[j] == '.') {
		j++
	}
	// Trailing dots and colons may be the sentence's ("from fe80::1.").
	end := j
	for !validIPv6(s[i:end]) {
		if end == i || s[end-1] != '.' && s[end-1] != ':' {
			return 0
		}
		end--
	}
	if end == j && alnumAt(s, end) {
		return 0
	}
	if end+1 < len(s) && s[end] == '%' && isAlnum(s[end+1]) {
		for end++; end < len(s) && isAlnum(s[end]); end++ {
		}
	}
	return end
}

// validIPv6 reports whether a is an IPv6 address in text form. It must
// hold a decimal digit, so that words such as "dead::beef" stay.
func validIPv6(a string) bool {
	groups, compressed, digit := 0, false, false
	i := 0
	if len(a) >= 2 && a[:2] == "::" {
		compressed, i = true, 2
	}
	for i < len(a) {
		j := i
		for j < len(a) && j-i < 4 && isHex(a[j]) {
			digit = digit || isDigit(a[j])
			j++
		}
		if j == i {
			return false
		}
		if j < len(a) && a[j] == '.' {
			// An IPv4 address ends it and counts as two groups.
			if ipv4Len(a[i:]) != len(a)-i {
				return false
			}
			groups += 2
			break
		}
		if groups++; groups > 8 {
			return false
		}
		if i = j; i == len(a) {
			break
		}
		if a[i] != ':' {
			return false
		}
		i++
		if i < len(a) && a[i] == ':' {
			if compressed {
				return false
			}
			compressed = true
			i++
		} else if i == len(a) {
			return false
		}
	}
	if compressed {
		return digit && groups <= 7
	}
	return digit && groups == 8
}
