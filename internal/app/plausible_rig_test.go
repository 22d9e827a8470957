package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/store/storetest"
)

// The rig runs cases ported from Plausible's own test suite against the
// whole server: each case gets a service of its own (Plausible's "site"),
// its events are stored as Plausible's test factory stores them (straight
// into the event pipeline, with the visitor id, time and visit attributes
// the case gives), and its query goes over HTTP to /api/v2/query with a
// read token, so the answer is compared exactly as a client sees it.

// pev is one event as Plausible's factory builds it: build(:pageview, ...)
// when name is empty, build(:event, name: ...) otherwise. A zero user is a
// visitor of its own (the factory's random user_id); an empty at is now.
type pev struct {
	name     string
	user     int64
	at       string // "2021-01-01 00:25:00", in UTC
	path     string // "/" when empty
	host     string // "example-N.com" when empty, as the factory's sequence
	source   string // referrer_source
	referrer string
	medium   string // utm_medium
	utmSrc   string // utm_source
	campaign string // utm_campaign
	content  string // utm_content
	term     string // utm_term
	device   string // screen_size
	browser  string
	bversion string
	os       string
	osv      string
	country  string // country_code
	region   string // subdivision1_code
	city     int64  // city_geoname_id
	channel  string // acquisition_channel, which Plausible derives from the above
	props    map[string]string
	revenue  string
	// interactive false marks a non-interactive custom event.
	nonInteractive bool
	engagedMS      int64 // engagement events
	scroll         int
}

// placeNames are the English names of the places the ported cases use, by
// country code, region code and GeoNames id, as Plausible's location
// library gives them; a city database gives liveops the same at ingest.
var placeNames = map[string]string{
	"DE": "Germany", "EE": "Estonia", "GB": "United Kingdom", "CA": "Canada", "US": "United States", "IT": "Italy",
	"DE-BE": "Berlin", "EE-37": "Harjumaa", "EE-39": "Hiiumaa", "EE-50": "Jõgevamaa", "EE-79": "Tartumaa",
	"GB-LND": "London", "CA-ON": "Ontario",
	"2950159": "Berlin", "588409": "Tallinn", "591632": "Kärdla", "588335": "Tartu", "591902": "Jõgeva",
	"2643743": "London", "6058560": "London",
}

// The rig's administrator, who may also sign in to the pages.
const rigEmail, rigPassword = "stats@example.gov", "a long rig password for stats"

// loginAdmin signs c in as the rig's administrator.
func loginAdmin(t *testing.T, r *plausibleRig, c *client) {
	t.Helper()
	c.signIn(rigEmail, rigPassword)
}

// plausibleRig is one server and store shared by the cases of one engine.
type plausibleRig struct {
	t     *testing.T
	app   *App
	srv   *httptest.Server
	token string
	next  atomic.Int64
}

func newPlausibleRig(t *testing.T, dsn string) *plausibleRig {
	t.Helper()
	ctx := context.Background()
	a := newTestApp(t, dsn)
	u, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: rigEmail, Role: auth.Admin, AllServices: true, Password: rigPassword})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := a.Accounts.CreateToken(ctx, u, account.NewToken{Name: "stats", Scope: auth.ScopeRead})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return &plausibleRig{t: t, app: a, srv: srv, token: token}
}

// eachEngine runs fn with a rig per store engine (SQLite, and PostgreSQL
// when the test has one).
func eachPlausibleEngine(t *testing.T, fn func(t *testing.T, r *plausibleRig)) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) { fn(t, newPlausibleRig(t, dsn)) })
	}
}

// site is a fresh service, as Plausible's create_site: time zone UTC.
type site struct {
	r      *plausibleRig
	svc    *catalog.Service
	domain string
}

func (r *plausibleRig) site(t *testing.T, timezone string) *site {
	t.Helper()
	n := r.next.Add(1)
	domain := fmt.Sprintf("site-%d.example.gov", n)
	if timezone == "" {
		timezone = "UTC"
	}
	svc, err := r.app.Catalog.Create(context.Background(), catalog.Input{Name: domain, Domains: []string{domain}, Timezone: timezone})
	if err != nil {
		t.Fatal(err)
	}
	return &site{r: r, svc: svc, domain: domain}
}

// goal adds a goal as insert(:goal, ...): an event name or a page path.
func (s *site) goal(t *testing.T, event, page string) {
	t.Helper()
	in := goals.GoalInput{GoalType: goals.KindEvent, EventName: event}
	if page != "" {
		in = goals.GoalInput{GoalType: goals.KindPage, PagePath: page}
	}
	if _, err := s.r.app.Goals.CreateGoal(context.Background(), s.svc.ID, in); err != nil {
		t.Fatal(err)
	}
}

var plausibleUsers atomic.Int64

// populate stores the events as populate_stats does: in time order, each
// visitor's events within 30 minutes of each other making one visit whose
// attributes are its first event's.
func (s *site) populate(t *testing.T, evs ...pev) {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	type timed struct {
		at time.Time
		ev *analytics.Event
	}
	var list []timed
	users := map[int64]int64{}
	for i, p := range evs {
		at := now
		if p.at != "" {
			var err error
			if at, err = time.Parse("2006-01-02 15:04:05", p.at); err != nil {
				t.Fatalf("event %d: %v", i, err)
			}
		}
		visitor := 1_000_000 + plausibleUsers.Add(1)
		if p.user != 0 {
			if _, ok := users[p.user]; !ok {
				users[p.user] = 1_000_000 + plausibleUsers.Add(1)
			}
			visitor = users[p.user]
		}
		name, path, host := p.name, p.path, p.host
		if name == "" {
			name = analytics.PageviewName
		}
		if path == "" {
			path = "/"
		}
		if host == "" {
			host = fmt.Sprintf("example-%d.com", plausibleUsers.Add(1))
		}
		props := ""
		if len(p.props) > 0 {
			b, _ := json.Marshal(p.props) // sorted keys
			props = string(b)
		}
		ev := &analytics.Event{
			ServiceID: s.svc.ID, Zone: s.svc.Location(), Time: at, VisitorID: visitor,
			Name: name, Page: path, Hostname: host, Props: props, Revenue: p.revenue,
			Interactive: name != analytics.PageviewName && name != analytics.EngagementName && !p.nonInteractive,
			ScrollDepth: -1, EngagedMS: -1,
			Visit: analytics.Visit{
				Source: p.source, Referrer: p.referrer, Channel: p.channel,
				UTMSource: p.utmSrc, UTMMedium: p.medium, UTMCampaign: p.campaign, UTMTerm: p.term, UTMContent: p.content,
				Device: p.device, Browser: p.browser, BrowserVersion: p.bversion, OS: p.os, OSVersion: p.osv, Country: p.country,
				Region: p.region, CountryName: placeNames[p.country], RegionName: placeNames[p.region],
			},
		}
		if p.city != 0 {
			ev.Visit.City = strconv.FormatInt(p.city, 10)
			ev.Visit.CityName = placeNames[ev.Visit.City]
		}
		if name == analytics.EngagementName {
			ev.ScrollDepth, ev.EngagedMS = p.scroll, p.engagedMS
		}
		list = append(list, timed{at, ev})
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].at.Before(list[j].at) })
	for _, e := range list {
		if err := s.r.app.Events.Enqueue(e.ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.r.app.Events.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// query posts a Stats API v2 query for the site: body is the JSON object
// without site_id. It returns the status and the body as received.
func (s *site) query(t *testing.T, body string) (int, string) {
	t.Helper()
	body = strings.TrimSpace(body)
	full := `{"site_id":"` + s.domain + `"`
	if body != "{}" {
		full += "," + strings.TrimPrefix(body, "{")
	} else {
		full += "}"
	}
	req, _ := http.NewRequest("POST", s.r.srv.URL+"/api/v2/query", strings.NewReader(full))
	req.Header.Set("Authorization", "Bearer "+s.r.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// answer is a 200 response's results and meta.
type answer struct {
	Results json.RawMessage `json:"results"`
	Meta    struct {
		TimeLabels json.RawMessage `json:"time_labels"`
	} `json:"meta"`
}

// answer runs the query and decodes its answer, failing the test on any
// status but 200.
func (s *site) answer(t *testing.T, body string) answer {
	t.Helper()
	status, got := s.query(t, body)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, got)
	}
	var res answer
	if err := json.Unmarshal([]byte(got), &res); err != nil {
		t.Fatalf("%v: %s", err, got)
	}
	return res
}

// results runs the query and returns its "results", compacted.
func (s *site) results(t *testing.T, body string) string {
	t.Helper()
	return compactJSON(t, string(s.answer(t, body).Results))
}

func compactJSON(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// plausibleCase is one ported test: its events and goals, its query and
// the results Plausible's test asserts.
type plausibleCase struct {
	name    string // the Plausible test it comes from
	tz      string // the site's time zone, UTC when empty
	goals   [][2]string
	events  []pev
	query   string
	want    string // the results array, as JSON
	labels  string // meta.time_labels, as JSON, when the test asserts them
	nLabels int    // or only their number
	// unordered compares the results as a set, where the test does.
	unordered bool
	// status and errContains are set for a case that expects an error.
	status      int
	errContains string
}

func runPlausibleCases(t *testing.T, r *plausibleRig, cases []plausibleCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := r.site(t, tc.tz)
			for _, g := range tc.goals {
				s.goal(t, g[0], g[1])
			}
			s.populate(t, tc.events...)
			if tc.status != 0 {
				status, body := s.query(t, tc.query)
				var e struct {
					Error string `json:"error"`
				}
				json.Unmarshal([]byte(body), &e)
				if status != tc.status || !strings.Contains(e.Error, tc.errContains) {
					t.Errorf("got %d %s\nwant %d with an error containing %q", status, body, tc.status, tc.errContains)
				}
				return
			}
			a := s.answer(t, tc.query)
			got, want := compactJSON(t, string(a.Results)), compactJSON(t, tc.want)
			if tc.unordered {
				got, want = sortedRows(t, got), sortedRows(t, want)
			}
			if got != want {
				t.Errorf("results\n got  %s\n want %s", got, want)
			}
			if tc.labels != "" {
				if got, want := compactJSON(t, string(a.Meta.TimeLabels)), compactJSON(t, tc.labels); got != want {
					t.Errorf("time_labels\n got  %s\n want %s", got, want)
				}
			}
			if tc.nLabels > 0 {
				var l []string
				json.Unmarshal(a.Meta.TimeLabels, &l)
				if len(l) != tc.nLabels {
					t.Errorf("%d time labels, want %d", len(l), tc.nLabels)
				}
			}
		})
	}
}

// sortedRows orders a results array by each row's JSON, for tests that
// assert rows without an order.
func sortedRows(t *testing.T, s string) string {
	t.Helper()
	var rows []json.RawMessage
	if err := json.Unmarshal([]byte(s), &rows); err != nil {
		t.Fatal(err)
	}
	sort.Slice(rows, func(i, j int) bool { return string(rows[i]) < string(rows[j]) })
	b, _ := json.Marshal(rows)
	return string(b)
}
