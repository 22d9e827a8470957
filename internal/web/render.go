package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:embed templates/*.html
var baseFS embed.FS

//go:embed pages/*.html
var pagesFS embed.FS

// Site holds what every page shares: the layout, the static assets and the
// record of which templates have been executed (for the test that no
// template is dead).
type Site struct {
	base    *template.Template
	assets  map[string]asset
	errPage *template.Template
	// Fallback wraps the answer to an address no route knows, so that the
	// 404 page can know who is signed in (the app sets the session loader).
	Fallback Middleware

	nav []NavItem

	mu       sync.Mutex
	executed map[string]bool
	all      map[string]bool
}

// NewSite parses the layout and fingerprints the static assets.
func NewSite() (*Site, error) {
	s := &Site{executed: map[string]bool{}, all: map[string]bool{}}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	s.base, err = template.New("layout").Funcs(s.funcs()).ParseFS(baseFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	own, err := s.Pages(pagesFS, "pages")
	if err != nil {
		return nil, err
	}
	s.errPage = own.pages["error"]
	return s, nil
}

// NavItem is an entry of the main navigation, shown to people signed in.
type NavItem struct {
	Label, Path string
	AdminOnly   bool // shown to administrators only
}

// AddNav adds areas' entries to the main navigation, between Services and
// the account's own entries. Call it while wiring the app, before serving.
func (s *Site) AddNav(items ...NavItem) { s.nav = append(s.nav, items...) }

// Pages is one area's set of page templates, each parsed on its own copy
// of the layout so that every page can define the same blocks.
type Pages struct {
	site  *Site
	pages map[string]*template.Template
	parts *template.Template // the layout's and the area's partials
}

// Pages parses the *.html files under dir of fsys. Files whose names start
// with "_" are partials shared by the area's pages; every other file is a
// page that defines "title" and "main" (and may define "head"), parsed on
// its own copy of the layout so that every page can define the same blocks.
// A page is rendered by its path under dir without the extension, e.g.
// "services/edit". (Embed the folder with the all: prefix, or go:embed
// leaves the "_" files out.)
func (s *Site) Pages(fsys fs.FS, dir string) (*Pages, error) {
	p := &Pages{site: s, pages: map[string]*template.Template{}}
	areaBase, err := s.base.Clone()
	if err != nil {
		return nil, err
	}
	var pages []string
	err = fs.WalkDir(fsys, dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".html" {
			return err
		}
		if !strings.HasPrefix(path.Base(name), "_") {
			pages = append(pages, name)
			return nil
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		if _, err := areaBase.New(name).Parse(string(b)); err != nil {
			return fmt.Errorf("parse %s: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("parse pages in %s: %w", dir, err)
	}
	if p.parts, err = areaBase.Clone(); err != nil {
		return nil, err
	}
	for _, name := range pages {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		key := strings.TrimSuffix(strings.TrimPrefix(name, dir+"/"), ".html")
		t, err := areaBase.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.New(key).Parse(string(b)); err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		p.pages[key] = t
		s.mu.Lock()
		s.all[key] = true
		s.mu.Unlock()
	}
	return p, nil
}

// View is what a page template receives: the area's data in .Data and the
// layout's needs beside it.
type View struct {
	Title  string
	Viewer *Viewer
	CSRF   string
	Flash  string
	Path   string
	Nav    []NavItem // the areas' entries of the main navigation
	Errors FormErrors
	Data   any
	// Public is set on the pages the public sees (WithPublic): the layout
	// then shows the organisation's and the service's name, not liveops'.
	Public *Public
}

// Render executes page name with data and writes it with status. It renders
// into a buffer first, so a template error becomes a clean 500 rather than
// half a page.
func (p *Pages) Render(w http.ResponseWriter, r *http.Request, status int, name string, data any, errs FormErrors) error {
	t, ok := p.pages[name]
	if !ok {
		return fmt.Errorf("render: no page %q", name)
	}
	return p.site.execute(w, r, status, t, name, data, errs)
}

// RenderPart executes one template an area's partial defines, alone, with
// data: a piece of a page that the page's script refreshes in place. The
// page works without it (the piece is as of when the page loaded).
func (p *Pages) RenderPart(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	t := p.parts.Lookup(name)
	if t == nil {
		return fmt.Errorf("render: no partial %q", name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

func (s *Site) execute(w http.ResponseWriter, r *http.Request, status int, t *template.Template, name string, data any, errs FormErrors) error {
	v := View{
		Viewer: ViewerFrom(r.Context()),
		CSRF:   CSRFToken(r.Context()),
		Flash:  takeFlash(w, r),
		Path:   r.URL.Path,
		Nav:    s.nav,
		Errors: errs,
		Data:   data,
		Public: PublicFrom(r.Context()),
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	s.mu.Lock()
	s.executed[name] = true
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	if err != nil {
		slog.Debug("write page", "page", name, "err", err)
	}
	return nil
}

func (s *Site) renderError(w http.ResponseWriter, r *http.Request, e *Error) {
	if err := s.execute(w, r, e.Status, s.errPage, "error", e, nil); err != nil {
		slog.Error("render error page", "err", err)
		http.Error(w, e.Message, e.Status)
	}
}

// NeverExecuted lists the page templates that no request has rendered yet;
// the end-to-end test walks every page and requires this to be empty.
func (s *Site) NeverExecuted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for name := range s.all {
		if !s.executed[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Site) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": s.assetURL,
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2 Jan 2006")
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2 Jan 2006 15:04 UTC")
		},
		"isodate": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"join":    strings.Join,
		"tr":      tr,
		"field":   fieldArgs,
		"pager": func(label, prev string, page, pages int, next string) map[string]any {
			return map[string]any{"Label": label, "Prev": prev, "Page": page, "Pages": pages, "Next": next}
		},
		"plural": func(n any, one, many string) string {
			if fmt.Sprint(n) == "1" {
				return one
			}
			return many
		},
	}
}

// fieldArgs packs the arguments of the "field" partial: a field id, its
// label, its current value, the form's errors and an optional hint.
func fieldArgs(id, label string, value any, errs FormErrors, hint ...string) map[string]any {
	m := map[string]any{"ID": id, "Label": label, "Value": value, "Error": errs.For(id)}
	var describedBy []string
	if len(hint) > 0 && hint[0] != "" {
		m["Hint"] = hint[0]
		describedBy = append(describedBy, id+"-hint")
	}
	if m["Error"] != "" {
		describedBy = append(describedBy, id+"-error")
	}
	m["DescribedBy"] = strings.Join(describedBy, " ")
	return m
}

// asset is one embedded static file with the fingerprint in its URL.
type asset struct {
	body        []byte
	contentType string
	hash        string
}

//go:embed static
var staticFS embed.FS

func loadAssets() (map[string]asset, error) {
	out := map[string]asset{}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		b, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		ct := "application/octet-stream"
		switch path.Ext(e.Name()) {
		case ".css":
			ct = "text/css; charset=utf-8"
		case ".js":
			ct = "text/javascript; charset=utf-8"
		case ".svg":
			ct = "image/svg+xml"
		case ".ico":
			ct = "image/x-icon"
		}
		out[e.Name()] = asset{body: b, contentType: ct, hash: hex.EncodeToString(sum[:6])}
	}
	return out, nil
}

func (s *Site) assetURL(name string) (string, error) {
	a, ok := s.assets[name]
	if !ok {
		return "", fmt.Errorf("no static asset %q", name)
	}
	return "/static/" + a.hash + "/" + name, nil
}

// ServeStatic answers GET /static/{hash}/{name}. The hash makes every URL
// immutable, so it may be cached for a year.
func (s *Site) ServeStatic(w http.ResponseWriter, r *http.Request) {
	a, ok := s.assets[r.PathValue("name")]
	if !ok {
		s.Fail(w, r, NotFound("file"))
		return
	}
	if r.PathValue("hash") == a.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Write(a.body)
}
