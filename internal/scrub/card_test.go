package scrub

import "testing"

func TestCards(t *testing.T) {
	t.Parallel()
	runCases(t, cardCases)
}

var cardCases = []scrubCase{
	{"Visa spaced", "4111 1111 1111 1111", "[card]"},
	{"Visa dashes", "4111-1111-1111-1111", "[card]"},
	{"Visa together", "4111111111111111", "[card]"},
	{"Visa 13 digits", "4222222222222", "[card]"},
	{"Amex together", "378282246310005", "[card]"},
	{"Amex grouped", "3782 822463 10005", "[card]"},
	{"Mastercard", "5555 5555 5555 4444", "[card]"},
	{"Mastercard 2-series", "2223 0031 2200 3222", "[card]"},
	{"Discover", "6011 1111 1111 1117", "[card]"},
	{"Diners 14 digits", "3056 930902 5904", "[card]"},
	{"19 digits", "4111111111111111110", "[card]"},
	{"19 digits grouped", "4111 1111 1111 1111 110", "[card]"},
	{"in a sentence", "my card 4111 1111 1111 1111 exp 12/27 was charged twice", "my card [card] exp 12/27 was charged twice"},
	{"followed by a year", "4111 1111 1111 1111 2027", "[card] 2027"},
	{"after a number", "ref 12 4111 1111 1111 1111", "ref 12 [card]"},
	{"stuck to letters", "INV4111111111111111", "INV[card]"},
	{"full stop after", "card number:4111111111111111.", "card number:[card]."},
	{"fails Luhn", "4111 1111 1111 1112", "4111 1111 1111 1112"},
	{"fails Luhn together", "1234567890123456", "1234567890123456"},
	{"starts with 0", "0000 0000 0000 0000", "0000 0000 0000 0000"},
	{"millisecond time", "ts=1732312345678", "ts=1732312345678"},
	{"20 digits", "41111111111111111111", "41111111111111111111"},
}
