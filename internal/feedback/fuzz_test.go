package feedback_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
)

// publicMux serves the area's routes in-process, with no authentication
// (the public endpoints need none), for fuzzing and benchmarks.
func publicMux(t testing.TB, fb *feedback.Feedback, cat *catalog.Catalog, opt feedback.Options) http.Handler {
	t.Helper()
	site, err := web.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	h, err := feedback.NewHandler(fb, cat, site, opt)
	if err != nil {
		t.Fatal(err)
	}
	pass := func(next http.Handler) http.Handler { return next }
	mux := http.NewServeMux()
	h.Routes(&web.Router{Mux: mux, Site: site, Session: pass, RequireSignIn: pass, Bearer: pass})
	return site.Mux(mux)
}

// FuzzPublicSubmission sends anything to both public endpoints: the answer
// is never a 5xx and never a panic, and a 201 or 303 stored something
// valid or was the honeypot.
func FuzzPublicSubmission(f *testing.F) {
	for _, s := range []string{
		`{"domain": "apply.example.gov", "kind": "comment", "comment": "hello"}`,
		`{"domain": "apply.example.gov", "kind": "satisfaction", "rating": 4.0}`,
		`{"domain": "apply.example.gov", "kind": "useful", "useful": false, "url": "https://apply.example.gov/a?b=c"}`,
		`{"domain": "apply.example.gov", "kind": "satisfaction", "rating": 1e999}`,
		`{"domain": "apply.example.gov", "kind": "problem", "doing": "\u0000"}`,
		`{"domain": "apply.example.gov:99999", "kind": "comment", "comment": "x", "website": "y"}`,
		`{"rating": [1], "useful": {"a": 1}}`,
		`[]`, `null`, `{"domain": `, "\xff\xfe",
		`domain=apply.example.gov&kind=problem&doing=x&url=%2F%2Fevil`,
		`domain=apply.example.gov&kind=comment&comment=%00`,
		`domain=%5B%3A%3A1%5D&kind=useful&useful=yes`,
		`kind=satisfaction&rating=-0&domain=APPLY.EXAMPLE.GOV.`,
	} {
		f.Add(s, strings.HasPrefix(s, "domain=") || strings.HasPrefix(s, "kind="))
	}
	db := storetest.SQLite(f)
	cat, fb := catalog.New(db), feedback.New(db)
	newService(f, cat, "Apply", "apply.example.gov")
	mux := publicMux(f, fb, cat, feedback.Options{})
	f.Fuzz(func(t *testing.T, body string, form bool) {
		path, ct := "/api/feedback", "application/json"
		if form {
			path, ct = "/feedback", "application/x-www-form-urlencoded"
		}
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		switch code := rec.Code; {
		case code >= 500:
			t.Fatalf("POST %s %q = %d\n%s", path, body, code, rec.Body)
		case code == 201 || code == 303:
		case code < 400:
			t.Fatalf("POST %s %q = %d", path, body, code)
		}
	})
}
