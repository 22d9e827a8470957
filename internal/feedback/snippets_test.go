package feedback

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/catalog"
)

// TestSnippetsNeedNoEditing: neither markup has a placeholder to fill in,
// both post the same fields, and the GOV.UK one carries GOV.UK Frontend's
// classes for each control.
func TestSnippetsNeedNoEditing(t *testing.T) {
	s := &catalog.Service{Slug: "renew", Domains: []string{"renew.example.gov"}}
	plain, govuk := DefaultSnippets("https://liveops.example.gov", s, ""), DefaultSnippets("https://liveops.example.gov", s, "govuk")
	for i := range plain {
		for _, sn := range []Snippet{plain[i], govuk[i]} {
			if strings.Contains(sn.Code, "THE-PAGE-PATH") || strings.Contains(sn.Code, `name="url"`) {
				t.Errorf("%s asks for editing:\n%s", sn.ID, sn.Code)
			}
		}
		for _, field := range []string{`name="domain"`, `name="kind"`, `name="useful"`, `name="comment"`, `name="doing"`, `name="wrong"`, `name="website"`} {
			if strings.Count(plain[i].Code, field) != strings.Count(govuk[i].Code, field) {
				t.Errorf("%s: %s differs between the markups", plain[i].ID, field)
			}
		}
	}
	for _, class := range []string{"govuk-radios__input", "govuk-fieldset__legend", "govuk-textarea", "govuk-label", "govuk-button", "govuk-form-group"} {
		if !strings.Contains(govuk[0].Code, class) {
			t.Errorf("the GOV.UK form lacks %s:\n%s", class, govuk[0].Code)
		}
		if strings.Contains(plain[0].Code, class) {
			t.Errorf("the plain form has %s", class)
		}
	}
}

// TestRefererPage: a form without a url field is filed under the page the
// browser says it came from, if that is one of the service's, without its
// query; an origin alone says nothing of the page.
func TestRefererPage(t *testing.T) {
	s := &catalog.Service{Domains: []string{"renew.example.gov"}}
	for ref, want := range map[string]string{
		"https://renew.example.gov/apply/step-2?email=pat@example.com#x": "https://renew.example.gov/apply/step-2",
		"https://www.renew.example.gov/start":                            "https://www.renew.example.gov/start",
		"https://renew.example.gov/":                                     "",
		"https://renew.example.gov":                                      "",
		"https://evil.example.org/apply":                                 "",
		"javascript:alert(1)":                                            "",
		"":                                                               "",
	} {
		r := httptest.NewRequest("POST", "/feedback", nil)
		if ref != "" {
			r.Header.Set("Referer", ref)
		}
		if got := refererPage(r, s); got != want {
			t.Errorf("refererPage(%q) = %q, want %q", ref, got, want)
		}
	}
}
