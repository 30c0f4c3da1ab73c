/*
 * activation_cohort.h: when a locality's Secure Communities activation
 * happened, as a date's day number, with "never" after every date.
 */
#ifndef SCOMM_ACTIVATION_COHORT_H
#define SCOMM_ACTIVATION_COHORT_H

#include "postgres.h"
#include "fmgr.h"
#include "utils/date.h"

typedef int32 ActivationCohort;	/* a DateADT; COHORT_NEVER for never */

#define COHORT_NEVER PG_INT32_MAX

#define DatumGetActivationCohort(d) ((ActivationCohort) DatumGetInt32(d))
#define ActivationCohortGetDatum(c) Int32GetDatum(c)
#define PG_GETARG_ACTIVATION_COHORT(n) DatumGetActivationCohort(PG_GETARG_DATUM(n))
#define PG_RETURN_ACTIVATION_COHORT(c) return ActivationCohortGetDatum(c)

#endif
