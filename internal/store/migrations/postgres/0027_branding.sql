-- How the pages the public sees present themselves (issue 12): the
-- organisation's name, logo, colour, support and policy links and default
-- language (one row), and per service its public name, the address it
-- starts at and its own default language ('' for the organisation's).
-- version grows with every change, for the stylesheet's and logo's URLs.
CREATE TABLE branding (
	id                INTEGER PRIMARY KEY CHECK (id = 1),
	org_name          TEXT NOT NULL DEFAULT '',
	colour            TEXT NOT NULL DEFAULT '',
	logo              BYTEA,
	logo_type         TEXT NOT NULL DEFAULT '',
	support_text      TEXT NOT NULL DEFAULT '',
	support_url       TEXT NOT NULL DEFAULT '',
	privacy_url       TEXT NOT NULL DEFAULT '',
	accessibility_url TEXT NOT NULL DEFAULT '',
	default_lang      TEXT NOT NULL DEFAULT 'en',
	powered_by        BOOLEAN NOT NULL DEFAULT TRUE,
	version           BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE service_branding (
	service_id   BIGINT PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
	public_name  TEXT NOT NULL DEFAULT '',
	service_url  TEXT NOT NULL DEFAULT '',
	default_lang TEXT NOT NULL DEFAULT ''
);
