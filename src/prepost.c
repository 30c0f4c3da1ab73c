/*
 * prepost.c: the prepost aggregates — transition (all rows, or rows within a
 * window around activation), combine, and the final function that turns a
 * prepost_state into means, standard deviations, the change and Welch's
 * test — and prepost_diff, the two-group difference in differences.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "common/int.h"
#include "funcapi.h"
#include "nodes/execnodes.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/float.h"
#include "utils/timestamp.h"

#include "compat.h"
#include "activation_cohort.h"
#include "prepost.h"
#include "arg_util.h"
#include "result_util.h"

/* The window's bounds as day numbers for the last cohort seen (fn_extra). */
typedef struct WindowCache
{
	bool		valid;
	ActivationCohort cohort;
	Interval	within;
	DateADT		lo;				/* first date counted */
	DateADT		hi;				/* first date no longer counted */
} WindowCache;

/*
 * The state to update: in aggregate context the state itself (allocated here
 * on the first call, so neither detoasted nor checked again), otherwise a
 * checked copy so that the caller's value is untouched.
 */
static PrepostState *
WritableState(FunctionCallInfo fcinfo, PrepostKind kind, const Interval *within)
{
	MemoryContext aggcxt;
	PrepostState *s;
	PrepostState *copy;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		aggcxt = NULL;
	if (PG_ARGISNULL(0))
		return prepost_state_new(aggcxt ? aggcxt : CurrentMemoryContext, kind, within);
	if (aggcxt != NULL)
		return (PrepostState *) PG_GETARG_POINTER(0);	/* our own, checked state */
	s = PG_GETARG_PREPOST_STATE_P(0);
	prepost_state_check(s);
	copy = prepost_state_new(CurrentMemoryContext, s->kind, &s->within);
	copy->side[0] = s->side[0];
	copy->side[1] = s->side[1];
	return copy;
}

/* Refuse to combine states that count different rows. */
static void
CheckSameWindow(const PrepostState *a, const PrepostState *b)
{
	if (a->kind != b->kind ||
		(a->kind == PREPOST_WITHIN &&
		 (a->within.month != b->within.month || a->within.day != b->within.day ||
		  a->within.time != b->within.time)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine prepost states with different windows: %s and %s",
						prepost_window_text(a), prepost_window_text(b)),
				 errhint("Only states computed with the same within argument (the same months, days and time) can be merged.")));
}

static inline void
CheckFiniteMoments(const prepost_moments *m)
{
	if (unlikely(!isfinite(m->mean) || !isfinite(m->m2)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("prepost mean or variance out of range"),
				 errdetail("The values are too large in magnitude for double precision moments.")));
}

/* Reject a NaN or infinite value and an infinite date. */
static pg_noinline void
RowError(double value, DateADT at)
{
	if (!isfinite(value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prepost value must be finite: \"%s\"", float8out_internal(value)),
				 errhint("Filter out NaN and infinite values, or turn them into NULL with NULLIF, to skip them.")));
	if (DATE_NOT_FINITE(at))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("prepost date must be finite: \"%s\"",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(at))))));
}

static inline void
CheckRow(double value, DateADT at)
{
	if (unlikely(!isfinite(value) || DATE_NOT_FINITE(at)))
		RowError(value, at);
}

/* ceil(ts / day): the first date whose midnight is at or after ts */
static DateADT
CeilDay(Timestamp ts)
{
	int64		q = ts / USECS_PER_DAY;

	if (ts % USECS_PER_DAY > 0)
		q++;
	if (q < DATEVAL_NOBEGIN + 1 || q > DATEVAL_NOEND - 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("prepost window bound out of range")));
	return (DateADT) q;
}

/* the cached window [lo, hi) around the activation of cohort c */
static WindowCache *
WindowFor(FunctionCallInfo fcinfo, ActivationCohort c, const Interval *within)
{
	WindowCache *w = fcinfo->flinfo->fn_extra;

	if (w == NULL)
		w = fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(WindowCache));
	if (!w->valid || w->cohort != c || w->within.month != within->month ||
		w->within.day != within->day || w->within.time != within->time)
	{
		Datum		d = DateADTGetDatum(c);
		Datum		iv = IntervalPGetDatum((Interval *) within);

		w->lo = CeilDay(DatumGetTimestamp(DirectFunctionCall2(date_mi_interval, d, iv)));
		w->hi = CeilDay(DatumGetTimestamp(DirectFunctionCall2(date_pl_interval, d, iv)));
		w->cohort = c;
		w->within = *within;
		w->valid = true;
	}
	return w;
}

/* Count one row into its side. */
static void
AddRow(PrepostState *s, double value, DateADT at, ActivationCohort c)
{
	prepost_moments *m = &s->side[at < c ? SIDE_BEFORE : SIDE_AFTER];

	prepost_moments_add(m, value);
	CheckFiniteMoments(m);
}

/*
 * transition of prepost(value, at, cohort): rows with a NULL argument or a
 * never cohort are ignored; before means at < activation date.
 */
PG_FUNCTION_INFO_V1(prepost_accum);
Datum
prepost_accum(PG_FUNCTION_ARGS)
{
	PrepostState *s;
	double		value;
	DateADT		at;
	ActivationCohort c;

	/* fast path: our own state in a plain aggregate (every row but the first) */
	if (likely(!PG_ARGISNULL(0) && fcinfo->context != NULL && IsA(fcinfo->context, AggState)))
		s = (PrepostState *) PG_GETARG_POINTER(0);
	else
		s = WritableState(fcinfo, PREPOST_ALL, NULL);
	if (unlikely(s->kind != PREPOST_ALL))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot add a row without a window to a prepost state %s", prepost_window_text(s)),
				 errhint("Use prepost_accum_within with the state's window.")));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(s);
	value = PG_GETARG_FLOAT8(1);
	at = PG_GETARG_DATEADT(2);
	c = PG_GETARG_ACTIVATION_COHORT(3);
	CheckRow(value, at);
	if (c != COHORT_NEVER)
		AddRow(s, value, at, c);
	PG_RETURN_POINTER(s);
}

/*
 * transition of prepost(value, at, cohort, within): as prepost_accum, but
 * only rows with activation - within <= at < activation + within count.
 */
PG_FUNCTION_INFO_V1(prepost_accum_within);
Datum
prepost_accum_within(PG_FUNCTION_ARGS)
{
	Interval   *within;
	PrepostState *s;
	double		value;
	DateADT		at;
	ActivationCohort c;
	WindowCache *w;

	ScommRequireArg(fcinfo, 4, "within",
					"Use prepost(value, at, cohort) without a window to count every row.");
	within = PG_GETARG_INTERVAL_P(4);
	if (!prepost_window_positive(within))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prepost window must be longer than zero: \"%s\"",
						DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(within))))));
	s = WritableState(fcinfo, PREPOST_WITHIN, within);
	if (s->kind != PREPOST_WITHIN || s->within.month != within->month ||
		s->within.day != within->day || s->within.time != within->time)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prepost window changed within one aggregate: %s and within %s",
						prepost_window_text(s),
						DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(within)))),
				 errhint("Use the same within argument for every row of a group.")));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(s);
	value = PG_GETARG_FLOAT8(1);
	at = PG_GETARG_DATEADT(2);
	c = PG_GETARG_ACTIVATION_COHORT(3);
	CheckRow(value, at);
	if (c == COHORT_NEVER)
		PG_RETURN_POINTER(s);
	w = WindowFor(fcinfo, c, within);
	if (at >= w->lo && at < w->hi)
		AddRow(s, value, at, c);
	PG_RETURN_POINTER(s);
}

/* combine: fold the second state into the first (either may be NULL) */
PG_FUNCTION_INFO_V1(prepost_state_merge);
Datum
prepost_state_merge(PG_FUNCTION_ARGS)
{
	PrepostState *s;
	PrepostState *other;
	int			i;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	other = PG_GETARG_PREPOST_STATE_P(1);
	prepost_state_check(other);
	s = WritableState(fcinfo, other->kind, &other->within);
	CheckSameWindow(s, other);
	for (i = 0; i < 2; i++)
	{
		if (pg_add_s64_overflow(s->side[i].n, other->side[i].n, &(int64){0}))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("prepost count out of range")));
		prepost_moments_merge(&s->side[i], &other->side[i]);
		CheckFiniteMoments(&s->side[i]);
	}
	PG_RETURN_POINTER(s);
}

/* a float8 result column: NULL when NaN (undefined), ERROR 22003 when infinite */
#define SetDouble(values, nulls, i, x) ScommSetFloat8(values, nulls, i, x, "prepost")

/*
 * final: n, mean, sd per side, change, pct_change and Welch's test as a
 * prepost_result row.  A NULL state is an empty one.  The state is not
 * modified (window mode calls this repeatedly).
 */
PG_FUNCTION_INFO_V1(prepost_state_result);
Datum
prepost_state_result(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[13] = {0};
	bool		nulls[13] = {0};
	prepost_moments side[2] = {{0, 0, 0}, {0, 0, 0}};
	double		coef[2] = {-1, 1};
	int64_t		n[2];
	double		mean[2],
				var[2];
	prepost_test test;
	int			i;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (!PG_ARGISNULL(0))
	{
		PrepostState *s = PG_GETARG_PREPOST_STATE_P(0);

		prepost_state_check(s);
		side[0] = s->side[0];
		side[1] = s->side[1];
	}
	for (i = 0; i < 2; i++)
	{
		n[i] = side[i].n;
		mean[i] = side[i].n > 0 ? side[i].mean : NAN;
		var[i] = prepost_moments_var(&side[i]);
		values[3 * i] = Int64GetDatum(side[i].n);
		SetDouble(values, nulls, 3 * i + 1, mean[i]);
		SetDouble(values, nulls, 3 * i + 2, sqrt(var[i]));
	}
	prepost_contrast(2, coef, n, mean, var, 0.05, &test);
	SetDouble(values, nulls, 6, test.estimate);
	SetDouble(values, nulls, 7, (isnan(test.estimate) || mean[0] == 0) ? NAN :
			  100.0 * test.estimate / mean[0]);
	SetDouble(values, nulls, 8, test.t);
	SetDouble(values, nulls, 9, test.df);
	SetDouble(values, nulls, 10, test.p_value);
	SetDouble(values, nulls, 11, test.ci_low);
	SetDouble(values, nulls, 12, test.ci_high);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/* read n, mean and variance of one side (0 before, 1 after) of a prepost_result */
static void
ResultSide(HeapTupleHeader r, int side, char which, int64_t *n, double *mean, double *var)
{
	const char *name = side ? "after" : "before";
	bool		isnull;
	Datum		d;
	double		sd;

	d = GetAttributeByNum(r, 3 * side + 1, &isnull);
	*n = isnull ? 0 : DatumGetInt64(d);
	d = GetAttributeByNum(r, 3 * side + 2, &isnull);
	*mean = isnull ? NAN : DatumGetFloat8(d);
	d = GetAttributeByNum(r, 3 * side + 3, &isnull);
	sd = isnull ? NAN : DatumGetFloat8(d);
	if (*n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prepost_diff: n_%s of %c is negative: " INT64_FORMAT, name, which, (int64) *n)));
	if (*n > 0 && !isfinite(*mean))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prepost_diff: mean_%s of %c must be a finite number when n_%s is " INT64_FORMAT,
						name, which, name, (int64) *n),
				 errhint("Pass the prepost_result rows that prepost() returns.")));
	if (!isnan(sd) && !(sd >= 0 && isfinite(sd)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prepost_diff: sd_%s of %c must be a finite number of zero or more: %g",
						name, which, sd),
				 errhint("Pass the prepost_result rows that prepost() returns.")));
	*var = sd * sd;
	if (!isfinite(*var) && !isnan(*var))
		ScommFloatOverflow(*var, "prepost_diff");
}

/*
 * prepost_diff(a, b): (after_a - before_a) - (after_b - before_b), its
 * standard error sqrt of the sum of the four var/n, and Welch's t-test with
 * Welch-Satterthwaite degrees of freedom, p-value and 95% interval.
 */
PG_FUNCTION_INFO_V1(prepost_diff);
Datum
prepost_diff(PG_FUNCTION_ARGS)
{
	HeapTupleHeader a = PG_GETARG_HEAPTUPLEHEADER(0);
	HeapTupleHeader b = PG_GETARG_HEAPTUPLEHEADER(1);
	double		coef[4] = {-1, 1, 1, -1};
	int64_t		n[4];
	double		mean[4],
				var[4];
	prepost_test test;
	TupleDesc	tupdesc;
	Datum		values[7] = {0};
	bool		nulls[7] = {0};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	ResultSide(a, 0, 'a', &n[0], &mean[0], &var[0]);
	ResultSide(a, 1, 'a', &n[1], &mean[1], &var[1]);
	ResultSide(b, 0, 'b', &n[2], &mean[2], &var[2]);
	ResultSide(b, 1, 'b', &n[3], &mean[3], &var[3]);
	prepost_contrast(4, coef, n, mean, var, 0.05, &test);
	SetDouble(values, nulls, 0, test.estimate);
	SetDouble(values, nulls, 1, test.se);
	SetDouble(values, nulls, 2, test.t);
	SetDouble(values, nulls, 3, test.df);
	SetDouble(values, nulls, 4, test.p_value);
	SetDouble(values, nulls, 5, test.ci_low);
	SetDouble(values, nulls, 6, test.ci_high);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
