-- Latent classes of counties: five indicators per county, a latent class
-- model with 1 to 5 classes (chosen by BIC), the profiles and sizes of the
-- chosen model, and each county's class stored in scomm_data.county_class
-- (the maps and the before/after figure by class read it).
--
-- Indicators (real data unless marked SIMULATED):
--   1 activation    1 late, 2 early (before 2010-10-01)
--   2 non-citizens  1 share of residents at or below the median county's, 2 above (ACS 2010)
--   3 volume        SIMULATED removals per 1,000 non-citizen residents per year since
--                   activation, through FY2013: 1 low, 2 middle, 3 high third (missing
--                   where the county has no non-citizen residents)
--   4 non-criminal  SIMULATED share of removals that were non-criminal: 1 low, 2 middle,
--                   3 high third (missing where the county had fewer than 10 removals)
--   5 size          1 fewer than 50,000 residents, 2 50,000 or more (2010)
-- Volume is per non-citizen resident, the population enforcement reaches, so that it
-- does not repeat the non-citizen share. Removals come from scomm.simulate_removals
-- (seed 1), whose three classes (1 active, 2 moderate, 3 limited) are known.
SET search_path = public, scomm;

CREATE TEMP TABLE class_county AS
WITH county AS (
	SELECT c.fips, a.cohort, coalesce(p10.population, p09.population)::float8 AS population,
	       coalesce(n.noncitizens, 0)::float8 AS noncitizens
	FROM scomm_data.county c
	JOIN scomm_data.county_activation a USING (fips)
	LEFT JOIN scomm_data.population p10 ON p10.fips = c.fips AND p10.year = 2010
	LEFT JOIN scomm_data.population p09 ON p09.fips = c.fips AND p09.year = 2009
	LEFT JOIN scomm_data.noncitizen n ON n.fips = c.fips AND n.year = 2010),
sim AS (
	SELECT r.fips, sum(r.removals) AS removals, sum(r.removals) FILTER (WHERE r.level = 'NC') AS nc,
	       max(r.true_class) AS true_class
	FROM (SELECT array_agg(fips ORDER BY fips) AS f, array_agg(cohort ORDER BY fips) AS c,
	             array_agg(noncitizens ORDER BY fips) AS n FROM county) x,
	     simulate_removals(f, c, n, seed => 1, through => '2013-09-30') r
	GROUP BY r.fips)
SELECT c.*, s.removals, s.true_class,
       CASE WHEN c.noncitizens > 0
            THEN 1000 * s.removals / c.noncitizens / (('2013-10-01'::date - activated_on(c.cohort)) / 365.25) END AS volume,
       CASE WHEN s.removals >= 10 THEN s.nc::float8 / s.removals END AS nc_share
FROM county c JOIN sim s USING (fips);

CREATE TEMP TABLE class_items AS
WITH cut AS (
	SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY noncitizens / population) AS noncit_median,
	       percentile_cont(ARRAY[1 / 3.0, 2 / 3.0]) WITHIN GROUP (ORDER BY volume) AS volume_cut,
	       percentile_cont(ARRAY[1 / 3.0, 2 / 3.0]) WITHIN GROUP (ORDER BY nc_share) AS nc_cut
	FROM class_county)
SELECT c.fips, c.true_class,
       ARRAY[CASE WHEN is_early(c.cohort) THEN 2 ELSE 1 END,
             CASE WHEN c.noncitizens / c.population > cut.noncit_median THEN 2 ELSE 1 END,
             CASE WHEN c.volume <= cut.volume_cut[1] THEN 1 WHEN c.volume <= cut.volume_cut[2] THEN 2
                  WHEN c.volume IS NOT NULL THEN 3 END,
             CASE WHEN c.nc_share <= cut.nc_cut[1] THEN 1 WHEN c.nc_share <= cut.nc_cut[2] THEN 2
                  WHEN c.nc_share IS NOT NULL THEN 3 END,
             CASE WHEN c.population >= 50000 THEN 2 ELSE 1 END] AS items
FROM class_county c, cut;

CREATE TEMP TABLE class_patterns AS SELECT response_patterns(items) AS p FROM class_items;

\pset title 'Latent classes of counties: model choice, 1 to 5 classes (indicators 3 and 4 SIMULATED; 20 random starts each)'
CREATE TEMP TABLE class_choice AS SELECT f.* FROM class_patterns, lca_select(p, 5) f;
SELECT classes, npar, round(loglik::numeric, 1) AS loglik, round(aic::numeric, 1) AS aic,
       round(bic::numeric, 1) AS bic, round(sabic::numeric, 1) AS sabic, round(entropy::numeric, 3) AS entropy,
       converged, starts_at_best || '/' || starts AS at_best,
       CASE WHEN bic = (SELECT min(bic) FROM class_choice) THEN 'lowest BIC' ELSE '' END AS chosen
FROM class_choice ORDER BY classes;

CREATE TEMP TABLE class_model AS
SELECT lca(p, (SELECT classes FROM class_choice ORDER BY bic LIMIT 1)) AS m FROM class_patterns;

\pset title 'Class sizes and profiles: probability of each indicator''s high category within the class'
WITH assigned AS (SELECT lca_classify(m, items) AS class, count(*) AS counties FROM class_items, class_model GROUP BY 1),
profile AS (
	SELECT i.class,
	       max(i.probability) FILTER (WHERE i.item = 1 AND i.category = 2) AS early,
	       max(i.probability) FILTER (WHERE i.item = 2 AND i.category = 2) AS noncit,
	       max(i.probability) FILTER (WHERE i.item = 3 AND i.category = 3) AS volume,
	       max(i.probability) FILTER (WHERE i.item = 4 AND i.category = 3) AS noncriminal,
	       max(i.probability) FILTER (WHERE i.item = 5 AND i.category = 2) AS size
	FROM class_model, lca_items(m) i GROUP BY i.class)
SELECT c.class, round(c.share::numeric, 3) AS share, coalesce(a.counties, 0) AS counties,
       round(c.avepp::numeric, 3) AS avepp, round(p.early::numeric, 2) AS early,
       round(p.noncit::numeric, 2) AS noncit_above_median, round(p.volume::numeric, 2) AS sim_volume_high,
       round(p.noncriminal::numeric, 2) AS sim_noncriminal_high, round(p.size::numeric, 2) AS pop_50k_or_more
FROM class_model, lca_classes(m) c
JOIN profile p USING (class)
LEFT JOIN assigned a USING (class)
ORDER BY c.class;

\pset title 'SIMULATED true classes of the counties in each estimated class (share of the estimated class)'
SELECT lca_classify(m, items) AS class, count(*) AS counties,
       round(avg((true_class = 1)::int), 2) AS sim_active,
       round(avg((true_class = 2)::int), 2) AS sim_moderate,
       round(avg((true_class = 3)::int), 2) AS sim_limited
FROM class_items, class_model GROUP BY 1 ORDER BY 1;
\pset title

-- each county's most likely class and its posterior probability, for the
-- maps and the figure (the table is kept: views are built on it)
CREATE TABLE IF NOT EXISTS scomm_data.county_class (
	fips text PRIMARY KEY REFERENCES scomm_data.county,
	class int NOT NULL,
	posterior float8 NOT NULL
);
COMMENT ON TABLE scomm_data.county_class IS
	'Latent class of each county (scripts/demo.d/50_classes.sql: scomm.lca over activation timing, non-citizen share, size and SIMULATED removal indicators)';
COMMENT ON COLUMN scomm_data.county_class.class IS 'Most likely class (scomm.lca_classify); classes are numbered by share, largest first';
COMMENT ON COLUMN scomm_data.county_class.posterior IS 'Posterior probability of that class (scomm.lca_posterior)';
BEGIN;
DELETE FROM scomm_data.county_class;
INSERT INTO scomm_data.county_class (fips, class, posterior)
SELECT fips, k, (lca_posterior(m, items))[k]
FROM class_items, class_model, LATERAL lca_classify(m, items) k;
COMMIT;
