-- A service's public name in Welsh (issue 12), shown on its Welsh public
-- pages (the survey, the thank-you pages, the performance page); '' for
-- the English public name.
ALTER TABLE service_branding ADD COLUMN public_name_cy TEXT NOT NULL DEFAULT '';
