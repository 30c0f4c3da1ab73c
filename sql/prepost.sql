-- prepost, its storable state prepost_state, prepost_diff, baseline_change and baseline_ratio
SET search_path = public, scomm;
SET extra_float_digits = 0;

-- empty, all-NULL and one-row input
SELECT (prepost(v, d, c)).* FROM (VALUES (1.0::float8, '2009-01-01'::date, '2010-01-01'::activation_cohort)) x(v, d, c) WHERE false;
SELECT (prepost(v, d, c)).*
FROM (VALUES (NULL::float8, '2009-01-01'::date, '2010-01-01'::activation_cohort),
             (1.0, NULL, '2010-01-01'), (2.0, '2011-01-01', NULL), (3.0, '2011-01-01', 'never')) x(v, d, c);
SELECT (prepost(v, d, c)).* FROM (VALUES (7.5::float8, '2009-01-01'::date, '2010-01-01'::activation_cohort)) x(v, d, c);
SELECT prepost_state(v, d, c) IS NULL AS empty_state_is_null
FROM (VALUES (1.0::float8, '2009-01-01'::date, '2010-01-01'::activation_cohort)) x(v, d, c) WHERE false;
SELECT prepost_result(NULL::prepost_state) = prepost_result('{n_before=0,mean_before=0,m2_before=0,n_after=0,mean_after=0,m2_after=0}') AS null_is_empty;

-- data: county A (activated 2010-01-01): 5 values before, 6 after;
-- county B (activated 2011-06-15): R's sleep data, group 2 before and group 1 after;
-- county C never activated; NULL values and a NULL cohort are ignored
CREATE TABLE obs (county text, at date, cohort activation_cohort, value float8);
INSERT INTO obs
SELECT 'A', date '2009-01-01' + 30 * i::int, '2010-01-01', v FROM unnest('{10,12,9,14,11}'::float8[]) WITH ORDINALITY u(v, i);
INSERT INTO obs
SELECT 'A', date '2010-01-01' + 60 * (i::int - 1), '2010-01-01', v FROM unnest('{15,13,18,16,20,17}'::float8[]) WITH ORDINALITY u(v, i);
INSERT INTO obs
SELECT 'B', date '2010-06-15' + 30 * i::int, '2011-06-15', v
FROM unnest('{1.9,0.8,1.1,0.1,-0.1,4.4,5.5,1.6,4.6,3.4}'::float8[]) WITH ORDINALITY u(v, i);
INSERT INTO obs
SELECT 'B', date '2011-06-15' + 30 * (i::int - 1), '2011-06-15', v
FROM unnest('{0.7,-1.6,-0.2,-1.2,-0.1,3.4,3.7,0.8,0.0,2.0}'::float8[]) WITH ORDINALITY u(v, i);
INSERT INTO obs VALUES ('C', '2009-01-01', 'never', 100), ('C', '2012-01-01', 'never', 200),
	('A', '2009-03-03', '2010-01-01', NULL), ('A', '2009-03-03', NULL, 1000), ('A', NULL, '2010-01-01', 1000);

-- county A against Welch's test computed independently (exact rational arithmetic,
-- t tail by the incomplete beta function): change 5.3, t 4.0373018931462533,
-- df 8.9917580569198681, p 0.002946040030419218, CI 2.3299203028717021 to 8.2700796971282979
SELECT r.n_before = 5 AND r.n_after = 6 AS n_ok,
       abs(r.mean_before - 11.2) < 1e-12 AND abs(r.mean_after - 16.5) < 1e-12 AS means_ok,
       abs(r.sd_before - 1.9235384061671345) < 1e-12 AND abs(r.sd_after - 2.4289915602982238) < 1e-12 AS sds_ok,
       abs(r.change - 5.3) < 1e-12 AND abs(r.pct_change - 100 * 5.3 / 11.2) < 1e-10 AS change_ok,
       abs(r.t - 4.0373018931462533) < 1e-10 AS t_ok,
       abs(r.df - 8.9917580569198681) < 1e-10 AS df_ok,
       abs(r.p_value - 0.002946040030419218) < 1e-10 AS p_ok,
       abs(r.ci_low - 2.3299203028717021) < 1e-9 AND abs(r.ci_high - 8.2700796971282979) < 1e-9 AS ci_ok
FROM (SELECT (prepost(value, at, cohort)).* FROM obs WHERE county = 'A') r;

-- county B against R: t.test(extra ~ group, data = sleep) prints t = -1.8608,
-- df = 17.776, p-value = 0.07939, 95% CI -3.3654832 0.2054832, means 0.75 and 2.33
SELECT r.n_before = 10 AND r.n_after = 10 AS n_ok,
       abs(r.mean_before - 2.33) < 1e-12 AND abs(r.mean_after - 0.75) < 1e-12 AS means_ok,
       abs(r.change - -1.58) < 1e-12 AS change_ok,
       round(r.t::numeric, 4) = -1.8608 AS t_matches_r,
       round(r.df::numeric, 3) = 17.776 AS df_matches_r,
       round(r.p_value::numeric, 5) = 0.07939 AS p_matches_r,
       round(r.ci_low::numeric, 7) = -3.3654832 AND round(r.ci_high::numeric, 7) = 0.2054832 AS ci_matches_r
FROM (SELECT (prepost(value, at, cohort)).* FROM obs WHERE county = 'B') r;

-- per county against Welch's formulas in plain SQL (avg, stddev_samp with FILTER)
SELECT county, (p).n_before, (p).n_after,
       abs((p).mean_before - mb) < 1e-12 AND abs((p).mean_after - ma) < 1e-12 AS means_ok,
       abs((p).sd_before - sb) < 1e-12 AND abs((p).sd_after - sa) < 1e-12 AS sds_ok,
       abs((p).t - (ma - mb) / sqrt(sa^2 / na + sb^2 / nb)) < 1e-10 AS t_ok,
       abs((p).df - (sa^2 / na + sb^2 / nb)^2 / ((sa^2 / na)^2 / (na - 1) + (sb^2 / nb)^2 / (nb - 1))) < 1e-9 AS df_ok
FROM (SELECT county, prepost(value, at, cohort) p,
             avg(value) FILTER (WHERE at < activated_on(cohort)) mb,
             avg(value) FILTER (WHERE at >= activated_on(cohort)) ma,
             stddev_samp(value) FILTER (WHERE at < activated_on(cohort)) sb,
             stddev_samp(value) FILTER (WHERE at >= activated_on(cohort)) sa,
             count(value) FILTER (WHERE at < activated_on(cohort)) nb,
             count(value) FILTER (WHERE at >= activated_on(cohort)) na
      FROM obs WHERE cohort <> 'never' GROUP BY county) x
ORDER BY county;
-- never-activated county C: nothing counted
SELECT (prepost(value, at, cohort)).n_before AS c_before, (prepost(value, at, cohort)).n_after AS c_after FROM obs WHERE county = 'C';

-- a side with one row: change known, sd and the test NULL; constant values: test NULL
SELECT n_before, sd_before, change, pct_change, t IS NULL AS t_null, p_value IS NULL AS p_null, ci_low IS NULL AS ci_null
FROM prepost_result('{n_before=1,mean_before=4,m2_before=0,n_after=3,mean_after=6,m2_after=8}');
SELECT change, t IS NULL AS t_null, df IS NULL AS df_null
FROM prepost_result('{n_before=3,mean_before=4,m2_before=0,n_after=3,mean_after=6,m2_after=0}');
SELECT pct_change IS NULL AS pct_null_when_mean_before_0, change
FROM prepost_result('{n_before=2,mean_before=0,m2_before=2,n_after=2,mean_after=1,m2_after=2}');

-- bad values
SELECT prepost(v, '2009-01-01', '2010-01-01') FROM (VALUES ('NaN'::float8)) x(v);
SELECT prepost(v, '2009-01-01', '2010-01-01') FROM (VALUES ('-Infinity'::float8)) x(v);
SELECT prepost(1, 'infinity', '2010-01-01');
SELECT prepost(1e308, d, '2010-01-01') FROM (VALUES ('2009-01-01'::date), ('2009-01-01')) x(d)
UNION ALL SELECT prepost(-1e308, '2009-01-01', '2010-01-01');
SELECT prepost(v, '2009-01-01', '2010-01-01') FROM (VALUES (1e308::float8), (-1e308)) x(v);

-- the window variant: activation - within <= at < activation + within
CREATE TABLE daily AS
SELECT d::date AS at, '2010-03-15'::activation_cohort AS cohort, (extract(doy FROM d) % 17)::float8 AS value
FROM generate_series('2007-01-01'::date, '2013-12-31', '1 day') d;
SELECT (prepost(value, at, cohort, '2 years')).n_before AS n_before,
       (prepost(value, at, cohort, '2 years')).n_after AS n_after,
       '2010-03-15'::date - '2008-03-15'::date AS days_before,
       '2012-03-15'::date - '2010-03-15'::date AS days_after
FROM daily;
SELECT prepost(value, at, cohort, '2 years') = prepost(value, at, cohort) FILTER (WHERE at >= '2008-03-15' AND at < '2012-03-15')
       AS window_equals_filter,
       prepost(value, at, cohort, '36 hours') = prepost(value, at, cohort) FILTER (WHERE at >= '2010-03-14' AND at < '2010-03-17')
       AS hours_round_to_days
FROM daily;
SELECT prepost_state(value, at, cohort, '1 year 2 days 3 hours') FROM daily WHERE at BETWEEN '2010-03-13' AND '2010-03-16';
SELECT prepost(value, at, cohort, NULL) FROM daily;
SELECT prepost(value, at, cohort, '-1 year') FROM daily;
SELECT prepost(value, at, cohort, '0') FROM daily;
SELECT prepost(value, at, cohort, CASE WHEN at < '2010-01-01' THEN '1 year' ELSE '2 years' END::interval) FROM daily;
-- states with different windows are not merged
SELECT prepost(s) FROM (SELECT prepost_state(value, at, cohort, '1 year') s FROM daily
                        UNION ALL SELECT prepost_state(value, at, cohort, '2 years') FROM daily) x;
SELECT prepost(s) FROM (SELECT prepost_state(value, at, cohort) s FROM daily
                        UNION ALL SELECT prepost_state(value, at, cohort, '12 months') FROM daily) x;
SELECT (prepost(s)).n_before FROM (SELECT prepost_state(value, at, cohort, '1 year') s FROM daily
                        UNION ALL SELECT prepost_state(value, at, cohort, '12 months') FROM daily) x;

-- prepost_diff: county A's change minus county B's, against the independent computation:
-- diff 6.88, se 1.5634221723158748, t 4.4006028069876704, df 16.61773243258064,
-- p 0.00041071346983546012, CI 3.5756779583204864 to 10.184322041679514
SELECT abs(d.diff - 6.88) < 1e-12 AS diff_ok, abs(d.se - 1.5634221723158748) < 1e-12 AS se_ok,
       abs(d.t - 4.4006028069876704) < 1e-10 AS t_ok, abs(d.df - 16.61773243258064) < 1e-9 AS df_ok,
       abs(d.p_value - 0.00041071346983546012) < 1e-11 AS p_ok,
       abs(d.ci_low - 3.5756779583204864) < 1e-9 AND abs(d.ci_high - 10.184322041679514) < 1e-9 AS ci_ok
FROM (SELECT (prepost_diff(a, b)).*
      FROM (SELECT prepost(value, at, cohort) a FROM obs WHERE county = 'A') x,
           (SELECT prepost(value, at, cohort) b FROM obs WHERE county = 'B') y) d;
SELECT (prepost_diff(prepost_result('{n_before=1,mean_before=4,m2_before=0,n_after=3,mean_after=6,m2_after=8}'),
                     prepost_result('{n_before=3,mean_before=4,m2_before=2,n_after=3,mean_after=5,m2_after=8}'))).*;
SELECT prepost_diff(NULL, prepost_result(NULL)) IS NULL AS strict;

-- the support functions called directly copy their state, never change it
WITH s AS (SELECT '{n_before=2,mean_before=1,m2_before=2,n_after=1,mean_after=5,m2_after=0}'::prepost_state AS a)
SELECT prepost_accum(a, 7, '2011-01-01', '2010-01-01') AS accumulated,
       prepost_state_merge(a, a) AS merged, a AS unchanged FROM s;
SELECT prepost_accum(NULL, 3, '2009-01-01', '2010-01-01') AS from_null, prepost_state_merge(NULL, NULL) IS NULL AS null_merge;
SELECT prepost_accum('{n_before=0,mean_before=0,m2_before=0,n_after=0,mean_after=0,m2_after=0,within_months=12,within_days=0,within_usecs=0}',
                     1, '2009-01-01', '2010-01-01');

-- prepost_state text form: exact round trip, strict parser
SELECT '{n_before=5,mean_before=11.2,m2_before=14.8,n_after=6,mean_after=16.5,m2_after=29.5}'::prepost_state;
SELECT ' {n_before=0,mean_before=0,m2_before=0,n_after=1,mean_after=-1e-300,m2_after=0,within_months=24,within_days=-3,within_usecs=5} '::prepost_state;
SELECT s::text::prepost_state::text = s::text AS text_round_trip,
       prepost_result(s::text::prepost_state) = prepost_result(s) AS same_result
FROM (SELECT prepost_state(value / 3, at, cohort) s FROM daily) x;
SELECT count(*) AS states, bool_and(s::text::prepost_state::text = s::text AND prepost_result(s::text::prepost_state) = prepost_result(s)) AS all_round_trip
FROM (SELECT prepost_state(sqrt(value + 0.1) * 1e-5, at, cohort) s FROM daily GROUP BY extract(month FROM at)) x;
SELECT '{n_before=5,mean_before=11.2,m2_before=14.8,n_after=6,mean_after=16.5}'::prepost_state;
SELECT '{n_before=-1,mean_before=0,m2_before=0,n_after=0,mean_after=0,m2_after=0}'::prepost_state;
SELECT '{n_before=0,mean_before=1,m2_before=0,n_after=0,mean_after=0,m2_after=0}'::prepost_state;
SELECT '{n_before=1,mean_before=1,m2_before=3,n_after=0,mean_after=0,m2_after=0}'::prepost_state;
SELECT '{n_before=2,mean_before=1,m2_before=-3,n_after=0,mean_after=0,m2_after=0}'::prepost_state;
SELECT '{n_before=2,mean_before=NaN,m2_before=3,n_after=0,mean_after=0,m2_after=0}'::prepost_state;
SELECT '{n_before=2,mean_before=1e999,m2_before=3,n_after=0,mean_after=0,m2_after=0}'::prepost_state;
SELECT '{n_before=2,mean_before=0x1p3,m2_before=3,n_after=0,mean_after=0,m2_after=0}'::prepost_state;
SELECT '{n_after=0,mean_after=0,m2_after=0,n_before=2,mean_before=1,m2_before=3}'::prepost_state;
SELECT '{n_before=2,mean_before=1,m2_before=3,n_after=0,mean_after=0,m2_after=0} x'::prepost_state;
SELECT '{n_before=99999999999999999999,mean_before=1,m2_before=3,n_after=0,mean_after=0,m2_after=0}'::prepost_state;
SELECT '{n_before=2,mean_before=1,m2_before=3,n_after=0,mean_after=0,m2_after=0,within_months=12}'::prepost_state;
SELECT '{n_before=2,mean_before=1,m2_before=3,n_after=0,mean_after=0,m2_after=0,within_months=-12,within_days=0,within_usecs=0}'::prepost_state;
SELECT '{n_before=2,mean_before=1,m2_before=3,n_after=0,mean_after=0,m2_after=0,within_months=3000000000,within_days=0,within_usecs=0}'::prepost_state;
SELECT ''::prepost_state;

-- data: 40 counties, 8 years of monthly rates; 3 activation cohorts and never
CREATE TABLE rate AS
SELECT f AS county, (date '2006-01-01' + make_interval(months => m))::date AS at,
       (CASE f % 4 WHEN 0 THEN '2008-10-27' WHEN 1 THEN '2010-06-01' WHEN 2 THEN '2012-11-15' ELSE 'never' END)::activation_cohort AS cohort,
       CASE WHEN (f * 7 + m) % 23 = 0 THEN NULL ELSE 100 + f + 10 * sin(f * m) + m / 10.0 END AS value
FROM generate_series(1, 40) f, generate_series(0, 95) m;

-- stored states per county, merged later, equal one pass
CREATE TABLE county_state AS SELECT county, prepost_state(value, at, cohort) AS s FROM rate GROUP BY county;
SELECT (a).n_before = (b).n_before AND (a).n_after = (b).n_after AS n_equal,
       abs((a).mean_before - (b).mean_before) < 1e-10 AND abs((a).mean_after - (b).mean_after) < 1e-10
       AND abs((a).sd_before - (b).sd_before) < 1e-10 AND abs((a).sd_after - (b).sd_after) < 1e-10
       AND abs((a).t - (b).t) < 1e-8 AND abs((a).df - (b).df) < 1e-6 AND abs((a).p_value - (b).p_value) < 1e-12 AS merged_equals_one_pass
FROM (SELECT prepost(s) a FROM county_state) x, (SELECT prepost(value, at, cohort) b FROM rate) y;
SELECT prepost_result(prepost_state(s)) = prepost(s) AS merge_aggregates_agree FROM county_state;

-- binary COPY of stored states, and of windowed ones
CREATE TABLE county_state_copy (LIKE county_state);
INSERT INTO county_state SELECT -county, prepost_state(value, at, cohort, '18 months 3 days') FROM rate GROUP BY county;
COPY county_state TO '/tmp/scomm_regress_prepost.bin' WITH (FORMAT binary);
COPY county_state_copy FROM '/tmp/scomm_regress_prepost.bin' WITH (FORMAT binary);
SELECT count(*) AS copied, count(*) FILTER (WHERE s::text LIKE '%within%') AS windowed FROM county_state_copy;
SELECT count(*) AS differing FROM (SELECT county, s::text FROM county_state EXCEPT SELECT county, s::text FROM county_state_copy) d;
-- a binary state with an unknown format version, and one with a negative count, are refused
SELECT lo_from_bytea(4242005, decode('5047434f50590aff0d0a00' || '00000000' || '00000000'
       || '0001' || '00000032' || '0200' || repeat('0000000000000000', 6) || 'ffff', 'hex')) = 4242005 AS created;
SELECT lo_export(4242005, '/tmp/scomm_regress_bad_prepost.bin') = 1 AS written;
SELECT lo_unlink(4242005);
COPY county_state_copy (s) FROM '/tmp/scomm_regress_bad_prepost.bin' WITH (FORMAT binary);
SELECT lo_from_bytea(4242006, decode('5047434f50590aff0d0a00' || '00000000' || '00000000'
       || '0001' || '00000032' || '0100' || 'ffffffffffffffff' || repeat('0000000000000000', 5) || 'ffff', 'hex')) = 4242006 AS created;
SELECT lo_export(4242006, '/tmp/scomm_regress_bad_prepost.bin') = 1 AS written;
SELECT lo_unlink(4242006);
COPY county_state_copy (s) FROM '/tmp/scomm_regress_bad_prepost.bin' WITH (FORMAT binary);

-- a parallel plan gives the serial answer
CREATE TABLE rate_big AS SELECT r.* FROM rate r, generate_series(1, 30) g;
ANALYZE rate_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT prepost(value, at, cohort) FROM rate_big;
CREATE TEMP TABLE parallel_result AS SELECT prepost(value, at, cohort) AS p, prepost(value, at, cohort, '2 years') AS w FROM rate_big;
SET max_parallel_workers_per_gather = 0;
SELECT (p).n_before = (s).n_before AND (p).n_after = (s).n_after AS n_equal,
       abs((p).mean_before - (s).mean_before) < 1e-9 AND abs((p).sd_after - (s).sd_after) < 1e-9
       AND abs((p).t - (s).t) < 1e-7 AND abs((p).df - (s).df) < 1e-5 AS parallel_equals_serial,
       (w).n_before = (sw).n_before AND abs((w).change - (sw).change) < 1e-9 AS windowed_parallel_equals_serial,
       (p).n_before + (p).n_after = 30 * (SELECT count(value) FROM rate WHERE cohort <> 'never') AS n_ok
FROM parallel_result, (SELECT prepost(value, at, cohort) s, prepost(value, at, cohort, '2 years') sw FROM rate_big) x;
RESET ALL;
SET search_path = public, scomm;
SET extra_float_digits = 0;

-- prepost as a window aggregate (growing frame) against a recomputation of each frame
SELECT count(*) AS frames,
       bool_and((w.p).n_before = (r).n_before AND (w.p).n_after = (r).n_after
                AND abs(coalesce((w.p).t, 0) - coalesce((r).t, 0)) < 1e-9) AS frames_match
FROM (SELECT county, at, prepost(value, at, cohort) OVER (PARTITION BY county ORDER BY at) p FROM rate WHERE county <= 6) w,
     LATERAL (SELECT prepost(value, at, cohort) r FROM rate x WHERE x.county = w.county AND x.at <= w.at) y;

-- baseline_change and baseline_ratio against a self-join
CREATE TEMP TABLE baseline AS
SELECT county, at, value,
       baseline_change(value, at, cohort) OVER (PARTITION BY county) AS change,
       baseline_ratio(value, at, cohort) OVER (PARTITION BY county) AS ratio
FROM rate;
SELECT count(*) AS rows, count(change) AS with_change,
       bool_and(abs(b.change - (b.value - m.mean)) < 1e-9) AS change_ok,
       bool_and(abs(b.ratio - b.value / m.mean) < 1e-12) AS ratio_ok,
       bool_and((b.change IS NULL) = (b.value IS NULL OR m.mean IS NULL)) AS nulls_ok
FROM baseline b LEFT JOIN (SELECT county, avg(value) AS mean FROM rate
                           WHERE at < coalesce(activated_on(cohort), 'infinity') GROUP BY county) m USING (county);
-- never-activated counties: every row is before, so the baseline is the county's mean
SELECT bool_and(abs(b.change - (b.value - (SELECT avg(value) FROM rate r WHERE r.county = b.county))) < 1e-9) AS never_baseline_is_mean
FROM baseline b WHERE county % 4 = 3;
-- the same in every frame and order: the function uses the whole partition
-- (the order of the rows may change the last bits of the mean)
SELECT count(c1) AS compared, bool_and(abs(c1 - c2) < 1e-9 AND abs(c2 - c3) < 1e-9) AS frame_independent
FROM (SELECT baseline_change(value, at, cohort) OVER (PARTITION BY county) c1,
             baseline_change(value, at, cohort) OVER (PARTITION BY county ORDER BY at ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) c2,
             baseline_change(value, at, cohort) OVER (PARTITION BY county ORDER BY value DESC) c3
      FROM rate WHERE county <= 8) x;
-- no value before activation: NULL; a zero baseline: ratio NULL; NULL cohorts take the partition's
SELECT v, baseline_change(v, d, c) OVER (), baseline_ratio(v, d, c) OVER ()
FROM (VALUES (1::float8, '2011-01-01'::date, '2010-01-01'::activation_cohort), (2, '2012-01-01', '2010-01-01')) x(v, d, c);
SELECT v, baseline_change(v, d, c) OVER (), baseline_ratio(v, d, c) OVER ()
FROM (VALUES (-1::float8, '2009-01-01'::date, '2010-01-01'::activation_cohort), (1, '2009-06-01', NULL), (5, '2011-01-01', NULL), (NULL, '2011-01-01', '2010-01-01')) x(v, d, c);
SELECT baseline_change(v, d, c) OVER () FROM (VALUES (1::float8, '2009-01-01'::date, NULL::activation_cohort)) x(v, d, c);
SELECT baseline_change(v, d, c) OVER ()
FROM (VALUES (1::float8, '2009-01-01'::date, '2010-01-01'::activation_cohort), (2, '2011-01-01', '2010-06-01')) x(v, d, c);
SELECT baseline_change(v, '2009-01-01', '2010-01-01') OVER () FROM (VALUES (1::float8), ('NaN')) x(v);

DROP TABLE obs, daily, rate, rate_big, county_state, county_state_copy;
