package analytics

import (
	"context"
	"time"

	"github.com/liveops/liveops/internal/statsquery"
)

// EventStore is where analytics keeps what the tracker sends: the raw
// events, the visits they make up, the dictionary of the strings both refer
// to by id, and the daily and hourly rollups. It is the one way in and out
// of those tables for every package (goals, kpi, demo, the dashboard and
// the stats API): no other package has SQL against them.
//
// The SQLite and PostgreSQL implementation is NewEventStore; ClickHouse is
// meant to be a second one. So reads are named by what their caller needs,
// not by table, writes come in batches, and nothing updates a stored event.
// WriteBatch takes the pipeline's own batch, so implementations live in
// this package. Inside it, the pipeline's dictionary (dict.go), restart
// (restore.go) and retention (retention.go) still use the tables of the
// SQL implementation directly.
type EventStore interface {
	// WriteBatch stores a batch in one transaction: its events, the final
	// state of the visits it touched and its rollup changes, all or none.
	WriteBatch(ctx context.Context, b *batch) error

	// HasEvents reports whether the service has any stored event.
	HasEvents(ctx context.Context, serviceID int64) (bool, error)

	// DataDays returns the first and the last day, in the service's time
	// zone, that the service's rollups count anything for (days since
	// 1970-01-01); ok is false when there is none.
	DataDays(ctx context.Context, serviceID int64) (first, last int32, ok bool, err error)

	// StringIDs looks values up in the dictionary: the result holds the id
	// of each value some event has carried, and no entry for the others.
	StringIDs(ctx context.Context, values []string) (map[string]int64, error)

	// StringsWithPrefix returns every dictionary string that starts with
	// prefix (compared byte by byte), with its id.
	StringsWithPrefix(ctx context.Context, prefix string) (map[string]int64, error)

	// StepEvents calls fn for each of the service's events in [From, To)
	// that q selects (see StepQuery), in the order q asks for.
	StepEvents(ctx context.Context, q StepQuery, fn func(StepEvent)) error

	// Arrivals counts the service's stored events at or after since, and
	// gives the time of its newest event (zero when it has none).
	Arrivals(ctx context.Context, serviceID int64, since time.Time) (n int64, last time.Time, err error)
	// RecentVisitors counts the distinct visitors whose visit had an event
	// at or after since.
	RecentVisitors(ctx context.Context, serviceID int64, since time.Time) (int64, error)

	// PropNames returns the custom property names the service's events in
	// the range carry, the most used first, at most limit of them.
	PropNames(ctx context.Context, serviceID int64, r statsquery.DateRange, limit int) ([]string, error)

	// Stats answers a Stats API query (see Stats.Run).
	Stats(ctx context.Context, r StatsRequest) (*Result, error)
}

// StepQuery asks for the events of one service that may complete a funnel
// step: those named one of Names, on any page, and those named PageName on
// one of Pages. Names and pages are dictionary ids (see StringIDs).
type StepQuery struct {
	Service  int64
	From, To int64 // Unix milliseconds, From inclusive, To exclusive
	Names    []int64
	PageName int64   // the id of "pageview", or 0 for no page condition
	Pages    []int64 // with PageName; none selects nothing
	By       StepKey // which id each event is reported with
	// Ordered asks for the events grouped by key and in time order within
	// a group; otherwise they come in whatever order is cheapest.
	Ordered bool
}

// StepKey says what groups step events: the visitor or the visit.
type StepKey int

// The keys of StepQuery.By.
const (
	ByVisitor StepKey = iota // StepEvent.Key is the visitor id
	BySession                // StepEvent.Key is the visit (session) id
)

// StepEvent is one event StepEvents returns.
type StepEvent struct {
	Key        int64 // visitor or visit id, as StepQuery.By asks
	TS         int64 // Unix milliseconds
	Name, Page int64 // dictionary ids
}

// StatsRequest is one Stats API query of one service, with the service's
// goals when the query names them.
type StatsRequest struct {
	Service int64
	Query   *statsquery.Query
	Goals   []ResolvedGoal
	rawOnly bool // never read rollups (tests compare both ways)
	columns bool // answer from columns in memory (stats_columns.go)
	// unprepared is called when the days of the range are not ready for
	// the column engine (Stats.Unprepared).
	unprepared func(service int64)
}
