package monitor

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/area"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
	"github.com/liveops/liveops/internal/web/webtest"
)

// site serves the monitor's pages and API over real HTTP behind webtest's
// fake authentication, for one service in Europe/London, with private
// targets allowed (the tests' servers are on loopback) and one release
// note an hour ago on the charts.
type site struct {
	*webtest.Server
	t    *testing.T
	db   *store.DB
	m    *Monitor
	svc  *catalog.Service
	base string
}

// releaseNote is the note the site's charts draw.
const releaseNote = "Release 2.3: new payment page"

func newSite(t *testing.T, db *store.DB, wrap ...web.Middleware) *site {
	t.Helper()
	ws, err := web.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.New(db)
	svc, err := cat.Create(context.Background(), catalog.Input{Name: "Apply for a permit", Slug: "apply", Domains: []string{"apply.example.gov"},
		Timezone: "Europe/London"})
	if err != nil {
		t.Fatal(err)
	}
	notes := func(ctx context.Context, serviceID int64, from, to time.Time) ([]Note, error) {
		at := time.Now().Add(-time.Hour).Truncate(time.Minute)
		if serviceID != svc.ID || at.Before(from) || !at.Before(to) {
			return nil, nil
		}
		return []Note{{At: at, Label: releaseNote}}, nil
	}
	m, err := New(area.Env{DB: db, Site: ws, Catalog: cat}, Options{AllowPrivate: true, Notes: notes})
	if err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, db: db, m: m, svc: svc, base: "/services/apply/monitor"}
	s.Server = webtest.NewServer(t, ws, func(rt *web.Router) {
		m.apiRoutes(rt)
		m.pageRoutes(rt)
	}, func(mux *http.ServeMux) http.Handler {
		mux.HandleFunc("GET /static/{hash}/{name}", ws.ServeStatic)
		return web.Chain(ws.Mux(mux), append(wrap, web.SecurityHeaders())...)
	})
	return s
}

// add adds a check through the form as the editor and returns its id.
func (s *site) add(b *webtest.Browser, typ string, form url.Values) int64 {
	s.t.Helper()
	b.Get(s.base+"/checks/new?type="+typ, http.StatusOK)
	form.Set("type", typ)
	resp, page := b.Post(s.base+"/checks/new", form, http.StatusSeeOther)
	loc := resp.Header.Get("Location")
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, s.base+"/checks/"), 10, 64)
	if err != nil {
		s.t.Fatalf("add %s: redirected to %q\n%s", typ, loc, page)
	}
	return id
}

// check reads a check from the store.
func (s *site) check(id int64) *Check {
	s.t.Helper()
	c, err := s.m.Checks.Get(context.Background(), s.svc.ID, id)
	if err != nil {
		s.t.Fatalf("check %d: %v", id, err)
	}
	return c
}

// seed writes results of a check through writeResults, so that the
// rollups are real: one a minute over the last span, down in the given
// minutes ago, taking ms milliseconds.
func (s *site) seed(id int64, span time.Duration, every time.Duration, ms func(i int) int, down func(i int) bool) int {
	s.t.Helper()
	now := time.Now().UTC()
	var batch []Result
	n := 0
	for at := now.Add(-span); at.Before(now); at = at.Add(every) {
		r := Result{CheckID: id, At: at, Status: probe.Up, Duration: time.Duration(ms(n)) * time.Millisecond, StatusCode: 200,
			Timings: probe.Timings{DNS: time.Millisecond, Connect: 2 * time.Millisecond, FirstByte: 40 * time.Millisecond}}
		if down(n) {
			r.Status, r.Reason, r.StatusCode = probe.Down, "status 503, expected 200", 503
		}
		batch = append(batch, r)
		n++
		if len(batch) == 2000 {
			if _, err := writeResults(context.Background(), s.db, batch); err != nil {
				s.t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if _, err := writeResults(context.Background(), s.db, batch); err != nil {
		s.t.Fatal(err)
	}
	return n
}
