package jobs

import (
	"context"
	"strings"
	"testing"
	"time"
)

func nop(context.Context) error { return nil }

func TestNext(t *testing.T) {
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse("2006-01-02 15:04:05.000", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name  string
		job   Job
		after string
		want  string
	}{
		{"interval from a boundary", Job{Every: time.Hour}, "2026-03-01 12:00:00.000", "2026-03-01 13:00:00.000"},
		{"interval is aligned, not drifting", Job{Every: time.Hour}, "2026-03-01 12:34:56.789", "2026-03-01 13:00:00.000"},
		{"short interval", Job{Every: 300 * time.Millisecond}, "2026-03-01 12:00:00.299", "2026-03-01 12:00:00.300"},
		{"cron later today", Job{Cron: "0 3 * * *"}, "2026-03-01 02:59:59.000", "2026-03-01 03:00:00.000"},
		{"cron strictly after a start", Job{Cron: "0 3 * * *"}, "2026-03-01 03:00:00.500", "2026-03-02 03:00:00.000"},
		{"cron tag", Job{Cron: "@hourly"}, "2026-03-01 03:10:00.000", "2026-03-01 04:00:00.000"},
		{"cron with seconds", Job{Cron: "*/2 * * * * *"}, "2026-03-01 03:00:01.700", "2026-03-01 03:00:02.000"},
		{"cron with seconds on a tick", Job{Cron: "*/2 * * * * *"}, "2026-03-01 03:00:02.000", "2026-03-01 03:00:04.000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.job.next(at(tt.after))
			if err != nil {
				t.Fatal(err)
			}
			if want := at(tt.want); !got.Equal(want) {
				t.Errorf("next after %s = %v, want %v", tt.after, got.UTC(), want)
			}
		})
	}
}

func TestAddValidates(t *testing.T) {
	ok := Job{Name: "area.job", Every: time.Minute, Timeout: time.Second, Run: nop}
	with := func(f func(j *Job)) Job {
		j := ok
		f(&j)
		return j
	}
	tests := []struct {
		name string
		job  Job
		want string // in the error; "" for none
	}{
		{"valid", ok, ""},
		{"valid cron", with(func(j *Job) { j.Every, j.Cron = 0, "15 3 * * *" }), ""},
		{"empty name", with(func(j *Job) { j.Name = "" }), "name must be dotted"},
		{"upper case name", with(func(j *Job) { j.Name = "Area.Job" }), "name must be dotted"},
		{"name with an empty part", with(func(j *Job) { j.Name = "area..job" }), "name must be dotted"},
		{"no schedule", with(func(j *Job) { j.Every = 0 }), "give a schedule"},
		{"two schedules", with(func(j *Job) { j.Cron = "* * * * *" }), "not both"},
		{"negative interval", with(func(j *Job) { j.Every = -time.Second }), "positive number"},
		{"bad cron", with(func(j *Job) { j.Every, j.Cron = 0, "61 * * * *" }), "invalid cron"},
		{"cron nonsense", with(func(j *Job) { j.Every, j.Cron = 0, "every day" }), "invalid cron"},
		{"no timeout", with(func(j *Job) { j.Timeout = 0 }), "Timeout must be positive"},
		{"no Run", with(func(j *Job) { j.Run = nil }), "Run is nil"},
		{"unknown role", with(func(j *Job) { j.Role = "cook" }), "unknown role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(nil, Options{Node: "n"})
			if err != nil {
				t.Fatal(err)
			}
			err = r.Add(tt.job)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Add: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Add: got error %v, want one saying %q", err, tt.want)
			}
		})
	}

	t.Run("duplicate", func(t *testing.T) {
		r, _ := New(nil, Options{Node: "n"})
		if err := r.Add(ok); err != nil {
			t.Fatal(err)
		}
		if err := r.Add(ok); err == nil || !strings.Contains(err.Error(), "declared twice") {
			t.Errorf("second Add of %s: %v, want declared twice", ok.Name, err)
		}
		other := with(func(j *Job) { j.Name = "area.other" })
		if err := r.Add(other, other); err == nil {
			t.Error("Add of one name twice in one call succeeded")
		}
		if len(r.jobs) != 1 {
			t.Errorf("a failed Add added jobs: %d declared", len(r.jobs))
		}
	})
	t.Run("role defaults to worker", func(t *testing.T) {
		r, _ := New(nil, Options{Node: "n"})
		if err := r.Add(ok); err != nil {
			t.Fatal(err)
		}
		if got := r.jobs[0].Role; got != RoleWorker {
			t.Errorf("role %q, want worker", got)
		}
	})
}

func TestParseRoles(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"all", "web,ingest,worker", false},
		{"worker", "worker", false},
		{"web, ingest", "web,ingest", false},
		{"web,web", "web", false},
		{"", "", true},
		{"cook", "", true},
		{"web,all", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRoles(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseRoles(%q) error %v, want error %v", tt.in, err, tt.wantErr)
			}
			var s []string
			for _, r := range got {
				s = append(s, string(r))
			}
			if strings.Join(s, ",") != tt.want {
				t.Errorf("ParseRoles(%q) = %v, want %s", tt.in, got, tt.want)
			}
		})
	}
}
