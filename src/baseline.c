/*
 * baseline.c: the window functions baseline_change and baseline_ratio: a
 * row's value minus (or divided by) the mean of its partition's values
 * before activation.  The baseline is computed once per partition, on the
 * first row, and kept in the partition's local memory.
 *
 * A partition is one locality, so it has one activation date: the non-NULL
 * cohorts of a partition must all be equal (ERROR 22023 otherwise); rows with
 * a NULL cohort are classified by the partition's cohort.  Never activated
 * comes after every date, so every row of a never partition is before.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/float.h"
#include "windowapi.h"

#include "compat.h"
#include "activation_cohort.h"
#include "prepost_core.h"
#include "result_util.h"

extern Datum activation_cohort_out(PG_FUNCTION_ARGS);

typedef struct Baseline
{
	bool		computed;
	bool		defined;		/* some value before activation */
	double		mean;
} Baseline;

static char *
CohortText(ActivationCohort c)
{
	return DatumGetCString(DirectFunctionCall1(activation_cohort_out, ActivationCohortGetDatum(c)));
}

/* the partition's cohort; false when every row's cohort is NULL */
static bool
PartitionCohort(WindowObject winobj, ActivationCohort *cohort)
{
	bool		found = false;
	bool		isnull;
	bool		isout;
	int64		pos;

	for (pos = 0;; pos++)
	{
		Datum		d = WinGetFuncArgInPartition(winobj, 2, pos, WINDOW_SEEK_HEAD,
												 false, &isnull, &isout);
		ActivationCohort c;

		if (isout)
			break;
		CHECK_FOR_INTERRUPTS();
		if (isnull)
			continue;
		c = DatumGetActivationCohort(d);
		if (found && c != *cohort)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("activation cohort differs within a window partition: %s and %s",
							CohortText(*cohort), CohortText(c)),
					 errhint("Partition by the locality whose cohort it is (PARTITION BY county).")));
		*cohort = c;
		found = true;
	}
	return found;
}

/*
 * Add x to a running mean (Welford's update, as prepost); when the step
 * x - mean overflows (values near +-1e308 of both signs), the update in
 * halves that cannot overflow, so that a representable mean is found.
 */
static void
MeanAdd(prepost_moments *m, double x)
{
	double		delta = x - m->mean;

	if (isfinite(delta))
	{
		prepost_moments_add(m, x);
		return;
	}
	m->n++;
	m->mean += x / (double) m->n - m->mean / (double) m->n;
}

/* mean of the partition's finite values dated before the cohort's activation */
static void
ComputeBaseline(WindowObject winobj, Baseline *b)
{
	ActivationCohort cohort = COHORT_NEVER;
	prepost_moments m = {0, 0, 0};
	bool		isnull;
	bool		isout;
	int64		pos;

	b->computed = true;
	if (!PartitionCohort(winobj, &cohort))
		return;
	for (pos = 0;; pos++)
	{
		Datum		v = WinGetFuncArgInPartition(winobj, 0, pos, WINDOW_SEEK_HEAD,
												 false, &isnull, &isout);
		double		value;
		Datum		at;
		bool		atnull;

		if (isout)
			break;
		if (isnull)
			continue;
		value = DatumGetFloat8(v);
		if (!isfinite(value))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("baseline value must be finite: \"%s\"", float8out_internal(value)),
					 errhint("Turn NaN and infinite values into NULL with NULLIF to skip them.")));
		at = WinGetFuncArgInPartition(winobj, 1, pos, WINDOW_SEEK_HEAD, false, &atnull, &isout);
		if (!atnull && DatumGetDateADT(at) < cohort)
		{
			MeanAdd(&m, value);
			ScommCheckFinite(m.mean, "baseline mean");
		}
		CHECK_FOR_INTERRUPTS();
	}
	b->defined = m.n > 0;
	b->mean = m.mean;
}

/* the current row's value and its partition's baseline; false when either is NULL */
static bool
ValueAndBaseline(FunctionCallInfo fcinfo, double *value, double *baseline)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	Baseline   *b = WinGetPartitionLocalMemory(winobj, sizeof(Baseline));
	bool		isnull;
	Datum		v;

	if (!b->computed)
		ComputeBaseline(winobj, b);
	v = WinGetFuncArgCurrent(winobj, 0, &isnull);
	if (isnull || !b->defined)
		return false;
	*value = DatumGetFloat8(v);
	*baseline = b->mean;
	return true;
}

/* window function: value minus the partition's pre-activation mean */
PG_FUNCTION_INFO_V1(baseline_change);
Datum
baseline_change(PG_FUNCTION_ARGS)
{
	double		value,
				baseline;

	if (!ValueAndBaseline(fcinfo, &value, &baseline))
		PG_RETURN_NULL();
	SCOMM_RETURN_FLOAT8(value - baseline, "baseline_change");
}

/* window function: value divided by the partition's pre-activation mean (NULL when 0) */
PG_FUNCTION_INFO_V1(baseline_ratio);
Datum
baseline_ratio(PG_FUNCTION_ARGS)
{
	double		value,
				baseline;

	if (!ValueAndBaseline(fcinfo, &value, &baseline) || baseline == 0)
		PG_RETURN_NULL();
	SCOMM_RETURN_FLOAT8(value / baseline, "baseline_ratio");
}
