package probe

import (
	"crypto/tls"
	"net/http/httptrace"
	"sync"
	"time"
)

// tracer gathers a probe's phases from net/http/httptrace. Its hooks may
// run on the transport's goroutines, hence the mutex.
type tracer struct {
	mu         sync.Mutex
	phase      string // what the probe is doing, for a timeout's reason
	addr       string // the address last connected to
	t          Timings
	dnsStart   time.Time
	connStart  time.Time
	tlsStart   time.Time
	wrote      time.Time
	certExpiry time.Time // the soonest leaf expiry over the hops
}

func newTracer(phase string) *tracer { return &tracer{phase: phase} }

func (tr *tracer) set(phase string) {
	tr.mu.Lock()
	tr.phase = phase
	tr.mu.Unlock()
}

// state gives the phase, the address and the timings so far.
func (tr *tracer) state() (phase, addr string, t Timings, certExpiry time.Time) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.phase, tr.addr, tr.t, tr.certExpiry
}

func (tr *tracer) hooks() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) {
			tr.mu.Lock()
			tr.phase, tr.dnsStart = "resolving the name", time.Now()
			tr.mu.Unlock()
		},
		DNSDone: func(httptrace.DNSDoneInfo) {
			tr.mu.Lock()
			tr.t.DNS += time.Since(tr.dnsStart)
			tr.mu.Unlock()
		},
		ConnectStart: func(_, addr string) {
			tr.mu.Lock()
			tr.phase, tr.connStart, tr.addr = "connecting to "+addr, time.Now(), addr
			tr.mu.Unlock()
		},
		ConnectDone: func(_, addr string, err error) {
			tr.mu.Lock()
			if err == nil {
				tr.t.Connect += time.Since(tr.connStart)
				tr.addr = addr
			}
			tr.mu.Unlock()
		},
		TLSHandshakeStart: func() {
			tr.mu.Lock()
			tr.phase, tr.tlsStart = "in the TLS handshake", time.Now()
			tr.mu.Unlock()
		},
		TLSHandshakeDone: func(cs tls.ConnectionState, err error) {
			tr.mu.Lock()
			tr.t.TLS += time.Since(tr.tlsStart)
			if len(cs.PeerCertificates) > 0 {
				if na := cs.PeerCertificates[0].NotAfter; tr.certExpiry.IsZero() || na.Before(tr.certExpiry) {
					tr.certExpiry = na
				}
			}
			tr.mu.Unlock()
		},
		GotConn: func(httptrace.GotConnInfo) { tr.set("sending the request") },
		WroteRequest: func(httptrace.WroteRequestInfo) {
			tr.mu.Lock()
			tr.phase, tr.wrote = "waiting for the response", time.Now()
			tr.mu.Unlock()
		},
		GotFirstResponseByte: func() {
			tr.mu.Lock()
			if !tr.wrote.IsZero() {
				tr.t.FirstByte += time.Since(tr.wrote)
			}
			tr.mu.Unlock()
		},
	}
}
