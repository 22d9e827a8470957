package themes

import (
	"slices"
	"strings"
	"testing"
)

func TestTerms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"sentence", "I couldn't pay by card, the payment page timed out",
			[]string{"pay", "card", "payment", "page", "payment page", "timed", "page timed"}},
		{"stop word breaks phrase", "pay for parking", []string{"pay", "parking"}},
		{"overlapping phrases", "card payment failed",
			[]string{"card", "payment", "card payment", "failed", "payment failed"}},
		{"distinct", "card payment failed, card payment failed again",
			[]string{"card", "payment", "card payment", "failed", "payment failed", "failed card"}},
		{"repeated word", "Card. Card? CARD! payment", []string{"card", "payment", "card payment"}},
		{"only stop words", "Thanks, please could you help me with this", []string{"help"}},
		{"contractions", "I can't log in, it didn't work", []string{"log", "work"}},
		{"short words", "my gp ok nhs app", []string{"nhs", "app", "nhs app"}},
		{"numbers", "404 error on 3 pages, 2fa p60 4g",
			[]string{"error", "pages", "2fa", "pages 2fa", "p60", "2fa p60"}},
		{"tags", "my email is [email] please reply", []string{"email", "reply"}},
		{"only tags", "[email] [phone] [card]", nil},
		{"tag between words", "call [phone] tomorrow", []string{"call", "tomorrow", "call tomorrow"}},
		{"hyphenated", "card-payment page",
			[]string{"card", "payment", "card payment", "page", "payment page"}},
		{"hyphenated with stop word", "sign-in page", []string{"sign", "page"}},
		{"unicode", "Whānau support was great",
			[]string{"whānau", "support", "whānau support", "great"}},
		{"marks do not count as letters", "कि साफ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Terms(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Terms(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestStopWordsFile checks that every entry of the stop word list is one
// word in normalised form, listed once; an entry in another form would never
// match.
func TestStopWordsFile(t *testing.T) {
	t.Parallel()
	seen := make(map[string]bool)
	for line := range strings.Lines(stopWordsTxt) {
		w := strings.TrimSpace(line)
		if w == "" || strings.HasPrefix(w, "#") {
			continue
		}
		if Normalize(w) != " "+w+" " {
			t.Errorf("stop word %q is not in normalised form %q", w, Normalize(w))
		}
		if seen[w] {
			t.Errorf("stop word %q is listed twice", w)
		}
		seen[w] = true
	}
	if len(seen) != len(stopWords) || len(seen) < 200 {
		t.Errorf("file has %d stop words, set has %d", len(seen), len(stopWords))
	}
	for _, w := range []string{"the", "couldnt", "dont", "please", "thanks", "would", "one"} {
		if _, ok := stopWords[w]; !ok {
			t.Errorf("%q is not a stop word", w)
		}
	}
}
