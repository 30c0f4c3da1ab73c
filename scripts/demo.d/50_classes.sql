-- Latent classes of counties, explained by county traits, and crime change per class.
--
-- Indicators (the classes are defined by them; real data unless marked SIMULATED):
--   1 activation    when Secure Communities reached the county: 1 from 2011, 2 October
--                   2009 - December 2010, 3 before October 2009 (the first wave)
--   2 volume        SIMULATED removals per 1,000 non-citizen residents per year since
--                   activation, through FY2013: 1 low, 2 middle, 3 high third (missing
--                   where the county has no non-citizen residents)
--   3 non-criminal  SIMULATED share of removals that were non-criminal: 1 low, 2 middle,
--                   3 high third (missing where the county had fewer than 10 removals)
-- Covariates of class membership (real; the multinomial logit of latent class
-- regression, poLCA's cbind(items) ~ x):
--   1 non-citizen share of residents, percent (ACS 2010)
--   2 population, log10 of residents (2010)
--   3 287(g): an agreement was in force at some time in 2006-2012, of an agency in the
--     county or statewide in its state (1), or not (0)
-- The number of classes is chosen without the covariates (by BIC, with the LMR and
-- bootstrap tests beside it: the usual order, Nylund-Gibson & Masyn 2016), then the
-- chosen model is fitted with them.
-- Removals come from scomm.simulate_removals (seed 1), whose three classes (1 active,
-- 2 moderate, 3 limited) are known.  The crime change per class is corrected for
-- classification error with BCH weights (Mplus BCH, Vermunt's 3-step) and shown next to
-- the numbers of assigning each county to its most likely class.
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
       CASE WHEN s.removals >= 10 THEN s.nc::float8 / s.removals END AS nc_share,
       coalesce(g.had_287g, false) AS had_287g
FROM county c JOIN sim s USING (fips)
LEFT JOIN (SELECT fips, bool_or(active OR statewide) AS had_287g FROM scomm_data.county_287g
           WHERE year BETWEEN 2006 AND 2012 GROUP BY fips) g USING (fips);

CREATE TEMP TABLE class_items AS
WITH cut AS (
	SELECT percentile_cont(ARRAY[1 / 3.0, 2 / 3.0]) WITHIN GROUP (ORDER BY volume) AS volume_cut,
	       percentile_cont(ARRAY[1 / 3.0, 2 / 3.0]) WITHIN GROUP (ORDER BY nc_share) AS nc_cut
	FROM class_county)
SELECT c.fips, c.true_class,
       ARRAY[CASE WHEN activated_on(c.cohort) < '2009-10-01' THEN 3
                  WHEN activated_on(c.cohort) < '2011-01-01' THEN 2 ELSE 1 END,
             CASE WHEN c.volume <= cut.volume_cut[1] THEN 1 WHEN c.volume <= cut.volume_cut[2] THEN 2
                  WHEN c.volume IS NOT NULL THEN 3 END,
             CASE WHEN c.nc_share <= cut.nc_cut[1] THEN 1 WHEN c.nc_share <= cut.nc_cut[2] THEN 2
                  WHEN c.nc_share IS NOT NULL THEN 3 END] AS items,
       ARRAY[100 * c.noncitizens / c.population, log(c.population), CASE WHEN c.had_287g THEN 1 ELSE 0 END]::float8[]
           AS covariates
FROM class_county c, cut;

CREATE TEMP TABLE class_patterns AS
SELECT response_patterns(items) AS p, response_patterns(items, covariates) AS pc FROM class_items;

\pset title 'Latent classes of counties: 1 to 4 classes (indicators 2 and 3 SIMULATED; 20 starts each, accelerated EM; bootstrap test with 39 draws)'
CREATE TEMP TABLE class_choice AS
SELECT f.* FROM class_patterns, lca_select(p, 4, accelerate => true, draws => 39, bootstrap_starts => 3) f;
SELECT classes, npar, round(loglik::numeric, 1) AS loglik, round(bic::numeric, 1) AS bic,
       round(entropy::numeric, 3) AS entropy, starts_at_best || '/' || starts AS at_best,
       round(lr::numeric, 1) AS lr, round(lmr_p::numeric, 3) AS lmr_p, round(blrt_p::numeric, 2) AS blrt_p,
       CASE WHEN bic = (SELECT min(bic) FROM class_choice) THEN 'lowest BIC' ELSE '' END AS chosen
FROM class_choice ORDER BY classes;

CREATE TEMP TABLE class_model AS
SELECT lca(pc, (SELECT classes FROM class_choice ORDER BY bic LIMIT 1), accelerate => true) AS m FROM class_patterns;

\pset title 'The chosen model with covariates of membership'
SELECT f.classes, f.n, f.npar, round(f.loglik::numeric, 1) AS loglik, round(f.bic::numeric, 1) AS bic,
       round(f.entropy::numeric, 3) AS entropy, f.converged, f.starts_at_best || '/' || f.starts AS at_best
FROM class_model, lca_fit(m) f;

\pset title 'Class sizes (share with its standard error) and profiles: probability of each indicator''s top category within the class'
WITH assigned AS (SELECT lca_classify(m, items, covariates) AS class, count(*) AS counties
                  FROM class_items, class_model GROUP BY 1),
profile AS (
	SELECT i.class,
	       max(i.probability) FILTER (WHERE i.item = 1 AND i.category = 3) AS first_wave,
	       max(i.probability) FILTER (WHERE i.item = 1 AND i.category = 1) AS from_2011,
	       max(i.probability) FILTER (WHERE i.item = 2 AND i.category = 3) AS volume,
	       max(i.probability) FILTER (WHERE i.item = 3 AND i.category = 3) AS noncriminal
	FROM class_model, lca_items(m) i GROUP BY i.class)
SELECT c.class, round(c.share::numeric, 3) AS share, round(c.share_se::numeric, 3) AS se,
       coalesce(a.counties, 0) AS counties, round(c.avepp::numeric, 3) AS avepp,
       round(p.first_wave::numeric, 2) AS first_wave, round(p.from_2011::numeric, 2) AS from_2011,
       round(p.volume::numeric, 2) AS sim_volume_high, round(p.noncriminal::numeric, 2) AS sim_noncriminal_high
FROM class_model, lca_classes(m) c
JOIN profile p USING (class)
LEFT JOIN assigned a USING (class)
ORDER BY c.class;

\pset title 'Who is in which class: log odds against class 1 (the largest) with standard errors; odds ratio per unit of the covariate'
SELECT c.class, (ARRAY['intercept', 'non-citizen share (percent)', 'population (log10)', '287(g) in force 2006-2012'])[c.covariate + 1]
           AS covariate,
       round(c.estimate::numeric, 3) AS log_odds, round(c.se::numeric, 3) AS se,
       round((c.estimate / c.se)::numeric, 1) AS z,
       CASE WHEN c.covariate > 0 THEN round(exp(c.estimate)::numeric, 2) END AS odds_ratio
FROM class_model, lca_coefficients(m) c ORDER BY c.class, c.covariate;

\pset title 'SIMULATED true classes of the counties in each estimated class (share of the estimated class)'
SELECT lca_classify(m, items, covariates) AS class, count(*) AS counties,
       round(avg((true_class = 1)::int), 2) AS sim_active,
       round(avg((true_class = 2)::int), 2) AS sim_moderate,
       round(avg((true_class = 3)::int), 2) AS sim_limited
FROM class_items, class_model GROUP BY 1 ORDER BY 1;

-- Crime change per county (real, scomm_data.county_crime: every reporting agency): index
-- offences without rape (its definition changed in 2013) and arson, per 1,000 residents,
-- mean of the years after the activation year (up to three) minus the mean of the years
-- before it (from 2006); only years in which the agencies that reported cover at least 95%
-- of the county's residents for every offence, and at least one such year on each side.
CREATE TEMP TABLE class_change AS
WITH yearly AS (
	SELECT c.fips, c.year, 1000.0 * sum(c.count) / max(c.population) AS rate, min(c.coverage) AS coverage
	FROM scomm_data.county_crime c
	WHERE c.offense NOT IN ('rape', 'arson')
	GROUP BY c.fips, c.year HAVING count(*) = 6),
sided AS (
	SELECT y.fips, y.rate,
	       sign(y.year - extract(year FROM activated_on(a.cohort)))::int AS side
	FROM yearly y JOIN scomm_data.county_activation a USING (fips)
	WHERE y.coverage >= 0.95 AND y.year <= extract(year FROM activated_on(a.cohort)) + 3)
SELECT fips, avg(rate) FILTER (WHERE side > 0) - avg(rate) FILTER (WHERE side < 0) AS change
FROM sided GROUP BY fips
HAVING count(*) FILTER (WHERE side > 0) > 0 AND count(*) FILTER (WHERE side < 0) > 0;

\pset title 'Change in index crimes per 1,000 residents after activation, by class: most likely class (modal) and BCH-corrected, with standard errors'
SELECT b.class, b.modal_n::int AS counties, round(b.modal_mean::numeric, 2) AS modal_change,
       round(b.modal_se::numeric, 2) AS modal_se, round(b.bch_n::numeric, 1) AS bch_counties,
       round(b.bch_mean::numeric, 2) AS bch_change, round(b.bch_se::numeric, 2) AS bch_se
FROM (SELECT lca_bch_state(lca_posterior(m, i.items, i.covariates), ch.change) AS s
      FROM class_items i JOIN class_change ch USING (fips), class_model) x,
     lca_bch(x.s) b
ORDER BY b.class;
\pset title

-- each county's most likely class and its posterior probability, for the
-- maps and the figure (the table is kept: views are built on it)
CREATE TABLE IF NOT EXISTS scomm_data.county_class (
	fips text PRIMARY KEY REFERENCES scomm_data.county,
	class int NOT NULL,
	posterior float8 NOT NULL
);
COMMENT ON TABLE scomm_data.county_class IS
	'Latent class of each county (scripts/demo.d/50_classes.sql: scomm.lca over activation timing and SIMULATED removal indicators, with non-citizen share, population and 287(g) as covariates of membership)';
COMMENT ON COLUMN scomm_data.county_class.class IS 'Most likely class (scomm.lca_classify); classes are numbered by share, largest first';
COMMENT ON COLUMN scomm_data.county_class.posterior IS 'Posterior probability of that class (scomm.lca_posterior)';
BEGIN;
DELETE FROM scomm_data.county_class;
INSERT INTO scomm_data.county_class (fips, class, posterior)
SELECT fips, k, (lca_posterior(m, items, covariates))[k]
FROM class_items, class_model, LATERAL lca_classify(m, items, covariates) k
WHERE k IS NOT NULL;
COMMIT;
