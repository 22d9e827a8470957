package account

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

const goodPassword = "correct horse battery"

func mustUser(t *testing.T, a *Accounts, email string, role auth.Role) *User {
	t.Helper()
	u, err := a.CreateUser(context.Background(), NewUser{Email: email, Role: role, Password: goodPassword, AllServices: true})
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func wantField(t *testing.T, err error, kind fault.Kind, field string) {
	t.Helper()
	var e *fault.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want a *fault.Error on %q", err, field)
	}
	if e.Kind != kind || e.Field != field {
		t.Fatalf("error = kind %d on %q (%s), want kind %d on %q", e.Kind, e.Field, e.Message, kind, field)
	}
}

func TestCreateUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := New(db)
		u := mustUser(t, a, "Ann@Example.gov", auth.Editor)
		if u.Email != "ann@example.gov" || !u.HasPassword || u.ID == 0 {
			t.Fatalf("created user = %+v", u)
		}
		got, err := a.UserByEmail(ctx, "ANN@example.gov")
		if err != nil || got.ID != u.ID || got.Role != auth.Editor {
			t.Fatalf("UserByEmail = %+v, %v", got, err)
		}
		if ok, _ := verifyPassword(got.passwordHash, goodPassword); !ok {
			t.Fatal("stored password does not verify")
		}
		if ok, _ := verifyPassword(got.passwordHash, goodPassword+"x"); ok {
			t.Fatal("wrong password verifies")
		}
		for name, tc := range map[string]struct {
			nu    NewUser
			kind  fault.Kind
			field string
		}{
			"duplicate email": {NewUser{Email: "ann@example.gov", Role: auth.Viewer}, fault.Conflict, "email"},
			"bad email":       {NewUser{Email: "ann at example", Role: auth.Viewer}, fault.Invalid, "email"},
			"display name":    {NewUser{Email: "Ann <ann@x.gov>", Role: auth.Viewer}, fault.Invalid, "email"},
			"bad role":        {NewUser{Email: "b@example.gov", Role: "root"}, fault.Invalid, "role"},
			"short password":  {NewUser{Email: "b@example.gov", Role: auth.Viewer, Password: "short"}, fault.Invalid, "password"},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := a.CreateUser(ctx, tc.nu)
				wantField(t, err, tc.kind, tc.field)
			})
		}
		if n, _ := a.CountUsers(ctx); n != 1 {
			t.Fatalf("after failed creates, %d users, want 1", n)
		}
	})
}

func TestAccessAndLastAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := New(db)
		admin := mustUser(t, a, "admin@example.gov", auth.Admin)
		ed := mustUser(t, a, "ed@example.gov", auth.Editor)
		var sid int64
		err := db.Tx(ctx, func(tx store.Querier) error {
			return tx.QueryRowContext(ctx, `INSERT INTO services (slug, name, created_at, updated_at) VALUES ('s', 'S', $1, $1) RETURNING id`, time.Now().UTC()).Scan(&sid)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.SetAccess(ctx, ed.ID, Access{Role: auth.Editor, ServiceIDs: []int64{sid}}); err != nil {
			t.Fatal(err)
		}
		got, _ := a.UserByID(ctx, ed.ID)
		if got.AllServices || len(got.ServiceIDs) != 1 || got.ServiceIDs[0] != sid {
			t.Fatalf("access after SetAccess = all:%v %v", got.AllServices, got.ServiceIDs)
		}
		p := got.Principal()
		if !p.CanWrite(sid) || p.CanWrite(sid+1) {
			t.Fatal("limited editor's principal does not match their services")
		}
		wantField(t, a.SetAccess(ctx, admin.ID, Access{Role: auth.Viewer, AllServices: true}), fault.Invalid, "role")
		wantField(t, a.SetDisabled(ctx, admin.ID, true), fault.Invalid, "role")
		wantField(t, a.DeleteUser(ctx, admin.ID), fault.Invalid, "role")
		// With a second admin, the first may step down.
		if err := a.SetAccess(ctx, ed.ID, Access{Role: auth.Admin}); err != nil {
			t.Fatal(err)
		}
		if err := a.SetAccess(ctx, admin.ID, Access{Role: auth.Viewer, AllServices: true}); err != nil {
			t.Fatalf("demote with another admin present: %v", err)
		}
		if err := a.DeleteUser(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete unknown user: %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := New(db)
		u := mustUser(t, a, "s@example.gov", auth.Viewer)
		secret, err := a.CreateSession(ctx, u.ID, "Firefox")
		if err != nil {
			t.Fatal(err)
		}
		got, id, err := a.SessionUser(ctx, secret)
		if err != nil || got.ID != u.ID || id != hashSecret(secret) {
			t.Fatalf("SessionUser = %v, %q, %v", got, id, err)
		}
		if _, _, err := a.SessionUser(ctx, secret+"x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown session: %v", err)
		}
		var stored int
		db.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE id_hash = $1`, secret).Scan(&stored)
		if stored != 0 {
			t.Fatal("the session secret is stored in clear")
		}
		// Expiry: move the clock past the lifetime.
		real := a.now
		a.now = func() time.Time { return real().Add(SessionLifetime + time.Hour) }
		if _, _, err := a.SessionUser(ctx, secret); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired session: %v", err)
		}
		a.now = real
		// Disabling signs out; revoking removes.
		second, _ := a.CreateSession(ctx, u.ID, "Chrome")
		list, err := a.Sessions(ctx, u.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("Sessions = %d, %v; want 2", len(list), err)
		}
		if err := a.RevokeSession(ctx, u.ID, hashSecret(second)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.SessionUser(ctx, second); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoked session still works: %v", err)
		}
		mustUser(t, a, "admin@example.gov", auth.Admin)
		if err := a.SetDisabled(ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.SessionUser(ctx, secret); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("disabled user's session still works: %v", err)
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := New(db)
		viewer := mustUser(t, a, "v@example.gov", auth.Viewer)
		editor := mustUser(t, a, "e@example.gov", auth.Editor)
		_, _, err := a.CreateToken(ctx, viewer, NewToken{Name: "x", Scope: auth.ScopeWrite})
		wantField(t, err, fault.Invalid, "scope")
		_, _, err = a.CreateToken(ctx, editor, NewToken{Name: "x", Scope: auth.ScopeIngest})
		wantField(t, err, fault.Invalid, "service")
		_, _, err = a.CreateToken(ctx, editor, NewToken{Name: " ", Scope: auth.ScopeRead})
		wantField(t, err, fault.Invalid, "name")
		_, _, err = a.CreateToken(ctx, editor, NewToken{Name: "x", Scope: "everything"})
		wantField(t, err, fault.Invalid, "scope")

		secret, tok, err := a.CreateToken(ctx, editor, NewToken{Name: "dashboard", Scope: auth.ScopeRead})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "lo_") || !strings.HasPrefix(secret, tok.Prefix) || len(secret) < 40 {
			t.Fatalf("token secret %q, prefix %q", secret, tok.Prefix)
		}
		p, err := a.TokenPrincipal(ctx, secret)
		if err != nil || p.UserID != editor.ID || p.Scope != auth.ScopeRead || !p.IsToken() {
			t.Fatalf("TokenPrincipal = %+v, %v", p, err)
		}
		if p.CanWrite(1) || !p.CanRead(1) {
			t.Fatal("read token may write or may not read")
		}
		list, err := a.Tokens(ctx, editor.ID)
		if err != nil || len(list) != 1 || list[0].LastUsedAt == nil {
			t.Fatalf("Tokens = %+v, %v; want one, with its last use recorded", list, err)
		}
		if err := a.RevokeToken(ctx, tok.ID, viewer.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("someone else revoked the token: %v", err)
		}
		if err := a.RevokeToken(ctx, tok.ID, editor.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.TokenPrincipal(ctx, secret); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoked token still works: %v", err)
		}
		for _, bad := range []string{"", "lo_", "nope", secret + "x", strings.Repeat("lo_x", 100)} {
			if _, err := a.TokenPrincipal(ctx, bad); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("TokenPrincipal(%q) = %v, want not found", bad, err)
			}
		}
	})
}

func TestSetupLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := New(db)
		link, err := a.FirstSetupLink(ctx)
		if err != nil || !strings.HasPrefix(link, SetupPath) {
			t.Fatalf("FirstSetupLink = %q, %v", link, err)
		}
		secret := strings.TrimPrefix(link, SetupPath)
		// A mistake does not spend the link.
		_, err = a.UseSetupLink(ctx, secret, "first@example.gov", "short")
		wantField(t, err, fault.Invalid, "password")
		u, err := a.UseSetupLink(ctx, secret, "first@example.gov", goodPassword)
		if err != nil || u.Role != auth.Admin {
			t.Fatalf("UseSetupLink = %+v, %v", u, err)
		}
		if _, err := a.UseSetupLink(ctx, secret, "second@example.gov", goodPassword); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("link used twice: %v", err)
		}
		if link, err := a.FirstSetupLink(ctx); link != "" || err != nil {
			t.Fatalf("FirstSetupLink with users = %q, %v; want none", link, err)
		}
		// A user's link sets their password.
		invited, err := a.CreateUser(ctx, NewUser{Email: "new@example.gov", Role: auth.Viewer, AllServices: true})
		if err != nil || invited.HasPassword {
			t.Fatalf("invite = %+v, %v", invited, err)
		}
		link, _ = a.SetupLink(ctx, invited.ID)
		target, err := a.CheckSetupLink(ctx, strings.TrimPrefix(link, SetupPath))
		if err != nil || target.FirstAdmin || target.User.ID != invited.ID {
			t.Fatalf("CheckSetupLink = %+v, %v", target, err)
		}
		if _, err := a.UseSetupLink(ctx, strings.TrimPrefix(link, SetupPath), "", goodPassword); err != nil {
			t.Fatal(err)
		}
		got, _ := a.UserByID(ctx, invited.ID)
		if ok, _ := verifyPassword(got.passwordHash, goodPassword); !ok {
			t.Fatal("password from set-up link does not verify")
		}
		// Expired links do not work.
		link, _ = a.SetupLink(ctx, invited.ID)
		real := a.now
		a.now = func() time.Time { return real().Add(SetupLinkLifetime + time.Minute) }
		if _, err := a.CheckSetupLink(ctx, strings.TrimPrefix(link, SetupPath)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired link: %v", err)
		}
	})
}

func TestFailureLimiter(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	l := newFailureLimiter(3, time.Minute)
	l.now = func() time.Time { return now }
	for range 3 {
		if ok, _ := l.take("k"); !ok {
			t.Fatal("refused before the limit")
		}
	}
	ok, wait := l.take("k")
	if ok || wait != time.Minute {
		t.Fatalf("4th attempt: ok=%v wait=%v", ok, wait)
	}
	if ok, _ := l.take("other"); !ok {
		t.Fatal("another key is refused")
	}
	l.forgive("k")
	if ok, _ := l.take("k"); !ok {
		t.Fatal("a forgiven attempt still counts")
	}
	now = now.Add(time.Minute + time.Second)
	if ok, _ := l.take("k"); !ok {
		t.Fatal("still refused after the window")
	}
	l.reset("k")
	if len(l.failures["k"]) != 0 {
		t.Fatal("reset kept attempts")
	}
}

func TestClientKey(t *testing.T) {
	if got := clientKey(netip.MustParseAddr("2001:db8:1:2:3:4:5:6")); got != "2001:db8:1:2::/64" {
		t.Fatalf("IPv6 key %q", got)
	}
	if got := clientKey(netip.MustParseAddr("203.0.113.7")); got != "203.0.113.7" {
		t.Fatalf("IPv4 key %q", got)
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, ok := range map[string]bool{"": false, "123456789": false, "1234567890": true, strings.Repeat("é", 10): true, strings.Repeat("x", 257): false} {
		if got := CheckPassword(pw) == ""; got != ok {
			t.Errorf("CheckPassword(%q) ok = %v, want %v", pw, got, ok)
		}
	}
	if _, err := verifyPassword("$argon2id$v=19$m=1,t=1,p=1$!!$!!", "x"); err == nil {
		t.Error("malformed hash accepted")
	}
}

// The timing equaliser must cost what a real verification costs, so its
// parameters must follow the current ones.
func TestDummyHashParameters(t *testing.T) {
	real, dummy := strings.Split(hashPassword("x"), "$"), strings.Split(dummyHash, "$")
	if real[1] != dummy[1] || real[2] != dummy[2] || real[3] != dummy[3] {
		t.Fatalf("dummyHash parameters %v differ from hashPassword's %v", dummy[1:4], real[1:4])
	}
	if ok, err := verifyPassword(dummyHash, "liveops-timing-equaliser"); !ok || err != nil {
		t.Fatalf("dummyHash does not verify: %v", err)
	}
}
