// Package probe runs one synthetic check against a target and says what it
// found: up or down, how long it took, and why, in words. It knows nothing
// of schedules or storage (package monitor does): a Spec in, a Result out.
//
// Every probe is bounded: a timeout that always fires, a body read up to a
// limit, redirects counted, and addresses refused before a connection is
// made when they point at link-local or cloud metadata networks (and, unless
// Options.AllowPrivate, at private or loopback ones).
package probe

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"time"
)

// Type is a kind of check.
type Type string

// The kinds of check. Heartbeat is passive (the job calls liveops) and has
// no probe; it is listed so that one Type serves the whole model.
const (
	HTTP      Type = "http"
	TCP       Type = "tcp"
	DNS       Type = "dns"
	TLS       Type = "tls"
	Heartbeat Type = "heartbeat"
)

// Spec is what to check and what counts as up.
type Spec struct {
	Type Type
	// Target is a URL for HTTP ("https://example.gov/start"), a host:port
	// for TCP and TLS ("example.gov:443"), a name for DNS ("example.gov").
	Target  string
	Timeout time.Duration // 0: 10 s; at most 60 s

	// HTTP.
	Method          string            // "": GET
	Headers         map[string]string // sent as they are
	Body            string            // the request's body
	ExpectStatus    []int             // nil: any 2xx or 3xx (3xx only when not following redirects)
	BodyContains    string            // the body must contain it
	BodyNotContains string            // the body must not contain it
	BodyRegexp      string            // the body must match it (RE2)
	JSON            []JSONAssertion   // assertions on the body parsed as JSON
	MaxResponseTime time.Duration     // slower is down; 0: no limit but the timeout
	FollowRedirects bool              // follow up to 10
	SkipTLSVerify   bool              // accept any certificate

	// DNS.
	RecordType string // A, AAAA, CNAME, MX, TXT, NS; "": A
	// Expect lists the answers that must all be present; nil: any answer.
	// Addresses compare as addresses, names without case or trailing dot,
	// MX as "10 mail.example.gov" or the host alone, TXT exactly (a
	// record's strings joined).
	Expect   []string
	Resolver string // host:port; "": the system's first resolver

	// TLS (also applied to HTTPS targets when set).
	MinDaysValid int // fewer days left before expiry is down; 0: 14 for TLS checks
}

// JSONAssertion says the value at a path of a JSON body equals a value.
// Path is dotted with array indexes: "status", "checks.0.state".
type JSONAssertion struct {
	Path  string
	Equal string // compared with the value written as JSON text without quotes for strings
}

// Status is a result's verdict.
type Status string

// The verdicts of a probe.
const (
	Up   Status = "up"
	Down Status = "down"
)

// Result is what one probe found.
type Result struct {
	Status   Status
	Duration time.Duration // from start to the verdict
	// Reason says why in words, for people: "status 503, expected 200",
	// "certificate expires in 6 days", "timeout after 10s". "" when up
	// with nothing to say.
	Reason string
	// HTTP only.
	StatusCode int
	// Timings: HTTP fills every phase; TCP and TLS checks fill DNS and
	// Connect (and TLS); a DNS check puts the resolver's round trip in DNS.
	Timings Timings
	// CertExpiry is when the served certificate expires (HTTPS and TLS).
	CertExpiry time.Time
}

// Timings split an HTTP probe's time (zero for a phase that did not happen,
// such as DNS for an address or TLS for plain HTTP). Across redirects each
// phase is the sum over the hops. FirstByte runs from the request written to
// the first byte of the response: the server's own time.
type Timings struct {
	DNS, Connect, TLS, FirstByte time.Duration
}

// Options are the server's settings for every probe.
type Options struct {
	// AllowPrivate lets checks reach private and loopback addresses
	// (--allow-private-checks). Link-local and metadata addresses are
	// refused always.
	AllowPrivate bool
	// MaxBody bounds the bytes of a body read; 0: 1 MiB.
	MaxBody int64
	// RootCAs verifies HTTPS and TLS certificates instead of the system's
	// roots when set: for tests, and for servers that check hosts behind a
	// private CA.
	RootCAs *x509.CertPool
	// Resolver is the DNS server (ip:port) for DNS checks that name none;
	// "": the first nameserver of /etc/resolv.conf. The operator chose it,
	// so it is trusted: it may be private or loopback (127.0.0.53) without
	// AllowPrivate. A resolver named in a Spec is not trusted: it passes
	// CheckAddress like any target, so one on loopback needs AllowPrivate.
	Resolver string
}

// Run probes spec once and returns its verdict. It never panics and always
// returns within the spec's timeout (10 s when unset) and a small margin,
// whatever the target does: the timeout is a context deadline on the
// dial, the TLS handshake, the request, the headers and the body read.
// An invalid spec, a refused address (see CheckAddress) and a heartbeat
// spec are Down with a reason; Run does no I/O for them.
func Run(ctx context.Context, spec Spec, opts Options) (res Result) {
	start := time.Now()
	defer func() {
		if v := recover(); v != nil {
			// A bug of ours, not the target's fault; keep the detail out of
			// the reason people see.
			slog.Error("probe panicked", "type", spec.Type, "panic", v)
			res = Result{Status: Down, Reason: "internal error in the probe"}
		}
		res.Duration = time.Since(start)
	}()
	if spec.Type == Heartbeat {
		// Heartbeats are passive: the job calls liveops, and package
		// monitor judges them by when it last did.
		return down("heartbeat checks are not probed")
	}
	p, err := parse(spec)
	if err != nil {
		return down(fmt.Sprintf("invalid check: %s", err))
	}
	if ctx.Err() != nil {
		// The scheduler is stopping: do no I/O at all.
		return down("check cancelled before it started")
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	r := &run{ctx: ctx, p: p, opts: opts, start: start}
	switch spec.Type {
	case HTTP:
		return r.http()
	case TCP:
		return r.tcp()
	case TLS:
		return r.tls()
	case DNS:
		return r.dns()
	}
	return down("invalid check: unknown type") // parse refuses it first
}

// run is one probe in progress.
type run struct {
	ctx   context.Context
	p     *plan
	opts  Options
	start time.Time
}

func down(reason string) Result { return Result{Status: Down, Reason: reason} }
