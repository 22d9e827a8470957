-- Addresses whose events a service does not count (its own staff, its test
-- robots): a comma-separated list of IP addresses and CIDR ranges.
ALTER TABLE services ADD COLUMN analytics_excluded_ips TEXT NOT NULL DEFAULT '';
