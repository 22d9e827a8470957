package probe

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// FieldError says what is wrong with one field of a Spec. Field is the
// name the API and forms use: "type", "url" (an HTTP target), "target" (a
// TCP, TLS or DNS target), "method", "headers", "expect_status",
// "body_regexp", "json", "max_response_time", "record_type", "expect",
// "resolver", "min_days_valid", "timeout".
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// Limits on outside input, so that a saved check cannot make the prober
// do unbounded work.
const (
	DefaultTimeout = 10 * time.Second
	MaxTimeout     = 60 * time.Second
	DefaultMaxBody = 1 << 20
	maxTargetLen   = 2048
	maxRegexpLen   = 1024
	maxJSON        = 20
	maxRedirects   = 10
)

// plan is a Spec checked and parsed once, so that Run compiles nothing
// twice and Validate and Run can never disagree.
type plan struct {
	spec    Spec
	timeout time.Duration

	url    *url.URL
	method string
	re     *regexp.Regexp
	json   [][]string // each assertion's path split at dots

	host     string // TCP, TLS: host of host:port; DNS: the name, fully qualified
	qtype    uint16
	resolver string // host:port; "": Options' or the system's
}

// Validate reports what is wrong with a spec before it is saved: nil, or a
// *FieldError naming the field. Heartbeat specs are valid with no target.
// It does not look at addresses (it has no Options): the API calls
// CheckAddress when a target's host is an IP literal.
func Validate(spec Spec) error {
	_, err := parse(spec)
	return err
}

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

func parse(spec Spec) (*plan, error) {
	p := &plan{spec: spec, timeout: spec.Timeout}
	if spec.Type == Heartbeat {
		return p, nil
	}
	switch {
	case spec.Timeout < 0:
		return nil, fieldErr("timeout", "must not be negative")
	case spec.Timeout > MaxTimeout:
		return nil, fieldErr("timeout", "must be at most %s", MaxTimeout)
	case spec.Timeout == 0:
		p.timeout = DefaultTimeout
	}
	if spec.MinDaysValid < 0 {
		return nil, fieldErr("min_days_valid", "must not be negative")
	}
	if len(spec.Target) > maxTargetLen {
		field := "target"
		if spec.Type == HTTP {
			field = "url"
		}
		return nil, fieldErr(field, "longer than %d characters", maxTargetLen)
	}
	var err error
	switch spec.Type {
	case HTTP:
		err = p.parseHTTP()
	case TCP, TLS:
		p.host, err = parseHostPort(spec.Target)
	case DNS:
		err = p.parseDNS()
	case "":
		err = fieldErr("type", "missing")
	default:
		err = fieldErr("type", "unknown type %q (http, tcp, dns, tls or heartbeat)", clip(string(spec.Type), 20))
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

func parseHostPort(target string) (string, error) {
	if target == "" {
		return "", fieldErr("target", "missing; write host:port, such as example.gov:443")
	}
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		return "", fieldErr("target", "not host:port, such as example.gov:443")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fieldErr("target", "port %q is not a number from 1 to 65535", clip(port, 10))
	}
	if err := checkHost(host); err != nil {
		return "", fieldErr("target", "%s", err)
	}
	return host, nil
}

// checkHost accepts an IP literal or a DNS name.
func checkHost(host string) error {
	if host == "" {
		return fmt.Errorf("no host")
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return nil
	}
	if _, ok := dns.IsDomainName(host); !ok || strings.ContainsAny(host, " /\\@%") {
		return fmt.Errorf("%q is not a host name or IP address", clip(host, 60))
	}
	return nil
}

var methods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

func (p *plan) parseHTTP() error {
	s := p.spec
	if s.Target == "" {
		return fieldErr("url", "missing")
	}
	u, err := url.Parse(s.Target)
	if err != nil {
		return fieldErr("url", "not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fieldErr("url", "must start with http:// or https://")
	}
	if u.Host == "" {
		return fieldErr("url", "has no host")
	}
	if err := checkHost(u.Hostname()); err != nil {
		return fieldErr("url", "%s", err)
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fieldErr("url", "port %q is not a number from 1 to 65535", clip(port, 10))
		}
	}
	p.url = u

	p.method = strings.ToUpper(s.Method)
	if p.method == "" {
		p.method = http.MethodGet
	}
	if !methods[p.method] {
		return fieldErr("method", "%q is not one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS", clip(s.Method, 20))
	}
	for name, value := range s.Headers {
		if !validHeaderName(name) {
			return fieldErr("headers", "%q is not a valid header name", clip(name, 40))
		}
		// The value is never echoed: it may be a secret.
		if strings.ContainsAny(value, "\r\n\x00") {
			return fieldErr("headers", "the value of %s has a line break or NUL", name)
		}
	}
	for _, code := range s.ExpectStatus {
		if code < 100 || code > 599 {
			return fieldErr("expect_status", "%d is not an HTTP status (100 to 599)", code)
		}
	}
	if s.BodyRegexp != "" {
		if len(s.BodyRegexp) > maxRegexpLen {
			return fieldErr("body_regexp", "longer than %d characters", maxRegexpLen)
		}
		re, err := regexp.Compile(s.BodyRegexp)
		if err != nil {
			return fieldErr("body_regexp", "not a valid regular expression: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
		p.re = re
	}
	if len(s.JSON) > maxJSON {
		return fieldErr("json", "more than %d assertions", maxJSON)
	}
	for _, a := range s.JSON {
		if a.Path == "" {
			return fieldErr("json", "an assertion has no path")
		}
		if len(a.Path) > 256 {
			return fieldErr("json", "path longer than 256 characters")
		}
		parts := strings.Split(a.Path, ".")
		for _, part := range parts {
			if part == "" {
				return fieldErr("json", "path %q has an empty part; write a.b.0.c", clip(a.Path, 60))
			}
		}
		p.json = append(p.json, parts)
	}
	if s.MaxResponseTime < 0 {
		return fieldErr("max_response_time", "must not be negative")
	}
	if s.MaxResponseTime > p.timeout {
		return fieldErr("max_response_time", "must not be more than the timeout (%s)", p.timeout)
	}
	return nil
}

// validHeaderName is RFC 9110's token.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range []byte(name) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

var recordTypes = map[string]uint16{
	"A": dns.TypeA, "AAAA": dns.TypeAAAA, "CNAME": dns.TypeCNAME,
	"MX": dns.TypeMX, "TXT": dns.TypeTXT, "NS": dns.TypeNS,
}

func (p *plan) parseDNS() error {
	s := p.spec
	name := strings.TrimSpace(s.Target)
	if name == "" {
		return fieldErr("target", "missing; write a name such as example.gov")
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return fieldErr("target", "a DNS check takes a name, not an IP address")
	}
	if _, ok := dns.IsDomainName(name); !ok || strings.ContainsAny(name, " /\\@:") {
		return fieldErr("target", "%q is not a domain name", clip(name, 60))
	}
	p.host = dns.Fqdn(strings.ToLower(name))

	rt := strings.ToUpper(s.RecordType)
	if rt == "" {
		rt = "A"
	}
	q, ok := recordTypes[rt]
	if !ok {
		return fieldErr("record_type", "%q is not one of A, AAAA, CNAME, MX, TXT, NS", clip(s.RecordType, 20))
	}
	p.qtype = q
	for _, e := range s.Expect {
		if err := checkExpect(q, e); err != nil {
			return fieldErr("expect", "%s", err)
		}
	}

	if s.Resolver != "" {
		r, err := parseResolver(s.Resolver)
		if err != nil {
			return fieldErr("resolver", "%s", err)
		}
		p.resolver = r
	}
	return nil
}

// parseResolver takes an IP address with or without a port ("192.0.2.53",
// "192.0.2.53:5353", "[2001:db8::53]:53", "2001:db8::53") and gives
// ip:port. A name is refused: finding the resolver would need a resolver.
func parseResolver(s string) (string, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		if ap.Port() == 0 {
			return "", fmt.Errorf("port 0 is not a port")
		}
		return ap.String(), nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.AddrPortFrom(a, 53).String(), nil
	}
	return "", fmt.Errorf("%q is not an IP address with an optional port, such as 192.0.2.53 or 192.0.2.53:53", clip(s, 60))
}

// checkExpect accepts, per record type: A and AAAA an address of that
// family; MX "10 mail.example.gov" or "mail.example.gov"; CNAME and NS a
// name; TXT any text.
func checkExpect(q uint16, e string) error {
	e = strings.TrimSpace(e)
	if e == "" {
		return fmt.Errorf("an expected value is empty")
	}
	switch q {
	case dns.TypeA, dns.TypeAAAA:
		a, err := netip.ParseAddr(e)
		if err != nil || a.Is4() != (q == dns.TypeA) {
			return fmt.Errorf("%q is not an %s address", clip(e, 60), dns.TypeToString[q])
		}
	case dns.TypeMX:
		host := e
		if pref, h, ok := strings.Cut(e, " "); ok {
			if _, err := strconv.ParseUint(pref, 10, 16); err != nil {
				return fmt.Errorf("%q is not an MX value such as \"10 mail.example.gov\" or \"mail.example.gov\"", clip(e, 60))
			}
			host = strings.TrimSpace(h)
		}
		if _, ok := dns.IsDomainName(host); !ok {
			return fmt.Errorf("%q is not a host name", clip(host, 60))
		}
	case dns.TypeCNAME, dns.TypeNS:
		if _, ok := dns.IsDomainName(e); !ok || strings.Contains(e, " ") {
			return fmt.Errorf("%q is not a host name", clip(e, 60))
		}
	}
	return nil
}

// clip shortens outside text quoted back in a message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
