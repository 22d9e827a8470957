package scrub

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits on a Rule.
const (
	maxNameLen    = 32
	maxPatternLen = 500
)

// Rule is a service's own shape of personal data, such as the format of its
// case references.
type Rule struct {
	// Name is the tag written in place of a match: "case-ref" writes
	// "[case-ref]". It is 1 to 32 of a-z, 0-9 and "-".
	Name string
	// Pattern is a Go (RE2) regular expression of at most 500 bytes that
	// cannot match the empty string. It is matched against the text between
	// tags, after the built-ins, so "^", "$" and "\b" also hold at a tag's
	// edges and a pattern never sees a tag.
	Pattern string
}

// RuleError says why a Rule cannot be used. Field is "name" or "pattern", so
// a settings form can show Msg next to the field it is about.
type RuleError struct {
	Name  string // the rule's name as given
	Field string // "name" or "pattern"
	Msg   string // for the person writing the rule: "must not match the empty string"
	Err   error  // the regexp package's error, when the pattern does not compile
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("scrub rule %q: %s %s", e.Name, e.Field, e.Msg)
}

func (e *RuleError) Unwrap() error { return e.Err }

// ValidateRule reports whether r can be used in New. The error is a
// *RuleError when the name is not 1 to 32 of a-z, 0-9 and "-", is a
// built-in tag's name, or would itself be scrubbed; or when the pattern is
// empty, longer than 500 bytes, does not compile, or matches the empty
// string.
func ValidateRule(r Rule) error {
	_, err := compileRule(r)
	return err
}

func compileRule(r Rule) (rule, error) {
	nameErr := func(msg string) error { return &RuleError{Name: r.Name, Field: "name", Msg: msg} }
	patternErr := func(msg string, err error) error {
		return &RuleError{Name: r.Name, Field: "pattern", Msg: msg, Err: err}
	}
	switch {
	case len(r.Name) == 0 || len(r.Name) > maxNameLen:
		return rule{}, nameErr(fmt.Sprintf("must be 1 to %d characters", maxNameLen))
	case strings.IndexFunc(r.Name, func(c rune) bool { return !isTagChar(c) }) >= 0:
		return rule{}, nameErr("may only hold a-z, 0-9 and -")
	case slices.Contains(builtinNames[:], r.Name):
		return rule{}, nameErr(fmt.Sprintf("is taken by the built-in tag [%s]", r.Name))
	case Default().String("["+r.Name+"]") != "["+r.Name+"]":
		// A tag the built-ins would scrub ("[ab123456c]") would not survive
		// the next pass.
		return rule{}, nameErr("looks like personal data itself")
	case r.Pattern == "":
		return rule{}, patternErr("is empty", nil)
	case len(r.Pattern) > maxPatternLen:
		return rule{}, patternErr(fmt.Sprintf("is longer than %d bytes", maxPatternLen), nil)
	}
	re, err := regexp.Compile(r.Pattern)
	if err != nil {
		msg := err.Error()
		if serr, ok := errors.AsType[*syntax.Error](err); ok {
			msg = fmt.Sprintf("%s: `%s`", serr.Code, serr.Expr)
		}
		return rule{}, patternErr("does not compile: "+msg, err)
	}
	// Checked on the syntax tree because an empty match may need context
	// ("\b", "$") that no single probe string gives. An empty match would
	// insert tags forever.
	parsed, _ := syntax.Parse(r.Pattern, syntax.Perl)
	if nullable(parsed) {
		return rule{}, patternErr("must not match the empty string", nil)
	}
	lit, fold := requiredLiteral(parsed)
	return rule{tag: "[" + r.Name + "]", re: re, literal: lit, fold: fold}, nil
}

func isTagChar(c rune) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' }

// nullable reports whether re can match without consuming any text. Empty-
// width assertions count as satisfiable, so the answer errs towards yes.
func nullable(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpNoMatch, syntax.OpLiteral, syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return re.Op == syntax.OpLiteral && len(re.Rune) == 0
	case syntax.OpCapture, syntax.OpPlus:
		return nullable(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min == 0 || nullable(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !nullable(sub) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		return slices.ContainsFunc(re.Sub, nullable)
	}
	// Empty match, star, quest and the line, text and word assertions.
	return true
}

// rule is a compiled Rule.
type rule struct {
	tag string
	re  *regexp.Regexp
	// literal is text every match holds, in any case if fold. Most text
	// lacks it, and looking for it is far cheaper than running re.
	literal string
	fold    bool
}

// scrub replaces the rule's matches in the stretches of text between tags.
func (r rule) scrub(text string, tags map[string]bool) (string, bool) {
	if !r.mayMatch(text) {
		return text, false
	}
	w := rewriter{src: text}
	for from := 0; from < len(text); {
		start, end := nextTag(text, from, tags)
		for _, m := range r.re.FindAllStringIndex(text[from:start], -1) {
			w.replace(from+m[0], from+m[1], r.tag)
		}
		from = end
	}
	return w.result()
}

// nextTag returns the bounds of the first tag in text at or after from, or
// len(text) twice when there is none.
func nextTag(text string, from int, tags map[string]bool) (start, end int) {
	for {
		i := strings.IndexByte(text[from:], '[')
		if i < 0 {
			return len(text), len(text)
		}
		start = from + i
		j := strings.IndexByte(text[start+1:min(len(text), start+2+maxNameLen)], ']')
		if j > 0 && tags[text[start+1:start+1+j]] {
			return start, start + 2 + j
		}
		from = start + 1
	}
}

// requiredLiteral returns text that every match of re holds, and whether it
// is to be found in any case; "" when there is none. The regexp package
// only looks for a literal prefix, which "\bCASE-\d+" does not have.
func requiredLiteral(re *syntax.Regexp) (lit string, fold bool) {
	switch re.Op {
	case syntax.OpLiteral:
		lit, fold = string(re.Rune), re.Flags&syntax.FoldCase != 0
		// Folding takes "s" to "ſ" and "k" to the Kelvin sign, and most
		// letters outside ASCII to others; only the rest can be looked for
		// byte by byte.
		if fold && strings.IndexFunc(lit, func(c rune) bool { return c >= utf8.RuneSelf || c|0x20 == 's' || c|0x20 == 'k' }) >= 0 {
			return "", false
		}
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiteral(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min > 0 {
			return requiredLiteral(re.Sub[0])
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if l, f := requiredLiteral(sub); len(l) > len(lit) {
				lit, fold = l, f
			}
		}
	}
	return lit, fold
}

// mayMatch reports whether text holds the rule's literal, or the rule has
// none.
func (r rule) mayMatch(text string) bool {
	switch {
	case r.literal == "":
		return true
	case !r.fold:
		return strings.Contains(text, r.literal)
	}
	first := r.literal[0] | 0x20
	for i := 0; i+len(r.literal) <= len(text); i++ {
		if text[i]|0x20 == first && strings.EqualFold(text[i:i+len(r.literal)], r.literal) {
			return true
		}
	}
	return false
}
