package feedback

import (
	"encoding/csv"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/web"
)

// csvHeader names the export's columns.
var csvHeader = []string{"id", "service", "created_at", "kind", "url", "useful", "rating", "comment", "doing", "wrong",
	"channel", "given_by", "status", "tags", "note", "assignee"}

// inboxCSV answers GET /services/{slug}/feedback/export.csv: every item
// the inbox's filters select, not only one page of them.
func (h *Handler) inboxCSV(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	return h.writeCSV(w, r, s.Slug, []*catalog.Service{s}, s.Location())
}

// allCSV answers GET /feedback/inbox/export.csv, the all-services inbox's.
func (h *Handler) allCSV(w http.ResponseWriter, r *http.Request) error {
	list, _, err := h.readableServices(r)
	if err != nil {
		return err
	}
	return h.writeCSV(w, r, "all-services", list, nil)
}

// writeCSV writes the items of services that the request's filters
// select, in their order. Dates filter in loc (UTC when nil); created_at is
// written in UTC, as RFC 3339.
func (h *Handler) writeCSV(w http.ResponseWriter, r *http.Request, name string, services []*catalog.Service, loc *time.Location) error {
	if loc == nil {
		loc = time.UTC
	}
	flt, _, errs := parseFilter(r.URL.Query(), loc, auth.From(r.Context()).UserID)
	if err := errs.AsError(); err != nil {
		return err
	}
	team, err := h.teamByID(r.Context())
	if err != nil {
		return err
	}
	slugs := map[int64]string{}
	for _, s := range services {
		flt.Services = append(flt.Services, s.ID)
		slugs[s.ID] = s.Slug
	}
	web.CSVDownload(w, name+"-feedback.csv")
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	err = h.fb.Each(r.Context(), flt, func(it *Item) error {
		useful, rating := "", ""
		if it.Useful != nil {
			useful = map[bool]string{true: "yes", false: "no"}[*it.Useful]
		}
		if it.Rating != nil {
			rating = strconv.Itoa(*it.Rating)
		}
		cw.Write([]string{strconv.FormatInt(it.ID, 10), slugs[it.ServiceID], it.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"),
			string(it.Kind), web.CSVCell(it.URL), useful, rating, web.CSVCell(it.Comment), web.CSVCell(it.Doing), web.CSVCell(it.Wrong),
			string(it.Channel), web.CSVCell(it.GivenBy), string(it.Status), web.CSVCell(strings.Join(it.Tags, ", ")), web.CSVCell(it.Note),
			web.CSVCell(team[it.AssigneeID].Email)})
		return cw.Error()
	})
	if err == nil {
		cw.Flush()
		err = cw.Error()
	}
	if err != nil {
		// The status is sent: all that is left is to end the file short.
		slog.Error("export feedback", "services", len(services), "err", err)
	}
	return nil
}
