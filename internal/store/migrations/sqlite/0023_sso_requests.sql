-- Single sign-on with OpenID Connect: a sign-in sent to the identity
-- provider, waiting for its answer. The browser holds the secret; this
-- row holds what the answer must match (state, nonce) and the PKCE
-- verifier that proves the answer comes back to the browser that asked.
CREATE TABLE sso_requests (
	secret_hash TEXT PRIMARY KEY,
	state       TEXT NOT NULL,
	nonce       TEXT NOT NULL,
	verifier    TEXT NOT NULL,
	next        TEXT NOT NULL DEFAULT '/',
	expires_at  TIMESTAMP NOT NULL
);
