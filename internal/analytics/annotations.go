package analytics

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/scrub"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// Annotation is a note at a moment — a release, an outage, a campaign
// launch — drawn as a marker on the charts.
type Annotation struct {
	ID    int64     `json:"id"`
	At    time.Time `json:"time"`
	Label string    `json:"label"`
}

const maxAnnotationLabel = 200

// Annotations keeps the chart notes.
type Annotations struct {
	db  *store.DB
	cat *catalog.Catalog
}

// NewAnnotations keeps notes in db.
func NewAnnotations(db *store.DB, cat *catalog.Catalog) *Annotations {
	return &Annotations{db: db, cat: cat}
}

// Add stores a note; the label is required and at most 200 characters.
// Personal data in it is scrubbed like any text from outside: a note
// written "call from jane@example.com about the outage" is shown to every
// reader of the dashboard and the API.
func (a *Annotations) Add(ctx context.Context, serviceID int64, at time.Time, label string) (*Annotation, error) {
	label = strings.TrimSpace(label)
	switch {
	case label == "":
		return nil, fault.Invalidf("label", "label is required, such as \"Release 2.3: new payment page\"")
	case utf8.RuneCountInString(label) > maxAnnotationLabel:
		return nil, fault.Invalidf("label", "label must be at most %d characters", maxAnnotationLabel)
	case at.IsZero():
		return nil, fault.Invalidf("time", "time is required, as an ISO 8601 date-time such as 2026-11-23T14:00:00Z")
	}
	n := &Annotation{At: at.UTC().Truncate(time.Second), Label: scrub.Default().String(label)}
	err := a.db.Tx(ctx, func(tx store.Querier) error {
		return tx.QueryRowContext(ctx, `INSERT INTO analytics_annotations (service_id, at, label, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, serviceID, n.At, n.Label, time.Now().UTC()).Scan(&n.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("add annotation: %w", err)
	}
	return n, nil
}

// Between lists a service's notes in [from, to), oldest first.
func (a *Annotations) Between(ctx context.Context, serviceID int64, from, to time.Time) ([]Annotation, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT id, at, label FROM analytics_annotations
		WHERE service_id = $1 AND at >= $2 AND at < $3 ORDER BY at, id`, serviceID, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("list annotations: %w", err)
	}
	defer rows.Close()
	out := []Annotation{}
	for rows.Next() {
		var n Annotation
		if err := rows.Scan(&n.ID, &n.At, &n.Label); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Delete removes one of a service's notes.
func (a *Annotations) Delete(ctx context.Context, serviceID, id int64) error {
	res, err := a.db.ExecContext(ctx, `DELETE FROM analytics_annotations WHERE service_id = $1 AND id = $2`, serviceID, id)
	if err != nil {
		return fmt.Errorf("delete annotation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.NotFoundf("annotation")
	}
	return nil
}

// Routes registers the annotations API.
func (a *Annotations) Routes(rt *web.Router) {
	rt.API("GET /api/v1/services/{slug}/annotations", a.apiList)
	rt.API("POST /api/v1/services/{slug}/annotations", a.apiAdd)
	rt.API("DELETE /api/v1/services/{slug}/annotations/{id}", a.apiDelete)
}

// serviceFor finds the service in the path that the caller may read (and
// change, when write is set); any other is "not found".
func serviceFor(r *http.Request, cat *catalog.Catalog, write bool) (*catalog.Service, error) {
	s, err := cat.BySlug(r.Context(), r.PathValue("slug"))
	p := auth.From(r.Context())
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.CanRead(s.ID)) {
		return nil, fault.NotFoundf("service")
	}
	if err != nil {
		return nil, err
	}
	if write && !p.CanWrite(s.ID) {
		return nil, fault.Forbiddenf("changing this service's data needs an editor's token with write scope")
	}
	return s, nil
}

func (a *Annotations) apiList(w http.ResponseWriter, r *http.Request) error {
	s, err := serviceFor(r, a.cat, false)
	if err != nil {
		return err
	}
	from, to := time.Unix(0, 0), time.Now().AddDate(100, 0, 0)
	for name, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		if v := r.URL.Query().Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return web.BadRequest(name, "%s must be an ISO 8601 date-time such as 2026-11-23T14:00:00Z", name)
			}
			*dst = t
		}
	}
	list, err := a.Between(r.Context(), s.ID, from, to)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"annotations": list})
	return nil
}

func (a *Annotations) apiAdd(w http.ResponseWriter, r *http.Request) error {
	s, err := serviceFor(r, a.cat, true)
	if err != nil {
		return err
	}
	var in struct {
		Time  string `json:"time"`
		Label string `json:"label"`
	}
	if err := web.DecodeJSON(w, r, 4<<10, &in); err != nil {
		return err
	}
	at, err := time.Parse(time.RFC3339, in.Time)
	if err != nil {
		return web.BadRequest("time", "time must be an ISO 8601 date-time such as 2026-11-23T14:00:00Z")
	}
	n, err := a.Add(r.Context(), s.ID, at, in.Label)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, n)
	return nil
}

func (a *Annotations) apiDelete(w http.ResponseWriter, r *http.Request) error {
	s, err := serviceFor(r, a.cat, true)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return web.NotFound("annotation")
	}
	if err := a.Delete(r.Context(), s.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
