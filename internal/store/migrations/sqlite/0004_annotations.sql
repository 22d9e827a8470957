-- Release and event notes drawn as markers on the analytics charts.
CREATE TABLE analytics_annotations (
	id         INTEGER PRIMARY KEY,
	service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	at         TIMESTAMP NOT NULL,
	label      TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX analytics_annotations_service_at ON analytics_annotations (service_id, at);
