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
			want: Incoming{Name: "pageview", Domains: []string{"apply.example.gov"}, Referrer: "https://www.google.com/", Interactive: true, ScrollDepth: -1, EngagedMS: -1},
			url:  "https://apply.example.gov/start?x=1", page: "/start",
		},
		{
			name: "short keys with props as a JSON string",
			body: `{"n":"Signup","u":"https://a.gov/form","d":"A.gov, b.gov","r":null,"p":"{\"plan\":\"pro\",\"seats\":3,\"trial\":true,\"gone\":null,\"empty\":\"\"}"}`,
			want: Incoming{Name: "Signup", Domains: []string{"a.gov", "b.gov"}, Props: map[string]string{"plan": "pro", "seats": "3", "trial": "true"}, Interactive: true, ScrollDepth: -1, EngagedMS: -1},
			url:  "https://a.gov/form", page: "/form",
		},
		{
			name: "hash routing keeps the fragment",
			body: `{"n":"pageview","u":"https://a.gov/app#/step/2","d":"a.gov","h":1}`,
			want: Incoming{Name: "pageview", Domains: []string{"a.gov"}, HashMode: true, Interactive: true, ScrollDepth: -1, EngagedMS: -1},
			url:  "https://a.gov/app#/step/2", page: "/app#/step/2",
		},
		{
			name: "revenue and non-interactive",
			body: `{"n":"Paid","u":"https://a.gov/","d":"a.gov","$":{"amount":"12.50","currency":"gbp"},"i":false}`,
			want: Incoming{Name: "Paid", Domains: []string{"a.gov"}, Revenue: &Revenue{Amount: "12.50", Currency: "GBP"}, ScrollDepth: -1, EngagedMS: -1},
			url:  "https://a.gov/", page: "/",
		},
		{
			name: "engagement",
			body: `{"n":"engagement","u":"https://a.gov/x","d":"a.gov","sd":75,"e":12000}`,
			want: Incoming{Name: "engagement", Domains: []string{"a.gov"}, ScrollDepth: 75, EngagedMS: 12000},
			url:  "https://a.gov/x", page: "/x",
		},
		{
			name: "app URL without a path",
			body: `{"name":"pageview","url":"https://a.gov","domain":"a.gov","w":1280}`,
			want: Incoming{Name: "pageview", Domains: []string{"a.gov"}, Interactive: true, ScrollDepth: -1, EngagedMS: -1},
			url:  "https://a.gov", page: "/",
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
	tests := []struct{ name, body, field, msg string }{
		{"not JSON", `hello`, "", "JSON object"},
		{"array", `[1]`, "", "JSON object"},
		{"no name", `{"u":"https://a.gov/","d":"a.gov"}`, "name", "name is required"},
		{"blank name", `{"n":"  ","u":"https://a.gov/","d":"a.gov"}`, "name", "name is required"},
		{"long name", `{"n":"` + strings.Repeat("n", 121) + `","u":"https://a.gov/","d":"a.gov"}`, "name", "at most 120"},
		{"name not a string", `{"name":5,"u":"https://a.gov/","d":"a.gov"}`, "name", "must be a string"},
		{"no url", `{"n":"pageview","d":"a.gov"}`, "url", "url is required"},
		{"relative url", `{"n":"pageview","u":"/page","d":"a.gov"}`, "url", "absolute URL"},
		{"long url", `{"n":"pageview","u":"https://a.gov/` + long + `","d":"a.gov"}`, "url", "at most 2000"},
		{"no domain", `{"n":"pageview","u":"https://a.gov/"}`, "domain", "domain is required"},
		{"empty domains", `{"n":"pageview","u":"https://a.gov/","d":" , "}`, "domain", "must name a site"},
		{"props array", `{"n":"x","u":"https://a.gov/","d":"a.gov","p":[1]}`, "props", "must be an object"},
		{"nested prop", `{"n":"x","u":"https://a.gov/","d":"a.gov","p":{"a":{"b":1}}}`, "props.a", "string, number or boolean"},
		{"too many props", `{"n":"x","u":"https://a.gov/","d":"a.gov","p":{` + manyProps(31) + `}}`, "props", "at most 30"},
		{"bad revenue", `{"n":"x","u":"https://a.gov/","d":"a.gov","revenue":{"amount":"lots","currency":"GBP"}}`, "revenue.amount", "must be a number"},
		{"bad currency", `{"n":"x","u":"https://a.gov/","d":"a.gov","revenue":{"amount":1,"currency":"pounds"}}`, "revenue.currency", "ISO 4217"},
		{"bad interactive", `{"n":"x","u":"https://a.gov/","d":"a.gov","i":"yes"}`, "interactive", "true or false"},
		{"scroll depth over 100", `{"n":"engagement","u":"https://a.gov/","d":"a.gov","sd":101,"e":1}`, "sd", "0 to 100"},
		{"NUL escape", `{"n":"x\u0000","u":"https://a.gov/","d":"a.gov"}`, "", "NUL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeEvent([]byte(tc.body))
			var e *fault.Error
			if !errors.As(err, &e) || e.Kind != fault.Invalid || e.Field != tc.field || !strings.Contains(e.Message, tc.msg) {
				t.Fatalf("error %#v, want Invalid on %q containing %q", err, tc.field, tc.msg)
			}
		})
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
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := DecodeEvent(body)
		if err != nil {
			var e *fault.Error
			if !errors.As(err, &e) || e.Kind != fault.Invalid || e.Message == "" {
				t.Fatalf("error %v is not an Invalid fault", err)
			}
			return
		}
		if ev.Name == "" || ev.URL == nil || len(ev.Domains) == 0 || len(ev.Props) > maxProps {
			t.Fatalf("accepted an incomplete event: %+v", ev)
		}
		if !web.ValidText(ev.Name) || !web.ValidText(ev.Page()) || !web.ValidText(PropsJSON(ev.Props)) {
			t.Fatalf("accepted text that cannot be stored: %+v", ev)
		}
	})
}
