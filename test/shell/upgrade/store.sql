-- Values of every storable type and a model of every kind, written by the
-- release before an update (test/shell/test_upgrade.sh); only the 1.0 API.
SET search_path = public, scomm;
SET client_min_messages = warning;

CREATE TABLE sim AS SELECT * FROM simulate_panel(240, 8, seed => 7, cohorts => 3);
CREATE TABLE removals AS
SELECT r.* FROM simulate_removals(ARRAY['06037', '48201', '17031', '04013'],
                                  ARRAY['2008-10-27', '2009-08-27', '2013-01-22', 'never']::activation_cohort[],
                                  ARRAY[900000, 500000, 300000, 250000]::float8[], seed => 3) r;
CREATE TABLE answers AS
SELECT unit, ARRAY[1 + (unit % 2)::int, 1 + (unit % 3 = 0)::int, CASE WHEN unit % 7 = 0 THEN NULL ELSE 1 + (outcome > 0)::int END] AS items
FROM sim WHERE period = 1;

CREATE TABLE kept (
	id int PRIMARY KEY,
	level criminality_level,
	cohort activation_cohort,
	tally level_tally,
	pp prepost_state,
	panel did_panel,
	patterns response_patterns,
	model lca_model,
	tpanel trajectory_panel,
	tmodel trajectory_model
);

-- levels, cohorts and level tallies per county (removals only in activated counties)
INSERT INTO kept (id, cohort)
SELECT i, (ARRAY['2008-10-27', '2009-08-27', '2013-01-22', 'never', NULL, 'never'])[i]::activation_cohort
FROM generate_series(1, 6) i;
UPDATE kept SET level = r.level, tally = r.tally
FROM (SELECT fips, max(level) AS level, level_tally(level) AS tally FROM removals GROUP BY fips) r
WHERE r.fips = (ARRAY['06037', '48201', '17031', '04013'])[id];
UPDATE kept SET level = 'NC' WHERE id = 6;

-- before/after states, all rows and within a window
UPDATE kept SET pp = s.pp FROM (
	SELECT prepost_state(outcome, make_date(2000 + period, 7, 1),
	                     CASE WHEN first_period IS NULL THEN 'never'
	                          ELSE make_date(2000 + first_period, 1, 1)::activation_cohort END) AS pp
	FROM sim) s WHERE id = 1;
UPDATE kept SET pp = s.pp FROM (
	SELECT prepost_state(outcome, make_date(2000 + period, 7, 1),
	                     CASE WHEN first_period IS NULL THEN 'never'
	                          ELSE make_date(2000 + first_period, 1, 1)::activation_cohort END, '2 years') AS pp
	FROM sim) s WHERE id = 2;

-- panels: by period number, and dated
UPDATE kept SET panel = (SELECT did_panel(unit, period, outcome, first_period) FROM sim) WHERE id = 1;
UPDATE kept SET panel = (SELECT did_panel(unit, make_date(2000 + period, 3, 1), outcome,
                                          CASE WHEN first_period IS NULL THEN 'never'
                                               ELSE make_date(2000 + first_period, 1, 1)::activation_cohort END, 'year')
                         FROM sim WHERE unit % 2 = 0) WHERE id = 2;

-- latent class pattern tables (complete and with missing answers) and models
UPDATE kept SET patterns = (SELECT response_patterns(items) FROM answers WHERE items[3] IS NOT NULL) WHERE id = 1;
UPDATE kept SET patterns = (SELECT response_patterns(items) FROM answers) WHERE id = 2;
UPDATE kept SET model = lca(patterns, 2, seed => 5) WHERE id IN (1, 2);

-- trajectory panels and models of the three families
UPDATE kept SET tpanel = (SELECT trajectory_panel(unit, period, round(exp(1 + outcome / 4))) FROM sim) WHERE id IN (1, 2);
UPDATE kept SET tpanel = (SELECT trajectory_panel(unit, period, outcome) FROM sim) WHERE id = 3;
UPDATE kept SET tpanel = (SELECT trajectory_panel(unit, period, round(exp(1 + outcome / 4)), 1 + unit % 3) FROM sim) WHERE id = 4;
UPDATE kept SET tmodel = trajectory_groups(tpanel, 3, degree => 1, seed => 4) WHERE id = 4;
UPDATE kept SET tmodel = trajectory_groups(tpanel, 2, seed => 2) WHERE id = 1;
UPDATE kept SET tmodel = trajectory_groups(tpanel, 2, family => 'zip', seed => 2) WHERE id = 2;
UPDATE kept SET tmodel = trajectory_groups(tpanel, 2, degree => 1, family => 'cnorm', seed => 2) WHERE id = 3;

-- a 4 x 4 grid of unit squares for the spatial functions
CREATE TABLE grid AS
SELECT lpad((4 * i + j)::text, 2, '0') AS fips, ST_MakeEnvelope(i, j, i + 1, j + 1, 4326) AS geom,
       (i * j + (i + j) % 3)::float8 AS x
FROM generate_series(0, 3) i, generate_series(0, 3) j;
