-- activation_cohort: literals, order, casts, functions, event time at period boundaries
SET search_path = public, scomm;

SELECT s, s::activation_cohort AS cohort
FROM unnest(ARRAY['2008-10-27', ' 2013-01-22 ', 'never', 'NEVER', ' Never ', '2012-02-29',
                  '0001-01-01', '9999-12-31']) s;

-- invalid literals
SELECT '2010-13-01'::activation_cohort;
SELECT '2011-02-29'::activation_cohort;
SELECT '2010-1-5'::activation_cohort;
SELECT '10/27/2008'::activation_cohort;
SELECT 'infinity'::activation_cohort;
SELECT ''::activation_cohort;
SELECT 'nevermore'::activation_cohort;
SELECT '0000-01-01'::activation_cohort;
SELECT '2010-10-27x'::activation_cohort;

-- output does not depend on DateStyle
SET datestyle = 'SQL, DMY';
SELECT '2010-10-27'::activation_cohort::text AS iso_output;
RESET datestyle;

-- order: by date, never after every date
SELECT array_agg(c ORDER BY c) FROM unnest('{never,2011-01-01,2008-10-27,never,2010-06-15}'::activation_cohort[]) c;
SELECT 'never'::activation_cohort = 'never' AS never_eq, 'never'::activation_cohort > '9999-12-31' AS never_last,
       '2010-01-01'::activation_cohort < '2010-01-02' AS lt, '2010-01-01'::activation_cohort <> '2010-01-02' AS ne,
       activation_cohort_cmp('never', '2010-01-01') AS cmp;

-- cast from date; the infinities are refused
SELECT '2010-10-27'::date::activation_cohort;
SELECT 'infinity'::date::activation_cohort;
SELECT '-infinity'::date::activation_cohort;
SELECT '0044-03-15 BC'::date::activation_cohort;

-- functions
SELECT c, activated_on(c), is_activated(c, '2010-10-27'), is_activated(c, '2010-10-26'),
       is_early(c), is_early(c, '2008-10-28'), fiscal_year(c)
FROM unnest('{2008-10-27,2010-09-30,2010-10-01,2010-10-27,never}'::activation_cohort[]) c;

-- event time at period boundaries, for every unit (periods are calendar periods)
SELECT unit, at, event_time('2010-10-27', at, unit)
FROM unnest(ARRAY['year', 'quarter', 'month', 'day']) unit,
     unnest('{2009-12-31,2010-01-01,2010-09-30,2010-10-01,2010-10-26,2010-10-27,2010-10-31,2010-11-01,2010-12-31,2011-01-01}'::date[]) at
ORDER BY unit, at;
SELECT event_time('2010-10-27', '2010-10-27') AS default_unit_year, event_time('2010-10-27', '2012-05-01', ' Months ') AS plural,
       event_time('never', '2010-01-01') IS NULL AS never_is_null;
SELECT event_time('2010-10-27', '2010-10-27', 'week');
SELECT event_time('2010-10-27', 'infinity', 'day');

-- crime rates
SELECT crime_rate(25, 500000) AS per_100k, crime_rate(25, 500000, 1000) AS per_1k, crime_rate(0, 1) AS zero;
SELECT crime_rate(-1, 500000);
SELECT crime_rate(5, 0);
SELECT crime_rate(5, -10);
SELECT crime_rate(5, 10, 0);

-- index, GROUP BY, DISTINCT, hash partitioning and binary COPY
CREATE TABLE county_cohort AS
SELECT i AS id, CASE WHEN i % 10 = 0 THEN 'never'::activation_cohort
                     ELSE ('2008-10-27'::date + (i % 50) * 30)::activation_cohort END AS cohort
FROM generate_series(1, 5000) i;
CREATE INDEX county_cohort_idx ON county_cohort (cohort);
ANALYZE county_cohort;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM county_cohort WHERE cohort = 'never';
SELECT count(*) = 500 AS never_count_ok FROM county_cohort WHERE cohort = 'never';
-- offsets of 30..120 days (k = 1..4; k = 0 falls on never rows), 100 rows each
SELECT count(*) = 400 AS range_ok FROM county_cohort WHERE cohort < '2009-03-01' AND cohort >= '2008-10-27';
RESET enable_seqscan;
SET enable_sort = off;
SELECT count(*) AS groups FROM (SELECT cohort FROM county_cohort GROUP BY cohort) g;
RESET enable_sort;
SET enable_hashagg = off;
SELECT count(*) AS distinct_cohorts FROM (SELECT DISTINCT cohort FROM county_cohort) d;
RESET enable_hashagg;
CREATE TABLE county_cohort_part (id int, cohort activation_cohort) PARTITION BY HASH (cohort);
CREATE TABLE county_cohort_p0 PARTITION OF county_cohort_part FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE county_cohort_p1 PARTITION OF county_cohort_part FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE county_cohort_p2 PARTITION OF county_cohort_part FOR VALUES WITH (MODULUS 3, REMAINDER 2);
INSERT INTO county_cohort_part SELECT * FROM county_cohort;
SELECT max(n) AS partitions_per_cohort FROM (SELECT count(DISTINCT tableoid) n FROM county_cohort_part GROUP BY cohort) x;
CREATE TABLE county_cohort_copy (LIKE county_cohort);
COPY county_cohort TO '/tmp/scomm_regress_cohort.bin' WITH (FORMAT binary);
COPY county_cohort_copy FROM '/tmp/scomm_regress_cohort.bin' WITH (FORMAT binary);
SELECT count(*) AS differing FROM (SELECT * FROM county_cohort EXCEPT SELECT * FROM county_cohort_copy) d;
-- a binary value outside years 1..9999 is refused (day number -800000)
SELECT lo_from_bytea(4242003, decode('5047434f50590aff0d0a00' || '00000000' || '00000000'
       || '0001' || '00000004' || 'fff3cb00' || 'ffff', 'hex')) = 4242003 AS created;
SELECT lo_export(4242003, '/tmp/scomm_regress_bad_cohort.bin') = 1 AS written;
SELECT lo_unlink(4242003);
COPY county_cohort_copy (cohort) FROM '/tmp/scomm_regress_bad_cohort.bin' WITH (FORMAT binary);

DROP TABLE county_cohort, county_cohort_part, county_cohort_copy;
