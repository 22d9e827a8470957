// Package tracker serves the analytics tracker, script.js: the small script
// a site embeds to send page views and events to POST /api/event.
//
// script.js is written and minified by hand, with no build step;
// script.src.js beside it is the readable, commented source.
package tracker

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"regexp"
	"time"

	"github.com/liveops/liveops/internal/web"
)

//go:embed script.js
var scriptJS []byte

// QueueSnippet, placed before any call, defines liveops() so that a site can
// send custom events before script.js has loaded; the script sends the
// queued calls when it starts.
const QueueSnippet = `window.liveops=window.liveops||function(){(window.liveops.q=window.liveops.q||[]).push(arguments)}`

// Cache lifetimes: a versioned URL never changes; the plain one must pick up
// a new release within the hour.
const (
	cacheVersioned = "public, max-age=31536000, immutable"
	cachePlain     = "public, max-age=3600"
)

// script is the tracker ready to serve, built once at start-up and never
// changed, so it is safe to share.
type script struct {
	plain, gz     []byte
	etag, gzETag  string
	version, path string
}

var std = newScript(scriptJS)

func newScript(b []byte) *script {
	sum := sha256.Sum256(b)
	h := hex.EncodeToString(sum[:])
	return &script{
		plain:   b,
		gz:      gzipBytes(b),
		etag:    `"` + h[:16] + `"`,
		gzETag:  `"` + h[:16] + `-gz"`,
		version: h[:8],
		path:    "/js/script." + h[:8] + ".js",
	}
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // err only for a bad level
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// Handler answers GET and HEAD for /js/script.js and /js/script.{version}.js,
// gzipped when the client accepts it, with ETag revalidation and headers
// that let any site's pages load it. Other paths are 404, other methods 405.
func Handler() http.Handler { return std }

// VersionedPath is the script's URL path with its version in it, such as
// /js/script.1a2b3c4d.js, for the install snippet: browsers cache it for a
// year, and a new release has a new path.
func VersionedPath() string { return std.path }

// Routes registers the script's two URLs as open routes.
func Routes(rt *web.Router) {
	rt.Open("GET /js/script.js", std)
	rt.Open("GET /js/{file}", std)
}

// versioned matches any version, not only the current one: a page cached
// with an older version's URL still gets the current script, briefly cached.
var versioned = regexp.MustCompile(`^/js/script\.([0-9a-f]{8})\.js$`)

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	cache := cachePlain
	if m := versioned.FindStringSubmatch(r.URL.Path); m != nil {
		if m[1] == s.version {
			cache = cacheVersioned
		}
	} else if r.URL.Path != "/js/script.js" {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", cache)
	h.Set("Vary", "Accept-Encoding")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	body, etag := s.plain, s.etag
	if acceptsGzip(r.Header.Values("Accept-Encoding")) {
		body, etag = s.gz, s.gzETag
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	// ServeContent answers If-None-Match (304), HEAD and ranges.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}
