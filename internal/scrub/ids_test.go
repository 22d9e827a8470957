package scrub

import "testing"

func TestNINumbers(t *testing.T) {
	t.Parallel()
	runCases(t, niCases)
}

var niCases = []scrubCase{
	{"together", "AB123456C", "[ni-number]"},
	{"spaced", "AB 12 34 56 C", "[ni-number]"},
	{"lower case", "ab 123456 c", "[ni-number]"},
	{"space before suffix", "AB123456 C", "[ni-number]"},
	{"in a sentence", "My NI number is JG103759A.", "My NI number is [ni-number]."},
	// Issue 11: a number HMRC never issues, or a form's example, is still
	// a person's number to the one who typed it.
	{"example prefix QQ", "QQ123456C", "[ni-number]"},
	{"example spaced", "QQ 12 34 56 C", "[ni-number]"},
	{"unissued second letter O", "AO123456C", "[ni-number]"},
	{"never-issued prefix", "GB123456A", "[ni-number]"},
	{"administrative prefix", "ZZ 12 34 56 D", "[ni-number]"},
	{"digit in prefix", "A1123456C", "A1123456C"},
	{"suffix past D", "AB123456E", "AB123456E"},
	{"no suffix", "AB123456", "AB123456"},
	{"inside a word", "XAB123456C", "XAB123456C"},
}

func TestIRDNumbers(t *testing.T) {
	t.Parallel()
	runCases(t, irdCases)
}

var irdCases = []scrubCase{
	{"8 digits hyphenated", "49-091-850", "[ird-number]"},
	{"8 digits together", "49091850", "[ird-number]"},
	{"8 digits spaced", "35 901 981", "[ird-number]"},
	{"9 digits hyphenated", "136-410-132", "[ird-number]"},
	{"9 digits spaced", "136 410 132", "[ird-number]"},
	{"8 digits padded to 9", "035-901-981", "[ird-number]"},
	{"in a sentence", "My IRD number is 49-098-576.", "My IRD number is [ird-number]."},
	{"wrong check digit", "136-410-133", "136-410-133"},
	{"wrong check digit together", "12345678", "12345678"},
	{"format example", "12-345-678", "12-345-678"},
	{"below range", "9-125-568", "9-125-568"},
	{"date written together", "20261123", "20261123"},
}

func TestSSNs(t *testing.T) {
	t.Parallel()
	runCases(t, ssnCases)
}

var ssnCases = []scrubCase{
	{"dashes", "123-45-6789", "[ssn]"},
	{"spaces", "123 45 6789", "[ssn]"},
	{"in a sentence", "SSN: 078-05-1120, thanks", "SSN: [ssn], thanks"},
	{"area 000", "000-12-3456", "000-12-3456"},
	{"area 666", "666-12-3456", "666-12-3456"},
	{"area 9xx", "900-12-3456", "900-12-3456"},
	{"group 00", "123-00-4567", "123-00-4567"},
	{"serial 0000", "123-45-0000", "123-45-0000"},
	{"mixed separators", "123-45 6789", "123-45 6789"},
	{"together", "123456789", "123456789"},
}
