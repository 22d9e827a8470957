package feedback

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/themes"
)

// Filter selects the items that the inbox, its CSV export and the API list.
// Zero fields select everything.
type Filter struct {
	Services []int64 // the services whose feedback to list; none lists nothing
	Kind     Kind
	Status   Status
	Channel  Channel
	Rating   int    // 1 to 5
	Tag      string // a tag, as stored (cleanTag)
	URL      string // the page's address contains this, exactly
	Page     string // the page's path is this (as the summaries count pages)
	// Text selects items whose free text holds these words, in order:
	// a plain substring of the normalised text (themes.Normalize), so
	// "card pay" finds "Card payment failed!".
	Text string
	// Theme selects items that mention a theme, a word or two-word phrase
	// as themes.Top lists them, exactly as Top counted them.
	Theme    string
	From, To time.Time // created in [From, To); zero for no bound
	// HeldOnly selects the items held back from the figures.
	HeldOnly bool
	// HideBareYes leaves out "useful: yes" votes that say nothing more:
	// they count in the figures but give triage nothing to do.
	HideBareYes bool
	// BareYesOnly selects only those votes (to say how many are hidden).
	BareYesOnly bool
	// Assignee selects the items assigned to this user; Unassigned those
	// assigned to nobody.
	Assignee   int64
	Unassigned bool
	// Sort is the order of List and Each; "" is SortNewest.
	Sort Sort
}

// Sort is an order the inbox lists items in.
type Sort string

// The orders. Newest and oldest read the inbox's indexes in either
// direction; the others sort what the filters select (a top-50 sort for a
// page) and then put the newest first.
const (
	SortNewest Sort = "newest"
	SortOldest Sort = "oldest"
	SortRating Sort = "rating" // lowest satisfaction rating first, items without one last
	SortStatus Sort = "status" // in triage order: new first
)

// Sorts lists the orders as the inbox offers them.
var Sorts = []Sort{SortNewest, SortOldest, SortRating, SortStatus}

// Label is the order as pages show it.
func (s Sort) Label() string {
	switch s {
	case SortOldest:
		return "Oldest first"
	case SortRating:
		return "Lowest rating first"
	case SortStatus:
		return "By status: new first"
	}
	return "Newest first"
}

// key is the integer expression (on feedback f) that s sorts by before
// the time, "" for none, and the same for an item, for paging after it.
func (s Sort) key() (string, func(*Item) int) {
	switch s {
	case SortRating:
		return `coalesce(f.rating, 6)`, func(it *Item) int {
			if it.Rating == nil {
				return 6
			}
			return *it.Rating
		}
	case SortStatus:
		expr := `CASE f.status`
		for i, st := range Statuses {
			expr += fmt.Sprintf(` WHEN '%s' THEN %d`, st, i)
		}
		return expr + ` END`, func(it *Item) int { return slices.Index(Statuses, it.Status) }
	}
	return "", nil
}

// order is the ORDER BY of s, and the condition (with its arguments
// numbered from n+1) that selects the items after the item after.
func (s Sort) order(after *Item, n int) (orderBy, cond string, args []any) {
	dir, cmp := "DESC", "<"
	if s == SortOldest {
		dir, cmp = "ASC", ">"
	}
	orderBy = fmt.Sprintf(`f.created_at %s, f.id %s`, dir, dir)
	key, keyOf := s.key()
	if key != "" {
		orderBy = key + `, ` + orderBy
	}
	if after == nil {
		return orderBy, "", nil
	}
	args = []any{after.CreatedAt, after.ID}
	cond = fmt.Sprintf(`(f.created_at %s $%d OR f.created_at = $%d AND f.id %s $%d)`, cmp, n+1, n+1, cmp, n+2)
	if key != "" {
		args = append(args, keyOf(after))
		cond = fmt.Sprintf(`(%s > $%d OR %s = $%d AND %s)`, key, n+3, key, n+3, cond)
	}
	return orderBy, cond, args
}

// textNeedle is the substring of search_text that Text asks for, "" for none.
func textNeedle(text string) string { return strings.TrimSpace(themes.Normalize(text)) }

// themeNeedle is the substring of search_text that mentions theme, "" for none.
func themeNeedle(theme string) string {
	t := strings.TrimSpace(themes.Normalize(theme))
	if t == "" {
		return ""
	}
	return " " + t + " "
}

// where is the WHERE clause (on feedback f) and its arguments for flt.
func (f *Feedback) where(flt Filter) (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	ids := make([]string, len(flt.Services))
	for i, id := range flt.Services {
		ids[i] = arg(id)
	}
	services := `f.service_id = ` + strings.Join(ids, "")
	if len(ids) != 1 {
		services = `f.service_id IN (` + strings.Join(ids, ", ") + `)`
		if len(ids) == 0 {
			services = `1 = 0`
		}
	}
	conds = append(conds, services)
	if flt.Kind != "" {
		conds = append(conds, `f.kind = `+arg(flt.Kind))
	}
	if flt.Status != "" {
		conds = append(conds, `f.status = `+arg(flt.Status))
	}
	if flt.Channel != "" {
		conds = append(conds, `f.channel = `+arg(flt.Channel))
	}
	if flt.Rating != 0 {
		conds = append(conds, `f.rating = `+arg(flt.Rating))
	}
	if flt.HeldOnly {
		conds = append(conds, `f.held`)
	}
	const bareYes = `(f.kind = 'useful' AND coalesce(f.useful, FALSE) AND f.comment = '')`
	if flt.HideBareYes {
		conds = append(conds, `NOT `+bareYes)
	}
	if flt.BareYesOnly {
		conds = append(conds, bareYes)
	}
	if !flt.From.IsZero() {
		conds = append(conds, `f.created_at >= `+arg(flt.From.UTC()))
	}
	if !flt.To.IsZero() {
		conds = append(conds, `f.created_at < `+arg(flt.To.UTC()))
	}
	if flt.Tag != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM feedback_tags t WHERE t.feedback_id = f.id AND t.tag = `+arg(flt.Tag)+`)`)
	}
	if flt.URL != "" {
		conds = append(conds, f.contains(`f.url`, arg(flt.URL)))
	}
	if flt.Page != "" {
		conds = append(conds, `f.page = `+arg(flt.Page))
	}
	if flt.Assignee != 0 {
		conds = append(conds, `f.assignee_id = `+arg(flt.Assignee))
	}
	if flt.Unassigned {
		conds = append(conds, `f.assignee_id IS NULL`)
	}
	if n := textNeedle(flt.Text); n != "" {
		conds = append(conds, f.contains(`f.search_text`, arg(n)))
	}
	if n := themeNeedle(flt.Theme); n != "" {
		conds = append(conds, f.contains(`f.search_text`, arg(n)))
	}
	return strings.Join(conds, ` AND `), args
}

// contains is the condition that column holds the text of placeholder p,
// case and all: LIKE differs between the engines (SQLite ignores ASCII case).
func (f *Feedback) contains(column, p string) string {
	if f.db.Dialect() == store.Postgres {
		return `strpos(` + column + `, ` + p + `) > 0`
	}
	return `instr(` + column + `, ` + p + `) > 0`
}

// List returns the items flt selects, in its order, limit of them from
// offset, with their tags, and how many it selects in all.
func (f *Feedback) List(ctx context.Context, flt Filter, offset, limit int) ([]*Item, int, error) {
	where, args := f.where(flt)
	var total int
	if err := f.db.QueryRowContext(ctx, `SELECT count(*) FROM feedback f WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count feedback: %w", err)
	}
	if total <= offset || limit == 0 {
		return []*Item{}, total, nil
	}
	items, err := f.page(ctx, flt, nil, offset, limit)
	return items, total, err
}

// Each calls fn with every item flt selects, in its order, with its tags,
// reading them in batches that each start after the last item of the one
// before: for exports of any size, unshaken by items arriving meanwhile.
func (f *Feedback) Each(ctx context.Context, flt Filter, fn func(*Item) error) error {
	const batch = 500
	var last *Item
	for {
		items, err := f.page(ctx, flt, last, 0, batch)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		if len(items) < batch {
			return nil
		}
		last = items[len(items)-1]
	}
}

// page reads limit items from offset, or those after the item after, with
// their tags.
func (f *Feedback) page(ctx context.Context, flt Filter, after *Item, offset, limit int) ([]*Item, error) {
	where, args := f.where(flt)
	orderBy, cond, more := flt.Sort.order(after, len(args))
	if cond != "" {
		where += ` AND ` + cond
		args = append(args, more...)
	}
	n := len(args)
	rows, err := f.db.QueryContext(ctx, `SELECT `+itemColumns+` FROM feedback f WHERE `+where+
		fmt.Sprintf(` ORDER BY %s LIMIT $%d OFFSET $%d`, orderBy, n+1, n+2), append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	defer rows.Close()
	items := []*Item{}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("list feedback: %w", err)
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	rows.Close()
	return items, loadTags(ctx, f.db, items)
}
