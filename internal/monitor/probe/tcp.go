package probe

import (
	"net"
	"net/http/httptrace"
)

// dial connects to the spec's host:port through the address check, and
// fills DNS and Connect timings.
func (r *run) dial(res *Result) (net.Conn, bool) {
	target := r.p.spec.Target
	if err := checkLiteral(r.p.host, r.opts); err != nil {
		res.Reason = err.Error()
		return nil, false
	}
	tr := newTracer("connecting to " + target)
	ctx := httptrace.WithClientTrace(r.ctx, tr.hooks())
	d := &net.Dialer{Control: dialControl(r.opts), KeepAlive: -1}
	conn, err := d.DialContext(ctx, "tcp", target)
	phase, addr, t, _ := tr.state()
	res.Timings = t
	if err != nil {
		res.Reason = r.describe(err, phase, addr)
		return nil, false
	}
	return conn, true
}

// tcp is up when host:port accepts a connection.
func (r *run) tcp() Result {
	res := Result{Status: Down}
	conn, ok := r.dial(&res)
	if !ok {
		return res
	}
	conn.Close()
	res.Status = Up
	return res
}
