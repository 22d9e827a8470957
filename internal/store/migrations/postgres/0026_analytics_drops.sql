-- Events answered 202 but not counted, per service, minute and reason
-- (bot, referrer_spam, unknown_domain, excluded_ip), so that the tracking
-- page can tell a team testing its tag why nothing arrives. Each node adds
-- its counts every 30 seconds; rows older than two days are deleted.
CREATE TABLE analytics_drops (
	service_id BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	minute     BIGINT NOT NULL, -- Unix seconds at the minute's start
	reason     TEXT NOT NULL,
	events     BIGINT NOT NULL,
	PRIMARY KEY (service_id, minute, reason)
);
