package webtest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axePath is where .ci/run installs axe-core (.ci/axe/package.json pins
// the version), from the repository's root.
const axePath = ".ci/axe/node_modules/axe-core/axe.min.js"

// AxeScript returns axe-core's source, from LIVEOPS_AXE or where .ci/run
// installs it. Without it the test is skipped, except on CI, where a
// missing axe is a failure: run `npm ci --prefix .ci/axe` to have it.
func AxeScript(t testing.TB) string {
	t.Helper()
	path := os.Getenv("LIVEOPS_AXE")
	if path == "" {
		dir, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				path = filepath.Join(dir, axePath)
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	src, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core is not at %s: .ci/run installs it (npm ci --prefix .ci/axe)", path)
		}
		t.Skipf("axe-core is not at %s (npm ci --prefix .ci/axe): accessibility check skipped", path)
	}
	return string(src)
}

// AxeViolation is one rule axe-core found broken on a page, with where.
type AxeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"` // the first few elements, as CSS selectors
	HTML   []string `json:"html"`
}

func (v AxeViolation) String() string {
	return fmt.Sprintf("%s (%s): %s at %s %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "), strings.Join(v.HTML, " "))
}

// axeTags are the rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA.
const axeTags = `["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]`

// Axe runs axe-core (script, from AxeScript) on the page the browser
// shows, against WCAG 2.2 A and AA, and returns what it finds broken.
func Axe(t testing.TB, ctx context.Context, script string) []AxeViolation {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, chromedp.Evaluate[chromedp.Void](script)); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	out, err := chromedp.Run(sctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: `+axeTags+`}, resultTypes: ["violations"]})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
			nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
			html: v.nodes.slice(0, 3).map(n => n.html.slice(0, 160))}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	var vs []AxeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("axe-core's answer: %v", err)
	}
	return vs
}

// Overflow reports what makes the page wider than the viewport (WCAG
// 1.4.10, reflow): "" when nothing does, otherwise the page's width and the
// widest elements that stick out, as CSS-like paths.
func Overflow(t testing.TB, ctx context.Context) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	out, err := chromedp.Run(sctx, chromedp.Evaluate[string](`(() => {
		const vw = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth <= vw) return "";
		const path = el => {
			const parts = [];
			for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
				parts.unshift(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
					(e.classList.length ? "." + [...e.classList].join(".") : ""));
			}
			return parts.join(" > ");
		};
		// Whether a scrolling or clipping box holds el in: an absolutely
		// positioned box escapes every box up to its containing block.
		const held = el => {
			let pos = getComputedStyle(el).position;
			for (let p = el.parentElement; p && p !== document.documentElement; p = p.parentElement) {
				const s = getComputedStyle(p);
				if (pos === "fixed") return false;
				if (pos === "absolute" && s.position === "static") continue;
				if (s.overflowX !== "visible") return true;
				pos = s.position;
			}
			return false;
		};
		const wide = [];
		for (const el of document.body.querySelectorAll("*")) {
			const r = el.getBoundingClientRect();
			if (r.right <= vw + 1 || r.width === 0 || held(el) || wide.some(w => w.contains(el))) continue;
			wide.push(el);
			if (wide.length >= 4) break;
		}
		return "page " + document.documentElement.scrollWidth + " px wide in " + vw + ": " +
			wide.map(el => path(el) + " (" + Math.round(el.getBoundingClientRect().right) + " px)").join("; ");
	})()`))
	if err != nil {
		t.Fatalf("measure the page's width: %v", err)
	}
	return out
}
