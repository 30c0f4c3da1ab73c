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

/* Deconstruct a 1-D array argument that must have no NULLs. */
static Datum *
ArgArray(FunctionCallInfo fcinfo, int argno, const char *name, int *n)
{
	Oid			elemtype;
	ArrayType  *arr;
	Datum	   *values;
	bool	   *nulls;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			i;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument %s must not be NULL", name)));
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("argument %s must be a one-dimensional array", name)));
	elemtype = ARR_ELEMTYPE(arr);
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(arr, elemtype, typlen, typbyval, typalign, &values, &nulls, n);
	for (i = 0; i < *n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("element %d of %s is NULL", i + 1, name),
					 errhint("Remove the county or give it a value, e.g. with coalesce().")));
	return values;
}

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
	Datum	   *fips = ArgArray(fcinfo, 0, "fips", &nf);
	Datum	   *cohort = ArgArray(fcinfo, 1, "cohort", &nc);
	Datum	   *weight = ArgArray(fcinfo, 2, weight_name, &nw);
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

/* splitmix64 finalizer (Steele, Lea & Flood 2014): portable 64-bit mixing */
static uint64
SplitMix64(uint64 x)
{
	x += UINT64CONST(0x9E3779B97F4A7C15);
	x = (x ^ (x >> 30)) * UINT64CONST(0xBF58476D1CE4E5B9);
	x = (x ^ (x >> 27)) * UINT64CONST(0x94D049BB133111EB);
	return x ^ (x >> 31);
}

/* Seed the generator for one stream (a county or unit) of a user seed. */
void
SimSeed(gsl_rng *rng, int64 seed, uint64 stream)
{
	uint64		h = SplitMix64((uint64) seed ^ SplitMix64(stream));

	gsl_rng_set(rng, (unsigned long) ((h ^ (h >> 32)) & 0xffffffff));
}

/* FNV-1a hash of a FIPS code: the same on every machine */
uint64
SimHashText(const char *s)
{
	uint64		h = UINT64CONST(0xcbf29ce484222325);

	for (; *s; s++)
		h = (h ^ (unsigned char) *s) * UINT64CONST(0x100000001b3);
	return h;
}
