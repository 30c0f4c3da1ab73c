-- issue 20: trajectory groups of the negative binomial families (nbinom, zinb), covariates of
-- membership (risk factors) in trajectory_panel with a multinomial logit in trajectory_groups,
-- trajectory_risk_factors, trajectory_summary, and every group's posterior from
-- trajectory_membership.  The stored formats gain a version 2 (read beside version 1, which is
-- still written whenever a value has nothing new), so 1.0 values and 1.0 calls are unchanged.

COMMENT ON TYPE @extschema@.trajectory_panel IS
	'observations (unit, t, y, exposure) of a trajectory fit, and optionally covariates of membership per unit, e.g. {n=2;1,2006,0,1;1,2007,3,1} or {n=1;1,2006,0,1;covariates=2;units=1;1:0.5,3}: the storable, mergeable value of the trajectory_panel aggregate (text form in canonical order, exact round trip)';

CREATE FUNCTION @extschema@.trajectory_panel_accum(@extschema@.trajectory_panel, bigint, float8, float8, float8, float8[])
	RETURNS @extschema@.trajectory_panel
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.trajectory_panel_accum(@extschema@.trajectory_panel, bigint, float8, float8, float8, float8[]) IS
	'trajectory_panel transition: add one observation (unit, t, y, exposure) and the unit''s covariates of membership (the same in every row of a unit; NULL or a NULL element: the unit is left out of fits); not STRICT: a NULL y skips the row, a NULL exposure is 1, NULL covariates leave the unit out of fits; a NULL unit or t is an error (22004)';

CREATE AGGREGATE @extschema@.trajectory_panel(unit bigint, t float8, y float8, exposure float8, covariates float8[]) (
	SFUNC = @extschema@.trajectory_panel_accum,
	STYPE = @extschema@.trajectory_panel,
	COMBINEFUNC = @extschema@.trajectory_panel_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.trajectory_panel(bigint, float8, float8, float8, float8[]) IS
	'collect a panel with covariates of membership (risk factors) per unit: trajectory_groups then fits a multinomial logit of the group on them; covariates must be the same in every row of a unit (1 to 20 finite values); units whose covariates are NULL (or hold a NULL) are kept but left out of fits and counted (trajectory_summary)';

COMMENT ON TYPE @extschema@.trajectory_model IS
	'a fitted group-based trajectory model (family, groups, coefficients and their covariance, shares or membership coefficients, classification, fit statistics), from trajectory_groups; text form {traj=1;family=...;seed=...} ({traj=2;...} for the negative binomial families and covariates of membership)';
COMMENT ON FUNCTION @extschema@.trajectory_groups(@extschema@.trajectory_panel, int, int, text, int, bigint, float8, float8) IS
	'fit a finite mixture of groups with polynomial trajectories in t (family poisson, zip, nbinom, zinb or cnorm; lower/upper: cnorm censoring bounds, default min(y) - 1 and max(y) + 1 as trajeR) by EM from seeded random starts, with a multinomial logit of membership on the panel''s covariates when it has them; groups numbered by share, largest first; not STRICT: lower and upper may be NULL (their defaults); a NULL in another argument is an error (22004)';
COMMENT ON FUNCTION @extschema@.trajectory_coefficients(@extschema@.trajectory_model) IS
	'per group: the polynomial''s coefficients in powers of t (log scale for the count families), then sigma (cnorm), zero_prob (zip, zinb) and dispersion (nbinom, zinb: variance mu + dispersion mu^2), with standard errors from the observed information';

-- every group's posterior: a third argument (1.0's two-argument calls resolve to it with the
-- 1.0 answer; the C function serves both declarations)
DROP FUNCTION @extschema@.trajectory_membership(@extschema@.trajectory_model, @extschema@.trajectory_panel);
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
