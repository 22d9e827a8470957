package analytics

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// restore reloads the state of the visitors seen before liveops last
// stopped: from the checkpoint of a graceful stop, the rows each visitor of
// the day was counted in; from the database, the visits still open (their
// last event within SessionTimeout of now) with what their events counted,
// so that a restart, graceful or not, neither splits a visit in two nor
// counts its visitor again. After a crash, a visitor whose visits had all
// ended is counted again if they come back: the rollups cannot tell who is
// behind them. It runs before the writer takes its first event.
func (p *Pipeline) restore(ctx context.Context, now time.Time) error {
	since := now.Add(-SessionTimeout).UnixMilli()
	rows, err := p.db.QueryContext(ctx, `SELECT id, timezone FROM services`)
	if err != nil {
		return fmt.Errorf("restore visits: %w", err)
	}
	zones := map[int64]*time.Location{}
	for rows.Next() {
		var id int64
		var tz string
		if err := rows.Scan(&id, &tz); err != nil {
			rows.Close()
			return err
		}
		if zones[id], err = time.LoadLocation(tz); err != nil {
			zones[id] = time.UTC
		}
	}
	rows.Close()
	if err := p.loadCheckpoint(ctx, now, zones); err != nil {
		slog.Error("analytics: reload the visitors counted before the last stop", "err", err)
	}
	for id, zone := range zones {
		if err := p.restoreService(ctx, id, zone, since, now.Add(-24*time.Hour).UnixMilli()); err != nil {
			return fmt.Errorf("restore visits of service %d: %w", id, err)
		}
	}
	return nil
}

func (p *Pipeline) restoreService(ctx context.Context, service int64, zone *time.Location, since, startedAfter int64) error {
	rows, err := p.db.QueryContext(ctx, `SELECT s.session_id, s.visitor_id, s.start_ts, s.end_ts, s.pageviews, s.events, s.bounce,
		s.entry_page, s.exit_page, s.hostname, s.exit_hostname, s.source, s.referrer, s.channel, s.utm_source, s.utm_medium, s.utm_campaign,
		s.utm_term, s.utm_content, s.device, s.browser, s.browser_version, s.os, s.os_version, s.country,
		s.region, s.city, s.country_name, s.region_name, s.city_name,
		coalesce(b.value, ''), coalesce(bv.value, ''), coalesce(o.value, ''), coalesce(ov.value, '')
		FROM analytics_sessions s
		LEFT JOIN analytics_strings b ON b.id = s.browser LEFT JOIN analytics_strings bv ON bv.id = s.browser_version
		LEFT JOIN analytics_strings o ON o.id = s.os LEFT JOIN analytics_strings ov ON ov.id = s.os_version
		WHERE s.service_id = $1 AND s.start_ts >= $2 AND s.end_ts >= $3`, service, startedAfter, since)
	if err != nil {
		return err
	}
	type open struct {
		s                 *session
		browserKey, osKey string
	}
	var list []open
	for rows.Next() {
		s := &session{service: service, zone: zone}
		v := &s.visit
		var bounce bool
		var browser, browserVersion, os, osVersion string
		if err := rows.Scan(&s.id, &s.visitor, &s.start, &s.last, &s.pageviews, &s.events, &bounce, &s.entry, &s.exit, &s.host, &s.exitHost,
			&v.source, &v.referrer, &v.channel, &v.utmSource, &v.utmMedium, &v.utmCampaign, &v.utmTerm, &v.utmContent,
			&v.device, &v.browser, &v.browserVersion, &v.os, &v.osVersion, &v.country,
			&v.region, &v.city, &v.countryName, &v.regionName, &v.cityName,
			&browser, &browserVersion, &os, &osVersion); err != nil {
			rows.Close()
			return err
		}
		// Bounce is stored, interactivity is not: pick the one that gives
		// the stored bounce, so that taking the visit's contribution back
		// takes back exactly what was added.
		s.interactive = (s.pageviews == 1 && !bounce) || (s.pageviews == 0 && s.events > 0)
		list = append(list, open{s, versionKey(browser, browserVersion), versionKey(os, osVersion)})
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(list) == 0 {
		return err
	}
	keys := map[string]struct{}{PageviewName: {}}
	for _, o := range list {
		keys[o.browserKey], keys[o.osKey] = struct{}{}, struct{}{}
	}
	if err := p.dict.resolve(ctx, keys); err != nil {
		return err
	}
	ids := make([]string, 0, len(list))
	first := list[0].s.start
	for _, o := range list {
		o.s.visit.browserVersionKey, o.s.visit.osVersionKey = p.dict.id(o.browserKey), p.dict.id(o.osKey)
		k := visitorKey{service, o.s.visitor}
		if old := p.sessions.sessions[k]; old == nil || old.last < o.s.last {
			p.sessions.sessions[k] = o.s
		}
		vd := p.sessions.visitorDay(service, o.s.visitor, localDay(o.s.last, zone))
		vd.countTotal()
		if o.s.startDay() == vd.day {
			vd.countVisit(o.s, func(kind, int64) {})
		}
		ids = append(ids, strconv.FormatInt(o.s.id, 10))
		first = min(first, o.s.start)
	}
	// What the open visits' events counted: pages, event names, hostnames, hours.
	evs, err := p.db.QueryContext(ctx, `SELECT visitor_id, ts, name, page, hostname FROM analytics_events
		WHERE service_id = $1 AND ts >= $2 AND name <> coalesce((SELECT id FROM analytics_strings WHERE value = $3), -1)
		AND session_id IN (`+strings.Join(ids, ",")+`)`, service, first, EngagementName)
	if err != nil {
		return err
	}
	defer evs.Close()
	pageview := p.dict.id(PageviewName)
	for evs.Next() {
		var visitor, ts, name, page, host int64
		if err := evs.Scan(&visitor, &ts, &name, &page, &host); err != nil {
			return err
		}
		vd := p.sessions.visitors[visitorKey{service, visitor}]
		if vd == nil || localDay(ts, zone) != vd.day {
			continue
		}
		vd.firstTime(kindHour, ts/3_600_000)
		vd.firstTime(kindName, name)
		vd.firstTime(kindHostname, host)
		if name == pageview {
			vd.firstTime(kindPage, page)
		}
	}
	return evs.Err()
}
