package kpi

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name (go test -run Golden -update
// rewrites it).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update if the change is meant):\n%s", path, got)
	}
}

// chartPoints are four months: a completion rate with a gap, costs, and
// transactions through three channels.
func chartPoints() []Point {
	first, _ := parseDay("2026-01-01")
	var pts []Point
	for i, v := range []float64{0.72, 0.78, -1, 0.81} {
		m := monthOf(first)
		p := Point{period: m}
		if v >= 0 {
			p.KPIs.CompletionRate = known(v, 30)
		} else {
			p.KPIs.CompletionRate = unknown(reasonNoStarts, 0)
		}
		p.KPIs.CostPerTransaction = known(4.8-0.3*float64(i), 2)
		p.Counts.Completed[0] = 3000 + 400*float64(i)
		p.Counts.Completed[2] = 1500 - 200*float64(i)
		p.Counts.Completed[3] = 600 - 50*float64(i)
		pts = append(pts, p)
		first = m.Last + 1
	}
	return pts
}

func TestChartGolden(t *testing.T) {
	t.Parallel()
	pts := chartPoints()
	target := 0.8
	team := teamPage(false)
	golden(t, "completion-chart.golden", string(lineChart(CompletionRate, pts, nil, Monthly, &target, "GBP", team, "the period before"))+"\n")
	golden(t, "cost-chart.golden", string(lineChart(CostPerTransaction, pts, nil, Monthly, nil, "GBP", team, "the period before"))+"\n")
	got := string(channelChart(pts, Monthly, team)) + "\n"
	golden(t, "channel-chart.golden", got)
	if strings.Count(got, "<rect") != 4*3+numChannels {
		t.Errorf("%d rects, want a segment per channel with figures and a legend key per channel", strings.Count(got, "<rect"))
	}
}

// TestChartWithPeriodBefore: the period before's figures are a dotted
// line over the same points, broken where it has none, in the scale, and
// said in the chart's description (in the page's language).
func TestChartWithPeriodBefore(t *testing.T) {
	t.Parallel()
	pts, prev := chartPoints(), chartPoints()
	prev[0].KPIs.CompletionRate = known(0.55, 30)
	prev[1].KPIs.CompletionRate = unknown(reasonNoStarts, 0)
	prev[2].KPIs.CompletionRate = known(0.6, 30)
	got := string(lineChart(CompletionRate, pts, prev, Monthly, nil, "GBP", audience{lang: "cy"}, "y 12 mis cynt")) + "\n"
	golden(t, "completion-chart-before.golden", got)
	for _, want := range []string{"Siart linell ar raddfa o 50% i 90%", "Mae’r llinell lwyd ddotiog yn dangos y ffigurau ar gyfer y 12 mis cynt.",
		`<title id="chart-completion_rate-title">Cyfradd gwblhau fesul mis</title>`} {
		if !strings.Contains(got, want) {
			t.Errorf("chart lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, `stroke="`+previousColour+`"`); n != 1 {
		t.Errorf("%d lines of the period before, want 1 (its second point has no figure, so only the third and fourth join)", n)
	}
}
