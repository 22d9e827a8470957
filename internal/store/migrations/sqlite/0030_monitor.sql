-- The monitor area (issue 13): synthetic checks, their results and
-- rollups, incidents with their updates, and maintenance windows. Times
-- of results and rollups are Unix milliseconds (BIGINT): thousands of rows
-- a minute, compared and bucketed as numbers.
CREATE TABLE monitor_checks (
	id          INTEGER PRIMARY KEY,
	service_id  INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	name        TEXT NOT NULL,
	type        TEXT NOT NULL,
	spec        TEXT NOT NULL,           -- the probe's settings as JSON
	interval_ms INTEGER NOT NULL,
	retries     INTEGER NOT NULL DEFAULT 0, -- failures in a row before it counts as down
	labels      TEXT NOT NULL DEFAULT '', -- free-form tags, comma-separated
	component   TEXT NOT NULL DEFAULT '', -- its group on the status page ('' for its name)
	public      BOOLEAN NOT NULL DEFAULT TRUE,
	paused      BOOLEAN NOT NULL DEFAULT FALSE,
	token_hash  TEXT,                    -- a heartbeat's token, hashed
	status      TEXT NOT NULL DEFAULT 'pending', -- pending, up, down
	fails       INTEGER NOT NULL DEFAULT 0, -- failures in a row
	reason      TEXT NOT NULL DEFAULT '',
	-- The interval a node last claimed, counted from the epoch: a node runs
	-- the check only when its compare-and-set moves it on, so two nodes
	-- never run one interval twice.
	last_slot   INTEGER NOT NULL DEFAULT -1,
	last_run_ms INTEGER NOT NULL DEFAULT 0,
	beat_ms     INTEGER NOT NULL DEFAULT 0, -- a heartbeat's last call
	since_ms    INTEGER NOT NULL DEFAULT 0, -- when the status last changed
	duration_ms INTEGER NOT NULL DEFAULT 0, -- the last run's
	cert_expiry_ms INTEGER NOT NULL DEFAULT 0, -- the certificate the last run saw
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL,
	UNIQUE (service_id, name)
);
CREATE UNIQUE INDEX monitor_checks_token ON monitor_checks (token_hash);

CREATE TABLE monitor_results (
	check_id    INTEGER NOT NULL REFERENCES monitor_checks (id) ON DELETE CASCADE,
	at_ms       INTEGER NOT NULL,
	slot        INTEGER NOT NULL DEFAULT 0,  -- the interval it ran for (last_slot's number)
	status      TEXT NOT NULL,           -- up, down
	maintenance BOOLEAN NOT NULL DEFAULT FALSE, -- in a window: not counted against uptime
	duration_ms INTEGER NOT NULL,
	reason      TEXT NOT NULL DEFAULT '',
	status_code INTEGER NOT NULL DEFAULT 0,
	dns_ms      INTEGER NOT NULL DEFAULT 0,
	connect_ms  INTEGER NOT NULL DEFAULT 0,
	tls_ms      INTEGER NOT NULL DEFAULT 0,
	ttfb_ms     INTEGER NOT NULL DEFAULT 0,
	cert_expiry_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX monitor_results_check ON monitor_results (check_id, at_ms DESC);
-- The failures alone, for the pages' recent failures: a few rows among
-- millions of successes.
CREATE INDEX monitor_results_failures ON monitor_results (check_id, at_ms DESC) WHERE status <> 'up' AND NOT maintenance;

-- Up, down and maintenance counts and the response times' distribution
-- per check and minute, hour and day: h0…h15 count the runs that took up
-- to 10, 25, 50, 75, 100, 150, 200, 300, 500, 750, 1,000, 1,500, 2,500,
-- 5,000, 10,000 ms and longer, so that adding a batch is one upsert.
CREATE TABLE monitor_rollups (
	check_id    INTEGER NOT NULL REFERENCES monitor_checks (id) ON DELETE CASCADE,
	grain       TEXT NOT NULL,           -- minute, hour, day
	bucket_ms   INTEGER NOT NULL,
	up          INTEGER NOT NULL DEFAULT 0,
	down        INTEGER NOT NULL DEFAULT 0,
	maintenance INTEGER NOT NULL DEFAULT 0,
	duration_ms INTEGER NOT NULL DEFAULT 0, -- the sum
	h0          INTEGER NOT NULL DEFAULT 0,
	h1          INTEGER NOT NULL DEFAULT 0,
	h2          INTEGER NOT NULL DEFAULT 0,
	h3          INTEGER NOT NULL DEFAULT 0,
	h4          INTEGER NOT NULL DEFAULT 0,
	h5          INTEGER NOT NULL DEFAULT 0,
	h6          INTEGER NOT NULL DEFAULT 0,
	h7          INTEGER NOT NULL DEFAULT 0,
	h8          INTEGER NOT NULL DEFAULT 0,
	h9          INTEGER NOT NULL DEFAULT 0,
	h10         INTEGER NOT NULL DEFAULT 0,
	h11         INTEGER NOT NULL DEFAULT 0,
	h12         INTEGER NOT NULL DEFAULT 0,
	h13         INTEGER NOT NULL DEFAULT 0,
	h14         INTEGER NOT NULL DEFAULT 0,
	h15         INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (check_id, grain, bucket_ms)
);

CREATE TABLE monitor_incidents (
	id          INTEGER PRIMARY KEY,
	service_id  INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	check_id    INTEGER REFERENCES monitor_checks (id) ON DELETE SET NULL, -- opened by a check's failure
	title       TEXT NOT NULL,
	status      TEXT NOT NULL,           -- investigating, identified, monitoring, resolved
	impact      TEXT NOT NULL,           -- degraded, partial, major
	started_at  TIMESTAMP NOT NULL,
	resolved_at TIMESTAMP,
	updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX monitor_incidents_service ON monitor_incidents (service_id, started_at DESC);

CREATE TABLE monitor_incident_updates (
	id          INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES monitor_incidents (id) ON DELETE CASCADE,
	status      TEXT NOT NULL,
	body        TEXT NOT NULL,
	at          TIMESTAMP NOT NULL
);
CREATE INDEX monitor_incident_updates_incident ON monitor_incident_updates (incident_id, at);

-- Windows in which results count as maintenance: one-off, or repeated
-- daily or weekly at the same local time in the service's time zone.
CREATE TABLE monitor_maintenance (
	id          INTEGER PRIMARY KEY,
	service_id  INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	title       TEXT NOT NULL,
	starts_at   TIMESTAMP NOT NULL,
	ends_at     TIMESTAMP NOT NULL,
	repeat      TEXT NOT NULL DEFAULT '', -- '', daily, weekly
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX monitor_maintenance_service ON monitor_maintenance (service_id, starts_at);

-- A service's monitor settings: how many days its raw results are kept
-- (the rollups keep their own times).
CREATE TABLE monitor_settings (
	service_id            INTEGER PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
	result_retention_days INTEGER NOT NULL DEFAULT 30
);
