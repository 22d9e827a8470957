package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: one of OWASP's equivalent recommended settings
// (7 MiB, 5 passes). Of those, it is the one with the least memory, so a
// burst of sign-ins does not balloon the server's memory; a sign-in costs
// about 20 ms of one core.
const (
	argonTime    = 5
	argonMemory  = 7 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// Password length limits. The maximum keeps hashing bounded; it is far
// above what anyone types or a password manager makes.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// CheckPassword says what is wrong with a new password, or "".
func CheckPassword(pw string) string {
	switch n := utf8.RuneCountInString(pw); {
	case n == 0:
		return "Enter a password"
	case n < MinPasswordLen:
		return fmt.Sprintf("Password must be at least %d characters", MinPasswordLen)
	case len(pw) > MaxPasswordLen:
		return fmt.Sprintf("Password must be at most %d bytes", MaxPasswordLen)
	}
	return ""
}

// hashPassword returns the argon2id hash of pw in the PHC string format,
// which records its parameters so they can be raised later.
func hashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errBadHash = errors.New("malformed password hash")

// verifyPassword reports whether pw matches an encoded hash, in constant time.
func verifyPassword(encoded, pw string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	var mem, iter uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iter, &threads); err != nil {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, iter, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// hashSlots bounds how many password hashes run at once: each takes 7 MiB
// and a core for 15 ms, so a flood of sign-ins queues instead of using up
// memory.
func newHashSlots() chan struct{} { return make(chan struct{}, 2*runtime.GOMAXPROCS(0)) }

func (a *Accounts) hash(ctx context.Context, pw string) (string, error) {
	select {
	case a.hashing <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-a.hashing }()
	return hashPassword(pw), nil
}

func (a *Accounts) verify(ctx context.Context, encoded, pw string) (bool, error) {
	select {
	case a.hashing <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-a.hashing }()
	return verifyPassword(encoded, pw)
}
