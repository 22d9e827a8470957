// Package scrub removes personal data from free text before it is written
// anywhere: feedback comments, analytics page paths and properties, and the
// error messages that quote them. Each match is replaced by a tag saying what
// was there ("[email]", "[phone]"), so the text still reads and can still be
// counted, but the data is gone.
//
// The built-in detectors are hand-written scanners rather than regular
// expressions: they run on every analytics event, and a scanner can check a
// card's Luhn digit or an IRD number's check digit where a pattern cannot.
// A service adds its own shapes (case references, customer numbers) as Rules.
package scrub

import "strings"

// The tags the built-in detectors write.
const (
	tagEmail    = "[email]"
	tagPhone    = "[phone]"
	tagCard     = "[card]"
	tagNI       = "[ni-number]"
	tagIRD      = "[ird-number]"
	tagSSN      = "[ssn]"
	tagPostcode = "[postcode]"
	tagIP       = "[ip]"
	tagQuery    = "[query]"
	tagIBAN     = "[iban]"
	tagLogin    = "[login]"
)

// builtinNames are the names inside the built-in tags, which a Rule may not reuse.
var builtinNames = [...]string{
	"email", "phone", "card", "ni-number", "ird-number", "ssn", "postcode", "ip", "query", "iban", "login",
}

// maxPasses bounds String's passes. A pass that changes the text only ever
// turns untagged text into tags, and the built-in shapes settle by the third
// pass; the bound keeps a custom rule that matches only where a tag now
// ends (say `x$`) from costing a pass per character.
const maxPasses = 8

// Scrubber replaces personal data in free text by tags. The built-in
// detectors run first, then the custom rules in the order given. It is
// immutable once made, so one Scrubber may be shared by any number of
// goroutines. Text with nothing to replace costs no allocation.
type Scrubber struct {
	rules []rule
	// tags holds the name of every tag this Scrubber writes; custom rules
	// look for matches only between tags, so a tag is never matched again.
	tags map[string]bool
}

var defaultScrubber = newScrubber()

// Default returns a Scrubber with the built-in detectors only. It is shared
// and immutable.
func Default() *Scrubber { return defaultScrubber }

// New returns a Scrubber with the built-in detectors and the given rules.
// The error is a *RuleError naming the first rule that cannot be used and
// what is wrong with it; see ValidateRule.
func New(rules ...Rule) (*Scrubber, error) {
	s := newScrubber()
	for _, r := range rules {
		compiled, err := compileRule(r)
		if err != nil {
			return nil, err
		}
		s.rules = append(s.rules, compiled)
		s.tags[r.Name] = true
	}
	return s, nil
}

func newScrubber() *Scrubber {
	s := &Scrubber{tags: make(map[string]bool, len(builtinNames))}
	for _, name := range builtinNames {
		s.tags[name] = true
	}
	return s
}

// String returns text with personal data replaced by tags. When nothing
// matches it returns text itself, without allocating. The result is stable,
// String(String(x)) == String(x), except under a custom rule that matches
// only where its own tags end (such as `x$`), which String stops chasing
// after eight passes.
func (s *Scrubber) String(text string) string {
	text = plainSeparators(text)
	set := detectorsFor(text)
	// A replacement can complete a shape beside it: a tag's "]" is a word
	// boundary where the digit it replaced was not. Passes repeat until the
	// text settles, which is what makes String idempotent.
	for range maxPasses {
		out, changed := s.pass(text, set)
		if !changed {
			break
		}
		text = out
	}
	return text
}

// The built-in detectors, in the order a pass runs them: URLs go first,
// as a query string is replaced whole, whatever is in it.
var detectors = [...]struct {
	scrub func(string) (string, bool)
	// needs are the bytes one of which the text must hold for the
	// detector to find anything; "" for any text.
	needs string
}{
	{scrubURLs, ":"},
	{scrubBareURLs, "?#"},
	{scrubEmails, "@%"},
	{scrubSpelledEmails, "([{<"},
	{scrubTokens, "0123456789"},
}

// detectorsFor says which built-in detectors can find anything in text,
// a bit each, from one look at its bytes: most analytics paths need none.
// Tags never add a byte a detector needs ("[" only starts a tag, which
// scrubSpelledEmails does not take), so the answer holds for every pass.
func detectorsFor(text string) uint8 {
	var seen [256]bool
	for i := 0; i < len(text); i++ {
		seen[text[i]] = true
	}
	var set uint8
	for k, d := range detectors {
		for j := 0; j < len(d.needs); j++ {
			if seen[d.needs[j]] {
				set |= 1 << k
				break
			}
		}
	}
	return set
}

func (s *Scrubber) pass(text string, set uint8) (string, bool) {
	changed := false
	for k, d := range detectors {
		if set&(1<<k) == 0 {
			continue
		}
		if out, ok := d.scrub(text); ok {
			text, changed = out, true
		}
	}
	for _, r := range s.rules {
		if out, ok := r.scrub(text, s.tags); ok {
			text, changed = out, true
		}
	}
	return text, changed
}

// plainSeparators turns the Unicode spaces and dashes that pasted text and
// typography put between digits (a no-break space in "020 7946 0958", an
// en dash in a card number) into the ASCII ones the detectors know, and
// the full-width letters, digits and address signs of East Asian input
// ("ｂｏｂ＠ｅｘａｍｐｌｅ．ｃｏｍ", "０２０") into ASCII, as NFKC would.
// Full-width punctuation that only ends a sentence ("，", "！") is left, so
// Chinese and Japanese feedback reads as it was written. Text that is all
// ASCII, nearly all of it, is returned as it is.
func plainSeparators(text string) string {
	ascii := true
	for i := 0; i < len(text); i++ {
		if text[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii || strings.IndexFunc(text, isPlainable) < 0 {
		return text
	}
	return strings.Map(func(r rune) rune {
		switch {
		case isUnicodeDash(r):
			return '-'
		case isUnicodeSpace(r):
			return ' '
		case isFullWidth(r):
			return r - 0xfee0
		case r == 0xfe6b: // small commercial at
			return '@'
		}
		return r
	}, text)
}

func isPlainable(r rune) bool {
	return isUnicodeSpace(r) || isUnicodeDash(r) || isFullWidth(r) || r == 0xfe6b
}

// isFullWidth: the full-width forms of ASCII letters and digits and of the
// signs an address or a number is written with: @ . _ - + % ( ).
func isFullWidth(r rune) bool {
	if r < 0xff05 || r > 0xff5a { // ％ to ｚ: most text stops here
		return false
	}
	switch {
	case r >= 0xff10 && r <= 0xff19, r >= 0xff21 && r <= 0xff3a, r >= 0xff41 && r <= 0xff5a:
		return true
	}
	switch r {
	case '＠', '．', '＿', '－', '＋', '％', '（', '）':
		return true
	}
	return false
}

// isUnicodeSpace: no-break, en, em, thin, hair, narrow no-break and
// ideographic spaces, and their kin.
func isUnicodeSpace(r rune) bool {
	return r == 0x00a0 || r >= 0x2000 && r <= 0x200a || r == 0x202f || r == 0x205f || r == 0x3000
}

// isUnicodeDash: hyphens, figure dash, en and em dashes, minus sign.
func isUnicodeDash(r rune) bool { return r >= 0x2010 && r <= 0x2015 || r == 0x2212 }
