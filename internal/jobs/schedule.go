package jobs

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/adhocore/gronx"
)

// validName is a dotted lower-case name: the area, then the job.
var validName = regexp.MustCompile(`^[a-z0-9_-]+(\.[a-z0-9_-]+)*$`)

// validate checks a job declaration and fills in its defaults.
func (j *Job) validate() error {
	if !validName.MatchString(j.Name) {
		return fmt.Errorf("job %q: the name must be dotted lower-case words, like \"analytics.retention\"", j.Name)
	}
	switch {
	case j.Every == 0 && j.Cron == "":
		return fmt.Errorf("job %s: give a schedule, Every or Cron", j.Name)
	case j.Every != 0 && j.Cron != "":
		return fmt.Errorf("job %s: give one schedule, Every or Cron, not both", j.Name)
	case j.Every < 0 || (j.Every > 0 && j.Every < time.Millisecond):
		return fmt.Errorf("job %s: Every %v is not a positive number of milliseconds", j.Name, j.Every)
	case j.Cron != "" && !gronx.IsValid(j.Cron):
		return fmt.Errorf("job %s: invalid cron expression %q", j.Name, j.Cron)
	}
	if j.Timeout <= 0 {
		return fmt.Errorf("job %s: Timeout must be positive", j.Name)
	}
	if j.Run == nil {
		return fmt.Errorf("job %s: Run is nil", j.Name)
	}
	if j.Role == "" {
		j.Role = RoleWorker
	}
	if !j.Role.valid() {
		return fmt.Errorf("job %s: unknown role %q", j.Name, j.Role)
	}
	return nil
}

// next returns the first time the schedule fires strictly after t.
// An Every schedule fires at the multiples of Every since the Unix epoch, so
// that it does not drift by the time each claim takes and every node agrees
// on the periods; a Cron schedule is read in UTC.
func (j *Job) next(t time.Time) (time.Time, error) {
	if j.Every > 0 {
		every := j.Every.Milliseconds()
		ms := t.UnixMilli()
		return time.UnixMilli((ms/every + 1) * every), nil
	}
	// gronx works in whole seconds: a start 12:00:00.5 is 12:00:00, whose
	// next tick is strictly after it.
	n, err := gronx.NextTickAfter(j.Cron, t.UTC(), false)
	if err != nil {
		return time.Time{}, fmt.Errorf("next time of %q after %v: %w", j.Cron, t, err)
	}
	if !n.After(t) {
		return time.Time{}, errors.New("cron expression " + j.Cron + " gave a time that is not after the last run")
	}
	return n, nil
}

// schedule describes the schedule for people.
func (j *Job) schedule() string {
	if j.Every > 0 {
		return "every " + j.Every.String()
	}
	return "cron " + j.Cron + " (UTC)"
}

// leaseFor is how long a claim holds the job: its timeout and a margin for
// recording the result after a cancelled run and for clock skew between
// nodes. A holder that dies is replaced once the lease has run out.
func leaseFor(timeout time.Duration) time.Duration {
	return timeout + min(max(timeout/10, 2*time.Second), time.Minute)
}
