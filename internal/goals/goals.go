// Package goals holds a service's conversion goals and funnels: what a
// visit should achieve (reach a page, send a custom event) and the ordered
// steps towards it. It reports funnels over the raw analytics events, gives
// the kpi area its started and completed transactions per day, and gives
// the stats API the goals behind the event:goal dimension.
//
// Goals and funnels mean what they mean in Plausible, so that a team moving
// from it finds the same numbers; see match.go and funnel.go for the details
// and the places in Plausible's code they come from.
package goals

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// Kind says what completes a goal.
type Kind string

// The kinds of goal, named as Plausible's API names them (goal_type).
const (
	KindPage  Kind = "page"  // a page view whose path matches a pattern
	KindEvent Kind = "event" // a custom event with a given name
)

// Goal is one conversion goal of a service.
type Goal struct {
	ID        int64
	ServiceID int64
	Kind      Kind
	// PagePath is the path pattern of a page-view goal: it starts with a
	// slash and may hold * (any run of characters but "/") and ** (any run
	// at all). Empty for an event goal.
	PagePath string
	// EventName is the custom event name of an event goal, matched exactly.
	// Empty for a page-view goal.
	EventName   string
	DisplayName string // "Visit /path" or the event name unless the user chose one
	CreatedAt   time.Time
}

// String is the goal's display name, as reports label it.
func (g Goal) String() string { return g.DisplayName }

// Funnel is a named sequence of 2 to 8 distinct goals of one service.
type Funnel struct {
	ID        int64
	ServiceID int64
	Name      string
	Steps     []Goal // in order
	CreatedAt time.Time
}

// Limits on what users give.
const (
	MinSteps          = 2
	MaxSteps          = 8   // as in Plausible
	maxEventNameLen   = 120 // as in Plausible (and the events API)
	maxPathLen        = 2000
	maxNameLen        = 120 // a funnel's
	maxDisplayNameLen = 200 // a goal's, when the user gives one
)

// Goals reads and changes goals and funnels, and reports on funnels.
type Goals struct {
	db     *store.DB
	events analytics.EventStore // the raw events funnels are counted from
	// Now is the clock that says which days are over; tests set it.
	Now func() time.Time
	// PrunedBefore says before when a service's raw events may have been
	// deleted by retention (the zero time for never): funnel days there
	// that were not kept beforehand are unknown. Nil means never.
	PrunedBefore func(ctx context.Context, serviceID int64) (time.Time, error)
}

// New returns the goals and funnels kept in db, counting funnels over the
// events db keeps.
func New(db *store.DB) *Goals { return NewWithEvents(db, analytics.NewEventStore(db)) }

// NewWithEvents returns the goals and funnels kept in db, counting funnels
// over the events in events.
func NewWithEvents(db *store.DB, events analytics.EventStore) *Goals {
	return &Goals{db: db, events: events, Now: time.Now}
}

// InputError is what creating or changing returns for input that cannot
// be stored; see web.InputError.
type InputError = web.InputError

func invalid(errs web.FormErrors) error {
	if len(errs) == 0 {
		return nil
	}
	return web.InvalidInput(errs)
}

func conflict(field, msg string) error {
	return web.TakenInput(web.FormErrors{{Field: field, Message: msg}})
}

// InUseError is returned when a goal cannot be deleted because funnels use
// it. It unwraps to a Conflict fault naming them.
type InUseError struct {
	Goal    Goal
	Funnels []string
}

// Error names the goal and the funnels, for logs.
func (e *InUseError) Error() string {
	return fmt.Sprintf("goal %d is used by funnels %s", e.Goal.ID, strings.Join(e.Funnels, ", "))
}

// Unwrap is the fault a user sees.
func (e *InUseError) Unwrap() error {
	return fault.Conflictf("", "%s", e.Message())
}

// Message says which funnels use the goal, for pages and the API.
func (e *InUseError) Message() string {
	names := make([]string, len(e.Funnels))
	for i, n := range e.Funnels {
		names[i] = "“" + n + "”"
	}
	if len(names) == 1 {
		return fmt.Sprintf("“%s” is a step of the funnel %s: delete that funnel first.", e.Goal.DisplayName, names[0])
	}
	return fmt.Sprintf("“%s” is a step of the funnels %s and %s: delete those funnels first.",
		e.Goal.DisplayName, strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

// timestamp is now as the store keeps it (UTC, microseconds).
func timestamp() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
