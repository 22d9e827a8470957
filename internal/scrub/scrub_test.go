package scrub

import (
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"
)

func TestDefaultIsShared(t *testing.T) {
	t.Parallel()
	if a, b := Default(), Default(); a != b {
		t.Error("Default made a new Scrubber")
	}
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	in := "bob@example.com"
	if got, want := s.String(in), Default().String(in); got != want {
		t.Errorf("New() gives %q, Default %q", got, want)
	}
}

func TestStringReturnsTextItself(t *testing.T) {
	// Not parallel: AllocsPerRun refuses to run beside other tests.
	s := Default()
	for _, in := range []string{"/apply/step-2", "The form would not load.", "order 4821 on 2026-11-23 14:30"} {
		if got := s.String(in); unsafe.StringData(got) != unsafe.StringData(in) {
			t.Errorf("String(%q) = %q, a copy", in, got)
		}
		if n := testing.AllocsPerRun(100, func() { s.String(in) }); n != 0 {
			t.Errorf("String(%q) allocates %v times", in, n)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s, err := New(Rule{"case-ref", `CASE-\d{6}`})
	if err != nil {
		t.Fatal(err)
	}
	in := "CASE-123456 bob@example.com 07700 900123 https://x.gov/a?b=c"
	want := s.String(in)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if got := s.String(in); got != want {
					t.Errorf("got %q, want %q", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestLongInputs: shapes that make a careless scanner quadratic come back
// unchanged (none of them is personal data), and eight times the input takes
// about eight times as long, not sixty-four.
func TestLongInputs(t *testing.T) {
	// Not parallel: it times String, and other tests beside it would skew that.
	s := Default()
	for _, tc := range []struct{ name, unit string }{
		{"at signs", "a@"},
		{"digits", "1"},
		{"spaced digits", "1 "},
		{"dotted", "1."},
		{"colons", "a:"},
		{"URLs", "http://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			small, large := strings.Repeat(tc.unit, 2_500), strings.Repeat(tc.unit, 20_000)
			for _, in := range []string{small, large} {
				if got := s.String(in); got != in {
					t.Fatalf("String(%d × %q) changed the text: %.40q…", len(in)/len(tc.unit), tc.unit, got)
				}
			}
			// The best of several runs, tried again a few times, so that a
			// busy machine does not fail the test; linear is a ratio near 8,
			// quadratic near 64.
			best := func(in string) time.Duration {
				d, spent := time.Duration(1<<62), time.Duration(0)
				for i := 0; i < 7 && spent < time.Second; i++ {
					start := time.Now()
					s.String(in)
					d = min(d, time.Since(start))
					spent += time.Since(start)
				}
				return max(d, time.Microsecond)
			}
			var ts, tl time.Duration
			for range 5 {
				if ts, tl = best(small), best(large); tl <= 24*ts {
					return
				}
			}
			t.Errorf("String takes %v on %d × %q and %v on eight times that: worse than linear", ts, len(small)/len(tc.unit), tc.unit, tl)
		})
	}
}

func TestLuhn(t *testing.T) {
	t.Parallel()
	for d, want := range map[string]bool{
		"4111111111111111": true, "4111111111111112": false, "378282246310005": true, "79927398713": true,
		"79927398710": false, "0": true,
	} {
		if got := luhn([]byte(d)); got != want {
			t.Errorf("luhn(%s) = %v", d, got)
		}
	}
}

func TestIRDValid(t *testing.T) {
	t.Parallel()
	// Inland Revenue's own examples, including one (49098576) that needs
	// the secondary weights.
	for d, want := range map[string]bool{
		"49091850": true, "35901981": true, "49098576": true, "136410132": true,
		"136410133": false, "9125568": false, "150000001": false, "12345678": false,
	} {
		if got := len(d) >= 8 && irdValid([]byte(d)); got != want {
			t.Errorf("irdValid(%s) = %v", d, got)
		}
	}
}

func TestValidIPv6(t *testing.T) {
	t.Parallel()
	for a, want := range map[string]bool{
		"::1": true, "1::": true, "2001:db8::1": true, "::ffff:192.0.2.1": true, "1:2:3:4:5:6:7:8": true,
		"1:2:3:4:5:6:7::": true, "1::2:3:4:5:6:7": true, "::": false, "dead::beef": false, "1:2:3": false,
		"1:2:3:4:5:6:7:8:9": false, "1::2::3": false, ":1::2": false, "1::2:": false, "12345::1": false,
		"::1.2.3": false, "::1.2.3.4.5": false, "1:2:3:4:5:6:1.2.3.4": true,
	} {
		if got := validIPv6(a); got != want {
			t.Errorf("validIPv6(%q) = %v", a, got)
		}
	}
}

// TestUnicodeSeparators: the no-break and thin spaces and the dashes that
// pasted or typeset text puts between digits hide nothing.
func TestUnicodeSeparators(t *testing.T) {
	for in, want := range map[string]string{
		"call 07700\u00a0900123":                      "call [phone]",
		"+44\u00a07700\u00a0900123":                   "[phone]",
		"SW1A\u00a01AA":                               "[postcode]",
		"AB\u00a012\u00a034\u00a056\u00a0C":           "[ni-number]",
		"123\u00a045\u00a06789":                       "[ssn]",
		"4111\u20091111\u20091111\u20091111":          "[card]",
		"4111\u20131111\u20131111\u20131111":          "[card]",
		"caf\u00e9 \u2013 no digits here\u00a0at all": "caf\u00e9 - no digits here at all",
	} {
		if got := Default().String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestBareURLs: addresses pasted without a scheme lose their query too.
func TestBareURLs(t *testing.T) {
	for in, want := range map[string]string{
		"reset it at www.example.gov/reset?code=123456 please": "reset it at www.example.gov/reset?[query] please",
		"(www.example.com/a?token=abc)":                        "(www.example.com/a?[query])",
		"Did you try www.example.com?":                         "Did you try www.example.com?",
		"https://www.example.gov/a?x=1":                        "https://www.example.gov/a?[query]",
		"awww.example.gov/a?x=1 is a host all the same":        "awww.example.gov/a?[query] is a host all the same",
		"x.y?z stays: its last label is one letter":            "x.y?z stays: its last label is one letter",
	} {
		if got := Default().String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}
