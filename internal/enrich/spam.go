package enrich

import (
	_ "embed"
	"net/url"
	"strings"
)

//go:embed data/spammers.txt
var spammersTxt string

func loadSpam() map[string]struct{} {
	m := make(map[string]struct{}, 2100)
	for _, l := range strings.Split(spammersTxt, "\n") {
		if l = strings.ToLower(strings.TrimSpace(l)); l != "" && !strings.HasPrefix(l, "#") {
			m[l] = struct{}{}
		}
	}
	return m
}

// IsSpamReferrer reports whether a referrer is a known referrer spammer. It
// takes a host ("semalt.com", "www.semalt.com:443") or a whole referrer URL,
// and checks the host and each of its parent domains, so subdomains of a
// listed domain count too.
func (e *Enricher) IsSpamReferrer(hostOrURL string) bool {
	host := hostOrURL
	if strings.Contains(host, "://") {
		u, err := url.Parse(strings.TrimSpace(host))
		if err != nil {
			return false
		}
		host = u.Host
	}
	host = normalizeHost(host)
	for host != "" {
		if _, ok := e.spam[host]; ok {
			return true
		}
		i := strings.IndexByte(host, '.')
		if i < 0 {
			break
		}
		host = host[i+1:]
	}
	return false
}

// normalizeHost lower-cases a host and drops a port and a trailing dot.
func normalizeHost(h string) string {
	h = strings.TrimSpace(h)
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	h = strings.TrimSuffix(strings.Trim(h, "[]"), ".")
	for i := 0; i < len(h); i++ {
		if 'A' <= h[i] && h[i] <= 'Z' {
			return strings.ToLower(h)
		}
	}
	return h
}
