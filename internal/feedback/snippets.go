package feedback

import (
	"html/template"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/feedback/widget"
)

// Snippet is something a service pastes into its pages to collect
// feedback: HTML, or an address to link to.
type Snippet struct {
	ID    string // unique on the page, for its anchor and label
	Title string
	Help  string // what it is for and where it goes
	Code  string // shown as text, to copy
}

// SnippetStyles are the markups the forms come in: plain HTML, or with
// the classes of GOV.UK Frontend (for services built on it, whose pages
// then style the forms as their own).
var SnippetStyles = []struct{ Value, Label string }{{"", "Plain HTML"}, {"govuk", "GOV.UK Frontend"}}

// DefaultSnippets are the forms that work on pages with no script at all:
// "Is this page useful?", "Report a problem with this page", each posting
// to base/feedback; the optional widget script (widget.Script), which turns
// them into in-place forms; and the link to the hosted satisfaction
// survey. The page a form was sent from comes from the browser (the
// widget, or else the Referer): nobody edits a page path into the forms.
// The hidden website field is the honeypot, which people never see and
// robots fill in. style is one of SnippetStyles.
func DefaultSnippets(base string, s *catalog.Service, style string) []Snippet {
	domain := "www.example.gov"
	if len(s.Domains) > 0 {
		domain = s.Domains[0]
	}
	esc := template.HTMLEscapeString
	govuk := style == "govuk"
	// class gives the GOV.UK Frontend class attribute, or nothing.
	class := func(c string) string {
		if !govuk {
			return ""
		}
		return ` class="` + c + `"`
	}
	// group wraps a question in GOV.UK's form group.
	group := func(inner string) string {
		if !govuk {
			return inner
		}
		return `  <div class="govuk-form-group">
` + inner + `  </div>
`
	}
	// Both forms may be on one page, so each has its own honeypot id.
	head := func(form string) string {
		return `<form method="post" action="` + esc(base) + `/feedback" data-liveops-feedback>
  <input type="hidden" name="domain" value="` + esc(domain) + `">
  <div hidden><label for="feedback-` + form + `-website">Leave this empty</label>
    <input type="text" id="feedback-` + form + `-website" name="website" tabindex="-1" autocomplete="off"></div>
`
	}
	textarea := func(id, name, label string) string {
		return group(`  <label for="` + id + `"` + class("govuk-label") + `>` + label + `</label>
  <textarea id="` + id + `" name="` + name + `" rows="3" maxlength="2000"` + class("govuk-textarea") + `></textarea>
`)
	}
	button := `  <button type="submit"` + class("govuk-button") + `>Send</button>
</form>`
	radios := `    <input type="radio" id="feedback-useful-yes" name="useful" value="yes">
    <label for="feedback-useful-yes">Yes</label>
    <input type="radio" id="feedback-useful-no" name="useful" value="no">
    <label for="feedback-useful-no">No</label>
`
	if govuk {
		radios = `    <div class="govuk-radios govuk-radios--inline" data-module="govuk-radios">
      <div class="govuk-radios__item">
        <input class="govuk-radios__input" type="radio" id="feedback-useful-yes" name="useful" value="yes">
        <label class="govuk-label govuk-radios__label" for="feedback-useful-yes">Yes</label>
      </div>
      <div class="govuk-radios__item">
        <input class="govuk-radios__input" type="radio" id="feedback-useful-no" name="useful" value="no">
        <label class="govuk-label govuk-radios__label" for="feedback-useful-no">No</label>
      </div>
    </div>
`
	}
	useful := head("useful") + `  <input type="hidden" name="kind" value="useful">
` + group(`  <fieldset`+class("govuk-fieldset")+`>
    <legend`+class("govuk-fieldset__legend govuk-fieldset__legend--s")+`>Is this page useful?</legend>
`+radios+`  </fieldset>
`) + textarea("feedback-comment", "comment", "How should we improve this page? (optional)") + button
	problem := head("problem") + `  <input type="hidden" name="kind" value="problem">
  <h2` + class("govuk-heading-m") + `>Report a problem with this page</h2>
` + textarea("feedback-doing", "doing", "What were you doing?") + textarea("feedback-wrong", "wrong", "What went wrong?") +
		`  <p` + class("govuk-body") + `>Do not include personal information, such as your name, email address or phone number.</p>
` + button
	script := `<script src="` + esc(base+widget.Script().VersionedPath()) + `" defer></script>`
	survey := `<a href="` + esc(base) + `/survey/` + esc(s.Slug) + `"` + class("govuk-link") + `>What did you think of this service?</a> (takes 30 seconds)`
	const where = " The page it was sent from is filled in by the widget script, or else taken from what the browser says it came from: browsers tell another site the whole address only when the page allows it, so give the pages with the form the header Referrer-Policy: no-referrer-when-downgrade (or <meta name=\"referrer\" content=\"no-referrer-when-downgrade\">), or add the widget."
	return []Snippet{
		{ID: "useful", Title: "Is this page useful?", Code: useful,
			Help: "Put this at the foot of each page. Answers arrive in the inbox as “useful” items." + where},
		{ID: "problem", Title: "Report a problem with this page", Code: problem,
			Help: "Put this below “Is this page useful?”, or on a page of its own. Reports arrive as “problem” items." + where},
		{ID: "widget", Title: "The widget script (optional)", Code: script,
			Help: "Put this once in each page with the forms above, if the page may load script from liveops. It sends the forms without leaving the page and adds the page’s address. Without it the forms still work."},
		{ID: "survey", Title: "Satisfaction survey link", Code: survey,
			Help: "Put this on the service’s confirmation page. The survey is hosted by liveops and needs no code on the service; answers make the user satisfaction figure."},
	}
}
