-- did_panel: a panel for staggered difference-in-differences, collected by an
-- aggregate and stored; att_gt, att_aggregate, pretest, twfe and
-- twfe_event_study estimate from it.

CREATE TYPE @extschema@.did_panel;

CREATE FUNCTION @extschema@.did_panel_in(cstring) RETURNS @extschema@.did_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.did_panel_out(@extschema@.did_panel) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.did_panel_recv(internal) RETURNS @extschema@.did_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.did_panel_send(@extschema@.did_panel) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.did_panel (
	INPUT = @extschema@.did_panel_in,
	OUTPUT = @extschema@.did_panel_out,
	RECEIVE = @extschema@.did_panel_recv,
	SEND = @extschema@.did_panel_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.did_panel IS
	'the rows (unit, period, first treated period, outcome, and optionally covariates, a weight and a cluster) of a panel, e.g. did_panel:1:1;7,2004,2006,1.5: the storable, mergeable state of the did_panel aggregate';
COMMENT ON FUNCTION @extschema@.did_panel_in(cstring) IS 'did_panel text input';
COMMENT ON FUNCTION @extschema@.did_panel_out(@extschema@.did_panel) IS 'did_panel text output';
COMMENT ON FUNCTION @extschema@.did_panel_recv(internal) IS 'did_panel binary input';
COMMENT ON FUNCTION @extschema@.did_panel_send(@extschema@.did_panel) IS 'did_panel binary output';

CREATE FUNCTION @extschema@.did_panel_accum(@extschema@.did_panel, bigint, int4, float8, int4)
	RETURNS @extschema@.did_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.did_panel_accum(@extschema@.did_panel, bigint, int4, float8, int4) IS
	'did_panel transition: add a row (unit, period, outcome, first treated period or NULL for never); not STRICT: a NULL outcome is skipped and a NULL first period means never treated; a NULL unit or period is an error (22004)';
CREATE FUNCTION @extschema@.did_panel_accum(@extschema@.did_panel, bigint, date, float8,
	@extschema@.activation_cohort, text)
	RETURNS @extschema@.did_panel
	AS 'MODULE_PATHNAME', 'did_panel_accum_dated' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.did_panel_accum(@extschema@.did_panel, bigint, date, float8,
	@extschema@.activation_cohort, text) IS
	'did_panel transition: add a row dated by day, with periods numbered as period_of does; not STRICT: a NULL outcome is skipped; a NULL unit, date, cohort or unit of time is an error (22004)';
CREATE FUNCTION @extschema@.did_panel_merge(@extschema@.did_panel, @extschema@.did_panel)
	RETURNS @extschema@.did_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.did_panel_merge(@extschema@.did_panel, @extschema@.did_panel) IS
	'the rows of two panels together (combine function); not STRICT: a NULL panel is an empty one';

CREATE AGGREGATE @extschema@.did_panel(unit bigint, period int4, outcome float8, first_period int4) (
	SFUNC = @extschema@.did_panel_accum,
	STYPE = @extschema@.did_panel,
	COMBINEFUNC = @extschema@.did_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.did_panel(bigint, int4, float8, int4) IS
	'collect a panel: unit, period, outcome (NULL: not observed) and first treated period (NULL: never treated)';

CREATE AGGREGATE @extschema@.did_panel(unit bigint, at date, outcome float8,
	cohort @extschema@.activation_cohort, unit_of_time text) (
	SFUNC = @extschema@.did_panel_accum,
	STYPE = @extschema@.did_panel,
	COMBINEFUNC = @extschema@.did_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.did_panel(bigint, date, float8, @extschema@.activation_cohort, text) IS
	'collect a panel from dated rows and activation cohorts; periods are numbered by period_of(at, unit_of_time)';

CREATE AGGREGATE @extschema@.did_panel(@extschema@.did_panel) (
	SFUNC = @extschema@.did_panel_merge,
	STYPE = @extschema@.did_panel,
	COMBINEFUNC = @extschema@.did_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.did_panel(@extschema@.did_panel) IS
	'merge stored panels (e.g. one per state) into one';

CREATE FUNCTION @extschema@.rows(@extschema@.did_panel) RETURNS bigint
	AS 'MODULE_PATHNAME', 'did_panel_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rows(@extschema@.did_panel) IS 'number of rows in a panel';

CREATE FUNCTION @extschema@.att_gt(panel @extschema@.did_panel,
	control text DEFAULT 'notyettreated', base_period text DEFAULT 'varying',
	anticipation int4 DEFAULT 0, alpha float8 DEFAULT 0.05,
	bootstrap int4 DEFAULT 0, seed bigint DEFAULT 1, unbalanced text DEFAULT 'drop',
	method text DEFAULT 'dr', cluster text DEFAULT 'unit', sampling text DEFAULT 'panel',
	OUT cohort int4, OUT period int4, OUT event_time int4, OUT att float8, OUT se float8,
	OUT ci_low float8, OUT ci_high float8, OUT n_treated int4, OUT n_control int4)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'scomm_att_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.att_gt(@extschema@.did_panel, text, text, int4, float8, int4, bigint, text, text, text, text) IS
	'Callaway & Sant''Anna group-time average treatment effects ATT(g,t) (method dr, ipw or reg with the panel''s covariates and weights), influence-function standard errors by unit or by cluster (or multiplier-bootstrap SEs and simultaneous bands when bootstrap > 0); unbalanced drop, error or keep; sampling panel or cross_section';

CREATE FUNCTION @extschema@.att_aggregate(panel @extschema@.did_panel, kind text DEFAULT 'simple',
	control text DEFAULT 'notyettreated', base_period text DEFAULT 'varying',
	anticipation int4 DEFAULT 0, alpha float8 DEFAULT 0.05,
	bootstrap int4 DEFAULT 0, seed bigint DEFAULT 1, unbalanced text DEFAULT 'drop',
	method text DEFAULT 'dr', cluster text DEFAULT 'unit', sampling text DEFAULT 'panel',
	min_e int4 DEFAULT NULL, max_e int4 DEFAULT NULL, balance_e int4 DEFAULT NULL,
	OUT kind text, OUT label int4, OUT estimate float8, OUT se float8,
	OUT ci_low float8, OUT ci_high float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'scomm_att_aggregate' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION @extschema@.att_aggregate(@extschema@.did_panel, text, text, text, int4, float8, int4, bigint, text, text, text, text, int4, int4, int4) IS
	'aggregated group-time effects: simple, dynamic (event study: label = event time; min_e, max_e, balance_e as R''s aggte), group (label = cohort) or calendar (label = period); the overall row has label NULL. Not STRICT: min_e, max_e and balance_e may be NULL (not given); a NULL in another argument gives no rows';

CREATE FUNCTION @extschema@.pretest(panel @extschema@.did_panel,
	control text DEFAULT 'notyettreated', base_period text DEFAULT 'varying',
	anticipation int4 DEFAULT 0, leads int4 DEFAULT NULL, unbalanced text DEFAULT 'drop',
	method text DEFAULT 'dr', cluster text DEFAULT 'unit', sampling text DEFAULT 'panel',
	OUT statistic float8, OUT df int4, OUT p_value float8)
	RETURNS record
	AS 'MODULE_PATHNAME', 'scomm_pretest' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pretest(@extschema@.did_panel, text, text, int4, int4, text, text, text, text) IS
	'Wald test that every pre-treatment ATT(g,t) is zero (parallel trends), optionally only the cells up to leads periods before treatment; covariance by unit or by cluster. Not STRICT: leads may be NULL (every cell); a NULL in another argument gives NULL';

CREATE FUNCTION @extschema@.twfe(panel @extschema@.did_panel, alpha float8 DEFAULT 0.05,
	unbalanced text DEFAULT 'drop',
	OUT estimate float8, OUT se float8, OUT ci_low float8, OUT ci_high float8,
	OUT t float8, OUT p_value float8, OUT n_obs int4, OUT n_clusters int4)
	RETURNS record
	AS 'MODULE_PATHNAME', 'scomm_twfe' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.twfe(@extschema@.did_panel, float8, text) IS
	'two-way fixed-effects regression y ~ treated | unit + period, CR1 standard error clustered by unit, t test with clusters - 1 degrees of freedom';

CREATE FUNCTION @extschema@.twfe_event_study(panel @extschema@.did_panel, leads int4, lags int4,
	alpha float8 DEFAULT 0.05, unbalanced text DEFAULT 'drop',
	OUT event_time int4, OUT estimate float8, OUT se float8, OUT ci_low float8, OUT ci_high float8,
	OUT p_value float8, OUT binned bool)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'scomm_twfe_event_study' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION @extschema@.twfe_event_study(@extschema@.did_panel, int4, int4, float8, text) IS
	'two-way fixed-effects event study: relative-period indicators from -leads to lags (end points binned, -1 the reference with estimate 0), unit and period fixed effects, CR1 SEs clustered by unit';

-- 1.1: covariates, sampling weights and clusters
CREATE FUNCTION @extschema@.did_panel_accum(@extschema@.did_panel, bigint, int4, float8, int4,
	float8[], float8, bigint)
	RETURNS @extschema@.did_panel
	AS 'MODULE_PATHNAME', 'did_panel_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.did_panel_accum(@extschema@.did_panel, bigint, int4, float8, int4,
	float8[], float8, bigint) IS
	'did_panel transition: add a row with covariates, weight and cluster (each NULL for none). Not STRICT: NULL arguments have meanings';
CREATE FUNCTION @extschema@.did_panel_accum(@extschema@.did_panel, bigint, date, float8,
	@extschema@.activation_cohort, text, float8[], float8, bigint)
	RETURNS @extschema@.did_panel
	AS 'MODULE_PATHNAME', 'did_panel_accum_dated' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.did_panel_accum(@extschema@.did_panel, bigint, date, float8,
	@extschema@.activation_cohort, text, float8[], float8, bigint) IS
	'did_panel transition: add a dated row with covariates, weight and cluster (each NULL for none). Not STRICT: NULL arguments have meanings';

CREATE AGGREGATE @extschema@.did_panel(unit bigint, period int4, outcome float8, first_period int4,
	covariates float8[], weight float8, cluster bigint) (
	SFUNC = @extschema@.did_panel_accum,
	STYPE = @extschema@.did_panel,
	COMBINEFUNC = @extschema@.did_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.did_panel(bigint, int4, float8, int4, float8[], float8, bigint) IS
	'collect a panel with covariates (NULL: none; the same length in every row), a sampling weight (NULL in every row: 1; constant within a unit) and a cluster id (NULL in every row: none; constant within a unit, e.g. the state)';

CREATE AGGREGATE @extschema@.did_panel(unit bigint, at date, outcome float8,
	cohort @extschema@.activation_cohort, unit_of_time text,
	covariates float8[], weight float8, cluster bigint) (
	SFUNC = @extschema@.did_panel_accum,
	STYPE = @extschema@.did_panel,
	COMBINEFUNC = @extschema@.did_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.did_panel(bigint, date, float8, @extschema@.activation_cohort, text, float8[], float8, bigint) IS
	'collect a panel from dated rows and activation cohorts, with covariates, a sampling weight and a cluster id (each NULL for none)';

CREATE FUNCTION @extschema@.did_panel_summary(panel @extschema@.did_panel,
	OUT rows bigint, OUT units int4, OUT periods int4, OUT complete_units int4,
	OUT covariates int4, OUT weighted bool, OUT clusters int4)
	RETURNS record
	AS 'MODULE_PATHNAME', 'did_panel_summary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.did_panel_summary(@extschema@.did_panel) IS
	'what a panel holds: rows, units, periods, units observed in every period (what unbalanced => ''drop'' keeps), covariates per row, whether it has weights, and its number of clusters';
