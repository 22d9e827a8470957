package monitor

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/store"
)

// Window is a maintenance window: results in it count as maintenance, not
// against uptime, and open no incident.
type Window struct {
	ID        int64
	ServiceID int64
	Title     string
	Starts    time.Time
	Ends      time.Time
	// Repeat is "", "daily" or "weekly": the window comes back at the
	// same local time in the service's time zone (so across a change of
	// clocks it keeps its hour, not its UTC instant).
	Repeat    string
	CreatedAt time.Time
	zone      *time.Location
}

// Repeats a window may have.
var repeats = map[string]string{"": "Once", "daily": "Every day", "weekly": "Every week"}

// Covers says whether t falls in the window or one of its repeats.
func (w *Window) Covers(t time.Time) bool {
	if t.Before(w.Starts) {
		return false
	}
	if w.Repeat == "" {
		return t.Before(w.Ends)
	}
	// The repeat of the window that started last before t.
	zone := w.zone
	if zone == nil {
		zone = time.UTC
	}
	s, lt := w.Starts.In(zone), t.In(zone)
	length := w.Ends.Sub(w.Starts)
	days := 1
	if w.Repeat == "weekly" {
		days = 7
	}
	// Whole days between the start's local date and t's.
	d0 := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, time.UTC)
	d1 := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, time.UTC)
	n := int(d1.Sub(d0).Hours()/24) / days * days
	for _, k := range []int{n, n - days} { // today's repeat, or one that began the period before and runs on
		start := time.Date(s.Year(), s.Month(), s.Day()+k, s.Hour(), s.Minute(), s.Second(), 0, zone)
		if !t.Before(start) && t.Before(start.Add(length)) {
			return true
		}
	}
	return false
}

// Next is the window's next start at or after t, or zero when it is over.
func (w *Window) Next(t time.Time) (time.Time, time.Time) {
	if w.Repeat == "" {
		if t.Before(w.Ends) {
			return w.Starts, w.Ends
		}
		return time.Time{}, time.Time{}
	}
	zone := w.zone
	if zone == nil {
		zone = time.UTC
	}
	s := w.Starts.In(zone)
	days := 1
	if w.Repeat == "weekly" {
		days = 7
	}
	length := w.Ends.Sub(w.Starts)
	for k := 0; k < 800; k += days {
		start := time.Date(s.Year(), s.Month(), s.Day()+k, s.Hour(), s.Minute(), s.Second(), 0, zone)
		if start.Add(length).After(t) {
			return start, start.Add(length)
		}
	}
	return time.Time{}, time.Time{}
}

// Maintenance keeps the windows, and a cache of them for the scheduler.
type Maintenance struct {
	db  *store.DB
	cat *catalog.Catalog

	mu     sync.Mutex
	cache  map[int64][]*Window
	loaded time.Time
}

// NewMaintenance returns the windows kept in db.
func NewMaintenance(db *store.DB, cat *catalog.Catalog) *Maintenance {
	return &Maintenance{db: db, cat: cat}
}

// Active says whether a service is in a maintenance window at t. It reads
// the windows at most every 30 seconds.
func (m *Maintenance) Active(serviceID int64, t time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cache == nil || time.Since(m.loaded) > 30*time.Second {
		all, err := m.all(context.Background())
		if err != nil {
			slog.Error("monitor: read the maintenance windows", "err", err)
		} else {
			m.cache, m.loaded = all, time.Now()
		}
	}
	for _, w := range m.cache[serviceID] {
		if w.Covers(t) {
			return true
		}
	}
	return false
}

func (m *Maintenance) forget() {
	m.mu.Lock()
	m.cache = nil
	m.mu.Unlock()
}

func (m *Maintenance) all(ctx context.Context) (map[int64][]*Window, error) {
	list, err := m.query(ctx, `SELECT id, service_id, title, starts_at, ends_at, repeat, created_at FROM monitor_maintenance`)
	if err != nil {
		return nil, err
	}
	out := map[int64][]*Window{}
	for _, w := range list {
		out[w.ServiceID] = append(out[w.ServiceID], w)
	}
	return out, nil
}

// List returns a service's windows, the latest first.
func (m *Maintenance) List(ctx context.Context, serviceID int64) ([]*Window, error) {
	return m.query(ctx, `SELECT id, service_id, title, starts_at, ends_at, repeat, created_at FROM monitor_maintenance
		WHERE service_id = $1 ORDER BY starts_at DESC, id DESC`, serviceID)
}

func (m *Maintenance) query(ctx context.Context, q string, args ...any) ([]*Window, error) {
	rows, err := m.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Window
	zones := map[int64]*time.Location{}
	for rows.Next() {
		var w Window
		if err := rows.Scan(&w.ID, &w.ServiceID, &w.Title, &w.Starts, &w.Ends, &w.Repeat, &w.CreatedAt); err != nil {
			return nil, err
		}
		w.Starts, w.Ends, w.CreatedAt = w.Starts.UTC(), w.Ends.UTC(), w.CreatedAt.UTC()
		out = append(out, &w)
		zones[w.ServiceID] = nil
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for id := range zones {
		if s, err := m.cat.ByID(ctx, id); err == nil {
			zones[id] = s.Location()
		}
	}
	for _, w := range out {
		w.zone = zones[w.ServiceID]
	}
	return out, nil
}

// Add saves a window.
func (m *Maintenance) Add(ctx context.Context, w *Window) error {
	w.Title = strings.TrimSpace(w.Title)
	switch {
	case w.Title == "":
		return fault.Invalidf("title", "Enter what the maintenance is, such as Database upgrade")
	case len(w.Title) > 200:
		return fault.Invalidf("title", "The title must be 200 characters or fewer")
	case w.Starts.IsZero():
		return fault.Invalidf("starts", "Enter when the maintenance starts")
	case !w.Ends.After(w.Starts):
		return fault.Invalidf("ends", "The end must be after the start")
	}
	if _, ok := repeats[w.Repeat]; !ok {
		return fault.Invalidf("repeat", "Repeat must be once, daily or weekly")
	}
	if w.Repeat == "daily" && w.Ends.Sub(w.Starts) >= 24*time.Hour || w.Repeat == "weekly" && w.Ends.Sub(w.Starts) >= 7*24*time.Hour {
		return fault.Invalidf("ends", "A repeated window must be shorter than the time between its repeats")
	}
	w.CreatedAt = time.Now().UTC()
	err := m.db.Tx(ctx, func(tx store.Querier) error {
		return tx.QueryRowContext(ctx, `INSERT INTO monitor_maintenance (service_id, title, starts_at, ends_at, repeat, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, w.ServiceID, w.Title, w.Starts.UTC(), w.Ends.UTC(), w.Repeat, w.CreatedAt).Scan(&w.ID)
	})
	m.forget()
	return err
}

// Delete removes a window.
func (m *Maintenance) Delete(ctx context.Context, serviceID, id int64) error {
	res, err := m.db.ExecContext(ctx, `DELETE FROM monitor_maintenance WHERE id = $1 AND service_id = $2`, id, serviceID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.NotFoundf("maintenance window")
	}
	m.forget()
	return nil
}
