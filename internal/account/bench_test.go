package account

import (
	"context"
	"testing"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store/storetest"
)

// BenchmarkHashPassword is the cost of one sign-in or password change.
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		hashPassword(goodPassword)
	}
}

// BenchmarkTokenPrincipal is the cost of authenticating one API request.
func BenchmarkTokenPrincipal(b *testing.B) {
	db := storetest.SQLite(b)
	a := New(db)
	ctx := context.Background()
	u, err := a.CreateUser(ctx, NewUser{Email: "b@example.gov", Role: auth.Admin, Password: goodPassword})
	if err != nil {
		b.Fatal(err)
	}
	secret, _, err := a.CreateToken(ctx, u, NewToken{Name: "bench", Scope: auth.ScopeRead})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := a.TokenPrincipal(ctx, secret); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSessionUser is the cost of recognising a signed-in browser.
func BenchmarkSessionUser(b *testing.B) {
	db := storetest.SQLite(b)
	a := New(db)
	ctx := context.Background()
	u, err := a.CreateUser(ctx, NewUser{Email: "b@example.gov", Role: auth.Admin, Password: goodPassword})
	if err != nil {
		b.Fatal(err)
	}
	secret, err := a.CreateSession(ctx, u.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := a.SessionUser(ctx, secret); err != nil {
			b.Fatal(err)
		}
	}
}
