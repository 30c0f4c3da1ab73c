/*
 * cohort_functions.c: functions of an activation cohort — activation date,
 * event time, early/late, fiscal year.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include "compat.h"
#include "activation_cohort.h"
#include "period.h"

PG_FUNCTION_INFO_V1(activation_cohort_activated_on);
Datum
activation_cohort_activated_on(PG_FUNCTION_ARGS)
{
	ActivationCohort c = PG_GETARG_ACTIVATION_COHORT(0);

	if (c == COHORT_NEVER)
		PG_RETURN_NULL();
	PG_RETURN_DATEADT(c);
}

/* true from the activation date on; never activated is never true */
PG_FUNCTION_INFO_V1(activation_cohort_is_activated);
Datum
activation_cohort_is_activated(PG_FUNCTION_ARGS)
{
	ActivationCohort c = PG_GETARG_ACTIVATION_COHORT(0);
	DateADT		at = PG_GETARG_DATEADT(1);

	PG_RETURN_BOOL(c != COHORT_NEVER && at >= c);
}

PG_FUNCTION_INFO_V1(activation_cohort_is_early);
Datum
activation_cohort_is_early(PG_FUNCTION_ARGS)
{
	ActivationCohort c = PG_GETARG_ACTIVATION_COHORT(0);
	DateADT		cutoff = PG_GETARG_DATEADT(1);

	PG_RETURN_BOOL(c != COHORT_NEVER && c < cutoff);
}

/* US federal fiscal year: FY N runs from 1 October N-1 to 30 September N */
PG_FUNCTION_INFO_V1(activation_cohort_fiscal_year);
Datum
activation_cohort_fiscal_year(PG_FUNCTION_ARGS)
{
	ActivationCohort c = PG_GETARG_ACTIVATION_COHORT(0);
	int			y,
				m,
				d;

	if (c == COHORT_NEVER)
		PG_RETURN_NULL();
	j2date(c + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	PG_RETURN_INT32(m >= 10 ? y + 1 : y);
}

/*
 * Periods from the one containing the activation to the one containing "at":
 * 0 is the activation period, -1 the period before.  NULL for never.
 */
PG_FUNCTION_INFO_V1(activation_cohort_event_time);
Datum
activation_cohort_event_time(PG_FUNCTION_ARGS)
{
	ActivationCohort c = PG_GETARG_ACTIVATION_COHORT(0);
	DateADT		at = PG_GETARG_DATEADT(1);
	PeriodUnit	unit = ParsePeriodUnit(PG_GETARG_TEXT_PP(2));

	if (c == COHORT_NEVER)
		PG_RETURN_NULL();
	if (DATE_NOT_FINITE(at))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("cannot compute the event time of an infinite date")));
	/* (dates span less than 2^31 days, cohorts years 1 to 9999: this fits) */
	PG_RETURN_INT32((int32) (PeriodIndex(at, unit) - PeriodIndex(c, unit)));
}
