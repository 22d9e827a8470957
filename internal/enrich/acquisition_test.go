package enrich

import (
	"net/url"
	"strings"
	"testing"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAcquisitionReferrers(t *testing.T) {
	t.Parallel()
	e := newTest(t)
	page := mustURL(t, "https://www.renew.example.gov/start")
	tests := []struct {
		referrer, source, ref, channel string
	}{
		{"https://www.google.com/", "Google", "google.com", ChannelOrganicSearch},
		{"https://www.google.co.uk/search?q=renew+licence", "Google", "google.co.uk/search", ChannelOrganicSearch},
		{"https://www.google.de/", "Google", "google.de", ChannelOrganicSearch},
		{"https://google.com", "Google", "google.com", ChannelOrganicSearch},
		// Plausible's category lists have "google" but not "google images".
		{"https://www.google.com/imgres?imgurl=x", "Google Images", "google.com/imgres", ChannelReferral},
		{"https://www.bing.com/search?q=x", "Bing", "bing.com/search", ChannelOrganicSearch},
		{"https://duckduckgo.com/", "DuckDuckGo", "duckduckgo.com", ChannelOrganicSearch},
		{"https://search.yahoo.com/search?p=x", "Yahoo!", "search.yahoo.com/search", ChannelOrganicSearch},
		{"https://www.ecosia.org/search?q=x", "Ecosia", "ecosia.org/search", ChannelOrganicSearch},
		{"https://search.brave.com/search?q=x", "Brave", "search.brave.com/search", ChannelOrganicSearch},
		{"https://yandex.ru/search/?text=x", "Yandex", "yandex.ru/search", ChannelOrganicSearch},
		{"https://www.baidu.com/link?url=x", "Baidu", "baidu.com/link", ChannelOrganicSearch},
		{"https://www.facebook.com/", "Facebook", "facebook.com", ChannelOrganicSocial},
		{"https://m.facebook.com/story.php", "Facebook", "m.facebook.com/story.php", ChannelOrganicSocial},
		{"https://l.facebook.com/l.php?u=https%3A%2F%2Fx", "Facebook", "l.facebook.com/l.php", ChannelOrganicSocial},
		{"https://t.co/AbC123", "X (Twitter)", "t.co/AbC123", ChannelOrganicSocial},
		{"https://twitter.com/someone/status/1", "X (Twitter)", "twitter.com/someone/status/1", ChannelOrganicSocial},
		{"https://x.com/someone", "X (Twitter)", "x.com/someone", ChannelOrganicSocial},
		{"https://www.linkedin.com/feed/", "LinkedIn", "linkedin.com/feed", ChannelOrganicSocial},
		{"https://lnkd.in/abc", "LinkedIn", "lnkd.in/abc", ChannelOrganicSocial},
		{"https://www.reddit.com/r/golang/", "Reddit", "reddit.com/r/golang", ChannelOrganicSocial},
		{"https://old.reddit.com/r/golang/", "Reddit", "old.reddit.com/r/golang", ChannelOrganicSocial},
		{"android-app://com.reddit.frontpage/", "Reddit", "android-app://com.reddit.frontpage", ChannelOrganicSocial},
		{"https://l.instagram.com/?u=x", "Instagram", "l.instagram.com", ChannelOrganicSocial},
		{"https://news.ycombinator.com/item?id=1", "Hacker News", "news.ycombinator.com/item", ChannelOrganicSocial},
		{"https://github.com/liveops/liveops", "GitHub", "github.com/liveops/liveops", ChannelOrganicSocial},
		{"https://bsky.app/profile/x", "Bluesky", "bsky.app/profile/x", ChannelOrganicSocial},
		{"https://www.threads.net/@x", "Threads", "threads.net/@x", ChannelOrganicSocial},
		{"https://t.me/somechannel", "Telegram", "t.me/somechannel", ChannelOrganicSocial},
		{"https://discord.com/channels/1/2", "Discord", "discord.com/channels/1/2", ChannelOrganicSocial},
		{"https://www.youtube.com/watch?v=x", "Youtube", "youtube.com/watch", ChannelOrganicVideo},
		{"https://m.youtube.com/", "Youtube", "m.youtube.com", ChannelOrganicVideo},
		{"https://youtu.be/x", "Youtube", "youtu.be/x", ChannelOrganicVideo},
		{"https://mail.google.com/", "Gmail", "mail.google.com", ChannelEmail},
		// Only Gmail is an email source in Plausible's category lists.
		{"https://outlook.live.com/mail/0/", "Outlook.com", "outlook.live.com/mail/0", ChannelReferral},
		// The referrer database knows amazon.com only; GA4 lists amazon.co.uk as shopping.
		{"https://www.amazon.co.uk/dp/1", "amazon.co.uk", "amazon.co.uk/dp/1", ChannelOrganicShop},
		{"https://www.amazon.com/dp/1", "Amazon", "amazon.com/dp/1", ChannelOrganicShop},
		{"https://chatgpt.com/", "ChatGPT", "chatgpt.com", ChannelAIAssistants},
		{"https://www.perplexity.ai/search/x", "Perplexity", "perplexity.ai/search/x", ChannelAIAssistants},
		{"https://en.m.wikipedia.org/wiki/Go", "Wikipedia", "en.m.wikipedia.org/wiki/Go", ChannelReferral},
		{"https://linktr.ee/someone", "Linktree", "linktr.ee/someone", ChannelReferral},
		{"https://www.markosaric.com/", "markosaric.com", "markosaric.com", ChannelReferral},
		{"http://Blog.Example.ORG:8080/posts/1/?a=b#c", "blog.example.org", "blog.example.org/posts/1", ChannelReferral},
		// Internal navigation and junk: no source, no referrer.
		{"https://www.renew.example.gov/other", "", "", ChannelDirect},
		{"https://renew.example.gov/other", "", "", ChannelDirect},
		{"http://localhost:3000/", "", "", ChannelDirect},
		{"", "", "", ChannelDirect},
		{"about:blank", "", "", ChannelDirect},
		{"chrome-extension://abc/page.html", "", "", ChannelDirect},
		{"not a url at all", "", "", ChannelDirect},
		{"https://", "", "", ChannelDirect},
		{"%zz", "", "", ChannelDirect},
	}
	for _, tt := range tests {
		t.Run(tt.referrer, func(t *testing.T) {
			got := e.Acquisition(page, tt.referrer)
			if got.Source != tt.source || got.Referrer != tt.ref || got.Channel != tt.channel {
				t.Errorf("Acquisition(%q) = source %q, referrer %q, channel %q; want %q, %q, %q",
					tt.referrer, got.Source, got.Referrer, got.Channel, tt.source, tt.ref, tt.channel)
			}
		})
	}
}

func TestAcquisitionTags(t *testing.T) {
	t.Parallel()
	e := newTest(t)
	tests := []struct {
		name, page, referrer string
		want                 Acquisition
	}{
		{"utm wins over referrer",
			"https://s.gov/?utm_source=newsletter&utm_medium=email&utm_campaign=spring&utm_term=renew&utm_content=top+link",
			"https://www.google.com/",
			Acquisition{Source: "newsletter", Referrer: "google.com", Channel: ChannelEmail,
				UTMSource: "newsletter", UTMMedium: "email", UTMCampaign: "spring", UTMTerm: "renew", UTMContent: "top link"}},
		{"known utm_source in any case",
			"https://s.gov/?utm_source=GOOGLE", "",
			Acquisition{Source: "Google", Channel: ChannelOrganicSearch, UTMSource: "GOOGLE"}},
		{"utm_source alias",
			"https://s.gov/?utm_source=ig", "",
			Acquisition{Source: "Instagram", Channel: ChannelOrganicSocial, UTMSource: "ig"}},
		{"source parameter",
			"https://s.gov/?source=producthunt", "",
			Acquisition{Source: "producthunt", Channel: ChannelOrganicSocial, UTMSource: "producthunt"}},
		{"ref parameter",
			"https://s.gov/?ref=hn", "https://example.org/",
			Acquisition{Source: "hn", Referrer: "example.org", Channel: ChannelReferral, UTMSource: "hn"}},
		{"utm_source before source before ref",
			"https://s.gov/?ref=c&source=b&utm_source=a", "",
			Acquisition{Source: "a", Channel: ChannelReferral, UTMSource: "a"}},
		{"empty utm_source falls back to source",
			"https://s.gov/?utm_source=&source=b", "",
			Acquisition{Source: "b", Channel: ChannelReferral, UTMSource: "b"}},
		{"tag survives internal referrer",
			"https://s.gov/page?utm_source=twitter", "https://s.gov/",
			Acquisition{Source: "X (Twitter)", Channel: ChannelOrganicSocial, UTMSource: "twitter"}},
		{"last repeated value wins",
			"https://s.gov/?utm_campaign=a&utm_campaign=b", "",
			Acquisition{Channel: ChannelDirect, UTMCampaign: "b"}},
		{"escaped keys and values",
			"https://s.gov/?utm%5Fsource=Face%62ook&utm_medium=paid%20social", "",
			Acquisition{Source: "Facebook", Channel: ChannelPaidSocial, UTMSource: "Facebook", UTMMedium: "paid social"}},
		{"bad escape kept raw",
			"https://s.gov/?utm_campaign=100%25%zz", "",
			Acquisition{Channel: ChannelDirect, UTMCampaign: "100%25%zz"}},
		{"gclid with google referrer",
			"https://s.gov/?gclid=abc", "https://www.google.com/",
			Acquisition{Source: "Google", Referrer: "google.com", Channel: ChannelPaidSearch}},
		{"msclkid with bing referrer",
			"https://s.gov/?msclkid=abc", "https://www.bing.com/",
			Acquisition{Source: "Bing", Referrer: "bing.com", Channel: ChannelPaidSearch}},
		{"fbclid is not paid",
			"https://s.gov/?fbclid=abc", "https://l.facebook.com/",
			Acquisition{Source: "Facebook", Referrer: "l.facebook.com", Channel: ChannelOrganicSocial}},
		{"nil page", "", "https://www.bing.com/",
			Acquisition{Source: "Bing", Referrer: "bing.com", Channel: ChannelOrganicSearch}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var page *url.URL
			if tt.page != "" {
				page = mustURL(t, tt.page)
			}
			if got := e.Acquisition(page, tt.referrer); got != tt.want {
				t.Errorf("Acquisition(%q, %q)\n got  %+v\n want %+v", tt.page, tt.referrer, got, tt.want)
			}
		})
	}
}

func TestAcquisitionBounds(t *testing.T) {
	t.Parallel()
	e := newTest(t)
	long := strings.Repeat("é", 2000)
	page := mustURL(t, "https://s.gov/?utm_source="+url.QueryEscape(long)+"&utm_medium=a%00b%0Ac")
	got := e.Acquisition(page, "https://example.org/"+strings.Repeat("p", 5000))
	if len(got.UTMSource) > maxTag || len(got.Source) > maxSource || len(got.Referrer) > maxReferrer {
		t.Errorf("lengths %d %d %d exceed the limits", len(got.UTMSource), len(got.Source), len(got.Referrer))
	}
	if got.UTMMedium != "abc" {
		t.Errorf("UTMMedium = %q, want control characters dropped", got.UTMMedium)
	}
	for _, s := range []string{got.UTMSource, got.Source, got.Referrer} {
		if !utf8Valid(s) {
			t.Errorf("%q is not valid UTF-8", s)
		}
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestIsSpamReferrer(t *testing.T) {
	t.Parallel()
	e := newTest(t)
	for in, want := range map[string]bool{
		"semalt.com":                       true,
		"www.semalt.com":                   true,
		"SEMALT.COM.":                      true,
		"semalt.com:443":                   true,
		"a.b.darodar.com":                  true,
		"https://buttons-for-website.com/": true,
		"qiwi.xyz":                         true, // listed in upper case upstream
		"prizesk.com":                      true, // listed with a trailing space
		"google.com":                       false,
		"notsemalt.com":                    false,
		"com":                              false,
		"":                                 false,
		"https://www.google.com/search":    false,
		"http://[::1]:80/":                 false,
		"://":                              false,
	} {
		if got := e.IsSpamReferrer(in); got != want {
			t.Errorf("IsSpamReferrer(%q) = %v, want %v", in, got, want)
		}
	}
}
