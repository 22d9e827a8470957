package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
)

// CSRFField is the name of the hidden form field that carries the token.
const CSRFField = "csrf_token"

const csrfCookie = "liveops_csrf"

type csrfKey struct{}

// CSRFToken returns the token to put in the page's forms.
func CSRFToken(ctx context.Context) string {
	s, _ := ctx.Value(csrfKey{}).(string)
	return s
}

// CSRF protects cookie-authenticated forms twice over: the browser's own
// Sec-Fetch-Site/Origin headers must not say cross-site (Go's
// CrossOriginProtection), and every state-changing request must echo the
// random token from the liveops_csrf cookie in its csrf_token field
// (double-submit), for browsers that send neither header.
func (s *Site) CSRF(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Fail(w, r, Forbidden("This form was sent from another site, so it was refused. Go back to liveops and try again."))
	}))
	return cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := ""
		if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
			token = c.Value
		} else {
			var b [32]byte
			rand.Read(b[:])
			token = base64.RawURLEncoding.EncodeToString(b[:])
			http.SetCookie(w, &http.Cookie{
				Name: csrfCookie, Value: token, Path: "/",
				HttpOnly: true, Secure: Secure(r), SameSite: http.SameSiteLaxMode,
			})
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
			if err := parseForm(r); err != nil {
				s.Fail(w, r, err)
				return
			}
			sent := r.PostFormValue(CSRFField)
			if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
				s.Fail(w, r, Forbidden("This form has expired or was not sent from liveops. Go back, reload the page and try again."))
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), csrfKey{}, token)))
	}))
}
