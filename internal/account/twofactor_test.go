package account

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

var (
	secretKey    = regexp.MustCompile(`class="inline-code secret-key">([A-Z2-7]+)<`)
	recoveryCode = regexp.MustCompile(`<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>`)
)

// authenticator is the software authenticator app of the tests.
type authenticator struct {
	t      *testing.T
	secret string
	clock  func() time.Time
}

func (a authenticator) code() string {
	a.t.Helper()
	c, err := totp.GenerateCode(a.secret, a.clock())
	if err != nil {
		a.t.Fatal(err)
	}
	return c
}

// TestTwoFactorSignIn (issue 11, point 2): a user sets up an authenticator
// app and signs in with its codes, each taken once, or with a recovery
// code, each taken once; wrong codes end the attempt; an administrator can
// require two factors of everyone (set up at the next sign-in) and turn it
// off for someone who lost their phone. On SQLite and PostgreSQL.
func TestTwoFactorSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv, acc, _ := testServerHandler(t, db, nil)
		var mu sync.Mutex
		now := time.Now().UTC().Truncate(time.Second)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		later := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
		acc.now = clock
		mustUser(t, acc, "ann@example.gov", auth.Admin)
		mustUser(t, acc, "bob@example.gov", auth.Viewer)
		password := func(b *browser, email string) *browser {
			b.get("/login")
			return b.post("/login", url.Values{"email": {email}, "password": {goodPassword}})
		}

		// Ann sets up her app from her account page.
		ann := newBrowser(t, srv.URL)
		password(ann, "ann@example.gov").want(303)
		ann.get("/account").want(200, "Set up an authenticator app")
		ann.get("/account/two-factor").want(200, "Scan this QR code", `src="data:image/png;base64,`)
		m := secretKey.FindStringSubmatch(ann.body)
		if m == nil {
			t.Fatalf("no key on the page:\n%s", ann.body)
		}
		app := authenticator{t, m[1], clock}
		ann.post("/account/two-factor", url.Values{"code": {"123456"}}).want(400, "Enter the 6-digit code")
		ann.post("/account/two-factor", url.Values{"code": {app.code()}}).want(200, "Save your recovery codes")
		codes := recoveryCode.FindAllStringSubmatch(ann.body, -1)
		if len(codes) != RecoveryCodes {
			t.Fatalf("%d recovery codes shown, want %d", len(codes), RecoveryCodes)
		}
		ann.get("/account").want(200, "You have 10 unused recovery codes")
		ann.post("/logout", url.Values{})

		// Her password alone does not sign her in.
		password(ann, "ann@example.gov").want(303)
		if loc := ann.header.Get("Location"); loc != "/login/two-factor" {
			t.Fatalf("after the password: %q", loc)
		}
		ann.get("/account")
		if ann.status != http.StatusSeeOther {
			t.Fatalf("signed in with the password alone: %d", ann.status)
		}
		ann.get("/login/two-factor").want(200, "Enter the code from your authenticator app", "ann@example.gov")
		// The code she set up with is spent; a wrong one is refused.
		ann.post("/login/two-factor", url.Values{"code": {app.code()}}).want(401, "each code works once")
		ann.post("/login/two-factor", url.Values{"code": {"000000"}}).want(401)
		later(30 * time.Second)
		ann.post("/login/two-factor", url.Values{"code": {app.code()}}).want(303)
		ann.get("/account").want(200, "ann@example.gov")
		ann.post("/logout", url.Values{})

		// A recovery code signs in once.
		later(time.Minute)
		password(ann, "ann@example.gov").want(303)
		ann.post("/login/two-factor", url.Values{"code": {strings.ToUpper(strings.ReplaceAll(codes[0][1], "-", " "))}}).want(303)
		ann.post("/logout", url.Values{})
		password(ann, "ann@example.gov").want(303)
		ann.post("/login/two-factor", url.Values{"code": {codes[0][1]}}).want(401)

		// Five wrong codes end the attempt: the password is asked again.
		for range 4 {
			ann.post("/login/two-factor", url.Values{"code": {"999999"}}).want(401)
		}
		ann.post("/login/two-factor", url.Values{"code": {codes[1][1]}}).want(400, "Sign in again")

		// An administrator requires two factors of everyone: Bob sets up
		// his app as he signs in.
		later(time.Minute)
		password(ann, "ann@example.gov").want(303)
		ann.post("/login/two-factor", url.Values{"code": {app.code()}}).want(303)
		ann.get("/users")
		ann.post("/users/two-factor", url.Values{"required": {"yes"}}).want(303)
		bob := newBrowser(t, srv.URL)
		password(bob, "bob@example.gov").want(303)
		if loc := bob.header.Get("Location"); loc != "/login/two-factor/setup" {
			t.Fatalf("Bob after his password: %q", loc)
		}
		bob.get("/login/two-factor/setup").want(200, "An administrator requires everyone")
		bobApp := authenticator{t, secretKey.FindStringSubmatch(bob.body)[1], clock}
		bob.post("/login/two-factor/setup", url.Values{"code": {bobApp.code()}}).want(200, "Save your recovery codes")
		bob.get("/account").want(200, "bob@example.gov", "On: after your password")
		// Ann cannot turn hers off while it is required.
		ann.get("/account")
		ann.post("/account/two-factor/disable", url.Values{"current": {goodPassword}}).want(400, "requires two-factor sign-in for everyone")

		// Bob loses his phone: Ann turns his two-factor off; he sets it up
		// again at his next sign-in, as everyone must.
		bobUser, err := acc.UserByEmail(t.Context(), "bob@example.gov")
		if err != nil {
			t.Fatal(err)
		}
		ann.get("/users/"+strconv.FormatInt(bobUser.ID, 10)).want(200, "Turn off two-factor sign-in")
		ann.post("/users/"+strconv.FormatInt(bobUser.ID, 10)+"/two-factor/reset", url.Values{}).want(303)
		phoneless := newBrowser(t, srv.URL)
		password(phoneless, "bob@example.gov").want(303)
		if loc := phoneless.header.Get("Location"); loc != "/login/two-factor/setup" {
			t.Fatalf("Bob after the reset: %q", loc)
		}
		// When it is optional again, Ann turns hers off with her password.
		ann.get("/users")
		ann.post("/users/two-factor", url.Values{}).want(303)
		ann.get("/account")
		ann.post("/account/two-factor/disable", url.Values{"current": {goodPassword}}).want(303)
		ann.post("/logout", url.Values{})
		password(ann, "ann@example.gov").want(303)
		if loc := ann.header.Get("Location"); loc != "/" {
			t.Fatalf("after turning it off, the password signs in: %q", loc)
		}
	})
}
