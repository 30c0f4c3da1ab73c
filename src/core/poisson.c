/*
 * poisson.c: Poisson draws in bounded time (poisson.h).
 */
#include <math.h>

#include <gsl/gsl_randist.h>

#include "poisson.h"

scomm_status
scomm_ran_poisson(const gsl_rng *r, double mu, double *k)
{
	double		x;

	*k = 0;
	if (!(mu >= 0) || !isfinite(mu))
		return SCOMM_ERANGE;
	if (mu < SCOMM_POISSON_EXACT_MAX)
	{
		*k = (double) gsl_ran_poisson(r, mu);
		return SCOMM_OK;
	}
	x = floor(mu + sqrt(mu) * gsl_ran_ugaussian(r) + 0.5);
	if (!isfinite(x))
		return SCOMM_ERANGE;
	*k = x < 0 ? 0 : x;
	return SCOMM_OK;
}
