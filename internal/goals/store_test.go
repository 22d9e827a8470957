package goals_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
)

// inputError fails the test unless err is an *InputError with status whose
// first problem is about field, and returns it.
func inputError(t *testing.T, err error, status int, field string) *goals.InputError {
	t.Helper()
	var ie *goals.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want an InputError", err)
	}
	if ie.Status != status || len(ie.Errors) == 0 || ie.Errors[0].Field != field {
		t.Fatalf("err = %v, want %d about %s", ie, status, field)
	}
	return ie
}

func TestCreateGoalValidation(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 121)
	cases := []struct {
		name  string
		in    goals.GoalInput
		field string // "" when valid
		msg   string // part of the message
		want  goals.Goal
	}{
		{name: "page goal", in: goals.GoalInput{GoalType: "page", PagePath: "/apply/done"},
			want: goals.Goal{Kind: goals.KindPage, PagePath: "/apply/done", DisplayName: "Visit /apply/done"}},
		{name: "leading slash added and trimmed", in: goals.GoalInput{GoalType: "page", PagePath: "  apply/*  "},
			want: goals.Goal{Kind: goals.KindPage, PagePath: "/apply/*", DisplayName: "Visit /apply/*"}},
		{name: "event goal", in: goals.GoalInput{GoalType: "event", EventName: " Signup "},
			want: goals.Goal{Kind: goals.KindEvent, EventName: "Signup", DisplayName: "Signup"}},
		{name: "display name given", in: goals.GoalInput{GoalType: "event", EventName: "Signup", DisplayName: " Signed up "},
			want: goals.Goal{Kind: goals.KindEvent, EventName: "Signup", DisplayName: "Signed up"}},
		{name: "kind inferred from the path", in: goals.GoalInput{PagePath: "/x"},
			want: goals.Goal{Kind: goals.KindPage, PagePath: "/x", DisplayName: "Visit /x"}},
		{name: "kind inferred from the event", in: goals.GoalInput{EventName: "Download"},
			want: goals.Goal{Kind: goals.KindEvent, EventName: "Download", DisplayName: "Download"}},
		{name: "the other kind's field is ignored", in: goals.GoalInput{GoalType: "page", PagePath: "/y", EventName: "Z"},
			want: goals.Goal{Kind: goals.KindPage, PagePath: "/y", DisplayName: "Visit /y"}},
		{name: "hash route", in: goals.GoalInput{GoalType: "page", PagePath: "/app#/done"},
			want: goals.Goal{Kind: goals.KindPage, PagePath: "/app#/done", DisplayName: "Visit /app#/done"}},
		{name: "unicode event", in: goals.GoalInput{GoalType: "event", EventName: "Inscription réussie"},
			want: goals.Goal{Kind: goals.KindEvent, EventName: "Inscription réussie", DisplayName: "Inscription réussie"}},

		{name: "no kind", in: goals.GoalInput{}, field: "goal_type", msg: "page visit or a custom event"},
		{name: "unknown kind", in: goals.GoalInput{GoalType: "scroll", PagePath: "/"}, field: "goal_type", msg: "page or event, not “scroll”"},
		{name: "both without kind", in: goals.GoalInput{PagePath: "/", EventName: "X"}, field: "goal_type"},
		{name: "no path", in: goals.GoalInput{GoalType: "page", PagePath: "   "}, field: "page_path", msg: "Enter the path"},
		{name: "full URL", in: goals.GoalInput{GoalType: "page", PagePath: "https://apply.example.gov/done"}, field: "page_path", msg: "without https://"},
		{name: "query string", in: goals.GoalInput{GoalType: "page", PagePath: "/search?q=1"}, field: "page_path", msg: "query string"},
		{name: "control character", in: goals.GoalInput{GoalType: "page", PagePath: "/a\tb"}, field: "page_path", msg: "control characters"},
		{name: "path too long", in: goals.GoalInput{GoalType: "page", PagePath: "/" + strings.Repeat("a", 2000)}, field: "page_path", msg: "2000 characters"},
		{name: "no event name", in: goals.GoalInput{GoalType: "event"}, field: "event_name", msg: "Enter the name"},
		{name: "pageview", in: goals.GoalInput{GoalType: "event", EventName: "pageview"}, field: "event_name", msg: "page visit goal instead"},
		{name: "engagement", in: goals.GoalInput{GoalType: "event", EventName: "engagement"}, field: "event_name", msg: "reserved"},
		{name: "event name too long", in: goals.GoalInput{GoalType: "event", EventName: long}, field: "event_name", msg: "120 characters"},
		{name: "event with NUL", in: goals.GoalInput{GoalType: "event", EventName: "a\x00b"}, field: "event_name"},
		{name: "display name too long", in: goals.GoalInput{GoalType: "event", EventName: "A", DisplayName: strings.Repeat("é", 201)}, field: "display_name", msg: "200 characters"},
		{name: "display name with newline", in: goals.GoalInput{GoalType: "event", EventName: "A", DisplayName: "a\nb"}, field: "display_name"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cat, g := catalog.New(db), goals.New(db)
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				// A service per case, so that valid cases do not clash.
				svc := newService(t, cat, fmt.Sprintf("Apply %d", i), fmt.Sprintf("apply%d.example.gov", i), "UTC")
				g, err := g.CreateGoal(context.Background(), svc.ID, tc.in)
				if tc.field != "" {
					ie := inputError(t, err, http.StatusBadRequest, tc.field)
					if !strings.Contains(ie.Errors[0].Message, tc.msg) {
						t.Fatalf("message %q does not say %q", ie.Errors[0].Message, tc.msg)
					}
					var we *web.Error
					if !errors.As(err, &we) || we.Status != 400 || we.Field != tc.field {
						t.Fatalf("as a web error: %v", we)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if g.ID == 0 || g.ServiceID != svc.ID || g.Kind != tc.want.Kind || g.PagePath != tc.want.PagePath ||
					g.EventName != tc.want.EventName || g.DisplayName != tc.want.DisplayName || g.CreatedAt.IsZero() {
					t.Fatalf("created %+v, want %+v", g, tc.want)
				}
			})
		}
	})
}

// TestGoalsAndFunnelsStore runs the store's rules on both engines: unique
// goals, funnels of 2 to 8 of the service's own goals, goals in use kept.
func TestGoalsAndFunnelsStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat := catalog.New(db)
		g := goals.New(db)
		svc := newService(t, cat, "Apply", "apply.example.gov", "UTC")
		other := newService(t, cat, "Renew", "renew.example.gov", "UTC")

		mk := func(in goals.GoalInput) goals.Goal {
			t.Helper()
			gl, err := g.CreateGoal(ctx, svc.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			return gl
		}
		start := mk(goals.GoalInput{GoalType: "page", PagePath: "/start"})
		form := mk(goals.GoalInput{GoalType: "page", PagePath: "/form/*", DisplayName: "Form page"})
		submit := mk(goals.GoalInput{GoalType: "event", EventName: "Submit"})
		done := mk(goals.GoalInput{GoalType: "page", PagePath: "/done"})
		foreign, err := g.CreateGoal(ctx, other.ID, goals.GoalInput{GoalType: "page", PagePath: "/start"})
		if err != nil {
			t.Fatalf("the same goal on another service: %v", err)
		}

		// Duplicates are 409s naming the field.
		for _, tc := range []struct {
			in    goals.GoalInput
			field string
			msg   string
		}{
			{goals.GoalInput{GoalType: "page", PagePath: "start"}, "page_path", "There is already a goal for visits to /start: “Visit /start”"},
			{goals.GoalInput{GoalType: "event", EventName: "Submit", DisplayName: "Sent"}, "event_name", "There is already a goal for the event Submit"},
			{goals.GoalInput{GoalType: "page", PagePath: "/other", DisplayName: "Form page"}, "display_name", "Another goal is already called “Form page”"},
			{goals.GoalInput{GoalType: "event", EventName: "Visit /done"}, "display_name", "already called “Visit /done”"},
		} {
			_, err := g.CreateGoal(ctx, svc.ID, tc.in)
			ie := inputError(t, err, http.StatusConflict, tc.field)
			if !strings.Contains(ie.Errors[0].Message, tc.msg) {
				t.Errorf("%+v: message %q", tc.in, ie.Errors[0].Message)
			}
		}
		// Case matters, as for the events themselves.
		if _, err := g.CreateGoal(ctx, svc.ID, goals.GoalInput{GoalType: "event", EventName: "submit"}); err != nil {
			t.Fatalf("an event name differing in case: %v", err)
		}

		list, err := g.List(ctx, svc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, gl := range list {
			names = append(names, gl.DisplayName)
		}
		if want := []string{"Form page", "Submit", "submit", "Visit /done", "Visit /start"}; !slices.Equal(names, want) {
			t.Fatalf("goals %q, want %q", names, want)
		}
		if got, err := g.Goal(ctx, svc.ID, form.ID); err != nil || got != form {
			t.Fatalf("Goal = %+v, %v; want %+v", got, err, form)
		}
		if _, err := g.Goal(ctx, svc.ID, foreign.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another service's goal: %v", err)
		}

		// Funnels.
		for _, tc := range []struct {
			name  string
			in    goals.FunnelInput
			field string
			msg   string
		}{
			{"no name", goals.FunnelInput{Name: " ", Steps: []int64{start.ID, done.ID}}, "name", "Enter a name"},
			{"name too long", goals.FunnelInput{Name: strings.Repeat("n", 121), Steps: []int64{start.ID, done.ID}}, "name", "120 characters"},
			{"one step", goals.FunnelInput{Name: "F", Steps: []int64{start.ID}}, "steps", "at least 2"},
			{"no steps", goals.FunnelInput{Name: "F"}, "steps", "at least 2"},
			{"nine steps", goals.FunnelInput{Name: "F", Steps: []int64{1, 2, 3, 4, 5, 6, 7, 8, 9}}, "steps", "at most 8"},
			{"repeated goal", goals.FunnelInput{Name: "F", Steps: []int64{start.ID, done.ID, start.ID}}, "steps-3", "Step 3 repeats step 1"},
			{"unknown goal", goals.FunnelInput{Name: "F", Steps: []int64{start.ID, 999_999}}, "steps-2", "Step 2 is not one of the service’s goals"},
			{"another service's goal", goals.FunnelInput{Name: "F", Steps: []int64{start.ID, foreign.ID}}, "steps-2", "not one of the service’s goals"},
		} {
			_, err := g.CreateFunnel(ctx, svc.ID, tc.in)
			ie := inputError(t, err, http.StatusBadRequest, tc.field)
			if !strings.Contains(ie.Errors[0].Message, tc.msg) {
				t.Errorf("%s: message %q", tc.name, ie.Errors[0].Message)
			}
			var we *web.Error
			if errors.As(err, &we); strings.HasPrefix(tc.field, "steps") && we.Field != "steps" {
				t.Errorf("%s: the API field is %q, want steps", tc.name, we.Field)
			}
		}
		f, err := g.CreateFunnel(ctx, svc.ID, goals.FunnelInput{Name: " Apply ", Steps: []int64{start.ID, form.ID, submit.ID, done.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if f.Name != "Apply" || len(f.Steps) != 4 || f.Steps[1] != form || f.Steps[3] != done {
			t.Fatalf("funnel %+v", f)
		}
		_, err = g.CreateFunnel(ctx, svc.ID, goals.FunnelInput{Name: "Apply", Steps: []int64{start.ID, done.ID}})
		inputError(t, err, http.StatusConflict, "name")
		short, err := g.CreateFunnel(ctx, svc.ID, goals.FunnelInput{Name: "Short", Steps: []int64{done.ID, start.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := g.CreateFunnel(ctx, other.ID, goals.FunnelInput{Name: "Apply", Steps: []int64{foreign.ID, foreign.ID}}); err == nil {
			t.Fatal("a funnel of one goal twice was added")
		}
		got, err := g.FunnelByID(ctx, svc.ID, f.ID)
		if err != nil || got.Name != "Apply" || len(got.Steps) != 4 || got.Steps[0] != start || got.Steps[2] != submit {
			t.Fatalf("FunnelByID = %+v, %v", got, err)
		}
		if _, err := g.FunnelByID(ctx, other.ID, f.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("funnel through another service: %v", err)
		}
		all, err := g.Funnels(ctx, svc.ID)
		if err != nil || len(all) != 2 || all[0].ID != f.ID || all[1].ID != short.ID || all[1].Steps[0] != done {
			t.Fatalf("Funnels = %+v, %v", all, err)
		}

		// A goal in use is kept, with the funnels named.
		err = g.DeleteGoal(ctx, svc.ID, start.ID)
		var inUse *goals.InUseError
		if !errors.As(err, &inUse) || !slices.Equal(inUse.Funnels, []string{"Apply", "Short"}) {
			t.Fatalf("delete a goal in use: %v", err)
		}
		if msg := inUse.Message(); msg != "“Visit /start” is a step of the funnels “Apply” and “Short”: delete those funnels first." {
			t.Fatalf("message %q", msg)
		}
		if fault.KindOf(err) != fault.Conflict {
			t.Fatalf("delete a goal in use = %v, want a Conflict fault", err)
		}
		if err := g.DeleteGoal(ctx, other.ID, start.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete through another service: %v", err)
		}
		if err := g.DeleteFunnel(ctx, other.ID, short.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete a funnel through another service: %v", err)
		}
		if err := g.DeleteFunnel(ctx, svc.ID, short.ID); err != nil {
			t.Fatal(err)
		}
		err = g.DeleteGoal(ctx, svc.ID, start.ID)
		if !errors.As(err, &inUse) || inUse.Message() != "“Visit /start” is a step of the funnel “Apply”: delete that funnel first." {
			t.Fatalf("delete a goal in one funnel: %v", err)
		}
		if err := g.DeleteFunnel(ctx, svc.ID, f.ID); err != nil {
			t.Fatal(err)
		}
		if err := g.DeleteFunnel(ctx, svc.ID, f.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
		if err := g.DeleteGoal(ctx, svc.ID, start.ID); err != nil {
			t.Fatalf("delete a goal no longer in use: %v", err)
		}
		if err := g.DeleteGoal(ctx, svc.ID, start.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
		// The goal's path is free again.
		if _, err := g.CreateGoal(ctx, svc.ID, goals.GoalInput{GoalType: "page", PagePath: "/start"}); err != nil {
			t.Fatal(err)
		}
	})
}
