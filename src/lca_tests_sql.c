/*
 * lca_tests_sql.c: how many latent classes, and class means of an outcome,
 * in SQL (the core is src/core/lca_tests.c):
 *
 *   lca_select(patterns, max_classes, ...)  the fit table for 1..max classes
 *       with, from 1.1, the tests of k - 1 against k classes: the
 *       Vuong-Lo-Mendell-Rubin and adjusted LMR tests, and the bootstrap
 *       likelihood-ratio test when draws > 0;
 *   lca_bch_state(posterior, outcome)       aggregate: the sufficient
 *       statistics of the class means (a float8[], mergeable);
 *   lca_bch(state)                          each class's mean of the
 *       outcome by modal assignment and corrected by BCH weights, with SEs.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "compat.h"
#include "lca_glue.h"
#include "scomm_random.h"

#define LCA_MAX_DRAWS 10000
#define LCA_MAX_BOOT_STARTS 1000
#define SELECT_TEST_COLUMNS 6

/* the bootstrap arguments of lca_select (1.1) */
typedef struct BootArgs
{
	int			draws;
	int			starts;
} BootArgs;

static BootArgs
ReadBootArgs(FunctionCallInfo fcinfo)
{
	BootArgs	b = {0, 1};

	if (PG_NARGS() < 9)
		return b;
	lca_require_arg(fcinfo, 7, "draws");
	lca_require_arg(fcinfo, 8, "bootstrap_starts");
	b.draws = PG_GETARG_INT32(7);
	b.starts = PG_GETARG_INT32(8);
	if (b.draws < 0 || b.draws > LCA_MAX_DRAWS)
		ereport(ERROR,
				(errcode(b.draws < 0 ? ERRCODE_INVALID_PARAMETER_VALUE : ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("draws must be between 0 and %d, not %d", LCA_MAX_DRAWS, b.draws),
				 errhint("0 skips the bootstrap test; 100 to 500 draws give its p-value to about 0.01.")));
	if (b.starts < 1 || b.starts > LCA_MAX_BOOT_STARTS)
		ereport(ERROR,
				(errcode(b.starts < 1 ? ERRCODE_INVALID_PARAMETER_VALUE : ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("bootstrap_starts must be between 1 and %d, not %d", LCA_MAX_BOOT_STARTS, b.starts)));
	return b;
}

/* ERROR unless every count is a whole number (the bootstrap draws rows). */
static void
RequireWholeCounts(const scomm_lca_table *t)
{
	size_t		i;
	double		c;

	if (!(scomm_lca_table_total(t) <= 2147483647.0))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the bootstrap test draws at most 2147483647 rows, the table has %.15g",
						scomm_lca_table_total(t))));
	for (i = 0; i < scomm_lca_table_npatterns(t); i++)
	{
		scomm_lca_table_get(t, i, NULL, &c);
		if (c != floor(c))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the bootstrap test needs whole counts, the table has a count of %.15g", c),
					 errhint("Pass draws => 0, or count rows rather than weights.")));
	}
}

/* the test columns of k - 1 against k classes */
static void
TestColumns(const scomm_lca_table *t, const scomm_lca_model *m0,
			const scomm_lca_model *m1, const LcaFitArgs *a, const BootArgs *b,
			Datum *values, bool *nulls)
{
	scomm_lca_lrt l;
	scomm_status st;
	int			i;

	for (i = 0; i < SELECT_TEST_COLUMNS; i++)
		nulls[i] = true;
	if (m0 == NULL)
		return;
	st = scomm_lca_lmr(t, m0, m1, &l);
	if (st == SCOMM_OK)
	{
		lca_set_double(values, nulls, 0, l.lr);
		lca_set_double(values, nulls, 1, l.vlmr_p);
		lca_set_double(values, nulls, 2, l.lmr_lr);
		lca_set_double(values, nulls, 3, l.lmr_p);
	}
	else if (st == SCOMM_ETOOBIG || st == SCOMM_ESINGULAR)
		lca_set_double(values, nulls, 0, 2.0 * (m1->loglik - m0->loglik));
	else
		lca_check_status(st, "testing the number of classes");
	if (b->draws > 0)
	{
		scomm_lca_options o = lca_fit_options(a, m1->nclass);
		double		p;
		int			used;

		o.starts = b->starts;
		st = scomm_lca_blrt(t, m0, m1, &o, b->draws,
							scomm_mix64((uint64_t) a->seed ^ (uint64_t) m1->nclass), &p, &used);
		lca_check_status(st, "drawing the bootstrap likelihood-ratio test");
		lca_set_double(values, nulls, 4, p);
		values[5] = Int32GetDatum(used);
		nulls[5] = false;
	}
}

/*
 * lca_select(patterns, max_classes, starts, seed, max_iter, tolerance
 * [, accelerate, draws, bootstrap_starts]): the fit table for 1..max_classes
 * (1.0's declaration: the 16 columns of lca_fit_result; 1.1's adds the tests)
 */
PG_FUNCTION_INFO_V1(lca_select);
Datum
lca_select(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	LcaFitArgs	a;
	BootArgs	b;
	scomm_lca_table *t;
	scomm_lca_model *prev = NULL;
	bool		owned,
				tests;
	int			max_classes,
				k;

	lca_require_arg(fcinfo, 0, "patterns");
	lca_require_arg(fcinfo, 1, "max_classes");
	a = lca_read_fit_args(fcinfo, 2);
	b = ReadBootArgs(fcinfo);
	max_classes = PG_GETARG_INT32(1);
	t = lca_patterns_table(PG_GETARG_DATUM(0), &owned);
	lca_check_table(t, max_classes, "max_classes");
	if (b.draws > 0)
		RequireWholeCounts(t);
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	tests = rsinfo->setDesc->natts > LCA_FIT_COLUMNS;
	for (k = 1; k <= max_classes; k++)
	{
		scomm_lca_model *m = lca_fit(t, k, &a);
		Datum		values[LCA_FIT_COLUMNS + SELECT_TEST_COLUMNS];
		bool		nulls[LCA_FIT_COLUMNS + SELECT_TEST_COLUMNS];

		lca_fit_row(m, values, nulls);
		if (tests)
			TestColumns(t, prev, m, &a, &b, values + LCA_FIT_COLUMNS, nulls + LCA_FIT_COLUMNS);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if (prev != NULL)
			scomm_lca_model_free(prev);
		prev = m;
	}
	scomm_lca_model_free(prev);
	if (owned)
		scomm_lca_table_free(t);
	return (Datum) 0;
}

/* ---------------------------------------------------------------------------
 * BCH class means of an outcome
 * ---------------------------------------------------------------------------
 */

#define BCH_HINT "An lca_bch_state is the float8[] that the aggregate lca_bch_state(posterior, outcome) returns."

/* The state array's values after checking that it is one (R classes). */
static double *
StateValues(ArrayType *a, int *R, const char *what)
{
	int			n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	double	   *v = (double *) ARR_DATA_PTR(a);
	int			i;

	if (ARR_NDIM(a) != 1 || ARR_HASNULL(a) || n < 1 || !(v[0] >= 1 && v[0] <= SCOMM_LCA_MAX_CLASSES) ||
		v[0] != floor(v[0]) || n != scomm_lca_bch_size((int) v[0]))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s: not a state of lca_bch_state", what),
				 errhint(BCH_HINT)));
	for (i = 1; i < n; i++)
		if (!isfinite(v[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid %s: element %d is %s", what, i + 1, float8out_internal(v[i])),
					 errhint(BCH_HINT)));
	*R = (int) v[0];
	return v;
}

/* A new state array of R classes (in the current memory context). */
static ArrayType *
NewState(int R)
{
	int			n = scomm_lca_bch_size(R);
	Datum	   *zeros = palloc0(n * sizeof(Datum));
	ArrayType  *a;
	int			i;

	for (i = 0; i < n; i++)
		zeros[i] = Float8GetDatum(i == 0 ? (double) R : 0.0);
	a = construct_array(zeros, n, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
	pfree(zeros);
	return a;
}

/*
 * The state to update: in aggregate context the state itself (it lives in
 * the aggregate context and is ours), else a copy.
 */
static ArrayType *
WritableBchState(FunctionCallInfo fcinfo, int R)
{
	MemoryContext aggcxt,
				old;
	ArrayType  *a;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		aggcxt = NULL;
	if (PG_ARGISNULL(0))
	{
		old = MemoryContextSwitchTo(aggcxt ? aggcxt : CurrentMemoryContext);
		a = NewState(R);
		MemoryContextSwitchTo(old);
		return a;
	}
	return aggcxt ? PG_GETARG_ARRAYTYPE_P(0) : PG_GETARG_ARRAYTYPE_P_COPY(0);
}

/*
 * transition of lca_bch_state(posterior, outcome): a row with a NULL
 * posterior or outcome is ignored (not STRICT, so that the state is created
 * from the first posterior's length)
 */
PG_FUNCTION_INFO_V1(lca_bch_accum);
Datum
lca_bch_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *post,
			   *state;
	double	   *v;
	double		y;
	int			R,
				Rs,
				i;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	post = PG_GETARG_ARRAYTYPE_P(1);
	y = PG_GETARG_FLOAT8(2);
	R = ArrayGetNItems(ARR_NDIM(post), ARR_DIMS(post));
	if (ARR_NDIM(post) != 1 || ARR_HASNULL(post) || R < 1 || R > SCOMM_LCA_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("posterior must be a one-dimensional float8[] of 1 to %d probabilities without NULLs",
						SCOMM_LCA_MAX_CLASSES),
				 errhint("Pass lca_posterior(model, items) of the row.")));
	if (!isfinite(y))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("outcome must be a finite number, not %s", float8out_internal(y)),
				 errhint("Write an unknown outcome as NULL: the row is then left out.")));
	state = WritableBchState(fcinfo, R);
	v = StateValues(state, &Rs, "lca_bch_state");
	if (Rs != R)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("posterior has %d classes, earlier rows have %d", R, Rs)));
	if (scomm_lca_bch_add(v, R, (const double *) ARR_DATA_PTR(post), y) != SCOMM_OK)
	{
		const double *p = (const double *) ARR_DATA_PTR(post);

		for (i = 0; i < R && p[i] >= 0.0 && p[i] <= 1.0; i++)
			;
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("posterior probability %d is %s, not between 0 and 1", i + 1,
						float8out_internal(i < R ? p[i] : NAN))));
	}
	PG_RETURN_ARRAYTYPE_P(state);
}

/* combine of lca_bch_state: element-wise sum of two states of the same classes */
PG_FUNCTION_INFO_V1(lca_bch_merge);
Datum
lca_bch_merge(PG_FUNCTION_ARGS)
{
	ArrayType  *a,
			   *b;
	double	   *va,
			   *vb;
	int			Ra,
				Rb,
				i;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = PG_GETARG_ARRAYTYPE_P(1);
	vb = StateValues(b, &Rb, "lca_bch_state");
	if (PG_ARGISNULL(0))
	{
		MemoryContext aggcxt;

		if (!AggCheckCallContext(fcinfo, &aggcxt))
			aggcxt = CurrentMemoryContext;
		a = (ArrayType *) MemoryContextAlloc(aggcxt, VARSIZE(b));
		memcpy(a, b, VARSIZE(b));
		PG_RETURN_ARRAYTYPE_P(a);
	}
	a = WritableBchState(fcinfo, Rb);
	va = StateValues(a, &Ra, "lca_bch_state");
	if (Ra != Rb)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge an lca_bch_state of %d classes with one of %d", Ra, Rb)));
	for (i = 1; i < scomm_lca_bch_size(Ra); i++)
		va[i] += vb[i];
	PG_RETURN_ARRAYTYPE_P(a);
}

/*
 * lca_bch(state): class, modal_n, modal_mean, modal_se, bch_n, bch_mean,
 * bch_se
 */
PG_FUNCTION_INFO_V1(lca_bch);
Datum
lca_bch(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			R,
				r;
	double	   *v = StateValues(PG_GETARG_ARRAYTYPE_P(0), &R, "lca_bch_state");
	scomm_lca_bch_row *rows = palloc(R * sizeof(scomm_lca_bch_row));

	lca_check_status(scomm_lca_bch(v, R, rows), "computing the class means");
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	for (r = 0; r < R; r++)
	{
		Datum		values[7];
		bool		nulls[7] = {false};

		values[0] = Int32GetDatum(r + 1);
		lca_set_double(values, nulls, 1, rows[r].modal_n);
		lca_set_double(values, nulls, 2, rows[r].modal_mean);
		lca_set_double(values, nulls, 3, rows[r].modal_se);
		lca_set_double(values, nulls, 4, rows[r].bch_n);
		lca_set_double(values, nulls, 5, rows[r].bch_mean);
		lca_set_double(values, nulls, 6, rows[r].bch_se);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
