-- Passkeys (WebAuthn) as a second factor (issue 11): each is a public key
-- the user's device holds the private half of.
CREATE TABLE passkeys (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	credential   TEXT NOT NULL, -- JSON of go-webauthn's Credential: id, public key, sign count, flags
	created_at   TIMESTAMP NOT NULL,
	last_used_at TIMESTAMP
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- A WebAuthn ceremony under way: its challenge, for the answer to match.
CREATE TABLE webauthn_sessions (
	key_hash   TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	data       TEXT NOT NULL,
	expires_at TIMESTAMP NOT NULL
);
