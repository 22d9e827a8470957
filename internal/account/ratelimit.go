package account

import (
	"sync"
	"time"
)

// failureLimiter counts sign-in attempts per key (an email address, a client
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

// take records one attempt for key, unless key has used up its attempts,
// in which case it says how long to wait. Checking and counting in one step
// means parallel guesses cannot all pass the check before any is counted.
func (l *failureLimiter) take(key string) (ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := l.prune(key)
	if len(ts) >= l.max {
		return false, ts[0].Add(l.window).Sub(l.now())
	}
	l.failures[key] = append(ts, l.now())
	if len(l.failures) > 10_000 {
		// Bound memory under a spray of keys: forget the stale ones.
		for k := range l.failures {
			l.prune(k)
		}
	}
	return true, 0
}

// forgive takes back the latest attempt for key: it succeeded.
func (l *failureLimiter) forgive(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ts := l.failures[key]; len(ts) > 0 {
		l.failures[key] = ts[:len(ts)-1]
	}
}

// reset forgets every attempt for key.
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
