package themes

import (
	"testing"
	"unicode"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"only whitespace", " \t\n  ", ""},
		{"only punctuation", "!!! ... ???", ""},
		{"only emoji", "👍🎉", ""},
		{"only tags", "[email] [phone]", ""},
		{"sentence", "I couldn't pay by card, the payment page timed out.",
			" i couldnt pay by card the payment page timed out "},
		{"case", "PAYMENT Page", " payment page "},
		{"typographic apostrophe", "couldn’t wasn‘t can＇t it ʼs", " couldnt wasnt cant it s "},
		{"quotes around words", "'quoted' users' forms", " quoted users forms "},
		{"hyphen", "sign-in re-enter", " sign in re enter "},
		{"dash", "9–5 — closed", " 9 5 closed "},
		{"digits", "paid £20.50 on 3/4, ref 12ab", " paid 20 50 on 3 4 ref 12ab "},
		{"accents", "Café ÜBER naïve", " café über naïve "},
		{"macrons", "Whānau Ōtautahi", " whānau ōtautahi "},
		{"greek capitals", "ΣΟΦΙΑ", " σοφια "},
		{"cyrillic", "Оплата картой", " оплата картой "},
		{"combining mark kept in word", "wha\u0304nau", " wha\u0304nau "},
		{"combining mark alone", "\u0304 card", " card "},
		{"devanagari marks", "हिन्दी भाषा", " हिन्दी भाषा "},
		{"emoji between words", "great👍service", " great service "},
		{"emoji with variation selector", "❤️love ok\ufe0f", " love ok "},
		{"soft hyphen", "pay\u00adment", " payment "},
		{"zero width joiner", "pay\u200dment", " payment "},
		{"zero width space separates", "ก\u200bข", " ก ข "},
		{"no-break space", "card\u00a0payment", " card payment "},
		{"whitespace runs", "card  \t\n\r payment", " card payment "},
		{"tags", "Contact me at [email] or [PHONE], card [card-number]",
			" contact me at or card "},
		{"service rule tags", "ref [case_ref2] [Référence] [2]", " ref "},
		{"tag joins nothing", "foo[email]bar", " foo bar "},
		{"brackets that are not tags", "[e mail] [sic [] [x.y] [a%]", " e mail sic x y a "},
		{"unclosed bracket", "see [query", " see query "},
		{"invalid utf-8", "ab\xffcd", " ab cd "},
		{"underscore and percent", "a_b 100%", " a b 100 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := Normalize(tt.want); got != tt.want {
				t.Errorf("Normalize(%q) = %q, not idempotent", tt.want, got)
			}
		})
	}
}

// TestLowerIdempotent checks, for every rune, what Normalize's idempotence
// rests on: a rune it keeps is kept the same way when normalised again.
func TestLowerIdempotent(t *testing.T) {
	t.Parallel()
	for r := rune(0); r <= unicode.MaxRune; r++ {
		lr := unicode.ToLower(r)
		kept := unicode.IsLetter(lr) || unicode.IsDigit(lr) || unicode.IsMark(lr)
		if !kept || ignorable(r) {
			continue
		}
		if unicode.ToLower(lr) != lr || ignorable(lr) {
			t.Errorf("rune %U lowers to %U, which normalises differently", r, lr)
		}
	}
}

func TestMentions(t *testing.T) {
	t.Parallel()
	n := Normalize("Card payment failed")
	tests := []struct {
		name, normalized, term string
		want                   bool
	}{
		{"first word", n, "card", true},
		{"last word", n, "failed", true},
		{"phrase", n, "card payment", true},
		{"words not adjacent", n, "card failed", false},
		{"word prefix", n, "car", false},
		{"word suffix", n, "ard", false},
		{"empty term", n, "", false},
		{"term with spaces", n, " card", false},
		{"uppercase term", n, "Card", false},
		{"empty text", "", "card", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Mentions(tt.normalized, tt.term); got != tt.want {
				t.Errorf("Mentions(%q, %q) = %v, want %v", tt.normalized, tt.term, got, tt.want)
			}
		})
	}
}
