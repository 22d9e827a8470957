package analytics

import (
	"math/rand/v2"
	"time"
)

// SessionTimeout ends a visit: an event after this much quiet starts a new one.
const SessionTimeout = 30 * time.Minute

// Event is one accepted event, enriched and ready for the writer.
type Event struct {
	ServiceID     int64
	Zone          *time.Location // the service's time zone: days are counted in it
	Time          time.Time
	VisitorID     int64
	PrevVisitorID int64 // the same visitor under yesterday's salt, to carry a visit over midnight
	Name          string
	Page          string
	Hostname      string
	Props         string // JSON object with sorted keys, or ""
	Revenue       string
	Interactive   bool
	ScrollDepth   int // engagement events only; -1 otherwise
	EngagedMS     int64
	Visit         Visit
}

// Visit are the dimensions of a visit: where it came from and on what.
type Visit struct {
	Source, Referrer, Channel                               string
	UTMSource, UTMMedium, UTMCampaign, UTMTerm, UTMContent  string
	Device, Browser, BrowserVersion, OS, OSVersion, Country string
	// Where the visitor was, with a city database (enrich.Place): the
	// region's ISO 3166-2 code, the city's GeoNames id, and the English
	// names the database gave. The names are stored as dimensions of their
	// own rather than looked up from the codes: a database may name a
	// place it has no code for, and a breakdown by name merges places of
	// one name (two Londons), as Plausible's does.
	Region, City, CountryName, RegionName, CityName string
}

// strings lists every string of the event the dictionary must know.
func (e *Event) strings(add func(string)) {
	v := &e.Visit
	for _, s := range []string{e.Name, e.Page, e.Hostname, v.Source, v.Referrer, v.Channel,
		v.UTMSource, v.UTMMedium, v.UTMCampaign, v.UTMTerm, v.UTMContent,
		v.Device, v.Browser, v.BrowserVersion, v.OS, v.OSVersion, v.Country,
		v.Region, v.City, v.CountryName, v.RegionName, v.CityName,
		versionKey(v.Browser, v.BrowserVersion), versionKey(v.OS, v.OSVersion)} {
		add(s)
	}
}

func versionKey(name, version string) string {
	if name == "" && version == "" {
		return ""
	}
	return name + " " + version
}

// visitIDs are a visit's dimensions as dictionary ids.
type visitIDs struct {
	source, referrer, channel                               int64
	utmSource, utmMedium, utmCampaign, utmTerm, utmContent  int64
	device, browser, browserVersion, os, osVersion, country int64
	browserVersionKey, osVersionKey                         int64
	region, city, countryName, regionName, cityName         int64
}

func (d *dictionary) visitIDs(v *Visit) visitIDs {
	return visitIDs{
		source: d.id(v.Source), referrer: d.id(v.Referrer), channel: d.id(v.Channel),
		utmSource: d.id(v.UTMSource), utmMedium: d.id(v.UTMMedium), utmCampaign: d.id(v.UTMCampaign),
		utmTerm: d.id(v.UTMTerm), utmContent: d.id(v.UTMContent),
		device: d.id(v.Device), browser: d.id(v.Browser), browserVersion: d.id(v.BrowserVersion),
		os: d.id(v.OS), osVersion: d.id(v.OSVersion), country: d.id(v.Country),
		browserVersionKey: d.id(versionKey(v.Browser, v.BrowserVersion)),
		osVersionKey:      d.id(versionKey(v.OS, v.OSVersion)),
		region:            d.id(v.Region), city: d.id(v.City),
		countryName: d.id(v.CountryName), regionName: d.id(v.RegionName), cityName: d.id(v.CityName),
	}
}

// session is one visit as the sessionizer keeps it in memory.
type session struct {
	id, service, visitor int64
	zone                 *time.Location
	start, last          int64 // Unix milliseconds: first and last page view or custom event
	seen                 int64 // the latest engagement event, which keeps the visit open but does not lengthen it
	pageviews, events    int64
	interactive          bool // had an interactive custom event: not a bounce
	entry, exit, host    int64
	exitHost             int64 // the hostname of the exit page
	visit                visitIDs
	// stored is set once a committed batch wrote the visit's row, so that
	// later batches update the row rather than insert it.
	stored bool
}

// active is the visit's latest event of any kind.
func (s *session) active() int64 { return max(s.last, s.seen) }

func (s *session) bounce() int64 {
	if s.pageviews == 1 && !s.interactive {
		return 1
	}
	return 0
}

// startDay is the day, in the service's zone, that the visit counts for.
func (s *session) startDay() int32 { return localDay(s.start, s.zone) }

// localDay is whole days since 1970-01-01 in zone.
func localDay(ms int64, zone *time.Location) int32 {
	t := time.UnixMilli(ms).In(zone)
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dims lists the rollup rows a visit counts in, by kind.
func (s *session) dims() [17]struct {
	k kind
	v int64
} {
	v := &s.visit
	return [17]struct {
		k kind
		v int64
	}{
		{kindEntryPage, s.entry}, {kindExitPage, s.exit}, {kindSource, v.source}, {kindReferrer, v.referrer},
		{kindChannel, v.channel}, {kindUTMSource, v.utmSource}, {kindUTMMedium, v.utmMedium},
		{kindUTMCampaign, v.utmCampaign}, {kindUTMTerm, v.utmTerm}, {kindUTMContent, v.utmContent},
		{kindDevice, v.device}, {kindBrowser, v.browser}, {kindBrowserVersion, v.browserVersionKey},
		{kindOS, v.os}, {kindOSVersion, v.osVersionKey}, {kindCountry, v.country}, {kindTotal, 0},
	}
}

// contribute adds (sign +1) or takes back (sign -1) what the visit in its
// current state counts for in the rollups: a visit's bounce, duration, exit
// page and page views change as it goes on, so each event replaces the
// visit's old contribution with its new one (see change).
func (s *session) contribute(d *deltas, sign int64) {
	c := s.visitCounts()
	day := s.startDay()
	for _, dim := range s.dims() {
		cc := c
		switch dim.k {
		case kindTotal:
			cc.pageviews = 0 // the site's page views are counted per event
		case kindExitPage:
			cc.visitors = 1 // a visit has one exit page at a time
		}
		d.addDaily(dailyKey{s.service, day, dim.k, dim.v}, cc, sign)
	}
	d.addHourly(hourlyKey{s.service, s.start / 3_600_000}, counts{visits: 1, bounces: c.bounces, duration: c.duration}, sign)
}

// visitCounts is what the visit counts for in each of its rows.
func (s *session) visitCounts() counts {
	return counts{visits: 1, pageviews: s.pageviews, bounces: s.bounce(), duration: s.last - s.start}
}

// change replaces the contribution the visit made when its counts were
// old and its exit page oldExit with the one it makes now. It adds to the
// rollups exactly what contribute(-1) before the change and contribute(+1)
// after it would, but touches each row once, and not at all when nothing
// it counts changed: the visit's day, hour and dimensions but the exit page
// never change.
func (s *session) change(d *deltas, old counts, oldExit int64) {
	diff := s.visitCounts()
	diff.add(old, -1)
	if diff.zero() && oldExit == s.exit {
		return
	}
	day := s.startDay()
	for _, dim := range s.dims() {
		cc := diff
		switch dim.k {
		case kindTotal:
			cc.pageviews = 0 // the site's page views are counted per event
		case kindExitPage:
			if oldExit != s.exit {
				gone := old
				gone.visitors = 1 // a visit has one exit page at a time
				d.addDaily(dailyKey{s.service, day, kindExitPage, oldExit}, gone, -1)
				cc = s.visitCounts()
				cc.visitors = 1
			}
		}
		if !cc.zero() {
			d.addDaily(dailyKey{s.service, day, dim.k, dim.v}, cc, 1)
		}
	}
	if hc := (counts{bounces: diff.bounces, duration: diff.duration}); !hc.zero() {
		d.addHourly(hourlyKey{s.service, s.start / 3_600_000}, hc, 1)
	}
}

type visitorKey struct {
	service, visitor int64
}

// visitorDay remembers, for one visitor on one day, which rollup rows have
// counted them already, so that unique visitors are exact. Visitor ids
// change daily, so the state of past days is dropped. A visitor touches a
// few dozen rows a day, so a plain slice beats a map: a fifth of the
// memory, and a scan of it costs less than hashing. It is the state held
// for every visitor of the day, so it is kept small: keys are packed into
// 32 bits, and the rows that follow from the visitor id itself need none.
type visitorDay struct {
	day  int32
	seen []uint32
	// wide holds the rare keys whose value does not fit the packed form.
	wide []uint64
	// counted is set once the visitor is in the day's total; visited once a
	// visit of theirs started on the day. A visitor id is a hash of the
	// address and user agent, so device, browser, OS and country are the
	// same in all of a day's visits: counting them once needs no keys.
	counted, visited bool
}

// packedValueBits is the room a packed key leaves for the value: dictionary
// ids and hours since 1970 stay far below 2^27 in practice.
const packedValueBits = 27

// firstTime marks (k, v) as counted for this visitor and day, reporting
// whether it was new.
func (vd *visitorDay) firstTime(k kind, v int64) bool {
	if v < 0 || v >= 1<<packedValueBits {
		key := uint64(k+1)<<56 | uint64(v)&(1<<56-1)
		for _, s := range vd.wide {
			if s == key {
				return false
			}
		}
		vd.wide = append(vd.wide, key)
		return true
	}
	key := uint32(k+1)<<packedValueBits | uint32(v)
	for _, s := range vd.seen {
		if s == key {
			return false
		}
	}
	vd.seen = append(vd.seen, key)
	return true
}

// fromVisitorID reports whether a visit dimension follows from the visitor
// id (address and user agent), so that it is the same in all their visits.
func fromVisitorID(k kind) bool {
	switch k {
	case kindDevice, kindBrowser, kindBrowserVersion, kindOS, kindOSVersion, kindCountry:
		return true
	}
	return false
}

// countVisit marks the dimensions of a visit that started on vd's day,
// calling add for each row that has not counted the visitor yet.
func (vd *visitorDay) countVisit(s *session, add func(k kind, v int64)) {
	first := !vd.visited
	vd.visited = true
	for _, dim := range s.dims() {
		switch {
		case dim.k == kindTotal || dim.k == kindExitPage:
		case fromVisitorID(dim.k):
			if first {
				add(dim.k, dim.v)
			}
		case vd.firstTime(dim.k, dim.v):
			add(dim.k, dim.v)
		}
	}
}

// countTotal reports whether the visitor is new in the day's total.
func (vd *visitorDay) countTotal() bool {
	first := !vd.counted
	vd.counted = true
	return first
}

// sessionizer turns events into visits and rollup changes. Only the
// writer goroutine uses it.
type sessionizer struct {
	sessions  map[visitorKey]*session
	visitors  map[visitorKey]*visitorDay
	lastSweep int64
	newID     func() int64
}

func newSessionizer() *sessionizer {
	return &sessionizer{sessions: map[visitorKey]*session{}, visitors: map[visitorKey]*visitorDay{},
		newID: func() int64 { return rand.Int64N(1<<62) + 1 }}
}

// process adds one event to its visit and the batch's rollup changes, and
// returns the visit it belongs to, or nil for an engagement event with no
// visit to belong to (it is then not stored).
func (sz *sessionizer) process(ev *Event, dict *dictionary, d *deltas) *session {
	ms := ev.Time.UnixMilli()
	key := visitorKey{ev.ServiceID, ev.VisitorID}
	s := sz.sessions[key]
	if s == nil && ev.PrevVisitorID != 0 {
		prev := visitorKey{ev.ServiceID, ev.PrevVisitorID}
		if s = sz.sessions[prev]; s != nil {
			delete(sz.sessions, prev)
			sz.sessions[key] = s
		}
	}
	if s != nil && ms-s.active() > SessionTimeout.Milliseconds() {
		s = nil
	}
	engagement := ev.Name == EngagementName
	if engagement {
		if s == nil {
			return nil
		}
		// As in Plausible, engagement counts for time on page and scroll
		// depth, not for the visit's duration or bounce.
		s.seen = max(s.seen, ms)
		return s
	}

	page := dict.id(ev.Page)
	fresh := s == nil
	if fresh {
		s = &session{id: sz.newID(), service: ev.ServiceID, visitor: ev.VisitorID, zone: ev.Zone,
			start: ms, last: ms, entry: page, exit: page, host: dict.id(ev.Hostname), visit: dict.visitIDs(&ev.Visit)}
		s.exitHost = s.host
		sz.sessions[key] = s
	}
	old, oldExit := s.visitCounts(), s.exit
	s.last = max(s.last, ms)
	s.events++
	pageview := ev.Name == PageviewName
	if pageview {
		s.pageviews++
		s.exit, s.exitHost = page, dict.id(ev.Hostname)
	} else if ev.Interactive {
		s.interactive = true
	}
	if fresh {
		s.contribute(d, +1)
	} else {
		s.change(d, old, oldExit)
	}
	sz.countVisitors(ev, s, fresh, page, d)
	sz.countEvent(ev, s, pageview, page, dict, d)
	return s
}

// countVisitors adds the visitor to each row that has not counted them yet.
func (sz *sessionizer) countVisitors(ev *Event, s *session, fresh bool, page int64, d *deltas) {
	ms := ev.Time.UnixMilli()
	day := localDay(ms, ev.Zone)
	vd := sz.visitorDay(ev.ServiceID, ev.VisitorID, day)
	one := counts{visitors: 1}
	if vd.countTotal() {
		d.addDaily(dailyKey{ev.ServiceID, day, kindTotal, 0}, one, 1)
	}
	if hour := ms / 3_600_000; vd.firstTime(kindHour, hour) {
		d.addHourly(hourlyKey{ev.ServiceID, hour}, one, 1)
	}
	if fresh {
		// A visit's own dimensions count on the day it started.
		sday := s.startDay()
		vd.countVisit(s, func(k kind, v int64) { d.addDaily(dailyKey{ev.ServiceID, sday, k, v}, one, 1) })
	}
	if ev.Name == PageviewName && vd.firstTime(kindPage, page) {
		d.addDaily(dailyKey{ev.ServiceID, day, kindPage, page}, one, 1)
	}
}

// countEvent counts the event itself in the site's, page's, event name's
// and hostname's rows.
func (sz *sessionizer) countEvent(ev *Event, s *session, pageview bool, page int64, dict *dictionary, d *deltas) {
	ms := ev.Time.UnixMilli()
	day := localDay(ms, ev.Zone)
	c := counts{events: 1}
	if pageview {
		c.pageviews = 1
	}
	d.addDaily(dailyKey{ev.ServiceID, day, kindTotal, 0}, c, 1)
	d.addHourly(hourlyKey{ev.ServiceID, ms / 3_600_000}, c, 1)
	if pageview {
		d.addDaily(dailyKey{ev.ServiceID, day, kindPage, page}, counts{pageviews: 1}, 1)
	}
	vd := sz.visitors[visitorKey{ev.ServiceID, ev.VisitorID}]
	name := dict.id(ev.Name)
	nc := counts{events: 1}
	if vd.firstTime(kindName, name) {
		nc.visitors = 1
	}
	d.addDaily(dailyKey{ev.ServiceID, day, kindName, name}, nc, 1)
	host := dict.id(ev.Hostname)
	hc := c
	if vd.firstTime(kindHostname, host) {
		hc.visitors = 1
	}
	d.addDaily(dailyKey{ev.ServiceID, day, kindHostname, host}, hc, 1)
}

// visitorDay is the visitor's state for day, started afresh on a new day.
func (sz *sessionizer) visitorDay(service, visitor int64, day int32) *visitorDay {
	vk := visitorKey{service, visitor}
	vd := sz.visitors[vk]
	if vd == nil || vd.day != day {
		vd = &visitorDay{day: day, seen: make([]uint32, 0, 16)}
		sz.visitors[vk] = vd
	}
	return vd
}

// sweep forgets visits that have ended and visitors of past days (they
// are already written), judged by now, the time of the latest event.
func (sz *sessionizer) sweep(now int64) {
	if now-sz.lastSweep < time.Minute.Milliseconds() {
		return
	}
	sz.lastSweep = now
	for k, s := range sz.sessions {
		if now-s.active() > SessionTimeout.Milliseconds() {
			delete(sz.sessions, k)
		}
	}
	today := int32(now / 86_400_000)
	for k, vd := range sz.visitors {
		if vd.day < today-1 {
			delete(sz.visitors, k)
		}
	}
}
