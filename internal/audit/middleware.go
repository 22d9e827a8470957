package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/scrub"
	"github.com/liveops/liveops/internal/web"
)

// Limits on what an entry keeps of the request: a change's fields say what
// was asked for; they are not a copy of an upload.
const (
	maxFields     = 40
	maxFieldRunes = 200
	maxBodyKept   = 64 << 10
)

// note is what a handler adds to its request's entry.
type note struct {
	mu            sync.Mutex
	userID        int64
	email         string
	attempt       bool
	skip          bool
	before, after any
}

type noteKey struct{}

func noteFrom(ctx context.Context) *note {
	n, _ := ctx.Value(noteKey{}).(*note)
	return n
}

// Changed records what the request changed: the thing before and after
// (nil for one that did not exist, or is gone). Values are kept as JSON;
// pass what a reader of the log should see, never a secret.
func Changed(ctx context.Context, before, after any) {
	if n := noteFrom(ctx); n != nil {
		n.mu.Lock()
		n.before, n.after = before, after
		n.mu.Unlock()
	}
}

// NotAChange marks a request sent with POST that changes nothing (a
// query, a preview): it is not recorded.
func NotAChange(ctx context.Context) {
	if n := noteFrom(ctx); n != nil {
		n.mu.Lock()
		n.skip = true
		n.mu.Unlock()
	}
}

// SignIn marks the request as a sign-in attempt: it is recorded whether it
// succeeds or fails, as the account it was for (userID 0 and email "" when
// the address is no user's: what a stranger typed is not kept).
func SignIn(ctx context.Context, userID int64, email string) {
	if n := noteFrom(ctx); n != nil {
		n.mu.Lock()
		n.attempt, n.userID, n.email = true, userID, email
		n.mu.Unlock()
	}
}

// secretField reports whether a form or JSON field holds a secret that the
// log must never keep.
func secretField(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "password") || strings.Contains(n, "secret") || strings.Contains(n, "token") ||
		n == "confirm" || n == "code" || strings.HasPrefix(n, "totp") || strings.HasPrefix(n, "recovery")
}

// Middleware records each request that changes something (any method but
// GET, HEAD and OPTIONS) and succeeded, and each sign-in attempt, whatever
// its outcome. It goes inside the route's authentication, so that it knows
// who made the request.
func (l *Log) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A read changes nothing, but the answer from a single sign-on
		// provider comes as one: it is recorded when it says so (SignIn).
		read := r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions
		n := &note{}
		r = r.WithContext(context.WithValue(r.Context(), noteKey{}, n))
		var body *bytes.Buffer
		if !read && isJSON(r) && r.Body != nil {
			body = &bytes.Buffer{}
			r.Body = readCloser{io.TeeReader(r.Body, &limitedWriter{w: body, n: maxBodyKept}), r.Body}
		}
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		n.mu.Lock()
		defer n.mu.Unlock()
		outcome := Done
		switch {
		case n.skip, read && !n.attempt:
			return
		case status < 400:
		case n.attempt && (status == http.StatusUnauthorized || status == http.StatusTooManyRequests || status == http.StatusForbidden):
			outcome = Refused
		default:
			return // nothing changed
		}
		e := &Entry{Action: r.Pattern, Target: web.LoggedPath(r), Outcome: outcome, Status: status,
			Address: web.ClientIP(r.Context()).String(), Details: Details{Before: n.before, After: n.after}}
		if !n.attempt {
			// A sign-in's fields are what someone typed, maybe a stranger.
			e.Details.Fields = fields(r, body)
		}
		if e.Action == "" {
			e.Action = r.Method + " " + e.Target
		}
		if strings.Contains(r.Pattern, "{slug}") {
			e.Service = r.PathValue("slug")
		}
		switch p := auth.From(r.Context()); {
		case n.attempt:
			e.ActorKind, e.UserID, e.Actor = ActorUser, n.userID, n.email
			if n.userID == 0 {
				e.ActorKind = ActorAnonymous
			}
		case p == nil:
			e.ActorKind = ActorAnonymous
		case p.IsToken():
			e.ActorKind, e.UserID, e.TokenID, e.Actor = ActorToken, p.UserID, p.TokenID, p.Email
		default:
			e.ActorKind, e.UserID, e.Actor = ActorUser, p.UserID, p.Email
		}
		// The change is made: recording it must not be cut short by a
		// client that has gone.
		if err := l.Record(context.WithoutCancel(r.Context()), e); err != nil {
			slog.Error("audit: a change was made but could not be recorded", "action", e.Action, "target", e.Target, "err", err)
		}
	})
}

func isJSON(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "application/json" || strings.HasSuffix(ct, "+json")
}

// fields are the request's form or JSON fields as the log keeps them.
func fields(r *http.Request, body *bytes.Buffer) map[string]string {
	out := map[string]string{}
	add := func(k, v string) {
		if len(out) >= maxFields || secretField(k) || k == web.CSRFField || k == "back" {
			return
		}
		k = clip(scrub.Default().String(web.CleanText(k, 400)))
		v = web.CleanText(v, 4000)
		if k != "email" {
			// A user's address names the account a change is about, and
			// the users table holds it already; any other text may be
			// personal data someone typed.
			v = scrub.Default().String(v)
		}
		out[k] = clip(v)
	}
	if body != nil && body.Len() > 0 {
		var m map[string]any
		if json.Unmarshal(body.Bytes(), &m) == nil {
			for _, k := range slices.Sorted(maps.Keys(m)) {
				v, ok := m[k].(string)
				if !ok {
					b, _ := json.Marshal(m[k])
					v = string(b)
				}
				add(k, v)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(r.PostForm)) {
		add(k, strings.Join(r.PostForm[k], ", "))
	}
	if r.MultipartForm != nil {
		for _, k := range slices.Sorted(maps.Keys(r.MultipartForm.File)) {
			for _, fh := range r.MultipartForm.File[k] {
				add(k, fh.Filename+" ("+strconv.FormatInt(fh.Size, 10)+" bytes)")
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxFieldRunes {
		return s
	}
	return string([]rune(s)[:maxFieldRunes-1]) + "…"
}

// statusRecorder notes the status a handler answers with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

type readCloser struct {
	io.Reader
	io.Closer
}

// limitedWriter keeps the first n bytes written to it, and drops the rest.
type limitedWriter struct {
	w *bytes.Buffer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if room := l.n - l.w.Len(); room > 0 {
		l.w.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
