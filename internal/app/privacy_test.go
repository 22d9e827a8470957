package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/jobs"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
)

// syncBuffer is a log destination the server's goroutines may share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// captureLogs sends every log line, debug included, to the returned buffer
// until the test ends.
func captureLogs(t *testing.T) *syncBuffer {
	t.Helper()
	logs := &syncBuffer{}
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(old) })
	return logs
}

// TestNoPersonalDataThroughAnyDoor (issue 11, point 6): personal data sent
// through each door an outsider has — the campaign parameters that name a
// visit's source, property names, a percent-encoded path, a referrer with
// a login, an annotation, a set-up link's secret and a made-up path — is
// found nowhere afterwards: not in any row of any table, not in the node's
// journal, and not in the logs at debug level. Every piece of it holds
// "jane", so one search finds any of it.
func TestNoPersonalDataThroughAnyDoor(t *testing.T) {
	logs := captureLogs(t)
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dataDir := t.TempDir()
			a, err := New(ctx, Config{DB: dsn, DataDir: dataDir, NoSync: true,
				Roles:          []jobs.Role{jobs.RoleWeb, jobs.RoleIngest, jobs.RoleWorker},
				TrustedProxies: web.TrustedProxies{netip.MustParsePrefix("127.0.0.1/32")}})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			svc, err := a.Catalog.Create(ctx, catalog.Input{Name: "Apply", Domains: []string{"apply.example.gov"}})
			if err != nil {
				t.Fatal(err)
			}
			u, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: "editor@example.gov", Role: auth.Editor, ServiceIDs: []int64{svc.ID}})
			if err != nil {
				t.Fatal(err)
			}
			token, _, err := a.Accounts.CreateToken(ctx, u, account.NewToken{Name: "notes", Scope: auth.ScopeWrite})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(a.Handler())
			defer srv.Close()
			do := func(method, path, body string, header ...string) (int, string) {
				t.Helper()
				req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
				for i := 0; i+1 < len(header); i += 2 {
					req.Header.Set(header[i], header[i+1])
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}

			const ua = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
			events := []string{
				// The source, from each parameter that names it.
				`{"n":"pageview","u":"https://apply.example.gov/a?ref=jane.ref@example.org","d":"apply.example.gov"}`,
				`{"n":"pageview","u":"https://apply.example.gov/b?source=jane.source%40example.org","d":"apply.example.gov"}`,
				`{"n":"pageview","u":"https://apply.example.gov/c?utm_source=jane.utm@example.org&utm_campaign=jane.camp%2540example.org&utm_term=GB82+WEST+1234+5698+7654+32","d":"apply.example.gov"}`,
				// A path with the address encoded twice, as a link's query leaves it.
				`{"n":"pageview","u":"https://apply.example.gov/users/jane.path%2540example.org/edit","d":"apply.example.gov"}`,
				// A referrer with a login, a name with a full-width "@",
				// and a property whose name is the address.
				`{"n":"Sent to jane.name＠example.org","u":"https://apply.example.gov/d","d":"apply.example.gov","r":"https://jane.user:jane.pass@mail.example.org/inbox","p":{"jane.prop@example.org":"yes","note":"jane (at) example.org"}}`,
			}
			for _, ev := range events {
				if code, body := do("POST", "/api/event", ev, "Content-Type", "text/plain", "User-Agent", ua, "X-Forwarded-For", "8.8.8.8"); code != 202 {
					t.Fatalf("event %s: %d %s", ev, code, body)
				}
			}
			if err := a.Events.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if code, body := do("POST", "/api/v1/services/"+svc.Slug+"/annotations",
				`{"time":"2026-11-23T14:00:00Z","label":"Call from jane.note@example.org on 07700 900123"}`,
				"Authorization", "Bearer "+token, "Content-Type", "application/json"); code != 201 || !strings.Contains(body, "Call from [email] on [phone]") {
				t.Errorf("annotation: %d %s", code, body)
			}
			// A set-up link's secret, and a made-up path, both logged at debug level.
			link, err := a.Accounts.SetupLink(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			secret := link[strings.LastIndexByte(link, '/')+1:]
			if code, _ := do("GET", link, ""); code != 200 {
				t.Fatalf("GET the set-up link: %d", code)
			}
			if code, _ := do("GET", "/no/such/page/jane.404@example.org", ""); code != 404 {
				t.Fatalf("made-up path: %d", code)
			}

			// The visits are counted all the same, under scrubbed names.
			code, body := do("POST", "/api/v2/query", `{"site_id":"apply.example.gov","metrics":["visitors"],"date_range":"day","dimensions":["visit:source"]}`,
				"Authorization", "Bearer "+token)
			var res answer
			if err := json.Unmarshal([]byte(body), &res); code != 200 || err != nil || !strings.Contains(string(res.Results), `"[email]"`) {
				t.Errorf("sources: %d %s", code, body)
			}
			code, body = do("POST", "/api/v2/query", `{"site_id":"apply.example.gov","metrics":["events"],"date_range":"day","dimensions":["event:props:[email]"]}`,
				"Authorization", "Bearer "+token)
			if code != 200 || !strings.Contains(body, `"yes"`) {
				t.Errorf("a property named by an address is not kept under [email]: %d %s", code, body)
			}

			for _, s := range []string{"jane", "GB82", "07700", secret} {
				if where := findText(t, a, dataDir, dsn, s); where != "" {
					t.Errorf("%q is stored: %s", s, where)
				}
			}
			for _, s := range []string{"jane", secret} {
				if i := strings.Index(logs.String(), s); i >= 0 {
					t.Errorf("%q is in the logs: …%s…", s, logs.String()[max(0, i-200):min(len(logs.String()), i+100)])
				}
			}
			if !strings.Contains(logs.String(), "path=/setup/{secret}") {
				t.Errorf("the request log does not name the set-up route:\n%s", logs.String())
			}
		})
	}
}
