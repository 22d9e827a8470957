package analytics

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/web"
)

// Limits on what one event may carry, as Plausible sets them.
const (
	MaxEventBody  = 8 << 10
	maxNameLen    = 120
	maxURLLen     = 2000
	maxDomainLen  = 255
	maxProps      = 30
	maxPropKeyLen = 300
	maxPropValLen = 2000
)

// The event names with a meaning of their own.
const (
	PageviewName   = "pageview"
	EngagementName = "engagement"
)

// Incoming is one event as a site sent it, checked but not yet enriched.
type Incoming struct {
	Name        string
	URL         *url.URL
	Hostname    string   // the URL's host without "www.", or "(none)"
	Domains     []string // Plausible allows "a.gov,b.gov": one event for several sites
	Referrer    string
	Props       map[string]string
	Revenue     *Revenue
	Interactive bool
	HashMode    bool // the page uses hash routing: the fragment is part of the page
	ScrollDepth int  // engagement events: 0–100; -1 when not sent
	EngagedMS   int64
}

// Revenue is money a custom event brought in.
type Revenue struct {
	Amount   string // a decimal number, as sent
	Currency string // ISO 4217, upper case
}

// NoHostname is the hostname of an event whose URL has none (a file: or
// about: page), as Plausible records it.
const NoHostname = "(none)"

// engagementError is Plausible's wording for an engagement event that
// carries neither a scroll depth nor an engaged time.
const engagementError = "engagement event requires a valid integer value for at least one of 'sd' or 'e' fields"

// DecodeEvent reads one event body as Plausible's Events API does
// (lib/plausible/ingestion/request.ex). Each field is read in both of its
// spellings, the one-letter one first, and a null or false counts as
// absent (but for interactive, whose false is kept: Plausible's
// `i || interactive` loses an "i": false). What cannot be used is left out rather than refused: props that
// are not an object, property values that are lists, objects, null or
// blank, a revenue that does not parse, a non-boolean interactive, a
// non-string referrer. Refused are a body that is not a JSON object, a
// missing, blank or non-string name (an integer is taken as text), a
// missing or unparseable url, a blank domain, or no domain and no host in
// the URL, a hash mode that is not an integer, an over-long property and an
// engagement event with neither sd nor e.
//
// Its error joins one Invalid fault per field at fault (errors.Join); each
// Field is Plausible's name of the field (event_name, url, domain,
// hash_mode, props, or request for the body as a whole) and each Message
// Plausible's wording, to be returned as they are.
func DecodeEvent(body []byte) (*Incoming, error) {
	if bytes.Contains(body, []byte(`\u0000`)) {
		return nil, fault.Invalidf("request", "the body must not contain NUL characters (\\u0000)")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil || !utf8.Valid(body) {
		return nil, fault.Invalidf("request", "Unable to parse request body as json")
	}
	ev := &Incoming{ScrollDepth: -1, EngagedMS: -1, Interactive: true, Hostname: NoHostname}
	var errs []error

	switch name, ok := decodeName(field(m, "n", "name")); {
	case !ok:
		errs = append(errs, fault.Invalidf("event_name", "is invalid"))
	case name == "":
		errs = append(errs, fault.Invalidf("event_name", "can't be blank"))
	case utf8.RuneCountInString(name) > maxNameLen:
		errs = append(errs, fault.Invalidf("event_name", "should be at most %d character(s)", maxNameLen))
	default:
		ev.Name = name
	}

	if err := ev.decodeURL(field(m, "u", "url")); err != nil {
		errs = append(errs, err)
	}
	if err := ev.decodeDomains(field(m, "d", "domain")); err != nil {
		errs = append(errs, err)
	}
	if ref, ok := str(field(m, "r", "referrer")); ok {
		ev.Referrer = clipRunes(ref, maxURLLen)
	}
	// A blank string is no hash mode, as Ecto casts it.
	if h := field(m, "h", "hashMode"); h != nil && !blank(h) {
		n, ok := integer(h)
		if !ok {
			errs = append(errs, fault.Invalidf("hash_mode", "is invalid"))
		}
		ev.HashMode = n == 1
	}
	var err error
	if ev.Props, err = decodeProps(field(m, "m", "meta", "p", "props")); err != nil {
		errs = append(errs, err)
	}
	ev.Revenue = decodeRevenue(field(m, "revenue", "$"))
	for _, k := range []string{"i", "interactive"} {
		if b, ok := boolean(m[k]); ok {
			ev.Interactive = b
			break
		}
	}
	if ev.Name == EngagementName {
		ev.ScrollDepth, ev.EngagedMS = scrollDepth(m["sd"]), engagedMS(m["e"])
		if ev.ScrollDepth < 0 && ev.EngagedMS < 0 {
			errs = append(errs, fault.Invalidf("event_name", engagementError))
		}
		ev.Interactive = false
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return ev, nil
}

// field is the first of the keys with a value other than null or false,
// as Plausible's `body["n"] || body["name"]` picks.
func field(m map[string]json.RawMessage, keys ...string) json.RawMessage {
	for _, k := range keys {
		if v := bytes.TrimSpace(m[k]); len(v) > 0 && string(v) != "null" && string(v) != "false" {
			return v
		}
	}
	return nil
}

func str(v json.RawMessage) (string, bool) {
	var s string
	if len(v) == 0 || v[0] != '"' || json.Unmarshal(v, &s) != nil {
		return "", false
	}
	return s, true
}

func blank(v json.RawMessage) bool {
	s, ok := str(v)
	return ok && strings.TrimSpace(s) == ""
}

func boolean(v json.RawMessage) (b, ok bool) {
	switch string(bytes.TrimSpace(v)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// integer reads a JSON integer or a string holding one, as Ecto casts an
// integer field: 1 and "1" are, 1.0 and true are not.
func integer(v json.RawMessage) (int64, bool) {
	s, quoted := str(v)
	if !quoted {
		s = string(v)
		if strings.ContainsAny(s, ".eE") {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	var num *strconv.NumError
	if errors.As(err, &num) && errors.Is(num.Err, strconv.ErrRange) {
		if strings.HasPrefix(s, "-") {
			return math.MinInt64, true
		}
		return math.MaxInt64, true
	}
	return n, err == nil
}

// decodeName reads the event name: a string, trimmed, or an integer taken
// as text (a 404 page's event may be named by its status). ok is false for
// any other type.
func decodeName(v json.RawMessage) (name string, ok bool) {
	if v == nil {
		return "", true
	}
	if s, ok := str(v); ok {
		return strings.TrimSpace(s), true
	}
	if _, ok := integer(v); ok && v[0] != '"' {
		return string(v), true
	}
	return "", false
}

// decodeURL reads the page URL and its hostname. Any URL Go can parse is
// taken, as Plausible takes any: one without a host (a file: page) counts
// under the hostname "(none)".
func (ev *Incoming) decodeURL(v json.RawMessage) error {
	if v == nil {
		return fault.Invalidf("url", "is required")
	}
	raw, ok := str(v)
	if !ok || len(raw) > maxURLLen {
		return fault.Invalidf("url", "must be a valid url")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fault.Invalidf("url", "must be a valid url")
	}
	if u.Scheme == "data" {
		return fault.Invalidf("url", "scheme is not allowed")
	}
	ev.URL = u
	if h := sanitizeHost(u.Hostname()); h != "" {
		ev.Hostname = web.CleanText(h, maxDomainLen)
	}
	return nil
}

// decodeDomains reads the sites the event is for. Without a domain the
// URL's host names the site, as in Plausible. Blank entries of a list
// ("a.gov,,b.gov") are kept: they name no site, and are dropped as such.
func (ev *Incoming) decodeDomains(v json.RawMessage) error {
	domains, ok := str(v)
	switch {
	case ok && strings.TrimSpace(domains) == "":
		return fault.Invalidf("domain", "can't be blank")
	case ok && len(domains) > maxDomainLen*4:
		return fault.Invalidf("domain", "should be at most %d character(s)", maxDomainLen*4)
	case ok:
		for _, d := range strings.Split(domains, ",") {
			ev.Domains = append(ev.Domains, sanitizeHost(d))
		}
	case ev.URL != nil && ev.URL.Host != "":
		ev.Domains = []string{sanitizeHost(ev.URL.Hostname())}
	default:
		return fault.Invalidf("domain", "can't be blank")
	}
	return nil
}

// sanitizeHost lower-cases a host and takes off spaces and a leading
// "www.", as Plausible does to domains and hostnames.
func sanitizeHost(h string) string {
	return strings.TrimPrefix(strings.ToLower(strings.TrimSpace(h)), "www.")
}

// clipRunes cuts s to at most n characters.
func clipRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// scrollDepth reads an engagement event's sd as Plausible does: above 100
// is 100; a negative, fractional or non-number value is not sent (-1).
func scrollDepth(v json.RawMessage) int {
	n, ok := integer(v)
	switch {
	case !ok || n < 0:
		return -1
	case n > 100:
		return 100
	}
	return int(n)
}

// engagedMS reads an engagement event's e: milliseconds, or -1 when it is
// not a whole number the column holds. Plausible also throws away times of
// 30 days or more, which old trackers sent.
func engagedMS(v json.RawMessage) int64 {
	if n, ok := integer(v); ok && n >= 0 && n < math.MaxInt32 {
		return n
	}
	return -1
}

// Page is the path the event counts for: the URL's path, decoded and
// without trailing spaces, with the fragment for sites that route by it;
// "/" when there is none.
func (ev *Incoming) Page() string {
	p := ev.URL.Path
	if p == "" && ev.URL.Opaque != "" {
		// about:blank and the like: Plausible counts "blank".
		p, _ = url.PathUnescape(ev.URL.Opaque)
	}
	p = strings.TrimRightFunc(p, unicode.IsSpace)
	if p == "" {
		p = "/"
	}
	if ev.HashMode && ev.URL.Fragment != "" {
		p += "#" + ev.URL.Fragment
	}
	return p
}

func (r *Revenue) String() string {
	if r == nil {
		return ""
	}
	return fmt.Sprintf("%s %s", r.Amount, r.Currency)
}
