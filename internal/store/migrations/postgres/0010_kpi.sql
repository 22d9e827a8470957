-- The kpi area: a service's transactions by channel, its costs, its KPI
-- targets and settings. Days are INTEGER day numbers, days since 1970-01-01
-- of the civil date in the service's time zone (as funnel_days), so both
-- engines compare and subtract them alike. Money is an integer number of the
-- currency's minor units (pence), never a float.

-- Settings, one row per service once they are saved; a service without a
-- row has the defaults. main_funnel_id is the funnel whose first and last
-- steps are the digital channel's started and completed transactions. The
-- stale_* columns are how many days old each kind of input may get before
-- the KPI page flags it stale.
CREATE TABLE kpi_settings (
	service_id              BIGINT PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
	main_funnel_id          BIGINT REFERENCES funnels (id) ON DELETE SET NULL,
	currency                TEXT NOT NULL DEFAULT 'GBP' CHECK (length(currency) = 3),
	stale_digital_days      INTEGER NOT NULL DEFAULT 2 CHECK (stale_digital_days BETWEEN 1 AND 3660),
	stale_channels_days     INTEGER NOT NULL DEFAULT 35 CHECK (stale_channels_days BETWEEN 1 AND 3660),
	stale_costs_days        INTEGER NOT NULL DEFAULT 100 CHECK (stale_costs_days BETWEEN 1 AND 3660),
	stale_satisfaction_days INTEGER NOT NULL DEFAULT 7 CHECK (stale_satisfaction_days BETWEEN 1 AND 3660),
	updated_at              TIMESTAMPTZ NOT NULL
);
CREATE INDEX kpi_settings_funnel ON kpi_settings (main_funnel_id);

-- Submitted transactions: one row per service, channel and period. A
-- daily figure has first_day = last_day; a monthly figure covers its whole
-- calendar month (first_day the 1st, last_day the last day), so "per day
-- or per month" share one table. A period report takes the share of a
-- monthly figure that falls in it, spread evenly over the month's days. A
-- channel's rows never overlap (a day inside a stored month is refused),
-- and re-submitting the same period replaces the row. Submitted digital
-- rows replace the funnel's derived figures for the days they cover.
-- The key doubles as the period index: a row is at most 31 days long, so
-- the rows overlapping [a, b] have first_day between a - 30 and b.
CREATE TABLE kpi_transactions (
	service_id BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	first_day  INTEGER NOT NULL,
	channel    TEXT NOT NULL
		CHECK (channel IN ('digital', 'assisted_digital', 'phone', 'paper', 'face_to_face', 'other')),
	last_day   INTEGER NOT NULL,
	started    BIGINT NOT NULL CHECK (started >= 0),
	completed  BIGINT NOT NULL CHECK (completed >= 0 AND completed <= started),
	source     TEXT NOT NULL DEFAULT 'submitted' CHECK (source IN ('submitted')),
	updated_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (service_id, first_day, channel),
	CHECK (last_day >= first_day AND last_day - first_day < 31)
);

-- Costs: an amount spent over [first_day, last_day] on one channel, or on
-- all of them ('all': shared costs not given per channel). A period report
-- takes the share that falls in it, spread evenly over the range's days.
-- A channel's ranges never overlap; the same range again replaces the row.
CREATE TABLE kpi_costs (
	service_id   BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	channel      TEXT NOT NULL
		CHECK (channel IN ('all', 'digital', 'assisted_digital', 'phone', 'paper', 'face_to_face', 'other')),
	first_day    INTEGER NOT NULL,
	last_day     INTEGER NOT NULL,
	amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
	updated_at   TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (service_id, channel, first_day),
	CHECK (last_day >= first_day)
);
CREATE INDEX kpi_costs_period ON kpi_costs (service_id, last_day);

-- When each input was last submitted (a channel's transactions, or the
-- costs) and the last day its figures reach, for the staleness flags.
CREATE TABLE kpi_inputs (
	service_id BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	input      TEXT NOT NULL
		CHECK (input IN ('digital', 'assisted_digital', 'phone', 'paper', 'face_to_face', 'other', 'costs')),
	updated_at TIMESTAMPTZ NOT NULL,
	data_until INTEGER NOT NULL,
	PRIMARY KEY (service_id, input)
);

-- A target per KPI: value_micro is millionths of the KPI's unit, of 1 for
-- the rates (0.85 is 850000) and of the currency unit for cost per
-- transaction (4.50 is 4500000); direction says whether higher or lower is
-- better.
CREATE TABLE kpi_targets (
	service_id  BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
	kpi         TEXT NOT NULL
		CHECK (kpi IN ('completion_rate', 'digital_take_up', 'user_satisfaction', 'cost_per_transaction')),
	value_micro BIGINT NOT NULL CHECK (value_micro >= 0),
	direction   TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
	updated_at  TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (service_id, kpi)
);
