package catalog

import (
	"errors"
	"strings"
	"unicode"
)

// hostHint ends every hostname error, so the user sees what is wanted.
const hostHint = "enter a hostname such as apply.example.gov"

// NormalizeHost turns a hostname as a user typed or pasted it into the form
// the catalog stores: lowercase, with no scheme, trailing slash or trailing
// dot. Its error, worded for the user, rejects anything that is not a plain
// DNS hostname: a path, query, port, user name, spaces, non-ASCII letters
// (give the xn-- form), an IP address or an invalid label.
func NormalizeHost(s string) (string, error) {
	h := strings.TrimSpace(s)
	switch {
	case h == "":
		return "", errors.New(hostHint)
	case strings.ContainsFunc(h, unicode.IsSpace):
		return "", errors.New(hostHint + ", without spaces")
	case strings.ContainsFunc(h, func(r rune) bool { return r >= unicode.MaxASCII }):
		return "", errors.New(hostHint + ", with non-ASCII letters in their xn-- form")
	}
	// ASCII only from here, so lowercasing cannot turn a lookalike letter
	// (such as the Kelvin sign) into an ASCII one.
	h = strings.ToLower(h)
	for _, scheme := range []string{"https://", "http://"} {
		if rest, ok := strings.CutPrefix(h, scheme); ok {
			h = rest
			break
		}
	}
	h = strings.TrimSuffix(h, "/")
	switch {
	case strings.ContainsAny(h, "/?#\\"):
		return "", errors.New(hostHint + ", without a path")
	case strings.Contains(h, "@"):
		return "", errors.New(hostHint + ", without a user name")
	case strings.Contains(h, ":"):
		return "", errors.New(hostHint + ", without a port")
	}
	h = strings.TrimSuffix(h, ".") // the DNS root: example.gov. is example.gov
	if !validHost(h) {
		return "", errors.New(hostHint)
	}
	return h, nil
}

// validHost reports whether h is a lowercase DNS hostname: dot-separated
// labels of letters, digits and inner hyphens, at least two of them (or
// localhost, for trying liveops out), and not an IPv4 address.
func validHost(h string) bool {
	if h == "localhost" {
		return true
	}
	if len(h) > 253 {
		return false
	}
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	// A numeric top-level label means an IP address, not a name.
	tld := labels[len(labels)-1]
	return strings.ContainsFunc(tld, func(r rune) bool { return r < '0' || r > '9' })
}

// normalizeHosts normalises each host, dropping blanks and repeats while
// keeping the order. Its error names the first host that is not valid.
func normalizeHosts(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, raw := range in {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		h, err := NormalizeHost(raw)
		if err != nil {
			return nil, errors.New(quote(raw) + " is not a hostname: " + err.Error())
		}
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out, nil
}

// quote shortens a user's value for an error message.
func quote(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return "“" + s + "”"
}
