package account

import "testing"

// TestSessionBrowser: the sessions list names browsers as people do, never
// with the raw user agent.
func TestSessionBrowser(t *testing.T) {
	for _, c := range []struct{ ua, want string }{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128 on Windows"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36", "Chrome 156 on Linux"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari 17 on iOS (iPhone)"},
		{"curl/8.5.0", "curl 8"},
		{"", ""},
		{"something nobody knows", ""},
	} {
		if got := (Session{UserAgent: c.ua}).Browser(); got != c.want {
			t.Errorf("Browser(%q) = %q, want %q", c.ua, got, c.want)
		}
	}
}
