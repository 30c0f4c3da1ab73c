-- Did violent crime change when Secure Communities arrived?  Staggered
-- difference-in-differences (Callaway & Sant'Anna) on the real FBI county
-- offence counts, activation years from the real rollout, counties not yet
-- activated as controls; next to the naive before/after change and the
-- two-way fixed-effects estimate.
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

CREATE TEMP TABLE violent_panel AS
SELECT did_panel(fips::bigint, make_date(year, 7, 1), rate, cohort, 'year') AS panel FROM violent;

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
\pset title
