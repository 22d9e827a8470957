package statsquery

import (
	"reflect"
	"regexp"
	"testing"
	"time"
)

// TestParseEcho checks the normalised query of valid bodies through the
// echo, which shows every part of it.
func TestParseEcho(t *testing.T) {
	t.Parallel()
	const week = `"date_range":["2024-05-08T00:00:00Z","2024-05-14T23:59:59Z"]`
	const tail = `"include":{},"pagination":{"limit":10000,"offset":0}}`
	tests := []struct {
		name, body, want string
	}{
		{"minimal", body(),
			`{"site_id":"example.gov","metrics":["visitors"],` + week + `,"filters":[],"dimensions":[],"order_by":[["visitors","desc"]],` + tail},
		{"every plain metric", body(`"metrics": ["visitors", "visits", "pageviews", "events", "bounce_rate", "visit_duration"]`),
			`{"site_id":"example.gov","metrics":["visitors","visits","pageviews","events","bounce_rate","visit_duration"],` + week +
				`,"filters":[],"dimensions":[],"order_by":[["visitors","desc"]],` + tail},
		{"time over 7d is days", body(`"dimensions": ["time"]`),
			`{"site_id":"example.gov","metrics":["visitors"],` + week + `,"filters":[],"dimensions":["time:day"],"order_by":[["time:day","asc"],["visitors","desc"]],` + tail},
		{"time over a day is hours", body(`"date_range": "day"`, `"dimensions": ["time"]`),
			`{"site_id":"example.gov","metrics":["visitors"],"date_range":["2024-05-15T00:00:00Z","2024-05-15T23:59:59Z"],"filters":[],` +
				`"dimensions":["time:hour"],"order_by":[["time:hour","asc"],["visitors","desc"]],` + tail},
		{"time over 91d is weeks", body(`"date_range": "91d"`, `"dimensions": ["time"]`),
			`{"site_id":"example.gov","metrics":["visitors"],"date_range":["2024-02-14T00:00:00Z","2024-05-14T23:59:59Z"],"filters":[],` +
				`"dimensions":["time:week"],"order_by":[["time:week","asc"],["visitors","desc"]],` + tail},
		{"time over all is months", body(`"date_range": "all"`, `"dimensions": ["time"]`, `"order_by": [["time", "desc"]]`),
			`{"site_id":"example.gov","metrics":["visitors"],"date_range":["2023-03-10T00:00:00Z","2024-05-15T23:59:59Z"],"filters":[],` +
				`"dimensions":["time:month"],"order_by":[["time:month","desc"]],` + tail},
		{"custom property and order", body(`"metrics": ["visitors", "events"]`, `"dimensions": ["event:props:plan", "visit:country"]`,
			`"order_by": [["events", "asc"], ["event:props:plan", "desc"]]`),
			`{"site_id":"example.gov","metrics":["visitors","events"],` + week + `,"filters":[],"dimensions":["event:props:plan","visit:country"],` +
				`"order_by":[["events","asc"],["event:props:plan","desc"]],` + tail},
		{"explicit empty order", body(`"order_by": []`),
			`{"site_id":"example.gov","metrics":["visitors"],` + week + `,"filters":[],"dimensions":[],"order_by":[],` + tail},
		{"filter tree", body(`"filters": [["is", "visit:country", ["GB"], {"case_sensitive": true}],
			["or", [["and", [["contains", "event:page", ["/blog"], {"case_sensitive": false}], ["is_not", "visit:browser", ["Safari"]]]],
			["not", ["matches", "event:page", ["^/user/\\d+$"]]]]]]`),
			`{"site_id":"example.gov","metrics":["visitors"],` + week + `,"filters":[["is","visit:country",["GB"]],` +
				`["or",[["and",[["contains","event:page",["/blog"],{"case_sensitive":false}],["is_not","visit:browser",["Safari"]]]],` +
				`["not",["matches","event:page",["^/user/\\d+$"]]]]]],"dimensions":[],"order_by":[["visitors","desc"]],` + tail},
		{"include and pagination", body(`"dimensions": ["time:day"]`, `"include": {"imports": false, "time_labels": true, "total_rows": true}`,
			`"pagination": {"limit": 100, "offset": 200}`),
			`{"site_id":"example.gov","metrics":["visitors"],` + week + `,"filters":[],"dimensions":["time:day"],` +
				`"order_by":[["time:day","asc"],["visitors","desc"]],"include":{"time_labels":true,"total_rows":true},"pagination":{"limit":100,"offset":200}}`},
		{"conversion rate by goal", body(`"metrics": ["visitors", "conversion_rate"]`, `"dimensions": ["event:goal"]`,
			`"filters": [["contains", "event:goal", ["sign"], {"case_sensitive": false}], ["is", "event:props:plan", ["pro"]]]`),
			`{"site_id":"example.gov","metrics":["visitors","conversion_rate"],` + week + `,"filters":[["contains","event:goal",["sign"],{"case_sensitive":false}],` +
				`["is","event:props:plan",["pro"]]],"dimensions":["event:goal"],"order_by":[["visitors","desc"]],` + tail},
		{"has_done and has_not_done", body(`"filters": [["has_done", ["is", "event:name", ["Signup"]]], ["not", ["has_not_done", ["or", [["is", "event:page", ["/a"]], ["contains", "event:props:plan", ["pro"]]]]]]]`),
			`{"site_id":"example.gov","metrics":["visitors"],` + week + `,"filters":[["has_done",["is","event:name",["Signup"]]],` +
				`["not",["has_not_done",["or",[["is","event:page",["/a"]],["contains","event:props:plan",["pro"]]]]]]],"dimensions":[],"order_by":[["visitors","desc"]],` + tail},
		{"scroll depth of a page", body(`"metrics": ["scroll_depth"]`, `"filters": [["is", "event:page", ["/"]]]`),
			`{"site_id":"example.gov","metrics":["scroll_depth"],` + week + `,"filters":[["is","event:page",["/"]]],"dimensions":[],"order_by":[["scroll_depth","desc"]],` + tail},
		{"time on page, nested filter", body(`"metrics": ["time_on_page"]`, `"filters": [["or", [["is", "event:page", ["/a"]], ["is", "event:page", ["/b"]]]]]`),
			`{"site_id":"example.gov","metrics":["time_on_page"],` + week + `,"filters":[["or",[["is","event:page",["/a"]],["is","event:page",["/b"]]]]],` +
				`"dimensions":[],"order_by":[["time_on_page","desc"]],` + tail},
		{"bounce rate by page", body(`"metrics": ["bounce_rate", "visit_duration"]`, `"dimensions": ["event:page"]`),
			`{"site_id":"example.gov","metrics":["bounce_rate","visit_duration"],` + week + `,"filters":[],"dimensions":["event:page"],"order_by":[["bounce_rate","desc"]],` + tail},
		{"pageviews by page and entry page", body(`"metrics": ["pageviews"]`, `"dimensions": ["event:page", "visit:entry_page"]`),
			`{"site_id":"example.gov","metrics":["pageviews"],` + week + `,"filters":[],"dimensions":["event:page","visit:entry_page"],"order_by":[["pageviews","desc"]],` + tail},
		{"visitors by event name and entry page", body(`"metrics": ["visitors", "visits", "percentage"]`, `"dimensions": ["event:name", "visit:entry_page"]`),
			`{"site_id":"example.gov","metrics":["visitors","visits","percentage"],` + week + `,"filters":[],"dimensions":["event:name","visit:entry_page"],` +
				`"order_by":[["visitors","desc"]],` + tail},
		{"session metrics with event filters", body(`"metrics": ["bounce_rate", "views_per_visit"]`, `"filters": [["is", "event:name", ["Signup"]]]`),
			`{"site_id":"example.gov","metrics":["bounce_rate","views_per_visit"],` + week + `,"filters":[["is","event:name",["Signup"]]],"dimensions":[],` +
				`"order_by":[["bounce_rate","desc"]],` + tail},
		{"hostname and three-letter contains", body(`"filters": [["is", "event:hostname", ["www.example.gov"]], ["contains", "visit:country", ["GBR"]]]`),
			`{"site_id":"example.gov","metrics":["visitors"],` + week + `,"filters":[["is","event:hostname",["www.example.gov"]],["contains","visit:country",["GBR"]]],` +
				`"dimensions":[],"order_by":[["visitors","desc"]],` + tail},
		{"datetimes with offsets", body(`"date_range": ["2024-08-29T07:12:34-07:00", "2024-08-29T10:12:34.9-07:00"]`, `"dimensions": ["time"]`),
			`{"site_id":"example.gov","metrics":["visitors"],"date_range":["2024-08-29T14:12:34Z","2024-08-29T17:12:34Z"],"filters":[],` +
				`"dimensions":["time:hour"],"order_by":[["time:hour","asc"],["visitors","desc"]],` + tail},
		{"empty filters and dimensions", body(`"filters": []`, `"dimensions": []`, `"include": {}`, `"pagination": {}`),
			`{"site_id":"example.gov","metrics":["visitors"],` + week + `,"filters":[],"dimensions":[],"order_by":[["visitors","desc"]],` + tail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := mustParse(t, tt.body, time.UTC, testNow)
			if got := echoJSON(t, q); got != tt.want {
				t.Errorf("echo of %s:\n got %s\nwant %s", tt.body, got, tt.want)
			}
			// The echo is a query that parses to the same echo.
			if again := echoJSON(t, mustParse(t, echoJSON(t, q), time.UTC, testNow)); again != tt.want {
				t.Errorf("echo of the echo:\n got %s\nwant %s", again, tt.want)
			}
		})
	}
}

// TestParseTyped checks the typed query the executor reads.
func TestParseTyped(t *testing.T) {
	t.Parallel()
	q := mustParse(t, body(`"metrics": ["visitors", "pageviews"]`, `"dimensions": ["event:props:plan", "time"]`,
		`"filters": [["is", "event:props:plan", ["pro"], {"case_sensitive": false}], ["not", ["matches", "event:page", ["^/a", "b$"]]]]`,
		`"order_by": [["time", "desc"]]`, `"pagination": {"limit": 5, "offset": 10}`, `"include": {"total_rows": true}`), time.UTC, testNow)

	plan := Dimension{Kind: KindProp, PropName: "plan"}
	day := Dimension{Kind: KindTimeDay}
	want := &Query{
		SiteID:     "example.gov",
		Metrics:    []Metric{Visitors, Pageviews},
		Dimensions: []Dimension{plan, day},
		OrderBy:    []Order{{Dimension: day, Desc: true}},
		Limit:      5,
		Offset:     10,
		Include:    Include{TotalRows: true},
		DateRange: DateRange{
			Input: "7d", Location: time.UTC,
			From: time.Date(2024, 5, 8, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 5, 15, 0, 0, 0, 0, time.UTC),
			FirstDay: Date{2024, 5, 8}, LastDay: Date{2024, 5, 14},
		},
		Filters: &And{Filters: []Filter{
			&Leaf{Op: OpIs, Dimension: plan, Values: []string{"pro"}, path: "#/filters/0", modifiers: true},
			&Not{Filter: &Leaf{Op: OpMatches, Dimension: Dimension{Kind: KindPage}, Values: []string{"^/a", "b$"}, CaseSensitive: true,
				re: regexp.MustCompile(`(?:^/a)|(?:b$)`), path: "#/filters/1/1"}},
		}},
	}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("Parse:\n got %#v\nwant %#v", q, want)
	}
	if got := q.OrderBy[0].Key(); got != "time:day" {
		t.Errorf("OrderBy[0].Key() = %q", got)
	}
	if d, ok := q.TimeDimension(); !ok || d != day {
		t.Errorf("TimeDimension() = %v, %v", d, ok)
	}
}

func TestLeafMatch(t *testing.T) {
	t.Parallel()
	leaf := func(op, clauses string, modifiers string) *Leaf {
		t.Helper()
		f := `["` + op + `", "event:page", ` + clauses + modifiers + `]`
		return mustParse(t, body(`"filters": [`+f+`]`), time.UTC, testNow).Filters.(*And).Filters[0].(*Leaf)
	}
	const insensitive = `, {"case_sensitive": false}`
	tests := []struct {
		name  string
		leaf  *Leaf
		value string
		want  bool
	}{
		{"is, one of", leaf("is", `["/a", "/b"]`, ""), "/b", true},
		{"is, case matters", leaf("is", `["/A"]`, ""), "/a", false},
		{"is, case ignored", leaf("is", `["/A"]`, insensitive), "/a", true},
		{"is_not, listed", leaf("is_not", `["/a", "/b"]`, ""), "/a", false},
		{"is_not, other", leaf("is_not", `["/a"]`, ""), "/c", true},
		{"contains", leaf("contains", `["log"]`, ""), "/blog/post", true},
		{"contains, case matters", leaf("contains", `["LOG"]`, ""), "/blog", false},
		{"contains, case ignored", leaf("contains", `["LOG"]`, insensitive), "/BloG", true},
		{"contains_not", leaf("contains_not", `["docs", "pricing"]`, ""), "/pricing/a", false},
		{"contains_not, other", leaf("contains_not", `["docs"]`, ""), "/blog", true},
		{"matches, unanchored", leaf("matches", `["user/\\d+"]`, ""), "/en/user/42/x", true},
		{"matches, second clause", leaf("matches", `["^/a$", "^/b"]`, ""), "/b/c", true},
		{"matches, neither", leaf("matches", `["^/a$", "^/b"]`, ""), "/a/c", false},
		{"matches_not", leaf("matches_not", `["^/user/\\d+$"]`, ""), "/user/7", false},
		{"matches, flags in the pattern", leaf("matches", `["(?i)^/ABOUT"]`, ""), "/about", true},
	}
	for _, tt := range tests {
		if got := tt.leaf.Match(tt.value); got != tt.want {
			t.Errorf("%s: Match(%q) = %v, want %v", tt.name, tt.value, got, tt.want)
		}
	}
}
