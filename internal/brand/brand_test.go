package brand

import (
	"math"
	"testing"
)

// TestContrast: WCAG 2's contrast ratios: the ends of the scale, the
// well-known lightest grey that passes AA on white (#767676, 4.54:1), and
// two worked out by hand from WCAG's formula.
func TestContrast(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#767676", "#ffffff", 4.54}, // the lightest grey passing AA on white
		{"#777777", "#ffffff", 4.48},
		{"#0b3d91", "#ffffff", 10.05}, // liveops' blue
		{"#ffdd00", "#ffffff", 1.35},  // the focus yellow
	} {
		got, err := Contrast(c.a, c.b)
		if err != nil || math.Abs(got-c.want) > 0.015 {
			t.Errorf("Contrast(%s, %s) = %.2f, %v; want %.2f", c.a, c.b, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "0b3d91", "#0b3d9", "#0b3d9g", "#0b3d91ff", "red"} {
		if _, err := Contrast(bad, "#ffffff"); err == nil {
			t.Errorf("Contrast(%q) gave no error", bad)
		}
	}
	if got := normColour(" #ABC "); got != "#aabbcc" {
		t.Errorf("normColour = %q", got)
	}
}

func TestIsSVG(t *testing.T) {
	for s, want := range map[string]bool{
		`<svg xmlns="http://www.w3.org/2000/svg"></svg>`:              true,
		"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<svg></svg>":            true,
		`<?xml version="1.0"?><html><script>alert(1)</script></html>`: false,
		`<html><body><svg></svg></body></html>`:                       false,
		"GIF89a":                                                      false,
	} {
		if got := isSVG([]byte(s)); got != want {
			t.Errorf("isSVG(%q) = %v", s, got)
		}
	}
}
