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
	edge   netip.Addr // as a CDN or proxy in front reports it: see EdgeClientIP
	secure bool       // reached us over HTTPS, directly or through a trusted proxy
}

// ClientIP returns the address of the client as ClientIPs worked it out.
func ClientIP(ctx context.Context) netip.Addr {
	c, _ := ctx.Value(clientKey{}).(client)
	return c.ip
}

// EdgeClientIP returns the client's address as the CDN or proxy in front
// of liveops reports it, read as Plausible reads it, for analytics events:
// from a trusted proxy, the first of X-Plausible-IP, CF-Connecting-IP,
// B-Forwarded-For (its first entry), X-Forwarded-For (as ClientIP reads it)
// and Forwarded (its first for=) that holds an address; from any other peer,
// the peer itself.
//
// A trusted proxy that does not set or strip those headers lets a client
// choose the address it is counted under, as with Plausible. That only
// skews figures, so ClientIP, which rate limits and sign-in key on, never
// reads them.
func EdgeClientIP(ctx context.Context) netip.Addr {
	c, _ := ctx.Value(clientKey{}).(client)
	return c.edge
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
// X-Forwarded-Proto. Headers from any other peer are never read: unlike
// Plausible, which believes them from anyone, liveops is often reached
// directly, where any client could set them.
func ClientIPs(trusted TrustedProxies) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ip, viaProxy := clientIP(r, trusted)
			c := client{ip: ip, edge: ip, secure: viaProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")}
			if viaProxy {
				c.edge = edgeClientIP(r.Header, ip)
			}
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
		a, ok := parseHop(hops[i])
		if !ok {
			return peer, true
		}
		if !trusted.trusts(a) {
			return a, true
		}
		peer = a
	}
	return peer, true
}

// edgeClientIP reads the headers a trusted proxy may set, in Plausible's
// order of preference; xff is the address X-Forwarded-For gave.
func edgeClientIP(h http.Header, xff netip.Addr) netip.Addr {
	for _, name := range []string{"X-Plausible-IP", "CF-Connecting-IP"} {
		if a, ok := parseHop(h.Get(name)); ok {
			return a
		}
	}
	if v := h.Get("B-Forwarded-For"); v != "" {
		first, _, _ := strings.Cut(v, ",")
		if a, ok := parseHop(first); ok {
			return a
		}
	}
	if h.Get("X-Forwarded-For") != "" {
		return xff
	}
	if a, ok := forwardedFor(h.Get("Forwarded")); ok {
		return a
	}
	return xff
}

// forwardedFor is the first for= address of a Forwarded header (RFC 7239),
// such as for=192.0.2.60 or for="[2001:db8::17]:4711".
func forwardedFor(v string) (netip.Addr, bool) {
	i := strings.Index(strings.ToLower(v), "for=")
	if i < 0 {
		return netip.Addr{}, false
	}
	v = v[i+len("for="):]
	if j := strings.IndexAny(v, ";,"); j >= 0 {
		v = v[:j]
	}
	return parseHop(strings.Trim(strings.TrimSpace(v), `"`))
}

// parseHop reads one address of a forwarding header: 192.0.2.1,
// 192.0.2.1:8080, 2001:db8::1 or [2001:db8::1]:8080.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.Addr{}, false
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
