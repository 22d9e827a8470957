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
}
