package feedback

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/scrub"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// Rule is one of a service's own scrubber patterns, such as its case
// reference format, applied with the built-in ones to every text written
// for the service.
type Rule struct {
	ID        int64
	ServiceID int64
	Name      string // what the text is replaced by, as "[name]"
	Pattern   string // a regular expression, as scrub.ValidateRule accepts
	CreatedAt time.Time
}

// Rules returns the service's own scrubber rules, oldest first.
func (f *Feedback) Rules(ctx context.Context, serviceID int64) ([]Rule, error) {
	return rules(ctx, f.db, serviceID)
}

func rules(ctx context.Context, q store.Querier, serviceID int64) ([]Rule, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, pattern, created_at FROM feedback_scrub_rules
		WHERE service_id = $1 ORDER BY id`, serviceID)
	if err != nil {
		return nil, fmt.Errorf("list scrubber rules of service %d: %w", serviceID, err)
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		r := Rule{ServiceID: serviceID}
		if err := rows.Scan(&r.ID, &r.Name, &r.Pattern, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("list scrubber rules of service %d: %w", serviceID, err)
		}
		r.CreatedAt = r.CreatedAt.UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list scrubber rules of service %d: %w", serviceID, err)
	}
	return out, nil
}

// AddRule adds a scrubber rule to the service. Its errors are an
// *InputError: 400 for a missing or unusable name or a pattern that
// scrub.ValidateRule refuses, 409 when the service has a rule of that name
// or already MaxRules rules.
func (f *Feedback) AddRule(ctx context.Context, serviceID int64, name, pattern string) (Rule, error) {
	r := Rule{ServiceID: serviceID, Name: strings.ToLower(strings.TrimSpace(name)), Pattern: strings.TrimSpace(pattern), CreatedAt: f.timestamp()}
	var errs web.FormErrors
	if r.Name == "" {
		errs.Add("name", "Enter a name for the rule, such as case-ref: it becomes the tag [case-ref]")
	}
	switch {
	case r.Pattern == "":
		errs.Add("pattern", "Enter the pattern: a regular expression, such as CASE-[0-9]{6}")
	case !web.ValidText(r.Pattern):
		errs.Add("pattern", "The pattern contains characters that cannot be stored")
	}
	if len(errs) == 0 {
		var re *scrub.RuleError
		if err := scrub.ValidateRule(scrub.Rule{Name: r.Name, Pattern: r.Pattern}); errors.As(err, &re) {
			what := "The name"
			if re.Field == "pattern" {
				what = "The pattern"
			}
			errs.Add(re.Field, what+" "+re.Msg)
		} else if err != nil {
			errs.Add("pattern", "The pattern cannot be used")
		}
	}
	if err := invalid(errs); err != nil {
		return Rule{}, err
	}
	err := f.db.Tx(ctx, func(tx store.Querier) error {
		var n, same int
		if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(CASE WHEN name = $2 THEN 1 ELSE 0 END), 0)
			FROM feedback_scrub_rules WHERE service_id = $1`, serviceID, r.Name).Scan(&n, &same); err != nil {
			return err
		}
		if same > 0 {
			return conflict("name", fmt.Sprintf("There is already a rule called “%s”", r.Name))
		}
		if n >= MaxRules {
			return conflict("name", fmt.Sprintf("A service may have at most %d rules: delete one first", MaxRules))
		}
		return tx.QueryRowContext(ctx, `INSERT INTO feedback_scrub_rules (service_id, name, pattern, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, serviceID, r.Name, r.Pattern, r.CreatedAt).Scan(&r.ID)
	})
	if store.IsUniqueViolation(err) {
		return Rule{}, conflict("name", fmt.Sprintf("There is already a rule called “%s”", r.Name))
	}
	if err != nil && !isInputError(err) {
		return Rule{}, fmt.Errorf("add scrubber rule to service %d: %w", serviceID, err)
	}
	return r, err
}

// DeleteRule deletes one of the service's rules, or returns
// store.ErrNotFound. Text already stored stays as it was scrubbed.
func (f *Feedback) DeleteRule(ctx context.Context, serviceID, id int64) error {
	res, err := f.db.ExecContext(ctx, `DELETE FROM feedback_scrub_rules WHERE id = $1 AND service_id = $2`, id, serviceID)
	if err != nil {
		return fmt.Errorf("delete scrubber rule %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete scrubber rule %d: %w", id, err)
	} else if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// Scrubber returns the scrubber for the service's text: the built-in rules
// and the service's own. Rules are read every time, so a change made on
// another node applies at once; the compiled scrubber is kept while they
// stay the same.
func (f *Feedback) Scrubber(ctx context.Context, serviceID int64) (*scrub.Scrubber, error) {
	return f.scrubber(ctx, f.db, serviceID)
}

func (f *Feedback) scrubber(ctx context.Context, q store.Querier, serviceID int64) (*scrub.Scrubber, error) {
	list, err := rules(ctx, q, serviceID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return scrub.Default(), nil
	}
	var key strings.Builder
	sr := make([]scrub.Rule, len(list))
	for i, r := range list {
		sr[i] = scrub.Rule{Name: r.Name, Pattern: r.Pattern}
		fmt.Fprintf(&key, "%d:%s\x00%s\x00", r.ID, r.Name, r.Pattern)
	}
	f.mu.Lock()
	c, ok := f.scrubbers[serviceID]
	f.mu.Unlock()
	if ok && c.key == key.String() {
		return c.s, nil
	}
	s, err := scrub.New(sr...)
	if err != nil {
		// A rule that was valid when added no longer compiles (the
		// scrubber changed). Writing the text with only the built-in
		// rules could store what the service's rule exists to remove.
		return nil, fmt.Errorf("compile scrubber rules of service %d: %w", serviceID, err)
	}
	f.mu.Lock()
	f.scrubbers[serviceID] = cachedScrubber{key: key.String(), s: s}
	f.mu.Unlock()
	return s, nil
}

func conflict(field, msg string) error {
	return web.TakenInput(web.FormErrors{{Field: field, Message: msg}})
}

func isInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}
