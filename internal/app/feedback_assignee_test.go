package app

import (
	"context"
	"testing"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestFeedbackAssigneeFromAccounts: the feedback inbox's team is the
// accounts' users with the services they may see; a disabled user gets
// no new items, and deleting a user leaves their items unassigned (the
// column's ON DELETE SET NULL), on both stores.
func TestFeedbackAssigneeFromAccounts(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := newTestApp(t, dsn)
			svc, err := a.Catalog.Create(ctx, catalog.Input{Name: "Apply", Domains: []string{"apply.example.gov"}})
			if err != nil {
				t.Fatal(err)
			}
			other, err := a.Catalog.Create(ctx, catalog.Input{Name: "Renew", Domains: []string{"renew.example.gov"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: "admin@example.gov", Role: auth.Admin}); err != nil {
				t.Fatal(err)
			}
			pat, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: "pat@example.gov", Role: auth.Editor, ServiceIDs: []int64{svc.ID}})
			if err != nil {
				t.Fatal(err)
			}
			it, err := a.Feedback.Enter(ctx, svc.ID, feedback.Input{Kind: "comment", Channel: "phone", Comment: "Call back about the permit"})
			if err != nil {
				t.Fatal(err)
			}
			elsewhere, err := a.Feedback.Enter(ctx, other.ID, feedback.Input{Kind: "comment", Channel: "phone", Comment: "Renewal question"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Feedback.Update(ctx, other.ID, elsewhere.ID, feedback.Change{Assignee: &pat.ID}); err == nil {
				t.Fatal("assigned an item of a service pat cannot see")
			}
			if it, err = a.Feedback.Update(ctx, svc.ID, it.ID, feedback.Change{Assignee: &pat.ID}); err != nil || it.AssigneeID != pat.ID {
				t.Fatalf("assign to pat: %v %v", it, err)
			}
			if _, total, _ := a.Feedback.List(ctx, feedback.Filter{Services: []int64{svc.ID}, Assignee: pat.ID}, 0, 0); total != 1 {
				t.Fatalf("pat has %d items, want 1", total)
			}
			if err := a.Accounts.SetDisabled(ctx, pat.ID, true); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Feedback.Bulk(ctx, []int64{svc.ID}, []int64{it.ID}, feedback.Change{Assignee: &pat.ID}); err == nil {
				t.Fatal("assigned to a disabled user")
			}
			if err := a.Accounts.DeleteUser(ctx, pat.ID); err != nil {
				t.Fatal(err)
			}
			if it, err = a.Feedback.Item(ctx, svc.ID, it.ID); err != nil || it.AssigneeID != 0 {
				t.Fatalf("after deleting pat the item is assigned to %d (%v)", it.AssigneeID, err)
			}
			if _, total, _ := a.Feedback.List(ctx, feedback.Filter{Services: []int64{svc.ID}, Unassigned: true}, 0, 0); total != 1 {
				t.Fatalf("%d unassigned items, want 1", total)
			}
		})
	}
}
