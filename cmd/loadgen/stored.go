package main

import (
	"context"
	"fmt"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store"
)

// stored is what the database holds for one service.
type stored struct {
	ByName       map[string]int64 `json:"by_name"`
	Events       int64            `json:"events"` // all but engagement events
	Pageviews    int64            `json:"pageviews"`
	Engagement   int64            `json:"engagement"`
	VisitorDays  int64            `json:"visitor_days"`  // distinct (visitor, day in the service's zone), engagement aside
	VisitorHours int64            `json:"visitor_hours"` // distinct (visitor, hour)
	Sessions     sessionTotals    `json:"sessions"`
	Daily        rollupTotals     `json:"daily"` // the whole-site rows (kind 0)
	Hourly       rollupTotals     `json:"hourly"`
}

type sessionTotals struct {
	Count     int64 `json:"count"`
	Pageviews int64 `json:"pageviews"`
	Events    int64 `json:"events"`
	Bounces   int64 `json:"bounces"`
	Duration  int64 `json:"duration_ms"`
}

type rollupTotals struct {
	Visitors  int64 `json:"visitors"`
	Visits    int64 `json:"visits"`
	Pageviews int64 `json:"pageviews"`
	Events    int64 `json:"events"`
	Bounces   int64 `json:"bounces"`
	Duration  int64 `json:"duration_ms"`
}

const (
	eventsByNameSQL = `SELECT s.value, COUNT(*) FROM analytics_events e
		JOIN analytics_strings s ON s.id = e.name WHERE e.service_id = $1 GROUP BY s.value`
	sessionTotalsSQL = `SELECT COUNT(*), COALESCE(SUM(pageviews), 0), COALESCE(SUM(events), 0),
		COALESCE(SUM(CASE WHEN bounce THEN 1 ELSE 0 END), 0), COALESCE(SUM(end_ts - start_ts), 0)
		FROM analytics_sessions WHERE service_id = $1`
	rollupTotalsSQL = `SELECT COALESCE(SUM(visitors), 0), COALESCE(SUM(visits), 0), COALESCE(SUM(pageviews), 0),
		COALESCE(SUM(events), 0), COALESCE(SUM(bounces), 0), COALESCE(SUM(duration), 0) FROM `
	// Minutes are fine enough to place an event in a day of any time zone
	// (offsets are whole quarter hours) and far fewer than events.
	visitorMinutesSQL = `SELECT DISTINCT visitor_id, ts / 60000 FROM analytics_events
		WHERE service_id = $1 AND name NOT IN (SELECT id FROM analytics_strings WHERE value = 'engagement')`
)

func readStored(ctx context.Context, db *store.DB, svc *catalog.Service) (*stored, error) {
	st := &stored{ByName: map[string]int64{}}
	rows, err := db.QueryContext(ctx, eventsByNameSQL, svc.ID)
	if err != nil {
		return nil, fmt.Errorf("count events: %w", err)
	}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("count events: %w", err)
		}
		st.ByName[name] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count events: %w", err)
	}
	for name, n := range st.ByName {
		if name == engagementName {
			st.Engagement += n
		} else {
			st.Events += n
		}
	}
	st.Pageviews = st.ByName[pageviewName]

	s := &st.Sessions
	if err := db.QueryRowContext(ctx, sessionTotalsSQL, svc.ID).Scan(&s.Count, &s.Pageviews, &s.Events, &s.Bounces, &s.Duration); err != nil {
		return nil, fmt.Errorf("sum visits: %w", err)
	}
	for _, r := range []struct {
		into  *rollupTotals
		from  string
		where string
	}{{&st.Daily, "analytics_daily", " WHERE service_id = $1 AND kind = 0"}, {&st.Hourly, "analytics_hourly", " WHERE service_id = $1"}} {
		t := r.into
		if err := db.QueryRowContext(ctx, rollupTotalsSQL+r.from+r.where, svc.ID).Scan(&t.Visitors, &t.Visits, &t.Pageviews, &t.Events, &t.Bounces, &t.Duration); err != nil {
			return nil, fmt.Errorf("sum %s: %w", r.from, err)
		}
	}
	if err := countVisitors(ctx, db, svc, st); err != nil {
		return nil, err
	}
	return st, nil
}

// countVisitors counts distinct visitors per day (in the service's time
// zone) and per hour, as the rollups count them.
func countVisitors(ctx context.Context, db *store.DB, svc *catalog.Service, st *stored) error {
	rows, err := db.QueryContext(ctx, visitorMinutesSQL, svc.ID)
	if err != nil {
		return fmt.Errorf("count visitors: %w", err)
	}
	defer rows.Close()
	type key struct{ visitor, period int64 }
	days, hours := map[key]struct{}{}, map[key]struct{}{}
	zone := svc.Location()
	for rows.Next() {
		var visitor, minute int64
		if err := rows.Scan(&visitor, &minute); err != nil {
			return fmt.Errorf("count visitors: %w", err)
		}
		y, m, d := time.UnixMilli(minute * 60_000).In(zone).Date()
		day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
		days[key{visitor, day}] = struct{}{}
		hours[key{visitor, minute / 60}] = struct{}{}
	}
	st.VisitorDays, st.VisitorHours = int64(len(days)), int64(len(hours))
	return rows.Err()
}
