package probe

import (
	"fmt"
	"net/netip"
	"syscall"
)

// AddressError says that a probe refused to connect to an address; Run
// reports its text as the reason.
type AddressError struct {
	Addr netip.Addr
	Why  string // "link-local and cloud metadata addresses are never checked"
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("address %s is not allowed: %s", e.Addr, e.Why)
}

const (
	whyNever   = "link-local and cloud metadata addresses are never checked"
	whyCast    = "multicast and broadcast addresses are never checked"
	whyPrivate = "private and loopback addresses are checked only when the server allows private checks"
)

var (
	// Never reached, whatever Options say: instance metadata services live
	// here and hand out cloud credentials.
	neverPrefixes = []netip.Prefix{
		netip.MustParsePrefix("169.254.0.0/16"),     // link-local; AWS, GCP, Azure, Oracle, DigitalOcean metadata
		netip.MustParsePrefix("fe80::/10"),          // IPv6 link-local
		netip.MustParsePrefix("fd00:ec2::/32"),      // AWS metadata and DNS over IPv6
		netip.MustParsePrefix("100.100.100.200/32"), // Alibaba Cloud metadata
		netip.MustParsePrefix("192.0.0.192/32"),     // Oracle Cloud metadata (older)
	}
	castPrefixes = []netip.Prefix{
		netip.MustParsePrefix("224.0.0.0/4"),
		netip.MustParsePrefix("255.255.255.255/32"),
		netip.MustParsePrefix("ff00::/8"),
	}
	// Reached only with Options.AllowPrivate. 0.0.0.0/8 is here because
	// Linux connects 0.0.0.0 to the local host.
	privatePrefixes = []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/8"),
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT, also used inside clouds
		netip.MustParsePrefix("127.0.0.0/8"),
		netip.MustParsePrefix("172.16.0.0/12"),
		netip.MustParsePrefix("192.168.0.0/16"),
		netip.MustParsePrefix("198.18.0.0/15"), // benchmarking, used by some VPNs
		netip.MustParsePrefix("::/128"),
		netip.MustParsePrefix("::1/128"),
		netip.MustParsePrefix("fc00::/7"),
	}
	// IPv6 ranges that carry an IPv4 address a gateway may forward to.
	nat64  = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4 = netip.MustParsePrefix("2002::/16")
)

// CheckAddress says whether a probe may connect to ip: nil, or an
// *AddressError. Link-local, cloud metadata, multicast and broadcast
// addresses are refused always; private, loopback and unspecified ones
// unless opts.AllowPrivate. IPv4 addresses written as IPv6 (::ffff:a.b.c.d,
// NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by the IPv4 address they
// carry. Run's dialer calls it for every address it connects to, after name
// resolution, so a name that resolves to a refused address is refused too.
func CheckAddress(ip netip.Addr, opts Options) error {
	orig := ip
	if !ip.IsValid() {
		return &AddressError{Addr: ip, Why: "not an IP address"}
	}
	ip = ip.WithZone("").Unmap()
	if err := checkPlain(orig, ip, opts); err != nil {
		return err
	}
	if ip.Is6() {
		b := ip.As16()
		var v4 netip.Addr
		switch {
		case nat64.Contains(ip):
			v4 = netip.AddrFrom4([4]byte(b[12:16]))
		case sixTo4.Contains(ip):
			v4 = netip.AddrFrom4([4]byte(b[2:6]))
		}
		if v4.IsValid() {
			return checkPlain(orig, v4, opts)
		}
	}
	return nil
}

func checkPlain(orig, ip netip.Addr, opts Options) error {
	for _, p := range neverPrefixes {
		if p.Contains(ip) {
			return &AddressError{Addr: orig, Why: whyNever}
		}
	}
	for _, p := range castPrefixes {
		if p.Contains(ip) {
			return &AddressError{Addr: orig, Why: whyCast}
		}
	}
	if opts.AllowPrivate {
		return nil
	}
	for _, p := range privatePrefixes {
		if p.Contains(ip) {
			return &AddressError{Addr: orig, Why: whyPrivate}
		}
	}
	return nil
}

// dialControl is a net.Dialer Control: it runs after the name is resolved
// and the socket made, before connect(2), with the very address dialed, so
// DNS rebinding cannot slip a second, refused address past a first check.
func dialControl(opts Options) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("dial %s %q: not an IP address and port", network, address)
		}
		return CheckAddress(ap.Addr(), opts)
	}
}
