-- How far into each node's ingest journal (internal/journal) the database
-- holds the events: written in the same transaction as the events, so that a
-- replay after a crash skips exactly what is stored.
CREATE TABLE analytics_journal_progress (
	node TEXT PRIMARY KEY,
	seq  INTEGER NOT NULL
);

-- Checkpoints are kept per node: each node saves its own visitors, and a
-- start reads every node's, so that restarts of several nodes in turn never
-- count a visitor twice. Checkpoints from before were a single node's.
CREATE TABLE analytics_node_checkpoints (
	node       TEXT NOT NULL,
	service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	saved_at   TIMESTAMP NOT NULL,
	state      BLOB NOT NULL,
	PRIMARY KEY (node, service_id)
);
INSERT INTO analytics_node_checkpoints (node, service_id, saved_at, state)
	SELECT '', service_id, saved_at, state FROM analytics_checkpoints;
DROP TABLE analytics_checkpoints;
