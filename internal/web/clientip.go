package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// TrustedProxies are the networks whose X-Forwarded-For is believed.
type TrustedProxies []netip.Prefix

// ParseTrustedProxies reads a comma-separated list of CIDRs or addresses.
func ParseTrustedProxies(s string) (TrustedProxies, error) {
	var out TrustedProxies
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q is not an IP address or CIDR", f)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is not a CIDR such as 10.0.0.0/8", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Contains reports whether a is in one of the networks.
func (t TrustedProxies) Contains(a netip.Addr) bool { return t.trusts(a) }

// String lists the networks, comma-separated, as ParseTrustedProxies reads them.
func (t TrustedProxies) String() string {
	parts := make([]string, len(t))
	for i, p := range t {
		if p.IsSingleIP() {
			parts[i] = p.Addr().String()
		} else {
			parts[i] = p.String()
		}
	}
	return strings.Join(parts, ", ")
}

func (t TrustedProxies) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range t {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

type clientKey struct{}

// client is what ClientIPs learnt about the request's origin.
type client struct {
	ip     netip.Addr
	secure bool // reached us over HTTPS, directly or through a trusted proxy
}

// ClientIP returns the address of the client as ClientIPs worked it out.
func ClientIP(ctx context.Context) netip.Addr {
	c, _ := ctx.Value(clientKey{}).(client)
	return c.ip
}

// Secure reports whether the browser reached liveops over HTTPS: directly,
// or through a trusted proxy that says so in X-Forwarded-Proto. Cookies are
// Secure, and links absolute with https, when it does.
func Secure(r *http.Request) bool {
	c, _ := r.Context().Value(clientKey{}).(client)
	return r.TLS != nil || c.secure
}

// ClientIPs finds the client's address: the connection's peer, unless the
// peer is a trusted proxy, in which case X-Forwarded-For is read from the
// right, skipping trusted hops, so a client cannot forge its address by
// sending the header itself. From a trusted proxy it also believes
// X-Forwarded-Proto.
func ClientIPs(trusted TrustedProxies) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ip, viaProxy := clientIP(r, trusted)
			c := client{ip: ip, secure: viaProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, c)))
		})
	}
}

func clientIP(r *http.Request, trusted TrustedProxies) (ip netip.Addr, viaProxy bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	peer = peer.Unmap()
	if !trusted.trusts(peer) {
		return peer, false
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return peer, true
		}
		a = a.Unmap()
		if !trusted.trusts(a) {
			return a, true
		}
		peer = a
	}
	return peer, true
}
