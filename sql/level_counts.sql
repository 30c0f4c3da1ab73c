-- level_counts and its storable state level_tally
SET search_path = public, scomm;

-- empty, all-NULL and one-row input
SELECT (level_counts(l)).* FROM unnest('{}'::criminality_level[]) l;
SELECT (level_counts(l)).* FROM unnest('{NULL,NULL}'::criminality_level[]) l;
SELECT (level_counts(l)).* FROM unnest('{L2}'::criminality_level[]) l;
SELECT level_tally(l) IS NULL AS empty_tally_is_null FROM unnest('{}'::criminality_level[]) l;

-- a known mix: 3 L1, 2 L2, 4 L3, 1 NC and 2 NULL; shares 0.3, 0.2, 0.4, 0.1
SELECT (level_counts(l)).*
FROM unnest('{L1,L1,L1,L2,L2,L3,L3,L3,L3,NC,NULL,NULL}'::criminality_level[]) l;

-- level_tally text I/O round-trips exactly; bad literals are refused
SELECT '{L1=12,L2=3,L3=40,NC=7}'::level_tally;
SELECT ' {L1=0,L2=0,L3=0,NC=9223372036854775807} '::level_tally;
-- exactly these keys: lower case and leading zeros are refused (1.0 accepted them)
SELECT '{l1=0,L2=0,L3=0,NC=1}'::level_tally;
SELECT '{L1=0,L2=0,L3=0,NC=01}'::level_tally;
SELECT '{L1=12,L2=3,L3=40,NC=7}'::level_tally::text::level_tally::text = '{L1=12,L2=3,L3=40,NC=7}' AS round_trip;
SELECT '{L1=12,L2=3,L3=40}'::level_tally;
SELECT '{L1=-1,L2=3,L3=40,NC=7}'::level_tally;
SELECT '{L2=3,L1=12,L3=40,NC=7}'::level_tally;
SELECT '{L1=12,L2=3,L3=40,NC=7} x'::level_tally;
SELECT '{L1=1,L2=3,L3=40,NC=9223372036854775808}'::level_tally;
SELECT ''::level_tally;
SELECT counts('{L1=12,L2=3,L3=40,NC=7}');
SELECT counts(NULL::level_tally);

-- data: 10,000 removals in 20 counties with a known mix per county
CREATE TABLE removal AS
SELECT i AS id, 1 + i % 20 AS county,
       CASE WHEN i % 10 = 0 THEN NULL
            ELSE (ARRAY['L1', 'L1', 'L2', 'L3', 'L3', 'L3', 'NC', 'NC', 'NC'])[i % 10]::criminality_level END AS level
FROM generate_series(1, 10000) i;
-- the same counts by plain SQL
SELECT count(level) = 9000 AS n_ok,
       count(*) FILTER (WHERE level = 'L1') = 2000 AND count(*) FILTER (WHERE level = 'L2') = 1000
       AND count(*) FILTER (WHERE level = 'L3') = 3000 AND count(*) FILTER (WHERE level = 'NC') = 3000 AS mix_ok
FROM removal;
SELECT (level_counts(level)).* FROM removal;

-- stored tallies per county, merged later, equal one pass
CREATE TABLE county_tally AS SELECT county, level_tally(level) AS tally FROM removal GROUP BY county;
SELECT (SELECT level_counts(tally) FROM county_tally) = (SELECT level_counts(level) FROM removal) AS merged_equals_one_pass,
       (SELECT level_tally(tally) FROM county_tally)::text AS merged;
-- per-county results against FILTER counts
SELECT bool_and((c).n_l1 = f1 AND (c).n_l2 = f2 AND (c).n_l3 = f3 AND (c).n_nc = fnc AND (c).n = f1 + f2 + f3 + fnc) AS per_county_ok
FROM (SELECT level_counts(level) c,
             count(*) FILTER (WHERE level = 'L1') f1, count(*) FILTER (WHERE level = 'L2') f2,
             count(*) FILTER (WHERE level = 'L3') f3, count(*) FILTER (WHERE level = 'NC') fnc
      FROM removal GROUP BY county) x;

-- binary COPY of stored tallies
CREATE TABLE county_tally_copy (LIKE county_tally);
COPY county_tally TO '/tmp/scomm_regress_tally.bin' WITH (FORMAT binary);
COPY county_tally_copy FROM '/tmp/scomm_regress_tally.bin' WITH (FORMAT binary);
SELECT count(*) AS differing FROM (SELECT county, tally::text FROM county_tally EXCEPT SELECT county, tally::text FROM county_tally_copy) d;
-- a binary tally with an unknown format version is refused
SELECT lo_from_bytea(4242004, decode('5047434f50590aff0d0a00' || '00000000' || '00000000'
       || '0001' || '00000021' || '09' || repeat('0000000000000001', 4) || 'ffff', 'hex')) = 4242004 AS created;
SELECT lo_export(4242004, '/tmp/scomm_regress_bad_tally.bin') = 1 AS written;
SELECT lo_unlink(4242004);
COPY county_tally_copy (tally) FROM '/tmp/scomm_regress_bad_tally.bin' WITH (FORMAT binary);

-- a parallel plan gives the serial answer
CREATE TABLE removal_big AS SELECT r.* FROM removal r, generate_series(1, 20) g;
ANALYZE removal_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT level_counts(level) FROM removal_big;
CREATE TEMP TABLE parallel_result AS SELECT level_counts(level) AS c FROM removal_big;
CREATE TEMP TABLE parallel_tally AS SELECT level_tally(level) AS t FROM removal_big;
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
SELECT (SELECT c FROM parallel_result) = level_counts(level) AS parallel_equals_serial
FROM removal_big;
SELECT (SELECT t::text FROM parallel_tally) = level_tally(level)::text AS parallel_tally_equals_serial,
       ((SELECT c FROM parallel_result)).n = 20 * 9000 AS n_ok
FROM removal_big;
RESET ALL;
SET search_path = public, scomm;

-- moving window frames (inverse transition) against a recomputation of each frame
CREATE TEMP TABLE windowed AS
SELECT id, (level_counts(level) OVER (ORDER BY id ROWS BETWEEN 6 PRECEDING AND 2 FOLLOWING)) AS c
FROM removal WHERE id <= 500;
SELECT count(*) AS frames,
       bool_and(w.c = (SELECT level_counts(r.level) FROM removal r WHERE r.id BETWEEN w.id - 6 AND least(w.id + 2, 500))) AS frames_match
FROM windowed w;
-- a growing frame and a partitioned one
SELECT bool_and(c = (SELECT level_counts(r.level) FROM removal r WHERE r.county = x.county AND r.id <= x.id)) AS running_ok
FROM (SELECT id, county, level_counts(level) OVER (PARTITION BY county ORDER BY id) c FROM removal WHERE id <= 400) x;

DROP TABLE removal, removal_big, county_tally, county_tally_copy;
