package analytics

// kind says which dimension a row of analytics_daily counts; its value is
// the dictionary id of the dimension's value (0 for kindTotal).
type kind int16

// The rollup kinds. Their numbers are stored: never change or reuse one.
const (
	kindTotal          kind = 0
	kindPage           kind = 1
	kindEntryPage      kind = 2
	kindExitPage       kind = 3
	kindSource         kind = 4
	kindReferrer       kind = 5
	kindChannel        kind = 6
	kindUTMSource      kind = 7
	kindUTMMedium      kind = 8
	kindUTMCampaign    kind = 9
	kindUTMTerm        kind = 10
	kindUTMContent     kind = 11
	kindDevice         kind = 12
	kindBrowser        kind = 13
	kindBrowserVersion kind = 14 // value: "Browser Version", as versions only mean something per browser
	kindOS             kind = 15
	kindOSVersion      kind = 16 // value: "OS Version"
	kindCountry        kind = 17
	kindName           kind = 18 // custom event names (goals)
	kindHostname       kind = 19

	kindHour kind = -1 // not stored: marks a visitor counted in an hour of analytics_hourly
)

// counts are the additive metrics of one rollup row. Unique visitors add
// up over days because visitor ids change every day.
type counts struct {
	visitors, visits, pageviews, events, bounces, duration int64
}

func (c *counts) add(o counts, sign int64) {
	c.visitors += sign * o.visitors
	c.visits += sign * o.visits
	c.pageviews += sign * o.pageviews
	c.events += sign * o.events
	c.bounces += sign * o.bounces
	c.duration += sign * o.duration
}

func (c counts) zero() bool { return c == counts{} }

type dailyKey struct {
	service int64
	day     int32
	kind    kind
	value   int64
}

type hourlyKey struct {
	service int64
	hour    int64
}

// deltas are a batch's changes to the rollups, summed per row before they
// are written, so that a batch writes each row once.
type deltas struct {
	daily  map[dailyKey]*counts
	hourly map[hourlyKey]*counts
}

func newDeltas() *deltas {
	return &deltas{daily: map[dailyKey]*counts{}, hourly: map[hourlyKey]*counts{}}
}

func (d *deltas) addDaily(k dailyKey, c counts, sign int64) {
	row := d.daily[k]
	if row == nil {
		row = &counts{}
		d.daily[k] = row
	}
	row.add(c, sign)
}

func (d *deltas) addHourly(k hourlyKey, c counts, sign int64) {
	row := d.hourly[k]
	if row == nil {
		row = &counts{}
		d.hourly[k] = row
	}
	row.add(c, sign)
}
