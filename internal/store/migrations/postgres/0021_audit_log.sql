-- The audit log: every change a person or a token made, and every sign-in
-- and failed sign-in. Nothing in it can be changed or deleted; only the
-- client address is cleared, once its retention has passed (issue 11).
CREATE TABLE audit_log (
	id         BIGSERIAL PRIMARY KEY,
	at         TIMESTAMPTZ NOT NULL,
	actor_kind TEXT NOT NULL CHECK (actor_kind IN ('user', 'token', 'anonymous', 'system')),
	user_id    BIGINT NOT NULL DEFAULT 0, -- kept when the user is deleted
	token_id   BIGINT NOT NULL DEFAULT 0,
	actor      TEXT NOT NULL DEFAULT '',  -- the user's email, and the token's name
	address    TEXT NOT NULL DEFAULT '',  -- the client address, cleared after its retention
	action     TEXT NOT NULL,             -- the route: "POST /services/{slug}/goals"
	target     TEXT NOT NULL DEFAULT '',  -- the path, secrets left out: "/services/apply/goals"
	service    TEXT NOT NULL DEFAULT '',  -- the service's slug, when the route names one
	outcome    TEXT NOT NULL CHECK (outcome IN ('done', 'refused')),
	status     INTEGER NOT NULL,
	details    TEXT NOT NULL DEFAULT '{}' -- JSON: the fields sent, and what changed
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor, at DESC);
CREATE INDEX audit_log_service ON audit_log (service, at DESC);
CREATE INDEX audit_log_address ON audit_log (at) WHERE address <> '';

CREATE FUNCTION audit_log_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' OR NEW.address <> '' OR
		(NEW.id, NEW.at, NEW.actor_kind, NEW.user_id, NEW.token_id, NEW.actor, NEW.action, NEW.target, NEW.service, NEW.outcome, NEW.status, NEW.details)
		IS DISTINCT FROM
		(OLD.id, OLD.at, OLD.actor_kind, OLD.user_id, OLD.token_id, OLD.actor, OLD.action, OLD.target, OLD.service, OLD.outcome, OLD.status, OLD.details)
	THEN
		RAISE EXCEPTION 'the audit log cannot be changed';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_immutable BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
