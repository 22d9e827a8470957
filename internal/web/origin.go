package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

type originKey struct{}

// PublicOrigin has every request carry origin (ParsePublicURL's result),
// the address people and sites reach liveops at, for Origin.
func PublicOrigin(origin string) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), originKey{}, origin)))
		})
	}
}

// Origin is liveops's own address, "https://liveops.example.gov", for the
// links and snippets handed to someone else: the configured public URL.
// Without one (tests, embedding), the address the browser reached, from
// the request's Host, which a client chooses: the server always sets one.
func Origin(r *http.Request) string {
	if o, ok := r.Context().Value(originKey{}).(string); ok && o != "" {
		return o
	}
	scheme := "http"
	if Secure(r) {
		scheme = "https"
	}
	return scheme + "://" + strings.TrimSuffix(r.Host, ".")
}

// ParsePublicURL checks a public URL (--public-url) and returns it as an
// origin: scheme and host, no path, query or credentials.
func ParsePublicURL(s string) (string, error) {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "", fmt.Errorf("%q is not a URL", s)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("%q must start with https:// or http://", s)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("%q has no host name", s)
	case u.User != nil:
		return "", fmt.Errorf("%q must not carry a user name or password", s)
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "", u.Opaque != "":
		return "", fmt.Errorf("%q must be the address alone, with no path, query or fragment: liveops is served from the root of its host", s)
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

// ListenOrigin is the origin of a listening address when no public URL is
// given: "localhost" for an address that listens on every interface.
func ListenOrigin(addr string, tls bool) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = addr, ""
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	if port == "" {
		return scheme + "://" + host
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// Loopback reports whether a listening address takes connections from
// this machine only.
func Loopback(addr net.Addr) bool {
	ap, err := netip.ParseAddrPort(addr.String())
	return err == nil && ap.Addr().IsLoopback()
}
