package scrub

// ssnAt returns the end of a US Social Security number at num, or 0:
// 123-45-6789 or 123 45 6789. Nine digits written together are too often
// something else, so that form is left alone.
func ssnAt(s string, num *number) int {
	if num.n < 3 || num.plus {
		return 0
	}
	area, grp, serial := num.g[0], num.g[1], num.g[2]
	switch {
	case area.paren || grp.paren || serial.paren:
		return 0
	case area.len() != 3 || grp.len() != 2 || serial.len() != 4:
		return 0
	case grp.sep != serial.sep || grp.sep != ' ' && grp.sep != '-':
		return 0
	}
	// Numbers the Social Security Administration never issues.
	a := s[area.start:area.end]
	if a == "000" || a == "666" || a[0] == '9' || s[grp.start:grp.end] == "00" || s[serial.start:serial.end] == "0000" {
		return 0
	}
	if !num.endsAt(s, 2) {
		return 0
	}
	return serial.end
}

// irdAt returns the end of a New Zealand IRD number at num, or 0: eight or
// nine digits passing the IRD's check-digit test, written 12-345-678 or
// 123-456-789, with spaces, or together.
func irdAt(s string, num *number) int {
	first := num.g[0]
	if num.plus || first.paren {
		return 0
	}
	last := -1
	switch n := first.len(); {
	case n == 8 && compactDate(s[first.start:first.end]):
		// 20261123 is far more often a date than an IRD number.
	case n == 8 || n == 9:
		last = 0
	case (n == 2 || n == 3) && num.n >= 3:
		a, b := num.g[1], num.g[2]
		if a.len() == 3 && b.len() == 3 && !a.paren && !b.paren && a.sep == b.sep && (a.sep == ' ' || a.sep == '-') {
			last = 2
		}
	}
	if last < 0 || !num.endsAt(s, last) {
		return 0
	}
	var buf [9]byte
	if d, ok := num.digits(s, buf[:0], 0, last); !ok || !irdValid(d) {
		return 0
	}
	return num.g[last].end
}

// compactDate reports whether d, eight digits, reads as a date written
// together: YYYYMMDD or DDMMYYYY, in 1900 to 2099.
func compactDate(d string) bool {
	date := func(y, m, d string) bool {
		return (y[:2] == "19" || y[:2] == "20") && "01" <= m && m <= "12" && "01" <= d && d <= "31"
	}
	return date(d[0:4], d[4:6], d[6:8]) || date(d[4:8], d[2:4], d[0:2])
}

// irdValid reports whether d, eight or nine digits, is an IRD number: in
// range, and with the check digit Inland Revenue's algorithm gives.
func irdValid(d []byte) bool {
	n := 0
	for _, c := range d {
		n = n*10 + int(c-'0')
	}
	if n < 10_000_000 || n > 150_000_000 {
		return false
	}
	// The base is the number without its check digit, padded to eight digits.
	var base [8]int
	body := d[:len(d)-1]
	for i, c := range body {
		base[len(base)-len(body)+i] = int(c - '0')
	}
	check := irdCheck(base, [8]int{3, 2, 7, 6, 5, 4, 3, 2})
	if check == 10 {
		check = irdCheck(base, [8]int{7, 4, 3, 2, 5, 2, 7, 6})
	}
	return check < 10 && check == int(d[len(d)-1]-'0')
}

func irdCheck(base, weights [8]int) int {
	sum := 0
	for i := range base {
		sum += base[i] * weights[i]
	}
	if r := sum % 11; r != 0 {
		return 11 - r
	}
	return 0
}

// niAt returns the end of a UK National Insurance number at s[i], or 0: two
// prefix letters, six digits and a suffix A to D, in any case, written
// together or spaced as AB 12 34 56 C. Any two letters will do, not only
// the prefixes HMRC issues: a mistyped number, or the QQ 12 34 56 C of a
// form's hint, is still a person's number to the one who typed it. Without
// its suffix the shape is too like a reference number to take.
func niAt(s string, i int) int {
	if i+9 > len(s) || !isDigit(s[i+2]) && s[i+2] != ' ' || !isLetter(s[i]) || !isLetter(s[i+1]) {
		return 0
	}
	j := i + 2
	if s[j] == ' ' {
		j++
	}
	// Six digits, together or in pairs.
	spaced := j+2 < len(s) && s[j+2] == ' '
	for pair := range 3 {
		if pair > 0 && spaced {
			if j >= len(s) || s[j] != ' ' {
				return 0
			}
			j++
		}
		if j+2 > len(s) || !isDigit(s[j]) || !isDigit(s[j+1]) {
			return 0
		}
		j += 2
	}
	if j < len(s) && s[j] == ' ' {
		j++
	}
	if j >= len(s) || upper(s[j]) < 'A' || upper(s[j]) > 'D' || alnumAt(s, j+1) {
		return 0
	}
	return j + 1
}
