package themes

import (
	"fmt"
	"slices"
	"testing"
)

// The counts below are worked out by hand, in texts (not occurrences).
var (
	current = []string{
		"Card payment failed",
		"The card payment page timed out",
		"Payment failed twice",
		"Couldn't find the parking permit page",
		"Parking permit renewal was easy",
		"Card declined. Card declined again!", // one text: declined counts once
	}
	previous = []string{
		"Card payment failed again",
		"Parking permit page broken",
		"parking, parking",
	}
)

func TestTop(t *testing.T) {
	t.Parallel()
	allWords := []Theme{
		{Term: "card", Count: 3, Previous: 1},
		{Term: "payment", Count: 3, Previous: 1},
		{Term: "failed", Count: 2, Previous: 1},
		{Term: "page", Count: 2, Previous: 1},
		{Term: "parking", Count: 2, Previous: 2},
		{Term: "permit", Count: 2, Previous: 1},
	}
	allPhrases := []Theme{
		{Term: "card payment", Phrase: true, Count: 2, Previous: 1},
		{Term: "parking permit", Phrase: true, Count: 2, Previous: 1},
		{Term: "payment failed", Phrase: true, Count: 2, Previous: 1},
	}
	noPrevious := func(themes []Theme) []Theme {
		out := slices.Clone(themes)
		for i := range out {
			out[i].Previous = 0
		}
		return out
	}
	tests := []struct {
		name              string
		current, previous []string
		limit             int
		words, phrases    []Theme
	}{
		{"all", current, previous, 10, allWords, allPhrases},
		{"limit", current, previous, 2, allWords[:2], allPhrases[:2]},
		{"limit breaks ties by term", current, previous, 3, allWords[:3], allPhrases},
		{"zero limit", current, previous, 0, nil, nil},
		{"no previous period", current, nil, 10, noPrevious(allWords), noPrevious(allPhrases)},
		{"one text is not a theme", current[:1], nil, 10, nil, nil},
		{"no texts", nil, previous, 10, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			words, phrases := Top(tt.current, tt.previous, tt.limit)
			if !slices.Equal(words, tt.words) {
				t.Errorf("words = %+v\nwant    %+v", words, tt.words)
			}
			if !slices.Equal(phrases, tt.phrases) {
				t.Errorf("phrases = %+v\nwant      %+v", phrases, tt.phrases)
			}
		})
	}
}

// TestTopCountsMentions checks the promise the inbox relies on: a theme's
// counts are the numbers of texts whose normal form mentions it.
func TestTopCountsMentions(t *testing.T) {
	t.Parallel()
	cur, prev := genCorpus(3, 2000), genCorpus(4, 1500)
	words, phrases := Top(cur, prev, 50)
	// Random text has few phrases above the minimum support (1 %).
	if len(words) < 20 || len(phrases) < 3 {
		t.Fatalf("got %d words and %d phrases, want at least 20 and 3", len(words), len(phrases))
	}
	for _, th := range slices.Concat(words, phrases) {
		if c, p := mentioning(cur, th.Term), mentioning(prev, th.Term); th.Count != c || th.Previous != p {
			t.Errorf("%+v: %d and %d texts mention it", th, c, p)
		}
	}
}

// mentioning counts the texts whose normal form mentions term.
func mentioning(texts []string, term string) int {
	n := 0
	for _, text := range texts {
		if Mentions(Normalize(text), term) {
			n++
		}
	}
	return n
}

func TestThemeChange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		theme  Theme
		change int
		isNew  bool
	}{
		{"rising", Theme{Count: 5, Previous: 2}, 3, false},
		{"falling", Theme{Count: 2, Previous: 5}, -3, false},
		{"new", Theme{Count: 4}, 4, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.theme.Change(); got != tt.change {
				t.Errorf("Change() = %d, want %d", got, tt.change)
			}
			if got := tt.theme.New(); got != tt.isNew {
				t.Errorf("New() = %v, want %v", got, tt.isNew)
			}
		})
	}
}

// TestMinimumSupport: among many texts a theme needs 1 % of them, not just
// two: two mentions among 300 comments are noise.
func TestMinimumSupport(t *testing.T) {
	var texts []string
	for i := range 300 {
		texts = append(texts, fmt.Sprintf("comment number %d about nothing in particular", i))
	}
	texts[0], texts[1] = "the parking permit renewal was slow", "parking permit renewal failed twice"
	_, phrases := Top(texts, nil, 10)
	for _, p := range phrases {
		if p.Term == "permit renewal" {
			t.Fatalf("a phrase in 2 of 300 texts is listed: %+v", p)
		}
	}
	texts[2] = "why is permit renewal so hard"
	_, phrases = Top(texts, nil, 10)
	if !slices.ContainsFunc(phrases, func(p Theme) bool { return p.Term == "permit renewal" && p.Count == 3 }) {
		t.Fatalf("a phrase in 3 of 300 texts (1 %%) is not listed: %+v", phrases)
	}
	if got := []int{minSupport(0), minSupport(150), minSupport(250), minSupport(1000)}; !slices.Equal(got, []int{2, 2, 3, 10}) {
		t.Fatalf("minSupport = %v", got)
	}
}
