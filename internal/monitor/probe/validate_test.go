package probe

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 3000)
	for _, c := range []struct {
		name  string
		spec  Spec
		field string // "": valid
		msg   string
	}{
		{"http", Spec{Type: HTTP, Target: "https://example.gov/start"}, "", ""},
		{"http full", Spec{Type: HTTP, Target: "http://192.0.2.1:8080/x?y=1", Method: "post", Headers: map[string]string{"Authorization": "Bearer x"},
			ExpectStatus: []int{200, 301}, BodyRegexp: `ok\s*$`, JSON: []JSONAssertion{{"a.b.0.c", "1"}}, MaxResponseTime: time.Second, Timeout: 5 * time.Second}, "", ""},
		{"heartbeat has no target", Spec{Type: Heartbeat}, "", ""},
		{"tcp", Spec{Type: TCP, Target: "example.gov:22"}, "", ""},
		{"tls ipv6", Spec{Type: TLS, Target: "[2001:db8::1]:443"}, "", ""},
		{"dns", Spec{Type: DNS, Target: "example.gov", RecordType: "mx", Expect: []string{"10 mail.example.gov", "backup.example.gov."}, Resolver: "192.0.2.53"}, "", ""},

		{"no type", Spec{Target: "x"}, "type", "missing"},
		{"bad type", Spec{Type: "ping", Target: "x"}, "type", `unknown type "ping"`},
		{"no url", Spec{Type: HTTP}, "url", "missing"},
		{"ftp", Spec{Type: HTTP, Target: "ftp://example.gov/"}, "url", "must start with http:// or https://"},
		{"no scheme", Spec{Type: HTTP, Target: "example.gov"}, "url", "must start with http:// or https://"},
		{"no host", Spec{Type: HTTP, Target: "http:///path"}, "url", "has no host"},
		{"bad host", Spec{Type: HTTP, Target: "http://exa mple.gov/"}, "url", "not a URL"},
		{"bad port", Spec{Type: HTTP, Target: "http://example.gov:99999/"}, "url", `port "99999"`},
		{"long url", Spec{Type: HTTP, Target: "http://example.gov/" + long}, "url", "longer than 2048"},
		{"method", Spec{Type: HTTP, Target: "http://example.gov", Method: "TRACE"}, "method", `"TRACE" is not one of`},
		{"header name", Spec{Type: HTTP, Target: "http://example.gov", Headers: map[string]string{"Bad Name": "x"}}, "headers", `"Bad Name" is not a valid header name`},
		{"header value", Spec{Type: HTTP, Target: "http://example.gov", Headers: map[string]string{"X-Key": "secret\r\nEvil: 1"}}, "headers", "the value of X-Key has a line break"},
		{"status", Spec{Type: HTTP, Target: "http://example.gov", ExpectStatus: []int{200, 999}}, "expect_status", "999 is not an HTTP status"},
		{"regexp", Spec{Type: HTTP, Target: "http://example.gov", BodyRegexp: "(ok"}, "body_regexp", "not a valid regular expression: missing closing )"},
		{"perl regexp", Spec{Type: HTTP, Target: "http://example.gov", BodyRegexp: `(?=ok)`}, "body_regexp", "not a valid regular expression"},
		{"json path", Spec{Type: HTTP, Target: "http://example.gov", JSON: []JSONAssertion{{"a..b", "1"}}}, "json", `path "a..b" has an empty part`},
		{"json no path", Spec{Type: HTTP, Target: "http://example.gov", JSON: []JSONAssertion{{"", "1"}}}, "json", "no path"},
		{"max time", Spec{Type: HTTP, Target: "http://example.gov", MaxResponseTime: 20 * time.Second}, "max_response_time", "more than the timeout (10s)"},
		{"timeout negative", Spec{Type: HTTP, Target: "http://example.gov", Timeout: -time.Second}, "timeout", "must not be negative"},
		{"timeout long", Spec{Type: TCP, Target: "example.gov:1", Timeout: time.Hour}, "timeout", "must be at most 1m0s"},
		{"tcp no port", Spec{Type: TCP, Target: "example.gov"}, "target", "not host:port"},
		{"tcp port 0", Spec{Type: TCP, Target: "example.gov:0"}, "target", `port "0"`},
		{"tcp no host", Spec{Type: TLS, Target: ":443"}, "target", "no host"},
		{"tcp bad host", Spec{Type: TCP, Target: "exa/mple:80"}, "target", "is not a host name or IP address"},
		{"min days", Spec{Type: TLS, Target: "example.gov:443", MinDaysValid: -1}, "min_days_valid", "must not be negative"},
		{"dns no name", Spec{Type: DNS}, "target", "missing"},
		{"dns ip", Spec{Type: DNS, Target: "192.0.2.1"}, "target", "takes a name, not an IP address"},
		{"dns bad name", Spec{Type: DNS, Target: "exa mple.gov"}, "target", "is not a domain name"},
		{"record type", Spec{Type: DNS, Target: "example.gov", RecordType: "SRV"}, "record_type", `"SRV" is not one of`},
		{"expect A", Spec{Type: DNS, Target: "example.gov", Expect: []string{"2001:db8::1"}}, "expect", `"2001:db8::1" is not an A address`},
		{"expect AAAA", Spec{Type: DNS, Target: "example.gov", RecordType: "AAAA", Expect: []string{"192.0.2.1"}}, "expect", "is not an AAAA address"},
		{"expect MX", Spec{Type: DNS, Target: "example.gov", RecordType: "MX", Expect: []string{"ten mail.example.gov"}}, "expect", "is not an MX value"},
		{"expect empty", Spec{Type: DNS, Target: "example.gov", Expect: []string{" "}}, "expect", "empty"},
		{"resolver name", Spec{Type: DNS, Target: "example.gov", Resolver: "dns.example.gov"}, "resolver", "is not an IP address"},
		{"resolver port 0", Spec{Type: DNS, Target: "example.gov", Resolver: "192.0.2.53:0"}, "resolver", "port 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := Validate(c.spec)
			if c.field == "" {
				if err != nil {
					t.Fatalf("valid spec refused: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want a *FieldError on %s", err, c.field)
			}
			if fe.Field != c.field || !strings.Contains(fe.Message, c.msg) {
				t.Fatalf("got %s: %q, want %s: %q", fe.Field, fe.Message, c.field, c.msg)
			}
			if strings.Contains(fe.Message, "secret") {
				t.Errorf("message %q shows a header's value", fe.Message)
			}
			// Run refuses it the same way, with no I/O.
			res := Run(context.Background(), c.spec, Options{})
			want(t, res, Down, "invalid check: "+fe.Error())
		})
	}
}

func TestHeartbeat(t *testing.T) {
	t.Parallel()
	want(t, Run(context.Background(), Spec{Type: Heartbeat}, Options{}), Down, "heartbeat checks are not probed")
}

// TestRunCancelled: the caller's cancellation ends a probe at once.
func TestRunCancelled(t *testing.T) {
	t.Parallel()
	srv := newHTTPServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	res := Run(ctx, Spec{Type: HTTP, Target: srv.URL + "/drip"}, local)
	want(t, res, Down, "check cancelled while reading the body")
	if res.Duration > time.Second {
		t.Errorf("took %s", res.Duration)
	}
}

// FuzzValidate: outside input never makes Validate panic, and Run takes
// the same input apart without panicking. Run is given a cancelled context,
// so it stops before any I/O: fuzzed targets are never contacted.
func FuzzValidate(f *testing.F) {
	f.Add("http", "https://example.gov/a?b=c", "ok.*$", "a.b.0.c", "A", "192.0.2.1", "192.0.2.53:53")
	f.Add("dns", "example.gov", "", "", "MX", "10 mail.example.gov", "[2001:db8::53]:53")
	f.Add("tcp", "[::1]:22", "(", "..", "txt", "", "x")
	f.Add("tls", "exa mple:443", "\\p{Greek}+", "0", "aaaa", "::1", "")
	f.Fuzz(func(t *testing.T, typ, target, re, path, rtype, expect, resolver string) {
		spec := Spec{
			Type: Type(typ), Target: target, BodyRegexp: re, JSON: []JSONAssertion{{path, expect}},
			RecordType: rtype, Expect: []string{expect}, Resolver: resolver, Headers: map[string]string{path: expect},
		}
		err := Validate(spec)
		var fe *FieldError
		if err != nil && !errors.As(err, &fe) {
			t.Fatalf("Validate gave %T, not a *FieldError", err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		res := Run(ctx, spec, Options{})
		if res.Status == Up {
			t.Fatalf("Run said up with a cancelled context (Validate: %v)", err)
		}
	})
}

// FuzzCheckBody: a body from the target never makes the assertions panic.
func FuzzCheckBody(f *testing.F) {
	f.Add([]byte(`{"a":{"b":[{"c":1.50}]}}`), "a.b.0.c", "1.50", "ok")
	f.Add([]byte(`[1,2,[3]]`), "2.0", "3", "")
	f.Add([]byte("not json"), "x", "", "(?i)NOT")
	f.Fuzz(func(t *testing.T, body []byte, path, equal, re string) {
		p, err := parse(Spec{Type: HTTP, Target: "http://example.gov", BodyRegexp: re, BodyContains: equal, JSON: []JSONAssertion{{path, equal}}})
		if err != nil {
			return
		}
		r := &run{p: p, opts: Options{MaxBody: DefaultMaxBody}}
		r.checkBody(body, len(body) > 10)
	})
}
