package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store"
)

// verifyReport is what verify found; ok only when every check holds.
type verifyReport struct {
	Service string   `json:"service"`
	OK      bool     `json:"ok"`
	Checks  []check  `json:"checks"`
	Stored  stored   `json:"stored"`
	Storage *storage `json:"storage"`
	// EngagementNotStored were accepted and not stored: by design, those
	// that came with no visit to belong to.
	EngagementNotStored int64 `json:"engagement_not_stored"`
}

type check struct {
	What string `json:"what"`
	Want int64  `json:"want"`
	Got  int64  `json:"got"`
	OK   bool   `json:"ok"`
}

func cmdVerify(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("verify")
	dsn := fs.String("db", store.DefaultDSN, "the server's database: a SQLite path or a postgres:// URL")
	domain := fs.String("domain", "", "a hostname of the service the events were sent for")
	summaryFile := fs.String("summary", "", "the JSON that 'loadgen ingest --json' printed: gives the accepted counts, by event name")
	accepted := fs.Int64("accepted", -1, "events the server accepted (without --summary)")
	engagement := fs.Int64("engagement", 0, "how many of the accepted events were engagement events (without --summary)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseFlags(fs, args, "verify --db DSN --domain HOST (--summary FILE | --accepted N [--engagement M])", stdout); err != nil {
		return err
	}
	if *domain == "" || (*summaryFile == "") == (*accepted < 0) {
		return usageError{"verify: give --domain, and either --summary or --accepted"}
	}
	want := &summary{Accepted: *accepted, AcceptedEngagement: *engagement, AcceptedNoVisit: -1}
	if *summaryFile != "" {
		b, err := os.ReadFile(*summaryFile)
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		if err := json.Unmarshal(b, want); err != nil {
			return fmt.Errorf("verify: read %s: %w", *summaryFile, err)
		}
	}
	// The file sizes first: opening the database adds a fresh -wal file.
	files, err := fileBytes(*dsn)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	defer db.Close()
	rep, err := verify(ctx, db, *domain, want)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if rep.Storage, err = measureStorage(ctx, db, files); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	rep.Storage.perEvent(rep.Stored.Events + rep.Stored.Engagement)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		rep.writeText(stdout)
	}
	if err == nil && !rep.OK {
		err = errFailed
	}
	return err
}

// verify checks a service's stored events against its visits and rollups,
// and against what the load generator was told was accepted.
func verify(ctx context.Context, db *store.DB, domain string, want *summary) (*verifyReport, error) {
	svc, err := catalog.New(db).ByHost(ctx, domain)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("no service has the domain %q", domain)
	}
	if err != nil {
		return nil, err
	}
	st, err := readStored(ctx, db, svc)
	if err != nil {
		return nil, err
	}
	rep := &verifyReport{Service: svc.Slug, Stored: *st, OK: true,
		EngagementNotStored: want.AcceptedEngagement - st.Engagement}
	add := func(what string, want, got int64) {
		c := check{What: what, Want: want, Got: got, OK: want == got}
		rep.OK = rep.OK && c.OK
		rep.Checks = append(rep.Checks, c)
	}
	// What the issue demands: the rollups' totals equal the stored events.
	d, h, s := &st.Daily, &st.Hourly, &st.Sessions
	add("daily events = stored events (not engagement)", st.Events, d.Events)
	add("daily page views = stored page views", st.Pageviews, d.Pageviews)
	add("daily visits = stored visits", s.Count, d.Visits)
	add("daily visitors = distinct visitors a day", st.VisitorDays, d.Visitors)
	add("daily bounces = bounced visits", s.Bounces, d.Bounces)
	add("daily duration = visits' durations (ms)", s.Duration, d.Duration)
	add("hourly events = stored events (not engagement)", st.Events, h.Events)
	add("hourly page views = stored page views", st.Pageviews, h.Pageviews)
	add("hourly visits = stored visits", s.Count, h.Visits)
	add("hourly visitors = distinct visitors an hour", st.VisitorHours, h.Visitors)
	add("hourly bounces = bounced visits", s.Bounces, h.Bounces)
	add("hourly duration = visits' durations (ms)", s.Duration, h.Duration)
	add("visits' events = stored events (not engagement)", st.Events, s.Events)
	add("visits' page views = stored page views", st.Pageviews, s.Pageviews)
	// And every accepted event is stored, exactly, but for engagement
	// events that came with no visit, which are not stored by design.
	add("stored events (not engagement) = accepted", want.Accepted-want.AcceptedEngagement, st.Events)
	if want.AcceptedNoVisit >= 0 {
		add("stored engagement = accepted with a visit", want.AcceptedEngagement-want.AcceptedNoVisit, st.Engagement)
	} else if st.Engagement > want.AcceptedEngagement {
		add("stored engagement <= accepted", want.AcceptedEngagement, st.Engagement)
	}
	if len(want.AcceptedByName) > 0 {
		names := maps.Clone(want.AcceptedByName)
		maps.Copy(names, st.ByName)
		for _, name := range slices.Sorted(maps.Keys(names)) {
			if name != engagementName {
				add("stored "+name+" = accepted", want.AcceptedByName[name], st.ByName[name])
			}
		}
	}
	return rep, nil
}

func (r *verifyReport) writeText(w io.Writer) {
	st := &r.Stored
	fmt.Fprintf(w, "service       %s\n", r.Service)
	fmt.Fprintf(w, "stored        %d events: %d page views, %d other, %d engagement; %d visits\n",
		st.Events+st.Engagement, st.Pageviews, st.Events-st.Pageviews, st.Engagement, st.Sessions.Count)
	fmt.Fprintf(w, "not stored    %d accepted engagement events (by design: those with no visit)\n", r.EngagementNotStored)
	for _, c := range r.Checks {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "%s  %-48s want %d, got %d\n", mark, c.What, c.Want, c.Got)
	}
	r.Storage.writeText(w)
	if r.OK {
		fmt.Fprintln(w, "invariant     OK")
	} else {
		fmt.Fprintln(w, "invariant     FAIL")
	}
}
