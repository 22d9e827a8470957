package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// newSecret returns a random 256-bit value, URL-safe, for session cookies,
// set-up links and API tokens.
func newSecret() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hashSecret is how secrets are stored: a database leak gives no usable
// session, link or token. SHA-256 suffices because the secrets are random
// 256-bit values, not passwords.
func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
