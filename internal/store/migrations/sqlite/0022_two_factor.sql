-- Two-factor sign-in with an authenticator app (TOTP, RFC 6238) and
-- single-use recovery codes (issue 11).
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';    -- base32; '' when not set up
ALTER TABLE users ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';   -- a secret being set up, not yet confirmed
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0; -- the time step of the last code taken: no code is taken twice

CREATE TABLE recovery_codes (
	code_hash TEXT PRIMARY KEY,
	user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	used_at   TIMESTAMP
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- A sign-in half done: the password was right, the second step is to come.
CREATE TABLE sign_in_challenges (
	secret_hash TEXT PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	next        TEXT NOT NULL DEFAULT '/',
	failures    INTEGER NOT NULL DEFAULT 0,
	expires_at  TIMESTAMP NOT NULL
);
