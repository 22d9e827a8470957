package scrub

import "testing"

func TestPostcodes(t *testing.T) {
	t.Parallel()
	runCases(t, postcodeCases)
}

var postcodeCases = []scrubCase{
	{"SW1A 1AA", "SW1A 1AA", "[postcode]"},
	{"lower case together", "sw1a1aa", "[postcode]"},
	{"M1 1AE", "M1 1AE", "[postcode]"},
	{"B33 8TH", "B33 8TH", "[postcode]"},
	{"CR2 6XH", "CR2 6XH", "[postcode]"},
	{"DN55 1PT", "DN55 1PT", "[postcode]"},
	{"EC1A 1BB", "EC1A 1BB", "[postcode]"},
	{"W1A 0AX", "W1A 0AX", "[postcode]"},
	{"GIR 0AA", "GIR 0AA", "[postcode]"},
	{"EH1 1YZ", "EH1 1YZ", "[postcode]"},
	{"address", "I live at 10 Downing Street, London SW1A 2AA.", "I live at 10 Downing Street, London [postcode]."},
	{"parentheses", "(B33 8TH)", "([postcode])"},
	{"label and comma", "postcode:M1 1AE, Manchester", "postcode:[postcode], Manchester"},
	{"ordinal in upper case", "B12 3RD", "[postcode]"},
	{"ordinal", "Room B12 3rd floor", "Room B12 3rd floor"},
	{"ordinals", "A1 1st, M2 2nd, E4 4th", "A1 1st, M2 2nd, E4 4th"},
	{"Q first", "QA1 1AA", "QA1 1AA"},
	{"inward M", "M25 3PM", "M25 3PM"},
	{"inside a word", "XSW1A 1AA", "XSW1A 1AA"},
	{"outward only", "SW1A", "SW1A"},
}
