package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"
)

// Result is how a run ended.
type Result string

// The results of a run. Abandoned is never recorded: it is what a running
// run whose lease has run out is shown as (its holder died).
const (
	ResultRunning   Result = "running"
	ResultOK        Result = "ok"
	ResultError     Result = "error"
	ResultTimeout   Result = "timeout"   // cancelled at its Timeout
	ResultCancelled Result = "cancelled" // cancelled by Stop; due again at once
	ResultAbandoned Result = "abandoned" // its holder died; due again at once
)

// claim is a run this node may start: when it started, and how to record
// its end.
type claim struct {
	start  time.Time
	finish func(res Result, errText string, end time.Time)
}

// loop schedules one job until the runner stops.
func (r *Runner) loop(j *job) {
	woken := false
	for {
		wait := r.step(j, woken)
		woken = false
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-r.base.Done():
				t.Stop()
				return
			case <-t.C:
			case <-j.wake:
				t.Stop()
				woken = true
			}
		} else if r.base.Err() != nil {
			return
		}
	}
}

// step runs j if it is due, or now when woken, and this node wins it, and
// returns how long to sleep before the next look.
func (r *Runner) step(j *job, now bool) time.Duration {
	var c claim
	var err error
	if j.PerNode {
		c, err = r.claimLocal(j, now)
	} else {
		c, err = r.claimLease(r.base, j, now)
	}
	var wait notDue
	switch {
	case errors.As(err, &wait):
		return min(time.Duration(wait), r.poll)
	case errors.Is(err, ErrBusy):
		// Another node took it first, or RunNow runs it here: look again
		// soon, to read the new lease or the end of that run.
		return min(r.poll, 50*time.Millisecond)
	case err != nil:
		if r.base.Err() == nil {
			slog.Error("jobs: claim", "job", j.Name, "node", r.node, "err", err)
		}
		return r.poll
	}
	done, err := r.track(j.Name)
	if err != nil {
		c.finish(ResultCancelled, "runner stopped", r.now())
		return 0
	}
	defer done()
	r.run(r.base, j, c)
	return 0
}

// notDue says that a job is not due for this long.
type notDue time.Duration

func (d notDue) Error() string { return "not due for " + time.Duration(d).String() }

// run runs a claimed job under parent, bounded by its timeout, and records
// the result. It returns the job's error.
func (r *Runner) run(parent context.Context, j *job, c claim) error {
	ctx, cancel := context.WithTimeout(context.WithValue(parent, startKey{}, c.start), j.Timeout)
	defer cancel()
	began := time.Now()
	err := safeRun(ctx, j.Run)
	took := time.Since(began)

	res := ResultOK
	switch {
	case err == nil:
	case parent.Err() != nil:
		res = ResultCancelled
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		res = ResultTimeout
	default:
		res = ResultError
	}
	if took > j.Timeout+time.Second {
		slog.Warn("jobs: run returned long after its timeout; Run must honour its context",
			"job", j.Name, "node", r.node, "timeout", j.Timeout, "took", took)
	}
	errText := ""
	if err != nil {
		errText = err.Error()
	}
	c.finish(res, errText, r.now())
	r.m.runs.WithLabelValues(j.Name, string(res)).Inc()
	r.m.duration.WithLabelValues(j.Name).Observe(took.Seconds())
	switch res {
	case ResultOK:
		slog.Debug("jobs: ran", "job", j.Name, "node", r.node, "took", took)
	case ResultCancelled:
		slog.Info("jobs: run cancelled", "job", j.Name, "node", r.node, "took", took, "err", err)
	default:
		slog.Error("jobs: run failed", "job", j.Name, "node", r.node, "result", res, "took", took, "err", err)
	}
	return err
}

// safeRun turns a panic of a job into its error, so that one job cannot
// take the node down.
func safeRun(ctx context.Context, run func(context.Context) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return run(ctx)
}

// due returns when a job whose row reads st may start next: at once (the
// zero time) if it never ran or was cancelled, when the lease runs out if
// it is running, else the schedule's first time after its last start.
func (j *job) due(st state) (time.Time, error) {
	switch {
	case st.lastStart.IsZero():
		return time.Time{}, nil
	case st.result == ResultRunning:
		return st.leaseUntil, nil
	case st.result == ResultCancelled:
		return st.lastEnd, nil
	}
	return j.next(st.lastStart)
}

// claimable returns nil when a job in state st may start at now, or how
// long to wait as a notDue error.
func (j *job) claimable(st state, now time.Time) error {
	due, err := j.due(st)
	if err != nil {
		return err
	}
	if wait := max(due.Sub(now), st.leaseUntil.Sub(now)); wait > 0 {
		return notDue(wait)
	}
	return nil
}

// claimLocal claims a PerNode job on this node: it is due (or now is
// true) and not running here.
func (r *Runner) claimLocal(j *job, now bool) (claim, error) {
	if !j.local.TryLock() {
		return claim{}, ErrBusy
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	start := time.UnixMilli(r.now().UnixMilli()) // as the jobs table keeps it
	if !now {
		if err := j.claimable(j.st, start); err != nil {
			j.local.Unlock()
			return claim{}, err
		}
	}
	j.st.holder, j.st.lastStart, j.st.result, j.st.errText = r.node, start, ResultRunning, ""
	return claim{start: start, finish: func(res Result, errText string, end time.Time) {
		j.mu.Lock()
		j.st.holder, j.st.lastEnd, j.st.result, j.st.errText = "", end, res, errText
		if res == ResultOK {
			j.st.lastSuccess = end
			r.m.lastSuccess.WithLabelValues(j.Name).Set(float64(end.UnixMilli()) / 1000)
		}
		j.mu.Unlock()
		j.local.Unlock()
	}}, nil
}
