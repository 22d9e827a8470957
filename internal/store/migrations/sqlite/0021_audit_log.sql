-- The audit log: every change a person or a token made, and every sign-in
-- and failed sign-in. Nothing in it can be changed or deleted; only the
-- client address is cleared, once its retention has passed (issue 11).
CREATE TABLE audit_log (
	id         INTEGER PRIMARY KEY,
	at         TIMESTAMP NOT NULL,
	actor_kind TEXT NOT NULL CHECK (actor_kind IN ('user', 'token', 'anonymous', 'system')),
	user_id    INTEGER NOT NULL DEFAULT 0, -- kept when the user is deleted
	token_id   INTEGER NOT NULL DEFAULT 0,
	actor      TEXT NOT NULL DEFAULT '',   -- the user's email, and the token's name
	address    TEXT NOT NULL DEFAULT '',   -- the client address, cleared after its retention
	action     TEXT NOT NULL,              -- the route: "POST /services/{slug}/goals"
	target     TEXT NOT NULL DEFAULT '',   -- the path, secrets left out: "/services/apply/goals"
	service    TEXT NOT NULL DEFAULT '',   -- the service's slug, when the route names one
	outcome    TEXT NOT NULL CHECK (outcome IN ('done', 'refused')),
	status     INTEGER NOT NULL,
	details    TEXT NOT NULL DEFAULT '{}'  -- JSON: the fields sent, and what changed
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor, at DESC);
CREATE INDEX audit_log_service ON audit_log (service, at DESC);
CREATE INDEX audit_log_address ON audit_log (at) WHERE address <> '';

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'the audit log cannot be changed');
END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OF id, at, actor_kind, user_id, token_id, actor, action, target, service, outcome, status, details ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'the audit log cannot be changed');
END;
CREATE TRIGGER audit_log_only_clear_address BEFORE UPDATE OF address ON audit_log WHEN NEW.address <> ''
BEGIN
	SELECT RAISE(ABORT, 'the audit log cannot be changed');
END;
