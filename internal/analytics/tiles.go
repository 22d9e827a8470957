package analytics

import (
	"context"
	"fmt"
	"log/slog"
	"math"

	"github.com/liveops/liveops/internal/catalog"
)

// Tiles gives a service's visitors over the last seven days, against the
// seven before, for its tile on the home page and its overview; a service
// that has never had an event gets "None yet" and a link to the page that
// gives the tag.
func (d *Dashboard) Tiles(ctx context.Context, s *catalog.Service) []catalog.TileFigure {
	has, err := d.stats.events.HasEvents(ctx, s.ID)
	if err != nil {
		slog.Error("analytics tile", "service", s.Slug, "err", err)
		return nil
	}
	const label = "Visitors, last 7 days"
	if !has {
		return []catalog.TileFigure{{Label: label, Value: "None yet", Note: "Put the tag on your pages",
			Link: "/services/" + s.Slug + "/analytics/settings"}}
	}
	visitors := func(dateRange string) (int64, bool) {
		res, _, err := d.run(ctx, s, fmt.Appendf(nil, `{"site_id": %q, "metrics": ["visitors"], "date_range": %s}`, site(s), dateRange))
		if err != nil || len(res.Results) == 0 || len(res.Results[0].Metrics) == 0 {
			if err != nil {
				slog.Error("analytics tile", "service", s.Slug, "err", err)
			}
			return 0, false
		}
		n, ok := asInt(res.Results[0].Metrics[0])
		return n, ok
	}
	today := d.now().In(s.Location())
	day := func(back int) string { return today.AddDate(0, 0, -back).Format("2006-01-02") }
	// "7d" is the seven days before today, as the dashboard's.
	cur, ok := visitors(fmt.Sprintf(`[%q, %q]`, day(7), day(1)))
	if !ok {
		return nil
	}
	f := catalog.TileFigure{Label: label, Value: groupThousands(cur), Link: "/services/" + s.Slug + "/analytics?period=7d"}
	if prev, ok := visitors(fmt.Sprintf(`[%q, %q]`, day(14), day(8))); ok && prev > 0 {
		change := math.Round(float64(cur-prev) / float64(prev) * 100)
		switch {
		case change > 0:
			f.Note = fmt.Sprintf("up %.0f%% on the week before", change)
		case change < 0:
			f.Note = fmt.Sprintf("down %.0f%% on the week before", -change)
		default:
			f.Note = "as many as the week before"
		}
	}
	return []catalog.TileFigure{f}
}

// asInt reads a metric of a Result as a whole number.
func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), true
	}
	return 0, false
}
