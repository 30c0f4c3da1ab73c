/*
 * simulate_common.c: argument checking, deterministic random streams and
 * county input shared by the simulators.
 *
 * Every county (or unit) draws from its own generator, seeded from the
 * user's seed and the county's FIPS code (or the unit number), so results
 * never depend on the order of the input arrays or on what else is simulated.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "compat.h"
#include "activation_cohort.h"
#include "simulate.h"
#include "array_util.h"
#include "scomm_random.h"

#define NULL_COUNTY_HINT "Remove the county or give it a value, e.g. with coalesce()."

static int
CompareCounty(const void *a, const void *b)
{
	return strcmp(((const SimCounty *) a)->fips, ((const SimCounty *) b)->fips);
}

/*
 * Read arguments 0..2 (fips text[], cohort activation_cohort[], weight
 * float8[]) into counties sorted by FIPS; reject mismatched lengths,
 * duplicates and negative or non-finite weights.
 */
SimCounty *
SimReadCounties(FunctionCallInfo fcinfo, const char *weight_name, int *n)
{
	int			nf,
				nc,
				nw,
				i;
	Datum	   *fips = ScommArrayArg(fcinfo, 0, "fips", &nf, NULL_COUNTY_HINT);
	Datum	   *cohort = ScommArrayArg(fcinfo, 1, "cohort", &nc, NULL_COUNTY_HINT);
	Datum	   *weight = ScommArrayArg(fcinfo, 2, weight_name, &nw, NULL_COUNTY_HINT);
	SimCounty  *c;

	if (nf != nc || nf != nw)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("fips, cohort and %s must have the same length (%d, %d and %d)",
						weight_name, nf, nc, nw)));
	if (nf == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no counties to simulate")));
	c = palloc(sizeof(SimCounty) * nf);
	for (i = 0; i < nf; i++)
	{
		c[i].fips = TextDatumGetCString(fips[i]);
		c[i].cohort = DatumGetInt32(cohort[i]);
		c[i].weight = DatumGetFloat8(weight[i]);
		if (!isfinite(c[i].weight) || c[i].weight < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s of county \"%s\" must be a finite number of zero or more: %g",
							weight_name, c[i].fips, c[i].weight)));
	}
	qsort(c, nf, sizeof(SimCounty), CompareCounty);
	for (i = 1; i < nf; i++)
		if (strcmp(c[i].fips, c[i - 1].fips) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("county \"%s\" is given more than once", c[i].fips)));
	*n = nf;
	return c;
}

/* A Mersenne Twister generator, freed with gsl_rng_free. */
gsl_rng *
SimRng(void)
{
	gsl_rng    *rng = gsl_rng_alloc(gsl_rng_mt19937);

	if (rng == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory allocating a random number generator")));
	return rng;
}

/* Seed the generator for one stream (a county or unit) of a user seed. */
void
SimSeed(gsl_rng *rng, int64 seed, uint64 stream)
{
	gsl_rng_set(rng, (unsigned long) scomm_seed_stream((uint64) seed, stream));
}
