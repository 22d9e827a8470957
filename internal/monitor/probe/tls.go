package probe

import (
	"crypto/tls"
	"crypto/x509"
	"time"
)

// DefaultMinDaysValid is a TLS check's MinDaysValid when the spec has none.
const DefaultMinDaysValid = 14

// tls handshakes with host:port and judges the certificate. It verifies
// after the handshake, not inside it, so that the expiry is known and
// reported even for a chain that does not verify.
func (r *run) tls() Result {
	s := r.p.spec
	res := Result{Status: Down}
	conn, ok := r.dial(&res)
	if !ok {
		return res
	}
	defer conn.Close()
	tc := tls.Client(conn, &tls.Config{
		ServerName:         r.p.host,
		InsecureSkipVerify: true, // verified below, with reasons of our own
	})
	start := time.Now()
	err := tc.HandshakeContext(r.ctx)
	res.Timings.TLS = time.Since(start)
	if err != nil {
		res.Reason = r.describe(err, "in the TLS handshake", conn.RemoteAddr().String())
		return res
	}
	certs := tc.ConnectionState().PeerCertificates
	if len(certs) == 0 {
		res.Reason = "the server sent no certificate"
		return res
	}
	leaf := certs[0]
	res.CertExpiry = leaf.NotAfter
	now := time.Now()
	if !s.SkipTLSVerify {
		inter := x509.NewCertPool()
		for _, c := range certs[1:] {
			inter.AddCert(c)
		}
		_, err := leaf.Verify(x509.VerifyOptions{
			DNSName:       r.p.host,
			Roots:         r.opts.RootCAs,
			Intermediates: inter,
			CurrentTime:   now,
		})
		if err != nil {
			if res.Reason = certReason(err); res.Reason == "" {
				res.Reason = "certificate is not valid: " + lowerFirst(err.Error())
			}
			return res
		}
	}
	minDays := s.MinDaysValid
	if minDays == 0 {
		minDays = DefaultMinDaysValid
	}
	if res.Reason = expiryReason(leaf.NotAfter, now, minDays); res.Reason == "" {
		res.Status = Up
	}
	return res
}
