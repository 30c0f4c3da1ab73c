-- the calibrated simulators: determinism, calibration against published figures, bad input
SET search_path = public, scomm;

-- real activation dates, 2010 non-citizen and total populations from data/
CREATE TEMP TABLE act_raw (fips text, state_fips text, activation_date text, activation_year int,
	statewide text, borough int, parish int, city int);
\copy act_raw FROM PROGRAM 'gzip -dc data/scomm_activation_by_county.csv.gz' WITH (FORMAT csv, HEADER)
CREATE TEMP TABLE acs_raw (fips text, year int, noncit text, moe text);
\copy acs_raw FROM PROGRAM 'gzip -dc data/acs_noncitizen_population_county_2009_2018.csv.gz' WITH (FORMAT csv, HEADER)
CREATE TEMP TABLE pop_raw (sumlev text, region text, division text, state text, county text, stname text, ctyname text,
	p2010 bigint, p2011 bigint, p2012 bigint, p2013 bigint, p2014 bigint, p2015 bigint, p2016 bigint, p2017 bigint,
	p2018 bigint, p2019 bigint);
\copy pop_raw FROM PROGRAM 'gzip -dc data/census_county_popestimate_2010_2019_v2019.csv.gz' WITH (FORMAT csv, HEADER, ENCODING 'LATIN1')
CREATE TEMP TABLE counties AS
SELECT a.fips, a.activation_date::activation_cohort AS cohort,
       coalesce(nullif(n.noncit, '')::float8, 0) AS noncitizens,
       coalesce(p.p2010, 1000)::float8 AS population
FROM act_raw a
LEFT JOIN acs_raw n ON n.fips = a.fips AND n.year = 2010
LEFT JOIN pop_raw p ON p.sumlev = '050' AND p.state || p.county = a.fips
WHERE a.activation_date <> '';
SELECT count(*) AS counties FROM counties;

CREATE TEMP TABLE removal AS
SELECT r.* FROM (SELECT array_agg(fips) f, array_agg(cohort) c, array_agg(noncitizens) n FROM counties) x,
	simulate_removals(f, c, n) r;
-- published: about 100,000 removals from October 2008 to March 2011, peaking at 6,000-7,000 a month
SELECT abs(sum(removals) - 100000) < 1500 AS total_near_100k FROM removal;
SELECT max(s) BETWEEN 6000 AND 7000 AS peak_6k_to_7k FROM (SELECT sum(removals) s FROM removal GROUP BY month) m;
SELECT min(month) = '2008-10-01' AND max(month) = '2011-03-01' AS window_ok FROM removal;
-- published national shares: L1 27-29%, L2 10-12%, L3 31-33%, NC 26-29%
SELECT level,
       CASE level WHEN 'L1' THEN share BETWEEN 0.27 AND 0.29 WHEN 'L2' THEN share BETWEEN 0.10 AND 0.12
                  WHEN 'L3' THEN share BETWEEN 0.31 AND 0.33 ELSE share BETWEEN 0.26 AND 0.29 END AS share_in_published_range
FROM (SELECT level, sum(removals)::float8 / (SELECT sum(removals) FROM removal) share FROM removal GROUP BY level) s
ORDER BY level DESC;
-- no removal before a county's activation month
SELECT count(*) AS rows_before_activation
FROM removal r JOIN counties c USING (fips)
WHERE r.month < date_trunc('month', activated_on(c.cohort));
-- wide variation between counties: some above 80% non-criminal
SELECT count(*) > 20 AS some_counties_above_80pct_nc
FROM (SELECT fips FROM removal GROUP BY fips
      HAVING sum(removals) FILTER (WHERE level = 'NC') > 0.8 * sum(removals)) x;
-- the active class: more removals per non-citizen resident and a higher non-criminal share
SELECT true_class, per_1000 > lag(per_1000) OVER (ORDER BY true_class DESC) AS more_per_noncitizen,
       nc_share > lag(nc_share) OVER (ORDER BY true_class DESC) AS higher_nc_share
FROM (SELECT true_class, 1000.0 * sum(removals) / (SELECT sum(noncitizens) FROM counties c WHERE c.fips IN
              (SELECT fips FROM removal r2 WHERE r2.true_class = r.true_class)) AS per_1000,
             sum(removals) FILTER (WHERE level = 'NC')::float8 / sum(removals) AS nc_share
      FROM removal r GROUP BY true_class) k
ORDER BY true_class;
-- one class per county
SELECT count(*) AS counties_with_two_classes FROM (SELECT fips FROM removal GROUP BY fips HAVING count(DISTINCT true_class) > 1) x;

-- same seed, same rows, whatever the order of the input; another seed, other rows
CREATE TEMP TABLE removal_again AS
SELECT r.* FROM (SELECT array_agg(fips ORDER BY noncitizens DESC, fips) f, array_agg(cohort ORDER BY noncitizens DESC, fips) c,
                        array_agg(noncitizens ORDER BY noncitizens DESC, fips) n FROM counties) x,
	simulate_removals(f, c, n) r;
SELECT (SELECT count(*) FROM (SELECT * FROM removal EXCEPT ALL SELECT * FROM removal_again) d) = 0
   AND (SELECT count(*) FROM removal) = (SELECT count(*) FROM removal_again) AS same_seed_same_rows;
SELECT count(*) > 1000 AS other_seed_other_rows
FROM (SELECT * FROM removal EXCEPT ALL
      SELECT r.* FROM (SELECT array_agg(fips) f, array_agg(cohort) c, array_agg(noncitizens) n FROM counties) x,
                      simulate_removals(f, c, n, seed => 2) r) d;

-- county crime panel: the national trend, zero murders in about half of county-years, the true effect
CREATE TEMP TABLE crime AS
SELECT s.* FROM (SELECT array_agg(fips) f, array_agg(cohort) c, array_agg(population) p FROM counties) x,
	simulate_crime(f, c, p) s;
SELECT count(*) = 3143 * 11 * 8 AS rows_ok FROM crime;
-- expected counts fall as the FBI national rates did, 2006 to 2014 (murder 5.95 -> 4.60, robbery 149.8 -> 101.7,
-- burglary 729.1 -> 535.0 per 100,000; FBI state estimates summed)
SELECT offense, abs(ratio / want - 1) < 0.03 AS follows_national_trend
FROM (SELECT offense, sum(expected) FILTER (WHERE year = 2014) / sum(expected) FILTER (WHERE year = 2006) ratio
      FROM crime GROUP BY offense) r
JOIN (VALUES ('murder', 4.60 / 5.95), ('robbery', 101.7 / 149.8), ('burglary', 535.0 / 729.1)) w(offense, want) USING (offense)
ORDER BY offense;
SELECT avg((count = 0)::int) BETWEEN 0.4 AND 0.6 AS about_half_without_murder FROM crime WHERE offense = 'murder';
SELECT bool_and(true_effect = 0) AS default_effect_zero FROM crime;
CREATE TEMP TABLE crime_effect AS
SELECT s.* FROM (SELECT array_agg(fips) f, array_agg(cohort) c, array_agg(population) p FROM counties) x,
	simulate_crime(f, c, p, effect => -0.2) s;
-- the expected counts of treated rows are exactly 80% of the untreated counterfactual
SELECT bool_and(abs(e.expected / c.expected - CASE WHEN e.treated THEN 0.8 ELSE 1 END) < 1e-12) AS effect_exact,
       bool_and(e.true_effect = CASE WHEN e.treated THEN -0.2 ELSE 0 END) AS true_effect_returned
FROM crime_effect e JOIN crime c USING (fips, year, offense);
SELECT bool_and(treated = (year >= extract(year FROM activated_on(cohort)))) AS treated_from_activation_year
FROM crime JOIN counties USING (fips);

-- generic staggered panel: known truth, deterministic
CREATE TEMP TABLE panel AS SELECT * FROM simulate_panel(2000, 10, seed => 7, cohorts => 3, effect => 2, effect_growth => 0.5);
SELECT count(*) = 20000 AS rows_ok, count(DISTINCT unit) = 2000 AS units_ok FROM panel;
SELECT array_agg(DISTINCT first_period ORDER BY first_period) AS cohorts FROM panel;
SELECT bool_and(true_att = CASE WHEN first_period IS NULL OR period < first_period THEN 0
                                ELSE 2 + 0.5 * (period - first_period) END) AS true_att_ok FROM panel;
SELECT abs(avg((first_period IS NULL)::int) - 0.2) < 0.03 AS never_share_ok FROM panel;
-- a simple 2x2 check of the truth: treated minus never-treated change from period 1 to the last, against the mean true effect
SELECT abs(dd - truth) < 0.15 AS difference_in_differences_recovers_truth
FROM (SELECT avg(d) FILTER (WHERE first_period IS NOT NULL) - avg(d) FILTER (WHERE first_period IS NULL) AS dd,
             avg(att) FILTER (WHERE first_period IS NOT NULL) AS truth
      FROM (SELECT unit, first_period, sum(outcome) FILTER (WHERE period = 10) - sum(outcome) FILTER (WHERE period = 1) d,
                   sum(true_att) FILTER (WHERE period = 10) att
            FROM panel GROUP BY unit, first_period) u) x;
SELECT (SELECT count(*) FROM (SELECT * FROM panel EXCEPT ALL
        SELECT * FROM simulate_panel(2000, 10, seed => 7, cohorts => 3, effect => 2, effect_growth => 0.5)) d) = 0 AS deterministic;

-- bad input
SELECT * FROM simulate_removals('{01001}', '{2011-04-26}', '{-5}');
SELECT * FROM simulate_removals('{01001}', '{2011-04-26}', '{NaN}');
SELECT * FROM simulate_removals('{01001,01003}', '{2011-04-26}', '{5,6}');
SELECT * FROM simulate_removals('{01001,01001}', '{2011-04-26,2011-04-26}', '{5,6}');
SELECT * FROM simulate_removals('{01001}', '{never}', '{5}');
SELECT * FROM simulate_removals('{01001}', '{2011-04-26}', '{NULL}');
SELECT * FROM simulate_removals('{}', '{}', '{}');
SELECT * FROM simulate_removals('{01001}', '{2011-04-26}', '{5}', total => 0);
SELECT * FROM simulate_removals(NULL, '{2011-04-26}', '{5}');
SELECT * FROM simulate_crime('{01001}', '{2011-04-26}', '{50000}', effect => -1);
SELECT * FROM simulate_crime('{01001}', '{2011-04-26}', '{50000}', first_year => 2000);
SELECT * FROM simulate_crime('{01001}', '{2011-04-26}', '{Infinity}');
SELECT * FROM simulate_panel(0, 10);
SELECT * FROM simulate_panel(10, 10, cohorts => 10);
SELECT * FROM simulate_panel(10, 10, never_share => 1);
SELECT * FROM simulate_panel(10, 10, noise => -1);
SELECT * FROM simulate_panel(100000, 100000);
