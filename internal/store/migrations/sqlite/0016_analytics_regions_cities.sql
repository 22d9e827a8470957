-- Regions and cities, from a city database (--geoip-db): dictionary ids of
-- the region's ISO 3166-2 code, the city's GeoNames id, and the English
-- names the database gave for the country, region and city (0: unknown).
ALTER TABLE analytics_events ADD COLUMN region INTEGER NOT NULL DEFAULT 0;
ALTER TABLE analytics_events ADD COLUMN city INTEGER NOT NULL DEFAULT 0;
ALTER TABLE analytics_events ADD COLUMN country_name INTEGER NOT NULL DEFAULT 0;
ALTER TABLE analytics_events ADD COLUMN region_name INTEGER NOT NULL DEFAULT 0;
ALTER TABLE analytics_events ADD COLUMN city_name INTEGER NOT NULL DEFAULT 0;
ALTER TABLE analytics_sessions ADD COLUMN region INTEGER NOT NULL DEFAULT 0;
ALTER TABLE analytics_sessions ADD COLUMN city INTEGER NOT NULL DEFAULT 0;
ALTER TABLE analytics_sessions ADD COLUMN country_name INTEGER NOT NULL DEFAULT 0;
ALTER TABLE analytics_sessions ADD COLUMN region_name INTEGER NOT NULL DEFAULT 0;
ALTER TABLE analytics_sessions ADD COLUMN city_name INTEGER NOT NULL DEFAULT 0;
