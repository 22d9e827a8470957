-- Retention by default, not for ever (issue 11): raw analytics events
-- 13 months (396 days: a month compares with the same month a year
-- before), free text of feedback 2 years. Services that kept raw events
-- for ever, the old default, take the new one; their daily rollups stay,
-- so dashboards and reports over long periods still work.
UPDATE services SET event_retention_days = 396 WHERE event_retention_days = 0;
ALTER TABLE services ADD COLUMN feedback_retention_days INTEGER NOT NULL DEFAULT 730;
ALTER TABLE feedback ADD COLUMN text_removed BOOLEAN NOT NULL DEFAULT FALSE;
