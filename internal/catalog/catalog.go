// Package catalog is the service catalog: the live services a team runs,
// with the hostnames their pages are served on, their owner, phase and time
// zone. Every other area hangs its data on a catalog service.
package catalog

import (
	"time"

	_ "time/tzdata" // the binary carries the zone database, so time zones work on any host

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// Phase is where a service is in its life.
type Phase string

// The phases a live service goes through.
const (
	PhaseBeta     Phase = "beta"
	PhaseLive     Phase = "live"
	PhaseRetiring Phase = "retiring"
)

// Label is the phase as shown on pages.
func (p Phase) Label() string {
	switch p {
	case PhaseBeta:
		return "Beta"
	case PhaseRetiring:
		return "Retiring"
	}
	return "Live"
}

// Service is one service in the catalog.
type Service struct {
	ID          int64
	Slug        string // unique, URL-safe, never changes
	Name        string
	Description string
	Owner       string // a team or role, free text
	Timezone    string // IANA name; days in reports start at midnight here
	Phase       Phase
	Public      bool     // its figures may be published
	Domains     []string // lowercase hostnames, in the order the user gave them
	ArchivedAt  *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Archived reports whether the service has been archived.
func (s *Service) Archived() bool { return s.ArchivedAt != nil }

// Location is the service's time zone, UTC when its name no longer loads.
func (s *Service) Location() *time.Location {
	if loc, err := time.LoadLocation(s.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

// Input is a new service as a user describes it. Empty Slug, Timezone and
// Phase take their defaults: a slug derived from Name, UTC and live.
type Input struct {
	Name        string   `json:"name"`
	Slug        string   `json:"slug"`
	Domains     []string `json:"domains"`
	Description string   `json:"description"`
	Owner       string   `json:"owner"`
	Timezone    string   `json:"timezone"`
	Phase       Phase    `json:"phase"`
	Public      bool     `json:"public"`
}

// Patch changes some fields of a service: a nil field is left as it is.
// Slug may only repeat the current slug; Archived archives or restores.
type Patch struct {
	Name        *string   `json:"name"`
	Slug        *string   `json:"slug"`
	Domains     *[]string `json:"domains"`
	Description *string   `json:"description"`
	Owner       *string   `json:"owner"`
	Timezone    *string   `json:"timezone"`
	Phase       *Phase    `json:"phase"`
	Public      *bool     `json:"public"`
	Archived    *bool     `json:"archived"`
}

// ListOptions selects the services List returns.
type ListOptions struct {
	IncludeArchived bool
}

// InputError is what creating or changing returns for input that cannot
// be stored; see web.InputError.
type InputError = web.InputError

// DefaultEventRetentionDays is how long a new service keeps its raw
// analytics events (the analytics area deletes older ones; its daily
// rollups stay): 13 months, so that a month compares with the same month
// a year before. The column is the analytics area's, set here because a
// service is created here.
const DefaultEventRetentionDays = 396

// Catalog reads and changes the services in the store.
type Catalog struct {
	db *store.DB
}

// New returns the catalog kept in db.
func New(db *store.DB) *Catalog {
	return &Catalog{db: db}
}

// timestamp is the current time as the store keeps it: UTC, whole
// microseconds (PostgreSQL's precision), so a value read back compares equal.
func (c *Catalog) timestamp() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}
