package feedback

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/web"
)

// settingsData is a service's feedback settings page: its scrubber rules
// and the snippets to collect feedback with.
type settingsData struct {
	Service  *catalog.Service
	CanWrite bool
	Rules    []Rule
	Name     string
	Pattern  string
	Snippets []Snippet
	Survey   string
	Style    string // the snippets' markup (SnippetStyles)
	Styles   []styleLink
	// Retention is the days what people write is kept, as the form shows it.
	Retention string
}

type styleLink struct {
	Label, Link string
	Current     bool
}

func (h *Handler) renderSettings(w http.ResponseWriter, r *http.Request, s *catalog.Service, status int, name, pattern string, errs web.FormErrors) error {
	return h.settings(w, r, s, status, settingsData{Name: name, Pattern: pattern}, errs)
}

// renderSettingsRetention shows the settings again with the retention
// form's problems.
func (h *Handler) renderSettingsRetention(w http.ResponseWriter, r *http.Request, s *catalog.Service, retention string, errs web.FormErrors) error {
	return h.settings(w, r, s, http.StatusBadRequest, settingsData{Retention: retention}, errs)
}

func (h *Handler) settings(w http.ResponseWriter, r *http.Request, s *catalog.Service, status int, d settingsData, errs web.FormErrors) error {
	rules, err := h.fb.Rules(r.Context(), s.ID)
	if err != nil {
		return err
	}
	if d.Retention == "" {
		days, err := h.fb.TextRetentionDays(r.Context(), s.ID)
		if err != nil {
			return err
		}
		d.Retention = strconv.Itoa(days)
	}
	base := web.Origin(r)
	d.Service, d.CanWrite, d.Rules = s, auth.From(r.Context()).CanWrite(s.ID), rules
	d.Style = r.URL.Query().Get("style")
	if d.Style != "govuk" {
		d.Style = ""
	}
	for _, st := range SnippetStyles {
		link := "/services/" + s.Slug + "/feedback/settings"
		if st.Value != "" {
			link += "?style=" + st.Value
		}
		d.Styles = append(d.Styles, styleLink{Label: st.Label, Link: link + "#collect", Current: st.Value == d.Style})
	}
	d.Snippets, d.Survey = h.opt.Snippets(base, s, d.Style), base+"/survey/"+s.Slug
	return h.pages.Render(w, r, status, "feedback/settings", d, errs)
}

// settingsPage answers GET /services/{slug}/feedback/settings.
func (h *Handler) settingsPage(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	return h.renderSettings(w, r, s, http.StatusOK, "", "", nil)
}

// addRule answers POST /services/{slug}/feedback/settings/rules.
func (h *Handler) addRule(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	name, pattern := r.PostFormValue("name"), r.PostFormValue("pattern")
	rule, err := h.fb.AddRule(r.Context(), s.ID, name, pattern)
	if ie := (*InputError)(nil); errors.As(err, &ie) {
		return h.renderSettings(w, r, s, ie.Status, name, pattern, ie.Errors)
	}
	if err != nil {
		return err
	}
	web.SetFlash(w, r, "The rule “"+rule.Name+"” is added. Text written from now on is scrubbed with it.")
	return web.Redirect(w, r, "/services/"+s.Slug+"/feedback/settings")
}

// deleteRule answers POST /services/{slug}/feedback/settings/rules/{id}/delete.
func (h *Handler) deleteRule(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	id, err := web.PathID(r, "rule")
	if err != nil {
		return err
	}
	if err := h.fb.DeleteRule(r.Context(), s.ID, id); err != nil {
		return web.NotFoundAs(err, "rule")
	}
	web.SetFlash(w, r, "The rule is deleted.")
	return web.Redirect(w, r, "/services/"+s.Slug+"/feedback/settings")
}

type apiRule struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Pattern   string `json:"pattern"`
	CreatedAt string `json:"created_at"`
}

func toAPIRule(r Rule) apiRule {
	return apiRule{ID: r.ID, Name: r.Name, Pattern: r.Pattern, CreatedAt: r.CreatedAt.UTC().Format(time.RFC3339)}
}

// apiRules answers GET /api/v1/services/{slug}/feedback/rules.
func (h *Handler) apiRules(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	list, err := h.fb.Rules(r.Context(), s.ID)
	if err != nil {
		return err
	}
	out := make([]apiRule, len(list))
	for i, rl := range list {
		out[i] = toAPIRule(rl)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"rules": out})
	return nil
}

// apiAddRule answers POST /api/v1/services/{slug}/feedback/rules with
// {"name", "pattern"}: 201 with the rule.
func (h *Handler) apiAddRule(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	var b struct {
		Name    string `json:"name"`
		Pattern string `json:"pattern"`
	}
	if err := web.DecodeJSON(w, r, MaxPublicBody, &b); err != nil {
		return err
	}
	rule, err := h.fb.AddRule(r.Context(), s.ID, b.Name, b.Pattern)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, toAPIRule(rule))
	return nil
}

// apiDeleteRule answers DELETE /api/v1/services/{slug}/feedback/rules/{id}: 204.
func (h *Handler) apiDeleteRule(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	id, err := web.PathID(r, "rule")
	if err != nil {
		return err
	}
	if err := h.fb.DeleteRule(r.Context(), s.ID, id); err != nil {
		return web.NotFoundAs(err, "rule")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
