
-- Latent class analysis: response_patterns (the storable pattern table and its aggregates),
-- lca_model, lca, lca_fit, lca_classes, lca_items, lca_select, lca_classify, lca_posterior

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
	'distinct response patterns of J items with their counts, e.g. {J=3;0,2,1:3;1,2,1:40} (0 = missing): the sufficient statistic of a latent class model; storable and mergeable';
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
	'each distinct response pattern (NULL = missing answer) with its count, in ascending order';

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
	'a fitted latent class model: class shares, response probabilities, fit statistics and how it was fitted; written by lca()';
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
	starts int4 DEFAULT 20, seed bigint DEFAULT 1, max_iter int4 DEFAULT 5000, tolerance float8 DEFAULT 1e-10)
	RETURNS @extschema@.lca_model
	AS 'MODULE_PATHNAME', 'lca_fit_model' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION @extschema@.lca(@extschema@.response_patterns, int4, int4, bigint, int4, float8) IS
	'fit a latent class model with the given number of classes by EM from "starts" random starting points (seeded), keeping the best log-likelihood; classes are numbered by share, largest first; not STRICT: a NULL argument is an error (22004) that names it, not a NULL model';

CREATE FUNCTION @extschema@.lca_fit(model @extschema@.lca_model) RETURNS @extschema@.lca_fit_result
	AS 'MODULE_PATHNAME', 'lca_fit_stats' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lca_fit(@extschema@.lca_model) IS
	'fit statistics of a latent class model';

CREATE FUNCTION @extschema@.lca_classes(model @extschema@.lca_model)
	RETURNS TABLE (class int4, share float8, modal_share float8, avepp float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION @extschema@.lca_classes(@extschema@.lca_model) IS
	'each class''s estimated share, the share of rows whose most likely class it is, and their average posterior probability of it';

CREATE FUNCTION @extschema@.lca_items(model @extschema@.lca_model)
	RETURNS TABLE (class int4, item int4, category int4, probability float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION @extschema@.lca_items(@extschema@.lca_model) IS
	'the probability of each answer category of each item within each class';

CREATE FUNCTION @extschema@.lca_select(patterns @extschema@.response_patterns, max_classes int4,
	starts int4 DEFAULT 20, seed bigint DEFAULT 1, max_iter int4 DEFAULT 5000, tolerance float8 DEFAULT 1e-10)
	RETURNS SETOF @extschema@.lca_fit_result
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 5 COST 500000;
COMMENT ON FUNCTION @extschema@.lca_select(@extschema@.response_patterns, int4, int4, bigint, int4, float8) IS
	'the fit statistics of models with 1 to max_classes classes from one pattern table, to choose the number of classes; not STRICT: a NULL argument is an error (22004) that names it';

CREATE FUNCTION @extschema@.lca_classify(model @extschema@.lca_model, items int4[]) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lca_classify(@extschema@.lca_model, int4[]) IS
	'the most likely class of a row of answers (NULL element = missing)';

CREATE FUNCTION @extschema@.lca_posterior(model @extschema@.lca_model, items int4[]) RETURNS float8[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lca_posterior(@extschema@.lca_model, int4[]) IS
	'the posterior probability of each class for a row of answers (NULL element = missing)';
