-- The hostname of each visit's exit page (Plausible's exit_page_hostname),
-- kept as the exit page is: the latest page view's. Visits stored before
-- take it from their last page view, or their entry hostname without one.
ALTER TABLE analytics_sessions ADD COLUMN exit_hostname INTEGER NOT NULL DEFAULT 0;
UPDATE analytics_sessions SET exit_hostname = hostname;
UPDATE analytics_sessions SET exit_hostname = last.hostname
FROM (
	SELECT e.service_id, e.session_id, e.hostname,
		row_number() OVER (PARTITION BY e.service_id, e.session_id ORDER BY e.ts DESC) AS n
	FROM analytics_events e
	WHERE e.name IN (SELECT id FROM analytics_strings WHERE value = 'pageview')
) AS last
WHERE last.n = 1 AND last.service_id = analytics_sessions.service_id AND last.session_id = analytics_sessions.session_id;
-- Segments hold the visits' columns: built again with the new one.
DELETE FROM analytics_segments;
