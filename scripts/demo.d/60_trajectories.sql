-- Group-based trajectories (Nagin) of real county property crime per 100,000 residents,
-- 2006-2016, and when each group's counties were activated.  Property crime = burglary +
-- larceny + motor vehicle theft (FBI CIUS Table 10: offences known to sheriffs and county
-- police, not city police), the FBI's property crime total, whose definitions did not change
-- (rape's did in 2013); rates use the county's Census population as the exposure of a Poisson
-- model: trajectory_panel(county, year, offences, population / 100000).  A county-year counts
-- when all three offences are reported.  Membership goes to scomm_data.county_trajectory.
SET search_path = public, scomm;

CREATE TEMP TABLE demo_property AS
SELECT c.fips, c.year, sum(c.count) AS offences, p.population
FROM scomm_data.crime c
JOIN scomm_data.population p USING (fips, year)
WHERE c.offense IN ('burglary', 'larceny', 'motor vehicle theft') AND p.population > 0
GROUP BY c.fips, c.year, p.population
HAVING count(*) = 3;
CREATE TEMP TABLE demo_panel AS
SELECT trajectory_panel(fips::bigint, year, offences, population / 1e5) AS panel FROM demo_property;

\pset title 'Trajectory groups of county property crime per 100,000: how many groups? (Poisson, quadratic in the year; BIC = LL - npar/2 ln(counties), larger is better)'
SELECT k AS groups, round(f.loglik) AS loglik, f.npar, round(f.bic) AS bic, f.converged, f.starts_at_best
FROM demo_panel, generate_series(1, 5) k, trajectory_fit(trajectory_groups(panel, k)) f
ORDER BY k;
\pset title
\echo 'BIC keeps rising with every group: counts in the hundreds and thousands are overdispersed for'
\echo 'a Poisson model, so the groups split levels ever finer. Four groups are kept for readability.'
\echo

-- the model behind scomm_data.county_trajectory, for the figure and for anyone who wants its
-- coefficients: SELECT * FROM trajectory_coefficients((SELECT model FROM scomm_data.county_trajectory_model))
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
SELECT trajectory_groups(panel, 4), panel,
       'trajectory_groups(trajectory_panel(fips::bigint, year, burglary + larceny + motor vehicle theft, population / 1e5), 4): Poisson, quadratic, 20 starts, seed 1'
FROM demo_panel;

CREATE TABLE IF NOT EXISTS scomm_data.county_trajectory (
	fips text PRIMARY KEY REFERENCES scomm_data.county,
	group_id int NOT NULL,
	posterior float8 NOT NULL
);
RESET client_min_messages;
COMMENT ON TABLE scomm_data.county_trajectory IS
	'Trajectory group of each county by its property crime per 100,000 in 2006-2016 (4 Poisson groups, numbered by share, largest first), with the posterior probability of that group; written by scripts/demo.d/60_trajectories.sql';
DELETE FROM scomm_data.county_trajectory;
INSERT INTO scomm_data.county_trajectory
SELECT lpad(mb.unit::text, 5, '0'), mb.group_id, mb.posterior
FROM scomm_data.county_trajectory_model m, trajectory_membership(m.model, m.panel) mb;

\pset title 'Four trajectory groups of county property crime per 100,000 (fitted rates; real FBI and Census data)'
SELECT s.group_id AS "group", round(s.share::numeric, 3) AS share, n.counties,
       round(s.avepp::numeric, 3) AS avepp, round(s.occ::numeric) AS occ,
       round(c.r2006::numeric) AS rate_2006, round(c.r2011::numeric) AS rate_2011, round(c.r2016::numeric) AS rate_2016,
       round((100 * (c.r2016 / c.r2006 - 1))::numeric) AS change_pct
FROM scomm_data.county_trajectory_model m, trajectory_shares(m.model) s
JOIN (SELECT group_id, count(*) AS counties FROM scomm_data.county_trajectory GROUP BY group_id) n USING (group_id)
JOIN (SELECT group_id, max(expected) FILTER (WHERE t = 2006) AS r2006, max(expected) FILTER (WHERE t = 2011) AS r2011,
             max(expected) FILTER (WHERE t = 2016) AS r2016
      FROM scomm_data.county_trajectory_model, trajectory_curves(model) GROUP BY group_id) c USING (group_id)
ORDER BY s.group_id;

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
\echo 'scomm_data.county_trajectory (fips, group_id, posterior); scripts/figure_trajectories draws the groups.'
DROP TABLE demo_property, demo_panel;
