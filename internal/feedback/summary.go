package feedback

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/liveops/liveops/internal/themes"
)

// PageSummary is what a period's feedback says about one page.
type PageSummary struct {
	Page     string
	Yes, No  int // answers to "Is this page useful?"
	Problems int // problem reports
}

// UsefulShare is the share of "yes" among the page's answers, 0 to 1, and
// whether there were any.
func (p PageSummary) UsefulShare() (float64, bool) {
	if p.Yes+p.No == 0 {
		return 0, false
	}
	return float64(p.Yes) / float64(p.Yes+p.No), true
}

// TrendPoint is the satisfaction answers of one week or month.
type TrendPoint struct {
	Start, End time.Time // [Start, End), in the service's zone, cut to the period
	Counts     SatisfactionCounts
}

// Summary is what a period's feedback says, for the summaries page.
type Summary struct {
	From, To     time.Time
	Pages        []PageSummary // worst first, at most MaxSummaryPages
	MorePages    int           // pages left out
	Satisfaction SatisfactionCounts
	Monthly      bool // Trend is by month rather than by week
	Trend        []TrendPoint
	Words        []themes.Theme // the period's themes, against the period before
	Phrases      []themes.Theme
	Texts        int // items with free text in the period
}

// Limits of the summary.
const (
	MaxSummaryPages = 50
	MaxThemes       = 15
	weeklyUpTo      = 92 // days: a longer period's trend is by month
)

// Summarize reports the service's feedback in [from, to): per page, the
// "useful" answers and problem reports, worst first (the most "no" answers
// and problem reports, then the lowest share of "yes"); the satisfaction
// answers and their trend by week (Monday to Sunday in loc) or, for periods
// over 92 days, by month; and the themes of the free text against those of
// the period of equal length before.
func (f *Feedback) Summarize(ctx context.Context, serviceID int64, from, to time.Time, loc *time.Location) (*Summary, error) {
	s := &Summary{From: from, To: to}
	var err error
	if s.Pages, s.MorePages, err = f.pages(ctx, serviceID, from, to); err != nil {
		return nil, err
	}
	if s.Satisfaction, err = f.Satisfaction(ctx, serviceID, from, to); err != nil {
		return nil, err
	}
	s.Monthly = to.Sub(from) > weeklyUpTo*24*time.Hour+time.Hour // an hour for a change of clocks
	if s.Trend, err = f.trend(ctx, serviceID, from, to, loc, s.Monthly); err != nil {
		return nil, err
	}
	cur, err := f.texts(ctx, serviceID, from, to)
	if err != nil {
		return nil, err
	}
	prev, err := f.texts(ctx, serviceID, from.Add(-to.Sub(from)), from)
	if err != nil {
		return nil, err
	}
	s.Texts = len(cur)
	s.Words, s.Phrases = themes.Top(cur, prev, MaxThemes)
	return s, nil
}

func (f *Feedback) pages(ctx context.Context, serviceID int64, from, to time.Time) ([]PageSummary, int, error) {
	rows, err := f.db.QueryContext(ctx, `SELECT page,
			sum(CASE WHEN kind = 'useful' AND useful THEN 1 ELSE 0 END),
			sum(CASE WHEN kind = 'useful' AND NOT useful THEN 1 ELSE 0 END),
			sum(CASE WHEN kind = 'problem' THEN 1 ELSE 0 END)
		FROM feedback WHERE service_id = $1 AND created_at >= $2 AND created_at < $3 AND page <> '' AND kind IN ('useful', 'problem') AND NOT held
		GROUP BY page`, serviceID, from.UTC(), to.UTC())
	if err != nil {
		return nil, 0, fmt.Errorf("summarise pages of service %d: %w", serviceID, err)
	}
	defer rows.Close()
	var out []PageSummary
	for rows.Next() {
		var p PageSummary
		if err := rows.Scan(&p.Page, &p.Yes, &p.No, &p.Problems); err != nil {
			return nil, 0, fmt.Errorf("summarise pages of service %d: %w", serviceID, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("summarise pages of service %d: %w", serviceID, err)
	}
	slices.SortFunc(out, func(a, b PageSummary) int {
		sa, _ := a.UsefulShare()
		sb, _ := b.UsefulShare()
		return cmp.Or(cmp.Compare(b.No+b.Problems, a.No+a.Problems), cmp.Compare(sa, sb), cmp.Compare(a.Page, b.Page))
	})
	more := max(0, len(out)-MaxSummaryPages)
	return out[:len(out)-more], more, nil
}

// trend buckets the satisfaction answers by week or month in loc.
func (f *Feedback) trend(ctx context.Context, serviceID int64, from, to time.Time, loc *time.Location, monthly bool) ([]TrendPoint, error) {
	var points []TrendPoint
	for start := from; start.Before(to); {
		y, m, d := start.In(loc).Date()
		var next time.Time
		if monthly {
			next = time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
		} else {
			wd := (int(start.In(loc).Weekday()) + 6) % 7 // days since Monday
			next = time.Date(y, m, d-wd+7, 0, 0, 0, 0, loc)
		}
		if next.After(to) {
			next = to
		}
		points = append(points, TrendPoint{Start: start, End: next})
		start = next
	}
	rows, err := f.db.QueryContext(ctx, `SELECT created_at, rating FROM feedback
		WHERE service_id = $1 AND kind = 'satisfaction' AND rating IS NOT NULL AND NOT held AND created_at >= $2 AND created_at < $3`,
		serviceID, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("satisfaction trend of service %d: %w", serviceID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var at time.Time
		var r int
		if err := rows.Scan(&at, &r); err != nil {
			return nil, fmt.Errorf("satisfaction trend of service %d: %w", serviceID, err)
		}
		i, _ := slices.BinarySearchFunc(points, at, func(p TrendPoint, t time.Time) int {
			if p.End.After(t) {
				return 1
			}
			return -1
		})
		if i < len(points) && r >= 1 && r <= 5 {
			points[i].Counts.Ratings[r-1]++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("satisfaction trend of service %d: %w", serviceID, err)
	}
	return points, nil
}

// texts returns the normalised free text of the service's items in
// [from, to) that have any.
func (f *Feedback) texts(ctx context.Context, serviceID int64, from, to time.Time) ([]string, error) {
	rows, err := f.db.QueryContext(ctx, `SELECT search_text FROM feedback
		WHERE service_id = $1 AND created_at >= $2 AND created_at < $3 AND search_text <> '' AND NOT held`, serviceID, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("read feedback text of service %d: %w", serviceID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("read feedback text of service %d: %w", serviceID, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
