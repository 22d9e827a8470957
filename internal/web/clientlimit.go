package web

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// ClientLimits caps what one client may hold of the server: its open
// connections, its idle keep-alive connections, and its requests in
// flight. One client opening thousands of keep-alive connections held
// about 26 KB of memory each (494 MB for 18,931); the caps make that cost
// one client's share, and the server's answer to the others stays fast.
//
// A client is an IPv4 address or an IPv6 /64. Connections count by the
// peer's address; requests by the client address ClientIPs found, so a
// trusted proxy's visitors are each their own client. Trusted proxies, and
// loopback when ExemptLoopback is set, are not limited by connections:
// they carry many clients' traffic.
type ClientLimits struct {
	MaxConns    int // open connections per client
	MaxIdle     int // idle keep-alive connections per client
	MaxInFlight int // requests being answered per client

	Exempt         TrustedProxies
	ExemptLoopback bool

	limited *prometheus.CounterVec

	mu      sync.Mutex
	clients map[netip.Prefix]*clientUse
	idle    map[net.Conn]netip.Prefix // connections now idle, with their client
}

type clientUse struct{ conns, idle, inFlight int }

// Default per-client caps: enough for a browser (6 connections per host),
// a busy office behind one address, and a load test from one machine.
const (
	DefaultMaxConnsPerClient    = 256
	DefaultMaxIdlePerClient     = 32
	DefaultMaxInFlightPerClient = 64
)

// NewClientLimits returns the default caps, counting what they refuse in
// liveops_http_client_limited_total{limit}.
func NewClientLimits(exempt TrustedProxies, reg prometheus.Registerer) *ClientLimits {
	l := &ClientLimits{
		MaxConns: DefaultMaxConnsPerClient, MaxIdle: DefaultMaxIdlePerClient, MaxInFlight: DefaultMaxInFlightPerClient,
		Exempt: exempt, ExemptLoopback: true,
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "liveops_http_client_limited_total",
			Help: "Connections closed and requests refused because one client held more than its share, by limit (conns, idle, in_flight).",
		}, []string{"limit"}),
	}
	if reg != nil {
		reg.MustRegister(l.limited)
	}
	return l
}

func (l *ClientLimits) count(limit string) {
	if l.limited != nil {
		l.limited.WithLabelValues(limit).Inc()
	}
}

// clientOf is the client an address belongs to, and whether it is limited.
func (l *ClientLimits) clientOf(a netip.Addr) (netip.Prefix, bool) {
	a = a.Unmap()
	if !a.IsValid() || l.Exempt.Contains(a) || l.ExemptLoopback && a.IsLoopback() {
		return netip.Prefix{}, false
	}
	bits := 32
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p, true
}

func peerAddr(c net.Conn) netip.Addr {
	if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
		return ap.Addr()
	}
	return netip.Addr{}
}

func (l *ClientLimits) use(p netip.Prefix) *clientUse {
	if l.clients == nil {
		l.clients = map[netip.Prefix]*clientUse{}
		l.idle = map[net.Conn]netip.Prefix{}
	}
	u := l.clients[p]
	if u == nil {
		u = &clientUse{}
		l.clients[p] = u
	}
	return u
}

func (l *ClientLimits) release(p netip.Prefix, u *clientUse) {
	if *u == (clientUse{}) {
		delete(l.clients, p)
	}
}

// Listener wraps ln: a connection from a client that has MaxConns open
// already is closed as soon as it is accepted.
func (l *ClientLimits) Listener(ln net.Listener) net.Listener {
	return &limitListener{Listener: ln, l: l}
}

type limitListener struct {
	net.Listener
	l *ClientLimits
}

func (ll *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := ll.Listener.Accept()
		if err != nil {
			return nil, err
		}
		p, limited := ll.l.clientOf(peerAddr(c))
		if !limited {
			return c, nil
		}
		ll.l.mu.Lock()
		u := ll.l.use(p)
		over := u.conns >= ll.l.MaxConns
		if !over {
			u.conns++
		}
		ll.l.mu.Unlock()
		if over {
			ll.l.count("conns")
			c.Close()
			continue
		}
		return &limitConn{Conn: c, l: ll.l, client: p}, nil
	}
}

type limitConn struct {
	net.Conn
	l      *ClientLimits
	client netip.Prefix
	once   sync.Once
}

func (c *limitConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		if u := c.l.clients[c.client]; u != nil {
			u.conns--
			c.l.release(c.client, u)
		}
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}

// ConnState is for http.Server.ConnState: a connection that goes idle
// while its client has MaxIdle idle already is closed.
func (l *ClientLimits) ConnState(c net.Conn, state http.ConnState) {
	l.mu.Lock()
	if p, wasIdle := l.idle[c]; wasIdle {
		delete(l.idle, c)
		if u := l.clients[p]; u != nil {
			u.idle--
			l.release(p, u)
		}
	}
	if state != http.StateIdle {
		l.mu.Unlock()
		return
	}
	p, limited := l.clientOf(peerAddr(c))
	if !limited {
		l.mu.Unlock()
		return
	}
	u := l.use(p)
	if u.idle >= l.MaxIdle {
		l.release(p, u)
		l.mu.Unlock()
		l.count("idle")
		c.Close()
		return
	}
	u.idle++
	l.idle[c] = p
	l.mu.Unlock()
}

// Middleware refuses a request with 429 while its client has MaxInFlight
// requests being answered. It goes after ClientIPs.
func (l *ClientLimits) Middleware(site *Site) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ip := ClientIP(r.Context())
			p, limited := l.clientOf(ip)
			if !limited {
				next.ServeHTTP(w, r)
				return
			}
			l.mu.Lock()
			u := l.use(p)
			over := u.inFlight >= l.MaxInFlight
			if !over {
				u.inFlight++
			}
			if over {
				l.release(p, u)
			}
			l.mu.Unlock()
			if over {
				l.count("in_flight")
				w.Header().Set("Retry-After", strconv.Itoa(1))
				site.Fail(w, r, &Error{Status: http.StatusTooManyRequests,
					Message: "Too many requests from your address at once: wait for some to finish, then try again."})
				return
			}
			defer func() {
				l.mu.Lock()
				u.inFlight--
				l.release(p, u)
				l.mu.Unlock()
			}()
			next.ServeHTTP(w, r)
		})
	}
}
