package analytics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/enrich"
	"github.com/liveops/liveops/internal/scrub"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// DroppedHeader tells a site why an event it sent was not counted.
const DroppedHeader = "X-Liveops-Dropped"

// PlausibleDroppedHeader counts, as Plausible's x-plausible-dropped does,
// the sites of an event (of its domain list) that did not count it.
const PlausibleDroppedHeader = "X-Plausible-Dropped"

// Ingest answers POST /api/event, Plausible's Events API.
type Ingest struct {
	pipeline *Pipeline
	enricher func() (*enrich.Enricher, error)
	salts    *salts
	services *hostCache
	site     *web.Site
	scrub    *scrub.Scrubber
	// Drops, when set, counts the events dropped per service and reason
	// for the tracking page.
	Drops *DropLog
	now   func() time.Time

	accepted prometheus.Counter
	dropped  *prometheus.CounterVec
	refused  *prometheus.CounterVec
}

// NewIngest builds the events endpoint. e gives the enricher; app passes
// one that builds its tables on the first event (enrich.Lazy), so that a
// node that takes no events never holds them.
func NewIngest(db *store.DB, cat *catalog.Catalog, p *Pipeline, e func() (*enrich.Enricher, error), site *web.Site, reg prometheus.Registerer) *Ingest {
	in := &Ingest{
		pipeline: p, enricher: e, salts: newSalts(db), services: newHostCache(cat, db), site: site, scrub: scrub.Default(), now: time.Now,
		accepted: prometheus.NewCounter(prometheus.CounterOpts{Name: "liveops_events_accepted_total",
			Help: "Analytics events accepted for storage."}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liveops_events_dropped_total",
			Help: "Analytics events answered 202 but not counted, by reason."}, []string{"reason"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liveops_events_refused_total",
			Help: "Analytics events refused with an error status, by reason."}, []string{"reason"}),
	}
	reg.MustRegister(in.accepted, in.dropped, in.refused)
	return in
}

// Routes registers the endpoint; it needs no token, as Plausible's does not.
func (in *Ingest) Routes(rt *web.Router) {
	rt.Open("POST /api/event", http.HandlerFunc(in.serve))
	rt.Open("OPTIONS /api/event", http.HandlerFunc(in.preflight))
}

// RefuseRoutes registers the endpoint on a node that does not take events
// (started without the ingest role): a 503 tells a misrouted client to
// send the event again, to a node that does.
func (in *Ingest) RefuseRoutes(rt *web.Router) {
	rt.Open("POST /api/event", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cors(w)
		w.Header().Set("Retry-After", "1")
		in.refuse(w, r, "not_ingest_node", &web.Error{Status: http.StatusServiceUnavailable,
			Message: "this liveops node does not take events (its --role has no ingest): send them to an ingest node"})
	}))
	rt.Open("OPTIONS /api/event", http.HandlerFunc(in.preflight))
}

func cors(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Expose-Headers", DroppedHeader+", "+PlausibleDroppedHeader)
}

func (in *Ingest) preflight(w http.ResponseWriter, r *http.Request) {
	cors(w)
	w.Header().Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

// refuse answers an error as Plausible's Events API does:
// {"errors": {"url": ["is required"], …}}, one entry per field at fault
// ("request" for the body as a whole).
func (in *Ingest) refuse(w http.ResponseWriter, r *http.Request, reason string, err error) {
	in.refused.WithLabelValues(reason).Inc()
	errs := map[string][]string{}
	status := 0
	for _, e := range leafErrors(err) {
		we := web.Describe(w, r, e)
		if status == 0 {
			status = we.Status
		}
		field := we.Field
		if field == "" {
			field = "request"
		}
		errs[field] = append(errs[field], we.Message)
	}
	web.WriteJSON(w, status, map[string]any{"errors": errs})
}

// leafErrors lists the errors err joins (see DecodeEvent), or err itself.
func leafErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// drop answers 202 for an event that n of its sites do not count: all of
// them when reason is set.
func (in *Ingest) drop(w http.ResponseWriter, reason string, n int) {
	in.dropped.WithLabelValues(reason).Inc()
	w.Header().Set(DroppedHeader, reason)
	w.Header().Set(PlausibleDroppedHeader, strconv.Itoa(n))
	w.WriteHeader(http.StatusAccepted)
	io.WriteString(w, "ok")
}

func (in *Ingest) serve(w http.ResponseWriter, r *http.Request) {
	cors(w)
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "text/plain") {
		in.refuse(w, r, "content_type", &web.Error{Status: http.StatusUnsupportedMediaType, Message: "send the event as application/json or text/plain"})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxEventBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			in.refuse(w, r, "too_large", &web.Error{Status: http.StatusRequestEntityTooLarge, Message: "an event may be at most 8 KiB"})
			return
		}
		in.refuse(w, r, "read", web.BadRequest("", "could not read the body"))
		return
	}
	ev, err := DecodeEvent(body)
	if err != nil {
		in.refuse(w, r, "invalid", err)
		return
	}
	enricher, err := in.enricher()
	if err != nil {
		in.refuse(w, r, "enrich", fmt.Errorf("load the enrichment tables: %w", err))
		return
	}
	ua := r.UserAgent()
	if enricher.IsBot(ua) {
		in.noteDrop(r.Context(), DropBot, ev)
		in.drop(w, DropBot, len(ev.Domains))
		return
	}
	if ev.Referrer != "" && enricher.IsSpamReferrer(ev.Referrer) {
		in.noteDrop(r.Context(), DropReferrerSpam, ev)
		in.drop(w, DropReferrerSpam, len(ev.Domains))
		return
	}
	ip := web.EdgeClientIP(r.Context())
	var targets []*catalog.Service
	excluded, unknown := false, 0
	for _, d := range ev.Domains {
		if d == "" || len(d) > maxDomainLen {
			unknown++
			continue
		}
		e, err := in.services.find(r.Context(), d)
		if err != nil {
			in.refuse(w, r, "lookup", err)
			return
		}
		switch {
		case e.service == nil || e.service.Archived():
			unknown++
		case e.excluded.Contains(ip):
			excluded = true
			unknown++
		case slices.ContainsFunc(targets, func(t *catalog.Service) bool { return t.ID == e.service.ID }):
			// two of the event's domains are one service's: count it once
		default:
			targets = append(targets, e.service)
		}
	}
	if len(targets) == 0 {
		reason := DropUnknownDomain
		if excluded {
			reason = DropExcludedIP
		}
		in.noteDrop(r.Context(), reason, ev)
		in.drop(w, reason, len(ev.Domains))
		return
	}

	now := in.now()
	client := enricher.Client(ua)
	acq := enricher.Acquisition(ev.URL, ev.Referrer)
	visit := Visit{
		Source: acq.Source, Referrer: acq.Referrer, Channel: acq.Channel,
		UTMSource: acq.UTMSource, UTMMedium: acq.UTMMedium, UTMCampaign: acq.UTMCampaign, UTMTerm: acq.UTMTerm, UTMContent: acq.UTMContent,
		Device: client.Device, Browser: client.Browser, BrowserVersion: client.BrowserVersion,
		OS: client.OS, OSVersion: client.OSVersion,
	}
	// The address is used for the lookup and kept nowhere.
	place := enricher.Locate(ip)
	visit.Country, visit.Region, visit.City = place.Country, place.Region, place.City
	visit.CountryName, visit.RegionName, visit.CityName = place.CountryName, place.RegionName, place.CityName
	if visit.Source == "" && visit.Channel == "" {
		visit.Channel = "Direct"
	}
	plausibleTags(&visit, ev.URL.Query())
	page, name, host := scrubOutside(in.scrub, ev, &visit)
	root := rootDomain(host)
	props := PropsJSON(ev.Props)
	evs := make([]*Event, len(targets))
	for i, s := range targets {
		today, yesterday, err := in.salts.pair(r.Context(), now, s.Location())
		if err != nil {
			in.refuse(w, r, "salt", err)
			return
		}
		evs[i] = &Event{
			ServiceID: s.ID, Zone: s.Location(), Time: now,
			VisitorID:     visitorID(today, s.ID, root, ip, ua),
			PrevVisitorID: visitorID(yesterday, s.ID, root, ip, ua),
			Name:          name, Page: page, Hostname: host, Props: props, Revenue: ev.Revenue.String(),
			Interactive: ev.Interactive, ScrollDepth: ev.ScrollDepth, EngagedMS: ev.EngagedMS, Visit: visit,
		}
	}
	if err := in.pipeline.Accept(r.Context(), evs...); err != nil {
		reason, msg := "queue_full", "liveops is busy: send the event again in a second"
		if !errors.Is(err, ErrQueueFull) {
			// Shutting down, or the journal cannot be written (a full
			// disk): not accepted, so the client must send it again.
			reason, msg = "unavailable", "liveops cannot take events right now: send the event again in a second"
			if !errors.Is(err, ErrClosed) && !errors.Is(err, context.Canceled) {
				slog.Error("analytics: accept events", "err", err)
			}
		}
		w.Header().Set("Retry-After", "1")
		in.refuse(w, r, reason, &web.Error{Status: http.StatusServiceUnavailable, Message: msg})
		return
	}
	in.accepted.Add(float64(len(evs)))
	if unknown > 0 {
		w.Header().Set(PlausibleDroppedHeader, strconv.Itoa(unknown))
	}
	w.WriteHeader(http.StatusAccepted)
	io.WriteString(w, "ok")
}

// noteDrop counts a dropped event for the services it was meant for: those
// its domains name, or, when none does (a tag with the wrong data-domain),
// the one whose hostname the page is on.
func (in *Ingest) noteDrop(ctx context.Context, reason string, ev *Incoming) {
	if in.Drops == nil {
		return
	}
	var ids []int64
	add := func(host string) {
		if host == "" || len(host) > maxDomainLen {
			return
		}
		if e, err := in.services.find(ctx, host); err == nil && e.service != nil && !e.service.Archived() && !slices.Contains(ids, e.service.ID) {
			ids = append(ids, e.service.ID)
		}
	}
	for _, d := range ev.Domains {
		add(d)
	}
	if len(ids) == 0 && ev.URL != nil {
		add(strings.ToLower(ev.URL.Hostname()))
	}
	in.Drops.Note(reason, ids...)
}

// scrubOutside passes every string of the event that came from outside
// through the scrubber, in this one place: the page, the event's name and
// hostname, the property names and values, and the visit's source,
// referrer, campaign tags, and the browser and system names read from the
// user agent (their versions are only major.minor figures). Any of them may carry an
// email address or a phone number, typed into a form that puts it in the
// URL, or sent on purpose. It returns the page, name and hostname to store,
// and scrubs ev.Props and v in place.
func scrubOutside(s *scrub.Scrubber, ev *Incoming, v *Visit) (page, name, host string) {
	sc := s.String
	for _, f := range []*string{
		&v.Source, &v.Referrer, &v.UTMSource, &v.UTMMedium, &v.UTMCampaign, &v.UTMTerm, &v.UTMContent,
		&v.Browser, &v.OS,
	} {
		*f = sc(*f)
	}
	if len(ev.Props) > 0 {
		// Names sorted, so that when two scrub to one name ("a@x.com" and
		// "b@y.com" are both "[email]") the same value wins every time.
		props := make(map[string]string, len(ev.Props))
		for _, k := range slices.Sorted(maps.Keys(ev.Props)) {
			v := ev.Props[k]
			if k == "url" && (ev.Name == "Outbound Link: Click" || ev.Name == "File Download") {
				// A link's query string and fragment may carry a token or a name.
				if i := strings.IndexAny(v, "?#"); i >= 0 {
					v = v[:i]
				}
			}
			props[sc(k)] = sc(v)
		}
		ev.Props = props
	}
	return sc(web.CleanText(ev.Page(), maxURLLen)), sc(ev.Name), sc(ev.Hostname)
}

// hostCache remembers which service a hostname belongs to for a minute,
// so that ingestion does not ask the database on every event.
type hostCache struct {
	cat *catalog.Catalog
	db  *store.DB
	mu  sync.RWMutex
	m   map[string]hostEntry
}

type hostEntry struct {
	service  *catalog.Service // nil: no service has this host
	excluded web.TrustedProxies
	until    time.Time
}

const hostCacheTTL = time.Minute

func newHostCache(cat *catalog.Catalog, db *store.DB) *hostCache {
	return &hostCache{cat: cat, db: db, m: map[string]hostEntry{}}
}

// find returns the service with the hostname, with the addresses it does
// not count, or a nil service.
func (c *hostCache) find(ctx context.Context, host string) (hostEntry, error) {
	now := time.Now()
	c.mu.RLock()
	e, ok := c.m[host]
	c.mu.RUnlock()
	if ok && now.Before(e.until) {
		return e, nil
	}
	s, err := c.cat.ByHost(ctx, host)
	if errors.Is(err, store.ErrNotFound) {
		s, err = nil, nil
	}
	e = hostEntry{service: s, until: now.Add(hostCacheTTL)}
	if err == nil && s != nil {
		e.excluded, err = excludedIPs(ctx, c.db, s.ID)
	}
	if err != nil {
		// Not the host: it is whatever the event said, and may be anything.
		slog.Error("analytics: find service by host", "err", err)
		return hostEntry{}, err
	}
	c.mu.Lock()
	if len(c.m) > 10_000 {
		c.m = map[string]hostEntry{}
	}
	c.m[host] = e
	c.mu.Unlock()
	return e, nil
}

// excludedIPs reads the addresses a service does not count.
func excludedIPs(ctx context.Context, db *store.DB, serviceID int64) (web.TrustedProxies, error) {
	var list string
	if err := db.QueryRowContext(ctx, `SELECT analytics_excluded_ips FROM services WHERE id = $1`, serviceID).Scan(&list); err != nil {
		return nil, fmt.Errorf("read excluded addresses: %w", err)
	}
	nets, err := web.ParseTrustedProxies(list)
	if err != nil {
		slog.Warn("analytics: stored excluded addresses do not parse", "service", serviceID, "err", err)
	}
	return nets, nil
}

// VisitorKey is a visitor id for whoever sent r to the service today,
// made as the analytics area makes one (see visitorID) for a page on the
// service's first domain, but from the address liveops itself trusts
// (web.ClientIP) rather than one a CDN header may claim, so that a forged
// header cannot dodge a limit. Other areas key per-visitor limits on it
// (the feedback area's rate limit), so they keep no address either.
func (in *Ingest) VisitorKey(ctx context.Context, s *catalog.Service, r *http.Request) (int64, error) {
	today, _, err := in.salts.pair(ctx, in.now(), s.Location())
	if err != nil {
		return 0, fmt.Errorf("visitor key: %w", err)
	}
	root := NoHostname
	if len(s.Domains) > 0 {
		root = rootDomain(sanitizeHost(s.Domains[0]))
	}
	return visitorID(today, s.ID, root, web.ClientIP(r.Context()), r.UserAgent()), nil
}
