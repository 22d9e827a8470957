package scrub

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func FuzzString(f *testing.F) {
	for _, cases := range allCases() {
		for _, c := range cases {
			f.Add(c.in)
		}
	}
	custom, err := New(Rule{"case-ref", `CASE-\d+`}, Rule{"word", `(?i)\bsecret\w*`})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, s := range []*Scrubber{Default(), custom} {
			out := s.String(in)
			if utf8.ValidString(in) && !utf8.ValidString(out) {
				t.Fatalf("String(%q) = %q, not UTF-8", in, out)
			}
			if again := s.String(out); again != out {
				t.Fatalf("not idempotent:\n  in %q\n out %q\nagain %q", in, out, again)
			}
			if shape := emailShape(out); shape != "" {
				t.Fatalf("String(%q) = %q keeps the email shape %q", in, out, shape)
			}
			if card := cardShape(out); card != "" {
				t.Fatalf("String(%q) = %q keeps the card number %q", in, out, card)
			}
		}
	})
}

// emailShape returns the first match in s of `\S+@\S+\.\w+` that has a
// letter on both sides of the "@", or "".
func emailShape(s string) string {
	for at := strings.IndexByte(s, '@'); at >= 0; at = next(s, at, '@') {
		before, _ := utf8.DecodeLastRuneInString(s[:at])
		after, _ := utf8.DecodeRuneInString(s[at+1:])
		if !unicode.IsLetter(before) || !unicode.IsLetter(after) {
			continue
		}
		end := at + 1
		for end < len(s) && !strings.ContainsRune(" \t\n\r\f", rune(s[end])) {
			end++
		}
		for p := at + 2; p+1 < end; p++ {
			if s[p] == '.' && (isAlnum(s[p+1]) || s[p+1] == '_') {
				return s[max(0, at-10):end]
			}
		}
	}
	return ""
}

// cardShape returns the first card number left in s, or "": 13 to 19
// digits passing isCard, either a whole run of digits or groups joined by
// one kind of separator, space or dash, the first group four digits and the
// rest three to six.
func cardShape(s string) string {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) || i > 0 && isDigit(s[i-1]) {
			continue
		}
		run := i
		for run < len(s) && isDigit(s[run]) {
			run++
		}
		if isCard([]byte(s[i:run])) {
			return s[i:run]
		}
		if run-i != 4 || run+1 >= len(s) || s[run] != ' ' && s[run] != '-' {
			continue
		}
		sep, digits, end := s[run], []byte(s[i:run]), run
		for end < len(s) && s[end] == sep {
			g := end + 1
			for g < len(s) && isDigit(s[g]) {
				g++
			}
			if n := g - end - 1; n < 3 || n > 6 {
				break
			}
			digits = append(digits, s[end+1:g]...)
			end = g
			if isCard(digits) {
				return s[i:end]
			}
		}
	}
	return ""
}

func next(s string, i int, c byte) int {
	if j := strings.IndexByte(s[i+1:], c); j >= 0 {
		return i + 1 + j
	}
	return -1
}

// The fuzz test is only as good as its checks.
func TestFuzzChecks(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"a@b.c": true, "x bob@example.com y": true, "a@b!.c": true, "a@b@c.d": true, "é@ü.x": true,
		"1@b.c": false, "a@1.c": false, "a@b": false, "a@b.": false, "[email]@b.c": false, "a@b .c": false, "a@.b": false,
	} {
		if got := emailShape(s) != ""; got != want {
			t.Errorf("emailShape(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{
		"4111111111111111": true, "x4111 1111 1111 1111y": true, "4111-1111-1111-1111": true, "3782 822463 10005": true,
		"12 4111 1111 1111 1111": true, "4111 1111 1111 1111 2027": true, "4111111111111112": false,
		"4111 1111-1111 1111": false, "41111111111111111111": false, "1732312345678": false, "[card]": false,
	} {
		if got := cardShape(s) != ""; got != want {
			t.Errorf("cardShape(%q) = %v", s, got)
		}
	}
}
