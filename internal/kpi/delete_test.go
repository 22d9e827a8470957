package kpi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/kpi"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

// TestDeleteFigures: figures of one channel wholly inside a period are
// deleted, others stay; "data until" follows what is left; the API and the
// upload page both do it, and bad requests are 400s naming the parameter.
func TestDeleteFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		s := hs.service("Apply for a permit", "UTC", false)
		ctx := context.Background()
		hs.transactions(s, lines("date,channel,started,completed", "2026-01,phone,100,90", "2026-02,phone,80,70", "2026-02,paper,10,9"))
		hs.costs(s, lines("from,to,channel,amount", "2026-01-01,2026-03-31,phone,900", "2026-04-01,2026-04-30,all,100"))

		// January's phone figure was meant as days: delete it.
		n, err := hs.kpi.DeleteTransactions(ctx, s, kpi.Phone, date("2026-01-01"), date("2026-01-31"))
		if err != nil || n != 1 {
			t.Fatalf("deleted %d (%v), want 1", n, err)
		}
		if got := hs.count(`SELECT count(*) FROM kpi_transactions WHERE service_id = $1`, s.ID); got != 2 {
			t.Errorf("%d figures left, want February's phone and paper", got)
		}
		// A period that only cuts a figure deletes nothing.
		if n, err := hs.kpi.DeleteTransactions(ctx, s, kpi.Phone, date("2026-02-01"), date("2026-02-27")); err != nil || n != 0 {
			t.Errorf("part of February: deleted %d (%v)", n, err)
		}

		path := "/api/v1/services/" + s.Slug + "/costs"
		status, body := hs.Call("writetoken", "DELETE", path+"?channel=phone&from=2026-01-01&to=2026-06-30", "")
		if status != http.StatusOK || body["deleted"] != 1.0 {
			t.Fatalf("API delete: %d %v", status, body)
		}
		var until int64
		april30 := time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC).Unix() / 86400
		if err := db.QueryRowContext(ctx, `SELECT data_until FROM kpi_inputs WHERE service_id = $1 AND input = 'costs'`, s.ID).Scan(&until); err != nil || until != april30 {
			t.Errorf("costs data until %d (%v), want 30 April, the shared cost left", until, err)
		}
		for _, tc := range []struct {
			query, field string
		}{
			{"?from=2026-01-01&to=2026-01-31", "channel"},
			{"?channel=fax&from=2026-01-01&to=2026-01-31", "channel"},
			{"?channel=phone&from=yesterday&to=2026-01-31", "from"},
			{"?channel=phone&from=2026-02-01&to=2026-01-31", "to"},
		} {
			if status, body := hs.Call("writetoken", "DELETE", path+tc.query, ""); status != http.StatusBadRequest || body["field"] != tc.field {
				t.Errorf("%s: %d %v, want 400 naming %s", tc.query, status, body, tc.field)
			}
		}
		if status, _ := hs.Call("readtoken", "DELETE", path+"?channel=all&from=2026-01-01&to=2026-12-31", ""); status != http.StatusForbidden {
			t.Errorf("a read token deleted: %d", status)
		}
		hs.Add("ingesttoken", &auth.Principal{UserID: 2, Role: auth.Editor, AllServices: true, TokenID: 11, Scope: auth.ScopeIngest, TokenService: s.ID})
		if status, body := hs.Call("ingesttoken", "DELETE", path+"?channel=all&from=2026-01-01&to=2026-12-31", ""); status != http.StatusForbidden ||
			!strings.Contains(fmt.Sprint(body["error"]), "needs a token with the write scope") {
			t.Errorf("an ingest token deleted: %d %v", status, body)
		}
		if got := hs.count(`SELECT count(*) FROM kpi_costs WHERE service_id = $1`, s.ID); got != 1 {
			t.Errorf("%d costs left after the refused deletes, want 1", got)
		}

		// The upload page's form.
		b := hs.Browser("editor")
		page := b.Get("/services/"+s.Slug+"/kpis/transactions", http.StatusOK)
		webtest.Contains(t, "upload page", page, "<h2>Delete figures sent by mistake</h2>", `<option value="paper">`)
		resp, _ := b.Post("/services/"+s.Slug+"/kpis/transactions/delete", url.Values{"channel": {"paper"}, "from": {"2026-02-01"}, "to": {"2026-02-28"}}, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); !strings.HasSuffix(loc, "/kpis/transactions") {
			t.Errorf("after deleting, redirect to %q", loc)
		}
		webtest.Contains(t, "after deleting", b.Get("/services/"+s.Slug+"/kpis/transactions", http.StatusOK), "Deleted 1 figure of Paper from 2026-02-01 to 2026-02-28.")
		if got := hs.count(`SELECT count(*) FROM kpi_inputs WHERE service_id = $1 AND input = 'paper'`, s.ID); got != 0 {
			t.Error("paper is still listed as an input with nothing left")
		}
	})
}
