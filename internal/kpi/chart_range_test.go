package kpi

import "testing"

// TestRateRange: a rate's chart fits its figures and target, in tens of
// per cent, at least 20 points wide, within 0 to 100 %.
func TestRateRange(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		values      []float64
		target      *float64
		bottom, top float64
	}{
		{[]float64{0.38, 0.41, 0.39}, f(0.40), 0.3, 0.5},
		{[]float64{0.38, 0.41}, nil, 0.3, 0.5},
		{[]float64{0.02, 0.05}, nil, 0, 0.2},
		{[]float64{0.97, 0.99}, f(0.999), 0.8, 1},
		{[]float64{0.1, 0.9}, nil, 0.1, 0.9},
		{nil, nil, 0, 1},
	} {
		has := make([]bool, len(c.values))
		for i := range has {
			has[i] = true
		}
		b, tp := rateRange(c.values, has, c.target)
		if b != c.bottom || tp != c.top {
			t.Errorf("rateRange(%v, %v) = %v, %v; want %v, %v", c.values, c.target, b, tp, c.bottom, c.top)
		}
	}
}
