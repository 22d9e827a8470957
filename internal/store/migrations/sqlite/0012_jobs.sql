-- One row per job that runs on one node at a time (internal/jobs): the
-- lease a node takes by a compare-and-set on version, and what the last run
-- did. Times are Unix milliseconds, so that the claim compares numbers in
-- the same way on SQLite and PostgreSQL; 0 means never.
-- last_result is running, ok, error, timeout or cancelled.
CREATE TABLE jobs (
	name         TEXT PRIMARY KEY,
	version      BIGINT NOT NULL DEFAULT 0,
	holder       TEXT NOT NULL DEFAULT '',
	lease_until  BIGINT NOT NULL DEFAULT 0,
	last_start   BIGINT NOT NULL DEFAULT 0,
	last_end     BIGINT NOT NULL DEFAULT 0,
	last_result  TEXT NOT NULL DEFAULT '',
	last_error   TEXT NOT NULL DEFAULT '',
	last_success BIGINT NOT NULL DEFAULT 0
);
