package themes

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// minMentions is the fewest texts that must mention a word or phrase for Top
// to list it: a theme of one comment is not a theme.
const minMentions = 2

// minShare is the smallest share of the texts a theme must be mentioned in
// once there are many: among 2,000 texts, two that say "apart" are noise,
// not a theme.
const minShare = 0.01

// minSupport is the fewest texts that must mention a theme among n texts:
// minMentions, or minShare of them when that is more.
func minSupport(n int) int {
	return max(minMentions, int(math.Ceil(minShare*float64(n))))
}

// Theme is a word or two-word phrase that texts in a period mention, with how
// many mention it in that period and in the one before.
type Theme struct {
	Term     string // a word or two words, as in Normalize's output
	Phrase   bool   // Term is two words
	Count    int    // texts in the period that mention Term
	Previous int    // texts in the previous period that mention Term
}

// Change is how many more texts mention the theme than in the previous
// period; it is negative when fewer do.
func (t Theme) Change() int { return t.Count - t.Previous }

// New reports whether no text of the previous period mentioned the theme.
func (t Theme) New() bool { return t.Previous == 0 }

// Top returns the limit words and, separately, the limit phrases that the
// most texts of current mention, as Terms finds them, each with the number of
// texts of previous that mention it. Texts are taken as written, or as
// Normalize gives them: the result is the same. Both lists are ordered by
// Count, most first, then by Term in byte order; a word or phrase needs at
// least two texts to be listed. A limit of zero or less lists nothing.
//
// A phrase and its words are listed independently, even with the same count:
// "card payment" and "payment" read differently, and dropping the word would
// make the word list depend on the phrase list.
func Top(current, previous []string, limit int) (words, phrases []Theme) {
	if limit <= 0 {
		return nil, nil
	}
	var all tally
	for _, text := range current {
		all.text()
		for term, phrase := range terms(Normalize(text)) {
			all.count(all.add(term, phrase))
		}
	}
	words, phrases = all.top(limit)

	// Only the listed themes need counting in the previous period.
	var before tally
	for _, list := range [][]Theme{words, phrases} {
		for _, t := range list {
			before.add(t.Term, t.Phrase)
		}
	}
	for _, text := range previous {
		before.text()
		for term := range terms(Normalize(text)) {
			before.mention(term)
		}
	}
	for _, list := range [][]Theme{words, phrases} {
		for i := range list {
			list[i].Previous = before.countOf(list[i].Term)
		}
	}
	return words, phrases
}

// tally counts the texts that mention each term: a term mentioned twice in a
// text counts once.
type tally struct {
	index map[string]int
	terms []tallied
	texts int // texts seen so far; the current text is number texts
}

type tallied struct {
	Theme
	last int // the last text that mentioned the term
}

// text starts the next text.
func (t *tally) text() { t.texts++ }

// add adds term to the terms counted, if it is new, and returns its index.
func (t *tally) add(term string, phrase bool) int {
	i, ok := t.index[term]
	if !ok {
		if t.index == nil {
			t.index = make(map[string]int)
		}
		// term is a slice of one text; a copy lets the text be freed.
		term = strings.Clone(term)
		i = len(t.terms)
		t.index[term] = i
		t.terms = append(t.terms, tallied{Theme: Theme{Term: term, Phrase: phrase}})
	}
	return i
}

// mention counts a mention of term in the current text if term was added.
func (t *tally) mention(term string) {
	if i, ok := t.index[term]; ok {
		t.count(i)
	}
}

// count counts a mention of the term at index i in the current text.
func (t *tally) count(i int) {
	if e := &t.terms[i]; e.last != t.texts {
		e.last = t.texts
		e.Count++
	}
}

// countOf is the number of texts that mentioned term.
func (t *tally) countOf(term string) int {
	if i, ok := t.index[term]; ok {
		return t.terms[i].Count
	}
	return 0
}

// top returns the limit words and phrases with the highest counts of at
// least minSupport, ordered by count and then term.
func (t *tally) top(limit int) (words, phrases []Theme) {
	least := minSupport(t.texts)
	for _, e := range t.terms {
		switch {
		case e.Count < least:
		case e.Phrase:
			phrases = append(phrases, e.Theme)
		default:
			words = append(words, e.Theme)
		}
	}
	return best(words, limit), best(phrases, limit)
}

// best sorts themes by count, most first, then by term, and keeps limit.
func best(themes []Theme, limit int) []Theme {
	slices.SortFunc(themes, func(a, b Theme) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Term, b.Term))
	})
	return slices.Clip(themes[:min(limit, len(themes))])
}
