-- scripts/figure.d/estimators.sql: the four event studies of violent
-- offences per 100,000 (the panel of scripts/demo.d/45_robust.sql), one row
-- per event time: e, then estimate, ci_low, ci_high of the group-time ATT,
-- two-way fixed effects, Sun & Abraham and imputation (NaN when absent)
SET search_path = public, scomm;
SET client_min_messages = warning;
CREATE TEMP TABLE violent AS
SELECT c.fips, c.year, a.cohort, crime_rate(sum(c.count)::bigint, max(c.population)) AS rate
FROM scomm_data.county_crime c
JOIN scomm_data.activation a USING (fips)
WHERE c.offense IN ('murder', 'rape', 'robbery', 'aggravated assault') AND c.population > 0
GROUP BY c.fips, c.year, a.cohort
HAVING count(*) = 4 AND min(c.coverage) >= 0.9;
CREATE TEMP TABLE violent_panel AS
SELECT did_panel(fips::bigint, make_date(year, 7, 1), rate, cohort, 'year') AS panel FROM violent;
CREATE TEMP TABLE es AS
SELECT 1 AS k, label AS e, estimate, ci_low, ci_high
FROM att_aggregate((SELECT panel FROM violent_panel), 'dynamic', base_period => 'universal') WHERE label IS NOT NULL
UNION ALL
SELECT 2, event_time, estimate, ci_low, ci_high FROM twfe_event_study((SELECT panel FROM violent_panel), 6, 4)
UNION ALL
SELECT 3, event_time, estimate, ci_low, ci_high
FROM sun_abraham((SELECT panel FROM violent_panel)) WHERE kind = 'period'
UNION ALL
SELECT 4, event_time, estimate, ci_low, ci_high
FROM did_imputation((SELECT panel FROM violent_panel)) WHERE kind = 'period';
SELECT e, string_agg(coalesce(round(x::numeric, 3)::text, 'NaN'), ' ' ORDER BY k, j)
FROM (SELECT e, k, j, x
      FROM (SELECT DISTINCT e FROM es) ev
      CROSS JOIN generate_series(1, 4) k
      CROSS JOIN generate_series(1, 3) j
      LEFT JOIN LATERAL (SELECT CASE j WHEN 1 THEN estimate WHEN 2 THEN ci_low ELSE ci_high END AS x
                         FROM es WHERE es.e = ev.e AND es.k = k.k) v ON true) t
GROUP BY e ORDER BY e;
