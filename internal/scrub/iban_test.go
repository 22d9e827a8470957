package scrub

import "testing"

func TestIBANs(t *testing.T) {
	t.Parallel()
	runCases(t, ibanCases)
}

// The valid numbers are the examples the national banks and SWIFT's IBAN
// registry publish; their check digits are right.
var ibanCases = []scrubCase{
	{"UK grouped", "GB82 WEST 1234 5698 7654 32", "[iban]"},
	{"UK together", "GB82WEST12345698765432", "[iban]"},
	{"UK lower case", "gb82 west 1234 5698 7654 32", "[iban]"},
	{"Germany", "DE89 3704 0044 0532 0130 00", "[iban]"},
	{"France", "FR14 2004 1010 0505 0001 3M02 606", "[iban]"},
	{"Netherlands", "NL91ABNA0417164300", "[iban]"},
	{"Ireland in a sentence", "Pay into IE29 AIBK 9311 5212 3456 78, thanks.", "Pay into [iban], thanks."},
	{"Belgium (short)", "BE68 5390 0754 7034", "[iban]"},
	{"followed by a number", "GB82 WEST 1234 5698 7654 32 and 1234", "[iban] and 1234"},
	same("wrong check digits", "GB83 WEST 1234 5698 7654 32"),
	same("too short", "GB82 WEST 1234"),
	same("inside a word", "XGB82WEST12345698765432"),
	same("reference", "AB12 CDEF GHIJ"),
}
