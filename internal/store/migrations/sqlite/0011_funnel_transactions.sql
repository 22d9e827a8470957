-- A funnel's transactions (goals.Transactions) for one whole past day in a
-- time zone: visits that reached its first step that day (started) and of
-- those, visits that went on to its last step (completed). Kept like the
-- rollups, so the kpi area's history outlives the raw events' retention.
-- definition hashes the first and last steps and the zone.
CREATE TABLE funnel_transactions (
	funnel_id  INTEGER NOT NULL REFERENCES funnels (id) ON DELETE CASCADE,
	definition TEXT NOT NULL,
	day        INTEGER NOT NULL, -- days since 1970-01-01 in the zone
	started    INTEGER NOT NULL,
	completed  INTEGER NOT NULL,
	PRIMARY KEY (funnel_id, definition, day)
);
