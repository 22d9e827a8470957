package monitor

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/i18n"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// How long browsers and shared caches may keep the status page, and the
// badges, which sit in other sites' READMEs and pages.
const (
	statusMaxAge = 30 * time.Second
	badgeMaxAge  = 60 * time.Second
)

// statusRoutes registers the public status page and its feeds. They are
// open routes (no session, no CSRF cookie), as the performance pages are:
// the same for everybody, so shared caches may keep them, which a page
// that sets a cookie must not let them.
func (m *Monitor) statusRoutes(rt *web.Router) {
	rt.Open("GET /status/{slug}", m.site.Handle(m.statusHTML))
	rt.Open("GET /status/{slug}/history.atom", m.site.Handle(m.statusAtom))
	rt.Open("GET /status/{slug}/badge.svg", m.site.Handle(m.statusBadge))
	rt.Open("GET /status/{slug}/uptime.svg", m.site.Handle(m.uptimeBadge))
	rt.Open("GET /status/{slug}/api/v2/{file...}", m.site.Handle(m.statuspageJSON))
}

// publicService is the service the path names when it is public and not
// archived; any other is not found, so that the page does not tell a
// private service from one that does not exist.
func (m *Monitor) publicService(r *http.Request) (*catalog.Service, error) {
	s, err := m.cat.BySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, store.ErrNotFound) || err == nil && (!s.Public || s.Archived()) {
		return nil, web.NotFound("page")
	}
	return s, err
}

// readPublic reads the status of the public service the path names (see
// readStatus).
func (m *Monitor) readPublic(r *http.Request, bars bool) (*statusPage, error) {
	s, err := m.publicService(r)
	if err != nil {
		return nil, err
	}
	return m.readStatus(r.Context(), s, m.now(), bars)
}

// present readies the public page of s in its branding, and says its
// language: English without Options.Public.
func (m *Monitor) present(r *http.Request, s *catalog.Service) (*http.Request, string, error) {
	if m.public == nil {
		return r, i18n.English, nil
	}
	return m.public(r, s)
}

func (m *Monitor) statusHTML(w http.ResponseWriter, r *http.Request) error {
	p, err := m.readPublic(r, true)
	if err != nil {
		return err
	}
	s := p.Service
	r, lang, err := m.present(r, s)
	if err != nil {
		return err
	}
	name, langQuery := s.Name, ""
	if pub := web.PublicFrom(r.Context()); pub != nil && pub.ServiceName != "" {
		name = pub.ServiceName
	}
	if l := r.URL.Query().Get("lang"); i18n.Supported(l) {
		langQuery = "?lang=" + l
	}
	var page bufferedResponse
	if err := m.pages.Render(&page, r, http.StatusOK, "monitor/status", newStatusView(p, name, lang, langQuery), nil); err != nil {
		return err
	}
	serveCached(w, r, statusMaxAge, "text/html; charset=utf-8", page.body.Bytes())
	return nil
}

// serveCached answers with body that any cache may keep for maxAge, with
// an entity tag of its bytes, so that a client revalidating gets 304 Not
// Modified when nothing changed. Feeds and badges are read by other sites
// and tools, so any origin may read them.
func serveCached(w http.ResponseWriter, r *http.Request, maxAge time.Duration, contentType string, body []byte) {
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(maxAge.Seconds())))
	h.Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	h.Set("Access-Control-Allow-Origin", "*")
	// ServeContent answers If-None-Match with 304, and HEAD.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// bufferedResponse keeps a rendered page, to tag and serve it whole.
type bufferedResponse struct {
	header http.Header
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header {
	if b.header == nil {
		b.header = http.Header{}
	}
	return b.header
}
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferedResponse) WriteHeader(int)             {}

// pageURL is the status page's address.
func pageURL(r *http.Request, s *catalog.Service) string {
	return web.Origin(r) + "/status/" + s.Slug
}
