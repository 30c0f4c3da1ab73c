
-- hostile input (issue 18): functions that read a named table are not
-- PARALLEL SAFE (a parallel worker cannot read the leader's temporary tables)
ALTER FUNCTION @extschema@.county_of(float8, float8) PARALLEL RESTRICTED;
ALTER FUNCTION @extschema@.county_of(float8, float8, regclass) PARALLEL RESTRICTED;
ALTER FUNCTION @extschema@.county_of(geometry) PARALLEL RESTRICTED;
ALTER FUNCTION @extschema@.county_of(geometry, regclass) PARALLEL RESTRICTED;
ALTER FUNCTION @extschema@.contiguity() PARALLEL RESTRICTED;
ALTER FUNCTION @extschema@.contiguity(regclass) PARALLEL RESTRICTED;

-- every operator has a comment
COMMENT ON OPERATOR @extschema@.< (@extschema@.criminality_level, @extschema@.criminality_level) IS
	'less severe than (NC < L3 < L2 < L1)';
COMMENT ON OPERATOR @extschema@.<= (@extschema@.criminality_level, @extschema@.criminality_level) IS
	'less severe than or as severe as (NC < L3 < L2 < L1)';
COMMENT ON OPERATOR @extschema@.= (@extschema@.criminality_level, @extschema@.criminality_level) IS
	'the same criminality level';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.criminality_level, @extschema@.criminality_level) IS
	'different criminality levels';
COMMENT ON OPERATOR @extschema@.>= (@extschema@.criminality_level, @extschema@.criminality_level) IS
	'more severe than or as severe as (L1 > L2 > L3 > NC)';
COMMENT ON OPERATOR @extschema@.> (@extschema@.criminality_level, @extschema@.criminality_level) IS
	'more severe than (L1 > L2 > L3 > NC)';
COMMENT ON OPERATOR @extschema@.< (@extschema@.activation_cohort, @extschema@.activation_cohort) IS
	'activated earlier than (never comes after every date)';
COMMENT ON OPERATOR @extschema@.<= (@extschema@.activation_cohort, @extschema@.activation_cohort) IS
	'activated earlier than or on the same date as (never comes after every date)';
COMMENT ON OPERATOR @extschema@.= (@extschema@.activation_cohort, @extschema@.activation_cohort) IS
	'the same activation date, or both never';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.activation_cohort, @extschema@.activation_cohort) IS
	'different activation dates (never differs from every date)';
COMMENT ON OPERATOR @extschema@.>= (@extschema@.activation_cohort, @extschema@.activation_cohort) IS
	'activated later than or on the same date as (never comes after every date)';
COMMENT ON OPERATOR @extschema@.> (@extschema@.activation_cohort, @extschema@.activation_cohort) IS
	'activated later than (never comes after every date)';

-- functions that are not STRICT say why
COMMENT ON FUNCTION @extschema@.level_tally_accum(@extschema@.level_tally, @extschema@.criminality_level) IS
	'level_counts transition: count one level; not STRICT: a NULL level is skipped and a NULL state starts a new tally';
COMMENT ON FUNCTION @extschema@.level_tally_retract(@extschema@.level_tally, @extschema@.criminality_level) IS
	'level_counts inverse transition for moving window frames; not STRICT: a NULL level is skipped, as the transition skips it';
COMMENT ON FUNCTION @extschema@.level_tally_merge(@extschema@.level_tally, @extschema@.level_tally) IS
	'sum of two level tallies (combine function); not STRICT: a NULL tally is an empty one';
COMMENT ON FUNCTION @extschema@.counts(@extschema@.level_tally) IS
	'counts and shares of each criminality level in a stored tally; not STRICT: a NULL tally is an empty one (n = 0)';
COMMENT ON FUNCTION @extschema@.prepost_accum(@extschema@.prepost_state, float8, date, @extschema@.activation_cohort) IS
	'prepost transition: count one value before (at < activation) or after (at >= activation); never is ignored; not STRICT: rows with a NULL value, date or cohort are skipped, and a NULL state starts a new one';
COMMENT ON FUNCTION @extschema@.prepost_accum_within(@extschema@.prepost_state, float8, date, @extschema@.activation_cohort, interval) IS
	'windowed prepost transition: count one value when activation - within <= at < activation + within; not STRICT: rows with a NULL value, date or cohort are skipped, a NULL state starts a new one, and a NULL window is an error (22004)';
COMMENT ON FUNCTION @extschema@.prepost_state_merge(@extschema@.prepost_state, @extschema@.prepost_state) IS
	'merge two prepost states (combine function, Chan''s formulas; different windows are an error); not STRICT: a NULL state is an empty one';
COMMENT ON FUNCTION @extschema@.prepost_result(@extschema@.prepost_state) IS
	'before/after statistics and Welch''s test of a stored prepost state; not STRICT: a NULL state is an empty one';
COMMENT ON FUNCTION @extschema@.baseline_change(float8, date, @extschema@.activation_cohort) IS
	'window function: value minus the mean of the partition''s values before activation (NULL when none); one cohort per partition; not STRICT: a row with a NULL value gets NULL, but rows with a NULL date or cohort still belong to the partition';
COMMENT ON FUNCTION @extschema@.baseline_ratio(float8, date, @extschema@.activation_cohort) IS
	'window function: value divided by the mean of the partition''s values before activation (NULL when none or 0); one cohort per partition; not STRICT: a row with a NULL value gets NULL, but rows with a NULL date or cohort still belong to the partition';
COMMENT ON FUNCTION @extschema@.did_panel_accum(@extschema@.did_panel, bigint, int4, float8, int4) IS
	'did_panel transition: add a row (unit, period, outcome, first treated period or NULL for never); not STRICT: a NULL outcome is skipped and a NULL first period means never treated; a NULL unit or period is an error (22004)';
COMMENT ON FUNCTION @extschema@.did_panel_accum(@extschema@.did_panel, bigint, date, float8, @extschema@.activation_cohort, text) IS
	'did_panel transition: add a row dated by day, with periods numbered as period_of does; not STRICT: a NULL outcome is skipped; a NULL unit, date, cohort or unit of time is an error (22004)';
COMMENT ON FUNCTION @extschema@.did_panel_merge(@extschema@.did_panel, @extschema@.did_panel) IS
	'the rows of two panels together (combine function); not STRICT: a NULL panel is an empty one';
COMMENT ON FUNCTION @extschema@.pretest(@extschema@.did_panel, text, text, int4, int4, text) IS
	'Wald test that every pre-treatment ATT(g,t) is zero (parallel trends), optionally only the cells up to leads periods before treatment; not STRICT: leads NULL means every pre-treatment cell; a NULL in another argument gives NULL';
COMMENT ON FUNCTION @extschema@.response_patterns_accum(@extschema@.response_patterns, int4[]) IS
	'response_patterns transition: count one row of answers (categories 1..255, NULL element = missing); not STRICT: a NULL array is skipped and a NULL state starts a new table';
COMMENT ON FUNCTION @extschema@.response_patterns_merge(@extschema@.response_patterns, @extschema@.response_patterns) IS
	'the patterns of both tables with their counts added (combine function); both must have the same number of items; not STRICT: a NULL table is no table';
COMMENT ON FUNCTION @extschema@.lca(@extschema@.response_patterns, int4, int4, bigint, int4, float8) IS
	'fit a latent class model with the given number of classes by EM from "starts" random starting points (seeded), keeping the best log-likelihood; classes are numbered by share, largest first; not STRICT: a NULL argument is an error (22004) that names it, not a NULL model';
COMMENT ON FUNCTION @extschema@.lca_select(@extschema@.response_patterns, int4, int4, bigint, int4, float8) IS
	'the fit statistics of models with 1 to max_classes classes from one pattern table, to choose the number of classes; not STRICT: a NULL argument is an error (22004) that names it';
COMMENT ON FUNCTION @extschema@.trajectory_panel_accum(@extschema@.trajectory_panel, bigint, float8, float8, float8) IS
	'trajectory_panel transition: add one observation (unit, t, y, exposure); not STRICT: a NULL y is skipped and a NULL exposure is 1; a NULL unit or t is an error (22004)';
COMMENT ON FUNCTION @extschema@.trajectory_panel_accum(@extschema@.trajectory_panel, bigint, float8, float8) IS
	'trajectory_panel transition: add one observation (unit, t, y) with exposure 1; not STRICT: a NULL y is skipped; a NULL unit or t is an error (22004)';
COMMENT ON FUNCTION @extschema@.trajectory_panel_merge(@extschema@.trajectory_panel, @extschema@.trajectory_panel) IS
	'the observations of two panels (combine function); not STRICT: a NULL panel is an empty one';
COMMENT ON FUNCTION @extschema@.trajectory_groups(@extschema@.trajectory_panel, int, int, text, int, bigint, float8, float8) IS
	'fit a finite mixture of groups with polynomial trajectories in t (family poisson, zip or cnorm; lower/upper: cnorm censoring bounds, default min(y) - 1 and max(y) + 1 as trajeR) by EM from seeded random starts; groups numbered by share, largest first; not STRICT: lower and upper may be NULL (their defaults); a NULL in another argument is an error (22004)';
COMMENT ON FUNCTION @extschema@.morans_i(text[], float8[], text[], text[], int4, bigint, text) IS
	'Global Moran''s I of x over the units, with the neighbour pairs (neighbor_of[k], neighbor[k]) (as contiguity() returns them; pairs naming other units are ignored), row-standardised or binary weights: the statistic, its expectation -1/(n-1), variance under randomization, z and two-sided normal p-value, and a pseudo p-value from "permutations" random permutations (deterministic for a seed). Not STRICT: a NULL argument or array element is an error (22004) that names it.';
COMMENT ON FUNCTION @extschema@.local_morans_i(text[], float8[], text[], text[], int4, bigint, text) IS
	'Local Moran''s I (LISA) of each unit: the spatial lag of the value (weighted sum of the neighbours'' x), the local statistic, a pseudo p-value from a conditional permutation test (the unit''s own stream of the seed), and the quadrant high-high, low-low, high-low or low-high (NULL without neighbours). Not STRICT: a NULL argument or array element is an error (22004) that names it.';
COMMENT ON FUNCTION @extschema@.simulate_removals(text[], @extschema@.activation_cohort[], float8[], bigint, date, float8) IS
	'SIMULATED removals through Secure Communities by county, month (from 2008-10 through "through") and criminality level, from each county''s activation on; calibrated so that October 2008 to March 2011 has "total" removals in expectation with national shares L1 28%, L2 11%, L3 32%, NC 29%; true_class is the county''s latent class (1 active, 2 moderate, 3 limited). Deterministic for a seed. Not STRICT: a NULL argument or array element is an error (22004) that names it, not an empty result.';
COMMENT ON FUNCTION @extschema@.simulate_crime(text[], @extschema@.activation_cohort[], float8[], bigint, float8, int4, int4) IS
	'SIMULATED county crime panel: yearly counts of the eight FBI offences 2006-2016 following the national FBI trend, with county effects and negative binomial noise; counts rise by the proportion "effect" (default 0) from the activation year on; true_effect returns it. Deterministic for a seed. Not STRICT: a NULL argument or array element is an error (22004) that names it, not an empty result.';
COMMENT ON FUNCTION @extschema@.contiguity() IS
	'Queen contiguity of scomm_data.county: every pair of counties whose boundaries touch, in both directions, ordered by fips and neighbor; shares_edge is true for a common stretch of border (rook neighbours), false when they meet only at points. Not STRICT: it takes no argument.';
COMMENT ON FUNCTION @extschema@.simulate_panel(int4, int4, bigint, int4, float8, float8, float8, float8) IS
	'SIMULATED staggered-adoption panel with a known effect: outcome = unit effect + period effect + true_att + noise, true_att = effect + effect_growth * (period - first_period) once treated; first_period NULL = never treated. Deterministic for a seed. Not STRICT: a NULL argument is an error (22004) that names it, not an empty result.';

-- every cast, operator class and operator family has a comment
COMMENT ON CAST (@extschema@.criminality_level AS int4) IS
	'explicit: 1, 2, 3 for L1, L2, L3 and 0 for NC';
COMMENT ON CAST (int4 AS @extschema@.criminality_level) IS
	'explicit: 1, 2, 3 give L1, L2, L3 and 0 gives NC; other integers are an error (22003)';
COMMENT ON OPERATOR CLASS @extschema@.criminality_level_ops USING btree IS
	'default btree class: criminality levels by severity';
COMMENT ON OPERATOR FAMILY @extschema@.criminality_level_ops USING btree IS
	'btree family of criminality_level';
COMMENT ON OPERATOR CLASS @extschema@.criminality_level_hash_ops USING hash IS
	'default hash class of criminality_level (with the 64-bit extended hash)';
COMMENT ON OPERATOR FAMILY @extschema@.criminality_level_hash_ops USING hash IS
	'hash family of criminality_level';
COMMENT ON CAST (date AS @extschema@.activation_cohort) IS
	'explicit: the cohort activated on that date (infinite dates are an error; use ''never'')';
COMMENT ON OPERATOR CLASS @extschema@.activation_cohort_ops USING btree IS
	'default btree class: activation cohorts by date, never last';
COMMENT ON OPERATOR FAMILY @extschema@.activation_cohort_ops USING btree IS
	'btree family of activation_cohort';
COMMENT ON OPERATOR CLASS @extschema@.activation_cohort_hash_ops USING hash IS
	'default hash class of activation_cohort (with the 64-bit extended hash)';
COMMENT ON OPERATOR FAMILY @extschema@.activation_cohort_hash_ops USING hash IS
	'hash family of activation_cohort';
