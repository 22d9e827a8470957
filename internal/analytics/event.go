package analytics

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/liveops/liveops/internal/fault"
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

// eventBody is the request in both spellings that Plausible accepts: its
// documented long keys and the one-letter keys its own scripts send.
type eventBody struct {
	Name        *string         `json:"name"`
	N           *string         `json:"n"`
	URL         *string         `json:"url"`
	U           *string         `json:"u"`
	Domain      *string         `json:"domain"`
	D           *string         `json:"d"`
	Referrer    *string         `json:"referrer"`
	R           *string         `json:"r"`
	Props       json.RawMessage `json:"props"`
	P           json.RawMessage `json:"p"`
	Revenue     json.RawMessage `json:"revenue"`
	Dollar      json.RawMessage `json:"$"`
	Interactive json.RawMessage `json:"interactive"`
	I           json.RawMessage `json:"i"`
	H           json.RawMessage `json:"h"`
	W           json.RawMessage `json:"w"` // screen width: old scripts send it, it is not used
	SD          json.RawMessage `json:"sd"`
	E           json.RawMessage `json:"e"`
}

// longName is the documented name of a field, whichever spelling came.
func longName(field string) string {
	switch field {
	case "n":
		return "name"
	case "u":
		return "url"
	case "d":
		return "domain"
	case "r":
		return "referrer"
	}
	return field
}

func pick(long, short *string) (string, bool) {
	if long != nil {
		return *long, true
	}
	if short != nil {
		return *short, true
	}
	return "", false
}

func pickRaw(long, short json.RawMessage) json.RawMessage {
	if len(long) > 0 {
		return long
	}
	return short
}

// DecodeEvent reads one event body. Its errors are Invalid faults that
// name the field at fault, for the caller to return as they are.
func DecodeEvent(body []byte) (*Incoming, error) {
	if !utf8.Valid(body) || bytes.Contains(body, []byte(`\u0000`)) {
		return nil, fault.Invalidf("", "the body must be UTF-8 JSON without NUL characters")
	}
	var b eventBody
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&b); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field != "" {
			return nil, fault.Invalidf(longName(typ.Field), "%s must be a string", longName(typ.Field))
		}
		return nil, fault.Invalidf("", "the body must be a JSON object: %v", err)
	}
	ev := &Incoming{ScrollDepth: -1, EngagedMS: -1, Interactive: true}

	name, ok := pick(b.Name, b.N)
	switch {
	case !ok || strings.TrimSpace(name) == "":
		return nil, fault.Invalidf("name", "name is required")
	case utf8.RuneCountInString(name) > maxNameLen:
		return nil, fault.Invalidf("name", "name must be at most %d characters", maxNameLen)
	}
	ev.Name = strings.TrimSpace(name)

	raw, ok := pick(b.URL, b.U)
	if !ok || raw == "" {
		return nil, fault.Invalidf("url", "url is required")
	}
	if len(raw) > maxURLLen {
		return nil, fault.Invalidf("url", "url must be at most %d characters", maxURLLen)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || (u.Host == "" && u.Path == "") {
		return nil, fault.Invalidf("url", "url must be an absolute URL such as https://example.gov/page")
	}
	ev.URL = u

	domains, ok := pick(b.Domain, b.D)
	if !ok || strings.TrimSpace(domains) == "" {
		return nil, fault.Invalidf("domain", "domain is required")
	}
	if len(domains) > maxDomainLen*4 {
		return nil, fault.Invalidf("domain", "domain is too long")
	}
	for _, d := range strings.Split(domains, ",") {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" && len(d) <= maxDomainLen {
			ev.Domains = append(ev.Domains, d)
		}
	}
	if len(ev.Domains) == 0 {
		return nil, fault.Invalidf("domain", "domain must name a site, such as example.gov")
	}

	if ref, ok := pick(b.Referrer, b.R); ok {
		if len(ref) > maxURLLen {
			ref = ref[:maxURLLen]
		}
		ev.Referrer = ref
	}
	if ev.Props, err = decodeProps(pickRaw(b.Props, b.P)); err != nil {
		return nil, err
	}
	if ev.Revenue, err = decodeRevenue(pickRaw(b.Revenue, b.Dollar)); err != nil {
		return nil, err
	}
	if v := pickRaw(b.Interactive, b.I); len(v) > 0 && !isNull(v) {
		if err := json.Unmarshal(v, &ev.Interactive); err != nil {
			return nil, fault.Invalidf("interactive", "interactive must be true or false")
		}
	}
	if len(b.H) > 0 {
		ev.HashMode = truthy(b.H)
	}
	if ev.Name == EngagementName {
		if ev.ScrollDepth, err = intIn(b.SD, "sd", 0, 100); err != nil {
			return nil, err
		}
		e, err := intIn(b.E, "e", 0, math.MaxInt32)
		if err != nil {
			return nil, err
		}
		ev.EngagedMS = int64(e)
		ev.Interactive = false
	}
	return ev, nil
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

// truthy reads Plausible's h flag, which scripts send as 1 or true.
func truthy(v json.RawMessage) bool {
	s := string(bytes.TrimSpace(v))
	return s == "1" || s == "true" || s == `"1"` || s == `"true"`
}

func intIn(v json.RawMessage, field string, lo, hi int) (int, error) {
	if len(v) == 0 || isNull(v) {
		return -1, nil
	}
	var f float64
	if err := json.Unmarshal(v, &f); err != nil || f < float64(lo) || f > float64(hi) || f != math.Trunc(f) {
		return 0, fault.Invalidf(field, "%s must be a whole number from %d to %d", field, lo, hi)
	}
	return int(f), nil
}

// decodeProps reads custom properties: an object, or (as Plausible's
// scripts send it) a JSON string holding an object. Values may be strings,
// numbers or booleans; null and empty values are left out.
func decodeProps(v json.RawMessage) (map[string]string, error) {
	if len(v) == 0 || isNull(v) {
		return nil, nil
	}
	if bytes.HasPrefix(bytes.TrimSpace(v), []byte(`"`)) {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, fault.Invalidf("props", "props must be an object")
		}
		v = json.RawMessage(s)
		if strings.TrimSpace(s) == "" {
			return nil, nil
		}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(v, &m); err != nil {
		return nil, fault.Invalidf("props", "props must be an object of names and values")
	}
	if len(m) > maxProps {
		return nil, fault.Invalidf("props", "props may have at most %d properties", maxProps)
	}
	out := make(map[string]string, len(m))
	for k, raw := range m {
		if k == "" || utf8.RuneCountInString(k) > maxPropKeyLen {
			return nil, fault.Invalidf("props", "property names must be 1 to %d characters", maxPropKeyLen)
		}
		var val any
		if err := json.Unmarshal(raw, &val); err != nil {
			return nil, fault.Invalidf("props."+k, "props.%s is not valid JSON", k)
		}
		var s string
		switch x := val.(type) {
		case nil:
			continue
		case string:
			s = x
		case bool:
			s = strconv.FormatBool(x)
		case float64:
			s = strings.TrimSpace(string(raw))
		default:
			return nil, fault.Invalidf("props."+k, "props.%s must be a string, number or boolean", k)
		}
		if s == "" {
			continue
		}
		if utf8.RuneCountInString(s) > maxPropValLen {
			return nil, fault.Invalidf("props."+k, "props.%s must be at most %d characters", k, maxPropValLen)
		}
		out[k] = s
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func decodeRevenue(v json.RawMessage) (*Revenue, error) {
	if len(v) == 0 || isNull(v) {
		return nil, nil
	}
	var r struct {
		Amount   json.RawMessage `json:"amount"`
		Currency string          `json:"currency"`
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, fault.Invalidf("revenue", `revenue must be an object like {"amount": 12.5, "currency": "GBP"}`)
	}
	amount := strings.Trim(strings.TrimSpace(string(r.Amount)), `"`)
	if f, err := strconv.ParseFloat(amount, 64); err != nil || math.IsInf(f, 0) || math.IsNaN(f) || len(amount) > 30 {
		return nil, fault.Invalidf("revenue.amount", "revenue.amount must be a number")
	}
	cur := strings.ToUpper(strings.TrimSpace(r.Currency))
	if len(cur) != 3 || strings.Trim(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return nil, fault.Invalidf("revenue.currency", "revenue.currency must be a three-letter ISO 4217 code such as GBP")
	}
	return &Revenue{Amount: amount, Currency: cur}, nil
}

// PropsJSON encodes properties with sorted keys, as they are stored.
func PropsJSON(props map[string]string) string {
	if len(props) == 0 {
		return ""
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kj, _ := json.Marshal(k)
		vj, _ := json.Marshal(props[k])
		b.Write(kj)
		b.WriteByte(':')
		b.Write(vj)
	}
	b.WriteByte('}')
	return b.String()
}

// Page is the path the event counts for: the URL's path, with the fragment
// for sites that route by it.
func (ev *Incoming) Page() string {
	p := ev.URL.Path
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
