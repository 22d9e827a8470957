package analytics

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/web"
)

func TestDecodeEvent(t *testing.T) {
	tests := []struct {
		name, body string
		want       Incoming // URL compared as a string below
		url, page  string
	}{
		{
			name: "documented long keys",
			body: `{"name":"pageview","url":"https://apply.example.gov/start?x=1","domain":"apply.example.gov","referrer":"https://www.google.com/"}`,
			want: Incoming{Name: "pageview", Hostname: "apply.example.gov", Domains: []string{"apply.example.gov"}, Referrer: "https://www.google.com/", Interactive: true, ScrollDepth: -1, EngagedMS: -1},
			url:  "https://apply.example.gov/start?x=1", page: "/start",
		},
		{
			name: "short keys with props as a JSON string",
			body: `{"n":"Signup","u":"https://a.gov/form","d":"A.gov, b.gov","r":null,"p":"{\"plan\":\"pro\",\"seats\":3,\"trial\":true,\"gone\":null,\"empty\":\"\"}"}`,
			want: Incoming{Name: "Signup", Hostname: "a.gov", Domains: []string{"a.gov", "b.gov"}, Props: map[string]string{"plan": "pro", "seats": "3", "trial": "true"}, Interactive: true, ScrollDepth: -1, EngagedMS: -1},
			url:  "https://a.gov/form", page: "/form",
		},
		{
			name: "hash routing keeps the fragment",
			body: `{"n":"pageview","u":"https://a.gov/app#/step/2","d":"a.gov","h":1}`,
			want: Incoming{Name: "pageview", Hostname: "a.gov", Domains: []string{"a.gov"}, HashMode: true, Interactive: true, ScrollDepth: -1, EngagedMS: -1},
			url:  "https://a.gov/app#/step/2", page: "/app#/step/2",
		},
		{
			name: "revenue and non-interactive",
			body: `{"n":"Paid","u":"https://a.gov/","d":"a.gov","$":{"amount":"12.50","currency":"gbp"},"i":false}`,
			want: Incoming{Name: "Paid", Hostname: "a.gov", Domains: []string{"a.gov"}, Revenue: &Revenue{Amount: "12.50", Currency: "GBP"}, ScrollDepth: -1, EngagedMS: -1},
			url:  "https://a.gov/", page: "/",
		},
		{
			name: "engagement",
			body: `{"n":"engagement","u":"https://a.gov/x","d":"a.gov","sd":75,"e":12000}`,
			want: Incoming{Name: "engagement", Hostname: "a.gov", Domains: []string{"a.gov"}, ScrollDepth: 75, EngagedMS: 12000},
			url:  "https://a.gov/x", page: "/x",
		},
		{
			name: "app URL without a path",
			body: `{"name":"pageview","url":"https://a.gov","domain":"a.gov","w":1280}`,
			want: Incoming{Name: "pageview", Hostname: "a.gov", Domains: []string{"a.gov"}, Interactive: true, ScrollDepth: -1, EngagedMS: -1},
			url:  "https://a.gov", page: "/",
		},
		{
			name: "www. stripped from host and domain, trailing spaces from the path",
			body: `{"n":"pageview","u":"https://www.A.gov/path ","d":" www.a.gov "}`,
			want: Incoming{Name: "pageview", Hostname: "a.gov", Domains: []string{"a.gov"}, Interactive: true, ScrollDepth: -1, EngagedMS: -1},
			url:  "https://www.A.gov/path%20", page: "/path",
		},
		{
			name: "no domain: the URL's host",
			body: `{"n":404,"u":"https://www.a.gov/x"}`,
			want: Incoming{Name: "404", Hostname: "a.gov", Domains: []string{"a.gov"}, Interactive: true, ScrollDepth: -1, EngagedMS: -1},
			url:  "https://www.a.gov/x", page: "/x",
		},
		{
			name: "a file: page has no hostname",
			body: `{"n":"pageview","u":"file:///android_asset/www/index.html","d":"a.gov","h":"1","hashMode":0}`,
			want: Incoming{Name: "pageview", Hostname: NoHostname, Domains: []string{"a.gov"}, HashMode: true, Interactive: true, ScrollDepth: -1, EngagedMS: -1},
			url:  "file:///android_asset/www/index.html", page: "/android_asset/www/index.html",
		},
		{
			name: "what cannot be used is left out",
			body: `{"n":"Signup","u":"https://a.gov/","d":"a.gov,,b.gov","r":5,"h":" ","p":{"list":[1],"map":{"a":1},"nil":null,"blank":"  ","  ":"v","f":false,"n":1.50},"revenue":{"amount":"1831d","currency":"ADSIE"},"i":"yes"}`,
			want: Incoming{Name: "Signup", Hostname: "a.gov", Domains: []string{"a.gov", "", "b.gov"}, Props: map[string]string{"f": "false", "n": "1.50"}, Interactive: true, ScrollDepth: -1, EngagedMS: -1},
			url:  "https://a.gov/", page: "/",
		},
		{
			name: "props that are not an object, revenue as a JSON string",
			body: `{"n":"Paid","u":"https://a.gov/","d":"a.gov","p":"\"show-more:button\"","$":"{\"amount\":\"1831d\",\"currency\":\"EUR\"}"}`,
			want: Incoming{Name: "Paid", Hostname: "a.gov", Domains: []string{"a.gov"}, Revenue: &Revenue{Amount: "1831", Currency: "EUR"}, Interactive: true, ScrollDepth: -1, EngagedMS: -1},
			url:  "https://a.gov/", page: "/",
		},
		{
			name: "engagement with out-of-range values",
			body: `{"n":"engagement","u":"https://a.gov/x","d":"a.gov","sd":101,"e":-5}`,
			want: Incoming{Name: "engagement", Hostname: "a.gov", Domains: []string{"a.gov"}, ScrollDepth: 100, EngagedMS: -1},
			url:  "https://a.gov/x", page: "/x",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeEvent([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if got.URL.String() != tc.url || got.Page() != tc.page {
				t.Fatalf("url %q page %q, want %q %q", got.URL, got.Page(), tc.url, tc.page)
			}
			got.URL = nil
			if !reflect.DeepEqual(*got, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", *got, tc.want)
			}
		})
	}
}

func TestDecodeEventErrors(t *testing.T) {
	long := strings.Repeat("x", 2001)
	tests := []struct {
		name, body string
		want       map[string]string // field → message
	}{
		{"not JSON", `hello`, map[string]string{"request": "Unable to parse request body as json"}},
		{"empty", ``, map[string]string{"request": "Unable to parse request body as json"}},
		{"array", `[1]`, map[string]string{"request": "Unable to parse request body as json"}},
		{"null", `null`, map[string]string{"request": "Unable to parse request body as json"}},
		{"invalid UTF-8", "{\"n\":\"\xff\",\"u\":\"https://a.gov/\"}", map[string]string{"request": "Unable to parse request body as json"}},
		{"no name", `{"u":"https://a.gov/","d":"a.gov"}`, map[string]string{"event_name": "can't be blank"}},
		{"blank name", `{"n":"  ","u":"https://a.gov/","d":"a.gov"}`, map[string]string{"event_name": "can't be blank"}},
		{"long name", `{"n":"` + strings.Repeat("n", 121) + `","u":"https://a.gov/","d":"a.gov"}`, map[string]string{"event_name": "should be at most 120 character(s)"}},
		{"name not a string", `{"name":5.5,"u":"https://a.gov/","d":"a.gov"}`, map[string]string{"event_name": "is invalid"}},
		{"no url", `{"n":"pageview","d":"a.gov"}`, map[string]string{"url": "is required"}},
		{"url not a string", `{"n":"pageview","u":5,"d":"a.gov"}`, map[string]string{"url": "must be a valid url"}},
		{"long url", `{"n":"pageview","u":"https://a.gov/` + long + `","d":"a.gov"}`, map[string]string{"url": "must be a valid url"}},
		{"bad escape in url", `{"n":"pageview","u":"https://a.gov/%zz","d":"a.gov"}`, map[string]string{"url": "must be a valid url"}},
		{"data url", `{"n":"pageview","u":"data:text/html,hi","d":"a.gov"}`, map[string]string{"url": "scheme is not allowed"}},
		{"no url, no domain", `{"n":"pageview"}`, map[string]string{"url": "is required", "domain": "can't be blank"}},
		{"blank domain", `{"n":"pageview","u":"https://a.gov/","d":"  "}`, map[string]string{"domain": "can't be blank"}},
		{"no domain, no host", `{"n":"pageview","u":"about:config","d":null}`, map[string]string{"domain": "can't be blank"}},
		{"hash mode not an integer", `{"n":"pageview","u":"https://a.gov/","d":"a.gov","h":true}`, map[string]string{"hash_mode": "is invalid"}},
		{"long prop value", `{"n":"x","u":"https://a.gov/","d":"a.gov","p":{"a":"` + long + `"}}`, map[string]string{"props": "keys should have at most 300 bytes and values 2000 bytes"}},
		{"engagement without sd or e", `{"n":"engagement","u":"https://a.gov/","d":"a.gov","sd":"deep","e":1.5}`, map[string]string{"event_name": engagementError}},
		{"NUL escape", `{"n":"x\u0000","u":"https://a.gov/","d":"a.gov"}`, map[string]string{"request": "NUL"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := DecodeEvent([]byte(tc.body))
			got := map[string]string{}
			for _, e := range leafErrors(err) {
				var f *fault.Error
				if !errors.As(e, &f) || f.Kind != fault.Invalid {
					t.Fatalf("error %#v is not an Invalid fault", e)
				}
				got[f.Field] = f.Message
			}
			if ev != nil || len(got) != len(tc.want) {
				t.Fatalf("got %v %v, want %v", ev, got, tc.want)
			}
			for field, msg := range tc.want {
				if !strings.Contains(got[field], msg) {
					t.Fatalf("errors %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// TestDecodePropsLimit: of more than 30 properties, 30 are kept, as
// Plausible keeps them, rather than the event refused.
func TestDecodePropsLimit(t *testing.T) {
	ev, err := DecodeEvent([]byte(`{"n":"x","u":"https://a.gov/","d":"a.gov","p":{` + manyProps(31) + `}}`))
	if err != nil || len(ev.Props) != maxProps {
		t.Fatalf("%v: %d props, want %d", err, len(ev.Props), maxProps)
	}
}

func manyProps(n int) string {
	var parts []string
	for i := range n {
		parts = append(parts, `"k`+string(rune('a'+i%26))+strings.Repeat("x", i/26)+`":"v"`)
	}
	return strings.Join(parts, ",")
}

func TestPropsJSON(t *testing.T) {
	if got := PropsJSON(map[string]string{"b": "2", "a": `say "hi"`}); got != `{"a":"say \"hi\"","b":"2"}` {
		t.Fatalf("PropsJSON = %s", got)
	}
	if PropsJSON(nil) != "" {
		t.Fatal("empty props are not empty")
	}
}

func FuzzDecodeEvent(f *testing.F) {
	for _, s := range []string{
		`{"n":"pageview","u":"https://a.gov/x","d":"a.gov"}`,
		`{"name":"Signup","url":"https://a.gov/","domain":"a.gov,b.gov","props":{"a":1},"revenue":{"amount":"1.5","currency":"EUR"}}`,
		`{"n":"engagement","u":"https://a.gov/","d":"a.gov","sd":50,"e":100,"h":true}`,
		`{"n":"x","u":"https://a.gov/","d":"a.gov","p":"{\"a\":\"b\"}"}`,
		`{"d":"a.gov,,www.b.gov","u":"file:///x","n":404,"p":{"l":[1],"m":{},"z":null,"b":" "},"$":"{\"amount\":\"12d\",\"currency\":\"gbp\"}"}`,
		`{"n":"engagement","u":"/rel","sd":"101","e":"-1","h":"1","i":"no","r":7}`,
		`{"n":false,"name":"x","u":"about:blank","domain":" , "}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := DecodeEvent(body)
		if err != nil {
			for _, err := range leafErrors(err) {
				var e *fault.Error
				if !errors.As(err, &e) || e.Kind != fault.Invalid || e.Message == "" || e.Field == "" {
					t.Fatalf("error %v is not an Invalid fault naming a field", err)
				}
			}
			return
		}
		if ev.Name == "" || ev.URL == nil || ev.Hostname == "" || len(ev.Domains) == 0 || len(ev.Props) > maxProps {
			t.Fatalf("accepted an incomplete event: %+v", ev)
		}
		if !web.ValidText(ev.Name) || !web.ValidText(ev.Page()) || !web.ValidText(ev.Hostname) || !web.ValidText(PropsJSON(ev.Props)) {
			t.Fatalf("accepted text that cannot be stored: %+v", ev)
		}
	})
}
