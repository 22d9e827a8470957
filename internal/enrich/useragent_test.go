package enrich

import (
	"encoding/json"
	"regexp/syntax"
	"strings"
	"sync"
	"testing"
)

func newTest(t testing.TB) *Enricher {
	t.Helper()
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestClient(t *testing.T) {
	t.Parallel()
	e := newTest(t)
	tests := []struct {
		name string
		ua   string
		want Client
	}{
		{"chrome windows",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
			Client{"Chrome", "124.0", "Windows", "10", Desktop}},
		{"edge windows",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
			Client{"Microsoft Edge", "124.0", "Windows", "10", Desktop}},
		{"firefox windows 7",
			"Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:109.0) Gecko/20100101 Firefox/115.0",
			Client{"Firefox", "115.0", "Windows", "7", Desktop}},
		{"chrome windows 8.1",
			"Mozilla/5.0 (Windows NT 6.3; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36",
			Client{"Chrome", "109.0", "Windows", "8.1", Desktop}},
		{"internet explorer 11",
			"Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
			Client{"Internet Explorer", "11.0", "Windows", "7", Desktop}},
		{"opera windows",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/109.0.0.0",
			Client{"Opera", "109.0", "Windows", "10", Desktop}},
		{"vivaldi windows",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Vivaldi/6.7.3329.21",
			Client{"Vivaldi", "6.7", "Windows", "10", Desktop}},
		{"yandex windows",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 YaBrowser/24.4.0.0 Safari/537.36",
			Client{"Yandex Browser", "24.4", "Windows", "10", Desktop}},
		{"safari mac",
			"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
			Client{"Safari", "17.4", "Mac", "10.15", Desktop}},
		{"firefox mac",
			"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:125.0) Gecko/20100101 Firefox/125.0",
			Client{"Firefox", "125.0", "Mac", "10.15", Desktop}},
		{"chrome linux",
			"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
			Client{"Chrome", "124.0", "GNU/Linux", "", Desktop}},
		{"firefox ubuntu",
			"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
			Client{"Firefox", "125.0", "Ubuntu", "", Desktop}},
		{"chromebook",
			"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
			Client{"Chrome", "124.0", "Chrome OS", "", Desktop}},
		{"safari iphone",
			"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
			Client{"Safari", "17.4", "iOS", "17.4", Mobile}},
		{"chrome iphone",
			"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
			Client{"Chrome", "124.0", "iOS", "17.4", Mobile}},
		{"firefox iphone",
			"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15",
			Client{"Firefox", "125.0", "iOS", "17.4", Mobile}},
		{"safari ipad",
			"Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
			Client{"Safari", "17.4", "iPadOS", "17.4", Tablet}},
		{"chrome android phone",
			"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
			Client{"Chrome", "124.0", "Android", "10", Mobile}},
		{"chrome android tablet",
			"Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
			Client{"Chrome", "124.0", "Android", "14", Tablet}},
		{"samsung internet",
			"Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
			Client{"Samsung Browser", "24.0", "Android", "14", Mobile}},
		{"firefox android",
			"Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
			Client{"Firefox", "125.0", "Android", "14", Mobile}},
		{"edge android",
			"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 EdgA/124.0.2478.64",
			Client{"Microsoft Edge", "124.0", "Android", "10", Mobile}},
		{"duckduckgo android",
			"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile DuckDuckGo/5 Safari/537.36",
			Client{"DuckDuckGo Privacy Browser", "5", "Android", "10", Mobile}},
		{"miui browser",
			"Mozilla/5.0 (Linux; U; Android 13; zh-cn; 2211133C Build/TKQ1.220807.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.118 Mobile Safari/537.36 XiaoMi/MiuiBrowser/18.0.30410",
			Client{"MIUI Browser", "18.0", "Android", "13", Mobile}},
		{"huawei harmonyos",
			"Mozilla/5.0 (Linux; Android 12; HarmonyOS; ANA-AN00) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.5.302 Mobile Safari/537.36",
			Client{"Huawei Browser Mobile", "14.0", "HarmonyOS", "", Mobile}},
		{"facebook in-app android",
			"Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/460.0.0.48.109;]",
			Client{"Mobile App", "", "Android", "13", Mobile}},
		{"instagram in-app iphone",
			"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 327.0.0.36.89 (iPhone15,2; iOS 17_4; en_GB; en; scale=3.00; 1179x2556; 598375620)",
			Client{"Mobile App", "", "iOS", "17.4", Mobile}},
		{"google app iphone",
			"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/310.0.621847700 Mobile/15E148 Safari/604.1",
			Client{"Mobile App", "", "iOS", "17.4", Mobile}},
		{"kindle fire silk",
			"Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/124.2.1 like Chrome/124.0.6367.179 Safari/537.36",
			Client{"Mobile Silk", "124.2", "Android", "9", Tablet}},
		// Big screens: Plausible files TVs and consoles under Desktop; browser
		// names follow Matomo's device detector, which Plausible uses.
		{"playstation 5",
			"Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Safari/605.1.15",
			Client{"Safari", "13.0", "", "", Desktop}},
		{"lg webos tv",
			"Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/87.0.4280.88 Safari/537.36 WebAppManager",
			Client{"Chrome", "87.0", "GNU/Linux", "", Desktop}},
		{"chromecast",
			"Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.225 Safari/537.36 CrKey/1.56.500000 DeviceType/AndroidTV",
			Client{"Chrome", "91.0", "GNU/Linux", "", Desktop}},
		{"fire tv",
			"Mozilla/5.0 (Linux; Android 9; AFTMM) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
			Client{"Chrome", "120.0", "Android", "9", Desktop}},
		{"samsung tizen tv",
			"Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36",
			Client{"", "", "Tizen", "", Desktop}},
		{"naver whale",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Whale/3.24.223.24",
			Client{"Whale Browser", "3.24", "Windows", "10", Desktop}},
		{"coc coc",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) coc_coc_browser/120.0.180 Chrome/114.0.5735.204 Safari/537.36",
			Client{"Coc Coc", "120.0", "Windows", "10", Desktop}},
		{"kaios feature phone",
			"Mozilla/5.0 (Mobile; rv:48.0; Nokia 8110 4G) Gecko/48.0 Firefox/48.0 KAIOS/2.5",
			Client{"Firefox", "48.0", "KaiOS", "", Mobile}},
		{"xbox edge",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19041",
			Client{"Microsoft Edge", "18.19041", "Windows", "10", Desktop}},
		{"unknown", "SomethingNew", Client{}},
		{"empty", "", Client{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.Client(tt.ua); got != tt.want {
				t.Errorf("Client(%q)\n got  %+v\n want %+v", tt.ua, got, tt.want)
			}
			if tt.ua != "" && tt.name != "unknown" && e.IsBot(tt.ua) {
				t.Errorf("IsBot(%q) = true, want false", tt.ua)
			}
			// A second call is served from the cache and must agree.
			if got := e.Client(tt.ua); got != tt.want {
				t.Errorf("cached Client(%q) = %+v", tt.ua, got)
			}
		})
	}
}

func TestIsBot(t *testing.T) {
	t.Parallel()
	e := newTest(t)
	bots := map[string]string{
		"googlebot":         "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"googlebot mobile":  "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.118 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"bingbot":           "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
		"ahrefsbot":         "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
		"semrushbot":        "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
		"gptbot":            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
		"claudebot":         "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
		"yandexbot":         "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
		"applebot":          "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
		"duckduckbot":       "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
		"facebook preview":  "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
		"slack preview":     "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
		"headless chrome":   "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36",
		"lighthouse":        "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
		"curl":              "curl/8.5.0",
		"wget":              "Wget/1.21.4",
		"python-requests":   "python-requests/2.31.0",
		"python-urllib":     "Python-urllib/3.11",
		"httpx":             "python-httpx/0.27.0",
		"go http client":    "Go-http-client/2.0",
		"okhttp":            "okhttp/4.12.0",
		"java":              "Java/17.0.2",
		"apache httpclient": "Apache-HttpClient/4.5.14 (Java/17.0.9)",
		"node-fetch":        "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
		"axios":             "axios/1.6.8",
		"postman":           "PostmanRuntime/7.37.0",
		"scrapy":            "Scrapy/2.11.1 (+https://scrapy.org)",
		"uptime kuma":       "Uptime-Kuma/1.23.11",
		"empty":             "",
		"blank":             "   ",
		"oversized":         "Mozilla/5.0 " + strings.Repeat("x", maxUALen),
	}
	for name, ua := range bots {
		t.Run(name, func(t *testing.T) {
			if !e.IsBot(ua) {
				t.Errorf("IsBot(%q) = false, want true", ua)
			}
		})
	}
	humans := map[string]string{
		// "CUBOT" is a phone maker: a "bot" substring alone must not count.
		"cubot phone": "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
		"chrome":      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		"safari":      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
		"firefox":     "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
	}
	for name, ua := range humans {
		t.Run(name, func(t *testing.T) {
			if e.IsBot(ua) {
				t.Errorf("IsBot(%q) = true, want false", ua)
			}
		})
	}
}

// TestCrawlerListInstances checks every example user agent that the crawler
// list ships against the matcher: it proves the literal index never hides a
// pattern that should match.
func TestCrawlerListInstances(t *testing.T) {
	t.Parallel()
	e := newTest(t)
	var list []struct {
		Pattern   string   `json:"pattern"`
		Instances []string `json:"instances"`
	}
	if err := json.Unmarshal(crawlerJSON, &list); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range list {
		for _, ua := range p.Instances {
			n++
			if len(ua) <= maxUALen && !e.bots.match(ua) {
				t.Errorf("pattern %q: instance not matched: %q", p.Pattern, ua)
			}
		}
	}
	if n < 1000 {
		t.Errorf("only %d instances in the crawler list", n)
	}
}

func TestRequiredLiterals(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		`Googlebot\/`:                   {"googlebot/"},
		`[wW]get`:                       {"wget"},
		`(sistrix|SISTRIX) [cC]rawler`:  {" crawler"},
		`Ahrefs(Bot|SiteAudit)`:         {"ahrefs"},
		`^curl`:                         {"curl"},
		`BlogTraffic\/\d\.\d+ Feed-Fet`: {"blogtraffic/"},
		`a*`:                            nil,
	}
	for pat, want := range tests {
		re, err := syntax.Parse(pat, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		got := requiredLiterals(re.Simplify())
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("requiredLiterals(%q) = %q, want %q", pat, got, want)
		}
	}
}

// TestConcurrentUse shares one Enricher between goroutines while the cache
// overflows; run with -race it checks the locking, and every answer must
// equal the uncached one.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	e := newTest(t)
	uas := append(uniqueUAs(2*cacheShards*cacheShardCap), benchUAs...)
	want := make([]uaInfo, len(uas))
	for i, ua := range uas {
		want[i] = e.parseUA(ua)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range uas {
				j := (i*7 + g*1013) % len(uas)
				if got := e.userAgent(uas[j]); got != want[j] {
					t.Errorf("userAgent(%q) = %+v, want %+v", uas[j], got, want[j])
					return
				}
			}
		})
	}
	wg.Wait()
}
