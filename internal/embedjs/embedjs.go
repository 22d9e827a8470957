// Package embedjs serves the scripts that other sites embed — the analytics
// tracker and the feedback widget — from /js/{name}.js and, for install
// snippets, from a versioned URL browsers may cache for a year. Each is
// gzipped once at start-up, answers If-None-Match, and may be loaded by
// any site.
package embedjs

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/web"
)

// Cache lifetimes: a versioned URL never changes; the plain one must pick
// up a new release within the hour.
const (
	CacheVersioned = "public, max-age=31536000, immutable"
	CachePlain     = "public, max-age=3600"
)

// Script is one embeddable script, built once and never changed, so it is
// safe to share.
type Script struct {
	name          string
	plain, gz     []byte
	etag, gzETag  string
	version, path string
}

// New prepares the script js to be served as /js/{name}.js.
func New(name string, js []byte) *Script {
	sum := sha256.Sum256(js)
	h := hex.EncodeToString(sum[:])
	return &Script{
		name:    name,
		plain:   js,
		gz:      gzipBytes(js),
		etag:    `"` + h[:16] + `"`,
		gzETag:  `"` + h[:16] + `-gz"`,
		version: h[:8],
		path:    "/js/" + name + "." + h[:8] + ".js",
	}
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // err only for a bad level
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// Path is the script's plain URL path, /js/{name}.js.
func (s *Script) Path() string { return "/js/" + s.name + ".js" }

// VersionedPath is the script's URL path with its version in it, such as
// /js/script.1a2b3c4d.js, for install snippets: browsers cache it for a
// year, and a new release has a new path.
func (s *Script) VersionedPath() string { return s.path }

// Gzipped is the body served to clients that accept gzip.
func (s *Script) Gzipped() []byte { return s.gz }

// ETags are the entity tags of the plain and the gzipped body.
func (s *Script) ETags() (plain, gzipped string) { return s.etag, s.gzETag }

// Set serves a set of scripts under /js/.
type Set []*Script

// Routes registers the set as an open route.
func (set Set) Routes(rt *web.Router) { rt.Open("GET /js/{file}", set) }

// versioned matches any version, not only the current one: a page cached
// with an older version's URL still gets the current script, briefly cached.
var versioned = regexp.MustCompile(`^([a-z]+)\.([0-9a-f]{8})\.js$`)

// ServeHTTP answers GET and HEAD for /js/{name}.js and /js/{name}.{version}.js,
// gzipped when the client accepts it, with ETag revalidation and headers
// that let any site's pages load it. Other paths are 404, other methods 405.
func (set Set) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	file, ok := strings.CutPrefix(r.URL.Path, "/js/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	name, version := strings.TrimSuffix(file, ".js"), ""
	if m := versioned.FindStringSubmatch(file); m != nil {
		name, version = m[1], m[2]
	} else if !strings.HasSuffix(file, ".js") {
		http.NotFound(w, r)
		return
	}
	for _, s := range set {
		if s.name == name {
			cache := CachePlain
			if version == s.version {
				cache = CacheVersioned
			}
			s.serve(w, r, cache)
			return
		}
	}
	http.NotFound(w, r)
}

func (s *Script) serve(w http.ResponseWriter, r *http.Request, cache string) {
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
