package enrich

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
)

//go:embed data/crawler-user-agents.json
var crawlerJSON []byte

// extraBotTokens are HTTP clients the crawler list does not name (checked
// against version 1.60.0); matched case-insensitively anywhere in the UA.
var extraBotTokens = []string{"java/", "postmanruntime", "dart:io", "insomnia/", "guzzlehttp",
	// Generic words, as device detectors' catch-all bot rule has them:
	// Plausible drops "generic crawler".
	"crawler", "spider", "scraper"}

// genericBot reports a word ending in "bot" ("somebot/1.0", "my-bot"), the
// catch-all that a named crawler list misses. The phone maker CUBOT is not
// a bot.
func genericBot(ua string) bool {
	for i := 0; i+3 <= len(ua); i++ {
		if ua[i]|0x20 != 'b' || ua[i+1]|0x20 != 'o' || ua[i+2]|0x20 != 't' {
			continue
		}
		if j := i + 3; j < len(ua) && isLetter(ua[j]) {
			continue // "bottle", "Bottom"
		}
		if i >= 2 && ua[i-2]|0x20 == 'c' && ua[i-1]|0x20 == 'u' && (i == 2 || !isLetter(ua[i-3])) {
			continue // CUBOT
		}
		return true
	}
	return false
}

func isLetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

// botPattern is one entry of the crawler list: a plain substring when the
// pattern has no regexp syntax (most do not), else a regexp. Regexps are
// compiled on their first candidate hit: most never get one, and compiled
// they would hold ~1.5 MB.
type botPattern struct {
	plain string
	expr  string
	any   bool // an extra token: the literal hit alone decides

	once sync.Once
	re   *regexp.Regexp
}

func (p *botPattern) match(ua string) bool {
	switch {
	case p.any:
		return true
	case p.expr != "":
		p.once.Do(func() { p.re, _ = regexp.Compile(p.expr) }) // parsed in New already
		return p.re != nil && p.re.MatchString(ua)
	default:
		return strings.Contains(ua, p.plain)
	}
}

// botMatcher checks a user agent against ~1,500 crawler patterns without
// running 1,500 regexps: each pattern is indexed by a literal that every
// match must contain, one Aho-Corasick pass finds the literals present, and
// only those few patterns are tried. Patterns with no usable literal are
// tried every time.
type botMatcher struct {
	ac       *acMatcher
	litOwner []int32 // literal id -> pattern index
	patterns []*botPattern
	always   []int32 // patterns without a literal
}

func newBotMatcher() (*botMatcher, error) {
	var list []struct {
		Pattern string `json:"pattern"`
	}
	if err := json.Unmarshal(crawlerJSON, &list); err != nil {
		return nil, err
	}
	m := &botMatcher{}
	var lits []string
	for _, e := range list {
		if e.Pattern == "" {
			continue // would match every user agent
		}
		p := &botPattern{plain: e.Pattern}
		if regexp.QuoteMeta(e.Pattern) != e.Pattern {
			p = &botPattern{expr: e.Pattern}
		}
		idx := int32(len(m.patterns))
		m.patterns = append(m.patterns, p)
		req := []string{strings.ToLower(e.Pattern)}
		if p.expr != "" {
			parsed, err := syntax.Parse(e.Pattern, syntax.Perl)
			if err != nil {
				return nil, fmt.Errorf("pattern %q: %w", e.Pattern, err)
			}
			req = requiredLiterals(parsed.Simplify())
		}
		if minLen(req) < 2 {
			m.always = append(m.always, idx)
			continue
		}
		for _, l := range req {
			lits = append(lits, l)
			m.litOwner = append(m.litOwner, idx)
		}
	}
	for _, t := range extraBotTokens {
		m.patterns = append(m.patterns, &botPattern{any: true})
		lits = append(lits, t)
		m.litOwner = append(m.litOwner, int32(len(m.patterns)-1))
	}
	ac, err := newACMatcher(lits)
	if err != nil {
		return nil, err
	}
	m.ac = ac
	return m, nil
}

func (m *botMatcher) match(ua string) bool {
	found := false
	m.ac.match(ua, func(id int32) bool {
		found = m.patterns[m.litOwner[id]].match(ua)
		return !found
	})
	if found {
		return true
	}
	for _, i := range m.always {
		if m.patterns[i].match(ua) {
			return true
		}
	}
	return false
}

// requiredLiterals returns lower-case strings such that every match of re
// contains at least one of them, or nil when no such set is known.
func requiredLiterals(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}
	case syntax.OpCharClass:
		if r, ok := foldedRune(re.Rune); ok {
			return []string{string(r)}
		}
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiterals(re.Sub[0])
		}
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			l := requiredLiterals(sub)
			if l == nil {
				return nil
			}
			all = append(all, l...)
		}
		return all
	case syntax.OpConcat:
		var best []string
		var run strings.Builder
		flush := func() {
			if run.Len() > 0 {
				if c := []string{run.String()}; betterLiterals(c, best) {
					best = c
				}
				run.Reset()
			}
		}
		for _, sub := range re.Sub {
			if s, ok := exactLiteral(sub); ok {
				run.WriteString(s)
				continue
			}
			flush()
			if l := requiredLiterals(sub); l != nil && betterLiterals(l, best) {
				best = l
			}
		}
		flush()
		return best
	}
	return nil
}

// exactLiteral reports whether re matches exactly one string (ignoring ASCII
// case), so that neighbouring literals can be joined into a longer one.
func exactLiteral(re *syntax.Regexp) (string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return strings.ToLower(string(re.Rune)), true
	case syntax.OpCharClass:
		if r, ok := foldedRune(re.Rune); ok {
			return string(r), true
		}
	case syntax.OpCapture:
		return exactLiteral(re.Sub[0])
	}
	return "", false
}

// foldedRune reports whether a character class holds one letter in its cases
// (like [wW]) or one rune, and returns it in lower case.
func foldedRune(ranges []rune) (rune, bool) {
	var r rune = -1
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i] != ranges[i+1] {
			return 0, false
		}
		c := []rune(strings.ToLower(string(ranges[i])))[0]
		if r >= 0 && c != r {
			return 0, false
		}
		r = c
	}
	return r, r >= 0
}

// betterLiterals prefers the set whose shortest literal is longest (fewer
// false hits), then the smaller set.
func betterLiterals(a, b []string) bool {
	if b == nil {
		return true
	}
	if ma, mb := minLen(a), minLen(b); ma != mb {
		return ma > mb
	}
	return len(a) < len(b)
}

func minLen(lits []string) int {
	if len(lits) == 0 {
		return 0
	}
	n := len(lits[0])
	for _, l := range lits[1:] {
		n = min(n, len(l))
	}
	return n
}
