// Package account manages the people who use liveops and their credentials:
// users and roles, per-service access, passwords, browser sessions, one-time
// set-up links and API tokens; and the middleware that turns a session
// cookie or a bearer token into an auth.Principal.
package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/store"
)

// Accounts is the store of users, sessions, set-up links and tokens.
type Accounts struct {
	db      *store.DB
	now     func() time.Time
	hashing chan struct{} // see newHashSlots
}

// New returns the accounts kept in db.
func New(db *store.DB) *Accounts {
	return &Accounts{db: db, now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }, hashing: newHashSlots()}
}

// User is a person who signs in to liveops.
type User struct {
	ID          int64
	Email       string
	Role        auth.Role
	AllServices bool    // may see every service
	ServiceIDs  []int64 // the services they may see when not AllServices
	HasPassword bool    // false until they have used their set-up link
	TwoFactor   bool    // signs in with a code from an authenticator app too
	DisabledAt  *time.Time
	LastLoginAt *time.Time
	CreatedAt   time.Time

	passwordHash string
}

// Principal is the user acting through a browser session.
func (u *User) Principal() *auth.Principal {
	p := &auth.Principal{UserID: u.ID, Email: u.Email, Role: u.Role, AllServices: u.AllServices, Services: map[int64]bool{}}
	for _, id := range u.ServiceIDs {
		p.Services[id] = true
	}
	return p
}

// NewUser is what it takes to add a user.
type NewUser struct {
	Email       string
	Role        auth.Role
	Password    string // optional: without one the user needs a set-up link
	AllServices bool
	ServiceIDs  []int64
}

// NormalizeEmail checks and lower-cases an email address.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		//lint:ignore ST1005 the message is shown to the user as it is
		return "", errors.New("Enter an email address")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") && !strings.HasSuffix(s, "@localhost") {
		//lint:ignore ST1005 the message is shown to the user as it is
		return "", errors.New("Enter an email address in the correct format, like name@example.gov")
	}
	return strings.ToLower(s), nil
}

// CreateUser adds a user. Bad input comes back as a *fault.Error (Invalid) naming
// the field; an email already in use is a Conflict on "email".
func (a *Accounts) CreateUser(ctx context.Context, nu NewUser) (*User, error) {
	u, err := a.newUser(ctx, nu)
	if err != nil {
		return nil, err
	}
	err = a.db.Tx(ctx, func(tx store.Querier) error { return insertUser(ctx, tx, u) })
	return u, createError(u, err)
}

// newUser checks nu and hashes its password: the work done before the
// transaction that stores it.
func (a *Accounts) newUser(ctx context.Context, nu NewUser) (*User, error) {
	email, err := NormalizeEmail(nu.Email)
	if err != nil {
		return nil, fault.Invalidf("email", "%s", err.Error())
	}
	if _, err := auth.ParseRole(string(nu.Role)); err != nil {
		return nil, fault.Invalidf("role", "Choose a role: admin, editor or viewer")
	}
	hash := ""
	if nu.Password != "" {
		if msg := CheckPassword(nu.Password); msg != "" {
			return nil, fault.Invalidf("password", "%s", msg)
		}
		if hash, err = a.hash(ctx, nu.Password); err != nil {
			return nil, err
		}
	}
	return &User{Email: email, Role: nu.Role, AllServices: nu.AllServices || nu.Role == auth.Admin,
		ServiceIDs: nu.ServiceIDs, HasPassword: hash != "", CreatedAt: a.now(), passwordHash: hash}, nil
}

func insertUser(ctx context.Context, tx store.Querier, u *User) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO users (email, password_hash, role, all_services, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, u.Email, u.passwordHash, string(u.Role), u.AllServices, u.CreatedAt).Scan(&u.ID)
	if err != nil {
		return err
	}
	return setUserServices(ctx, tx, u.ID, u.ServiceIDs)
}

func createError(u *User, err error) error {
	if store.IsUniqueViolation(err) {
		return fault.Conflictf("email", "A user with this email address already exists")
	}
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.Email, err)
	}
	return nil
}

func setUserServices(ctx context.Context, tx store.Querier, userID int64, ids []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_services WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("clear user services: %w", err)
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_services (user_id, service_id) VALUES ($1, $2)`, userID, id); err != nil {
			return fmt.Errorf("grant service %d: %w", id, err)
		}
	}
	return nil
}

const userColumns = `id, email, password_hash, role, all_services, disabled_at, last_login_at, created_at,
	totp_secret <> '' OR EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = users.id)`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var role string
	var disabled, lastLogin sql.NullTime
	if err := row.Scan(&u.ID, &u.Email, &u.passwordHash, &role, &u.AllServices, &disabled, &lastLogin, &u.CreatedAt, &u.TwoFactor); err != nil {
		return nil, err
	}
	u.Role = auth.Role(role)
	u.HasPassword = u.passwordHash != ""
	if disabled.Valid {
		u.DisabledAt = &disabled.Time
	}
	if lastLogin.Valid {
		u.LastLoginAt = &lastLogin.Time
	}
	return &u, nil
}

// UserByEmail finds a user by email address, or store.ErrNotFound.
func (a *Accounts) UserByEmail(ctx context.Context, email string) (*User, error) {
	return a.oneUser(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, strings.ToLower(strings.TrimSpace(email)))
}

// UserByID finds a user by id, or store.ErrNotFound.
func (a *Accounts) UserByID(ctx context.Context, id int64) (*User, error) {
	return a.oneUser(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
}

func (a *Accounts) oneUser(ctx context.Context, q string, arg any) (*User, error) {
	u, err := scanUser(a.db.QueryRowContext(ctx, q, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load user: %w", err)
	}
	if u.ServiceIDs, err = a.userServices(ctx, u.ID); err != nil {
		return nil, err
	}
	return u, nil
}

func (a *Accounts) userServices(ctx context.Context, userID int64) ([]int64, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT service_id FROM user_services WHERE user_id = $1 ORDER BY service_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("load user services: %w", err)
	}
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

// Users lists every user by email.
func (a *Accounts) Users(ctx context.Context) ([]*User, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var users []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	for _, u := range users {
		if u.ServiceIDs, err = a.userServices(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	return users, nil
}

// CountUsers counts the users, to know whether liveops still needs setting up.
func (a *Accounts) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := a.db.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// Access is a change to what a user may do.
type Access struct {
	Role        auth.Role `json:"role"`
	AllServices bool      `json:"all_services"`
	ServiceIDs  []int64   `json:"service_ids"`
}

// errLastAdmin keeps liveops from locking everyone out of its settings.
func errLastAdmin() error {
	return fault.Invalidf("role", "This is the only active admin: make another user an admin first")
}

// SetAccess changes a user's role and services. The last active admin
// cannot be demoted.
func (a *Accounts) SetAccess(ctx context.Context, userID int64, acc Access) error {
	if _, err := auth.ParseRole(string(acc.Role)); err != nil {
		return fault.Invalidf("role", "Choose a role: admin, editor or viewer")
	}
	if acc.Role == auth.Admin {
		acc.AllServices = true
	}
	return a.db.LockedTx(ctx, store.LockAccounts, func(tx store.Querier) error {
		if acc.Role != auth.Admin {
			if err := checkNotLastAdmin(ctx, tx, userID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET role = $1, all_services = $2, updated_at = $3 WHERE id = $4`,
			string(acc.Role), acc.AllServices, a.now(), userID)
		if err != nil {
			return fmt.Errorf("update user %d: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		ids := acc.ServiceIDs
		if acc.AllServices {
			ids = nil
		}
		return setUserServices(ctx, tx, userID, ids)
	})
}

func checkNotLastAdmin(ctx context.Context, tx store.Querier, userID int64) error {
	var others int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1`, userID).Scan(&others)
	if err != nil {
		return fmt.Errorf("count admins: %w", err)
	}
	var isAdmin int
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id = $1`, userID).Scan(&isAdmin)
	if err != nil {
		return fmt.Errorf("count admins: %w", err)
	}
	if isAdmin > 0 && others == 0 {
		return errLastAdmin()
	}
	return nil
}

// SetPassword replaces a user's password and signs every one of their
// sessions out, the caller's included (a caller who stays signed in makes
// a new session).
func (a *Accounts) SetPassword(ctx context.Context, userID int64, pw string) error {
	if msg := CheckPassword(pw); msg != "" {
		return fault.Invalidf("password", "%s", msg)
	}
	hash, err := a.hash(ctx, pw)
	if err != nil {
		return err
	}
	return a.db.Tx(ctx, func(tx store.Querier) error { return a.setPasswordHash(ctx, tx, userID, hash) })
}

func (a *Accounts) setPasswordHash(ctx context.Context, tx store.Querier, userID int64, hash string) error {
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, a.now(), userID)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return err
}

// SetDisabled disables a user (signing them out and stopping their tokens)
// or enables them again. The last active admin cannot be disabled.
func (a *Accounts) SetDisabled(ctx context.Context, userID int64, disabled bool) error {
	return a.db.LockedTx(ctx, store.LockAccounts, func(tx store.Querier) error {
		var at any
		if disabled {
			if err := checkNotLastAdmin(ctx, tx, userID); err != nil {
				return err
			}
			at = a.now()
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = $1, updated_at = $2 WHERE id = $3`, at, a.now(), userID)
		if err != nil {
			return fmt.Errorf("disable user: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
}

// DeleteUser removes a user with their sessions and tokens.
func (a *Accounts) DeleteUser(ctx context.Context, userID int64) error {
	return a.db.LockedTx(ctx, store.LockAccounts, func(tx store.Querier) error {
		if err := checkNotLastAdmin(ctx, tx, userID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, userID)
		if err != nil {
			return fmt.Errorf("delete user: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
}

// PasswordMatches reports whether pw is u's password.
func (a *Accounts) PasswordMatches(ctx context.Context, u *User, pw string) (bool, error) {
	if u.passwordHash == "" {
		return false, nil
	}
	return a.verify(ctx, u.passwordHash, pw)
}
