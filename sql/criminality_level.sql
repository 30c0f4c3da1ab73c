-- criminality_level: literals, order, operators, indexes, hashing, casts, binary COPY
SET search_path = public, scomm;

-- every accepted spelling, and its canonical output
SELECT s, s::criminality_level AS level
FROM unnest(ARRAY['L1', 'l1', ' Level 1 ', 'LEVEL1', '1', 'L2', 'level 2', 'Level2', '2',
                  'L3', 'level 3', 'level3', '3', 'NC', 'nc', 'non-criminal', 'NonCriminal',
                  'non criminal', 'None', E'\tnc\n']) AS s;

-- invalid literals
SELECT 'L4'::criminality_level;
SELECT ''::criminality_level;
SELECT 'level'::criminality_level;
SELECT '0'::criminality_level;
SELECT 'level 1 '::criminality_level = 'L1';  -- trailing space is trimmed: valid
SELECT 'non-criminals'::criminality_level;
SELECT 'L 1'::criminality_level;
SELECT 'Level 10'::criminality_level;
SELECT repeat('x', 100)::criminality_level;

-- order by severity: NC < L3 < L2 < L1
SELECT array_agg(l ORDER BY l) FROM unnest('{L1,NC,L2,L3}'::criminality_level[]) l;
SELECT a, b, a < b AS lt, a <= b AS le, a = b AS eq, a <> b AS ne, a >= b AS ge, a > b AS gt,
       criminality_level_cmp(a, b) AS cmp
FROM unnest('{NC,L3,L2,L1}'::criminality_level[]) a, unnest('{NC,L1}'::criminality_level[]) b
ORDER BY a, b;
SELECT max(l), min(l) FROM unnest('{L3,NC,L2,NULL}'::criminality_level[]) l;
SELECT max(l) IS NULL AS empty_max FROM unnest('{}'::criminality_level[]) l;

-- descriptive functions
SELECT l, level_number(l), is_criminal(l), label(l)
FROM unnest('{L1,L2,L3,NC}'::criminality_level[]) l ORDER BY l DESC;

-- casts to and from integers and text
SELECT l::int4 AS n, (l::int4)::criminality_level = l AS round_trip, l::text AS t
FROM unnest('{L1,L2,L3,NC}'::criminality_level[]) l ORDER BY l DESC;
SELECT 4::criminality_level;
SELECT (-1)::criminality_level;
SELECT 'L2'::text::criminality_level;

-- a table with an index: the index is used and gives the same answers
CREATE TABLE removal AS
SELECT i AS id, (ARRAY['L1', 'L2', 'L3', 'NC'])[1 + (i * 7919) % 4]::criminality_level AS level
FROM generate_series(1, 20000) i;
CREATE INDEX removal_level ON removal (level);
ANALYZE removal;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM removal WHERE level = 'L2';
SELECT count(*) = 5000 AS index_count_ok FROM removal WHERE level = 'L2';
SELECT count(*) = 10000 AS index_range_ok FROM removal WHERE level >= 'L2';
RESET enable_seqscan;
-- selectivity estimates come from the statistics: a quarter of the rows per level
CREATE FUNCTION pg_temp.estimated_rows(query text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
	RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
END $$;
SELECT op, pg_temp.estimated_rows(format('SELECT * FROM removal WHERE level %s %L', op, 'L3')) AS estimate
FROM unnest(ARRAY['<', '<=', '=', '<>', '>=', '>']) op;

-- GROUP BY and DISTINCT, hashed and sorted
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT level, count(*) FROM removal GROUP BY level;
SELECT level, count(*) FROM removal GROUP BY level ORDER BY level;
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT DISTINCT level FROM removal;
SELECT DISTINCT level FROM removal ORDER BY 1;
RESET enable_hashagg;
-- a hash join on the type
CREATE TABLE removal_copy_src AS SELECT DISTINCT level FROM removal;
ANALYZE removal_copy_src;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM removal r JOIN removal_copy_src s USING (level);
SELECT count(*) = 4 * 5000 AS hash_join_ok FROM removal r JOIN removal_copy_src s USING (level);
RESET enable_mergejoin;
RESET enable_nestloop;

-- hash partitioning by level uses the extended hash
CREATE TABLE removal_part (id int, level criminality_level) PARTITION BY HASH (level);
CREATE TABLE removal_part_0 PARTITION OF removal_part FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE removal_part_1 PARTITION OF removal_part FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO removal_part SELECT * FROM removal;
SELECT count(*) AS rows, count(DISTINCT tableoid) AS partitions_used FROM removal_part;
-- each level lives in exactly one partition
SELECT level, count(DISTINCT tableoid) FROM removal_part GROUP BY level ORDER BY level;
-- the hash functions agree with themselves and differ by seed
SELECT criminality_level_hash_extended('L1', 0) = criminality_level_hash_extended('L1', 0) AS stable,
       criminality_level_hash_extended('L1', 0) <> criminality_level_hash_extended('L1', 1) AS seeded,
       (criminality_level_hash_extended('L1', 0) & 4294967295)
         = (criminality_level_hash('L1')::int8 & 4294967295) AS seed0_matches_hash;

-- binary COPY round trip
CREATE TABLE removal_copy (LIKE removal);
COPY removal TO '/tmp/scomm_regress_removal.bin' WITH (FORMAT binary);
COPY removal_copy FROM '/tmp/scomm_regress_removal.bin' WITH (FORMAT binary);
SELECT count(*) AS differing FROM (SELECT * FROM removal EXCEPT SELECT * FROM removal_copy) d;
-- binary receive rejects a byte that is not a level: a hand-made binary COPY file
-- (signature, flags, header extension, one tuple of one 1-byte field = 7, trailer)
SELECT lo_from_bytea(4242001, decode('5047434f50590aff0d0a00' || '00000000' || '00000000'
       || '0001' || '00000001' || '07' || 'ffff', 'hex')) = 4242001 AS created;
SELECT lo_export(4242001, '/tmp/scomm_regress_bad_level.bin') = 1 AS written;
CREATE TABLE bad_level (level criminality_level);
COPY bad_level FROM '/tmp/scomm_regress_bad_level.bin' WITH (FORMAT binary);
-- the same file with the byte 2 loads as L2
SELECT lo_from_bytea(4242002, decode('5047434f50590aff0d0a00' || '00000000' || '00000000'
       || '0001' || '00000001' || '02' || 'ffff', 'hex')) = 4242002 AS created;
SELECT lo_export(4242002, '/tmp/scomm_regress_good_level.bin') = 1 AS written;
SELECT lo_unlink(4242001) + lo_unlink(4242002) AS unlinked;
COPY bad_level FROM '/tmp/scomm_regress_good_level.bin' WITH (FORMAT binary);
SELECT level FROM bad_level;

DROP TABLE removal, removal_copy, removal_copy_src, removal_part, bad_level;
