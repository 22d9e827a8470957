package widget

import (
	"strings"
	"testing"
)

// TestScriptText: the script reads and writes no browser storage, talks to
// the endpoint beside the forms' own, and stays small. The browser test in
// internal/app checks what it does.
func TestScriptText(t *testing.T) {
	s := string(feedbackJS)
	for _, banned := range []string{"document.cookie", "localStorage", "sessionStorage", "indexedDB"} {
		if strings.Contains(s, banned) {
			t.Errorf("feedback.js uses %s", banned)
		}
	}
	for _, want := range []string{"form[data-liveops-feedback]", `"/api/feedback"`, `credentials: "omit"`, "form.submit()", `"status"`} {
		if !strings.Contains(s, want) {
			t.Errorf("feedback.js lacks %s", want)
		}
	}
	if n := len(Script().Gzipped()); n > 2048 {
		t.Errorf("feedback.js is %d bytes gzipped: keep it under 2 KB", n)
	}
	if Script().Path() != "/js/feedback.js" {
		t.Errorf("served at %s", Script().Path())
	}
}
