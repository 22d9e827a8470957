package probe

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// testZone is what the test resolver knows; any other name is NXDOMAIN.
const testZone = `
example.gov.        60 IN A     192.0.2.1
example.gov.        60 IN A     192.0.2.2
example.gov.        60 IN AAAA  2001:db8::1
example.gov.        60 IN MX    10 mail.example.gov.
example.gov.        60 IN MX    20 Backup.Example.gov.
example.gov.        60 IN TXT   "v=spf1 " "-all"
example.gov.        60 IN NS    ns1.example.gov.
www.example.gov.    60 IN CNAME example.gov.
v4only.example.gov. 60 IN A     192.0.2.9
`

// serveDNS runs a resolver on 127.0.0.1 over UDP that answers from
// testZone, and gives its address.
func serveDNS(t *testing.T) string {
	t.Helper()
	records := map[string][]dns.RR{}
	for _, line := range strings.Split(strings.TrimSpace(testZone), "\n") {
		rr, err := dns.NewRR(line)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.ToLower(rr.Header().Name)
		records[name] = append(records[name], rr)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(req)
		q := req.Question[0]
		rrs, ok := records[strings.ToLower(q.Name)]
		if !ok {
			m.Rcode = dns.RcodeNameError
		}
		for _, rr := range rrs {
			switch {
			case rr.Header().Rrtype == q.Qtype:
				m.Answer = append(m.Answer, rr)
			case rr.Header().Rrtype == dns.TypeCNAME:
				// Chase the alias, as a recursive resolver does.
				m.Answer = append(m.Answer, rr)
				for _, rr2 := range records[rr.(*dns.CNAME).Target] {
					if rr2.Header().Rrtype == q.Qtype {
						m.Answer = append(m.Answer, rr2)
					}
				}
			}
		}
		w.WriteMsg(m)
	})}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go srv.ActivateAndServe()
	<-started
	t.Cleanup(func() { srv.Shutdown() })
	return pc.LocalAddr().String()
}

func TestDNS(t *testing.T) {
	t.Parallel()
	resolver := serveDNS(t)
	// A resolver that reads queries and never answers.
	silent, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			if _, _, err := silent.ReadFrom(buf); err != nil {
				return
			}
		}
	}()

	for _, c := range []struct {
		name   string
		spec   Spec
		status Status
		reason string
	}{
		{"any A", Spec{Target: "example.gov"}, Up, ""},
		{"expected A", Spec{Target: "Example.GOV.", Expect: []string{"192.0.2.2", "192.0.2.1"}}, Up, ""},
		{"missing A", Spec{Target: "example.gov", Expect: []string{"192.0.2.1", "192.0.2.7"}}, Down, "expected 192.0.2.7, got 192.0.2.1, 192.0.2.2"},
		{"AAAA written long", Spec{Target: "example.gov", RecordType: "AAAA", Expect: []string{"2001:0db8:0::1"}}, Up, ""},
		{"no AAAA", Spec{Target: "v4only.example.gov", RecordType: "aaaa"}, Down, "no AAAA record for v4only.example.gov"},
		{"MX with preference", Spec{Target: "example.gov", RecordType: "MX", Expect: []string{"10 mail.example.gov."}}, Up, ""},
		{"MX host only", Spec{Target: "example.gov", RecordType: "MX", Expect: []string{"backup.example.gov"}}, Up, ""},
		{"MX wrong preference", Spec{Target: "example.gov", RecordType: "MX", Expect: []string{"30 mail.example.gov"}}, Down, "expected 30 mail.example.gov, got 10 mail.example.gov, 20 backup.example.gov"},
		{"TXT joined", Spec{Target: "example.gov", RecordType: "TXT", Expect: []string{"v=spf1 -all"}}, Up, ""},
		{"TXT is exact", Spec{Target: "example.gov", RecordType: "TXT", Expect: []string{"V=SPF1 -all"}}, Down, "expected V=SPF1 -all, got v=spf1 -all"},
		{"NS", Spec{Target: "example.gov", RecordType: "NS", Expect: []string{"NS1.example.gov"}}, Up, ""},
		{"CNAME", Spec{Target: "www.example.gov", RecordType: "CNAME", Expect: []string{"EXAMPLE.gov."}}, Up, ""},
		{"A through a CNAME", Spec{Target: "www.example.gov", Expect: []string{"192.0.2.1"}}, Up, ""},
		{"no CNAME", Spec{Target: "example.gov", RecordType: "CNAME"}, Down, "no CNAME record for example.gov"},
		{"NXDOMAIN", Spec{Target: "missing.example.gov"}, Down, "missing.example.gov does not exist (NXDOMAIN)"},
		{"resolver timeout", Spec{Target: "example.gov", Resolver: silent.LocalAddr().String(), Timeout: 300 * time.Millisecond}, Down,
			"timeout after 300ms while waiting for the resolver " + silent.LocalAddr().String()},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.spec.Type = DNS
			if c.spec.Resolver == "" {
				c.spec.Resolver = resolver
			}
			start := time.Now()
			res := probe(t, c.spec, local)
			want(t, res, c.status, c.reason)
			if took := time.Since(start); took > time.Second {
				t.Errorf("took %s", took)
			}
			if res.Status == Up && res.Timings.DNS <= 0 {
				t.Errorf("no round trip time: %+v", res.Timings)
			}
		})
	}
}

func TestDNSResolverTrust(t *testing.T) {
	t.Parallel()
	resolver := serveDNS(t)
	// Named in the spec, a loopback resolver needs AllowPrivate.
	want(t, probe(t, Spec{Type: DNS, Target: "example.gov", Resolver: resolver}, Options{}), Down,
		"resolver address 127.0.0.1 is not allowed: private and loopback addresses are checked only when the server allows private checks")
	// The operator's resolver is trusted.
	want(t, probe(t, Spec{Type: DNS, Target: "example.gov"}, Options{Resolver: resolver}), Up, "")

	// A resolver port with nothing behind it.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := pc.LocalAddr().String()
	pc.Close()
	want(t, probe(t, Spec{Type: DNS, Target: "example.gov", Resolver: closed}, local), Down,
		"the resolver "+closed+" is not listening (port unreachable)")
}
