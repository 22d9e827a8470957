package feedback

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SatisfactionCounts are the answers to the satisfaction survey, by rating.
type SatisfactionCounts struct {
	// Ratings[r-1] is the number of answers with rating r, from 1 (very
	// dissatisfied) to 5 (very satisfied).
	Ratings [5]int
}

// Of is the number of answers with rating r (1 to 5), 0 for any other r.
func (c SatisfactionCounts) Of(r int) int {
	if r < 1 || r > 5 {
		return 0
	}
	return c.Ratings[r-1]
}

// Total is the number of answers.
func (c SatisfactionCounts) Total() int {
	n := 0
	for _, v := range c.Ratings {
		n += v
	}
	return n
}

// Satisfied is the number of answers "satisfied" or "very satisfied".
func (c SatisfactionCounts) Satisfied() int { return c.Ratings[3] + c.Ratings[4] }

// SatisfiedShare is the user satisfaction KPI: the share of answers that
// are satisfied or very satisfied, from 0 to 1; 0 when there are none.
func (c SatisfactionCounts) SatisfiedShare() float64 {
	if t := c.Total(); t > 0 {
		return float64(c.Satisfied()) / float64(t)
	}
	return 0
}

// Score is the mean rating on a scale of 0 (all very dissatisfied) to 1
// (all very satisfied): (mean − 1) ÷ 4; 0 when there are no answers.
func (c SatisfactionCounts) Score() float64 {
	t := c.Total()
	if t == 0 {
		return 0
	}
	sum := 0
	for i, v := range c.Ratings {
		sum += (i + 1) * v
	}
	return (float64(sum)/float64(t) - 1) / 4
}

// Satisfaction counts the service's satisfaction answers per rating that
// arrived in [from, to), for the kpi area's user satisfaction figure. It
// counts every item of kind satisfaction with a rating — the hosted survey,
// the public endpoints, and answers staff entered — whatever its triage
// status, except those held back as part of a burst until a person counts
// them. Its only errors are the database's.
func (f *Feedback) Satisfaction(ctx context.Context, serviceID int64, from, to time.Time) (SatisfactionCounts, error) {
	var c SatisfactionCounts
	rows, err := f.db.QueryContext(ctx, `SELECT rating, count(*) FROM feedback
		WHERE service_id = $1 AND kind = 'satisfaction' AND rating IS NOT NULL AND NOT held AND created_at >= $2 AND created_at < $3
		GROUP BY rating`, serviceID, from.UTC(), to.UTC())
	if err != nil {
		return c, fmt.Errorf("count satisfaction of service %d: %w", serviceID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r, n int
		if err := rows.Scan(&r, &n); err != nil {
			return c, fmt.Errorf("count satisfaction of service %d: %w", serviceID, err)
		}
		if r >= 1 && r <= 5 {
			c.Ratings[r-1] = n
		}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("count satisfaction of service %d: %w", serviceID, err)
	}
	return c, nil
}

// LastSatisfaction is when the service last had a satisfaction survey
// answer with a rating, or the zero time when it never had one: the kpi
// area shows it as when user satisfaction was last updated.
func (f *Feedback) LastSatisfaction(ctx context.Context, serviceID int64) (time.Time, error) {
	// The column itself, not max(), so that SQLite hands back a time.
	var last time.Time
	err := f.db.QueryRowContext(ctx, `SELECT created_at FROM feedback
		WHERE service_id = $1 AND kind = 'satisfaction' AND rating IS NOT NULL AND NOT held ORDER BY created_at DESC LIMIT 1`, serviceID).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("last satisfaction answer of service %d: %w", serviceID, err)
	}
	return last, nil
}
