package kpi

import (
	"time"

	"github.com/liveops/liveops/internal/i18n"
)

// audience is who a report's page is for: the public, in their language,
// or the service's team (in English), who are also told what to do about
// a figure that cannot be worked out.
type audience struct {
	lang     string
	team     bool
	canWrite bool // the team's next steps link to the pages that take figures
}

// teamPage is the audience of the signed-in KPI page and the home page's tiles.
func teamPage(canWrite bool) audience {
	return audience{lang: i18n.English, team: true, canWrite: canWrite}
}

// t translates msg for the audience (see i18n.T).
func (a audience) t(msg string, args ...any) string { return i18n.T(a.lang, msg, args...) }

// tn is t of one or many: one when n is exactly 1. Both are catalogue
// entries, for the languages whose nouns change with the number.
func (a audience) tn(n float64, one, many string, args ...any) string {
	if n == 1 {
		return a.t(one, args...)
	}
	return a.t(many, args...)
}

// before names the period a report compares with, as it fits in "up from
// 77.3% in …": the period before on the team's page, which gives its dates,
// and for the public the 12 months (or days) before.
func (a audience) before(r *Report) string {
	if a.team {
		return a.t("the period before")
	}
	if n := r.period.months(); n > 0 {
		return a.tn(float64(n), "the month before", "the %d months before", n)
	}
	n := r.period.Days()
	return a.tn(float64(n), "the day before", "the %d days before", n)
}

// date writes a day for the audience: 2026-03-01 for the team, whose
// forms take dates so, and 1 March 2026 in words for the public.
func (a audience) date(d day) string {
	if a.team {
		return d.String()
	}
	return i18n.Date(a.lang, d.start(time.UTC), "2 January 2006")
}
