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

// backoff slows repeated failures for a key instead of locking it: the
// first free ones pass at once, and after them each attempt must wait
// twice as long as the one before, from the last failure, up to max. A key
// with no failure for forget starts again. Like failureLimiter it lives in
// memory, per node.
type backoff struct {
	free             int
	base, max, quiet time.Duration
	now              func() time.Time

	mu    sync.Mutex
	state map[string]backoffState
}

type backoffState struct {
	failures int
	last     time.Time
}

func newBackoff(free int, base, max, quiet time.Duration) *backoff {
	return &backoff{free: free, base: base, max: max, quiet: quiet, now: time.Now, state: map[string]backoffState{}}
}

// take counts one attempt for key, or says how long it must wait first.
// Checking and counting are one step, as in failureLimiter.take.
func (b *backoff) take(key string) (ok bool, wait time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	s := b.state[key]
	if now.Sub(s.last) >= b.quiet {
		s = backoffState{}
	}
	if wait := b.delay(s.failures) - now.Sub(s.last); s.failures >= b.free && wait > 0 {
		return false, wait
	}
	b.state[key] = backoffState{failures: s.failures + 1, last: now}
	if len(b.state) > 10_000 {
		for k, s := range b.state {
			if now.Sub(s.last) >= b.quiet {
				delete(b.state, k)
			}
		}
	}
	return true, 0
}

// delay is the wait after n failures, n at least free.
func (b *backoff) delay(n int) time.Duration {
	d := b.base
	for range n - b.free {
		if d >= b.max {
			break
		}
		d *= 2
	}
	return min(d, b.max)
}

// forgive takes back the latest attempt for key: it succeeded, or it
// failed for a reason of ours (the store was down), not a wrong password.
func (b *backoff) forgive(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s, ok := b.state[key]; ok && s.failures > 0 {
		s.failures--
		b.state[key] = s
	}
}

// reset forgets every attempt for key.
func (b *backoff) reset(key string) {
	b.mu.Lock()
	delete(b.state, key)
	b.mu.Unlock()
}
