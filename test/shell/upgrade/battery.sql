-- Calls of the 1.0 API on the values test/shell/upgrade/store.sql kept: the
-- same answers before the update, with the new library, and after the
-- update.  Floats with 10 significant digits (extra_float_digits = -5).
SET search_path = public, scomm;
SET client_min_messages = warning;
SET extra_float_digits = -5;

-- the stored values themselves, in their text forms
SELECT id, level, cohort, tally, md5(pp::text) AS pp, md5(panel::text) AS panel,
       md5(patterns::text) AS patterns, md5(model::text) AS model,
       md5(tpanel::text) AS tpanel, md5(tmodel::text) AS tmodel
FROM kept ORDER BY id;
SELECT id, pp FROM kept WHERE pp IS NOT NULL ORDER BY id;
SELECT rows(panel), pattern_size(patterns) FROM kept ORDER BY id;

-- types and cohort functions
SELECT level_number(level), is_criminal(level), label(level), level::int4 FROM kept ORDER BY id;
SELECT cohort, activated_on(cohort), is_early(cohort), fiscal_year(cohort),
       event_time(cohort, '2011-06-30', 'quarter'), is_activated(cohort, '2010-01-01')
FROM kept ORDER BY id;
SELECT crime_rate(25, 500000), crime_rate(25, 500000, 1000), period_of('2011-06-30', 'quarter'),
       period_start(period_of('2011-06-30', 'month'), 'month');

-- level counts from stored tallies and from rows
SELECT (level_counts(tally)).* FROM kept;
SELECT (level_counts(level)).* FROM removals;
SELECT fips, (level_counts(level)).n FROM removals GROUP BY fips ORDER BY fips;

-- before/after from stored states and from rows
SELECT id, (prepost(pp)).* FROM kept WHERE pp IS NOT NULL GROUP BY id ORDER BY id;
SELECT (prepost_diff((SELECT prepost(pp) FROM kept WHERE id = 1), (SELECT prepost(pp) FROM kept WHERE id = 2))).*;
SELECT unit, period, round(baseline_change(outcome, make_date(2000 + period, 7, 1),
         CASE WHEN first_period IS NULL THEN 'never' ELSE make_date(2000 + first_period, 1, 1)::activation_cohort END)
         OVER (PARTITION BY unit)::numeric, 6)
FROM sim WHERE unit < 4 ORDER BY unit, period;

-- difference in differences from the stored panels
SELECT * FROM att_gt((SELECT panel FROM kept WHERE id = 1));
SELECT * FROM att_gt((SELECT panel FROM kept WHERE id = 1), control => 'nevertreated', base_period => 'universal');
SELECT * FROM att_aggregate((SELECT panel FROM kept WHERE id = 1), 'dynamic');
SELECT * FROM att_aggregate((SELECT panel FROM kept WHERE id = 1), 'group', bootstrap => 199, seed => 4);
SELECT * FROM att_aggregate((SELECT panel FROM kept WHERE id = 2), 'calendar');
SELECT * FROM att_aggregate((SELECT did_panel(panel) FROM kept WHERE id = 1), 'simple');
SELECT * FROM pretest((SELECT panel FROM kept WHERE id = 1));
SELECT * FROM twfe((SELECT panel FROM kept WHERE id = 1));
SELECT * FROM twfe_event_study((SELECT panel FROM kept WHERE id = 1), 3, 3);

-- latent classes from the stored tables and models
SELECT id, (lca_fit(model)).* FROM kept WHERE model IS NOT NULL ORDER BY id;
-- (1.1 adds columns: the battery reads 1.0's)
SELECT id, c.class, c.share, c.modal_share, c.avepp FROM kept, lca_classes(model) c WHERE model IS NOT NULL ORDER BY id, c.class;
SELECT id, i.class, i.item, i.category, i.probability FROM kept, lca_items(model) i WHERE model IS NOT NULL ORDER BY id, i.class, i.item, i.category;
SELECT id, lca_classify(model, ARRAY[2, 1, 2]), lca_posterior(model, ARRAY[1, NULL, 2])
FROM kept WHERE model IS NOT NULL ORDER BY id;
SELECT id, c.* FROM kept, pattern_counts(patterns) c WHERE patterns IS NOT NULL ORDER BY id, c;
SELECT (lca_fit(lca(patterns, 2, seed => 5))).* FROM kept WHERE id = 1;
SELECT classes, n, n_dropped, npar, loglik, aic, bic, sabic, gsq, chisq, resid_df, entropy, iterations,
       converged, starts, starts_at_best
FROM lca_select((SELECT patterns FROM kept WHERE id = 2), 3);

-- trajectory groups from the stored panels and models
SELECT id, (trajectory_fit(tmodel)).* FROM kept WHERE tmodel IS NOT NULL ORDER BY id;
SELECT id, s.* FROM kept, trajectory_shares(tmodel) s WHERE tmodel IS NOT NULL ORDER BY id, s;
SELECT id, c.* FROM kept, trajectory_coefficients(tmodel) c WHERE tmodel IS NOT NULL ORDER BY id, c;
SELECT id, c.* FROM kept, trajectory_curves(tmodel) c WHERE tmodel IS NOT NULL ORDER BY id, c;
SELECT id, m.* FROM kept, trajectory_membership(tmodel, tpanel) m WHERE tmodel IS NOT NULL AND m.unit < 20
ORDER BY id, m.unit;
SELECT (trajectory_fit(trajectory_groups(tpanel, 2, seed => 2))).* FROM kept WHERE id = 1;

-- simulators
SELECT count(*), sum(removals), min(month), max(month) FROM removals;
SELECT count(*), sum(count), round(sum(expected)::numeric, 3) FROM simulate_crime(ARRAY['06037', '48201'],
	ARRAY['2009-08-27', 'never']::activation_cohort[], ARRAY[900000, 500000]::float8[], seed => 9, effect => 0.1);
SELECT count(*), round(sum(outcome)::numeric, 6), round(sum(true_att)::numeric, 6) FROM sim;

-- spatial functions on the stored grid
SELECT county_of(0.5, 0.5, 'grid'), county_of(1, 1, 'grid'), county_of(3.5, 2.25, 'grid'), county_of(9, 9, 'grid');
SELECT * FROM contiguity('grid') ORDER BY fips, neighbor;
WITH c AS (SELECT array_agg(fips) AS f, array_agg(neighbor) AS nb FROM contiguity('grid')),
     g AS (SELECT array_agg(fips ORDER BY fips) AS u, array_agg(x ORDER BY fips) AS x FROM grid)
SELECT m.* FROM c, g, morans_i(g.u, g.x, c.f, c.nb, permutations => 199, seed => 3) m;
WITH c AS (SELECT array_agg(fips) AS f, array_agg(neighbor) AS nb FROM contiguity('grid')),
     g AS (SELECT array_agg(fips ORDER BY fips) AS u, array_agg(x ORDER BY fips) AS x FROM grid)
SELECT m.* FROM c, g, local_morans_i(g.u, g.x, c.f, c.nb, permutations => 99, seed => 3, weights => 'binary') m;
