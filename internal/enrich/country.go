package enrich

import (
	"net/netip"
	"runtime/debug"

	"github.com/phuslu/iploc"
)

// Country returns the ISO 3166-1 alpha-2 code of the country an IP address
// is registered in, or "" for private, reserved and unknown addresses.
// IPv4-mapped IPv6 addresses are looked up as IPv4.
//
// The first IPv6 lookup in a process makes iploc unpack its IPv6 table: about
// 30 ms once, and ~11 MB of heap from then on. It is left lazy so that a
// server that sees no IPv6 traffic never pays for it. Unpacking leaves
// ~13 MB of garbage that an idle server would hold for a long time, so the
// first lookup hands it back to the system at once.
func (e *Enricher) Country(ip netip.Addr) string {
	ip = ip.Unmap()
	if !ip.IsValid() || !ip.IsGlobalUnicast() || ip.IsPrivate() {
		return ""
	}
	c := iploc.IPCountry(ip)
	if ip.Is6() {
		e.v6Unpacked.Do(func() { go debug.FreeOSMemory() })
	}
	if len(c) != 2 || c == "ZZ" || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
		return ""
	}
	return c
}
