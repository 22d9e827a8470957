package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/store"
)

// SetupLinkLifetime is how long a set-up link works.
const SetupLinkLifetime = 72 * time.Hour

// SetupPath is where set-up links point; the secret follows it.
const SetupPath = "/setup/"

// FirstSetupLink returns a new one-time link path for the first admin to
// choose a password, or "" when liveops already has users.
func (a *Accounts) FirstSetupLink(ctx context.Context) (string, error) {
	n, err := a.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	return a.newSetupLink(ctx, 0)
}

// SetupLink returns a new one-time link path with which the user chooses a
// password: for a new user, or one who has forgotten theirs.
func (a *Accounts) SetupLink(ctx context.Context, userID int64) (string, error) {
	return a.newSetupLink(ctx, userID)
}

func (a *Accounts) newSetupLink(ctx context.Context, userID int64) (string, error) {
	secret := newSecret()
	now := a.now()
	var user any
	if userID != 0 {
		user = userID
	}
	err := a.db.Tx(ctx, func(tx store.Querier) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM setup_links WHERE expires_at < $1`, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO setup_links (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			hashSecret(secret), user, now, now.Add(SetupLinkLifetime))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("create set-up link: %w", err)
	}
	return SetupPath + secret, nil
}

// SetupTarget is whom a set-up link is for.
type SetupTarget struct {
	User       *User // nil for the first admin
	FirstAdmin bool
}

// CheckSetupLink returns whom a live link is for, or store.ErrNotFound for
// an unknown, used or expired link, or a first-admin link once an admin exists.
func (a *Accounts) CheckSetupLink(ctx context.Context, secret string) (*SetupTarget, error) {
	var userID sql.NullInt64
	var expires time.Time
	err := a.db.QueryRowContext(ctx, `SELECT user_id, expires_at FROM setup_links WHERE token_hash = $1`, hashSecret(secret)).
		Scan(&userID, &expires)
	if err != nil {
		return nil, notFound(err, "load set-up link")
	}
	if a.now().After(expires) {
		return nil, store.ErrNotFound
	}
	if !userID.Valid {
		n, err := a.CountUsers(ctx)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, store.ErrNotFound
		}
		return &SetupTarget{FirstAdmin: true}, nil
	}
	u, err := a.UserByID(ctx, userID.Int64)
	if err != nil {
		return nil, err
	}
	return &SetupTarget{User: u}, nil
}

// UseSetupLink spends the link: it creates the first admin with email (for
// a first-admin link) or sets the linked user's password, and returns the
// user. Input is checked before the link is spent, so a typo does not burn
// it; spending the link and the change it allows are one transaction, so
// a failure keeps the link, and two requests racing for it (or for two
// first-admin links) cannot both win.
func (a *Accounts) UseSetupLink(ctx context.Context, secret, email, password string) (*User, error) {
	target, err := a.CheckSetupLink(ctx, secret)
	if err != nil {
		return nil, err
	}
	u := target.User
	if target.FirstAdmin {
		if u, err = a.newUser(ctx, NewUser{Email: email, Role: auth.Admin, Password: password, AllServices: true}); err != nil {
			return nil, err
		}
	} else {
		if msg := CheckPassword(password); msg != "" {
			return nil, fault.Invalidf("password", "%s", msg)
		}
		if u.passwordHash, err = a.hash(ctx, password); err != nil {
			return nil, err
		}
		u.HasPassword = true
	}
	err = a.db.LockedTx(ctx, store.LockAccounts, func(tx store.Querier) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM setup_links WHERE token_hash = $1 AND expires_at >= $2`, hashSecret(secret), a.now())
		if err != nil {
			return fmt.Errorf("use set-up link: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		if !target.FirstAdmin {
			return a.setPasswordHash(ctx, tx, u.ID, u.passwordHash)
		}
		var users int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&users); err != nil {
			return err
		}
		if users > 0 {
			return store.ErrNotFound
		}
		return insertUser(ctx, tx, u)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if target.FirstAdmin {
		err = createError(u, err)
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}
