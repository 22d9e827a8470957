package brand

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/i18n"
	"github.com/liveops/liveops/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// MaxLogo bounds a logo's size.
const MaxLogo = 256 << 10

// minContrast is WCAG 2.2 AA's for text: the header's white text is drawn
// on the organisation's colour.
const minContrast = 4.5

// Handler serves the branding pages, the organisation's stylesheet and
// its logo.
type Handler struct {
	b     *Brand
	cat   *catalog.Catalog
	site  *web.Site
	pages *web.Pages
}

// NewHandler parses the branding pages.
func NewHandler(b *Brand, cat *catalog.Catalog, site *web.Site) (*Handler, error) {
	pages, err := site.Pages(templateFS, "templates")
	if err != nil {
		return nil, fmt.Errorf("brand pages: %w", err)
	}
	return &Handler{b: b, cat: cat, site: site, pages: pages}, nil
}

// Routes registers the pages.
func (h *Handler) Routes(rt *web.Router) {
	rt.Page("GET /branding", h.orgPage)
	rt.Page("POST /branding", h.saveOrg)
	rt.Page("GET /services/{slug}/public", h.servicePage)
	rt.Page("POST /services/{slug}/public", h.saveService)
	rt.Open("GET /brand.css", h.site.Handle(h.style))
	rt.Open("GET /brand/logo", h.site.Handle(h.logo))
}

type orgData struct {
	Org      Organisation
	Langs    []i18n.Lang
	HasLogo  bool
	LogoURL  string
	Contrast string
}

func (h *Handler) admin(r *http.Request) error {
	if !auth.From(r.Context()).IsAdmin() {
		return fault.Forbiddenf("only administrators may change how public pages look")
	}
	return nil
}

func (h *Handler) orgPage(w http.ResponseWriter, r *http.Request) error {
	if err := h.admin(r); err != nil {
		return err
	}
	o, err := h.b.Org(r.Context())
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "brand/org", h.orgData(o), nil)
}

func (h *Handler) orgData(o Organisation) orgData {
	d := orgData{Org: o, Langs: i18n.Langs, HasLogo: o.LogoType != ""}
	if d.HasLogo {
		d.LogoURL = fmt.Sprintf("/brand/logo?v=%d", o.Version)
	}
	return d
}

func (h *Handler) saveOrg(w http.ResponseWriter, r *http.Request) error {
	if err := h.admin(r); err != nil {
		return err
	}
	// The CSRF check has read the form, files too (web.MaxFormBytes).
	before, err := h.b.Org(r.Context())
	if err != nil {
		return err
	}
	o := Organisation{
		Name:             strings.TrimSpace(r.PostFormValue("org_name")),
		Colour:           normColour(r.PostFormValue("colour")),
		SupportText:      strings.TrimSpace(r.PostFormValue("support_text")),
		SupportURL:       strings.TrimSpace(r.PostFormValue("support_url")),
		PrivacyURL:       strings.TrimSpace(r.PostFormValue("privacy_url")),
		AccessibilityURL: strings.TrimSpace(r.PostFormValue("accessibility_url")),
		DefaultLang:      r.PostFormValue("default_lang"),
		PoweredBy:        r.PostFormValue("powered_by") == "yes",
		LogoType:         before.LogoType,
		Version:          before.Version,
	}
	var errs web.FormErrors
	if len(o.Name) > 120 {
		errs.Add("org_name", "The organisation’s name must be 120 characters or fewer")
	}
	if o.Colour != "" {
		if c, err := Contrast(o.Colour, "#ffffff"); err != nil {
			errs.Add("colour", "Enter the colour as # and six hexadecimal digits, such as #0b3d91")
		} else if c < minContrast {
			errs.Add("colour", fmt.Sprintf("Choose a darker colour: white text on %s has a contrast of %.1f:1, and pages need at least %.1f:1", o.Colour, c, minContrast))
		}
	}
	if len(o.SupportText) > 200 {
		errs.Add("support_text", "The support text must be 200 characters or fewer")
	}
	for _, f := range []struct{ id, v, what string }{{"support_url", o.SupportURL, "support page"},
		{"privacy_url", o.PrivacyURL, "privacy notice"}, {"accessibility_url", o.AccessibilityURL, "accessibility statement"}} {
		if f.v != "" && !webURL(f.v) {
			errs.Add(f.id, "Enter the "+f.what+"’s address starting with https://, or leave it empty")
		}
	}
	if !i18n.Supported(o.DefaultLang) {
		errs.Add("default_lang", "Choose the language public pages open in")
	}
	logo, logoType, logoProblem := readLogo(r)
	if logoProblem != "" {
		errs.Add("logo", logoProblem)
	}
	if len(errs) > 0 {
		return h.pages.Render(w, r, http.StatusBadRequest, "brand/org", h.orgData(o), errs)
	}
	audit.Changed(r.Context(), before, o)
	if err := h.b.SaveOrg(r.Context(), o); err != nil {
		return err
	}
	switch {
	case logo != nil:
		err = h.b.SetLogo(r.Context(), logo, logoType)
	case r.PostFormValue("remove_logo") == "yes":
		err = h.b.SetLogo(r.Context(), nil, "")
	}
	if err != nil {
		return err
	}
	web.SetFlash(w, r, "Saved. Public pages show the change within 10 seconds.")
	return web.Redirect(w, r, "/branding")
}

// webURL is whether s is an absolute http(s) address.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(s) <= 500
}

// readLogo reads the uploaded logo: PNG, JPEG or SVG of at most MaxLogo;
// nil when none was chosen, and what is wrong with it for the form.
func readLogo(r *http.Request) (data []byte, typ, problem string) {
	f, _, err := r.FormFile("logo")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, "", ""
	}
	if err != nil {
		return nil, "", "Could not read the logo: choose the file again"
	}
	defer f.Close()
	if data, err = io.ReadAll(io.LimitReader(f, MaxLogo+1)); err != nil {
		return nil, "", "Could not read the logo: choose the file again"
	}
	switch {
	case len(data) == 0:
		return nil, "", ""
	case len(data) > MaxLogo:
		return nil, "", "The logo must be 256 KB or smaller"
	}
	switch typ := http.DetectContentType(data); typ {
	case "image/png", "image/jpeg":
		return data, typ, ""
	}
	if isSVG(data) {
		return data, "image/svg+xml", ""
	}
	return nil, "", "The logo must be a PNG, JPEG or SVG image"
}

// isSVG is whether data looks like an SVG document.
func isSVG(data []byte) bool {
	head := bytes.ToLower(data[:min(len(data), 1024)])
	head = bytes.TrimSpace(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")))
	return (bytes.HasPrefix(head, []byte("<svg")) || bytes.HasPrefix(head, []byte("<?xml"))) && bytes.Contains(head, []byte("<svg"))
}

// style is the organisation's colours as a stylesheet: pages may carry no
// inline style under the content security policy.
func (h *Handler) style(w http.ResponseWriter, r *http.Request) error {
	o, err := h.b.Org(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	if o.Colour == "" || normColour(o.Colour) != o.Colour {
		_, err = io.WriteString(w, "/* liveops' own colours */\n")
		return err
	}
	_, err = fmt.Fprintf(w, ":root { --brand: %s; }\n.public-header { background: var(--brand); }\n", o.Colour)
	return err
}

// logo serves the logo. An SVG is sent with a policy that runs nothing in
// it, were it opened on its own.
func (h *Handler) logo(w http.ResponseWriter, r *http.Request) error {
	data, typ, err := h.b.Logo(r.Context())
	if err != nil {
		return err
	}
	if data == nil {
		return fault.NotFoundf("logo")
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, err = w.Write(data)
	return err
}

type serviceData struct {
	Service  *catalog.Service
	Brand    Service
	Langs    []i18n.Lang
	CanWrite bool
}

func (h *Handler) service(r *http.Request, write bool) (*catalog.Service, error) {
	if write {
		return h.cat.Writable(r, "You can see this service’s public pages but not change them.")
	}
	return h.cat.Readable(r)
}

func (h *Handler) servicePage(w http.ResponseWriter, r *http.Request) error {
	s, err := h.service(r, false)
	if err != nil {
		return err
	}
	sb, err := h.b.Service(r.Context(), s.ID)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "brand/service", serviceData{Service: s, Brand: sb, Langs: i18n.Langs,
		CanWrite: auth.From(r.Context()).CanWrite(s.ID)}, nil)
}

func (h *Handler) saveService(w http.ResponseWriter, r *http.Request) error {
	s, err := h.service(r, true)
	if err != nil {
		return err
	}
	sb := Service{PublicName: strings.TrimSpace(r.PostFormValue("public_name")), WelshName: strings.TrimSpace(r.PostFormValue("public_name_cy")),
		ServiceURL: strings.TrimSpace(r.PostFormValue("service_url")), DefaultLang: r.PostFormValue("default_lang")}
	var errs web.FormErrors
	if len(sb.PublicName) > 120 {
		errs.Add("public_name", "The public name must be 120 characters or fewer")
	}
	if len(sb.WelshName) > 120 {
		errs.Add("public_name_cy", "The public name in Welsh must be 120 characters or fewer")
	}
	if sb.ServiceURL != "" && !webURL(sb.ServiceURL) {
		errs.Add("service_url", "Enter the address the service starts at, starting with https://, or leave it empty")
	}
	if sb.DefaultLang != "" && !i18n.Supported(sb.DefaultLang) {
		errs.Add("default_lang", "Choose the language the service’s public pages open in")
	}
	if len(errs) > 0 {
		return h.pages.Render(w, r, http.StatusBadRequest, "brand/service", serviceData{Service: s, Brand: sb, Langs: i18n.Langs, CanWrite: true}, errs)
	}
	before, err := h.b.Service(r.Context(), s.ID)
	if err != nil {
		return err
	}
	audit.Changed(r.Context(), before, sb)
	if err := h.b.SaveService(r.Context(), s.ID, sb); err != nil {
		return err
	}
	web.SetFlash(w, r, "Saved.")
	return web.Redirect(w, r, "/services/"+s.Slug+"/public")
}
