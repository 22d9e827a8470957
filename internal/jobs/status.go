package jobs

import (
	"context"
	"fmt"
	"time"
)

// Status is what a job is doing and did last, for an admin page.
type Status struct {
	Name     string
	Schedule string // "every 1h0m0s" or "cron 0 3 * * * (UTC)"
	Role     Role
	PerNode  bool // the rest describes this node only
	Here     bool // this node's roles include the job's role

	Holder      string    // the node running it, or ""
	LeaseUntil  time.Time // while running
	LastStart   time.Time // zero: never ran
	LastEnd     time.Time
	LastSuccess time.Time // zero: never succeeded
	Result      Result    // of the last run; "" if it never ran
	Error       string    // the last run's error
	Next        time.Time // when it is due; zero: at once, on a node of its role
}

// Status returns the state of every declared job, in the order they were
// added: PerNode jobs as this node sees them, the others from the jobs
// table. It fails when the table cannot be read.
func (r *Runner) Status(ctx context.Context) ([]Status, error) {
	rows, err := r.db.QueryContext(ctx, selectState)
	if err != nil {
		return nil, fmt.Errorf("job status: %w", err)
	}
	defer rows.Close()
	table := map[string]state{}
	for rows.Next() {
		name, st, err := scanState(rows)
		if err != nil {
			return nil, fmt.Errorf("job status: %w", err)
		}
		table[name] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("job status: %w", err)
	}

	r.mu.Lock()
	jobs := append([]*job(nil), r.jobs...)
	r.mu.Unlock()
	now := r.now()
	out := make([]Status, 0, len(jobs))
	for _, j := range jobs {
		st := table[j.Name]
		if j.PerNode {
			j.mu.Lock()
			st = j.st
			j.mu.Unlock()
		}
		s := Status{
			Name: j.Name, Schedule: j.schedule(), Role: j.Role, PerNode: j.PerNode,
			Holder: st.holder, LeaseUntil: st.leaseUntil, LastStart: st.lastStart, LastEnd: st.lastEnd,
			LastSuccess: st.lastSuccess, Result: st.result, Error: st.errText,
		}
		for _, role := range r.roles {
			s.Here = s.Here || role == j.Role
		}
		if st.result == ResultRunning && !j.PerNode && !st.leaseUntil.After(now) {
			s.Result = ResultAbandoned
		}
		if next, err := j.due(st); err == nil {
			s.Next = next
		}
		out = append(out, s)
	}
	return out, nil
}
