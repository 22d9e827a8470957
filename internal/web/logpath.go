package web

import (
	"net/http"
	"strings"

	"github.com/liveops/liveops/internal/scrub"
)

// secretSegments are the names of route wildcards that hold a secret: a
// set-up link's secret, a reset token. A log shows the name, never the value.
var secretSegments = map[string]bool{"secret": true, "token": true, "key": true, "code": true}

// maxLoggedPath bounds a logged path: a client chooses it.
const maxLoggedPath = 200

// LoggedPath is the request's path as logs may show it. A matched route is
// written from its pattern, with the wildcards' values filled in except
// those holding secrets ("/setup/{secret}"); an unmatched path is scrubbed
// of personal data. Either way it is cut to 200 bytes.
func LoggedPath(r *http.Request) string {
	path := r.URL.Path
	if r.Pattern != "" {
		path = patternPath(r)
	}
	path = scrub.Default().String(path)
	if len(path) > maxLoggedPath {
		path = CleanText(path[:maxLoggedPath], maxLoggedPath) + "…"
	}
	return path
}

// patternPath writes r's route pattern ("GET /s/{slug}/setup/{secret}")
// as a path, with each wildcard's value but the secret ones.
func patternPath(r *http.Request) string {
	p := r.Pattern
	if i := strings.IndexByte(p, ' '); i >= 0 {
		p = p[i+1:]
	}
	if i := strings.IndexByte(p, '/'); i > 0 {
		p = p[i:] // a host before the path
	}
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		name, ok := strings.CutPrefix(seg, "{")
		if !ok || !strings.HasSuffix(name, "}") {
			continue
		}
		name = strings.TrimSuffix(strings.TrimSuffix(name, "}"), "...")
		switch {
		case name == "$":
			segs[i] = ""
		case !secretSegments[name]:
			segs[i] = r.PathValue(name)
		}
	}
	if last := len(segs) - 1; segs[last] == "" && last > 0 {
		// A pattern ending in "/" matches the whole subtree: the rest
		// of the path is the client's, shown scrubbed like any other.
		if real := strings.Split(r.URL.Path, "/"); len(real) >= len(segs) {
			segs = append(segs[:last], real[last:]...)
		}
	}
	return strings.Join(segs, "/")
}
