package enrich

import "strings"

// Channel groups. They are GA4's default channel groups as Plausible applies
// them, with Plausible's two additions: "AI Assistants" and "Paid Other".
const (
	ChannelCrossNetwork  = "Cross-network"
	ChannelPaidShopping  = "Paid Shopping"
	ChannelPaidSearch    = "Paid Search"
	ChannelPaidSocial    = "Paid Social"
	ChannelPaidVideo     = "Paid Video"
	ChannelDisplay       = "Display"
	ChannelPaidOther     = "Paid Other"
	ChannelOrganicShop   = "Organic Shopping"
	ChannelOrganicSocial = "Organic Social"
	ChannelOrganicVideo  = "Organic Video"
	ChannelAIAssistants  = "AI Assistants"
	ChannelOrganicSearch = "Organic Search"
	ChannelEmail         = "Email"
	ChannelAffiliates    = "Affiliates"
	ChannelAudio         = "Audio"
	ChannelSMS           = "SMS"
	ChannelMobilePush    = "Mobile Push Notifications"
	ChannelReferral      = "Referral"
	ChannelDirect        = "Direct"
)

var (
	displayMediums = []string{"display", "banner", "expandable", "interstitial", "cpm"}
	socialMediums  = []string{"social", "social-network", "social-media", "sm", "social network", "social media"}
	emailTags      = []string{"email", "e-mail", "e_mail", "e mail", "newsletter"}
)

// channel assigns the channel group. The rules are tried in this order, the
// same order as Plausible's Plausible.Ingestion.Acquisition (all values
// compared in lower case; "category" is the source's category in
// ga4-source-categories.csv or source-categories.txt; "paid medium" is a
// utm_medium containing "cp" or starting with "paid", or "ppc" or
// "retargeting"; "paid source" is a utm_source alias marked "!" in
// sources.txt, such as "fb-ads"; utm_source is also filled from ?source= and
// ?ref=):
//
//  1. utm_campaign contains "cross-network"           -> Cross-network
//  2. shopping source or campaign, paid medium        -> Paid Shopping
//  3. search source with paid medium or paid source,
//     or Google with gclid, or Bing with msclkid       -> Paid Search
//  4. social source with paid medium or paid source   -> Paid Social
//  5. video source with paid medium or paid source    -> Paid Video
//  6. medium display, banner, expandable,
//     interstitial or cpm                             -> Display
//  7. any other paid medium                           -> Paid Other
//  8. shopping source or campaign                     -> Organic Shopping
//  9. social source or a social medium                -> Organic Social
//  10. video source or medium containing "video"       -> Organic Video
//  11. AI assistant source                             -> AI Assistants
//  12. search source                                   -> Organic Search
//  13. email source, or "email"/"newsletter"… in
//     utm_source or utm_medium                        -> Email
//  14. medium "affiliate"                              -> Affiliates
//  15. medium "audio"                                  -> Audio
//  16. utm_source or medium "sms"                      -> SMS
//  17. medium ending "push" or containing "mobile" or
//     "notification", or source "firebase"            -> Mobile Push Notifications
//  18. medium referral, app or link, or any source     -> Referral
//  19. otherwise                                       -> Direct
//
// A "shopping campaign" matches Plausible's ^(.*(([^a-df-z]|^)shop|shopping).*)$.
// Only gclid (and Google's gbraid/wbraid) and msclkid mark paid clicks:
// fbclid is added to every outbound Facebook link, paid or not.
func (s *sources) channel(source, medium, campaign, utmSource, clickID string) string {
	source, medium = strings.ToLower(source), strings.ToLower(medium)
	campaign, utmSource = strings.ToLower(campaign), strings.ToLower(utmSource)
	cat := s.category[source]
	paidMed := paidMedium(medium)
	_, paidSrc := s.paid[utmSource]
	paid := paidMed || paidSrc
	shopping := cat == catShopping || shoppingCampaign(campaign)
	switch {
	case strings.Contains(campaign, "cross-network"):
		return ChannelCrossNetwork
	case shopping && paidMed:
		return ChannelPaidShopping
	case cat == catSearch && paid, source == "google" && clickID == "gclid", source == "bing" && clickID == "msclkid":
		return ChannelPaidSearch
	case cat == catSocial && paid:
		return ChannelPaidSocial
	case cat == catVideo && paid:
		return ChannelPaidVideo
	case oneOf(medium, displayMediums):
		return ChannelDisplay
	case paidMed:
		return ChannelPaidOther
	case shopping:
		return ChannelOrganicShop
	case cat == catSocial || oneOf(medium, socialMediums):
		return ChannelOrganicSocial
	case cat == catVideo || strings.Contains(medium, "video"):
		return ChannelOrganicVideo
	case cat == catAI:
		return ChannelAIAssistants
	case cat == catSearch:
		return ChannelOrganicSearch
	case cat == catEmail || containsAny(utmSource, emailTags) || containsAny(medium, emailTags):
		return ChannelEmail
	case medium == "affiliate":
		return ChannelAffiliates
	case medium == "audio":
		return ChannelAudio
	case utmSource == "sms" || medium == "sms":
		return ChannelSMS
	case strings.HasSuffix(medium, "push") || strings.Contains(medium, "mobile") ||
		strings.Contains(medium, "notification") || source == "firebase":
		return ChannelMobilePush
	case oneOf(medium, []string{"referral", "app", "link"}) || source != "":
		return ChannelReferral
	}
	return ChannelDirect
}

func paidMedium(m string) bool {
	return strings.Contains(m, "cp") || m == "ppc" || m == "retargeting" || strings.HasPrefix(m, "paid")
}

// shoppingCampaign: "shopping" anywhere, or "shop" at the start or after a
// byte that is not a lower-case letter other than "e" ("eshop" counts,
// "workshop" does not).
func shoppingCampaign(c string) bool {
	if strings.Contains(c, "shopping") {
		return true
	}
	for i := 0; ; {
		j := strings.Index(c[i:], "shop")
		if j < 0 {
			return false
		}
		j += i
		if j == 0 {
			return true
		}
		if b := c[j-1]; b == 'e' || b < 'a' || b > 'z' {
			return true
		}
		i = j + 1
	}
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

func containsAny(v string, subs []string) bool {
	for _, s := range subs {
		if strings.Contains(v, s) {
			return true
		}
	}
	return false
}
