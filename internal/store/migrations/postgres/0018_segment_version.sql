-- The encoding version of each kept segment, beside it and in an index
-- with the day, so that a query can tell the days ready for the column
-- engine from the index alone: a column after the data is read through the
-- blob's overflow pages (0.5 s a page at a million events). Segments kept
-- before count as version 0: the segments job builds them again once.
ALTER TABLE analytics_segments ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE INDEX analytics_segments_version ON analytics_segments (service_id, day_start, version);
