package account

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/liveops/liveops/internal/store"
)

// Two-factor sign-in: after the password, a six-digit code from an
// authenticator app (TOTP, RFC 6238: 30-second steps, SHA-1, as every
// authenticator app reads it), or one of ten single-use recovery codes.

// totpIssuer names liveops in the authenticator app.
const totpIssuer = "liveops"

// RecoveryCodes is how many recovery codes a user gets at a time.
const RecoveryCodes = 10

// twoFactorSetting is the settings key of "everyone must use two-factor".
const twoFactorSetting = "two_factor_required"

// challengeLifetime is how long the second step of a sign-in may take.
const challengeLifetime = 5 * time.Minute

// maxChallengeFailures is how many wrong codes a sign-in's second step
// takes before the password must be given again.
const maxChallengeFailures = 5

// StartTOTP makes a new authenticator secret for the user, kept aside
// until ConfirmTOTP sees a code from it; it returns what the app is given.
func (a *Accounts) StartTOTP(ctx context.Context, u *User) (*otp.Key, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: u.Email})
	if err != nil {
		return nil, fmt.Errorf("make an authenticator secret: %w", err)
	}
	if _, err := a.db.ExecContext(ctx, `UPDATE users SET totp_pending = $1 WHERE id = $2`, key.Secret(), u.ID); err != nil {
		return nil, fmt.Errorf("keep the authenticator secret: %w", err)
	}
	return key, nil
}

// PendingTOTP is the secret StartTOTP set aside for the user, "" if none.
func (a *Accounts) PendingTOTP(ctx context.Context, userID int64) (string, error) {
	var s string
	err := a.db.QueryRowContext(ctx, `SELECT totp_pending FROM users WHERE id = $1`, userID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", store.ErrNotFound
	}
	return s, err
}

// ConfirmTOTP turns two-factor sign-in on with the pending secret, if
// code is the app's current code for it, and returns new recovery codes
// (shown once, stored hashed). ok is false for a wrong code.
func (a *Accounts) ConfirmTOTP(ctx context.Context, userID int64, code string) (codes []string, ok bool, err error) {
	pending, err := a.PendingTOTP(ctx, userID)
	if err != nil || pending == "" {
		return nil, false, err
	}
	step, ok := a.totpStep(pending, code)
	if !ok {
		return nil, false, nil
	}
	codes = newRecoveryCodes()
	err = a.db.Tx(ctx, func(tx store.Querier) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = totp_pending, totp_pending = '', totp_last_step = $1 WHERE id = $2`,
			step, userID); err != nil {
			return err
		}
		return replaceRecoveryCodes(ctx, tx, userID, codes)
	})
	if err != nil {
		return nil, false, fmt.Errorf("turn on two-factor sign-in: %w", err)
	}
	return codes, true, nil
}

// NewRecoveryCodes replaces the user's recovery codes, and returns them.
func (a *Accounts) NewRecoveryCodes(ctx context.Context, userID int64) ([]string, error) {
	codes := newRecoveryCodes()
	if err := a.db.Tx(ctx, func(tx store.Querier) error { return replaceRecoveryCodes(ctx, tx, userID, codes) }); err != nil {
		return nil, fmt.Errorf("new recovery codes: %w", err)
	}
	return codes, nil
}

// DisableTOTP turns two-factor sign-in off for the user (they turn it off
// themselves, or an administrator does for someone who lost their phone).
func (a *Accounts) DisableTOTP(ctx context.Context, userID int64) error {
	return a.db.Tx(ctx, func(tx store.Querier) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = '', totp_pending = '', totp_last_step = 0 WHERE id = $1`, userID); err != nil {
			return fmt.Errorf("turn off two-factor sign-in: %w", err)
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID)
		return err
	})
}

// CheckSecondFactor reports whether code is the user's current
// authenticator code (each taken once) or one of their unused recovery
// codes, which it uses up.
func (a *Accounts) CheckSecondFactor(ctx context.Context, userID int64, code string) (bool, error) {
	code = strings.TrimSpace(code)
	var secret string
	var last int64
	if err := a.db.QueryRowContext(ctx, `SELECT totp_secret, totp_last_step FROM users WHERE id = $1`, userID).Scan(&secret, &last); err != nil {
		return false, fmt.Errorf("check the code: %w", err)
	}
	if secret == "" {
		return false, nil
	}
	if step, ok := a.totpStep(secret, code); ok {
		// The step only moves forward: a code seen once, by anyone
		// looking over a shoulder, does not work again.
		res, err := a.db.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
		if err != nil {
			return false, fmt.Errorf("check the code: %w", err)
		}
		n, _ := res.RowsAffected()
		return n == 1, nil
	}
	res, err := a.db.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE code_hash = $2 AND user_id = $3 AND used_at IS NULL`,
		a.now(), hashSecret(normalRecoveryCode(code)), userID)
	if err != nil {
		return false, fmt.Errorf("check the recovery code: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// RecoveryCodesLeft is how many unused recovery codes the user has.
func (a *Accounts) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := a.db.QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	return n, err
}

// totpStep says whether code is the secret's code for the current 30-second
// step or the one either side (a clock a little off), and which step.
func (a *Accounts) totpStep(secret, code string) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0, false
	}
	now := a.now()
	for _, skew := range []int64{0, -1, 1} {
		at := now.Add(time.Duration(skew) * 30 * time.Second)
		ok, err := totp.ValidateCustom(code, secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && ok {
			return at.Unix() / 30, true
		}
	}
	return 0, false
}

// newRecoveryCodes are ten random codes of ten letters and digits, written
// in two groups of five: "k4t2m-9xq7p".
func newRecoveryCodes() []string {
	codes := make([]string, RecoveryCodes)
	enc := base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)
	for i := range codes {
		var b [7]byte
		rand.Read(b[:])
		c := enc.EncodeToString(b[:])[:10]
		codes[i] = c[:5] + "-" + c[5:]
	}
	return codes
}

// normalRecoveryCode reads a recovery code however it was typed.
func normalRecoveryCode(code string) string {
	code = strings.ToLower(strings.NewReplacer(" ", "", "-", "").Replace(code))
	if len(code) == 10 {
		return code[:5] + "-" + code[5:]
	}
	return code
}

func replaceRecoveryCodes(ctx context.Context, tx store.Querier, userID int64, codes []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return err
	}
	for _, c := range codes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (code_hash, user_id) VALUES ($1, $2)`, hashSecret(c), userID); err != nil {
			return err
		}
	}
	return nil
}

// TwoFactorRequired reports whether an administrator requires everyone to
// sign in with two factors.
func (a *Accounts) TwoFactorRequired(ctx context.Context) (bool, error) {
	v, err := a.db.Setting(ctx, twoFactorSetting)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return v == "true", err
}

// SetTwoFactorRequired sets whether everyone must sign in with two factors.
func (a *Accounts) SetTwoFactorRequired(ctx context.Context, required bool) error {
	return a.db.SetSetting(ctx, twoFactorSetting, fmt.Sprint(required))
}

// challenge is a sign-in whose password was right and whose second step
// is to come.
type challenge struct {
	userID int64
	next   string
}

// newChallenge starts the second step of a sign-in, and returns the secret
// its cookie carries.
func (a *Accounts) newChallenge(ctx context.Context, userID int64, next string) (string, error) {
	secret := newSecret()
	now := a.now()
	err := a.db.Tx(ctx, func(tx store.Querier) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_challenges WHERE expires_at < $1`, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sign_in_challenges (secret_hash, user_id, next, expires_at) VALUES ($1, $2, $3, $4)`,
			hashSecret(secret), userID, next, now.Add(challengeLifetime))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("start the second step of signing in: %w", err)
	}
	return secret, nil
}

// challenge finds the sign-in the secret belongs to, or store.ErrNotFound
// when it has expired, ended, or seen too many wrong codes.
func (a *Accounts) challenge(ctx context.Context, secret string) (*challenge, error) {
	var c challenge
	err := a.db.QueryRowContext(ctx, `SELECT user_id, next FROM sign_in_challenges
		WHERE secret_hash = $1 AND expires_at > $2 AND failures < $3`, hashSecret(secret), a.now(), maxChallengeFailures).Scan(&c.userID, &c.next)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find the sign-in: %w", err)
	}
	return &c, nil
}

// challengeFailed counts a wrong code against the sign-in.
func (a *Accounts) challengeFailed(ctx context.Context, secret string) error {
	_, err := a.db.ExecContext(ctx, `UPDATE sign_in_challenges SET failures = failures + 1 WHERE secret_hash = $1`, hashSecret(secret))
	return err
}

// endChallenge ends the sign-in's second step.
func (a *Accounts) endChallenge(ctx context.Context, secret string) error {
	_, err := a.db.ExecContext(ctx, `DELETE FROM sign_in_challenges WHERE secret_hash = $1`, hashSecret(secret))
	return err
}
