-- Feedback: what users tell a service through its forms and hosted survey,
-- and what staff enter on behalf of callers, correspondents and partners.
-- Every free-text column is scrubbed of personal data before it is written;
-- search_text is the normalised form of all the item's free text, which the
-- inbox's text and theme filters search (see internal/themes).
CREATE TABLE feedback (
	id          INTEGER PRIMARY KEY,
	service_id  INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	kind        TEXT NOT NULL CHECK (kind IN ('useful', 'problem', 'satisfaction', 'comment')),
	url         TEXT NOT NULL DEFAULT '', -- the page, without query string or fragment
	page        TEXT NOT NULL DEFAULT '', -- its path, for the per-page summary
	useful      BOOLEAN,
	rating      INTEGER CHECK (rating BETWEEN 1 AND 5),
	comment     TEXT NOT NULL DEFAULT '',
	doing       TEXT NOT NULL DEFAULT '',
	wrong       TEXT NOT NULL DEFAULT '',
	search_text TEXT NOT NULL DEFAULT '',
	channel     TEXT NOT NULL DEFAULT 'web'
		CHECK (channel IN ('web', 'phone', 'email', 'in_person', 'partner', 'social_media', 'other')),
	given_by    TEXT NOT NULL DEFAULT '', -- a role such as "partner organisation", never a name
	status      TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'triaged', 'actioned', 'no_action')),
	note        TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);
-- The inbox lists newest first, 50 at a time, with a count of all: by kind,
-- by status (the triage queue) or both, each read in order from an index.
CREATE INDEX feedback_inbox ON feedback (service_id, created_at DESC, id DESC);
CREATE INDEX feedback_inbox_kind ON feedback (service_id, kind, created_at DESC, id DESC);
CREATE INDEX feedback_inbox_status ON feedback (service_id, status, created_at DESC, id DESC);
CREATE INDEX feedback_inbox_kind_status ON feedback (service_id, kind, status, created_at DESC, id DESC);
CREATE INDEX feedback_inbox_rating ON feedback (service_id, rating, created_at DESC, id DESC) WHERE rating IS NOT NULL;

-- Tags, a row each, so that filtering by tag and tagging many items at once
-- are index operations. service_id repeats the item's, for the per-service
-- tag list and filter.
CREATE TABLE feedback_tags (
	feedback_id INTEGER NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
	service_id  INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	tag         TEXT NOT NULL,
	PRIMARY KEY (feedback_id, tag)
);
CREATE INDEX feedback_tags_service_tag ON feedback_tags (service_id, tag, feedback_id);

-- A service's own scrubber patterns (a case reference format, say), applied
-- with the built-in ones to everything written for the service.
CREATE TABLE feedback_scrub_rules (
	id         INTEGER PRIMARY KEY,
	service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	pattern    TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	UNIQUE (service_id, name)
);

-- The last ten minutes of public submissions, for the per-visitor rate
-- limit and identical-submission suppression. visitor_key is the analytics
-- visitor hash (daily-rotating, salted), never an address; fingerprint is a
-- hash of the submission. Rows older than the window are deleted.
CREATE TABLE feedback_recent (
	service_id  INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	visitor_key BIGINT NOT NULL,
	fingerprint TEXT NOT NULL,
	feedback_id INTEGER NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX feedback_recent_visitor ON feedback_recent (service_id, visitor_key, created_at);
CREATE INDEX feedback_recent_created ON feedback_recent (created_at);
