package kpi

import "math"

// Rating says how a KPI stands against its target.
type Rating string

// The ratings. Near is within NearTarget of the target, relative to it, on
// the wrong side.
const (
	OnTarget  Rating = "on_target"
	Near      Rating = "near"
	OffTarget Rating = "off_target"
)

// NearTarget is how far short of its target, as a share of the target, a
// KPI may fall and still be rated near: 5 %.
const NearTarget = 0.05

// Label is the rating as pages show it.
func (r Rating) Label() string {
	switch r {
	case OnTarget:
		return "On target"
	case Near:
		return "Near target"
	case OffTarget:
		return "Off target"
	}
	return ""
}

// Class is the tag style pages give the rating: green, amber or red, each
// with its icon and its words, so colour is never the only sign.
func (r Rating) Class() string {
	switch r {
	case OnTarget:
		return "tag rating-on"
	case Near:
		return "tag rating-near"
	case OffTarget:
		return "tag rating-off"
	}
	return "tag"
}

// Icon is the rating's sign beside its words (hidden from screen readers,
// which read the words).
func (r Rating) Icon() string {
	switch r {
	case OnTarget:
		return "✓"
	case Near:
		return "!"
	case OffTarget:
		return "✗"
	}
	return ""
}

// Trend says which way a KPI moved since the period before.
type Trend string

// The trends; an empty Trend means one of the two periods has no figure.
const (
	Up   Trend = "up"
	Down Trend = "down"
	Same Trend = "same"
)

// Assessment is one KPI over a period, against the period before and its
// target.
type Assessment struct {
	Name      Name
	Current   Measure
	Previous  Measure
	Target    Target
	HasTarget bool
	Rating    Rating  // "" without a target or a figure
	Trend     Trend   // "" unless both periods have a figure
	Change    float64 // Current − Previous, when Trend is set
	// Better is +1 when the change is the way the KPI should move (the
	// target's direction, or up for rates and down for costs), −1 when it
	// is the other way, 0 when there is no change or no trend.
	Better int
}

// assess rates measure n against its target and the period before.
func assess(n Name, cur, prev Measure, s Settings) Assessment {
	a := Assessment{Name: n, Current: cur, Previous: prev}
	dir := n.defaultDirection()
	if t, ok := s.Targets[n]; ok {
		a.Target, a.HasTarget, dir = t, true, t.Direction
		if cur.Known {
			a.Rating = rate(cur.Value, t.Value(), t.Direction)
		}
	}
	if cur.Known && prev.Known {
		a.Change = cur.Value - prev.Value
		switch {
		case math.Abs(a.Change) < 1e-12:
			a.Trend, a.Change = Same, 0
		case a.Change > 0:
			a.Trend = Up
		default:
			a.Trend = Down
		}
		switch {
		case a.Trend == Same:
		case (a.Trend == Up) == (dir == Higher):
			a.Better = 1
		default:
			a.Better = -1
		}
	}
	return a
}

// rate compares v with target t: on target when it is there or beyond,
// near when it falls short by at most NearTarget of t, off target otherwise.
func rate(v, t float64, dir Direction) Rating {
	if dir == Lower {
		switch {
		case v <= t:
			return OnTarget
		case v <= t*(1+NearTarget):
			return Near
		}
		return OffTarget
	}
	switch {
	case v >= t:
		return OnTarget
	case v >= t*(1-NearTarget):
		return Near
	}
	return OffTarget
}
