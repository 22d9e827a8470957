package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// state is a job's row of the jobs table, or a PerNode job's state here.
type state struct {
	version     int64
	holder      string
	leaseUntil  time.Time
	lastStart   time.Time
	lastEnd     time.Time
	lastSuccess time.Time
	result      Result
	errText     string
}

// maxErrorText bounds the error kept in the table (a panic's stack).
const maxErrorText = 4000

const (
	selectState = `SELECT name, version, holder, lease_until, last_start, last_end, last_success, last_result, last_error FROM jobs`

	insertJob = `INSERT INTO jobs (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`

	// claimJob is the compare-and-set: it takes the row only if nobody has
	// written it since it was read (version) and no lease is current.
	claimJob = `UPDATE jobs SET version = version + 1, holder = $2, lease_until = $3,
		last_start = $4, last_result = 'running', last_error = ''
		WHERE name = $1 AND version = $5 AND lease_until <= $4`

	// finishJob records a run's end unless another node has taken the job
	// since (this node's lease ran out).
	finishJob = `UPDATE jobs SET version = version + 1, holder = '', lease_until = 0,
		last_end = $3, last_result = $4, last_error = $5, last_success = $6
		WHERE name = $1 AND version = $2`
)

// scanState reads one row of selectState.
func scanState(row interface{ Scan(...any) error }) (string, state, error) {
	var (
		name                                     string
		st                                       state
		leaseUntil, lastStart, lastEnd, lastSucc int64
		result                                   string
	)
	err := row.Scan(&name, &st.version, &st.holder, &leaseUntil, &lastStart, &lastEnd, &lastSucc, &result, &st.errText)
	st.leaseUntil, st.lastStart, st.lastEnd, st.lastSuccess = fromMS(leaseUntil), fromMS(lastStart), fromMS(lastEnd), fromMS(lastSucc)
	st.result = Result(result)
	return name, st, err
}

func fromMS(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

func toMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// load reads a job's row, creating it when the job is new.
func (r *Runner) load(ctx context.Context, name string) (state, error) {
	for range 2 {
		_, st, err := scanState(r.db.QueryRowContext(ctx, selectState+` WHERE name = $1`, name))
		if err == nil {
			return st, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return state{}, fmt.Errorf("read job %s: %w", name, err)
		}
		if _, err := r.db.ExecContext(ctx, insertJob, name); err != nil {
			return state{}, fmt.Errorf("create job %s: %w", name, err)
		}
	}
	return state{}, fmt.Errorf("read job %s: row missing after insert", name)
}

// claimLease claims a job on the jobs table for this node: it is due (or
// now is true) and its lease is free. It fails with notDue, or ErrBusy
// when the lease is held or another node claimed the job first.
func (r *Runner) claimLease(ctx context.Context, j *job, now bool) (claim, error) {
	st, err := r.load(ctx, j.Name)
	if err != nil {
		return claim{}, err
	}
	if !st.lastSuccess.IsZero() {
		r.m.lastSuccess.WithLabelValues(j.Name).Set(float64(st.lastSuccess.UnixMilli()) / 1000)
	}
	start := time.UnixMilli(r.now().UnixMilli())
	if now {
		if st.leaseUntil.After(start) {
			return claim{}, ErrBusy
		}
	} else if err := j.claimable(st, start); err != nil {
		return claim{}, err
	}
	lease := start.Add(leaseFor(j.Timeout))
	res, err := r.db.ExecContext(ctx, claimJob, j.Name, r.node, lease.UnixMilli(), start.UnixMilli(), st.version)
	if err != nil {
		return claim{}, fmt.Errorf("claim job %s: %w", j.Name, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return claim{}, fmt.Errorf("claim job %s: %w", j.Name, err)
	} else if n == 0 {
		return claim{}, ErrBusy
	}
	if st.result == ResultRunning {
		slog.Warn("jobs: taking over a run whose holder died", "job", j.Name, "node", r.node,
			"holder", st.holder, "started", st.lastStart, "lease_until", st.leaseUntil)
		r.m.runs.WithLabelValues(j.Name, string(ResultAbandoned)).Inc()
	}
	version := st.version + 1
	return claim{start: start, finish: func(res Result, errText string, end time.Time) {
		success := st.lastSuccess
		if res == ResultOK {
			success = end
		}
		if len(errText) > maxErrorText {
			errText = errText[:maxErrorText]
		}
		// A fresh context: the end of a run cancelled by Stop is recorded too.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r2, err := r.db.ExecContext(ctx, finishJob, j.Name, version, toMS(end), string(res), errText, toMS(success))
		if err != nil {
			slog.Error("jobs: record the end of a run", "job", j.Name, "node", r.node, "err", err)
			return
		}
		if n, _ := r2.RowsAffected(); n == 0 {
			slog.Warn("jobs: the lease ran out before the run ended; its end is not recorded",
				"job", j.Name, "node", r.node, "result", res)
			return
		}
		if res == ResultOK {
			r.m.lastSuccess.WithLabelValues(j.Name).Set(float64(end.UnixMilli()) / 1000)
		}
	}}, nil
}
