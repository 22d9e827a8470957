// Package monitor watches a live service from outside: synthetic checks
// (HTTP, TCP, DNS, TLS certificates, heartbeats) run on a schedule spread
// over their interval, their results and rollups, the incidents a
// confirmed failure opens and its recovery resolves, maintenance windows,
// and the pages, API and public status page that show them. Package probe
// runs one check; this package decides when, keeps what it found, and says
// what it means.
package monitor

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/monitor/probe"
)

// Status is a check's state.
type Status string

// The states of a check. Paused is the paused flag, shown as a state.
const (
	Pending Status = "pending" // not run yet since it was added or changed
	Up      Status = "up"
	Down    Status = "down" // failed Retries+1 times in a row
	Paused  Status = "paused"
)

// Bounds of a check's settings.
const (
	MinInterval    = 10 * time.Second
	MaxInterval    = 24 * time.Hour
	DefaultTimeout = 10 * time.Second
	MaxTimeout     = 60 * time.Second
	MaxRetries     = 10
	maxNameLen     = 120
	maxLabels      = 20
	maxLabelLen    = 60
)

// Check is one synthetic check of a service.
type Check struct {
	ID        int64
	ServiceID int64
	Name      string
	Spec      probe.Spec
	Interval  time.Duration
	// Retries is how many failures in a row are tolerated before the
	// check counts as down (confirmation): 1 means the second failure.
	Retries int
	// Grace is a heartbeat's time allowed past its interval.
	Grace     time.Duration
	Labels    []string
	Component string // its group on the status page; "" is its own name
	Public    bool   // shown on the public status page
	Paused    bool

	// Its state, kept by the scheduler.
	Status    Status
	Reason    string    // the last failure's reason, while down
	Fails     int       // failures in a row
	LastRun   time.Time // zero before the first run
	Since     time.Time // when the status last changed
	LastBeat  time.Time // a heartbeat's last call
	CreatedAt time.Time
	UpdatedAt time.Time
}

// State is the status shown: paused when paused.
func (c *Check) State() Status {
	if c.Paused {
		return Paused
	}
	return c.Status
}

// ComponentName is the check's group on the status page.
func (c *Check) ComponentName() string {
	if c.Component != "" {
		return c.Component
	}
	return c.Name
}

// Validate reports the first thing wrong with a check, naming the field.
func (c *Check) Validate() error {
	c.Name = strings.TrimSpace(c.Name)
	switch {
	case c.Name == "":
		return fault.Invalidf("name", "Enter a name for the check, such as Start page")
	case len(c.Name) > maxNameLen:
		return fault.Invalidf("name", "The name must be %d characters or fewer", maxNameLen)
	case c.Interval < MinInterval || c.Interval > MaxInterval:
		return fault.Invalidf("interval", "The interval must be from 10s to 24h, such as 1m")
	case c.Spec.Timeout < 0 || c.Spec.Timeout > MaxTimeout:
		return fault.Invalidf("timeout", "The timeout must be from 1s to 60s, such as 10s")
	case c.Spec.Timeout > c.Interval:
		return fault.Invalidf("timeout", "The timeout must not be longer than the interval (%s)", c.Interval)
	case c.Retries < 0 || c.Retries > MaxRetries:
		return fault.Invalidf("retries", "Retries must be from 0 to %d", MaxRetries)
	case c.Grace < 0 || c.Grace > MaxInterval:
		return fault.Invalidf("grace", "The grace period must be from 0s to 24h")
	case len(c.Labels) > maxLabels:
		return fault.Invalidf("labels", "A check can have at most %d labels", maxLabels)
	case len(c.Component) > maxNameLen:
		return fault.Invalidf("component", "The component must be %d characters or fewer", maxNameLen)
	}
	for _, l := range c.Labels {
		if l == "" || len(l) > maxLabelLen || strings.ContainsAny(l, ",\n") {
			return fault.Invalidf("labels", "Each label must be 1 to %d characters with no comma", maxLabelLen)
		}
	}
	if c.Spec.Timeout == 0 {
		c.Spec.Timeout = min(DefaultTimeout, c.Interval)
	}
	if err := probe.Validate(c.Spec); err != nil {
		var fe *probe.FieldError
		if errors.As(err, &fe) {
			return fault.Invalidf(fe.Field, "%s", fe.Message)
		}
		return fault.Invalidf("type", "%s", err.Error())
	}
	return nil
}

// types are the kinds of check, in the order forms offer them.
var types = []probe.Type{probe.HTTP, probe.TCP, probe.DNS, probe.TLS, probe.Heartbeat}

// validType says whether t is a kind of check.
func validType(t probe.Type) bool { return slices.Contains(types, t) }

// specJSON is a probe.Spec as the spec column keeps it (the type and the
// timeout are in it too).
func specJSON(s any) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("monitor: a probe spec does not marshal: %v", err)) // only plain fields
	}
	return string(b)
}
