-- Can a reader trust the sign?  The Secure Communities event study of violent
-- crime by four estimators side by side (group-time ATT, two-way fixed
-- effects, Sun & Abraham, imputation), the Goodman-Bacon decomposition of the
-- two-way fixed-effects estimate, Rambachan & Roth sensitivity bounds, and a
-- reading of where the estimators agree and why they differ.
SET search_path = public, scomm;
SET client_min_messages = warning;

-- violent offences (murder, rape, robbery, aggravated assault) known to every
-- reporting agency of the county (scomm_data.county_crime: city police and
-- county agencies), per 100,000 residents, 2006-2016, in county-years whose
-- reporting agencies cover at least 90% of the residents for each offence.
-- (40_did.sql uses county agencies alone, scomm_data.crime, so its numbers
-- differ.)  The balanced panel keeps the counties adequately covered every
-- year.
CREATE TEMP TABLE violent AS
SELECT c.fips, c.year, a.cohort, crime_rate(sum(c.count)::bigint, max(c.population)) AS rate
FROM scomm_data.county_crime c
JOIN scomm_data.activation a USING (fips)
WHERE c.offense IN ('murder', 'rape', 'robbery', 'aggravated assault') AND c.population > 0
GROUP BY c.fips, c.year, a.cohort
HAVING count(*) = 4 AND min(c.coverage) >= 0.9;
CREATE TEMP TABLE violent_panel AS
SELECT did_panel(fips::bigint, make_date(year, 7, 1), rate, cohort, 'year') AS panel FROM violent;

-- the event studies, all relative to the year before activation (the
-- group-time ATT with a universal base period).  Every county is activated
-- by 2013, so the 2013 cohort is the comparison group of Sun & Abraham and of
-- the imputation estimator; the group-time ATT compares with counties not
-- yet activated.
CREATE TEMP TABLE es AS
SELECT 'att' AS est, label AS e, estimate, ci_low, ci_high
FROM att_aggregate((SELECT panel FROM violent_panel), 'dynamic', base_period => 'universal') WHERE label IS NOT NULL
UNION ALL
SELECT 'twfe', event_time, estimate, ci_low, ci_high
FROM twfe_event_study((SELECT panel FROM violent_panel), 6, 4)
UNION ALL
SELECT 'sa', event_time, estimate, ci_low, ci_high
FROM sun_abraham((SELECT panel FROM violent_panel)) WHERE kind = 'period'
UNION ALL
SELECT 'imp', event_time, estimate, ci_low, ci_high
FROM did_imputation((SELECT panel FROM violent_panel)) WHERE kind = 'period';

\pset title 'Four event studies of violent offences per 100,000 by years since activation (estimates, then 95% intervals)'
SELECT e AS years,
       round(max(estimate) FILTER (WHERE est = 'att')::numeric, 1) AS group_time_att,
       round(max(estimate) FILTER (WHERE est = 'twfe')::numeric, 1) AS twfe,
       round(max(estimate) FILTER (WHERE est = 'sa')::numeric, 1) AS sun_abraham,
       round(max(estimate) FILTER (WHERE est = 'imp')::numeric, 1) AS imputation,
       max(CASE WHEN ci_low IS NULL THEN 'reference' ELSE format('[%s, %s]', round(ci_low::numeric), round(ci_high::numeric)) END) FILTER (WHERE est = 'att') AS att_95,
       max(CASE WHEN ci_low IS NULL THEN 'reference' ELSE format('[%s, %s]', round(ci_low::numeric), round(ci_high::numeric)) END) FILTER (WHERE est = 'sa') AS sa_95,
       max(CASE WHEN ci_low IS NULL THEN 'reference' ELSE format('[%s, %s]', round(ci_low::numeric), round(ci_high::numeric)) END) FILTER (WHERE est = 'imp') AS imp_95
FROM es GROUP BY e ORDER BY e;

CREATE TEMP TABLE overall AS
SELECT 1 AS k, 'Callaway & Sant''Anna group-time ATT (not-yet-activated controls)' AS estimator,
       estimate, ci_low, ci_high
FROM att_aggregate((SELECT panel FROM violent_panel), 'simple') WHERE label IS NULL
UNION ALL
SELECT 2, 'Sun & Abraham (interaction-weighted, 2013 cohort as control)', estimate, ci_low, ci_high
FROM sun_abraham((SELECT panel FROM violent_panel)) WHERE kind = 'att'
UNION ALL
SELECT 3, 'Borusyak, Jaravel & Spiess imputation', estimate, ci_low, ci_high
FROM did_imputation((SELECT panel FROM violent_panel)) WHERE kind = 'att'
UNION ALL
SELECT 4, 'TWFE: county and year fixed effects', estimate, ci_low, ci_high
FROM twfe((SELECT panel FROM violent_panel))
UNION ALL
SELECT 5, 'before/after: mean after minus mean before activation', (r).change, (r).ci_low, (r).ci_high
FROM (SELECT prepost(v.rate, make_date(v.year, 7, 1), v.cohort) AS r
      FROM violent v JOIN (SELECT fips FROM violent GROUP BY fips HAVING count(*) = 11) b USING (fips)) s;

-- the same three overall numbers on county agencies alone (scomm_data.crime,
-- the data the first DiD analyses used): -11.5, -0.4 and -4.1 per 100,000
CREATE TEMP TABLE violent_ca AS
SELECT c.fips, c.year, a.cohort, crime_rate(sum(c.count)::bigint, p.population) AS rate
FROM scomm_data.crime c
JOIN scomm_data.activation a USING (fips)
JOIN scomm_data.population p ON p.fips = c.fips AND p.year = c.year
WHERE c.offense IN ('murder', 'rape', 'robbery', 'aggravated assault') AND p.population > 0
GROUP BY c.fips, c.year, a.cohort, p.population
HAVING count(*) = 4;
CREATE TEMP TABLE overall_ca AS
SELECT 1 AS k, estimate
FROM att_aggregate((SELECT did_panel(fips::bigint, make_date(year, 7, 1), rate, cohort, 'year') FROM violent_ca), 'simple')
WHERE label IS NULL
UNION ALL
SELECT 4, estimate FROM twfe((SELECT did_panel(fips::bigint, make_date(year, 7, 1), rate, cohort, 'year') FROM violent_ca))
UNION ALL
SELECT 5, (r).change
FROM (SELECT prepost(v.rate, make_date(v.year, 7, 1), v.cohort) AS r
      FROM violent_ca v JOIN (SELECT fips FROM violent_ca GROUP BY fips HAVING count(*) = 11) b USING (fips)) s;

\pset title 'Overall effect after activation, five ways (per 100,000, 95% interval)'
SELECT estimator, round(estimate::numeric, 1) AS estimate,
       round(ci_low::numeric, 1) AS ci_low, round(ci_high::numeric, 1) AS ci_high
FROM overall ORDER BY k;

-- the two-way fixed-effects estimate as a weighted average of 2x2 comparisons
CREATE TEMP TABLE bacon AS
SELECT t.type, coalesce(sum(b.weight), 0) AS weight, count(b.weight) AS comparisons,
       sum(b.weight * b.estimate) / nullif(sum(b.weight), 0) AS mean_estimate
FROM (VALUES ('treated_vs_untreated'), ('earlier_vs_later'), ('later_vs_earlier')) t(type)
LEFT JOIN bacon_decomposition((SELECT panel FROM violent_panel)) b USING (type)
GROUP BY t.type;

\pset title 'Goodman-Bacon decomposition of the two-way fixed-effects estimate: the three weights'
SELECT type, comparisons, round(weight::numeric, 3) AS weight,
       round(mean_estimate::numeric, 1) AS weighted_mean_of_2x2s,
       round((weight * coalesce(mean_estimate, 0))::numeric, 2) AS contribution
FROM bacon ORDER BY type DESC;

-- Rambachan & Roth: how large a violation of parallel trends would
-- overturn the first-year effect?  Event study with a universal base
-- period, years -5 .. 4 (HonestDiD's honest_did for did objects)
CREATE TEMP TABLE honest AS
SELECT 'smoothness' AS restriction, m, lb, ub
FROM honest_did((SELECT panel FROM violent_panel), 0, 'smoothness', ARRAY[0, 2, 5, 10],
                min_e => -5, max_e => 4)
UNION ALL
SELECT 'relative_magnitude', m, lb, ub
FROM honest_did((SELECT panel FROM violent_panel), 0, 'relative_magnitude', ARRAY[0, 0.25, 0.5, 1],
                min_e => -5, max_e => 4);

\pset title 'Sensitivity of the first-year effect to violations of parallel trends (95% intervals; smoothness: M per year squared, relative magnitudes: Mbar)'
SELECT restriction, m, round(lb::numeric, 1) AS lb, round(ub::numeric, 1) AS ub,
       CASE WHEN lb > 0 OR ub < 0 THEN 'excludes 0' ELSE 'includes 0' END AS sign
FROM honest ORDER BY restriction DESC, m;

-- where the estimators agree, and why they differ, from the numbers above
-- (wrapped at 96 characters)
\pset title
\pset tuples_only on
\pset format unaligned
\echo
\echo 'Reading'
WITH o AS (SELECT k, round(estimate::numeric, 1) AS v FROM overall),
     w AS (SELECT type, round(100 * weight::numeric) AS pct, round(mean_estimate::numeric, 1) AS m FROM bacon),
     d AS (SELECT est, e, round(estimate::numeric, 1) AS v FROM es),
     late AS (SELECT min(e) AS e FROM (SELECT est, max(e) AS e FROM es WHERE est IN ('att', 'sa', 'imp') GROUP BY est) x),
     pre AS (SELECT (SELECT min(e) FROM es WHERE est = 'sa') AS first_e,
                    (SELECT round(estimate::numeric, 1) FROM es WHERE est = 'sa' ORDER BY e LIMIT 1) AS hi,
                    (SELECT round(estimate::numeric, 1) FROM es WHERE est = 'sa' AND e = -2) AS lo),
     h AS (SELECT restriction, m, round(lb::numeric, 1) AS lb, round(ub::numeric, 1) AS ub,
                  lb > 0 OR ub < 0 AS signed FROM honest),
     sentence AS (
SELECT 1 AS n, format('The overall effect of activation on violent offences per 100,000 is %s by the group-time '
              'ATT, %s by two-way fixed effects and %s by the naive before/after comparison (on county '
              'agencies alone, scomm_data.crime: %s, %s and %s); the other two heterogeneity-robust '
              'estimators give %s (Sun & Abraham) and %s (imputation).',
              (SELECT v FROM o WHERE k = 1), (SELECT v FROM o WHERE k = 4), (SELECT v FROM o WHERE k = 5),
              (SELECT round(estimate::numeric, 1) FROM overall_ca WHERE k = 1),
              (SELECT round(estimate::numeric, 1) FROM overall_ca WHERE k = 4),
              (SELECT round(estimate::numeric, 1) FROM overall_ca WHERE k = 5),
              (SELECT v FROM o WHERE k = 2), (SELECT v FROM o WHERE k = 3)) AS s
UNION ALL
SELECT 2, format('In the activation year the three robust estimators give %s, %s and %s (group-time ATT, '
              'Sun & Abraham, imputation); %s years later %s, %s and %s. %s',
              (SELECT v FROM d WHERE est = 'att' AND e = 0), (SELECT v FROM d WHERE est = 'sa' AND e = 0),
              (SELECT v FROM d WHERE est = 'imp' AND e = 0), (SELECT e FROM late),
              (SELECT v FROM d WHERE est = 'att' AND e = (SELECT e FROM late)),
              (SELECT v FROM d WHERE est = 'sa' AND e = (SELECT e FROM late)),
              (SELECT v FROM d WHERE est = 'imp' AND e = (SELECT e FROM late)),
              CASE WHEN (SELECT count(DISTINCT sign(v)) FROM d WHERE est IN ('att', 'sa', 'imp')
                         AND e IN (0, (SELECT e FROM late))) = 1
                        AND (SELECT bool_and(abs(l.v) > abs(f.v)) FROM d f JOIN d l USING (est)
                             WHERE est IN ('att', 'sa', 'imp') AND f.e = 0 AND l.e = (SELECT e FROM late))
                   THEN 'They agree on the sign and that the effect grows with time since activation.'
                   WHEN (SELECT count(DISTINCT sign(v)) FROM d WHERE est IN ('att', 'sa', 'imp')
                         AND e IN (0, (SELECT e FROM late))) = 1
                   THEN 'They agree on the sign, not on how the effect evolves.'
                   ELSE 'They do not agree on the sign.' END)
UNION ALL
SELECT 3, format('Two-way fixed effects (%s) puts %s%% of its weight on later-activated counties compared with '
              'counties already activated (those 2x2 comparisons average %s) and %s%% on earlier-activated '
              'counties compared with not-yet-activated ones (average %s). %s',
              (SELECT v FROM o WHERE k = 4),
              (SELECT pct FROM w WHERE type = 'later_vs_earlier'), (SELECT m FROM w WHERE type = 'later_vs_earlier'),
              (SELECT pct FROM w WHERE type = 'earlier_vs_later'), (SELECT m FROM w WHERE type = 'earlier_vs_later'),
              CASE WHEN (SELECT m FROM w WHERE type = 'later_vs_earlier') > (SELECT m FROM w WHERE type = 'earlier_vs_later')
                   THEN 'With an effect that changes with time since activation, already-activated counties are '
                        'poor controls: their own post-activation change enters those comparisons and pulls the '
                        'estimate toward zero.'
                   ELSE 'Here the comparisons with already-activated counties do not pull it toward zero.' END)
UNION ALL
SELECT 4, format('The robust estimators differ in their baseline: the group-time ATT compares each year with the '
              'year before activation among counties not yet activated; Sun & Abraham uses only the last '
              'cohort (2013) as control; imputation compares with the average of all years before '
              'activation, so a trend before activation enters it in full. Relative to the year before '
              'activation, the Sun & Abraham coefficients before activation go from %s (%s years before) to '
              '%s (two years before): violent crime in activated counties was %s relative to the comparison counties before '
              'activation.',
              (SELECT hi FROM pre), -(SELECT first_e FROM pre), (SELECT lo FROM pre),
              CASE WHEN (SELECT hi FROM pre) > (SELECT lo FROM pre) AND (SELECT lo FROM pre) > 0
                   THEN 'already falling' ELSE 'not on a common path' END)
UNION ALL
SELECT 5, format('If that trend may continue linearly (smoothness, M = 0) the first-year effect lies in [%s, %s]; '
              'if deviations from parallel trends after activation may be half as large as the largest change '
              'before it (relative magnitudes, Mbar = 0.5) it lies in [%s, %s]. %s',
              (SELECT lb FROM h WHERE restriction = 'smoothness' AND m = 0),
              (SELECT ub FROM h WHERE restriction = 'smoothness' AND m = 0),
              (SELECT lb FROM h WHERE restriction = 'relative_magnitude' AND m = 0.5),
              (SELECT ub FROM h WHERE restriction = 'relative_magnitude' AND m = 0.5),
              CASE WHEN (SELECT bool_and(NOT signed) FROM h
                         WHERE (restriction = 'smoothness' AND m = 0) OR (restriction = 'relative_magnitude' AND m = 0.5))
                   THEN 'Both include zero: the sign of the first-year effect does not survive a violation of '
                        'parallel trends of the size seen before activation.'
                   ELSE 'At least one excludes zero: the sign survives that much violation of parallel trends.'
              END))
SELECT rtrim(regexp_replace(n || '. ' || s, '(.{1,96})( +|$)', E'\\1\n   ', 'g'), E' \n')
FROM sentence ORDER BY n;
\pset tuples_only off
\pset format aligned
\echo
