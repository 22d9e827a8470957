package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"
)

// redirectError stops a redirect chain; its text is the reason.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

// describe puts a failed probe's error in words for people. while says
// what the probe was doing ("reading the body"); addr is the address it
// was talking to, when the error does not carry it. Nothing here quotes a
// request header: they may hold secrets.
func (r *run) describe(err error, while, addr string) string {
	var ae *AddressError
	if errors.As(err, &ae) {
		return ae.Error()
	}
	var re *redirectError
	if errors.As(err, &re) {
		return re.msg
	}
	if r.ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		if errors.Is(r.ctx.Err(), context.Canceled) {
			return "check cancelled while " + while
		}
		return fmt.Sprintf("timeout after %s while %s", fmtDur(r.timeoutSeen()), while)
	}
	if s := certReason(err); s != "" {
		return s
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound {
			return "no such host " + dnsErr.Name
		}
		return fmt.Sprintf("could not resolve %s: %s", dnsErr.Name, dnsErr.Err)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Addr != nil {
		addr = op.Addr.String()
	}
	by := ""
	if addr != "" {
		by = " by " + addr
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused" + by
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset" + by + " while " + while
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "host unreachable: " + addr
	case errors.Is(err, syscall.ENETUNREACH):
		return "network unreachable: " + addr
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		strings.Contains(err.Error(), "server closed idle connection"):
		return "connection closed" + by + " while " + while
	}
	var alert tls.AlertError
	if errors.As(err, &alert) {
		return "the server refused the TLS handshake: " + strings.TrimPrefix(alert.Error(), "tls: ")
	}
	var rh tls.RecordHeaderError
	if errors.As(err, &rh) {
		return "the server did not answer in TLS (plain HTTP on a TLS port?)"
	}
	return while + " failed: " + lowerFirst(innermost(err).Error())
}

// timeoutSeen is the timeout that fired: the spec's, or the caller's
// deadline when that came first.
func (r *run) timeoutSeen() time.Duration {
	if d := time.Since(r.start); d < r.p.timeout-50*time.Millisecond {
		return d
	}
	return r.p.timeout
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// innermost unwraps an *url.Error (whose text repeats the URL and method)
// and the like, down to the cause.
func innermost(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// certReason names a certificate failure, or gives "".
func certReason(err error) string {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var roots x509.SystemRootsError
	switch {
	case errors.As(err, &unknown):
		return "certificate signed by unknown authority"
	case errors.As(err, &host):
		return fmt.Sprintf("certificate is for %s, not %s", certNames(host.Certificate), host.Host)
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired {
			if invalid.Cert != nil && time.Now().Before(invalid.Cert.NotBefore) {
				return "certificate is not valid yet"
			}
			return "certificate has expired"
		}
		return "certificate is not valid: " + lowerFirst(strings.TrimPrefix(invalid.Error(), "x509: "))
	case errors.As(err, &roots):
		return "no trusted roots on this server to verify the certificate with"
	}
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) {
		return "certificate is not valid: " + lowerFirst(strings.TrimPrefix(innermost(verr.Err).Error(), "x509: "))
	}
	return ""
}

// certNames lists the names a certificate is for, three at most.
func certNames(c *x509.Certificate) string {
	if c == nil {
		return "another name"
	}
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName)
	}
	switch {
	case len(names) == 0:
		return "no name"
	case len(names) > 3:
		return strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more", len(names)-3)
	}
	return strings.Join(names, ", ")
}

// expiryReason says why a certificate expiring at notAfter is down, or ""
// when it has at least minDays whole days left.
func expiryReason(notAfter, now time.Time, minDays int) string {
	left := notAfter.Sub(now)
	days := int(left / (24 * time.Hour))
	switch {
	case left <= 0:
		return "certificate has expired"
	case days >= minDays:
		return ""
	case days == 0:
		return "certificate expires in less than a day"
	case days == 1:
		return "certificate expires in 1 day"
	}
	return fmt.Sprintf("certificate expires in %d days", days)
}

// fmtDur writes a duration for people: "350ms", "2.3s", "10s".
func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(time.Millisecond).String()
	}
	return d.String()
}

// fmtSize writes a byte count for people: "1 MiB", "64 KiB", "100 bytes".
func fmtSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || !unicode.IsUpper(r) {
		return s
	}
	// Keep acronyms ("TLS handshake") as they are.
	if r2, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(r2) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
