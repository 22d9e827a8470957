-- Analytics: daily visitor-hash salts, a dictionary of the strings events
-- carry, raw events, sessions and the daily and hourly rollups the
-- dashboard reads. Times are Unix milliseconds (UTC); days are whole days
-- since 1970-01-01 in the service's time zone.
CREATE TABLE analytics_salts (
	day        TEXT PRIMARY KEY, -- the UTC date the salt is for
	salt       TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);

CREATE TABLE analytics_strings (
	id    INTEGER PRIMARY KEY,
	value TEXT NOT NULL UNIQUE
);

CREATE TABLE analytics_events (
	service_id      INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	ts              INTEGER NOT NULL,
	visitor_id      INTEGER NOT NULL,
	session_id      INTEGER NOT NULL,
	name            INTEGER NOT NULL,
	page            INTEGER NOT NULL,
	hostname        INTEGER NOT NULL,
	props           TEXT NOT NULL DEFAULT '',
	revenue         TEXT NOT NULL DEFAULT '',
	interactive     BOOLEAN NOT NULL DEFAULT TRUE,
	scroll_depth    INTEGER,
	engaged_ms      INTEGER,
	source          INTEGER NOT NULL,
	referrer        INTEGER NOT NULL,
	channel         INTEGER NOT NULL,
	utm_source      INTEGER NOT NULL,
	utm_medium      INTEGER NOT NULL,
	utm_campaign    INTEGER NOT NULL,
	utm_term        INTEGER NOT NULL,
	utm_content     INTEGER NOT NULL,
	device          INTEGER NOT NULL,
	browser         INTEGER NOT NULL,
	browser_version INTEGER NOT NULL,
	os              INTEGER NOT NULL,
	os_version      INTEGER NOT NULL,
	country         INTEGER NOT NULL
);
CREATE INDEX analytics_events_service_ts ON analytics_events (service_id, ts);

CREATE TABLE analytics_sessions (
	service_id      INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	session_id      INTEGER NOT NULL,
	visitor_id      INTEGER NOT NULL,
	start_ts        INTEGER NOT NULL,
	end_ts          INTEGER NOT NULL,
	pageviews       INTEGER NOT NULL,
	events          INTEGER NOT NULL,
	bounce          BOOLEAN NOT NULL,
	entry_page      INTEGER NOT NULL,
	exit_page       INTEGER NOT NULL,
	hostname        INTEGER NOT NULL,
	source          INTEGER NOT NULL,
	referrer        INTEGER NOT NULL,
	channel         INTEGER NOT NULL,
	utm_source      INTEGER NOT NULL,
	utm_medium      INTEGER NOT NULL,
	utm_campaign    INTEGER NOT NULL,
	utm_term        INTEGER NOT NULL,
	utm_content     INTEGER NOT NULL,
	device          INTEGER NOT NULL,
	browser         INTEGER NOT NULL,
	browser_version INTEGER NOT NULL,
	os              INTEGER NOT NULL,
	os_version      INTEGER NOT NULL,
	country         INTEGER NOT NULL,
	PRIMARY KEY (service_id, session_id)
);
CREATE INDEX analytics_sessions_service_start ON analytics_sessions (service_id, start_ts);

-- kind says which dimension value is: 0 is the whole site (value 0); see
-- internal/analytics/rollup.go for the others.
CREATE TABLE analytics_daily (
	service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	day        INTEGER NOT NULL,
	kind       INTEGER NOT NULL,
	value      INTEGER NOT NULL,
	visitors   INTEGER NOT NULL DEFAULT 0,
	visits     INTEGER NOT NULL DEFAULT 0,
	pageviews  INTEGER NOT NULL DEFAULT 0,
	events     INTEGER NOT NULL DEFAULT 0,
	bounces    INTEGER NOT NULL DEFAULT 0,
	duration   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (service_id, day, kind, value)
);

CREATE TABLE analytics_hourly (
	service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	hour       INTEGER NOT NULL, -- Unix hours
	visitors   INTEGER NOT NULL DEFAULT 0,
	visits     INTEGER NOT NULL DEFAULT 0,
	pageviews  INTEGER NOT NULL DEFAULT 0,
	events     INTEGER NOT NULL DEFAULT 0,
	bounces    INTEGER NOT NULL DEFAULT 0,
	duration   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (service_id, hour)
);

ALTER TABLE services ADD COLUMN event_retention_days INTEGER NOT NULL DEFAULT 0;
