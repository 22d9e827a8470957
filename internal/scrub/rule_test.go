package scrub

import (
	"errors"
	"regexp/syntax"
	"strings"
	"testing"
)

func TestValidateRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rule  Rule
		field string // "" when the rule is good
		msg   string // part of the message
	}{
		{"good", Rule{"case-ref", `CASE-\d{6}`}, "", ""},
		{"digits in name", Rule{"ref-2024", `R\d+`}, "", ""},
		{"32 characters", Rule{strings.Repeat("a", 32), `x`}, "", ""},
		{"empty name", Rule{"", `x`}, "name", "1 to 32"},
		{"name too long", Rule{strings.Repeat("a", 33), `x`}, "name", "1 to 32"},
		{"upper case name", Rule{"CaseRef", `x`}, "name", "a-z, 0-9"},
		{"space in name", Rule{"case ref", `x`}, "name", "a-z, 0-9"},
		{"brackets in name", Rule{"[x]", `x`}, "name", "a-z, 0-9"},
		{"built-in email", Rule{"email", `x`}, "name", "built-in"},
		{"built-in query", Rule{"query", `x`}, "name", "built-in"},
		{"name that is an NI number", Rule{"ab123456c", `x`}, "name", "personal data"},
		{"name that is a phone", Rule{"02079460958", `x`}, "name", "personal data"},
		{"empty pattern", Rule{"r", ``}, "pattern", "empty"},
		{"pattern too long", Rule{"r", strings.Repeat("x", 501)}, "pattern", "longer than 500"},
		{"does not compile", Rule{"r", `CASE-(\d+`}, "pattern", "missing closing )"},
		{"Perl lookahead", Rule{"r", `(?=x)`}, "pattern", "does not compile"},
		{"star", Rule{"r", `\d*`}, "pattern", "empty string"},
		{"optional", Rule{"r", `(CASE)?`}, "pattern", "empty string"},
		{"empty alternative", Rule{"r", `CASE|`}, "pattern", "empty string"},
		{"word boundary", Rule{"r", `\b`}, "pattern", "empty string"},
		{"anchors", Rule{"r", `^$`}, "pattern", "empty string"},
		{"zero repeat", Rule{"r", `x{0,3}`}, "pattern", "empty string"},
		{"plus is fine", Rule{"r", `\bx+\b`}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateRule(tt.rule)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("ValidateRule: %v", err)
				}
				return
			}
			re, ok := errors.AsType[*RuleError](err)
			if !ok {
				t.Fatalf("ValidateRule = %v, want a *RuleError", err)
			}
			if re.Field != tt.field || !strings.Contains(re.Msg, tt.msg) || re.Name != tt.rule.Name {
				t.Errorf("got field %q msg %q name %q, want field %q msg containing %q", re.Field, re.Msg, re.Name, tt.field, tt.msg)
			}
			if !strings.Contains(err.Error(), `"`+tt.rule.Name+`"`) {
				t.Errorf("%q does not name the rule", err)
			}
		})
	}
}

func TestRuleErrorUnwrapsTheRegexpError(t *testing.T) {
	t.Parallel()
	err := ValidateRule(Rule{"r", `a(`})
	if _, ok := errors.AsType[*syntax.Error](err); !ok {
		t.Errorf("%v does not wrap a *syntax.Error", err)
	}
}

func TestNewNamesTheBadRule(t *testing.T) {
	t.Parallel()
	_, err := New(Rule{"case-ref", `CASE-\d+`}, Rule{"customer", `C?\d*`})
	if err == nil || !strings.Contains(err.Error(), `"customer"`) {
		t.Errorf("New = %v, want an error naming rule \"customer\"", err)
	}
}

func TestCustomRules(t *testing.T) {
	t.Parallel()
	s, err := New(
		Rule{"case-ref", `\bCASE-\d{6}\b`},
		Rule{"badge", `(?i)\bbadge [a-z]{3}\b`},
	)
	if err != nil {
		t.Fatal(err)
	}
	tests := []scrubCase{
		{"case reference", "about CASE-123456, thanks", "about [case-ref], thanks"},
		{"two references", "CASE-123456 and CASE-654321", "[case-ref] and [case-ref]"},
		{"too short", "CASE-12345", "CASE-12345"},
		{"case-insensitive pattern", "Badge XYZ", "[badge]"},
		{"with built-ins", "CASE-123456 from bob@example.com", "[case-ref] from [email]"},
		{"built-ins run first", "CASE-020794609", "CASE-[phone]"},
		{"tags stay", "[case-ref] [badge] [email]", "[case-ref] [badge] [email]"},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := s.String(c.in); got != c.want {
				t.Errorf("String(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestCustomRulesNeverMatchTags(t *testing.T) {
	t.Parallel()
	// A greedy rule would eat every tag if it could see them.
	s, err := New(Rule{"word", `[a-z]+`}, Rule{"bracketed", `\[[a-z-]+\]`})
	if err != nil {
		t.Fatal(err)
	}
	in := "mail bob@example.com [email] x[phone]y [unknown]"
	want := "[word] [email] [email] [word][phone][word] [[word]]"
	got := s.String(in)
	if got != want {
		t.Errorf("String(%q)\n got %q\nwant %q", in, got, want)
	}
	if again := s.String(got); again != got {
		t.Errorf("not idempotent: %q", again)
	}
}

func TestCustomRuleAtATagsEdgeSettles(t *testing.T) {
	t.Parallel()
	// "y$" matches only at the end of the text between tags, so each
	// replacement makes a new match; String stops after maxPasses.
	s, err := New(Rule{"y", `y$`})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.String("yy"); got != "[y][y]" {
		t.Errorf("String(yy) = %q", got)
	}
	long := strings.Repeat("y", 100)
	if got := s.String(long); strings.Count(got, "[y]") != maxPasses {
		t.Errorf("String(%d y) = %q, want %d tags", len(long), got, maxPasses)
	}
}

func TestNullable(t *testing.T) {
	t.Parallel()
	for pattern, want := range map[string]bool{
		`a`: false, `a*`: true, `a+`: false, `(a|b)`: false, `(a|)`: true, `a?b`: false, `a?b?`: true,
		`\b`: true, `^a`: false, `(?:)`: true, `[a-z]{2,}`: false, `[a-z]{0,2}`: true, `(a*)+`: true, `.`: false,
		`\d{3}-\d{2}`: false, `(?i)x`: false, `\Bx?`: true,
	} {
		re, err := syntax.Parse(pattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := nullable(re); got != want {
			t.Errorf("nullable(%q) = %v, want %v", pattern, got, want)
		}
	}
}

func TestRequiredLiteralNeverSkipsAMatch(t *testing.T) {
	t.Parallel()
	texts := []string{
		"CASE-123456", "case-123456", "Case-1", "caſe-1", "KASE-1", "\u212aASE-1", "ref R-99", "x badge ABC y",
		"BADGE abc", "no match here £5", "", "[case-ref]",
	}
	for _, pattern := range []string{
		`\bCASE-\d{6}\b`, `(?i)case-\d+`, `(?i)kase-\d`, `(?i)\bbadge [a-z]{3}\b`, `R-\d+|CASE-\d`, `(CASE)+-\d`,
		`(?:CASE){2}`, `x?CASE`, `[A-Z]{4}-\d`, `(?i)BADGE`,
	} {
		r, err := compileRule(Rule{"r", pattern})
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range texts {
			if r.re.MatchString(text) && !r.mayMatch(text) {
				t.Errorf("%q matches %q, but its literal %q (fold %v) rules it out", pattern, text, r.literal, r.fold)
			}
		}
	}
}
