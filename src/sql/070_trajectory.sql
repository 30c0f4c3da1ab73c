-- trajectory_panel: the storable, mergeable panel of a trajectory fit; trajectory_groups: group-based
-- trajectory models (Nagin) by EM; trajectory_model and its accessors

CREATE TYPE @extschema@.trajectory_panel;

CREATE FUNCTION @extschema@.trajectory_panel_in(cstring) RETURNS @extschema@.trajectory_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.trajectory_panel_out(@extschema@.trajectory_panel) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.trajectory_panel_recv(internal) RETURNS @extschema@.trajectory_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.trajectory_panel_send(@extschema@.trajectory_panel) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.trajectory_panel (
	INPUT = @extschema@.trajectory_panel_in,
	OUTPUT = @extschema@.trajectory_panel_out,
	RECEIVE = @extschema@.trajectory_panel_recv,
	SEND = @extschema@.trajectory_panel_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.trajectory_panel IS
	'observations (unit, t, y, exposure) of a trajectory fit, and optionally covariates of membership per unit, e.g. {n=2;1,2006,0,1;1,2007,3,1} or {n=1;1,2006,0,1;covariates=2;units=1;1:0.5,3}: the storable, mergeable value of the trajectory_panel aggregate (text form in canonical order, exact round trip)';
COMMENT ON FUNCTION @extschema@.trajectory_panel_in(cstring) IS 'trajectory_panel text input';
COMMENT ON FUNCTION @extschema@.trajectory_panel_out(@extschema@.trajectory_panel) IS 'trajectory_panel text output (canonical order; doubles in shortest round-trip form)';
COMMENT ON FUNCTION @extschema@.trajectory_panel_recv(internal) IS 'trajectory_panel binary input';
COMMENT ON FUNCTION @extschema@.trajectory_panel_send(@extschema@.trajectory_panel) IS 'trajectory_panel binary output';

CREATE FUNCTION @extschema@.trajectory_panel_accum(@extschema@.trajectory_panel, bigint, float8, float8, float8)
	RETURNS @extschema@.trajectory_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.trajectory_panel_accum(@extschema@.trajectory_panel, bigint, float8, float8, float8) IS
	'trajectory_panel transition: add one observation (unit, t, y, exposure); not STRICT: a NULL y is skipped and a NULL exposure is 1; a NULL unit or t is an error (22004)';
CREATE FUNCTION @extschema@.trajectory_panel_accum(@extschema@.trajectory_panel, bigint, float8, float8)
	RETURNS @extschema@.trajectory_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.trajectory_panel_accum(@extschema@.trajectory_panel, bigint, float8, float8) IS
	'trajectory_panel transition: add one observation (unit, t, y) with exposure 1; not STRICT: a NULL y is skipped; a NULL unit or t is an error (22004)';
CREATE FUNCTION @extschema@.trajectory_panel_accum(@extschema@.trajectory_panel, bigint, float8, float8, float8, float8[])
	RETURNS @extschema@.trajectory_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.trajectory_panel_accum(@extschema@.trajectory_panel, bigint, float8, float8, float8, float8[]) IS
	'trajectory_panel transition: add one observation (unit, t, y, exposure) and the unit''s covariates of membership (the same in every row of a unit; NULL or a NULL element: the unit is left out of fits); not STRICT: a NULL y skips the row, a NULL exposure is 1, NULL covariates leave the unit out of fits; a NULL unit or t is an error (22004)';
CREATE FUNCTION @extschema@.trajectory_panel_merge(@extschema@.trajectory_panel, @extschema@.trajectory_panel)
	RETURNS @extschema@.trajectory_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.trajectory_panel_merge(@extschema@.trajectory_panel, @extschema@.trajectory_panel) IS
	'the observations of two panels (combine function); not STRICT: a NULL panel is an empty one';

CREATE AGGREGATE @extschema@.trajectory_panel(unit bigint, t float8, y float8, exposure float8) (
	SFUNC = @extschema@.trajectory_panel_accum,
	STYPE = @extschema@.trajectory_panel,
	COMBINEFUNC = @extschema@.trajectory_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.trajectory_panel(bigint, float8, float8, float8) IS
	'collect a panel for trajectory_groups: one row per unit and time; y NULL is skipped, exposure NULL is 1 (counts with a population exposure give rates)';

CREATE AGGREGATE @extschema@.trajectory_panel(unit bigint, t float8, y float8, exposure float8, covariates float8[]) (
	SFUNC = @extschema@.trajectory_panel_accum,
	STYPE = @extschema@.trajectory_panel,
	COMBINEFUNC = @extschema@.trajectory_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.trajectory_panel(bigint, float8, float8, float8, float8[]) IS
	'collect a panel with covariates of membership (risk factors) per unit: trajectory_groups then fits a multinomial logit of the group on them; covariates must be the same in every row of a unit (1 to 20 finite values); units whose covariates are NULL (or hold a NULL) are kept but left out of fits and counted (trajectory_summary)';

CREATE AGGREGATE @extschema@.trajectory_panel(unit bigint, t float8, y float8) (
	SFUNC = @extschema@.trajectory_panel_accum,
	STYPE = @extschema@.trajectory_panel,
	COMBINEFUNC = @extschema@.trajectory_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.trajectory_panel(bigint, float8, float8) IS
	'collect a panel for trajectory_groups with exposure 1 (y NULL is skipped)';

CREATE AGGREGATE @extschema@.trajectory_panel(@extschema@.trajectory_panel) (
	SFUNC = @extschema@.trajectory_panel_merge,
	STYPE = @extschema@.trajectory_panel,
	COMBINEFUNC = @extschema@.trajectory_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.trajectory_panel(@extschema@.trajectory_panel) IS
	'merge stored panels into one';

CREATE TYPE @extschema@.trajectory_model;

CREATE FUNCTION @extschema@.trajectory_model_in(cstring) RETURNS @extschema@.trajectory_model
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.trajectory_model_out(@extschema@.trajectory_model) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.trajectory_model_recv(internal) RETURNS @extschema@.trajectory_model
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.trajectory_model_send(@extschema@.trajectory_model) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.trajectory_model (
	INPUT = @extschema@.trajectory_model_in,
	OUTPUT = @extschema@.trajectory_model_out,
	RECEIVE = @extschema@.trajectory_model_recv,
	SEND = @extschema@.trajectory_model_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.trajectory_model IS
	'a fitted group-based trajectory model (family, groups, coefficients and their covariance, shares or membership coefficients, classification, fit statistics), from trajectory_groups; text form {traj=1;family=...;seed=...} ({traj=2;...} for the negative binomial families and covariates of membership)';
COMMENT ON FUNCTION @extschema@.trajectory_model_in(cstring) IS 'trajectory_model text input (validated)';
COMMENT ON FUNCTION @extschema@.trajectory_model_out(@extschema@.trajectory_model) IS 'trajectory_model text output (exact)';
COMMENT ON FUNCTION @extschema@.trajectory_model_recv(internal) IS 'trajectory_model binary input (validated)';
COMMENT ON FUNCTION @extschema@.trajectory_model_send(@extschema@.trajectory_model) IS 'trajectory_model binary output';

CREATE FUNCTION @extschema@.trajectory_groups(panel @extschema@.trajectory_panel, groups int, degree int DEFAULT 2,
		family text DEFAULT 'poisson', starts int DEFAULT 20, seed bigint DEFAULT 1,
		lower float8 DEFAULT NULL, upper float8 DEFAULT NULL)
	RETURNS @extschema@.trajectory_model
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.trajectory_groups(@extschema@.trajectory_panel, int, int, text, int, bigint, float8, float8) IS
	'fit a finite mixture of groups with polynomial trajectories in t (family poisson, zip, nbinom, zinb or cnorm; lower/upper: cnorm censoring bounds, default min(y) - 1 and max(y) + 1 as trajeR) by EM from seeded random starts, with a multinomial logit of membership on the panel''s covariates when it has them; groups numbered by share, largest first; not STRICT: lower and upper may be NULL (their defaults); a NULL in another argument is an error (22004)';

CREATE FUNCTION @extschema@.trajectory_fit(model @extschema@.trajectory_model,
		OUT loglik float8, OUT npar int, OUT bic float8, OUT aic float8,
		OUT iterations int, OUT converged boolean, OUT starts_at_best int)
	RETURNS record
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.trajectory_fit(@extschema@.trajectory_model) IS
	'fit statistics: log-likelihood with all constants, parameters, BIC = loglik - npar/2 ln(units) and AIC = loglik - npar (Nagin''s convention, larger is better), iterations and convergence of the best start, starts that reached the best log-likelihood';

CREATE FUNCTION @extschema@.trajectory_shares(model @extschema@.trajectory_model)
	RETURNS TABLE (group_id int, share float8, avepp float8, occ float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION @extschema@.trajectory_shares(@extschema@.trajectory_model) IS
	'per group: estimated share, average posterior probability of the units assigned to it, odds of correct classification (NULL when undefined)';

CREATE FUNCTION @extschema@.trajectory_coefficients(model @extschema@.trajectory_model)
	RETURNS TABLE (group_id int, term text, estimate float8, se float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION @extschema@.trajectory_coefficients(@extschema@.trajectory_model) IS
	'per group: the polynomial''s coefficients in powers of t (log scale for the count families), then sigma (cnorm), zero_prob (zip, zinb) and dispersion (nbinom, zinb: variance mu + dispersion mu^2), with standard errors from the observed information';

CREATE FUNCTION @extschema@.trajectory_curves(model @extschema@.trajectory_model)
	RETURNS TABLE (group_id int, t float8, expected float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION @extschema@.trajectory_curves(@extschema@.trajectory_model) IS
	'per group and distinct time of the panel: the expected y per unit of exposure';

CREATE FUNCTION @extschema@.trajectory_membership(model @extschema@.trajectory_model, panel @extschema@.trajectory_panel,
		all_groups boolean DEFAULT false)
	RETURNS TABLE (unit bigint, group_id int, posterior float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.trajectory_membership(@extschema@.trajectory_model, @extschema@.trajectory_panel, boolean) IS
	'per unit of the panel: the group of highest posterior probability under the model and that probability; with all_groups, one row per unit and group with its posterior (they sum to 1 over a unit''s groups); under a model with covariates the prior is the unit''s membership probability and units without covariates are left out';

CREATE FUNCTION @extschema@.trajectory_risk_factors(model @extschema@.trajectory_model)
	RETURNS TABLE (group_id int, covariate int, estimate float8, se float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION @extschema@.trajectory_risk_factors(@extschema@.trajectory_model) IS
	'the multinomial logit of membership: per group 2.. against group 1, the coefficient of each covariate (in the order of the panel''s covariates array; covariate 0 the intercept) on the log odds of that group, with standard errors from the observed information (NULL when singular); without covariates the intercepts are log(share_k / share_1)';

CREATE FUNCTION @extschema@.trajectory_summary(model @extschema@.trajectory_model,
		OUT family text, OUT groups int, OUT degree int, OUT covariates int,
		OUT units bigint, OUT observations bigint, OUT units_left_out bigint,
		OUT starts int, OUT starts_failed int, OUT seed bigint)
	RETURNS record
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.trajectory_summary(@extschema@.trajectory_model) IS
	'what the model is: family, groups, degree, covariates of membership, units and observations fitted, units of the panel left out for missing covariates, starts that finished, collapsed start draws that were redrawn, seed';
