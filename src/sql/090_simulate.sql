-- calibrated simulators for what is not public (removals by level, county crime panels)
-- and for tests of the estimators (a generic staggered panel)

CREATE FUNCTION @extschema@.simulate_removals(
	fips text[], cohort @extschema@.activation_cohort[], noncitizens float8[],
	seed bigint DEFAULT 1, through date DEFAULT '2011-03-31', total float8 DEFAULT 100000)
	RETURNS TABLE (fips text, month date, level @extschema@.criminality_level, removals int4, true_class int4)
	AS 'MODULE_PATHNAME', 'scomm_simulate_removals' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 200000;
COMMENT ON FUNCTION @extschema@.simulate_removals(text[], @extschema@.activation_cohort[], float8[], bigint, date, float8) IS
	'SIMULATED removals through Secure Communities by county, month (from 2008-10 through "through") and criminality level, from each county''s activation on; calibrated so that October 2008 to March 2011 has "total" removals in expectation with national shares L1 28%, L2 11%, L3 32%, NC 29%; true_class is the county''s latent class (1 active, 2 moderate, 3 limited). Deterministic for a seed. Not STRICT: a NULL argument or array element is an error (22004) that names it, not an empty result.';

CREATE FUNCTION @extschema@.simulate_crime(
	fips text[], cohort @extschema@.activation_cohort[], population float8[],
	seed bigint DEFAULT 1, effect float8 DEFAULT 0, first_year int4 DEFAULT 2006, last_year int4 DEFAULT 2016)
	RETURNS TABLE (fips text, year int4, offense text, count bigint, expected float8, treated bool, true_effect float8)
	AS 'MODULE_PATHNAME', 'scomm_simulate_crime' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 300000;
COMMENT ON FUNCTION @extschema@.simulate_crime(text[], @extschema@.activation_cohort[], float8[], bigint, float8, int4, int4) IS
	'SIMULATED county crime panel: yearly counts of the eight FBI offences 2006-2016 following the national FBI trend, with county effects and negative binomial noise; counts rise by the proportion "effect" (default 0) from the activation year on; true_effect returns it. Deterministic for a seed. Not STRICT: a NULL argument or array element is an error (22004) that names it, not an empty result.';

CREATE FUNCTION @extschema@.simulate_panel(
	units int4, periods int4, seed bigint DEFAULT 1, cohorts int4 DEFAULT 5, never_share float8 DEFAULT 0.2,
	effect float8 DEFAULT 1, effect_growth float8 DEFAULT 0, noise float8 DEFAULT 1)
	RETURNS TABLE (unit bigint, period int4, first_period int4, outcome float8, true_att float8)
	AS 'MODULE_PATHNAME', 'scomm_simulate_panel' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100000;
COMMENT ON FUNCTION @extschema@.simulate_panel(int4, int4, bigint, int4, float8, float8, float8, float8) IS
	'SIMULATED staggered-adoption panel with a known effect: outcome = unit effect + period effect + true_att + noise, true_att = effect + effect_growth * (period - first_period) once treated; first_period NULL = never treated. Deterministic for a seed. Not STRICT: a NULL argument is an error (22004) that names it, not an empty result.';
