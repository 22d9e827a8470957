package tracker

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"testing"
)

func TestVersionedPath(t *testing.T) {
	sum := sha256.Sum256(scriptJS)
	want := "/js/script." + hex.EncodeToString(sum[:])[:8] + ".js"
	if got := VersionedPath(); got != want {
		t.Fatalf("VersionedPath() = %q, want %q", got, want)
	}
	if !regexp.MustCompile(`^/js/script\.[0-9a-f]{8}\.js$`).MatchString(VersionedPath()) {
		t.Fatalf("VersionedPath() = %q, not /js/script.<8 hex>.js", VersionedPath())
	}
}
