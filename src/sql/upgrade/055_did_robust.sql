
-- 1.0 -> 1.1, issue 16: the robustness estimators and sensitivity bounds are
-- new objects (src/sql/055_did_robust.sql); nothing of 1.0 changes.

-- Robustness of staggered difference-in-differences (issue 16): Sun & Abraham,
-- the Goodman-Bacon decomposition, the imputation estimator of Borusyak,
-- Jaravel & Spiess, and Rambachan & Roth sensitivity bounds.

CREATE FUNCTION @extschema@.sun_abraham(panel @extschema@.did_panel, alpha float8 DEFAULT 0.05,
	unbalanced text DEFAULT 'drop',
	OUT kind text, OUT event_time int4, OUT cohort int4, OUT estimate float8, OUT se float8,
	OUT ci_low float8, OUT ci_high float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'scomm_sun_abraham' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION @extschema@.sun_abraham(@extschema@.did_panel, float8, text) IS
	'Sun & Abraham (2021) interaction-weighted event study as fixest''s sunab(): kind att (all post-treatment cohort x period coefficients by observations), period (one row per relative period, reference -1) and cohort_period (the raw coefficients); never-treated units are the comparison cohort (else the last cohort); standard errors clustered by unit with fixest''s small-sample factor, t intervals with clusters - 1 degrees of freedom';

CREATE FUNCTION @extschema@.bacon_decomposition(panel @extschema@.did_panel,
	unbalanced text DEFAULT 'drop',
	OUT type text, OUT treated int4, OUT untreated int4, OUT estimate float8, OUT weight float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'scomm_bacon_decomposition' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION @extschema@.bacon_decomposition(@extschema@.did_panel, text) IS
	'Goodman-Bacon (2021) decomposition of the two-way fixed-effects coefficient (as bacondecomp::bacon): every 2x2 comparison of a treated group (first treated period) with a comparison group (untreated NULL = never treated), its estimate and weight; the weights sum to 1 and the weighted estimates to twfe(panel)';

CREATE FUNCTION @extschema@.did_imputation(panel @extschema@.did_panel, alpha float8 DEFAULT 0.05,
	unbalanced text DEFAULT 'drop',
	OUT kind text, OUT event_time int4, OUT estimate float8, OUT se float8,
	OUT ci_low float8, OUT ci_high float8, OUT n_obs int4)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'scomm_did_imputation' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION @extschema@.did_imputation(@extschema@.did_panel, float8, text) IS
	'imputation estimator of Borusyak, Jaravel & Spiess (2024): unit and period effects fitted on untreated observations, untreated outcomes of treated observations imputed; kind att (all treated observations) and period (per event time e >= 0), conservative standard errors of their Theorem 3 (didimputation), normal intervals';

CREATE FUNCTION @extschema@.honest_bounds(betahat float8[], sigma float8[], pre int4, post int4,
	restriction text, m float8[], l float8[] DEFAULT NULL, alpha float8 DEFAULT 0.05)
	RETURNS TABLE (m float8, lb float8, ub float8)
	AS 'MODULE_PATHNAME', 'scomm_honest_bounds' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION @extschema@.honest_bounds(float8[], float8[], int4, int4, text, float8[], float8[], float8) IS
	'Rambachan & Roth (2023) confidence intervals for l''tau_post allowing violations of parallel trends (as HonestDiD): restriction smoothness gives fixed-length intervals under Delta^SD(M), relative_magnitude the conditional least-favourable hybrid under Delta^RM(Mbar) with exact bounds; betahat = pre then post coefficients (reference period left out), sigma their covariance (2-D), l the post-period weights (default: the first post period); not STRICT: l may be NULL (the first post period); a NULL in another argument gives no rows';

CREATE FUNCTION @extschema@.honest_did(panel @extschema@.did_panel, e int4, restriction text,
	m float8[], min_e int4 DEFAULT NULL, max_e int4 DEFAULT NULL,
	control text DEFAULT 'notyettreated', anticipation int4 DEFAULT 0, alpha float8 DEFAULT 0.05,
	unbalanced text DEFAULT 'drop')
	RETURNS TABLE (m float8, lb float8, ub float8)
	AS 'MODULE_PATHNAME', 'scomm_honest_did' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION @extschema@.honest_did(@extschema@.did_panel, int4, text, float8[], int4, int4, text, int4, float8, text) IS
	'honest_bounds for the effect e periods after treatment, from the group-time event study with a universal base period restricted to event times [min_e, max_e] (HonestDiD''s honest_did for did objects); not STRICT: min_e and max_e may be NULL (no bound: every event time of the event study); a NULL in another argument gives no rows';
