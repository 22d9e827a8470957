package analytics

import "testing"

func TestCountryNamesAndFormats(t *testing.T) {
	for code, want := range map[string]string{"GB": "United Kingdom", "IE": "Ireland", "US": "United States", "ZZ": "ZZ", "": "", "gb": "gb", "(not set)": "(not set)"} {
		if got := countryName(code); got != want {
			t.Errorf("countryName(%q) = %q, want %q", code, got, want)
		}
	}
	if got := countryFlag("GB"); got != "\U0001F1EC\U0001F1E7" {
		t.Errorf("countryFlag(GB) = %q", got)
	}
	for _, bad := range []string{"", "gb", "GBR", "G1"} {
		if got := countryFlag(bad); got != "" {
			t.Errorf("countryFlag(%q) = %q", bad, got)
		}
	}
	// One number format: thousands grouped, percentages to one decimal.
	for _, c := range []struct {
		metric string
		v      any
		want   string
	}{{"conversion_rate", 34.3421, "34.3%"}, {"bounce_rate", int64(40), "40%"}, {"percentage", 33.33, "33.3%"}, {"visitors", int64(1234567), "1,234,567"},
		{"time_on_page", 119.6, "2m 00s"}, {"time_on_page", 25.0, "25s"}, {"scroll_depth", int64(53), "53%"}, {"visit_duration", int64(196), "3m 16s"}} {
		if got := formatMetric(c.metric, c.v); got != c.want {
			t.Errorf("formatMetric(%s, %v) = %q, want %q", c.metric, c.v, got, c.want)
		}
	}
}
