package account

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// SessionCookie holds a signed-in browser's session secret.
const SessionCookie = "liveops_session"

type sessionKey struct{}

// currentSession returns the id of the session the request came with.
func currentSession(ctx context.Context) string {
	s, _ := ctx.Value(sessionKey{}).(string)
	return s
}

// Session loads the signed-in user from the session cookie, if there is
// one, into the request context as an auth.Principal and a web.Viewer. A
// stale cookie is cleared; the request goes on as nobody's.
func (h *Handler) Session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(SessionCookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		u, id, err := h.acc.SessionUser(r.Context(), c.Value)
		if errors.Is(err, store.ErrNotFound) {
			h.clearSessionCookie(w, r)
			next.ServeHTTP(w, r)
			return
		}
		if err != nil {
			h.site.Fail(w, r, err)
			return
		}
		ctx := auth.With(r.Context(), u.Principal())
		ctx = web.WithViewer(ctx, &web.Viewer{ID: u.ID, Email: u.Email, Role: string(u.Role), IsAdmin: u.Role == auth.Admin})
		ctx = context.WithValue(ctx, sessionKey{}, id)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// RequireSignIn sends anyone not signed in to the sign-in page, and back to
// where they were going afterwards.
func (h *Handler) RequireSignIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.From(r.Context()) == nil {
			target := "/login"
			if r.Method == http.MethodGet && r.URL.Path != "/" {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Bearer authenticates the API token in the Authorization header.
func (h *Handler) Bearer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, secret, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="liveops"`)
			h.site.Fail(w, r, web.Unauthorized("send an API token in the Authorization header: \"Authorization: Bearer lo_…\"; create one on the API tokens page"))
			return
		}
		p, err := h.acc.TokenPrincipal(r.Context(), strings.TrimSpace(secret))
		if errors.Is(err, store.ErrNotFound) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="liveops", error="invalid_token"`)
			h.site.Fail(w, r, web.Unauthorized("the API token is not valid: it may be mistyped, revoked, or its owner disabled"))
			return
		}
		if err != nil {
			h.site.Fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.With(r.Context(), p)))
	})
}

func (h *Handler) setSessionCookie(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: secret, Path: "/",
		MaxAge: int(SessionLifetime.Seconds()), HttpOnly: true,
		Secure: web.Secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// setDeviceCookie marks the browser as one its user signed in with. It
// is sent to the sign-in form only, and kept after sign-out.
func (h *Handler) setDeviceCookie(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{
		Name: DeviceCookie, Value: secret, Path: "/login",
		MaxAge: int(deviceLifetime.Seconds()), HttpOnly: true,
		Secure: web.Secure(r), SameSite: http.SameSiteStrictMode,
	})
}

func (h *Handler) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: web.Secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// safeNext keeps a post-sign-in redirect on this site: a path and query,
// never a scheme, host, backslash or control character that a browser might
// read as another site.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	// Check the decoded path too: %09 and %5C are a tab and a backslash.
	for _, c := range next + u.Path {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	clean := path.Clean(u.EscapedPath())
	if strings.HasPrefix(clean, "//") {
		return "/"
	}
	if u.RawQuery != "" {
		clean += "?" + u.RawQuery
	}
	return clean
}
