package probe

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/miekg/dns"
)

// dns asks the resolver for the spec's record, over UDP, then TCP when
// the answer was truncated. It is up when there is an answer and every
// expected value is among the answers; see checkExpect for what Expect
// may hold.
func (r *run) dns() Result {
	p := r.p
	name := strings.TrimSuffix(p.host, ".")
	rtype := dns.TypeToString[p.qtype]
	server, control := p.resolver, dialControl(r.opts)
	if server == "" {
		// The operator's resolver is trusted (see Options.Resolver).
		server, control = r.opts.Resolver, nil
		if server == "" {
			conf, err := dns.ClientConfigFromFile("/etc/resolv.conf")
			if err != nil || len(conf.Servers) == 0 {
				return down("no resolver: /etc/resolv.conf names no nameserver")
			}
			server = net.JoinHostPort(conf.Servers[0], conf.Port)
		}
	} else if err := checkLiteral(hostOf(server), r.opts); err != nil {
		return down("resolver " + err.Error())
	}

	m := new(dns.Msg)
	m.SetQuestion(p.host, p.qtype)
	m.SetEdns0(1232, false)
	c := &dns.Client{Net: "udp", Timeout: p.timeout, Dialer: &net.Dialer{Control: control}}
	in, rtt, err := c.ExchangeContext(r.ctx, m, server)
	if err == nil && in.Truncated {
		c.Net = "tcp"
		in, rtt, err = c.ExchangeContext(r.ctx, m, server)
	}
	res := Result{Status: Down, Timings: Timings{DNS: rtt}}
	if err != nil {
		res.Reason = r.describe(err, "waiting for the resolver "+server, server)
		if isRefusedUDP(err) {
			res.Reason = "the resolver " + server + " is not listening (port unreachable)"
		}
		return res
	}
	switch in.Rcode {
	case dns.RcodeSuccess:
	case dns.RcodeNameError:
		res.Reason = fmt.Sprintf("%s does not exist (NXDOMAIN)", name)
		return res
	default:
		res.Reason = fmt.Sprintf("the resolver answered %s for %s", dns.RcodeToString[in.Rcode], name)
		return res
	}
	var got []string
	for _, rr := range in.Answer {
		if rr.Header().Rrtype == p.qtype {
			got = append(got, rrValue(rr))
		}
	}
	if len(got) == 0 {
		res.Reason = fmt.Sprintf("no %s record for %s", rtype, name)
		return res
	}
	for _, want := range p.spec.Expect {
		if !slices.ContainsFunc(got, func(g string) bool { return answerMatches(p.qtype, strings.TrimSpace(want), g) }) {
			res.Reason = fmt.Sprintf("expected %s, got %s", clip(strings.TrimSpace(want), 80), listSome(got, 5))
			return res
		}
	}
	res.Status = Up
	return res
}

// rrValue writes an answer as people do: A and AAAA their address, CNAME
// and NS the name, MX "10 mail.example.gov", TXT its strings joined; names
// lower-case without the trailing dot.
func rrValue(rr dns.RR) string {
	switch x := rr.(type) {
	case *dns.A:
		return x.A.String()
	case *dns.AAAA:
		return x.AAAA.String()
	case *dns.CNAME:
		return normName(x.Target)
	case *dns.NS:
		return normName(x.Ns)
	case *dns.MX:
		return strconv.Itoa(int(x.Preference)) + " " + normName(x.Mx)
	case *dns.TXT:
		return strings.Join(x.Txt, "")
	}
	return rr.String()
}

// answerMatches compares an expected value with an answer written by
// rrValue: addresses as addresses ("2001:db8::1" is "2001:0db8:0:0::1"),
// names without case or trailing dot, an MX with no preference by host
// alone, TXT exactly.
func answerMatches(qtype uint16, want, got string) bool {
	switch qtype {
	case dns.TypeA, dns.TypeAAAA:
		w, err1 := netip.ParseAddr(want)
		g, err2 := netip.ParseAddr(got)
		return err1 == nil && err2 == nil && w.Unmap() == g.Unmap()
	case dns.TypeMX:
		gotPref, gotHost, _ := strings.Cut(got, " ")
		if pref, host, ok := strings.Cut(want, " "); ok {
			return strings.TrimLeft(pref, "0") == strings.TrimLeft(gotPref, "0") && normName(strings.TrimSpace(host)) == gotHost
		}
		return normName(want) == gotHost
	case dns.TypeCNAME, dns.TypeNS:
		return normName(want) == got
	}
	return want == got
}

func normName(s string) string { return strings.ToLower(strings.TrimSuffix(s, ".")) }

func listSome(s []string, n int) string {
	if len(s) > n {
		return strings.Join(s[:n], ", ") + fmt.Sprintf(" and %d more", len(s)-n)
	}
	return strings.Join(s, ", ")
}

func hostOf(hostport string) string {
	h, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return hostport
	}
	return h
}

// isRefusedUDP: a UDP query to a closed port fails on read with
// ECONNREFUSED, from the ICMP answer.
func isRefusedUDP(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "read" && errors.Is(err, syscall.ECONNREFUSED)
}
