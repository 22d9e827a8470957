package catalog

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestUniqueViolationIs409 plays a writer outside the catalog that takes a
// hostname between the check and the insert, on every attempt: the result
// must be a 409 on the right field, never a 500.
func TestUniqueViolationIs409(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := New(db)
		s, err := c.Create(ctx, Input{Name: "Taken", Domains: []string{"taken.example.gov"}})
		if err != nil {
			t.Fatal(err)
		}
		attempts := 0
		err = c.inTx(ctx, func(tx store.Querier) error {
			attempts++
			return insertDomains(ctx, tx, s.ID, []string{"taken.example.gov"})
		})
		var ie *InputError
		if !errors.As(err, &ie) || ie.Status != http.StatusConflict || ie.Errors[0].Field != "domains" {
			t.Fatalf("err = %v, want a 409 on domains", err)
		}
		var we interface{ Error() string }
		if we = errors.Unwrap(err); we == nil || we.Error() != "409 domains: Another change took this value at the same moment: check it and try again" {
			t.Fatalf("unwrapped = %v", we)
		}
		if attempts != 3 {
			t.Fatalf("%d attempts, want 3", attempts)
		}
	})
}
