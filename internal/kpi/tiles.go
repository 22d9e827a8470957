package kpi

import (
	"context"
	"log/slog"

	"github.com/liveops/liveops/internal/catalog"
)

// Tiles gives the four KPIs over the last 12 whole months for the
// service's tile on the home page, each with its target rating (or its
// trend when it has no target); nil when the service has none of the four
// yet. Register it with catalog's Handler.AddTileSource. A failure is
// logged and shows no figures.
func (k *KPI) Tiles(ctx context.Context, s *catalog.Service) []catalog.TileFigure {
	from, to := DefaultPeriod(dayAt(k.Now(), s.Location()).date())
	rep, err := k.Report(ctx, s, from, to, Yearly)
	if err != nil {
		slog.Error("kpi tile", "service", s.Slug, "err", err)
		return nil
	}
	var out []catalog.TileFigure
	for _, f := range rep.figures(Headline, teamPage(false)) {
		if !f.Known {
			continue
		}
		note := f.Rating.Label()
		if note == "" {
			note = f.Change
		}
		out = append(out, catalog.TileFigure{Label: f.Label, Value: f.Value, Note: note})
	}
	return out
}
