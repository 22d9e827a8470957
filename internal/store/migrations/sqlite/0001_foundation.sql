-- The foundation: settings, services and their hostnames, users, sessions,
-- set-up links and API tokens.
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE services (
	id          INTEGER PRIMARY KEY,
	slug        TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	owner       TEXT NOT NULL DEFAULT '',
	timezone    TEXT NOT NULL DEFAULT 'UTC',
	phase       TEXT NOT NULL DEFAULT 'live' CHECK (phase IN ('beta', 'live', 'retiring')),
	public      BOOLEAN NOT NULL DEFAULT FALSE,
	archived_at TIMESTAMP,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE service_domains (
	host       TEXT PRIMARY KEY,
	service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	position   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX service_domains_service ON service_domains (service_id);

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
	all_services  BOOLEAN NOT NULL DEFAULT TRUE,
	disabled_at   TIMESTAMP,
	last_login_at TIMESTAMP,
	created_at    TIMESTAMP NOT NULL,
	updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE user_services (
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	PRIMARY KEY (user_id, service_id)
);

CREATE TABLE sessions (
	id_hash      TEXT PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	user_agent   TEXT NOT NULL DEFAULT '',
	created_at   TIMESTAMP NOT NULL,
	last_seen_at TIMESTAMP NOT NULL,
	expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One-time links to choose a password: the first admin's (user_id NULL) and
-- those an admin hands to a new user or one who forgot their password.
CREATE TABLE setup_links (
	token_hash TEXT PRIMARY KEY,
	user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	prefix       TEXT NOT NULL,
	token_hash   TEXT NOT NULL UNIQUE,
	scope        TEXT NOT NULL CHECK (scope IN ('admin', 'read', 'write', 'ingest')),
	service_id   INTEGER REFERENCES services (id) ON DELETE CASCADE,
	created_at   TIMESTAMP NOT NULL,
	last_used_at TIMESTAMP,
	revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
