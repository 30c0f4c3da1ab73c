/*
 * fuzz_poisson.c: libFuzzer harness of the core's Poisson draws: any mean
 * (the first eight bytes as a double, NaN, infinities, 1e308, subnormals)
 * gives a non-negative integer in bounded time (libFuzzer's -timeout), or
 * SCOMM_ERANGE for a mean that is negative, NaN or infinite; below 2^31 the
 * draw is gsl_ran_poisson's.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "poisson.h"

static void
Check(int cond)
{
	if (!cond)
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static gsl_rng *a = NULL,
			   *b = NULL;
	uint64_t	v = 0;
	double		mu,
				k;
	size_t		i;
	unsigned long seed = 0;
	scomm_status st;

	if (a == NULL)
	{
		a = gsl_rng_alloc(gsl_rng_mt19937);
		b = gsl_rng_alloc(gsl_rng_mt19937);
	}
	for (i = 0; i < 8 && i < size; i++)
		v = v << 8 | data[i];
	for (; i < size; i++)
		seed = seed * 31 + data[i];
	memcpy(&mu, &v, sizeof mu);
	gsl_rng_set(a, seed);
	gsl_rng_set(b, seed);
	st = scomm_ran_poisson(a, mu, &k);
	if (!(mu >= 0) || !isfinite(mu))
	{
		Check(st == SCOMM_ERANGE);
		return 0;
	}
	Check(st == SCOMM_OK || st == SCOMM_ERANGE);
	if (st != SCOMM_OK)
		return 0;
	Check(k >= 0 && k == floor(k) && isfinite(k));
	if (mu < SCOMM_POISSON_EXACT_MAX)
		Check(k == (double) gsl_ran_poisson(b, mu));
	return 0;
}
