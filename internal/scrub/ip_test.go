package scrub

import "testing"

func TestIPs(t *testing.T) {
	t.Parallel()
	runCases(t, ipCases)
}

var ipCases = []scrubCase{
	{"private IPv4", "192.168.1.10", "[ip]"},
	{"10.0.0.1", "10.0.0.1", "[ip]"},
	{"IPv4 full stop after", "from 10.0.0.1.", "from [ip]."},
	{"IPv4 with port", "10.0.0.1:8080", "[ip]:8080"},
	{"IPv6 compressed", "2001:db8::1", "[ip]"},
	{"IPv6 loopback", "::1", "[ip]"},
	{"IPv6 zone", "fe80::1%eth0", "[ip]"},
	{"IPv4-mapped", "::ffff:192.0.2.1", "[ip]"},
	{"IPv6 full", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "[ip]"},
	{"IPv6 in brackets with port", "[2001:db8::1]:443", "[[ip]]:443"},
	{"IPv6 after a label", "ip:2001:db8::1", "ip:[ip]"},
	{"IPv6 full stop after", "from 2001:db8::1.", "from [ip]."},
	{"in a log line", "client=203.0.113.7 path=/apply", "client=[ip] path=/apply"},
	{"part over 255", "256.1.1.1", "256.1.1.1"},
	{"five parts", "1.2.3.4.5", "1.2.3.4.5"},
	{"three parts", "1.2.3", "1.2.3"},
	{"MAC address", "00:1A:2B:3C:4D:5E", "00:1A:2B:3C:4D:5E"},
	{"hex words", "dead::beef", "dead::beef"},
	{"C++", "std::vector<int>", "std::vector<int>"},
}
