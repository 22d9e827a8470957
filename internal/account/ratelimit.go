package account

import (
	"sync"
	"time"
)

// failureLimiter counts failed sign-ins per key (an email address, a client
// address) in a sliding window, so that password guessing is slowed to a
// crawl without locking the real user out for long. It lives in memory:
// with several nodes each counts its own share, which still bounds guessing.
type failureLimiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
}

func newFailureLimiter(max int, window time.Duration) *failureLimiter {
	return &failureLimiter{max: max, window: window, now: time.Now, failures: map[string][]time.Time{}}
}

// blocked reports whether key has used up its failures, and for how long.
func (l *failureLimiter) blocked(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := l.prune(key)
	if len(ts) < l.max {
		return false, 0
	}
	return true, ts[0].Add(l.window).Sub(l.now())
}

// fail records one failure for key.
func (l *failureLimiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures[key] = append(l.prune(key), l.now())
	if len(l.failures) > 10_000 {
		// Bound memory under a spray of keys: forget the stale ones.
		for k := range l.failures {
			if len(l.prune(k)) == 0 {
				delete(l.failures, k)
			}
		}
	}
}

// reset forgets key's failures after a success.
func (l *failureLimiter) reset(key string) {
	l.mu.Lock()
	delete(l.failures, key)
	l.mu.Unlock()
}

func (l *failureLimiter) prune(key string) []time.Time {
	ts := l.failures[key]
	cut := l.now().Add(-l.window)
	i := 0
	for i < len(ts) && ts[i].Before(cut) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = ts
	return ts
}
