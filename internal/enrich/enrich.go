// Package enrich turns what arrives with one analytics event (a user agent,
// a client IP, a page URL and a referrer) into the dimensions liveops stores:
// browser, OS, device, bot or not, spam referrer or not, country (and, with
// a city database, region and city), source, referrer, channel and UTM tags.
//
// Everything it needs is embedded (see data/README.md), but for the optional
// city database the operator provides (OpenGeoDB); nothing is fetched at run
// time. An Enricher is built once with New and is safe for concurrent use.
package enrich

import (
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"unicode/utf8"
)

// IPLocAttribution is the credit that the IP-to-country data requires
// (IP2Location LITE, CC BY-SA 4.0). Show it wherever countries are shown,
// for example in the dashboard footer and the README.
const IPLocAttribution = "This product includes IP2Location LITE data available from https://lite.ip2location.com (CC BY-SA 4.0)."

// Enricher holds the parsed lookup tables. Build it with New; the zero value
// is not usable.
type Enricher struct {
	bots       *botMatcher
	screens    *bigScreens
	uaCache    *uaCache
	spam       map[string]struct{}
	src        *sources
	geo        *GeoDB    // nil without a city database
	v6Unpacked sync.Once // see Country
}

// New parses the embedded data (crawler list, spam list, referrer database)
// and returns a ready Enricher. It fails only if the embedded data is corrupt,
// which a test catches before release.
func New() (*Enricher, error) {
	bots, err := newBotMatcher()
	if err != nil {
		return nil, fmt.Errorf("load crawler list: %w", err)
	}
	screens, err := newBigScreens()
	if err != nil {
		return nil, fmt.Errorf("big-screen tokens: %w", err)
	}
	src, err := loadSources()
	if err != nil {
		return nil, fmt.Errorf("load referrer sources: %w", err)
	}
	return &Enricher{
		bots:    bots,
		screens: screens,
		uaCache: newUACache(maphash.MakeSeed()),
		spam:    loadSpam(),
		src:     src,
	}, nil
}

// NewWithGeo is New with a city database for Locate; geo may be nil.
func NewWithGeo(geo *GeoDB) (*Enricher, error) {
	e, err := New()
	if err != nil {
		return nil, err
	}
	e.geo = geo
	return e, nil
}

// Lazy returns a function that builds the Enricher (with the city
// database geo, which may be nil) on its first call and gives the same one
// (or the same error) after: the tables take about 3 MB and tens of
// milliseconds, which a node that never takes an event (a web-only node, a
// management command) need not spend.
func Lazy(geo *GeoDB) func() (*Enricher, error) {
	return sync.OnceValues(func() (*Enricher, error) { return NewWithGeo(geo) })
}

// clean makes s safe to store: valid UTF-8 without control characters (which
// PostgreSQL text columns reject or which break CSV exports), at most n bytes.
func clean(s string, n int) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return clip(strings.Map(func(r rune) rune {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
					return -1
				}
				return r
			}, s), n)
		}
	}
	return clip(s, n)
}

// clip cuts s to at most n bytes without splitting a UTF-8 sequence, so every
// stored dimension has a bounded size whatever a client sends.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
