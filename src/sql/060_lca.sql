
-- Latent class analysis: response_patterns (the storable pattern table and its aggregates,
-- with covariates of membership), lca_model, lca, lca_fit, lca_classes, lca_items,
-- lca_coefficients, lca_select (with the class-number tests), lca_classify, lca_posterior,
-- lca_bch_state and lca_bch (class means of an outcome)

CREATE TYPE @extschema@.response_patterns;

CREATE FUNCTION @extschema@.response_patterns_in(cstring) RETURNS @extschema@.response_patterns
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.response_patterns_out(@extschema@.response_patterns) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.response_patterns_recv(internal) RETURNS @extschema@.response_patterns
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.response_patterns_send(@extschema@.response_patterns) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.response_patterns (
	INPUT = @extschema@.response_patterns_in,
	OUTPUT = @extschema@.response_patterns_out,
	RECEIVE = @extschema@.response_patterns_recv,
	SEND = @extschema@.response_patterns_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.response_patterns IS
	'distinct response patterns of J items with their counts, e.g. {J=3;0,2,1:3;1,2,1:40} (0 = missing), with covariates {J=3;P=1;skipped=0;0,2,1|0.5:3}: the sufficient statistic of a latent class model; storable and mergeable';
COMMENT ON FUNCTION @extschema@.response_patterns_in(cstring) IS 'response_patterns text input';
COMMENT ON FUNCTION @extschema@.response_patterns_out(@extschema@.response_patterns) IS 'response_patterns text output (canonical: patterns in ascending order, shortest exact counts)';
COMMENT ON FUNCTION @extschema@.response_patterns_recv(internal) IS 'response_patterns binary input';
COMMENT ON FUNCTION @extschema@.response_patterns_send(@extschema@.response_patterns) IS 'response_patterns binary output';

CREATE FUNCTION @extschema@.response_patterns_accum(@extschema@.response_patterns, int4[])
	RETURNS @extschema@.response_patterns
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.response_patterns_accum(@extschema@.response_patterns, int4[]) IS
	'response_patterns transition: count one row of answers (categories 1..255, NULL element = missing); not STRICT: a NULL array is skipped and a NULL state starts a new table';
CREATE FUNCTION @extschema@.response_patterns_merge(@extschema@.response_patterns, @extschema@.response_patterns)
	RETURNS @extschema@.response_patterns
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.response_patterns_merge(@extschema@.response_patterns, @extschema@.response_patterns) IS
	'the patterns of both tables with their counts added (combine function); both must have the same number of items; not STRICT: a NULL table is no table';

CREATE AGGREGATE @extschema@.response_patterns(items int4[]) (
	SFUNC = @extschema@.response_patterns_accum,
	STYPE = @extschema@.response_patterns,
	COMBINEFUNC = @extschema@.response_patterns_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.response_patterns(int4[]) IS
	'the table of distinct response patterns and their counts, for lca(); every row has the same number of items, categories 1..255, NULL = missing answer';

CREATE FUNCTION @extschema@.response_patterns_accum_cov(@extschema@.response_patterns, int4[], float8[])
	RETURNS @extschema@.response_patterns
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.response_patterns_accum_cov(@extschema@.response_patterns, int4[], float8[]) IS
	'response_patterns transition with covariates: count one row of answers with its covariates; not STRICT: a NULL items array is ignored, a row with a NULL covariate (or NULL covariates) is left out and counted';

CREATE AGGREGATE @extschema@.response_patterns(items int4[], covariates float8[]) (
	SFUNC = @extschema@.response_patterns_accum_cov,
	STYPE = @extschema@.response_patterns,
	COMBINEFUNC = @extschema@.response_patterns_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.response_patterns(int4[], float8[]) IS
	'the table of distinct answer x covariate rows and their counts, for lca() with covariates of class membership (latent class regression); rows with a NULL covariate are left out and counted';

CREATE AGGREGATE @extschema@.response_patterns(@extschema@.response_patterns) (
	SFUNC = @extschema@.response_patterns_merge,
	STYPE = @extschema@.response_patterns,
	COMBINEFUNC = @extschema@.response_patterns_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.response_patterns(@extschema@.response_patterns) IS
	'merge stored response pattern tables into one';

CREATE FUNCTION @extschema@.pattern_counts(patterns @extschema@.response_patterns)
	RETURNS TABLE (pattern int4[], count float8)
	AS 'MODULE_PATHNAME', 'response_patterns_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pattern_counts(@extschema@.response_patterns) IS
	'each distinct response pattern (NULL = missing answer) with its count (summed over covariate values), in ascending order';

CREATE FUNCTION @extschema@.pattern_covariate_counts(patterns @extschema@.response_patterns)
	RETURNS TABLE (pattern int4[], covariates float8[], count float8)
	AS 'MODULE_PATHNAME', 'response_patterns_covariate_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pattern_covariate_counts(@extschema@.response_patterns) IS
	'each distinct response pattern (NULL = missing answer) and covariate values with its count, in ascending order';

CREATE FUNCTION @extschema@.pattern_covariates(patterns @extschema@.response_patterns,
	OUT covariates int4, OUT skipped_rows float8)
	AS 'MODULE_PATHNAME', 'response_patterns_covariates' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pattern_covariates(@extschema@.response_patterns) IS
	'number of covariates of a response pattern table (0 = none) and of rows left out for a NULL covariate';

CREATE FUNCTION @extschema@.pattern_size(patterns @extschema@.response_patterns,
	OUT items int4, OUT distinct_patterns bigint, OUT rows float8)
	AS 'MODULE_PATHNAME', 'response_patterns_size' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pattern_size(@extschema@.response_patterns) IS
	'number of items, of distinct patterns, and of rows (the sum of the counts) of a response pattern table';

CREATE TYPE @extschema@.lca_model;

CREATE FUNCTION @extschema@.lca_model_in(cstring) RETURNS @extschema@.lca_model
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.lca_model_out(@extschema@.lca_model) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.lca_model_recv(internal) RETURNS @extschema@.lca_model
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.lca_model_send(@extschema@.lca_model) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.lca_model (
	INPUT = @extschema@.lca_model_in,
	OUTPUT = @extschema@.lca_model_out,
	RECEIVE = @extschema@.lca_model_recv,
	SEND = @extschema@.lca_model_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.lca_model IS
	'a fitted latent class model: class shares, response probabilities, membership coefficients, their standard errors, fit statistics and how it was fitted; written by lca()';
COMMENT ON FUNCTION @extschema@.lca_model_in(cstring) IS 'lca_model text input';
COMMENT ON FUNCTION @extschema@.lca_model_out(@extschema@.lca_model) IS 'lca_model text output (exact: doubles in shortest round-trip form)';
COMMENT ON FUNCTION @extschema@.lca_model_recv(internal) IS 'lca_model binary input';
COMMENT ON FUNCTION @extschema@.lca_model_send(@extschema@.lca_model) IS 'lca_model binary output';

CREATE TYPE @extschema@.lca_fit_result AS (
	classes int4, n float8, n_dropped float8, npar int4,
	loglik float8, aic float8, bic float8, sabic float8, gsq float8, chisq float8, resid_df float8,
	entropy float8, iterations int4, converged bool, starts int4, starts_at_best int4
);
COMMENT ON TYPE @extschema@.lca_fit_result IS
	'fit of a latent class model: rows used and dropped (no observed item), parameters, log-likelihood, AIC, BIC, sample-size adjusted BIC, G2 and X2 over the complete patterns, residual df, relative entropy, EM iterations and convergence of the best start, starts run and starts that reached the best log-likelihood';

CREATE FUNCTION @extschema@.lca(patterns @extschema@.response_patterns, classes int4,
	starts int4 DEFAULT 20, seed bigint DEFAULT 1, max_iter int4 DEFAULT 5000, tolerance float8 DEFAULT 1e-10,
	accelerate bool DEFAULT false)
	RETURNS @extschema@.lca_model
	AS 'MODULE_PATHNAME', 'lca_fit_model' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION @extschema@.lca(@extschema@.response_patterns, int4, int4, bigint, int4, float8, bool) IS
	'fit a latent class model with the given number of classes by EM from "starts" random starting points (seeded), keeping the best log-likelihood, with standard errors as poLCA computes them; on a table with covariates, the multinomial logit of class on them (latent class regression); accelerate => true extrapolates EM (SQUAREM) and stops hopeless starts early; classes are numbered by share, largest first; not STRICT: a NULL argument is an error (22004) that names it, not a NULL model';

CREATE FUNCTION @extschema@.lca_fit(model @extschema@.lca_model) RETURNS @extschema@.lca_fit_result
	AS 'MODULE_PATHNAME', 'lca_fit_stats' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lca_fit(@extschema@.lca_model) IS
	'fit statistics of a latent class model';

CREATE FUNCTION @extschema@.lca_classes(model @extschema@.lca_model)
	RETURNS TABLE (class int4, share float8, modal_share float8, avepp float8, share_se float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION @extschema@.lca_classes(@extschema@.lca_model) IS
	'each class''s estimated share, the share of rows whose most likely class it is, their average posterior probability of it, and the share''s standard error (poLCA''s P.se; NULL for a model of scomm 1.0)';

CREATE FUNCTION @extschema@.lca_items(model @extschema@.lca_model)
	RETURNS TABLE (class int4, item int4, category int4, probability float8, se float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION @extschema@.lca_items(@extschema@.lca_model) IS
	'the probability of each answer category of each item within each class, with its standard error (poLCA''s probs.se; NULL for a model of scomm 1.0)';

CREATE FUNCTION @extschema@.lca_coefficients(model @extschema@.lca_model)
	RETURNS TABLE (class int4, covariate int4, estimate float8, se float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION @extschema@.lca_coefficients(@extschema@.lca_model) IS
	'the multinomial logit of class membership: log odds of each class against class 1 (the largest), covariate 0 the intercept and 1..P the positions of the covariates array, with standard errors (poLCA''s coeff and coeff.se); without covariates the intercepts are log(share / share of class 1)';

CREATE FUNCTION @extschema@.lca_select(patterns @extschema@.response_patterns, max_classes int4,
	starts int4 DEFAULT 20, seed bigint DEFAULT 1, max_iter int4 DEFAULT 5000, tolerance float8 DEFAULT 1e-10,
	accelerate bool DEFAULT false, draws int4 DEFAULT 0, bootstrap_starts int4 DEFAULT 5)
	RETURNS TABLE (classes int4, n float8, n_dropped float8, npar int4,
		loglik float8, aic float8, bic float8, sabic float8, gsq float8, chisq float8, resid_df float8,
		entropy float8, iterations int4, converged bool, starts int4, starts_at_best int4,
		lr float8, vlmr_p float8, lmr_lr float8, lmr_p float8, blrt_p float8, blrt_draws int4)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 5 COST 500000;
COMMENT ON FUNCTION @extschema@.lca_select(@extschema@.response_patterns, int4, int4, bigint, int4, float8, bool, int4, int4) IS
	'the fit statistics of models with 1 to max_classes classes from one pattern table, to choose the number of classes, with the tests of k - 1 against k classes: lr = 2 (LL_k - LL_k-1), the Vuong-Lo-Mendell-Rubin p-value and the LMR adjusted statistic and p-value (Mplus TECH11), and with draws > 0 the bootstrap likelihood-ratio test (Mplus TECH14: seeded, each bootstrap fit with bootstrap_starts random starts plus the data''s estimates); not STRICT: a NULL argument is an error (22004) that names it';

CREATE FUNCTION @extschema@.lca_classify(model @extschema@.lca_model, items int4[], covariates float8[] DEFAULT NULL)
	RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lca_classify(@extschema@.lca_model, int4[], float8[]) IS
	'the most likely class of a row of answers (NULL element = missing), given its covariates for a model with covariates; not STRICT: covariates may be NULL (none, for a model without covariates); a NULL model, items or covariate of a covariate model gives NULL';

CREATE FUNCTION @extschema@.lca_posterior(model @extschema@.lca_model, items int4[], covariates float8[] DEFAULT NULL)
	RETURNS float8[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lca_posterior(@extschema@.lca_model, int4[], float8[]) IS
	'the posterior probability of each class for a row of answers (NULL element = missing), given its covariates for a model with covariates; not STRICT: covariates may be NULL (none, for a model without covariates); a NULL model, items or covariate of a covariate model gives NULL';

CREATE FUNCTION @extschema@.lca_bch_accum(float8[], float8[], float8) RETURNS float8[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lca_bch_accum(float8[], float8[], float8) IS
	'lca_bch_state transition: add one row''s posterior and outcome; not STRICT: the first row sets the number of classes, a row with a NULL posterior or outcome is left out';
CREATE FUNCTION @extschema@.lca_bch_merge(float8[], float8[]) RETURNS float8[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lca_bch_merge(float8[], float8[]) IS
	'lca_bch_state combine: the sums of two states of the same classes; not STRICT: NULL is no state';

CREATE AGGREGATE @extschema@.lca_bch_state(posterior float8[], outcome float8) (
	SFUNC = @extschema@.lca_bch_accum,
	STYPE = float8[],
	COMBINEFUNC = @extschema@.lca_bch_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.lca_bch_state(float8[], float8) IS
	'the sufficient statistics of the class means of an outcome (a float8[] for lca_bch): per row its posterior class probabilities (lca_posterior) and the outcome';

CREATE FUNCTION @extschema@.lca_bch(state float8[])
	RETURNS TABLE (class int4, modal_n float8, modal_mean float8, modal_se float8,
		bch_n float8, bch_mean float8, bch_se float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION @extschema@.lca_bch(float8[]) IS
	'each class''s mean of an outcome: by modal assignment (rows, mean, standard error), and corrected for classification error with BCH weights (Bolck, Croon & Hagenaars; Vermunt''s 3-step, Mplus BCH: estimated class size, mean, sandwich standard error)';
