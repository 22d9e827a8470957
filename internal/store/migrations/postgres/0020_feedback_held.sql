-- Feedback held back from the figures: public submissions that came in a
-- burst from one network, or in a flood to the service. They are listed
-- in the inbox, flagged, and counted in user satisfaction only once a
-- person counts them (issue 11). The addresses that made the burst are
-- never stored.
ALTER TABLE feedback ADD COLUMN held BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX feedback_held ON feedback (service_id, created_at DESC, id DESC) WHERE held;
