-- Group-based trajectories (Nagin) of real county property crime per 100,000 residents,
-- 2006-2016, with the risk factors of membership and when each group's counties were
-- activated.  Property crime = burglary + larceny + motor vehicle theft known to every
-- reporting agency of the county (scomm_data.county_crime: city and county police, FBI CIUS
-- Tables 8 and 10), the FBI's property crime total, whose definitions did not change.  A
-- county-year counts when its reporting agencies cover at least 90% of its residents for all
-- three offences; the exposure is the population they cover, so the fitted curves are rates
-- per 100,000 residents.  Negative binomial groups (one dispersion per group: counts in the
-- hundreds and thousands vary far more from year to year than a Poisson count), quadratic in
-- the year.  Membership goes to scomm_data.county_trajectory, the model to
-- scomm_data.county_trajectory_model.
SET search_path = public, scomm;

CREATE TEMP TABLE demo_property AS
SELECT fips, year, sum(count) AS offences, min(coverage) AS coverage, max(population_covered) AS covered
FROM scomm_data.county_crime
WHERE offense IN ('burglary', 'larceny', 'motor vehicle theft')
GROUP BY fips, year
HAVING count(*) = 3 AND min(coverage) >= 0.9 AND max(population_covered) > 0;
-- risk factors of membership, one value per county: when it was activated (years after the
-- first activation, 2008-10-27), its share of non-citizens in 2010 (ACS, percent) and its
-- population in 2010 (log10); counties without them are left out of the fit and counted
CREATE TEMP TABLE demo_risk AS
SELECT a.fips, (a.activation_date - date '2008-10-27') / 365.25 AS activation_years,
       100.0 * n.noncitizens / p.population AS noncitizen_pct, log(p.population) AS log10_population
FROM scomm_data.activation a
JOIN scomm_data.noncitizen n ON n.fips = a.fips AND n.year = 2010
JOIN scomm_data.population p ON p.fips = a.fips AND p.year = 2010
WHERE p.population > 0;
CREATE TEMP TABLE demo_panel AS
SELECT trajectory_panel(d.fips::bigint, d.year, d.offences, d.covered / 1e5) AS panel,
       trajectory_panel(d.fips::bigint, d.year, d.offences, d.covered / 1e5,
                        ARRAY[r.activation_years, r.noncitizen_pct, r.log10_population]) AS panel_risk
FROM demo_property d LEFT JOIN demo_risk r USING (fips);

-- how many groups: BIC (Nagin's convention: LL - npar/2 ln(counties), larger is better) of
-- 1..8 groups, negative binomial against Poisson on the same counties
-- (OFFSET 0 keeps each fit a single call: without it the planner may copy the call into every
-- column that uses the model)
CREATE TEMP TABLE demo_bic AS
SELECT k AS groups, family, (trajectory_fit(m)).*
FROM demo_panel, generate_series(1, 8) k, (VALUES ('nbinom'), ('poisson')) f(family),
     LATERAL (SELECT trajectory_groups(panel, k, family => f.family) AS m OFFSET 0) x;
CREATE TEMP TABLE demo_choice AS
SELECT groups, bic, bic - lag(bic) OVER (ORDER BY groups) AS gain,
       (SELECT n2.bic - n1.bic FROM demo_bic n1, demo_bic n2
        WHERE n1.family = 'nbinom' AND n2.family = 'nbinom' AND n1.groups = 1 AND n2.groups = 2) AS gain2
FROM demo_bic WHERE family = 'nbinom';
\pset title 'Trajectory groups of county property crime per 100,000: how many groups? (quadratic in the year; BIC = LL - npar/2 ln(counties), larger is better; gain: BIC minus that of one group fewer)'
SELECT b.groups, round(b.loglik) AS nbinom_loglik, b.npar, round(b.bic) AS nbinom_bic,
       round(c.gain) AS nbinom_gain, b.converged, b.starts_at_best,
       round(p.bic) AS poisson_bic, round(p.bic - lag(p.bic) OVER (ORDER BY b.groups)) AS poisson_gain
FROM demo_bic b JOIN demo_choice c USING (groups)
JOIN demo_bic p ON p.groups = b.groups AND p.family = 'poisson'
WHERE b.family = 'nbinom'
ORDER BY b.groups;
\pset title
-- the number of groups: BIC's maximum if it has one within 8, else the last group that still
-- adds at least a tenth of what the second group added (where the BIC curve flattens)
SELECT CASE WHEN max(groups) FILTER (WHERE bic = (SELECT max(bic) FROM demo_choice)) < 8
            THEN max(groups) FILTER (WHERE bic = (SELECT max(bic) FROM demo_choice))
            ELSE (SELECT min(groups) - 1 FROM demo_choice WHERE groups > 2 AND gain < gain2 / 10) END AS demo_groups,
       max(groups) FILTER (WHERE bic = (SELECT max(bic) FROM demo_choice)) < 8 AS demo_bic_peaks
FROM demo_choice \gset
\if :demo_bic_peaks
\echo 'BIC of the negative binomial model reaches its maximum at' :demo_groups 'groups: the demo keeps them.'
\else
\echo 'BIC keeps rising with every group, for the negative binomial model too, but its gains shrink: from'
\echo 'thousands to hundreds of log-likelihood units per group, against millions to tens of thousands for'
\echo 'the Poisson model, whose year-to-year variance is far too small for counts in the thousands.  With'
\echo 'about 2,900 counties BIC splits persistent differences between the counties of a group (in level'
\echo 'and in year-to-year noise) into new groups: BIC has no maximum within 8 groups (nor within 16).'
\echo 'The demo keeps' :demo_groups 'groups: the last group that adds at least a tenth of the BIC gained by the second.'
\endif
\echo

-- the model behind scomm_data.county_trajectory: the chosen number of negative binomial groups
-- with the risk factors of membership (a multinomial logit of the group on them)
SET client_min_messages = warning;	-- no notice when the tables exist from an earlier run
CREATE TABLE IF NOT EXISTS scomm_data.county_trajectory_model (
	model scomm.trajectory_model NOT NULL,
	panel scomm.trajectory_panel NOT NULL,
	fitted_by text NOT NULL
);
COMMENT ON TABLE scomm_data.county_trajectory_model IS
	'The trajectory model (and its panel) behind scomm_data.county_trajectory, written by scripts/demo.d/60_trajectories.sql';
DELETE FROM scomm_data.county_trajectory_model;
INSERT INTO scomm_data.county_trajectory_model
SELECT trajectory_groups(panel_risk, :demo_groups, family => 'nbinom'), panel_risk,
       format('trajectory_groups(trajectory_panel(fips::bigint, year, burglary + larceny + motor vehicle theft, covered population / 1e5, ARRAY[activation years after 2008-10-27, non-citizen %% 2010, log10 population 2010]), %s, family => ''nbinom''): negative binomial, quadratic, 20 starts, seed 1; county-years with at least 90%% coverage',
              :demo_groups)
FROM demo_panel;

CREATE TABLE IF NOT EXISTS scomm_data.county_trajectory (
	fips text PRIMARY KEY REFERENCES scomm_data.county,
	group_id int NOT NULL,
	posterior float8 NOT NULL
);
RESET client_min_messages;
COMMENT ON TABLE scomm_data.county_trajectory IS
	'Trajectory group of each county by its property crime per 100,000 in 2006-2016 (negative binomial groups with risk factors, numbered by share, largest first), with the posterior probability of that group; written by scripts/demo.d/60_trajectories.sql';
DELETE FROM scomm_data.county_trajectory;
INSERT INTO scomm_data.county_trajectory
SELECT lpad(mb.unit::text, 5, '0'), mb.group_id, mb.posterior
FROM scomm_data.county_trajectory_model m, trajectory_membership(m.model, m.panel) mb;

\pset title 'Negative binomial trajectory groups of county property crime per 100,000 (fitted rates; real FBI and Census data)'
SELECT s.group_id AS "group", round(s.share::numeric, 3) AS share, n.counties,
       round(s.avepp::numeric, 3) AS avepp, round(s.occ::numeric) AS occ,
       round(c.r2006::numeric) AS rate_2006, round(c.r2011::numeric) AS rate_2011, round(c.r2016::numeric) AS rate_2016,
       round((100 * (c.r2016 / c.r2006 - 1))::numeric) AS change_pct, round(d.estimate::numeric, 3) AS dispersion
FROM scomm_data.county_trajectory_model m, trajectory_shares(m.model) s
JOIN (SELECT group_id, count(*) AS counties FROM scomm_data.county_trajectory GROUP BY group_id) n USING (group_id)
JOIN (SELECT group_id, max(expected) FILTER (WHERE t = 2006) AS r2006, max(expected) FILTER (WHERE t = 2011) AS r2011,
             max(expected) FILTER (WHERE t = 2016) AS r2016
      FROM scomm_data.county_trajectory_model, trajectory_curves(model) GROUP BY group_id) c USING (group_id)
JOIN (SELECT group_id, estimate FROM scomm_data.county_trajectory_model, trajectory_coefficients(model)
      WHERE term = 'dispersion') d USING (group_id)
ORDER BY s.group_id;
\pset title
SELECT format('%s counties in %s county-years; %s left out for want of an activation date or 2010 population figures.',
              units, observations, units_left_out) AS " "
FROM scomm_data.county_trajectory_model m, trajectory_summary(m.model);

\pset title 'Risk factors of membership: log odds of each group against group 1 (the largest), per year of later activation, per percentage point of non-citizens, per tenfold population'
SELECT r.group_id AS "group",
       (ARRAY['intercept', 'activation (years after 2008-10-27)', 'non-citizens (%, 2010)', 'population (log10, 2010)'])[r.covariate + 1] AS risk_factor,
       round(r.estimate::numeric, 3) AS log_odds, round(r.se::numeric, 3) AS se,
       round(exp(r.estimate)::numeric, 2) AS odds_ratio, round((r.estimate / r.se)::numeric, 1) AS z
FROM scomm_data.county_trajectory_model m, trajectory_risk_factors(m.model) r
WHERE r.covariate > 0
ORDER BY r.group_id, r.covariate;
\pset title

\pset title 'When the counties of each trajectory group were activated (real activation dates)'
SELECT g.group_id AS "group", count(*) AS counties,
       min(activated_on(a.cohort)) AS first,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY activated_on(a.cohort)) AS median,
       max(activated_on(a.cohort)) AS last,
       round(100.0 * count(*) FILTER (WHERE is_early(a.cohort)) / count(*), 1) AS early_pct,
       count(*) FILTER (WHERE extract(year FROM activated_on(a.cohort)) = 2008) AS "2008",
       count(*) FILTER (WHERE extract(year FROM activated_on(a.cohort)) = 2009) AS "2009",
       count(*) FILTER (WHERE extract(year FROM activated_on(a.cohort)) = 2010) AS "2010",
       count(*) FILTER (WHERE extract(year FROM activated_on(a.cohort)) = 2011) AS "2011",
       count(*) FILTER (WHERE extract(year FROM activated_on(a.cohort)) = 2012) AS "2012",
       count(*) FILTER (WHERE extract(year FROM activated_on(a.cohort)) = 2013) AS "2013"
FROM scomm_data.county_trajectory g
JOIN scomm_data.activation a USING (fips)
WHERE a.cohort <> 'never'
GROUP BY g.group_id ORDER BY g.group_id;
\pset title
\echo 'early_pct: activated before 2010-10-01 (the start of FY2011). The membership is stored in'
\echo 'scomm_data.county_trajectory (fips, group_id, posterior: the modal group; every group''s posterior:'
\echo 'trajectory_membership(model, panel, all_groups => true)); scripts/figure_trajectories draws the groups.'
DROP TABLE demo_property, demo_risk, demo_panel, demo_bic, demo_choice;
