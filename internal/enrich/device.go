package enrich

import "strings"

// Device heuristics on top of the user-agent parser, for the cases where
// Plausible's device detector tells more than the parser does.

// bigScreenTokens mark TVs, TV sticks and game consoles.
var bigScreenTokens = []string{
	"SMART-TV", "SmartTV", "SMARTTV", "Web0S", "HbbTV", "CrKey", "AndroidTV", "Android TV", "GoogleTV",
	"BRAVIA", "Roku", "AppleTV", "PlayStation", "Nintendo", "Xbox", "; AFT",
}

func bigScreen(ua string) bool {
	for _, t := range bigScreenTokens {
		if strings.Contains(ua, t) {
			return true
		}
	}
	return false
}

// tabletModel reports whether an Android user agent names a tablet model
// though it says "Mobile", as some older tablets do ("Surfing TAB B 9.7 3G",
// Samsung "SM-T…" and "SM-X…", Lenovo "TB-…", Amazon "KF…", Huawei
// "MediaPad"/"MatePad"). It reads the device part of the first parenthesis.
func tabletModel(ua string) bool {
	open := strings.IndexByte(ua, '(')
	if open < 0 {
		return false
	}
	dev := ua[open+1:]
	if end := strings.IndexByte(dev, ')'); end >= 0 {
		dev = dev[:end]
	}
	for part := range strings.SplitSeq(dev, ";") {
		part = strings.TrimSpace(part)
		model, _, _ := strings.Cut(part, " Build/")
		if tabletWord(model) {
			return true
		}
	}
	return false
}

func tabletWord(model string) bool {
	lower := strings.ToLower(model)
	if strings.Contains(lower, "tablet") || strings.Contains(lower, "mediapad") || strings.Contains(lower, "matepad") {
		return true
	}
	for _, w := range strings.Fields(model) {
		lw := strings.ToLower(w)
		switch {
		case kindleModel(w),
			strings.HasPrefix(lw, "tb-"), strings.HasPrefix(lw, "tb3-"), // Lenovo Tab
			digitAfter(lw, "sm-t"), digitAfter(lw, "sm-x"), digitAfter(lw, "sm-p"), digitAfter(lw, "gt-p"), // Samsung Galaxy Tab
			lw == "tab", digitAfter(lw, "tab"): // "Surfing TAB B 9.7 3G", "Tab10"
			return true
		}
	}
	return false
}

// digitAfter reports whether w is prefix followed by a digit.
func digitAfter(w, prefix string) bool {
	rest, ok := strings.CutPrefix(w, prefix)
	return ok && rest != "" && '0' <= rest[0] && rest[0] <= '9'
}

// kindleModel: Amazon's Fire tablets are "KF" and 2-4 upper-case letters
// ("KFTRWI", "KFGIWI").
func kindleModel(m string) bool {
	if len(m) < 4 || len(m) > 8 || !strings.HasPrefix(m, "KF") {
		return false
	}
	for _, r := range m[2:] {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}
