package enrich

import (
	"net/url"
	"testing"
	"unicode/utf8"
)

var channels = map[string]bool{
	ChannelCrossNetwork: true, ChannelPaidShopping: true, ChannelPaidSearch: true, ChannelPaidSocial: true,
	ChannelPaidVideo: true, ChannelDisplay: true, ChannelPaidOther: true, ChannelOrganicShop: true,
	ChannelOrganicSocial: true, ChannelOrganicVideo: true, ChannelAIAssistants: true, ChannelOrganicSearch: true,
	ChannelEmail: true, ChannelAffiliates: true, ChannelAudio: true, ChannelSMS: true, ChannelMobilePush: true,
	ChannelReferral: true, ChannelDirect: true,
}

func FuzzAcquisition(f *testing.F) {
	e := newTest(f)
	f.Add("https://s.gov/?utm_source=fb&utm_medium=cpc&utm_campaign=x", "https://l.facebook.com/l.php")
	f.Add("https://s.gov/?gclid=1&ref=a&source=b", "https://www.google.co.uk/search?q=x")
	f.Add("https://www.s.gov/p", "https://s.gov/q")
	f.Add("", "android-app://com.reddit.frontpage/")
	f.Add("https://s.gov/?utm_term=%ff%fe%00", "http://[::1]:8080/%zz")
	f.Fuzz(func(t *testing.T, page, referrer string) {
		u, err := url.Parse(page)
		if err != nil {
			u = nil
		}
		a := e.Acquisition(u, referrer)
		if !channels[a.Channel] {
			t.Errorf("unknown channel %q", a.Channel)
		}
		for _, f := range []struct {
			v   string
			max int
		}{
			{a.Source, maxSource}, {a.Referrer, maxReferrer}, {a.UTMSource, maxTag}, {a.UTMMedium, maxTag},
			{a.UTMCampaign, maxTag}, {a.UTMTerm, maxTag}, {a.UTMContent, maxTag},
		} {
			if len(f.v) > f.max || !utf8.ValidString(f.v) {
				t.Errorf("field %q: %d bytes (max %d) or invalid UTF-8", f.v, len(f.v), f.max)
			}
		}
		e.IsSpamReferrer(referrer)
	})
}

func FuzzClient(f *testing.F) {
	e := newTest(f)
	f.Add("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36")
	f.Add("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")
	f.Add("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
	f.Add("Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0 MSIE 10.0")
	f.Add("\xff\xfe ( ; ) / . rv: MSIE ")
	f.Add("Mozilla/5.0 (Linux; U; Android 4.2.2; it-it; Surfing TAB B 9.7 3G Build/JDQ39) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30")
	f.Add("generic crawler (;tab;KF;sm-t1") // generic bot and truncated device words
	f.Add("Mozilla/5.0 (Linux; Android 9; AFTMM) Silk/ CrKey/")
	f.Fuzz(func(t *testing.T, ua string) {
		c := e.Client(ua)
		e.IsBot(ua)
		for _, f := range []struct {
			v   string
			max int
		}{{c.Browser, 64}, {c.OS, 64}, {c.BrowserVersion, 16}, {c.OSVersion, 16}} {
			if len(f.v) > f.max || !utf8.ValidString(f.v) {
				t.Errorf("field %q: %d bytes (max %d) or invalid UTF-8", f.v, len(f.v), f.max)
			}
		}
		switch c.Device {
		case "", Desktop, Mobile, Tablet:
		default:
			t.Errorf("device %q", c.Device)
		}
	})
}
