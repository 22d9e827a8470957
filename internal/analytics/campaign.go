package analytics

import (
	"net/url"
	"strings"
	"unicode"

	"github.com/liveops/liveops/internal/web"
)

// plausibleTags completes the campaign tags of a visit as Plausible
// records them (put_source_info and maybe_infer_medium in
// lib/plausible/ingestion/event.ex): without utm_source, the source or ref
// parameter is the tagged source; on a link with no utm_medium, a Google
// Ads click id from Google is the medium "(gclid)", a Microsoft Ads one
// from Bing "(msclkid)".
func plausibleTags(v *Visit, q url.Values) {
	if v.UTMSource == "" {
		for _, k := range []string{"source", "ref"} {
			if t := tagValue(q[k]); t != "" {
				v.UTMSource = t
				break
			}
		}
	}
	if q.Has("utm_medium") {
		return
	}
	// The first click id present names the ad network, in Plausible's order.
	for _, k := range []string{"gclid", "gbraid", "wbraid", "msclkid", "fbclid", "twclid"} {
		if !q.Has(k) {
			continue
		}
		switch {
		case k == "gclid" && v.Source == "Google":
			v.UTMMedium = "(gclid)"
		case k == "msclkid" && v.Source == "Bing":
			v.UTMMedium = "(msclkid)"
		}
		return
	}
}

// tagValue is the last value of a repeated query parameter (the one
// Plausible keeps), trimmed, without control characters, and cut to the
// length enrich keeps of a tag.
func tagValue(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	s := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(vs[len(vs)-1]))
	return web.CleanText(s, 512)
}
