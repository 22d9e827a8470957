package scrub

import (
	"strings"
	"testing"
)

// benchComment is a 2,000-character feedback comment with nine things to
// scrub, most of it ordinary prose with dates, amounts and references.
var benchComment = func() string {
	parts := []string{
		"I have been trying to renew my residents' parking permit since 23/11/2026 and the service keeps failing at the payment step. ",
		"The first time I got to /permits/1234/edit, filled in every field and pressed continue, and the page said something went wrong (error APP-12345). ",
		"I tried again at 14:30 and again at 18:05, on Chrome 131.0.6778.85 and then on my phone, with the same result each time. ",
		"The page I ended up on was https://permits.example.gov/renew/payment?session=abc123&email=jane.doe@example.com#summary and it just spun. ",
		"My card 4111 1111 1111 1111 was charged £45.50 twice according to my bank, so I am now out of pocket by £91.00 and still have no permit. ",
		"Please can someone contact me on 07700 900123 or by email at jane.doe@example.com before Friday, as my current permit ends on 2026-11-30. ",
		"My address is 12 Acacia Avenue, London SW1A 1AA, in case you need to post anything, and my National Insurance number is AB 12 34 56 C. ",
		"I work shifts, so the best time to call is after 17:00; my partner's number is +44 20 7946 0958 if I do not answer. ",
		"I have used this service for 3 years without trouble and it used to take about 5 minutes; this year it has taken over 2 hours so far. ",
		"Version 2.10.4 of the app was no better. About 80% of the way through the form the progress bar jumps back to the start. ",
		"The help page at https://permits.example.gov/help/payments did not mention double charges at all. ",
		"Thank you for looking into it, and sorry for the long message. ",
	}
	s := strings.Join(parts, "")
	for len(s) < 2000 {
		s += "I would be grateful for a quick reply. "
	}
	return s[:2000]
}()

// benchCleanComment is as long with nothing to scrub.
var benchCleanComment = func() string {
	s := ""
	for len(s) < 2000 {
		s += "On 23/11/2026 at 14:30 the form at /permits/1234/edit failed twice (error APP-12345, Chrome 131.0.6778.85, 80% done, £45.50). "
	}
	return s[:2000]
}()

func benchString(b *testing.B, s *Scrubber, in string) {
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		s.String(in)
	}
}

func BenchmarkPagePath(b *testing.B) {
	benchString(b, Default(), "/permits/renewals/step-2/review")
}

func BenchmarkPagePathNoDigit(b *testing.B) {
	benchString(b, Default(), "/permits/renewals/check-answers")
}

func BenchmarkPageURLWithQuery(b *testing.B) {
	benchString(b, Default(), "https://permits.example.gov/apply?ref=newsletter&email=jane@example.com")
}

func BenchmarkComment(b *testing.B) {
	benchString(b, Default(), benchComment)
}

func BenchmarkCommentClean(b *testing.B) {
	benchString(b, Default(), benchCleanComment)
}

func BenchmarkCommentCustomRules(b *testing.B) {
	s, err := New(Rule{"case-ref", `\bCASE-\d{6}\b`}, Rule{"badge", `(?i)\bbadge [a-z]{3}\b`})
	if err != nil {
		b.Fatal(err)
	}
	benchString(b, s, benchComment)
}

func BenchmarkPagePathCustomRules(b *testing.B) {
	s, err := New(Rule{"case-ref", `\bCASE-\d{6}\b`})
	if err != nil {
		b.Fatal(err)
	}
	benchString(b, s, "/permits/renewals/step-2/review")
}
