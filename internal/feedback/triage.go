package feedback

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// Change is a triage change to one item or many: a nil or empty field is
// left as it is. Tags replaces every tag; AddTags and RemoveTags change
// some. Note is the team's internal note, scrubbed like everything else.
type Change struct {
	Status     *Status   `json:"status"`
	Tags       *[]string `json:"tags"`
	AddTags    []string  `json:"add_tags"`
	RemoveTags []string  `json:"remove_tags"`
	Note       *string   `json:"note"`
	// Held false counts a held item in the figures; true holds one back.
	Held *bool `json:"held"`
	// Assignee is the id of the user to assign the items to, 0 to leave
	// them unassigned. They must be active and see each item's service.
	Assignee *int64 `json:"assignee_id"`
}

// MaxBulk is the most items one bulk change may name.
const MaxBulk = 500

// check validates c and returns it with its tags cleaned.
func (c Change) check() (Change, web.FormErrors) {
	var errs web.FormErrors
	if c.Status != nil && !validStatus(*c.Status) {
		errs.Add("status", "status must be new, triaged, actioned or no_action")
	}
	if c.Tags != nil {
		tags, e := cleanTags("tags", *c.Tags)
		errs = append(errs, e...)
		if tags == nil {
			tags = []string{}
		}
		c.Tags = &tags
	}
	var e web.FormErrors
	c.AddTags, e = cleanTags("add_tags", c.AddTags)
	errs = append(errs, e...)
	c.RemoveTags, e = cleanTags("remove_tags", c.RemoveTags)
	errs = append(errs, e...)
	if c.Assignee != nil && *c.Assignee < 0 {
		errs.Add("assignee", "assignee_id must be the id of a user, or 0 for nobody")
	}
	if c.Note != nil {
		n := strings.TrimSpace(*c.Note)
		switch {
		case !web.ValidText(n):
			errs.Add("note", "note contains characters that cannot be stored")
		case utf8.RuneCountInString(n) > MaxTextLen:
			errs.Add("note", fmt.Sprintf("note must be %s characters or fewer", thousands(MaxTextLen)))
		}
		c.Note = &n
	}
	return c, errs
}

func (c Change) empty() bool {
	return c.Status == nil && c.Tags == nil && len(c.AddTags) == 0 && len(c.RemoveTags) == 0 && c.Note == nil && c.Held == nil && c.Assignee == nil
}

// invalidField is an *InputError with one problem.
func invalidField(field, msg string) error {
	return invalid(web.FormErrors{{Field: field, Message: msg}})
}

// Update applies c to one item of the service and returns it changed; an
// empty c changes nothing. Its errors are store.ErrNotFound and an
// *InputError (400, by field).
func (f *Feedback) Update(ctx context.Context, serviceID, id int64, c Change) (*Item, error) {
	c, errs := c.check()
	if err := invalid(errs); err != nil {
		return nil, err
	}
	if c.empty() {
		return f.Item(ctx, serviceID, id)
	}
	before, err := f.Item(ctx, serviceID, id)
	if err != nil {
		return nil, err
	}
	who, err := f.assignee(ctx, c)
	if err != nil {
		return nil, err
	}
	if c.Note != nil {
		sc, err := f.Scrubber(ctx, serviceID)
		if err != nil {
			return nil, err
		}
		n := sc.String(*c.Note)
		c.Note = &n
	}
	var n int
	err = f.db.Tx(ctx, func(tx store.Querier) error {
		var err error
		n, err = f.apply(ctx, tx, []int64{serviceID}, []int64{id}, c, who)
		return err
	})
	if err != nil {
		if isInputError(err) {
			return nil, err
		}
		return nil, fmt.Errorf("change feedback %d: %w", id, err)
	}
	if n == 0 {
		return nil, store.ErrNotFound
	}
	after, err := f.Item(ctx, serviceID, id)
	if err == nil {
		audit.Changed(ctx, triageView(before), triageView(after))
	}
	return after, err
}

// triageView is what triage changes of an item, as the audit log keeps it.
func triageView(it *Item) map[string]any {
	return map[string]any{"status": it.Status, "tags": it.Tags, "note": it.Note, "held": it.Held, "assignee_id": it.AssigneeID}
}

// Bulk applies c to the items among ids that belong to one of services,
// in one transaction, and returns how many it changed; ids of other
// services are left alone. A bulk change sets the status, adds or removes
// tags, assigns or counts held items: Tags and Note are refused. Its
// errors are *InputError.
func (f *Feedback) Bulk(ctx context.Context, services, ids []int64, c Change) (int, error) {
	c, errs := c.checkBulk()
	if len(ids) == 0 {
		errs.Add("ids", "Select at least one item")
	}
	if len(ids) > MaxBulk {
		errs.Add("ids", fmt.Sprintf("Select at most %d items", MaxBulk))
	}
	if err := invalid(errs); err != nil {
		return 0, err
	}
	if len(services) == 0 {
		return 0, nil
	}
	return f.bulk(ctx, c, len(ids), func(tx store.Querier, who *Member) (int, error) {
		return f.apply(ctx, tx, services, ids, c, who)
	})
}

// MaxMatching is the most items one change of every item the filters
// select may make.
const MaxMatching = 10_000

// BulkMatching applies c, as Bulk does, to every item that flt selects,
// in one transaction, when there are want of them: the number the person
// saw and confirmed. Its errors are *InputError, on "scope" when the
// filters now select another number.
func (f *Feedback) BulkMatching(ctx context.Context, flt Filter, want int, c Change) (int, error) {
	c, errs := c.checkBulk()
	if want > MaxMatching {
		errs.Add("scope", fmt.Sprintf("Narrow the filters: one change can make at most %s items", thousands(MaxMatching)))
	}
	if err := invalid(errs); err != nil {
		return 0, err
	}
	return f.bulk(ctx, c, want, func(tx store.Querier, who *Member) (int, error) {
		where, args := f.where(flt)
		rows, err := tx.QueryContext(ctx, `SELECT f.id FROM feedback f WHERE `+where, args...)
		if err != nil {
			return 0, fmt.Errorf("find items: %w", err)
		}
		ids, err := scanIDs(rows)
		if err != nil {
			return 0, fmt.Errorf("find items: %w", err)
		}
		if len(ids) != want {
			return 0, invalidField("scope", fmt.Sprintf("The filters now match %d %s, not %d: check the list and send again",
				len(ids), plural(len(ids), "item", "items"), want))
		}
		n := 0
		for chunk := range slices.Chunk(ids, MaxBulk) {
			k, err := f.apply(ctx, tx, flt.Services, chunk, c, who)
			if err != nil {
				return 0, err
			}
			n += k
		}
		return n, nil
	})
}

// checkBulk is check, and what a bulk change may not do.
func (c Change) checkBulk() (Change, web.FormErrors) {
	c, errs := c.check()
	if c.Tags != nil || c.Note != nil {
		errs.Add("action", "A bulk change sets the status, adds or removes a tag, assigns, or counts held items")
	}
	if c.empty() && len(errs) == 0 {
		errs.Add("action", "Choose what to change: the status, a tag to add or remove, or whom to assign")
	}
	return c, errs
}

// bulk runs change, a bulk change of n items, in a transaction with the
// person c assigns to.
func (f *Feedback) bulk(ctx context.Context, c Change, n int, change func(store.Querier, *Member) (int, error)) (int, error) {
	who, err := f.assignee(ctx, c)
	if err != nil {
		return 0, err
	}
	var done int
	err = f.db.Tx(ctx, func(tx store.Querier) error {
		var err error
		done, err = change(tx, who)
		return err
	})
	if err != nil && !isInputError(err) {
		return 0, fmt.Errorf("change %d feedback items: %w", n, err)
	}
	return done, err
}

// scanIDs reads a column of ids and closes rows.
func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// apply makes c on the items among ids that belong to services; who is
// whom c assigns them to, who must see each one's service.
func (f *Feedback) apply(ctx context.Context, tx store.Querier, services, ids []int64, c Change, who *Member) (int, error) {
	args := make([]any, 0, len(ids)+len(services))
	for _, id := range ids {
		args = append(args, id)
	}
	for _, s := range services {
		args = append(args, s)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, service_id FROM feedback WHERE id IN (`+store.Placeholders(1, len(ids))+
		`) AND service_id IN (`+store.Placeholders(len(ids)+1, len(services))+`)`, args...)
	if err != nil {
		return 0, fmt.Errorf("find items: %w", err)
	}
	var matched []any
	for rows.Next() {
		var id, service int64
		if err := rows.Scan(&id, &service); err != nil {
			rows.Close()
			return 0, fmt.Errorf("find items: %w", err)
		}
		if who != nil && !who.Sees(service) {
			rows.Close()
			return 0, notSeen(who, len(ids) > 1)
		}
		matched = append(matched, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("find items: %w", err)
	}
	if len(matched) == 0 {
		return 0, nil
	}
	in := `(` + store.Placeholders(2, len(matched)) + `)`
	with := func(first any) []any { return append([]any{first}, matched...) }

	set := `updated_at = $1`
	upd := with(f.timestamp())
	if c.Status != nil {
		upd = append(upd, *c.Status)
		set += fmt.Sprintf(`, status = $%d`, len(upd))
	}
	if c.Note != nil {
		upd = append(upd, *c.Note)
		set += fmt.Sprintf(`, note = $%d`, len(upd))
	}
	if c.Held != nil {
		upd = append(upd, *c.Held)
		set += fmt.Sprintf(`, held = $%d`, len(upd))
	}
	if c.Assignee != nil {
		upd = append(upd, sql.NullInt64{Int64: *c.Assignee, Valid: *c.Assignee != 0})
		set += fmt.Sprintf(`, assignee_id = $%d`, len(upd))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE feedback SET `+set+` WHERE id IN `+in, upd...); err != nil {
		return 0, fmt.Errorf("update items: %w", err)
	}
	add := c.AddTags
	if c.Tags != nil {
		if _, err := tx.ExecContext(ctx, `DELETE FROM feedback_tags WHERE feedback_id IN (`+store.Placeholders(1, len(matched))+`)`, matched...); err != nil {
			return 0, fmt.Errorf("replace tags: %w", err)
		}
		add = slices.Concat(*c.Tags, add)
	}
	for _, tag := range add {
		if _, err := tx.ExecContext(ctx, `INSERT INTO feedback_tags (feedback_id, service_id, tag)
			SELECT id, service_id, $1 FROM feedback WHERE id IN `+in+` ON CONFLICT DO NOTHING`, with(tag)...); err != nil {
			return 0, fmt.Errorf("add tag: %w", err)
		}
	}
	for _, tag := range c.RemoveTags {
		if _, err := tx.ExecContext(ctx, `DELETE FROM feedback_tags WHERE tag = $1 AND feedback_id IN `+in, with(tag)...); err != nil {
			return 0, fmt.Errorf("remove tag: %w", err)
		}
	}
	if len(add) > 0 {
		var over int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT feedback_id FROM feedback_tags
			WHERE feedback_id IN (`+store.Placeholders(1, len(matched))+`) GROUP BY feedback_id HAVING count(*) > `+fmt.Sprint(MaxTags)+`) x`,
			matched...).Scan(&over); err != nil {
			return 0, fmt.Errorf("count tags: %w", err)
		}
		if over > 0 {
			field := "add_tags"
			if c.Tags != nil {
				field = "tags"
			}
			return 0, invalid(web.FormErrors{{Field: field, Message: fmt.Sprintf("An item may have at most %d tags", MaxTags)}})
		}
	}
	return len(matched), nil
}
