-- One closed day of a service's events and visits in columns, for the
-- column engine (internal/analytics/segment.go): built from the raw tables,
-- dropped when a late write or pruning touches the day, built again on use.
CREATE TABLE analytics_segments (
	service_id BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	day_start  BIGINT NOT NULL,
	day_end    BIGINT NOT NULL,
	data       BYTEA NOT NULL,
	PRIMARY KEY (service_id, day_start)
);
