/*
 * lca_sql.c: latent class analysis in SQL on top of the core (src/core/lca*):
 * the storable model type scomm.lca_model (text and binary I/O), the fit
 * scomm.lca, its summaries lca_fit, lca_classes, lca_items and
 * lca_coefficients, and classification of any answers (with covariates) by
 * lca_classify and lca_posterior.  lca_select and the class means of an
 * outcome are in lca_tests_sql.c.
 *
 * A stored lca_model is a varlena holding the core's binary model encoding;
 * the text form is the core's ({lca=1;J=...}).  Every status of the core
 * becomes an ERROR with a specific SQLSTATE (lca_check_status, lca_glue.c);
 * arguments are checked here first so that the messages can name them.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "compat.h"
#include "arg_util.h"
#include "result_util.h"
#include "core_status.h"
#include "lca_glue.h"
#include "text_util.h"

#define MODEL_HINT "An lca_model is written by scomm.lca() and looks like {lca=2;J=2;R=2;K=2,2;P=0;share=...;starts_stopped=0} (scomm 1.0 wrote {lca=1;...;seed=1})."

/* ---------------------------------------------------------------------------
 * the lca_model type
 * ---------------------------------------------------------------------------
 */

/* A varlena holding the binary encoding of m. */
static struct varlena *
ModelFlat(const scomm_lca_model *m)
{
	unsigned char *bytes;
	size_t		len;
	struct varlena *v;

	lca_check_status(scomm_lca_model_to_bytes(m, &bytes, &len), "encoding a model");
	v = palloc(VARHDRSZ + len);
	SET_VARSIZE(v, VARHDRSZ + len);
	memcpy(VARDATA(v), bytes, len);
	pfree(bytes);
	return v;
}

/* Decode a stored model (in CurrentMemoryContext). */
static scomm_lca_model *
ModelDecode(struct varlena *v)
{
	scomm_lca_model *m = NULL;
	scomm_status st = scomm_lca_model_from_bytes((const unsigned char *) VARDATA_ANY(v),
												 VARSIZE_ANY_EXHDR(v), &m);

	if (st == SCOMM_ECORRUPT)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid lca_model value of %zu bytes", (size_t) VARSIZE_ANY_EXHDR(v))));
	lca_check_status(st, "reading a model");
	return m;
}

/* a decoded model kept across calls (fn_extra), with the bytes it came from */
typedef struct ModelCache
{
	Size		len;
	char	   *bytes;
	scomm_lca_model *model;
} ModelCache;

/*
 * The model in argument argno, decoded once per distinct value per call
 * site: UPDATE ... SET class = lca_classify(m, items) decodes m once.
 */
static scomm_lca_model *
GetModel(FunctionCallInfo fcinfo, int argno)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));
	Size		len = VARSIZE_ANY_EXHDR(v);
	ModelCache *c = (ModelCache *) fcinfo->flinfo->fn_extra;
	MemoryContext old;

	if (c != NULL && c->model != NULL && c->len == len && memcmp(c->bytes, VARDATA_ANY(v), len) == 0)
		return c->model;
	if (c == NULL)
		c = fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ModelCache));
	else
	{
		if (c->model != NULL)
			scomm_lca_model_free(c->model);
		if (c->bytes != NULL)
			pfree(c->bytes);
		c->model = NULL;
		c->bytes = NULL;
		c->len = 0;
	}
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	c->model = ModelDecode(v);
	MemoryContextSwitchTo(old);
	c->bytes = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, len > 0 ? len : 1);
	memcpy(c->bytes, VARDATA_ANY(v), len);
	c->len = len;
	return c->model;
}

PG_FUNCTION_INFO_V1(lca_model_in);
Datum
lca_model_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	size_t		start,
				len;
	scomm_lca_model *m = NULL;
	scomm_status st;

	scomm_trim(str, &start, &len);
	st = scomm_lca_model_from_text(str + start, len, &m);
	if (st == SCOMM_ECORRUPT || st == SCOMM_EINVAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type lca_model: \"%s\"", lca_quote_input(str)),
				 errhint(MODEL_HINT)));
	lca_check_status(st, "reading a model");
	PG_RETURN_POINTER(ModelFlat(m));
}

PG_FUNCTION_INFO_V1(lca_model_out);
Datum
lca_model_out(PG_FUNCTION_ARGS)
{
	scomm_lca_model *m = ModelDecode(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0)));
	char	   *text;
	size_t		len;

	lca_check_status(scomm_lca_model_to_text(m, &text, &len), "writing a model");
	scomm_lca_model_free(m);
	PG_RETURN_CSTRING(text);
}

PG_FUNCTION_INFO_V1(lca_model_recv);
Datum
lca_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	scomm_lca_model *m = NULL;
	scomm_status st;

	st = scomm_lca_model_from_bytes((const unsigned char *) buf->data + buf->cursor,
									buf->len - buf->cursor, &m);
	if (st == SCOMM_ECORRUPT || st == SCOMM_EINVAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary lca_model value of %d bytes", buf->len - buf->cursor),
				 errdetail("Expected the model encoding of format version 1 or %d (docs/lca_core.md).",
						   SCOMM_LCA_MODEL_VERSION)));
	lca_check_status(st, "reading a model");
	buf->cursor = buf->len;
	PG_RETURN_POINTER(ModelFlat(m));
}

PG_FUNCTION_INFO_V1(lca_model_send);
Datum
lca_model_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------------------------------------------------------------------------
 * fitting
 * ---------------------------------------------------------------------------
 */

void
lca_require_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", name),
				 argno == 0 ? errhint("response_patterns() over no rows is NULL.") : 0));
}

/*
 * Check the fit arguments starts, seed, max_iter, tolerance in positions
 * first..first+3, and accelerate in first+4 when the call has it (1.0's
 * declarations do not: plain EM).
 */
LcaFitArgs
lca_read_fit_args(FunctionCallInfo fcinfo, int first)
{
	LcaFitArgs	a;

	lca_require_arg(fcinfo, first, "starts");
	lca_require_arg(fcinfo, first + 1, "seed");
	lca_require_arg(fcinfo, first + 2, "max_iter");
	lca_require_arg(fcinfo, first + 3, "tolerance");
	a.starts = PG_GETARG_INT32(first);
	a.seed = PG_GETARG_INT64(first + 1);
	a.max_iter = PG_GETARG_INT32(first + 2);
	a.tol = PG_GETARG_FLOAT8(first + 3);
	a.accelerate = false;
	if (PG_NARGS() > first + 4)
	{
		lca_require_arg(fcinfo, first + 4, "accelerate");
		a.accelerate = PG_GETARG_BOOL(first + 4);
	}
	if (a.starts < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("starts must be at least 1, not %d", a.starts)));
	ScommCheckLimit("lca", a.starts, SCOMM_LCA_MAX_STARTS, "random starts",
					"The best of 20 to 1,000 starts is the usual choice; more than 100,000 keep too much bookkeeping.");
	if (a.max_iter < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_iter must be at least 1, not %d", a.max_iter)));
	if (isnan(a.tol) || isinf(a.tol) || a.tol < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tolerance must be a finite number of at least 0, not %s",
						float8out_internal(a.tol))));
	return a;
}

/*
 * Check that the table supports up to max_classes classes: every item
 * observed, some row with an observed item, at most as many classes as
 * distinct patterns with an observed item.
 */
void
lca_check_table(const scomm_lca_table *t, int max_classes, const char *argname)
{
	int			nitems = scomm_lca_table_nitems(t);
	int		   *answers = palloc(nitems * sizeof(int));
	size_t		usable = 0;
	size_t		i;
	int			j;

	if (max_classes < 1 || max_classes > SCOMM_LCA_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between 1 and %d, not %d", argname, SCOMM_LCA_MAX_CLASSES, max_classes)));
	for (i = 0; i < scomm_lca_table_npatterns(t); i++)
	{
		scomm_lca_table_get(t, i, answers, NULL);
		for (j = 0; j < nitems; j++)
			if (answers[j] != 0)
			{
				usable++;
				break;
			}
	}
	pfree(answers);
	if (usable == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no row has an observed item"),
				 errdetail("The response patterns hold %.15g rows, all without any answer.",
						   scomm_lca_table_total(t))));
	for (j = 0; j < nitems; j++)
		if (scomm_lca_table_ncat(t, j) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("item %d is never observed", j + 1),
					 errdetail("Every row has a NULL answer for item %d.", j + 1)));
	if ((size_t) max_classes > usable)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s (%d) exceeds the number of distinct response patterns with an observed item (%zu)",
						argname, max_classes, usable)));
}

/* the core's options for a fit of nclass classes */
scomm_lca_options
lca_fit_options(const LcaFitArgs *a, int nclass)
{
	scomm_lca_options o;

	scomm_lca_options_default(&o);
	o.nclass = nclass;
	o.starts = a->starts;
	o.seed = (uint64_t) a->seed;
	o.max_iter = a->max_iter;
	o.tol = a->tol;
	o.accelerate = a->accelerate;
	return o;
}

/* Fit nclass classes; the model is in CurrentMemoryContext. */
scomm_lca_model *
lca_fit(const scomm_lca_table *t, int nclass, const LcaFitArgs *a)
{
	scomm_lca_model *m = NULL;
	scomm_lca_options o = lca_fit_options(a, nclass);
	char		what[64];

	snprintf(what, sizeof(what), "fitting %d latent classes", nclass);
	lca_check_status(scomm_lca_fit_opts(t, &o, &m), what);
	return m;
}

/* lca(patterns, classes, starts, seed, max_iter, tolerance[, accelerate]) → lca_model */
PG_FUNCTION_INFO_V1(lca_fit_model);
Datum
lca_fit_model(PG_FUNCTION_ARGS)
{
	LcaFitArgs	a;
	scomm_lca_table *t;
	scomm_lca_model *m;
	struct varlena *result;
	bool		owned;
	int			nclass;

	lca_require_arg(fcinfo, 0, "patterns");
	lca_require_arg(fcinfo, 1, "classes");
	a = lca_read_fit_args(fcinfo, 2);
	nclass = PG_GETARG_INT32(1);
	t = lca_patterns_table(PG_GETARG_DATUM(0), &owned);
	lca_check_table(t, nclass, "classes");
	m = lca_fit(t, nclass, &a);
	result = ModelFlat(m);
	scomm_lca_model_free(m);
	if (owned)
		scomm_lca_table_free(t);
	PG_RETURN_POINTER(result);
}

/* the one float8 result policy (result_util.h): NaN as NULL, infinity an ERROR */
void
lca_set_double(Datum *values, bool *nulls, int i, double v)
{
	ScommSetFloat8(values, nulls, i, v, "a latent class result");
}

/* the lca_fit_result columns of a model */
void
lca_fit_row(const scomm_lca_model *m, Datum *values, bool *nulls)
{
	int			i = 0;

	memset(nulls, 0, LCA_FIT_COLUMNS * sizeof(bool));
	values[i++] = Int32GetDatum(m->nclass);
	lca_set_double(values, nulls, i++, m->n);
	lca_set_double(values, nulls, i++, m->n_dropped);
	values[i++] = Int32GetDatum(m->npar);
	lca_set_double(values, nulls, i++, m->loglik);
	lca_set_double(values, nulls, i++, m->aic);
	lca_set_double(values, nulls, i++, m->bic);
	lca_set_double(values, nulls, i++, m->sabic);
	lca_set_double(values, nulls, i++, m->gsq);
	lca_set_double(values, nulls, i++, m->chisq);
	lca_set_double(values, nulls, i++, m->resid_df);
	lca_set_double(values, nulls, i++, m->entropy);
	values[i++] = Int32GetDatum(m->iterations);
	values[i++] = BoolGetDatum(m->converged != 0);
	values[i++] = Int32GetDatum(m->starts);
	values[i++] = Int32GetDatum(m->starts_at_best);
	Assert(i == LCA_FIT_COLUMNS);
}

PG_FUNCTION_INFO_V1(lca_fit_stats);
Datum
lca_fit_stats(PG_FUNCTION_ARGS)
{
	scomm_lca_model *m = ModelDecode(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0)));
	TupleDesc	tupdesc;
	Datum		values[LCA_FIT_COLUMNS];
	bool		nulls[LCA_FIT_COLUMNS];

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE ||
		tupdesc->natts != LCA_FIT_COLUMNS)
		elog(ERROR, "return type must be lca_fit_result");
	lca_fit_row(m, values, nulls);
	scomm_lca_model_free(m);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/* lca_classes(model): class, share, modal_share, avepp, share_se */
PG_FUNCTION_INFO_V1(lca_classes);
Datum
lca_classes(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	scomm_lca_model *m = ModelDecode(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0)));
	int			r,
				ncol;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	/* 1.0's declaration has 4 columns, 1.1's adds share_se */
	ncol = rsinfo->setDesc->natts;
	for (r = 0; r < m->nclass; r++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = Int32GetDatum(r + 1);
		lca_set_double(values, nulls, 1, m->share[r]);
		lca_set_double(values, nulls, 2, m->modal_share[r]);
		lca_set_double(values, nulls, 3, m->avepp[r]);
		if (ncol > 4)
			lca_set_double(values, nulls, 4, m->share_se ? m->share_se[r] : NAN);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	scomm_lca_model_free(m);
	return (Datum) 0;
}

/* lca_items(model): class, item, category, probability, se */
PG_FUNCTION_INFO_V1(lca_items);
Datum
lca_items(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	scomm_lca_model *m = ModelDecode(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0)));
	int			r,
				j,
				k,
				ncol;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	/* 1.0's declaration has 4 columns, 1.1's adds se */
	ncol = rsinfo->setDesc->natts;
	for (r = 0; r < m->nclass; r++)
	{
		int			off = 0;

		for (j = 0; j < m->nitems; j++)
		{
			for (k = 0; k < m->ncat[j]; k++)
			{
				size_t		o = (size_t) r * m->ncat_total + off + k;
				Datum		values[5];
				bool		nulls[5] = {false, false, false, false, false};

				values[0] = Int32GetDatum(r + 1);
				values[1] = Int32GetDatum(j + 1);
				values[2] = Int32GetDatum(k + 1);
				values[3] = Float8GetDatum(m->probs[o]);
				if (ncol > 4)
					lca_set_double(values, nulls, 4, m->probs_se ? m->probs_se[o] : NAN);
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			}
			off += m->ncat[j];
		}
	}
	scomm_lca_model_free(m);
	return (Datum) 0;
}

/* ---------------------------------------------------------------------------
 * classification
 * ---------------------------------------------------------------------------
 */

/*
 * Posterior and modal class of one row of answers (and covariates: NULL for
 * none) under model m.  Returns false when a covariate is NULL (the row has
 * no posterior: the caller returns NULL).
 */
static bool
Classify(const scomm_lca_model *m, Datum items, const Datum *covariates,
		 double *post, int *modal)
{
	unsigned char bytes[SCOMM_LCA_MAX_ITEMS];
	int			answers[SCOMM_LCA_MAX_ITEMS];
	double		cov[SCOMM_LCA_MAX_COVARIATES];
	int			n = lca_read_items(items, bytes);
	int			ncov = 0;
	int			j;

	if (n != m->nitems)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("response pattern has %d items, the model has %d", n, m->nitems)));
	if (covariates != NULL && (ncov = lca_read_covariates(*covariates, cov)) < 0)
		return false;
	if (ncov != m->ncov)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d covariates given, the model has %d", ncov, m->ncov),
				 m->ncov > 0 ? errhint("Pass the covariates the model was fitted with, in the same order, as a float8[].") : 0));
	for (j = 0; j < n; j++)
		answers[j] = bytes[j];
	for (j = 0; j < n; j++)
		if (answers[j] > m->ncat[j])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("category %d of item %d is not in the model", answers[j], j + 1),
					 errdetail("Item %d has categories 1 to %d in the model.", j + 1, m->ncat[j])));
	if (scomm_lca_posterior_cov(m, answers, n, cov, ncov, post, modal) != SCOMM_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no class of the model can produce this response pattern"),
				 errdetail("Some answer has probability 0 in every class.")));
	return true;
}

/*
 * lca_classify(model, items[, covariates]): not STRICT in 1.1 because
 * covariates defaults to NULL (no covariates); a NULL model or items still
 * give NULL, and so does a NULL covariate of a covariate model.
 */
PG_FUNCTION_INFO_V1(lca_classify);
Datum
lca_classify(PG_FUNCTION_ARGS)
{
	scomm_lca_model *m;
	Datum		cov;
	int			modal;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	m = GetModel(fcinfo, 0);
	cov = PG_NARGS() > 2 ? PG_GETARG_DATUM(2) : (Datum) 0;
	if (!Classify(m, PG_GETARG_DATUM(1), PG_NARGS() > 2 && !PG_ARGISNULL(2) ? &cov : NULL,
				  NULL, &modal))
		PG_RETURN_NULL();
	PG_RETURN_INT32(modal);
}

/* lca_posterior(model, items[, covariates]): as lca_classify */
PG_FUNCTION_INFO_V1(lca_posterior);
Datum
lca_posterior(PG_FUNCTION_ARGS)
{
	scomm_lca_model *m;
	double		post[SCOMM_LCA_MAX_CLASSES];
	Datum		elems[SCOMM_LCA_MAX_CLASSES];
	Datum		cov;
	int			r;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	m = GetModel(fcinfo, 0);
	cov = PG_NARGS() > 2 ? PG_GETARG_DATUM(2) : (Datum) 0;
	if (!Classify(m, PG_GETARG_DATUM(1), PG_NARGS() > 2 && !PG_ARGISNULL(2) ? &cov : NULL,
				  post, NULL))
		PG_RETURN_NULL();
	for (r = 0; r < m->nclass; r++)
		elems[r] = Float8GetDatum(post[r]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, m->nclass, FLOAT8OID, sizeof(float8),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * lca_coefficients(model): class (2..R), covariate (0 = intercept, 1..P),
 * estimate (log odds against class 1), se.  A model of scomm 1.0 has the
 * intercepts log(share_r / share_1) without standard errors.
 */
PG_FUNCTION_INFO_V1(lca_coefficients);
Datum
lca_coefficients(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	scomm_lca_model *m = ModelDecode(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0)));
	int			S = m->ncov + 1,
				r,
				s;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	for (r = 1; r < m->nclass; r++)
		for (s = 0; s < S; s++)
		{
			Datum		values[4];
			bool		nulls[4] = {false, false, false, false};
			int			k = (r - 1) * S + s;

			values[0] = Int32GetDatum(r + 1);
			values[1] = Int32GetDatum(s);
			lca_set_double(values, nulls, 2, m->coef ? m->coef[k] : log(m->share[r] / m->share[0]));
			lca_set_double(values, nulls, 3, m->coef_se ? m->coef_se[k] : NAN);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	scomm_lca_model_free(m);
	return (Datum) 0;
}
