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

// DefaultSnippets are the forms that work on pages with no script at all:
// "Is this page useful?", "Report a problem with this page", each posting
// to base/feedback; the optional widget script (widget.Script), which turns
// them into in-place forms and fills in the page's address; and the link
// to the hosted satisfaction survey. Without the script, the page's own
// address goes in the url field. The hidden website field is the honeypot,
// which people never see and robots fill in.
func DefaultSnippets(base string, s *catalog.Service) []Snippet {
	domain := "www.example.gov"
	if len(s.Domains) > 0 {
		domain = s.Domains[0]
	}
	esc := template.HTMLEscapeString
	// Both forms may be on one page, so each has its own honeypot id.
	head := func(form string) string {
		return `<form method="post" action="` + esc(base) + `/feedback" data-liveops-feedback>
  <input type="hidden" name="domain" value="` + esc(domain) + `">
  <input type="hidden" name="url" value="https://` + esc(domain) + `/THE-PAGE-PATH">
  <div hidden><label for="feedback-` + form + `-website">Leave this empty</label>
    <input type="text" id="feedback-` + form + `-website" name="website" tabindex="-1" autocomplete="off"></div>
`
	}
	useful := head("useful") + `  <input type="hidden" name="kind" value="useful">
  <fieldset>
    <legend>Is this page useful?</legend>
    <input type="radio" id="feedback-useful-yes" name="useful" value="yes">
    <label for="feedback-useful-yes">Yes</label>
    <input type="radio" id="feedback-useful-no" name="useful" value="no">
    <label for="feedback-useful-no">No</label>
  </fieldset>
  <label for="feedback-comment">How should we improve this page? (optional)</label>
  <textarea id="feedback-comment" name="comment" rows="3" maxlength="2000"></textarea>
  <button type="submit">Send</button>
</form>`
	problem := head("problem") + `  <input type="hidden" name="kind" value="problem">
  <h2>Report a problem with this page</h2>
  <label for="feedback-doing">What were you doing?</label>
  <textarea id="feedback-doing" name="doing" rows="3" maxlength="2000"></textarea>
  <label for="feedback-wrong">What went wrong?</label>
  <textarea id="feedback-wrong" name="wrong" rows="3" maxlength="2000"></textarea>
  <p>Do not include personal information, such as your name, email address or phone number.</p>
  <button type="submit">Send</button>
</form>`
	script := `<script src="` + esc(base+widget.Script().VersionedPath()) + `" defer></script>`
	survey := `<a href="` + esc(base) + `/survey/` + esc(s.Slug) + `">What did you think of this service?</a> (takes 30 seconds)`
	return []Snippet{
		{ID: "useful", Title: "Is this page useful?", Code: useful,
			Help: "Put this at the foot of each page, with the page’s address in the url field. Answers arrive in the inbox as “useful” items."},
		{ID: "problem", Title: "Report a problem with this page", Code: problem,
			Help: "Put this below “Is this page useful?”, or on a page of its own. Reports arrive as “problem” items."},
		{ID: "widget", Title: "The widget script (optional)", Code: script,
			Help: "Put this once in each page with the forms above, if the page may load script from liveops. It sends the forms without leaving the page and fills in the page’s address. Without it the forms still work."},
		{ID: "survey", Title: "Satisfaction survey link", Code: survey,
			Help: "Put this on the service’s confirmation page. The survey is hosted by liveops and needs no code on the service; answers make the user satisfaction figure."},
	}
}
