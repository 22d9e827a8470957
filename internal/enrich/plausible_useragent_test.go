package enrich

import "testing"

// User-agent cases ported from Plausible Analytics' tests, as facts about what
// it counts and how it classifies the visitor's device. From
// test/plausible_web/controllers/api/external_controller_test.exs
// ("external_ctrl"), describe "POST /api/event".
//
// Not ported: the user_id generation tests (hashing lives in the ingest
// package) and the screen_width tests of older versions (Plausible now takes
// the device from the user agent, as liveops does).
func TestUserAgentAsPlausible(t *testing.T) {
	t.Parallel()
	e := newTest(t)
	const (
		mac    = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.110 Safari/537.36"
		mobile = "Mozilla/5.0 (Linux; Android 6.0; U007 Pro Build/MRA58K; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/44.0.2403.119 Mobile Safari/537.36"
		tablet = "Mozilla/5.0 (Linux; U; Android 4.2.2; it-it; Surfing TAB B 9.7 3G Build/JDQ39) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30"
	)
	bots := map[string]string{
		"external_ctrl: bots and crawlers are ignored": "generic crawler",
		"external_ctrl: Headless Chrome is ignored":    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/85.0.4183.83 Safari/537.36",
	}
	for from, ua := range bots {
		if !e.IsBot(ua) {
			t.Errorf("%s: IsBot(%q) = false", from, ua)
		}
	}
	tests := []struct {
		from string
		ua   string
		want Client
	}{
		{"external_ctrl: parses user_agent", mac, Client{"Chrome", "70.0", "Mac", "10.13", Desktop}},
		{"external_ctrl: screen size is calculated from user_agent when is desktop", mac, Client{"Chrome", "70.0", "Mac", "10.13", Desktop}},
		// Plausible shows web views as "Mobile App"; only the device is asserted there.
		{"external_ctrl: screen size is calculated from user agent", mobile, Client{"Mobile App", "", "Android", "6.0", Mobile}},
		{"external_ctrl: screen size is calculated from user_agent when is tablet", tablet, Client{"Android Browser", "4.0", "Android", "4.2", Tablet}},
		// An unknown user agent is counted, with nothing known about it: the
		// device is "" there, and so are browser and OS (Plausible stores ""
		// for what its parser cannot tell, never the raw user agent).
		{"external_ctrl: screen size is nil if user agent is unknown", "unknown UA", Client{}},
	}
	for _, tt := range tests {
		if got := e.Client(tt.ua); got != tt.want {
			t.Errorf("%s: Client(%q)\n got  %+v\n want %+v", tt.from, tt.ua, got, tt.want)
		}
		if e.IsBot(tt.ua) {
			t.Errorf("%s: IsBot(%q) = true, want counted", tt.from, tt.ua)
		}
	}
}

// TestTabletModels: Android tablets that say "Mobile" in their user agent are
// still tablets; phones stay phones.
func TestTabletModels(t *testing.T) {
	t.Parallel()
	e := newTest(t)
	for ua, want := range map[string]string{
		"Mozilla/5.0 (Linux; Android 11; SM-T510) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36":                       Tablet,
		"Mozilla/5.0 (Linux; Android 13; SM-X205) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36":                       Tablet,
		"Mozilla/5.0 (Linux; Android 10; Lenovo TB-X606F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36":               Tablet,
		"Mozilla/5.0 (Linux; Android 10; TB-X606F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36":                      Tablet,
		"Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/124.2.1 like Chrome/124.0.6367.179 Mobile Safari/537.36":  Tablet,
		"Mozilla/5.0 (Linux; Android 12; HUAWEI MatePad 11) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36":             Tablet,
		"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36":                      Mobile,
		"Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36":                     Mobile,
		"Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36": Mobile,
	} {
		if got := e.Client(ua).Device; got != want {
			t.Errorf("Client(%q).Device = %q, want %q", ua, got, want)
		}
	}
}

// TestGenericBots: a word ending in "bot", or "crawler", "spider" or
// "scraper" anywhere, is a bot even when the crawler list does not name it.
func TestGenericBots(t *testing.T) {
	t.Parallel()
	e := newTest(t)
	for ua, want := range map[string]bool{
		"generic crawler agent":                   true,
		"MyNewBot/1.0 (+https://example.org/bot)": true,
		"Mozilla/5.0 (compatible; acme-bot)":      true,
		"SuperSpider 2.0":                         true,
		"price-scraper/3":                         true,
		"regular user agent":                      false,
		"Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36": false,
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Bottles/51":        false,
	} {
		if got := e.IsBot(ua); got != want {
			t.Errorf("IsBot(%q) = %v, want %v", ua, got, want)
		}
	}
}
