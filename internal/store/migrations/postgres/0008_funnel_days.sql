-- A funnel's report for one whole past day in its service's time zone:
-- levels[i] is the number of visitors whose deepest step was i (0 to 8),
-- comma-separated. A visitor id is salted per day, so a day's visitors are
-- nobody else's and days add up. definition hashes the steps and the zone:
-- a changed funnel, goal or zone is a new definition, computed afresh.
CREATE TABLE funnel_days (
	funnel_id  BIGINT NOT NULL REFERENCES funnels (id) ON DELETE CASCADE,
	definition TEXT NOT NULL,
	day        INTEGER NOT NULL, -- days since 1970-01-01 in the service's zone
	levels     TEXT NOT NULL,
	PRIMARY KEY (funnel_id, definition, day)
);
