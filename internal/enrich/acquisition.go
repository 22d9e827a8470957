package enrich

import (
	"net/url"
	"strings"
)

// Length limits of the stored acquisition dimensions, in bytes.
const (
	maxReferrer = 1024
	maxSource   = 256
	maxTag      = 512
)

// Acquisition is where a visit came from. Source is a friendly name
// ("Google", "Facebook", or a host such as "example.org"); Referrer is the
// referring host and path without scheme, query, "www." or trailing slash;
// Channel is one of the channel groups (see channel.go). Empty means unknown.
type Acquisition struct {
	Source      string
	Referrer    string
	Channel     string
	UTMSource   string
	UTMMedium   string
	UTMCampaign string
	UTMTerm     string
	UTMContent  string
}

// Acquisition derives source, referrer, channel and UTM tags from the page
// URL and the referrer, following Plausible's rules:
//
//   - the source is the first non-empty of the utm_source, source and ref
//     query parameters, mapped case-insensitively to a known name
//     ("google" -> "Google", "ig" -> "Instagram"); only without such a tag
//     does the referrer decide, by the referrer database or else its host;
//   - a referrer on the page's own host ("www." ignored) or on localhost is
//     internal navigation: no Referrer, no referrer-based Source, so the
//     caller keeps the visit's original source;
//   - only http, https and android-app referrers count;
//   - a referrer the database knows is named by it, then mapped like a tag
//     ("Twitter" -> "X (Twitter)");
//   - UTMSource holds that first non-empty tag, so ?ref=producthunt reads as
//     utm_source=producthunt, as Plausible stores it.
//
// A nil pageURL is allowed. When a query parameter repeats, the last value
// wins, as in Plausible.
func (e *Enricher) Acquisition(pageURL *url.URL, referrer string) Acquisition {
	var q pageQuery
	pageHost := ""
	if pageURL != nil {
		q = readQuery(pageURL.RawQuery)
		pageHost = strings.TrimPrefix(normalizeHost(pageURL.Hostname()), "www.")
	}
	tagged := firstNonEmpty(q.utmSource, q.source, q.ref)
	a := Acquisition{
		UTMSource:   tagged, // ?ref= and ?source= count as utm_source, as in Plausible
		UTMMedium:   q.utmMedium,
		UTMCampaign: q.utmCampaign,
		UTMTerm:     q.utmTerm,
		UTMContent:  q.utmContent,
	}
	ref, ok := parseReferrer(referrer)
	external := ok && ref.host != pageHost && ref.host != "localhost"
	if external {
		a.Referrer = clean(ref.display+strings.TrimRight(ref.path, "/"), maxReferrer)
	}
	switch {
	case tagged != "":
		a.Source = e.src.canonical(tagged)
	case external && ref.scheme == "android-app":
		a.Source = e.src.canonical(ref.display)
	case external:
		if name, ok := e.src.byReferrer(ref.host, ref.path); ok {
			a.Source = e.src.canonical(name) // "Twitter" -> "X (Twitter)"
		} else {
			a.Source = e.src.canonical(ref.host)
		}
	}
	a.Source = clean(a.Source, maxSource)
	a.Channel = e.src.channel(a.Source, q.utmMedium, q.utmCampaign, tagged, q.clickID)
	return a
}

type referrerParts struct {
	scheme  string
	host    string // lower case, no port, no "www."
	display string // host, or "android-app://" + host
	path    string // escaped path
}

func parseReferrer(raw string) (referrerParts, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return referrerParts{}, false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return referrerParts{}, false
	}
	r := referrerParts{scheme: strings.ToLower(u.Scheme), path: u.EscapedPath()}
	if r.scheme != "http" && r.scheme != "https" && r.scheme != "android-app" {
		return referrerParts{}, false
	}
	r.host = strings.TrimPrefix(normalizeHost(u.Hostname()), "www.")
	if r.host == "" {
		return referrerParts{}, false
	}
	r.display = r.host
	if r.scheme == "android-app" {
		r.display = "android-app://" + r.host
	}
	return r, true
}

// pageQuery holds the query parameters that acquisition reads.
type pageQuery struct {
	utmSource, utmMedium, utmCampaign, utmTerm, utmContent string
	source, ref                                            string
	clickID                                                string // "gclid", "msclkid" or ""
}

// readQuery scans a raw query for the few keys it needs, without building a
// map of every parameter.
func readQuery(raw string) pageQuery {
	var q pageQuery
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(kv, "=")
		k = unescape(k)
		var dst *string
		switch k {
		case "utm_source":
			dst = &q.utmSource
		case "utm_medium":
			dst = &q.utmMedium
		case "utm_campaign":
			dst = &q.utmCampaign
		case "utm_term":
			dst = &q.utmTerm
		case "utm_content":
			dst = &q.utmContent
		case "source":
			dst = &q.source
		case "ref":
			dst = &q.ref
		case "gclid", "gbraid", "wbraid": // Google's click ids (the last two on iOS)
			q.clickID = "gclid"
			continue
		case "msclkid":
			if q.clickID == "" {
				q.clickID = "msclkid"
			}
			continue
		default:
			continue
		}
		*dst = clean(strings.TrimSpace(unescape(v)), maxTag)
	}
	return q
}

// unescape decodes a query component; a malformed escape keeps the raw text.
func unescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
