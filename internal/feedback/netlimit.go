package feedback

import (
	"net/netip"
	"sync"
	"time"
)

// networkLimits judges each public submission by how many came just
// before it from the same network (an IPv4 /24, an IPv6 /64) to the same
// service, and to the service from anywhere. Changing the user agent
// changes the analytics visitor but not the network, so a flood from one
// place is seen whatever it sends. The addresses are held in memory for
// the window only, as prefixes, and never stored; with several nodes each
// judges its own share, which still bounds a flood.
type networkLimits struct {
	mu      sync.Mutex
	network map[networkKey][]time.Time
	service map[int64][]time.Time
}

type networkKey struct {
	service int64
	net     netip.Prefix
}

// verdict is what becomes of a submission.
type verdict int

const (
	counted verdict = iota // stored and counted as usual
	held                   // stored, flagged, and left out of the figures until a person counts it
	refused                // not stored: 429
)

// The limits. From one network in ten minutes, the first ten submissions
// are counted, the next fifty held and the rest refused: a household or an
// office behind one address sends far fewer. To one service from anywhere,
// more than 120 in a minute is a flood: what comes after is held.
const (
	networkWindow    = 10 * time.Minute
	networkCounted   = 10
	networkLimit     = 60
	serviceWindow    = time.Minute
	serviceCountedAt = 120
)

func newNetworkLimits() *networkLimits {
	return &networkLimits{network: map[networkKey][]time.Time{}, service: map[int64][]time.Time{}}
}

// networkOf is the network an address belongs to.
func networkOf(a netip.Addr) netip.Prefix {
	a = a.Unmap()
	bits := 24
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p
}

// take judges one submission from ip to service at now, and counts it
// unless it is refused; wait is how long until the network may send again.
func (l *networkLimits) take(service int64, ip netip.Addr, now time.Time) (v verdict, wait time.Duration) {
	key := networkKey{service, networkOf(ip)}
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := within(l.network[key], now.Add(-networkWindow))
	if len(recent) >= networkLimit {
		l.network[key] = recent
		return refused, recent[len(recent)-networkLimit].Add(networkWindow).Sub(now)
	}
	burst := within(l.service[service], now.Add(-serviceWindow))
	l.network[key] = append(recent, now)
	l.service[service] = append(burst, now)
	if len(l.network) > 100_000 {
		l.forgetStale(now)
	}
	if len(recent) >= networkCounted || len(burst) >= serviceCountedAt {
		return held, 0
	}
	return counted, 0
}

// within drops the times before cut from ts, oldest first.
func within(ts []time.Time, cut time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	return ts[i:]
}

// forgetStale bounds memory under submissions from very many networks.
func (l *networkLimits) forgetStale(now time.Time) {
	for k, ts := range l.network {
		if len(within(ts, now.Add(-networkWindow))) == 0 {
			delete(l.network, k)
		}
	}
	for k, ts := range l.service {
		if len(within(ts, now.Add(-serviceWindow))) == 0 {
			delete(l.service, k)
		}
	}
}
