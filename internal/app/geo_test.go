package app

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/enrich/geotest"
	"github.com/liveops/liveops/internal/jobs"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
)

// TestGeoIPDB: with a city database, an event from an address in it comes
// out of the Stats API with the database's country, region and city, and
// the address is found nowhere in the database or the node's journal.
func TestGeoIPDB(t *testing.T) {
	mmdb := geotest.Write(t)
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dataDir := t.TempDir()
			a, err := New(ctx, Config{DB: dsn, GeoIPDB: mmdb, DataDir: dataDir, NoSync: true,
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
			u, _ := a.Accounts.CreateUser(ctx, account.NewUser{Email: "r@example.gov", Role: auth.Viewer, ServiceIDs: []int64{svc.ID}})
			token, _, err := a.Accounts.CreateToken(ctx, u, account.NewToken{Name: "stats", Scope: auth.ScopeRead})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(a.Handler())
			defer srv.Close()

			const tallinn, unknown = "90.190.12.34", "8.8.4.4"
			for _, ip := range []string{tallinn, unknown} {
				req, _ := http.NewRequest("POST", srv.URL+"/api/event", strings.NewReader(
					`{"n":"pageview","u":"https://apply.example.gov/","d":"apply.example.gov"}`))
				req.Header.Set("Content-Type", "text/plain")
				req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")
				req.Header.Set("X-Forwarded-For", ip)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 202 || resp.Header.Get("X-Liveops-Dropped") != "" {
					t.Fatalf("event from %s: %d dropped %q", ip, resp.StatusCode, resp.Header.Get("X-Liveops-Dropped"))
				}
			}
			if err := a.Events.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("POST", srv.URL+"/api/v2/query", strings.NewReader(`{"site_id":"apply.example.gov","metrics":["visitors"],
				"date_range":"day","dimensions":["visit:country","visit:region","visit:city","visit:country_name","visit:region_name","visit:city_name"],
				"order_by":[["visit:city","desc"]]}`))
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			// The other address is outside the database: its country comes
			// from the embedded table, with no name, region or city.
			want := `[{"dimensions":["EE","EE-37",588409,"Estonia","Harjumaa","Tallinn"],"metrics":[1]},` +
				`{"dimensions":["US","",0,"","",""],"metrics":[1]}]`
			var res answer
			if err := json.Unmarshal(b, &res); resp.StatusCode != 200 || err != nil || compactJSON(t, string(res.Results)) != want {
				t.Fatalf("%d %s\nwant results %s", resp.StatusCode, b, want)
			}

			// The dashboard's Regions and Cities panels name them, each a
			// link that filters by it, with the database's credit.
			if _, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: rigEmail, Role: auth.Admin, AllServices: true, Password: rigPassword}); err != nil {
				t.Fatal(err)
			}
			c := newClient(t, srv.URL)
			loginAdmin(t, nil, c)
			base := "/services/" + svc.Slug + "/analytics"
			c.page(base+"?period=day&tab=regions", http.StatusOK, `id="panel-regions"`, ">Harjumaa</a>")
			page := c.page(base+"?period=day&tab=cities", http.StatusOK, `id="panel-cities"`, ">Tallinn</a>",
				"Regions and cities from the city database liveops-Test-City.")
			if !strings.Contains(page, "f=visit%3Acity_name%7CTallinn") {
				t.Errorf("no filter link for Tallinn")
			}
			c.page(base+"?period=day&tab=cities&f=visit%3Acity_name%7CTallinn", http.StatusOK, ">City</", ">Tallinn</a>")
			// With nothing to show, the panels say just that.
			if page := c.page(base+"?period=day&tab=regions&f=visit%3Acountry%7CFR", http.StatusOK, "Nothing in this period."); strings.Contains(page, "--geoip-db") {
				t.Errorf("with a city database, the empty panels ask for one")
			}

			// The search finds what is stored.
			if findText(t, a, dataDir, dsn, "Harjumaa") == "" {
				t.Fatal("the region's name is not found by the search")
			}
			for _, ip := range []string{tallinn, unknown} {
				if where := findText(t, a, dataDir, dsn, ip); where != "" {
					t.Errorf("the address %s is stored: %s", ip, where)
				}
			}
		})
	}
}

// TestNoCityDB: without a city database, the Regions and Cities panels say
// why they are empty and how to fill them.
func TestNoCityDB(t *testing.T) {
	ctx := context.Background()
	a := newTestApp(t, storetest.DSNs(t)["sqlite"])
	svc, err := a.Catalog.Create(ctx, catalog.Input{Name: "Apply", Domains: []string{"apply.example.gov"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: rigEmail, Role: auth.Admin, AllServices: true, Password: rigPassword}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/api/event", strings.NewReader(`{"n":"pageview","u":"https://apply.example.gov/","d":"apply.example.gov"}`))
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := a.Events.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv.URL)
	loginAdmin(t, nil, c)
	for _, tab := range []string{"regions", "cities"} {
		page := c.page("/services/"+svc.Slug+"/analytics?period=day&tab="+tab, http.StatusOK, `id="panel-`+tab+`"`)
		if n := strings.Count(page, "regions and cities need a city database, given to liveops with <code>--geoip-db</code>"); n != 1 {
			t.Errorf("the %s panel explains itself %d times, want 1", tab, n)
		}
	}
	page := c.page("/services/"+svc.Slug+"/analytics?period=day", http.StatusOK, `id="panel-countries"`)
	// The visit from a loopback address has no country: its row's link
	// filters by that (issue 11: it answered 400 before).
	link := regexp.MustCompile(`<a href="([^"]+visit%3Acountry%7C[^"]+)" title="\(not set\)">\(not set\)</a></th>`).FindStringSubmatch(page)
	if link == nil || !strings.Contains(link[1], "visit%3Acountry") {
		t.Fatalf("no (not set) country link: %v", link)
	}
	filtered := c.page(html.UnescapeString(link[1]), http.StatusOK, `id="panel-countries"`, "Country is (not set)")
	if !strings.Contains(filtered, `(not set)</a></th><td class="num">1</td>`) {
		t.Errorf("the country filter (not set) does not keep the visit")
	}
}

// findText looks for s in every row of every table, and in every file of
// the node's data directory (its journal); it says where it found it.
func findText(t *testing.T, a *App, dataDir, dsn, s string) string {
	t.Helper()
	ctx := context.Background()
	tablesSQL := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if strings.HasPrefix(dsn, "postgres") {
		tablesSQL = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := a.DB.QueryContext(ctx, tablesSQL)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("only %d tables found", len(tables))
	}
	for _, table := range tables {
		rows, err := a.DB.QueryContext(ctx, `SELECT * FROM `+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				var text []byte
				switch v := v.(type) {
				case string:
					text = []byte(v)
				case []byte:
					text = v
				}
				if bytes.Contains(text, []byte(s)) {
					rows.Close()
					return table + "." + cols[i]
				}
			}
		}
		rows.Close()
	}
	found := ""
	filepath.WalkDir(dataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || found != "" {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil && bytes.Contains(b, []byte(s)) {
			found = path
		}
		return nil
	})
	return found
}
