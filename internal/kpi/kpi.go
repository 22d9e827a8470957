// Package kpi reports how a live service performs on the four KPIs of
// DESIGN.md — completion rate, digital take-up, user satisfaction and cost
// per transaction — from live data wherever it can: digital transactions
// from the service's main funnel (the goals area), satisfaction from the
// feedback area's survey, and the other channels' transactions and the
// costs as teams submit them (API or CSV upload). It keeps targets per KPI,
// flags inputs that have gone stale, and publishes the figures of public
// services at /performance.
//
// Inputs from other areas come through the metric registry (and the list
// of funnels through Options.Funnels), so the package does not reach into
// their tables; it registers the four KPIs there in turn (Metrics).
package kpi

import (
	"context"
	"sync"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/metric"
	"github.com/liveops/liveops/internal/store"
)

// Channel is a way users transact with a service.
type Channel string

// The channels, in the order pages list them.
const (
	Digital         Channel = "digital"
	AssistedDigital Channel = "assisted_digital"
	Phone           Channel = "phone"
	Paper           Channel = "paper"
	FaceToFace      Channel = "face_to_face"
	Other           Channel = "other"
)

// AllChannels is the cost channel of costs shared by every channel.
const AllChannels Channel = "all"

// Channels lists every transaction channel, digital first.
var Channels = [...]Channel{Digital, AssistedDigital, Phone, Paper, FaceToFace, Other}

// numChannels is len(Channels); costIndexAll is AllChannels's index in
// arrays of costs by channel.
const (
	numChannels  = len(Channels)
	costIndexAll = numChannels
)

// Label is the channel as pages name it.
func (c Channel) Label() string {
	switch c {
	case Digital:
		return "Digital"
	case AssistedDigital:
		return "Assisted digital"
	case Phone:
		return "Phone"
	case Paper:
		return "Paper"
	case FaceToFace:
		return "Face to face"
	case Other:
		return "Other"
	case AllChannels:
		return "All channels"
	}
	return string(c)
}

// index is the channel's position in Channels (costIndexAll for
// AllChannels), or -1 for an unknown one.
func (c Channel) index() int {
	for i, ch := range Channels {
		if ch == c {
			return i
		}
	}
	if c == AllChannels {
		return costIndexAll
	}
	return -1
}

// FunnelsFunc lists a service's funnels, for the choice of the main one;
// goals.(*Goals).Funnels is one.
type FunnelsFunc func(ctx context.Context, serviceID int64) ([]*goals.Funnel, error)

// The metrics the kpi area reads (see the metric package): the main
// funnel's digital transactions, asked for with the parameter funnel, and
// the satisfaction survey's answers, with the parameter rating.
const (
	metricStarted   = "transactions_started"
	metricCompleted = "transactions_completed"
	metricAnswers   = "satisfaction_answers"
)

// Options connect the kpi area to the areas it reads.
type Options struct {
	// Metrics is where the main funnel's transactions and the survey's
	// answers are read from. Without it, or without those metrics, there
	// are no derived digital figures and no answers.
	Metrics *metric.Registry
	// Funnels lists the funnels to choose the main one from (not a
	// figure, so not a metric); nil means there are none.
	Funnels FunnelsFunc
}

// KPI keeps transactions, costs, targets and settings, and computes the
// KPIs from them and from the other areas' metrics.
type KPI struct {
	db  *store.DB
	cat *catalog.Catalog
	opt Options
	// Now is the clock that says what today is and how old inputs are;
	// tests set it.
	Now func() time.Time

	// funnelSeen remembers, for a minute, when each main funnel last had a
	// start: finding out reads today's raw events, and every report, tile
	// and public page asks.
	mu         sync.Mutex
	funnelSeen map[funnelSeenKey]funnelSeenEntry
}

type funnelSeenKey struct {
	service, funnel int64
	age             int
}

type funnelSeenEntry struct {
	days []funnelDay
	at   time.Time
}

// funnelSeenFor is how long a funnel's recent days are reused.
const funnelSeenFor = time.Minute

// New returns the kpi area over db, reading other areas through opt.
func New(db *store.DB, cat *catalog.Catalog, opt Options) *KPI {
	return &KPI{db: db, cat: cat, opt: opt, Now: time.Now, funnelSeen: map[funnelSeenKey]funnelSeenEntry{}}
}

// timestamp is now as the store keeps it (UTC, microseconds).
func (k *KPI) timestamp() time.Time { return k.Now().UTC().Truncate(time.Microsecond) }
