-- Did violent crime change when Secure Communities arrived?  Staggered
-- difference-in-differences (Callaway & Sant'Anna) on the real FBI county
-- offence counts, activation years from the real rollout, counties not yet
-- activated as controls; first as 1.0 ran it (offences known to sheriffs and
-- county police, no covariates, counties missing a year dropped), next to the
-- naive before/after change and two-way fixed effects; then as S-Comm studies
-- run it: county totals over every reporting agency, county-years whose
-- reporting police cover at least 90% of the residents, and, since
-- activation was not random (border and high-immigration counties went
-- first), covariates (log population, the non-citizen share, a 287(g)
-- agreement before the rollout), population weights, standard errors
-- clustered by state (activation went state by state) and the counties that
-- miss a year kept.  The event study is stored and drawn (out/event_study.png).
SET search_path = public, scomm;
SET client_min_messages = warning;

-- violent offences (murder, rape, robbery, aggravated assault) reported by
-- sheriffs and county police, per 100,000 county residents, 2006-2016
CREATE TEMP TABLE violent AS
SELECT c.fips, c.year, a.cohort,
       crime_rate(sum(c.count)::bigint, p.population) AS rate
FROM scomm_data.crime c
JOIN scomm_data.activation a USING (fips)
JOIN scomm_data.population p ON p.fips = c.fips AND p.year = c.year
WHERE c.offense IN ('murder', 'rape', 'robbery', 'aggravated assault') AND p.population > 0
GROUP BY c.fips, c.year, a.cohort, p.population
HAVING count(*) = 4;

-- county totals over every reporting agency (city police included), per
-- 100,000 residents, where the reporting agencies cover at least 90% of the
-- county's residents for all four offences (adequate coverage)
CREATE TEMP TABLE violent_total AS
SELECT c.fips, c.year, a.cohort, crime_rate(sum(c.count)::bigint, max(c.population)) AS rate
FROM scomm_data.county_crime c
JOIN scomm_data.activation a USING (fips)
WHERE c.offense IN ('murder', 'rape', 'robbery', 'aggravated assault') AND c.population > 0
GROUP BY c.fips, c.year, a.cohort
HAVING count(*) = 4 AND min(c.coverage) >= 0.9;

-- covariates fixed before the rollout (so activation cannot have moved them):
-- log population in 2007, the non-citizen share in 2009 (the first ACS year),
-- a 287(g) agreement in force in 2007; the 2007 population is also the
-- weight, the state the cluster
CREATE TEMP TABLE county_x AS
SELECT p.fips, ln(p.population) AS log_pop, n.noncitizens::float8 / p9.population AS noncitizen_share,
       coalesce(g.active, false)::int::float8 AS had_287g,
       p.population::float8 AS pop_2007, left(p.fips, 2)::bigint AS state
FROM scomm_data.population p
JOIN scomm_data.noncitizen n ON n.fips = p.fips AND n.year = 2009
JOIN scomm_data.population p9 ON p9.fips = p.fips AND p9.year = 2009
LEFT JOIN scomm_data.county_287g g ON g.fips = p.fips AND g.year = 2007
WHERE p.year = 2007 AND p.population > 0 AND p9.population > 0;

CREATE TEMP TABLE violent_panel AS
SELECT did_panel(fips::bigint, make_date(year, 7, 1), rate, cohort, 'year') AS panel FROM violent;
CREATE TEMP TABLE violent_total_panel AS
SELECT did_panel(fips::bigint, make_date(year, 7, 1), rate, cohort, 'year') AS panel FROM violent_total;
CREATE TEMP TABLE violent_panel_x AS
SELECT did_panel(v.fips::bigint, make_date(v.year, 7, 1), v.rate, v.cohort, 'year',
                 ARRAY[x.log_pop, x.noncitizen_share, x.had_287g], x.pop_2007, x.state) AS panel
FROM violent_total v JOIN county_x x USING (fips);

\pset title 'Violent offences per 100,000: the panel'
SELECT count(*) AS counties_with_data,
       count(*) FILTER (WHERE years = 11) AS counties_every_year_2006_2016,
       (SELECT count(*) FROM att_gt((SELECT panel FROM violent_panel)) WHERE period = cohort) AS cohorts_estimated
FROM (SELECT fips, count(*) AS years FROM violent GROUP BY fips) c;

-- what the estimator does with this panel, in its own words
\pset title
SET client_min_messages = notice;
SELECT count(*) AS group_time_cells FROM att_gt((SELECT panel FROM violent_panel));
SET client_min_messages = warning;

\pset title 'Event study: average effect of activation on violent offences per 100,000 by years since activation (not-yet-activated counties as controls; 999 bootstrap draws, simultaneous 95% bands)'
SELECT label AS years_since_activation, round(estimate::numeric, 2) AS effect,
       round(se::numeric, 2) AS se, round(ci_low::numeric, 2) AS band_low, round(ci_high::numeric, 2) AS band_high
FROM att_aggregate((SELECT panel FROM violent_panel), 'dynamic', bootstrap => 999, seed => 2008)
WHERE label IS NOT NULL ORDER BY label;

\pset title 'Overall effect after activation, three ways'
SELECT 'group-time ATT (Callaway & Sant''Anna, not yet activated as controls)' AS estimator,
       round(estimate::numeric, 2) AS estimate, round(ci_low::numeric, 2) AS ci_low, round(ci_high::numeric, 2) AS ci_high
FROM att_aggregate((SELECT panel FROM violent_panel), 'simple') WHERE label IS NULL
UNION ALL
SELECT 'two-way fixed effects (county and year), clustered by county',
       round(estimate::numeric, 2), round(ci_low::numeric, 2), round(ci_high::numeric, 2)
FROM twfe((SELECT panel FROM violent_panel))
UNION ALL
SELECT 'naive: mean after minus mean before activation (Welch)',
       round((r).change::numeric, 2), round((r).ci_low::numeric, 2), round((r).ci_high::numeric, 2)
FROM (SELECT prepost(v.rate, make_date(v.year, 7, 1), v.cohort) AS r
      FROM violent v JOIN (SELECT DISTINCT fips FROM violent GROUP BY fips HAVING count(*) = 11) b USING (fips)) s;

\pset title 'Parallel trends before activation: Wald pre-test over the pre-activation cells'
SELECT round(statistic::numeric, 2) AS statistic, df, round(p_value::numeric, 4) AS p_value
FROM pretest((SELECT panel FROM violent_panel));

-- as S-Comm studies run it, one step at a time: every variant's overall effect
-- (simple aggregation), its SE, and the counties it uses
\pset title 'The 1.0 analysis and the analysis as S-Comm studies run it: overall effect on violent offences per 100,000'
WITH v(step, label, panel, unbalanced, method, cluster) AS (VALUES
	(1, '1.0: county agencies only, no covariates, counties missing a year dropped', (SELECT panel FROM violent_panel), 'drop', 'dr', 'unit'),
	(2, 'county totals (every agency), coverage >= 90%, counties missing a year dropped', (SELECT panel FROM violent_total_panel), 'drop', 'dr', 'unit'),
	(3, 'keep the counties that miss a year (unbalanced => keep)', (SELECT panel FROM violent_total_panel), 'keep', 'dr', 'unit'),
	(4, '+ covariates: log population, non-citizen share, 287(g) (doubly robust)', (SELECT did_panel(v.fips::bigint, make_date(v.year, 7, 1), v.rate, v.cohort, 'year',
	       ARRAY[x.log_pop, x.noncitizen_share, x.had_287g], NULL, NULL) FROM violent_total v JOIN county_x x USING (fips)), 'keep', 'dr', 'unit'),
	(5, '+ weighted by 2007 population', (SELECT panel FROM violent_panel_x), 'keep', 'dr', 'unit'),
	(6, '+ standard errors clustered by state', (SELECT panel FROM violent_panel_x), 'keep', 'dr', 'cluster'),
	(7, '  the same with inverse probability weighting', (SELECT panel FROM violent_panel_x), 'keep', 'ipw', 'cluster'),
	(8, '  the same with outcome regression', (SELECT panel FROM violent_panel_x), 'keep', 'reg', 'cluster'))
SELECT v.label AS analysis,
       CASE WHEN v.unbalanced = 'drop' THEN s.complete_units ELSE s.units END AS counties,
       round(a.estimate::numeric, 2) AS effect, round(a.se::numeric, 2) AS se,
       round(a.ci_low::numeric, 2) AS ci_low, round(a.ci_high::numeric, 2) AS ci_high
FROM v, did_panel_summary(v.panel) s,
     att_aggregate(v.panel, 'simple', unbalanced => v.unbalanced, method => v.method, cluster => v.cluster) a
WHERE a.label IS NULL
ORDER BY v.step;

-- the event study of the full analysis, with state-clustered bootstrap bands;
-- stored for the figure (scripts/figure event-study draws it)
DROP TABLE IF EXISTS scomm_data.did_event_study;
CREATE TABLE scomm_data.did_event_study AS
SELECT * FROM att_aggregate((SELECT panel FROM violent_panel_x), 'dynamic', unbalanced => 'keep',
                            cluster => 'cluster', bootstrap => 999, seed => 2008);
COMMENT ON TABLE scomm_data.did_event_study IS
	'Violent offences per 100,000 (county totals, coverage >= 90%) after S-Comm activation: event study (doubly robust, log population, non-citizen share and 287(g), weighted by population, counties missing years kept, 999 state-clustered bootstrap draws)';
COMMENT ON COLUMN scomm_data.did_event_study.kind IS 'the aggregation: dynamic (the event study)';
COMMENT ON COLUMN scomm_data.did_event_study.label IS 'years since activation (NULL: the average over years 0 and after)';
COMMENT ON COLUMN scomm_data.did_event_study.estimate IS 'average effect on violent offences per 100,000';
COMMENT ON COLUMN scomm_data.did_event_study.se IS 'bootstrap standard error, clustered by state';
COMMENT ON COLUMN scomm_data.did_event_study.ci_low IS 'lower end of the simultaneous 95% band';
COMMENT ON COLUMN scomm_data.did_event_study.ci_high IS 'upper end of the simultaneous 95% band';

\pset title 'The event study as S-Comm studies run it: county totals, covariates, population weights, counties missing years kept, state-clustered bootstrap bands (999 draws)'
SELECT label AS years_since_activation, round(estimate::numeric, 2) AS effect,
       round(se::numeric, 2) AS se, round(ci_low::numeric, 2) AS band_low, round(ci_high::numeric, 2) AS band_high
FROM scomm_data.did_event_study WHERE label IS NOT NULL ORDER BY label;

-- years 3 and 4 after activation rest on the few counties activated in 2008
-- and 2009 only; balance_e = 2 keeps the cohorts seen 2 years after
-- activation, so every event time compares the same counties
\pset title 'The same event study balanced on the cohorts observed two years after activation (balance_e => 2; analytic SEs clustered by state)'
SELECT label AS years_since_activation, round(estimate::numeric, 2) AS effect,
       round(se::numeric, 2) AS se, round(ci_low::numeric, 2) AS ci_low, round(ci_high::numeric, 2) AS ci_high
FROM att_aggregate((SELECT panel FROM violent_panel_x), 'dynamic', unbalanced => 'keep',
                   cluster => 'cluster', balance_e => 2)
ORDER BY label NULLS FIRST;

\pset title 'Parallel trends before activation, as S-Comm studies run it (state-clustered Wald pre-test)'
SELECT round(statistic::numeric, 2) AS statistic, df, round(p_value::numeric, 4) AS p_value
FROM pretest((SELECT panel FROM violent_panel_x), unbalanced => 'keep', cluster => 'cluster');
\pset title
