package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/liveops/liveops/internal/i18n"
)

// Public is how a page the public sees presents itself: in the
// organisation's and the service's name and colours, in the reader's
// language, with the organisation's support, privacy and accessibility
// links; liveops itself shows only as an optional "powered by". The
// layout uses it when the request carries one (WithPublic).
type Public struct {
	Lang             string // i18n code of the page
	OrgName          string
	LogoURL          string // "" for none
	StyleURL         string // the organisation's colours, as a stylesheet
	ServiceName      string // the service's public name; "" on organisation pages
	ServiceURL       string // where the service starts, for the link back
	SupportText      string
	SupportURL       string
	PrivacyURL       string
	AccessibilityURL string
	PoweredBy        bool
	Switch           []LangLink // the same page in each other language
}

// LangLink is the page in another language.
type LangLink struct {
	Code, Name, Href string
}

type publicKey struct{}

// WithPublic marks a request's page as a public one, presented as p.
func WithPublic(r *http.Request, p *Public) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), publicKey{}, p))
}

// PublicFrom is the request's public presentation, or nil.
func PublicFrom(ctx context.Context) *Public {
	p, _ := ctx.Value(publicKey{}).(*Public)
	return p
}

// PageLang picks a public page's language: the lang parameter when it
// names one there is, or else fallback.
func PageLang(r *http.Request, fallback string) string {
	if l := r.URL.Query().Get("lang"); i18n.Supported(l) {
		return l
	}
	if i18n.Supported(fallback) {
		return fallback
	}
	return i18n.English
}

// LangSwitch links the request's page in every language but lang.
func LangSwitch(r *http.Request, lang string) []LangLink {
	var out []LangLink
	for _, l := range i18n.Langs {
		if l.Code == lang {
			continue
		}
		q := url.Values{}
		for k, v := range r.URL.Query() {
			q[k] = v
		}
		q.Set("lang", l.Code)
		out = append(out, LangLink{Code: l.Code, Name: l.Name, Href: r.URL.Path + "?" + q.Encode()})
	}
	return out
}

// tr translates msg for a public page (English when p is nil).
func tr(p *Public, msg string, args ...any) string {
	lang := i18n.English
	if p != nil {
		lang = p.Lang
	}
	return i18n.T(lang, msg, args...)
}
