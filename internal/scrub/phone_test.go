package scrub

import "testing"

func TestPhones(t *testing.T) {
	t.Parallel()
	runCases(t, phoneCases)
}

var phoneCases = []scrubCase{
	{"UK international", "+44 20 7946 0958", "[phone]"},
	{"UK international with trunk", "+44 (0)20 7946 0958", "[phone]"},
	{"UK international trunk spaced", "+44 (0) 20 7946 0958", "[phone]"},
	{"UK international trunk unspaced", "+44(0)20 7946 0958", "[phone]"},
	{"UK mobile international with trunk", "+44 (0)7700 900123", "[phone]"},
	{"UK 00 prefix", "0044 20 7946 0958", "[phone]"},
	{"UK international together", "+442079460958", "[phone]"},
	{"UK mobile international", "+44 7700 900123", "[phone]"},
	{"London", "020 7946 0958", "[phone]"},
	{"NZ area code with dash", "09-123 4567", "[phone]"},
	{"NZ area code with dash in a sentence", "call 09-123 4567 now", "call [phone] now"},
	{"NZ mobile with dash", "021-123 4567", "[phone]"},
	{"London together", "02079460958", "[phone]"},
	{"UK mobile", "07700 900123", "[phone]"},
	{"UK mobile dashes", "07700-900-123", "[phone]"},
	{"UK area in parentheses", "(01632) 960001", "[phone]"},
	{"London area in parentheses", "(020) 7946 0958", "[phone]"},
	{"US international", "+1 (555) 123-4567", "[phone]"},
	{"US international spaces", "+1 555 123 4567", "[phone]"},
	{"US dashes", "555-123-4567", "[phone]"},
	{"US parentheses", "(555) 123-4567", "[phone]"},
	{"US dots", "555.123.4567", "[phone]"},
	{"US international dots", "+1.555.123.4567", "[phone]"},
	{"US leading 1", "1-555-123-4567", "[phone]"},
	{"NZ mobile international", "+64 21 123 4567", "[phone]"},
	{"NZ mobile", "021 123 4567", "[phone]"},
	{"Auckland", "09 123 4567", "[phone]"},
	{"Auckland area in parentheses", "(09) 123 4567", "[phone]"},
	{"Sydney international", "+61 2 9876 5432", "[phone]"},
	{"Sydney", "02 9876 5432", "[phone]"},
	{"Paris international", "+33 1 23 45 67 89", "[phone]"},
	{"French mobile", "06 12 34 56 78", "[phone]"},
	{"French dots", "01.23.45.67.89", "[phone]"},
	{"Berlin international", "+49 30 1234567", "[phone]"},
	{"Dublin international", "+353 1 234 5678", "[phone]"},
	{"in a sentence", "Call me on 07700 900123.", "Call me on [phone]."},
	{"tel prefix", "tel:+442079460958", "tel:[phone]"},
	{"label", "Ph: (09) 123 4567, after 5pm", "Ph: [phone], after 5pm"},
	{"two numbers", "020 7946 0958 or 07700 900123", "[phone] or [phone]"},
	{"followed by a date", "+44 20 7946 0958 23.11.2026", "[phone] 23.11.2026"},
	{"followed by a year", "020 7946 0958 2026", "[phone] 2026"},
}
