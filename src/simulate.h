/*
 * simulate.h: shared pieces of the calibrated simulators.
 */
#ifndef SCOMM_SIMULATE_H
#define SCOMM_SIMULATE_H

#include "postgres.h"
#include "fmgr.h"

#include <gsl/gsl_rng.h>

#include "scomm_random.h"

/* one county given to a simulator */
typedef struct SimCounty
{
	char	   *fips;
	int32		cohort;			/* ActivationCohort */
	double		weight;			/* non-citizens or population */
} SimCounty;

extern SimCounty *SimReadCounties(FunctionCallInfo fcinfo, const char *weight_name, int *n);
extern gsl_rng *SimRng(void);
extern void SimSeed(gsl_rng *rng, int64 seed, uint64 stream);

#endif
