package tracker

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"strings"
	"testing"
)

const budget = 1024 // bytes, gzipped: the promise for the tracker

func TestScriptSize(t *testing.T) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(scriptJS)
	zw.Close()
	gz := buf.Bytes()
	t.Logf("script.js: %d bytes, %d gzipped (budget %d)", len(scriptJS), len(gz), budget)
	if len(gz) > budget {
		t.Fatalf("script.js is %d bytes gzipped, over the %d-byte budget", len(gz), budget)
	}
	if !bytes.Equal(std.Gzipped(), gz) {
		t.Fatal("the served gzip body is not script.js compressed at BestCompression")
	}
	zr, err := gzip.NewReader(bytes.NewReader(std.Gzipped()))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(zr); err != nil || !bytes.Equal(b, scriptJS) {
		t.Fatalf("the served gzip body does not decompress to script.js (%v)", err)
	}
}

// TestScriptText checks that script.js is the hand-minified file meant to be
// served: one line, no comments, nothing that stores or reads data in the
// browser, and every name the events API and the docs rely on, also in the
// readable source. The browser test checks what it does.
func TestScriptText(t *testing.T) {
	src, err := os.ReadFile("script.src.js")
	if err != nil {
		t.Fatal(err)
	}
	min := strings.TrimSuffix(string(scriptJS), "\n")
	if strings.Contains(min, "\n") {
		t.Error("script.js is more than one line: is it the readable source?")
	}
	if strings.Contains(min, "//") || strings.Contains(min, "/*") {
		t.Error("script.js holds a comment")
	}
	for _, banned := range []string{"localStorage", "sessionStorage", "cookie", "indexedDB", "webdriver", "console.", "debugger", "eval("} {
		if strings.Contains(min, banned) {
			t.Errorf("script.js uses %q", banned)
		}
	}
	for _, want := range []string{
		`"pageview"`, `"engagement"`, `"Outbound Link: Click"`, `"File Download"`, `"/api/event"`,
		"currentScript", "sendBeacon", "keepalive", "liveopsIgnore", `"hash"in`, `"local"in`,
		"pushState", "replaceState", "popstate", "hashchange", `"auxclick"`, "visibilitychange",
		"prerenderingchange", "w.liveops=", "referrer||null",
	} {
		if !strings.Contains(min, want) {
			t.Errorf("script.js lacks %s", want)
		}
		if !strings.Contains(strings.ReplaceAll(string(src), " ", ""), strings.ReplaceAll(want, " ", "")) {
			t.Errorf("script.src.js lacks %s: keep the two in step", want)
		}
	}
	if !strings.Contains(string(src), QueueSnippet) {
		t.Error("script.src.js does not document QueueSnippet as it is")
	}
}
