package scrub

import "testing"

func TestEmails(t *testing.T) {
	t.Parallel()
	runCases(t, emailCases)
}

var emailCases = []scrubCase{
	{"plain", "bob@example.com", "[email]"},
	{"in a sentence", "Contact me at bob@example.com if needed", "Contact me at [email] if needed"},
	{"plus addressing", "bob+permits@example.com", "[email]"},
	{"dots in local part", "jane.q.doe@example.com", "[email]"},
	{"subdomains", "jane.doe@mail.council.gov.uk", "[email]"},
	{"uppercase", "JANE.DOE@EXAMPLE.GOV.UK", "[email]"},
	{"digits", "12345@example.com", "[email]"},
	{"underscore and hyphen", "first_last-1@ex-ample.org", "[email]"},
	{"percent", "bob%office@example.com", "[email]"},
	{"apostrophe in name", "o'brien@example.ie", "[email]"},
	{"double quoted", `my email is "bob@example.com"`, `my email is "[email]"`},
	{"single quoted", "it's 'bob@example.com' ok", "it's '[email]' ok"},
	{"angle brackets", "Bob Smith <bob@example.com>", "Bob Smith <[email]>"},
	{"parentheses", "(bob@example.com)", "([email])"},
	{"full stop after", "Email bob@example.com.", "Email [email]."},
	{"comma after", "bob@example.com, or call", "[email], or call"},
	{"question mark after", "Is it bob@example.com?", "Is it [email]?"},
	{"colon before", "email:bob@example.com", "email:[email]"},
	{"mailto", "mailto:bob@example.com", "mailto:[email]"},
	{"new line after", "bob@example.com\nthanks", "[email]\nthanks"},
	{"two with a comma", "a@b.com,c@d.org", "[email],[email]"},
	{"two with and", "bob@example.com and ann@example.org", "[email] and [email]"},
	{"unicode local part", "josé@example.com", "[email]"},
	{"unicode domain", "anna@bücher.de", "[email]"},
	{"chinese", "请发邮件到 用户@例子.广告 谢谢", "请发邮件到 [email] 谢谢"},
	{"garbled domain", "bob@gmail,.com", "[email]"},
	{"two at signs", "bob@home@example.com", "[email]"},
	{"in a URL path", "https://example.gov/users/bob@example.com/edit", "https://example.gov/users/[email]/edit"},
	{"key=value", "email=bob@example.com", "email=[email]"},
	// The gaps issue 11 names.
	{"percent-encoded", "/confirm/bob%40example.com", "/confirm/[email]"},
	{"double percent-encoded", "/u/bob%2540example.com/x", "/u/[email]/x"},
	{"triple percent-encoded", "bob%252540example.com", "[email]"},
	{"encoded in a query value", "?next=%2Fa&email=bob.smith%2Bx%40example.com", "?next=%2Fa&email=[email]"},
	{"full-width at", "bob＠example.com", "[email]"},
	{"all full-width", "ｂｏｂ＠ｅｘａｍｐｌｅ．ｃｏｍ", "[email]"},
	{"small commercial at", "bob﹫example.com", "[email]"},
	{"quoted local part", `"john smith"@example.com`, "[email]"},
	{"quoted local part in a sentence", `write to "j.smith"@example.com today`, "write to [email] today"},
	{"localhost", "bob@localhost", "[email]"},
	{"localhost upper case", "Root@LOCALHOST.", "[email]."},
	{"IP literal", "bob@[192.168.0.1]", "[email]"},
	{"IPv6 literal", "bob@[IPv6:2001:db8::1]", "[email]"},
	{"spelled at", "bob (at) example.com", "[email]"},
	{"spelled at and dots", "bob [at] example [dot] gov [dot] uk please", "[email] please"},
	{"spelled without spaces", "jane.doe{AT}example(dot)org", "[email]"},
	{"spelled angle brackets", "bob <at> example.com", "[email]"},
}
