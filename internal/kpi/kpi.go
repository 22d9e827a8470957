// Package kpi reports how a live service performs on the four KPIs of
// DESIGN.md — completion rate, digital take-up, user satisfaction and cost
// per transaction — from live data wherever it can: digital transactions
// from the service's main funnel (the goals area), satisfaction from the
// feedback area's survey, and the other channels' transactions and the
// costs as teams submit them (API or CSV upload). It keeps targets per KPI,
// flags inputs that have gone stale, and publishes the figures of public
// services at /performance.
//
// Inputs from other areas come through the hooks in Options, so the package
// does not reach into their tables.
package kpi

import (
	"context"
	"sync"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/goals"
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

// TransactionsFunc counts a funnel's started and completed transactions per
// day of [from, to) in zone, every day in order; goals.(*Goals).Transactions
// is one. It returns store.ErrNotFound when the service has no such funnel.
type TransactionsFunc func(ctx context.Context, serviceID, funnelID int64, from, to time.Time, zone *time.Location) ([]goals.DayCount, error)

// SatisfactionFunc counts a service's satisfaction survey answers in
// [from, to) by rating: index 0 is rating 1 (very dissatisfied), index 4
// rating 5 (very satisfied).
type SatisfactionFunc func(ctx context.Context, serviceID int64, from, to time.Time) ([5]int, error)

// FunnelsFunc lists a service's funnels, for the choice of the main one;
// goals.(*Goals).Funnels is one.
type FunnelsFunc func(ctx context.Context, serviceID int64) ([]*goals.Funnel, error)

// Options connect the kpi area to the areas it reads. A nil hook means the
// input does not exist: no derived digital figures, no satisfaction answers
// or no funnels to choose from.
type Options struct {
	Transactions TransactionsFunc
	Satisfaction SatisfactionFunc
	Funnels      FunnelsFunc
	// LastAnswer is when the service last had a survey answer (zero for
	// never), shown as when user satisfaction was last updated.
	LastAnswer func(ctx context.Context, serviceID int64) (time.Time, error)
}

// KPI keeps transactions, costs, targets and settings, and computes the
// KPIs from them and from the hooks.
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
	days []goals.DayCount
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
