-- What the sessionizer knew at the last graceful stop: for each visitor of
-- the day, the rollup rows that have counted them, so that a visitor who
-- comes back after a restart is not counted again. state is the encoding
-- of internal/analytics/checkpoint.go; it only ever holds facts whose
-- rollups were committed, so an old one is safe to load.
CREATE TABLE analytics_checkpoints (
	service_id BIGINT PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
	saved_at   TIMESTAMPTZ NOT NULL,
	state      BYTEA NOT NULL
);
