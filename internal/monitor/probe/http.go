package probe

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

const userAgent = "liveops-probe (+uptime check)"

// http probes a URL. Every run has its own Transport with keep-alives off:
// a pooled connection would hide a server that no longer accepts new ones,
// and would carry one check's state (cookies, TLS sessions, a broken
// connection) into the next. The cost is a fresh dial and handshake each
// run, which is what a visitor pays too; see BenchmarkHTTPProbe. The
// probe speaks HTTP/1.1 only (a custom dialer turns HTTP/2 off unless
// forced), which every server still answers.
func (r *run) http() Result {
	p, s := r.p, r.p.spec
	if err := checkLiteral(p.url.Hostname(), r.opts); err != nil {
		return down(err.Error())
	}
	dialer := &net.Dialer{Control: dialControl(r.opts), KeepAlive: -1}
	transport := &http.Transport{
		Proxy:       nil, // a proxy from the environment would dodge the address check
		DialContext: dialer.DialContext,
		TLSClientConfig: &tls.Config{
			InsecureSkipVerify: s.SkipTLSVerify,
			RootCAs:            r.opts.RootCAs,
		},
		DisableKeepAlives:      true,
		MaxResponseHeaderBytes: 64 << 10,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, CheckRedirect: r.checkRedirect}

	tr := newTracer("connecting")
	var body io.Reader
	if s.Body != "" {
		body = strings.NewReader(s.Body)
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(r.ctx, tr.hooks()), p.method, p.url.String(), body)
	if err != nil {
		return down(fmt.Sprintf("invalid check: url: %s", innermost(err)))
	}
	req.Header.Set("User-Agent", userAgent)
	for k, v := range s.Headers {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}

	resp, err := client.Do(req)
	if err != nil {
		phase, addr, t, exp := tr.state()
		res := down(r.describe(err, phase, addr))
		res.Timings, res.CertExpiry = t, exp
		return res
	}
	defer resp.Body.Close()
	tr.set("reading the body")
	got, truncated, err := readBody(resp.Body, r.opts.MaxBody, resp.ContentLength)
	took := time.Since(r.start)
	phase, addr, t, exp := tr.state()
	res := Result{Status: Down, StatusCode: resp.StatusCode, Timings: t, CertExpiry: exp}
	if err != nil {
		res.Reason = r.describe(err, phase, addr)
		return res
	}
	res.Reason = r.verdict(resp.StatusCode, got, truncated, took, exp)
	if res.Reason == "" {
		res.Status = Up
	}
	return res
}

// verdict gives why a response is down, or "" when it is up. The status
// comes first, as the most telling; then the body, the time, the
// certificate.
func (r *run) verdict(code int, body []byte, truncated bool, took time.Duration, certExpiry time.Time) string {
	s := r.p.spec
	if why := statusReason(code, s.ExpectStatus, s.FollowRedirects); why != "" {
		return why
	}
	if why := r.checkBody(body, truncated); why != "" {
		return why
	}
	if s.MaxResponseTime > 0 && took > s.MaxResponseTime {
		return fmt.Sprintf("took %s, more than the %s allowed", fmtDur(took), fmtDur(s.MaxResponseTime))
	}
	if s.MinDaysValid > 0 && !certExpiry.IsZero() {
		return expiryReason(certExpiry, time.Now(), s.MinDaysValid)
	}
	return ""
}

// statusReason checks a status against the expected list; with none, any
// 2xx is up, and 3xx too when redirects are not followed (a redirect is
// then the answer).
func statusReason(code int, expect []int, follow bool) string {
	if len(expect) > 0 {
		if slices.Contains(expect, code) {
			return ""
		}
		want := make([]string, len(expect))
		for i, c := range expect {
			want[i] = strconv.Itoa(c)
		}
		return fmt.Sprintf("status %d, expected %s", code, orList(want))
	}
	if code >= 200 && code <= 299 || !follow && code >= 300 && code <= 399 {
		return ""
	}
	if follow {
		return fmt.Sprintf("status %d, expected 2xx", code)
	}
	return fmt.Sprintf("status %d, expected 2xx or 3xx", code)
}

func orList(s []string) string {
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// checkRedirect follows up to 10 redirects when the spec says so, and
// refuses a redirect to an address literal that CheckAddress refuses
// before any dial (the dialer would refuse it anyway).
func (r *run) checkRedirect(req *http.Request, via []*http.Request) error {
	if !r.p.spec.FollowRedirects {
		return http.ErrUseLastResponse
	}
	if err := checkLiteral(req.URL.Hostname(), r.opts); err != nil {
		return err
	}
	next := req.URL.String()
	for _, v := range via {
		if v.URL.String() == next {
			return &redirectError{"redirect loop at " + req.URL.Redacted()}
		}
	}
	if len(via) > maxRedirects {
		return &redirectError{fmt.Sprintf("more than %d redirects", maxRedirects)}
	}
	return nil
}

// checkLiteral refuses a host that is an IP literal CheckAddress refuses;
// names are left to the dialer, which sees what they resolve to.
func checkLiteral(host string, opts Options) error {
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return nil
	}
	return CheckAddress(ip, opts)
}

// readBody reads up to max bytes and says whether there was more; it stops
// there, so an endless or huge body costs max bytes at most. hint is the
// Content-Length (-1: unknown): a body that says its length gets one
// buffer of that size; others grow by doubling up to max+1.
func readBody(body io.Reader, max, hint int64) ([]byte, bool, error) {
	size := int64(16 << 10)
	if hint >= 0 && hint < max {
		size = hint + 1 // the extra byte sees EOF without growing
	}
	b := make([]byte, 0, min(size, max+1))
	for {
		if len(b) == cap(b) {
			if int64(len(b)) > max {
				break
			}
			next := int64(2 * cap(b))
			if next >= max {
				next = max + 1
			}
			nb := make([]byte, len(b), next)
			copy(nb, b)
			b = nb
		}
		n, err := body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false, err
		}
	}
	if int64(len(b)) > max {
		return b[:max], true, nil
	}
	return b, false, nil
}
