-- Browsers a user has signed in with: the device cookie's secret, hashed.
-- While an account is under a password-guessing attack from elsewhere, a
-- browser known here is let through the account's throttle (OWASP's
-- device cookies), so the attack cannot keep its owner out.
CREATE TABLE sign_in_devices (
	secret_hash  TEXT PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at   TIMESTAMP NOT NULL,
	last_used_at TIMESTAMP NOT NULL
);
CREATE INDEX sign_in_devices_user ON sign_in_devices (user_id, last_used_at);
