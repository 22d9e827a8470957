package scrub

import "testing"

// A scrubCase is one text and what Default().String must make of it. The
// tables are also the fuzz test's seeds.
type scrubCase struct {
	name, in, want string
}

// same is a case for text that must come back untouched.
func same(name, in string) scrubCase { return scrubCase{name, in, in} }

func runCases(t *testing.T, cases []scrubCase) {
	t.Helper()
	s := Default()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := s.String(c.in)
			if got != c.want {
				t.Errorf("String(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
			if again := s.String(got); again != got {
				t.Errorf("not idempotent: String(%q) = %q", got, again)
			}
		})
	}
}

func allCases() [][]scrubCase {
	return [][]scrubCase{
		emailCases, phoneCases, cardCases, niCases, irdCases, ssnCases,
		postcodeCases, ipCases, urlCases, ibanCases, mixedCases, untouchedCases,
	}
}

func TestMixed(t *testing.T) {
	t.Parallel()
	runCases(t, mixedCases)
}

func TestUntouched(t *testing.T) {
	t.Parallel()
	runCases(t, untouchedCases)
}

var mixedCases = []scrubCase{
	{
		"feedback paragraph",
		"Hi, I tried to renew my permit (ref APP-12345) on 23/11/2026 at 14:30 but the page " +
			"https://permits.example.gov/renew?id=99&email=jane.doe@example.com crashed. Please email me at " +
			"jane.doe@example.com or call 07700 900123 / +44 20 7946 0958. My NI number is AB 12 34 56 C and I " +
			"live at SW1A 1AA. I paid £1,234.56 with 4111 1111 1111 1111 and it says 100% done. Chrome 131.0.6778.85 " +
			"from 192.168.1.10.",
		"Hi, I tried to renew my permit (ref APP-12345) on 23/11/2026 at 14:30 but the page " +
			"https://permits.example.gov/renew?[query] crashed. Please email me at " +
			"[email] or call [phone] / [phone]. My NI number is [ni-number] and I " +
			"live at [postcode]. I paid £1,234.56 with [card] and it says 100% done. Chrome 131.0.6778.85 " +
			"from [ip].",
	},
	{
		"NZ feedback",
		"Kia ora, my IRD number is 49-091-850 and my mobile 021 123 4567; I live in Auckland (09) 123 4567.",
		"Kia ora, my IRD number is [ird-number] and my mobile [phone]; I live in Auckland [phone].",
	},
	{
		"US feedback",
		"SSN 123-45-6789, phone (555) 123-4567, email JOHN@EXAMPLE.COM, card 3782 822463 10005.",
		"SSN [ssn], phone [phone], email [email], card [card].",
	},
	{"tags side by side", "SW1A 1AA,07700 900123", "[postcode],[phone]"},
	{"card then postcode", "x4111111111111111SW1A 1AA", "x[card][postcode]"},
}

var untouchedCases = []scrubCase{
	same("ISO date", "2026-11-23"),
	same("UK date", "23/11/2026"),
	same("dotted date", "23.11.2026"),
	same("dotted date with leading zero", "01.02.2026"),
	same("date and time", "2026-11-23 14:30"),
	same("timestamp", "2026-11-23T14:30:59Z"),
	same("time", "14:30"),
	same("time with seconds", "14:30:59"),
	same("year", "in 2026"),
	same("pounds", "£1,234.56"),
	same("dollars", "$12.50"),
	same("a million", "1,000,000"),
	same("percentage", "12.5% of 100%"),
	same("semver", "1.2.3"),
	same("tagged version", "v2.10.4"),
	same("browser version", "Chrome 131.0.6778.85"),
	same("reference", "APP-12345"),
	same("order number", "order 4821"),
	same("page path", "/apply/step-2"),
	same("page path with id", "/permits/1234/edit"),
	same("plain words", "The form would not let me continue past the second page."),
	same("mention", "thanks @mention and @alice"),
	same("at without domain dot", "user@intranet"),
	same("email tag", "[email]"),
	same("all tags", "[email] [phone] [card] [ni-number] [ird-number] [ssn] [postcode] [ip] [query] [iban] [login]"),
	same("bracketed word", "see [at] the top (at) once"),
	same("at in prose", "meet at example dot com"),
	same("percent figures", "50%40 of them, 100%2540"),
	same("version query", "see page 3.4?"),
	same("question at end", "Did you try example.gov/apply?"),
	same("path query", "/search?q=permits"),
	same("quoted word before at", `he said "hi" @alice`),
	same("ordinary URL", "https://example.gov/apply/step-2"),
	same("decimal", "0.123456789"),
	same("counts", "250 500 1000 applications"),
	same("plus score", "+5 and +1000 points"),
	same("empty", ""),
	same("UUID", "550e8400-e29b-41d4-a716-446655440000"),
	same("phone-sized amount", "paid 1,234,567.89"),
}
