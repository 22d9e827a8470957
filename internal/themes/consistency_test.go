package themes

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// checkText checks what the inbox relies on for one text: Normalize's output
// is well formed and idempotent, and Terms(text) holds exactly the theme
// words and phrases that Normalize(text) mentions.
func checkText(t *testing.T, text string) {
	t.Helper()
	n := Normalize(text)
	checkNormalized(t, text, n)
	if again := Normalize(n); again != n {
		t.Fatalf("Normalize(%q) = %q, Normalize of that = %q", text, n, again)
	}

	got := Terms(text)
	if fromN := Terms(n); !slices.Equal(fromN, got) {
		t.Fatalf("Terms(%q) = %q, Terms of its normal form = %q", text, got, fromN)
	}
	seen := make(map[string]bool)
	for _, term := range got {
		if seen[term] {
			t.Fatalf("Terms(%q) lists %q twice", text, term)
		}
		seen[term] = true
		if !Mentions(n, term) || !strings.Contains(n, " "+term+" ") {
			t.Fatalf("Terms(%q) has %q, which %q does not mention", text, term, n)
		}
		w := strings.Split(term, " ")
		if len(w) > 2 || !themeWord(w[0]) || !themeWord(w[len(w)-1]) || len(w) == 2 && w[0] == w[1] {
			t.Fatalf("Terms(%q) has %q, which is not one or two different theme words", text, term)
		}
	}

	// Every theme word and pair of different ones in n must be a term: a
	// filter on a term Terms left out would return comments its count missed.
	words := strings.Fields(n)
	for i, w := range words {
		if themeWord(w) && !seen[w] {
			t.Fatalf("Terms(%q) = %q misses word %q", text, got, w)
		}
		if i > 0 && themeWord(w) && themeWord(words[i-1]) && w != words[i-1] && !seen[words[i-1]+" "+w] {
			t.Fatalf("Terms(%q) = %q misses phrase %q", text, got, words[i-1]+" "+w)
		}
	}
}

// checkNormalized checks the form of n, the normal form of text: "" or words
// of lowercase letters, digits and marks, each after one space, and a space
// at the end.
func checkNormalized(t *testing.T, text, n string) {
	t.Helper()
	if n == "" {
		return
	}
	if !utf8.ValidString(n) || len(n) < 3 || n[0] != ' ' || n[len(n)-1] != ' ' || strings.Contains(n, "  ") {
		t.Fatalf("Normalize(%q) = %q, not spaced words", text, n)
	}
	for _, r := range n {
		ok := r == ' ' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
		if !ok || unicode.ToLower(r) != r {
			t.Fatalf("Normalize(%q) = %q, holds %q", text, n, r)
		}
	}
}

func TestConsistency(t *testing.T) {
	t.Parallel()
	texts := genCorpus(1, 3000)
	all := make(map[string]bool)
	for _, text := range texts {
		checkText(t, text)
		for _, term := range Terms(text) {
			all[term] = true
		}
	}
	// Across texts too: a text mentions a term of any other text exactly
	// when its own Terms list it.
	for _, text := range texts {
		n := Normalize(text)
		own := Terms(text)
		for term := range all {
			if Mentions(n, term) != slices.Contains(own, term) {
				t.Fatalf("Mentions(%q, %q) = %v, but Terms = %q", n, term, Mentions(n, term), own)
			}
		}
	}
}

func FuzzTerms(f *testing.F) {
	for _, s := range genCorpus(2, 30) {
		f.Add(s)
	}
	f.Add("")
	f.Add("I couldn't pay by card, the payment page timed out")
	f.Add("[email] foo[phone]bar [x")
	f.Fuzz(func(t *testing.T, text string) {
		checkText(t, text)
	})
}
