package account

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/liveops/liveops/internal/store"
)

// Passkey is a WebAuthn credential a user signs in with as their second
// factor: a key pair whose private half stays on their device.
type Passkey struct {
	ID         int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	credential webauthn.Credential
}

// webauthnLifetime is how long a passkey ceremony may take.
const webauthnLifetime = 5 * time.Minute

// maxPasskeys bounds the passkeys a user may add.
const maxPasskeys = 20

// webauthnUser is a user as go-webauthn sees them.
type webauthnUser struct {
	u     *User
	creds []webauthn.Credential
}

func (w webauthnUser) WebAuthnID() []byte                         { return []byte(strconv.FormatInt(w.u.ID, 10)) }
func (w webauthnUser) WebAuthnName() string                       { return w.u.Email }
func (w webauthnUser) WebAuthnDisplayName() string                { return w.u.Email }
func (w webauthnUser) WebAuthnCredentials() []webauthn.Credential { return w.creds }

// relyingParty is liveops as the passkeys know it: the public origin's
// host (a passkey made for one host works only there).
func relyingParty(origin string) (*webauthn.WebAuthn, error) {
	u, err := url.Parse(origin)
	if err != nil {
		return nil, err
	}
	return webauthn.New(&webauthn.Config{RPID: u.Hostname(), RPDisplayName: "liveops", RPOrigins: []string{origin}})
}

// Passkeys lists the user's passkeys, oldest first.
func (a *Accounts) Passkeys(ctx context.Context, userID int64) ([]Passkey, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT id, name, credential, created_at, last_used_at FROM passkeys WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list passkeys: %w", err)
	}
	defer rows.Close()
	var list []Passkey
	for rows.Next() {
		var p Passkey
		var cred string
		var last sql.NullTime
		if err := rows.Scan(&p.ID, &p.Name, &cred, &p.CreatedAt, &last); err != nil {
			return nil, fmt.Errorf("list passkeys: %w", err)
		}
		if err := json.Unmarshal([]byte(cred), &p.credential); err != nil {
			return nil, fmt.Errorf("passkey %d: %w", p.ID, err)
		}
		if last.Valid {
			p.LastUsedAt = &last.Time
		}
		list = append(list, p)
	}
	return list, rows.Err()
}

func (a *Accounts) webauthnUser(ctx context.Context, u *User) (webauthnUser, error) {
	list, err := a.Passkeys(ctx, u.ID)
	w := webauthnUser{u: u}
	for _, p := range list {
		w.creds = append(w.creds, p.credential)
	}
	return w, err
}

// saveCeremony keeps a WebAuthn ceremony's session under key.
func (a *Accounts) saveCeremony(ctx context.Context, key string, userID int64, s *webauthn.SessionData) error {
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	now := a.now()
	return a.db.Tx(ctx, func(tx store.Querier) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM webauthn_sessions WHERE expires_at < $1 OR key_hash = $2`, now, hashSecret(key)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO webauthn_sessions (key_hash, user_id, data, expires_at) VALUES ($1, $2, $3, $4)`,
			hashSecret(key), userID, string(data), now.Add(webauthnLifetime))
		return err
	})
}

// takeCeremony finds and ends the ceremony under key, for userID.
func (a *Accounts) takeCeremony(ctx context.Context, key string, userID int64) (webauthn.SessionData, error) {
	var s webauthn.SessionData
	var data string
	err := a.db.QueryRowContext(ctx, `SELECT data FROM webauthn_sessions WHERE key_hash = $1 AND user_id = $2 AND expires_at > $3`,
		hashSecret(key), userID, a.now()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return s, store.ErrNotFound
	}
	if err != nil {
		return s, err
	}
	if _, err := a.db.ExecContext(ctx, `DELETE FROM webauthn_sessions WHERE key_hash = $1`, hashSecret(key)); err != nil {
		return s, err
	}
	return s, json.Unmarshal([]byte(data), &s)
}

// addPasskey keeps a new credential of the user's.
func (a *Accounts) addPasskey(ctx context.Context, userID int64, name string, cred *webauthn.Credential) error {
	data, err := json.Marshal(cred)
	if err != nil {
		return err
	}
	err = a.db.Tx(ctx, func(tx store.Querier) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM passkeys WHERE user_id = $1`, userID).Scan(&n); err != nil {
			return err
		}
		if n >= maxPasskeys {
			return fmt.Errorf("at most %d passkeys", maxPasskeys)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO passkeys (user_id, name, credential, created_at) VALUES ($1, $2, $3, $4)`,
			userID, name, string(data), a.now())
		return err
	})
	if err != nil {
		return fmt.Errorf("add a passkey: %w", err)
	}
	return nil
}

// usedPasskey records a sign-in with the credential: its new sign count
// (a cloned authenticator shows as a count that goes back) and when.
func (a *Accounts) usedPasskey(ctx context.Context, userID int64, cred *webauthn.Credential) error {
	list, err := a.Passkeys(ctx, userID)
	if err != nil {
		return err
	}
	for _, p := range list {
		if string(p.credential.ID) != string(cred.ID) {
			continue
		}
		data, err := json.Marshal(cred)
		if err != nil {
			return err
		}
		_, err = a.db.ExecContext(ctx, `UPDATE passkeys SET credential = $1, last_used_at = $2 WHERE id = $3`, string(data), a.now(), p.ID)
		return err
	}
	return store.ErrNotFound
}

// RemovePasskey removes one of the user's passkeys.
func (a *Accounts) RemovePasskey(ctx context.Context, userID, id int64) error {
	res, err := a.db.ExecContext(ctx, `DELETE FROM passkeys WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("remove a passkey: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// HasTOTP reports whether the user signs in with an authenticator app.
func (a *Accounts) HasTOTP(ctx context.Context, userID int64) (bool, error) {
	var s string
	err := a.db.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = $1`, userID).Scan(&s)
	return s != "", err
}

// RemoveSecondFactors removes the user's authenticator app, passkeys and
// recovery codes: an administrator's help for someone who lost them.
func (a *Accounts) RemoveSecondFactors(ctx context.Context, userID int64) error {
	if err := a.DisableTOTP(ctx, userID); err != nil {
		return err
	}
	_, err := a.db.ExecContext(ctx, `DELETE FROM passkeys WHERE user_id = $1`, userID)
	return err
}
