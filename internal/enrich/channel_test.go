package enrich

import (
	"net/netip"
	"testing"
)

// TestChannel walks every rule of channel(), in Plausible's order.
func TestChannel(t *testing.T) {
	t.Parallel()
	e := newTest(t)
	tests := []struct {
		name                                    string
		source, medium, campaign, utmSrc, click string
		want                                    string
	}{
		{"cross-network wins", "Google", "cpc", "pmax-Cross-Network", "", "", ChannelCrossNetwork},
		{"paid shopping by source", "Amazon", "cpc", "", "", "", ChannelPaidShopping},
		{"paid shopping by campaign", "newsletter", "paid", "summer-shop", "", "", ChannelPaidShopping},
		{"paid search by medium", "Google", "cpc", "", "google", "", ChannelPaidSearch},
		{"paid search by paid source", "Google", "", "", "adwords", "", ChannelPaidSearch},
		{"paid search by gclid", "Google", "", "", "", "gclid", ChannelPaidSearch},
		{"paid search by msclkid", "Bing", "", "", "", "msclkid", ChannelPaidSearch},
		{"msclkid needs bing", "Google", "", "", "", "msclkid", ChannelOrganicSearch},
		{"paid social by medium", "Facebook", "paid_social", "", "", "", ChannelPaidSocial},
		{"paid social by paid source", "Facebook", "", "", "fb-ads", "", ChannelPaidSocial},
		{"paid video", "Youtube", "ppc", "", "", "", ChannelPaidVideo},
		{"display", "example.org", "banner", "", "", "", ChannelDisplay},
		{"display cpm is display not paid other", "", "cpm", "", "", "", ChannelDisplay},
		{"paid other", "example.org", "retargeting", "", "", "", ChannelPaidOther},
		{"organic shopping by source", "eBay", "", "", "", "", ChannelOrganicShop},
		{"organic shopping by campaign", "", "", "black friday shopping", "", "", ChannelOrganicShop},
		{"eshop counts as shop", "", "", "eshop-launch", "", "", ChannelOrganicShop},
		{"workshop is not shopping", "", "", "workshop", "", "", ChannelDirect},
		{"organic social by source", "LinkedIn", "", "", "", "", ChannelOrganicSocial},
		{"organic social by medium", "example.org", "social-media", "", "", "", ChannelOrganicSocial},
		{"organic video by source", "Vimeo", "", "", "", "", ChannelOrganicVideo},
		{"organic video by medium", "", "video_embed", "", "", "", ChannelOrganicVideo},
		{"ai assistants", "Claude", "", "", "", "", ChannelAIAssistants},
		{"organic search", "DuckDuckGo", "", "", "", "", ChannelOrganicSearch},
		{"channel takes resolved names only", "ddg", "", "", "", "", ChannelReferral},
		{"email by source", "Gmail", "", "", "", "", ChannelEmail},
		{"email by utm_source", "weekly-newsletter", "", "", "weekly-newsletter", "", ChannelEmail},
		{"email by medium", "", "E-Mail", "", "", "", ChannelEmail},
		{"affiliates", "partner.example", "affiliate", "", "", "", ChannelAffiliates},
		{"audio", "", "audio", "", "", "", ChannelAudio},
		{"sms by source", "sms", "", "", "sms", "", ChannelSMS},
		{"sms by medium", "", "sms", "", "", "", ChannelSMS},
		{"push by medium suffix", "", "web-push", "", "", "", ChannelMobilePush},
		{"push by mobile", "", "mobile", "", "", "", ChannelMobilePush},
		{"push by firebase", "firebase", "", "", "", "", ChannelMobilePush},
		{"referral by medium", "", "referral", "", "", "", ChannelReferral},
		{"referral by any source", "example.org", "", "", "", "", ChannelReferral},
		{"direct", "", "", "", "", "", ChannelDirect},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.src.channel(tt.source, tt.medium, tt.campaign, tt.utmSrc, tt.click); got != tt.want {
				t.Errorf("channel(%q, %q, %q, %q, %q) = %q, want %q",
					tt.source, tt.medium, tt.campaign, tt.utmSrc, tt.click, got, tt.want)
			}
		})
	}
}

func TestCountry(t *testing.T) {
	t.Parallel()
	e := newTest(t)
	for in, want := range map[string]string{
		"81.2.69.160":              "GB",
		"8.8.8.8":                  "US",
		"1.1.1.1":                  "AU",
		"::ffff:81.2.69.160":       "GB",
		"2a00:1450:4009:81f::200e": "GB",
		"10.0.0.1":                 "",
		"192.168.1.1":              "",
		"172.16.0.1":               "",
		"127.0.0.1":                "",
		"100.64.0.1":               "",
		"0.0.0.0":                  "",
		"255.255.255.255":          "",
		"224.0.0.1":                "",
		"::1":                      "",
		"fe80::1":                  "",
		"fd00::1":                  "",
		"2001:db8::1":              "",
	} {
		if got := e.Country(netip.MustParseAddr(in)); got != want {
			t.Errorf("Country(%s) = %q, want %q", in, got, want)
		}
	}
	if got := e.Country(netip.Addr{}); got != "" {
		t.Errorf("Country(zero Addr) = %q", got)
	}
}
