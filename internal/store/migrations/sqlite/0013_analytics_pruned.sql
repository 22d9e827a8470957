-- How far each service's raw events (analytics_events) have been deleted
-- by its retention setting: every event before before_ts (Unix ms) may be
-- gone. Figures that only raw events give (funnels, transactions) are
-- unknown before it unless they were kept before the events were deleted.
CREATE TABLE analytics_pruned (
	service_id INTEGER PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
	before_ts  INTEGER NOT NULL
);

-- Events pruned before this table existed: a service whose daily rollups
-- begin days before its first remaining raw event, or that has rollups and
-- no raw events left, lost them to retention.
INSERT INTO analytics_pruned (service_id, before_ts)
SELECT id, coalesce(first_event, (last_day + 2) * 86400000) FROM (
	SELECT s.id,
		(SELECT min(ts) FROM analytics_events e WHERE e.service_id = s.id) AS first_event,
		(SELECT min(day) FROM analytics_daily d WHERE d.service_id = s.id) AS first_day,
		(SELECT max(day) FROM analytics_daily d WHERE d.service_id = s.id) AS last_day
	FROM services s
) x
WHERE first_day IS NOT NULL AND (first_event IS NULL OR first_event >= (first_day + 2) * 86400000);
