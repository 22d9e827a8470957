package feedback

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/web"
)

// What people write is personal data as often as not; it is kept for a
// service's retention (default two years, set on its settings page), then
// removed. What is counted — the kind, the rating, yes or no, the page,
// the dates, the status and tags — stays, so summaries and user
// satisfaction over long periods still work.

// DefaultTextRetentionDays is a service's retention of feedback text
// unless it sets another (migration 0024).
const DefaultTextRetentionDays = 730

// MaxTextRetentionDays bounds the retention a service may set.
const MaxTextRetentionDays = 3650

// TextRetentionDays is how many days the service keeps what people wrote;
// 0 keeps it for ever.
func (f *Feedback) TextRetentionDays(ctx context.Context, serviceID int64) (int, error) {
	var days int
	err := f.db.QueryRowContext(ctx, `SELECT feedback_retention_days FROM services WHERE id = $1`, serviceID).Scan(&days)
	if err != nil {
		return 0, fmt.Errorf("read the feedback retention of service %d: %w", serviceID, err)
	}
	return days, nil
}

// SetTextRetention sets how many days the service keeps what people wrote.
func (f *Feedback) SetTextRetention(ctx context.Context, serviceID int64, days int) error {
	if days < 0 || days > MaxTextRetentionDays {
		return invalid(web.FormErrors{{Field: "retention", Message: fmt.Sprintf("Enter a whole number of days from 0 to %d", MaxTextRetentionDays)}})
	}
	_, err := f.db.ExecContext(ctx, `UPDATE services SET feedback_retention_days = $1 WHERE id = $2`, days, serviceID)
	return err
}

// RemoveOldText removes what people wrote from the items older than each
// service's retention, and says how many items it changed.
func (f *Feedback) RemoveOldText(ctx context.Context) (int64, error) {
	rows, err := f.db.QueryContext(ctx, `SELECT id, feedback_retention_days FROM services WHERE feedback_retention_days > 0`)
	if err != nil {
		return 0, fmt.Errorf("list feedback retention: %w", err)
	}
	type keep struct{ id, days int64 }
	var list []keep
	for rows.Next() {
		var k keep
		if err := rows.Scan(&k.id, &k.days); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var total int64
	for _, k := range list {
		cut := f.timestamp().AddDate(0, 0, -int(k.days))
		res, err := f.db.ExecContext(ctx, `UPDATE feedback SET comment = '', doing = '', wrong = '', search_text = '', note = '',
			text_removed = TRUE, updated_at = $1 WHERE service_id = $2 AND created_at < $3 AND NOT text_removed
			AND (comment <> '' OR doing <> '' OR wrong <> '' OR note <> '')`, f.timestamp(), k.id, cut)
		if err != nil {
			return total, fmt.Errorf("remove old feedback text of service %d: %w", k.id, err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}

// saveRetention answers POST /services/{slug}/feedback/settings/retention.
func (h *Handler) saveRetention(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	raw := strings.TrimSpace(r.PostFormValue("retention"))
	days, err := strconv.Atoi(raw)
	if err != nil {
		days = -1
	}
	before, err := h.fb.TextRetentionDays(r.Context(), s.ID)
	if err != nil {
		return err
	}
	err = h.fb.SetTextRetention(r.Context(), s.ID, days)
	if ie := (*InputError)(nil); errors.As(err, &ie) {
		return h.renderSettingsRetention(w, r, s, raw, ie.Errors)
	}
	if err != nil {
		return err
	}
	audit.Changed(r.Context(), map[string]int{"feedback_retention_days": before}, map[string]int{"feedback_retention_days": days})
	web.SetFlash(w, r, "The feedback retention is saved.")
	return web.Redirect(w, r, "/services/"+s.Slug+"/feedback/settings#text-retention")
}
