package themes

import (
	"math/rand/v2"
	"strings"
)

// fragments are what generated texts are made of: theme words, stop words,
// and everything Normalize has to handle.
var fragments = []string{
	"card", "payment", "failed", "page", "parking", "permit", "renewal",
	"timed", "booking", "appointment", "council", "refund", "Card", "PAYMENT",
	"the", "and", "to", "of", "for", "was", "could", "please", "thanks", "by",
	"couldn't", "didn’t", "I'm", "it's", "sign-in", "e-mail", "re-book",
	"404", "2fa", "p60", "4g", "£20.50", "3/4", "12ab", "gp", "nhs", "app",
	"café", "Über", "whānau", "wha\u0304nau", "Ōtautahi", "ΣΟΦΙΑ", "оплата",
	"हिन्दी", "ก\u200bข", "👍", "❤️", "🎉🎉", "pay\u00adment", "ok\ufe0f",
	"[email]", "[phone]", "[card]", "[query]", "[card-number]", "[case_ref2]", "[1]", "[sic", "[a b]",
	"]", "'", "’", "-", "—", "%", "_", "\\", "\xff", "\u0304",
}

// separators go between fragments.
var separators = []string{" ", " ", " ", " ", ", ", ". ", "  ", "\n", "\t", "-", "", "!", "? ", "\u00a0"}

// genText makes a text of n fragments.
func genText(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(separators[r.IntN(len(separators))])
		}
		b.WriteString(fragments[r.IntN(len(fragments))])
	}
	return b.String()
}

// genCorpus makes n texts of up to 20 fragments, the same for the same seed.
func genCorpus(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	texts := make([]string, n)
	for i := range texts {
		texts[i] = genText(r, r.IntN(21))
	}
	return texts
}
