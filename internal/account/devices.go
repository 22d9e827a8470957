package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/liveops/liveops/internal/store"
)

// DeviceCookie marks a browser its user has signed in with. While the
// user's account is slowed by wrong passwords sent from elsewhere, a
// browser with it is not slowed: an attacker cannot keep the owner out.
const DeviceCookie = "liveops_device"

// deviceLifetime is how long a browser stays known without a sign-in.
const deviceLifetime = 365 * 24 * time.Hour

// maxDevicesPerUser bounds the browsers kept per user; the least recently
// used go first.
const maxDevicesPerUser = 20

// RememberDevice records a browser userID has just signed in with, and
// returns the secret for its device cookie.
func (a *Accounts) RememberDevice(ctx context.Context, userID int64) (string, error) {
	secret := newSecret()
	now := a.now()
	err := a.db.Tx(ctx, func(tx store.Querier) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_devices WHERE user_id = $1 AND (last_used_at < $2 OR secret_hash NOT IN
			(SELECT secret_hash FROM sign_in_devices WHERE user_id = $1 ORDER BY last_used_at DESC LIMIT $3))`,
			userID, now.Add(-deviceLifetime), maxDevicesPerUser-1); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sign_in_devices (secret_hash, user_id, created_at, last_used_at) VALUES ($1, $2, $3, $3)`,
			hashSecret(secret), userID, now)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("remember the browser: %w", err)
	}
	return secret, nil
}

// KnownDevice reports whether secret is the device cookie of a browser
// userID signed in with in the last year.
func (a *Accounts) KnownDevice(ctx context.Context, userID int64, secret string) (bool, error) {
	if secret == "" {
		return false, nil
	}
	var last time.Time
	err := a.db.QueryRowContext(ctx, `SELECT last_used_at FROM sign_in_devices WHERE secret_hash = $1 AND user_id = $2`,
		hashSecret(secret), userID).Scan(&last)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("check the browser: %w", err)
	case a.now().Sub(last) > deviceLifetime:
		return false, nil
	}
	return true, nil
}

// TouchDevice marks a known browser used by a sign-in now.
func (a *Accounts) TouchDevice(ctx context.Context, secret string) error {
	if _, err := a.db.ExecContext(ctx, `UPDATE sign_in_devices SET last_used_at = $1 WHERE secret_hash = $2`, a.now(), hashSecret(secret)); err != nil {
		return fmt.Errorf("mark the browser used: %w", err)
	}
	return nil
}
