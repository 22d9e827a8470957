package analytics

import (
	"context"
	"fmt"

	"github.com/liveops/liveops/internal/statsquery"
)

// rollupKinds maps the dimensions the daily rollup keeps to their kind.
// visit:screen is left out though its values are the device's: the device
// rows count a visitor once a day, their device following from their id,
// while Plausible's tests give one visitor two screen sizes a day.
var rollupKinds = map[statsquery.Kind]kind{
	statsquery.KindPage: kindPage, statsquery.KindEntryPage: kindEntryPage, statsquery.KindExitPage: kindExitPage,
	statsquery.KindSource: kindSource, statsquery.KindReferrer: kindReferrer, statsquery.KindChannel: kindChannel,
	statsquery.KindUTMSource: kindUTMSource, statsquery.KindUTMMedium: kindUTMMedium, statsquery.KindUTMCampaign: kindUTMCampaign,
	statsquery.KindUTMTerm: kindUTMTerm, statsquery.KindUTMContent: kindUTMContent, statsquery.KindDevice: kindDevice,
	statsquery.KindBrowser: kindBrowser, statsquery.KindOS: kindOS, statsquery.KindCountry: kindCountry,
	statsquery.KindName: kindName, statsquery.KindHostname: kindHostname,
}

// rollupHas says whether rows of kind k hold metric m exactly.
func rollupHas(k kind, m statsquery.Metric) bool {
	switch m {
	case statsquery.Visitors, statsquery.Percentage:
		// A visitor's exit page rows count each visit, since a visit's
		// exit page moves as it goes on: distinct visitors need the visits.
		return k != kindExitPage
	case statsquery.Pageviews:
		return k != kindName
	case statsquery.Events:
		return k == kindTotal || k == kindName || k == kindHostname
	case statsquery.Visits, statsquery.BounceRate, statsquery.VisitDuration, statsquery.ViewsPerVisit:
		return k != kindPage && k != kindName && k != kindHostname
	}
	return false
}

// fromRollups answers q from analytics_daily when it can: no filters, whole
// days, at most one dimension the rollup keeps (or a day, week or month
// time dimension), and metrics that dimension's rows hold. It reports
// false when the query needs the raw events. Reading rollups is what
// keeps a 30-day dashboard fast over millions of events.
func (x *execution) fromRollups(ctx context.Context) ([]*group, bool, error) {
	r := x.q.DateRange
	if x.q.Filters != nil || len(x.q.Dimensions) > 1 ||
		!r.From.Equal(r.FirstDay.Start(r.Location)) || !r.To.Equal(r.LastDay.AddDays(1).Start(r.Location)) {
		return nil, false, nil
	}
	k, timeDim := kindTotal, statsquery.Kind("")
	if len(x.q.Dimensions) == 1 {
		d := x.q.Dimensions[0]
		switch d.Kind {
		case statsquery.KindTimeDay, statsquery.KindTimeWeek, statsquery.KindTimeMonth:
			timeDim = d.Kind
		default:
			var ok bool
			if k, ok = rollupKinds[d.Kind]; !ok {
				return nil, false, nil
			}
		}
	}
	for _, m := range x.q.Metrics {
		if !rollupHas(k, m) {
			return nil, false, nil
		}
	}
	first := localDay(r.FirstDay.Start(r.Location).UnixMilli(), r.Location)
	last := localDay(r.LastDay.Start(r.Location).UnixMilli(), r.Location)
	groupCol := "value"
	if timeDim != "" {
		groupCol = "day"
	}
	rows, err := x.ev.db.QueryContext(ctx, fmt.Sprintf(`SELECT %s, sum(visitors), sum(visits), sum(pageviews), sum(events),
		sum(bounces), sum(duration) FROM analytics_daily WHERE service_id = $1 AND kind = $2 AND day >= $3 AND day <= $4
		GROUP BY %s`, groupCol, groupCol), x.service, int16(k), first, last)
	if err != nil {
		return nil, false, fmt.Errorf("read rollups: %w", err)
	}
	defer rows.Close()
	var buckets []statsquery.Bucket
	if timeDim != "" {
		buckets = r.Buckets(timeDim)
	}
	byBucket := map[int64]*group{}
	var out []*group
	for rows.Next() {
		var key int64
		var c counts
		if err := rows.Scan(&key, &c.visitors, &c.visits, &c.pageviews, &c.events, &c.bounces, &c.duration); err != nil {
			return nil, false, err
		}
		if timeDim != "" {
			key = bucketOf(buckets, key, r)
		}
		g := byBucket[key]
		if g == nil {
			g = &group{}
			if len(x.q.Dimensions) == 1 {
				g.dims = []groupValue{{id: key}}
			}
			byBucket[key] = g
			out = append(out, g)
		}
		g.visitors += c.visitors
		g.visits += c.visits
		g.pageviews += c.pageviews
		g.events += c.events
		g.bounces += c.bounces
		g.bounceVisits += c.visits
		g.durationMS += c.duration
		g.sessionPageviews += c.pageviews
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if len(out) == 0 && len(x.q.Dimensions) == 0 {
		out = append(out, &group{})
	}
	return out, true, nil
}

// bucketOf finds the time bucket a rollup day falls in.
func bucketOf(buckets []statsquery.Bucket, day int64, r statsquery.DateRange) int64 {
	for i, b := range buckets {
		// Compare local dates: a bucket starts at local midnight.
		if localDay(b.To.UnixMilli(), r.Location) > int32(day) && localDay(b.From.UnixMilli(), r.Location) <= int32(day) {
			return int64(i)
		}
	}
	return int64(len(buckets) - 1)
}
