package monitor

import (
	"testing"

	"github.com/liveops/liveops/internal/monitor/probe"
)

// TestTargetAllowed: a target given as an address is refused when the
// check is saved: metadata and link-local always, private and loopback
// unless the server allows them; names wait for the run, where they
// resolve.
func TestTargetAllowed(t *testing.T) {
	for _, c := range []struct {
		spec    probe.Spec
		private bool
		ok      bool
	}{
		{probe.Spec{Type: probe.HTTP, Target: "http://169.254.169.254/latest/meta-data/"}, true, false},
		{probe.Spec{Type: probe.TCP, Target: "[fd00:ec2::254]:80"}, true, false},
		{probe.Spec{Type: probe.HTTP, Target: "http://127.0.0.1:8080/healthz"}, false, false},
		{probe.Spec{Type: probe.HTTP, Target: "http://127.0.0.1:8080/healthz"}, true, true},
		{probe.Spec{Type: probe.TLS, Target: "10.1.2.3:443"}, false, false},
		{probe.Spec{Type: probe.TLS, Target: "10.1.2.3:443"}, true, true},
		{probe.Spec{Type: probe.HTTP, Target: "https://www.example.gov/"}, false, true},
		{probe.Spec{Type: probe.Heartbeat}, false, true},
	} {
		err := targetAllowed(c.spec, probe.Options{AllowPrivate: c.private})
		if (err == nil) != c.ok {
			t.Errorf("%s %s (private %v): %v", c.spec.Type, c.spec.Target, c.private, err)
		}
	}
}
