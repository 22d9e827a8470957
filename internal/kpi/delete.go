package kpi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// Deletion undoes figures sent by mistake: a wrong channel, a month that
// should have been sent as days, a cost range with the wrong end. Sending
// a period again replaces it; deleting is for what should not be there.

// DeleteTransactions removes the service's submitted figures of channel
// whose periods lie wholly within [from, to], and returns how many. The
// main funnel's own figures are not touched: for days whose submitted
// digital figures are deleted, the funnel's count again.
func (k *KPI) DeleteTransactions(ctx context.Context, s *catalog.Service, channel Channel, from, to statsquery.Date) (int, error) {
	if i := channel.index(); i < 0 || i == costIndexAll {
		return 0, fault.Invalidf("channel", "channel must be one of %s", channelList(false))
	}
	return k.deleteFigures(ctx, s, "kpi_transactions", string(channel), string(channel), dayOf(from), dayOf(to))
}

// DeleteCosts removes the service's costs of channel (or "all") whose
// ranges lie wholly within [from, to], and returns how many.
func (k *KPI) DeleteCosts(ctx context.Context, s *catalog.Service, channel Channel, from, to statsquery.Date) (int, error) {
	if channel.index() < 0 {
		return 0, fault.Invalidf("channel", "channel must be one of %s", channelList(true))
	}
	return k.deleteFigures(ctx, s, "kpi_costs", string(channel), string(InputCosts), dayOf(from), dayOf(to))
}

// deleteFigures deletes from table and brings the input's "data until"
// back to what is left (or forgets the input when nothing is).
func (k *KPI) deleteFigures(ctx context.Context, s *catalog.Service, table, channel, input string, from, to day) (int, error) {
	if to < from {
		return 0, fault.Invalidf("to", "to (%s) is before from (%s)", to, from)
	}
	var n int64
	err := k.db.LockedTx(ctx, lockKPI, func(tx store.Querier) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE service_id = $1 AND channel = $2 AND first_day >= $3 AND last_day <= $4`,
			s.ID, channel, int(from), int(to))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		var until *int
		inputRows := `channel = $2`
		if table == "kpi_costs" {
			inputRows = `$2 <> ''` // every cost channel makes the one costs input
		}
		if err := tx.QueryRowContext(ctx, `SELECT max(last_day) FROM `+table+` WHERE service_id = $1 AND `+inputRows,
			s.ID, channel).Scan(&until); err != nil {
			return err
		}
		if until == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM kpi_inputs WHERE service_id = $1 AND input = $2`, s.ID, input)
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE kpi_inputs SET data_until = $3 WHERE service_id = $1 AND input = $2`, s.ID, input, *until)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete %s of service %d: %w", input, s.ID, err)
	}
	return int(n), nil
}

// deletion reads the channel and the period of a deletion from a form or
// a query: every problem is an Invalid fault naming its parameter.
func deletion(get func(string) string) (Channel, statsquery.Date, statsquery.Date, error) {
	channel := Channel(get("channel"))
	from, okFrom := parseDay(get("from"))
	to, okTo := parseDay(get("to"))
	switch {
	case channel == "":
		return "", statsquery.Date{}, statsquery.Date{}, fault.Invalidf("channel", "channel is missing: say which channel's figures to delete")
	case !okFrom:
		return "", statsquery.Date{}, statsquery.Date{}, fault.Invalidf("from", "from must be a date such as 2026-01-01")
	case !okTo:
		return "", statsquery.Date{}, statsquery.Date{}, fault.Invalidf("to", "to must be a date such as 2026-01-31")
	}
	return channel, from.date(), to.date(), nil
}

// apiDelete answers DELETE /api/v1/services/{slug}/transactions and
// …/costs with ?channel=&from=&to=: 200 {"deleted": N}.
func (h *Handler) apiDelete(costs bool) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := h.ingestible(r)
		if err != nil {
			return err
		}
		// Sending figures is not taking them away: an ingest token, often
		// kept on another system, may add figures but not delete them.
		if !auth.From(r.Context()).CanWrite(s.ID) {
			return fault.Forbiddenf("This token may send figures but not delete them: deleting needs a token with the write scope.")
		}
		channel, from, to, err := deletion(r.URL.Query().Get)
		if err != nil {
			return err
		}
		del := h.kpi.DeleteTransactions
		if costs {
			del = h.kpi.DeleteCosts
		}
		n, err := del(r.Context(), s, channel, from, to)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, map[string]int{"deleted": n})
		return nil
	}
}

// deletePage answers the upload page's "Delete figures" form.
func (h *Handler) deletePage(u upload) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := h.writable(r)
		if err != nil {
			return err
		}
		channel, from, to, err := deletion(r.PostFormValue)
		if err != nil {
			return err
		}
		del := h.kpi.DeleteTransactions
		if u.Path == costsUpload.Path {
			del = h.kpi.DeleteCosts
		}
		n, err := del(r.Context(), s, channel, from, to)
		if err != nil {
			return err
		}
		web.SetFlash(w, r, "Deleted "+strconv.Itoa(n)+" "+plural(n, "figure", "figures")+" of "+channel.Label()+" from "+from.String()+" to "+to.String()+".")
		return web.Redirect(w, r, "/services/"+s.Slug+"/kpis/"+u.Path)
	}
}
