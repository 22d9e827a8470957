-- Goals and funnels. A goal is a page-view goal (page_path, a path pattern
-- with * and ** wildcards) or a custom-event goal (event_name); the other
-- column is NULL. A funnel is 2 to 8 distinct goals of its service, in order.
CREATE TABLE goals (
	id           INTEGER PRIMARY KEY,
	service_id   INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	page_path    TEXT,
	event_name   TEXT,
	display_name TEXT NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	CHECK ((page_path IS NULL) <> (event_name IS NULL))
);
CREATE UNIQUE INDEX goals_service_page_path ON goals (service_id, page_path) WHERE page_path IS NOT NULL;
CREATE UNIQUE INDEX goals_service_event_name ON goals (service_id, event_name) WHERE event_name IS NOT NULL;
CREATE UNIQUE INDEX goals_service_display_name ON goals (service_id, display_name);

CREATE TABLE funnels (
	id         INTEGER PRIMARY KEY,
	service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	UNIQUE (service_id, name)
);

-- A goal a funnel uses cannot be deleted (the default NO ACTION is checked
-- at the end of the statement, so deleting a service still cascades).
CREATE TABLE funnel_steps (
	funnel_id INTEGER NOT NULL REFERENCES funnels (id) ON DELETE CASCADE,
	position  INTEGER NOT NULL CHECK (position BETWEEN 1 AND 8),
	goal_id   INTEGER NOT NULL REFERENCES goals (id),
	PRIMARY KEY (funnel_id, position),
	UNIQUE (funnel_id, goal_id)
);
CREATE INDEX funnel_steps_goal ON funnel_steps (goal_id);
