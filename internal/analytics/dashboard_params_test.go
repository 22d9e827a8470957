package analytics

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// TestViewRoundTrip: the filters and the chosen property survive the
// dashboard's links, and what the address may not say is dropped.
func TestViewRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query string
		want        view
	}{
		{"property filter and choice", "period=7d&prop=plan&f=event:props:plan|pro",
			view{Period: "7d", Prop: "plan", Compare: true, Filters: []viewFilter{{"event:props:plan", "pro"}}}},
		{"screen size and hostnames", "f=visit:screen|Mobile&f=visit:entry_page_hostname|a.example.gov&f=visit:exit_page_hostname|b.example.gov",
			view{Period: "30d", Compare: true, Filters: []viewFilter{{"visit:screen", "Mobile"}, {"visit:entry_page_hostname", "a.example.gov"},
				{"visit:exit_page_hostname", "b.example.gov"}}}},
		{"a value with the separator", "f=event:props:path|/a|b", view{Period: "30d", Compare: true, Filters: []viewFilter{{"event:props:path", "/a|b"}}}},
		{"unknown dimension and empty property dropped", "f=visit:nope|x&f=event:props:|x&prop=", view{Period: "30d", Compare: true}},
		{"property names the engine cannot query dropped", `prop=a"b&f=event:props:a\b|x`, view{Period: "30d", Compare: true}},
		{"overlong property name dropped", "prop=" + strings.Repeat("p", 301) + "&f=event:props:" + strings.Repeat("p", 301) + "|x", view{Period: "30d", Compare: true}},
		{"comparing is the default; compare=0 stops it", "compare=0", view{Period: "30d"}},
		{"compare=1 of old links still compares", "compare=1&period=day", view{Period: "day", Compare: true}},
		// One tab a box, the last one named; a box's first tab is the
		// default and not written; unknown panels are dropped.
		{"tabs", "tab=os&tab=nope&tab=browsers&tab=entry-pages&tab=sources&tab=channels&tab=props",
			view{Period: "30d", Compare: true, Tabs: []string{"entry-pages", "browsers", "props"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q, _ := url.ParseQuery(tt.query)
			got := parseView(q)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("parseView(%s) = %+v, want %+v", tt.query, got, tt.want)
			}
			again, _ := url.Parse(got.link("/d", nil))
			if back := parseView(again.Query()); !reflect.DeepEqual(back, got) {
				t.Fatalf("after its link %s: %+v", again, back)
			}
		})
	}
	v := view{Period: "30d", Compare: true}.withTab("cities").withTab("referrers")
	if got := v.link("/d", nil); got != "/d?tab=referrers&tab=cities" {
		t.Errorf("two tabs: %s", got)
	}
	if got := v.withTab("countries").withTab("sources").link("/d", nil); got != "/d?tab=sources" {
		t.Errorf("back to a box's first tab: %s", got)
	}
	if got, want := v.tab("locations"), "cities"; got != want {
		t.Errorf("tab(locations) = %s, want %s", got, want)
	}
	if got, want := v.tab("devices"), "devices"; got != want {
		t.Errorf("tab(devices) = %s, want %s", got, want)
	}
	if got := filterLabel("event:props:plan"); got != "Property plan" {
		t.Errorf("filterLabel = %q", got)
	}
}

// FuzzParseView: any address gives a view whose link gives it back.
func FuzzParseView(f *testing.F) {
	f.Add("period=7d&prop=plan&f=event:props:plan|pro&compare=1")
	f.Add("from=2026-01-01&to=2026-01-31&f=visit:screen|Mobile")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		v := parseView(q)
		if v.Period != "custom" {
			v.From, v.To = "", "" // read only for a custom period
		}
		u, err := url.Parse(v.link("/d", nil))
		if err != nil {
			t.Fatalf("link %q: %v", v.link("/d", nil), err)
		}
		if back := parseView(u.Query()); !reflect.DeepEqual(back, v) {
			t.Fatalf("%q: %+v, then %+v", raw, v, back)
		}
	})
}
