package feedback

import "testing"

// TestCleanTagRefusesPersonalData: tags are never scrubbed, so a tag that
// is a phone number, a card or a postcode is refused.
func TestCleanTagRefusesPersonalData(t *testing.T) {
	for _, tag := range []string{"07700 900123", "4111-1111-1111-1111", "ab 12 34 56 c", "sw1a 1aa", "123-45-6789"} {
		if _, msg := cleanTag(tag); msg == "" {
			t.Errorf("cleanTag(%q) took it", tag)
		}
	}
	for _, tag := range []string{"payment", "sprint 12", "vehicle-lookup"} {
		if _, msg := cleanTag(tag); msg != "" {
			t.Errorf("cleanTag(%q) refused it: %s", tag, msg)
		}
	}
}
