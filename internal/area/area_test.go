package area

import (
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/jobs"
)

func TestCheck(t *testing.T) {
	job := func(name string) []jobs.Job { return []jobs.Job{{Name: name}} }
	cases := []struct {
		name  string
		areas []Area
		want  string // "" for none
	}{
		{"good", []Area{{Name: "analytics", Jobs: job("analytics.retention")}, {Name: "kpi"}}, ""},
		{"no name", []Area{{Name: ""}}, "no name"},
		{"twice", []Area{{Name: "kpi"}, {Name: "kpi"}}, "declared twice"},
		{"job of another area", []Area{{Name: "goals", Jobs: job("analytics.retention")}}, "must be named goals.<job>"},
		{"job named like a prefix", []Area{{Name: "goals", Jobs: job("goalsx.y")}}, "must be named goals.<job>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.areas)
			if (err == nil) != (tc.want == "") || err != nil && !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Check = %v, want %q", err, tc.want)
			}
		})
	}
}
