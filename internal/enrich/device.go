package enrich

import "strings"

// Device heuristics on top of the user-agent parser, for the cases where
// Plausible's device detector tells more than the parser does.

// bigScreenTokens mark TVs, TV sticks and game consoles (in lower case: the
// matcher ignores case).
var bigScreenTokens = []string{
	"smart-tv", "smarttv", "web0s", "hbbtv", "crkey", "androidtv", "android tv", "googletv",
	"bravia", "roku/", "appletv", "playstation", "nintendo", "xbox", "; aft",
}

// bigScreens finds any of bigScreenTokens in one pass.
type bigScreens struct{ ac *acMatcher }

func newBigScreens() (*bigScreens, error) {
	ac, err := newACMatcher(bigScreenTokens)
	if err != nil {
		return nil, err
	}
	return &bigScreens{ac}, nil
}

func (b *bigScreens) match(ua string) bool {
	found := false
	b.ac.match(ua, func(int32) bool {
		found = true
		return false
	})
	return found
}

// tabletModel reports whether an Android user agent names a tablet model
// though it says "Mobile", as some older tablets do ("Surfing TAB B 9.7 3G",
// Samsung "SM-T…" and "SM-X…", Lenovo "TB-…", Amazon "KF…", Huawei
// "MediaPad"/"MatePad"). It reads the words of the first parenthesis, without
// allocating: it runs on every uncached Android phone.
func tabletModel(ua string) bool {
	open := strings.IndexByte(ua, '(')
	if open < 0 {
		return false
	}
	dev := ua[open+1:]
	if end := strings.IndexByte(dev, ')'); end >= 0 {
		dev = dev[:end]
	}
	for dev != "" {
		i := strings.IndexAny(dev, " ;")
		w := dev
		if i >= 0 {
			w, dev = dev[:i], dev[i+1:]
		} else {
			dev = ""
		}
		if w != "" && tabletWord(w) {
			return true
		}
	}
	return false
}

// tabletWord checks one word of the device part, ignoring case.
func tabletWord(w string) bool {
	switch {
	case kindleModel(w),
		prefixFold(w, "tb-"), prefixFold(w, "tb3-"), // Lenovo Tab
		digitAfter(w, "sm-t"), digitAfter(w, "sm-x"), digitAfter(w, "sm-p"), digitAfter(w, "gt-p"), // Samsung Galaxy Tab
		strings.EqualFold(w, "tab"), digitAfter(w, "tab"), // "Surfing TAB B 9.7 3G", "Tab10"
		prefixFold(w, "tablet"), prefixFold(w, "mediapad"), prefixFold(w, "matepad"):
		return true
	}
	return false
}

func prefixFold(w, prefix string) bool {
	return len(w) >= len(prefix) && strings.EqualFold(w[:len(prefix)], prefix)
}

// digitAfter reports whether w is prefix (any case) followed by a digit.
func digitAfter(w, prefix string) bool {
	return len(w) > len(prefix) && prefixFold(w, prefix) && '0' <= w[len(prefix)] && w[len(prefix)] <= '9'
}

// kindleModel: Amazon's Fire tablets are "KF" and 2-6 upper-case letters
// ("KFTRWI", "KFGIWI").
func kindleModel(m string) bool {
	if len(m) < 4 || len(m) > 8 || !strings.HasPrefix(m, "KF") {
		return false
	}
	for i := 2; i < len(m); i++ {
		if m[i] < 'A' || m[i] > 'Z' {
			return false
		}
	}
	return true
}
