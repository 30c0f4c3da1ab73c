/*
 * poisson.h: Poisson draws for any finite mean, in bounded time.
 *
 * GSL's gsl_ran_poisson loops without end for means beyond about 4.9e9 (its
 * step count is an unsigned int that wraps) and returns an unsigned int.
 * scomm_ran_poisson gives exactly GSL's draws below SCOMM_POISSON_EXACT_MAX
 * (so that seeded simulations keep their numbers), and above it a normal
 * approximation, N(mu, mu) rounded to an integer, whose relative error in
 * skewness is below 2e-5 there.  Either way a handful of generator calls.
 */
#ifndef SCOMM_POISSON_H
#define SCOMM_POISSON_H

#include <gsl/gsl_rng.h>

#include "scomm_core.h"

/* the largest mean drawn with GSL's exact sampler (2^31) */
#define SCOMM_POISSON_EXACT_MAX 2147483648.0

/*
 * One draw from Poisson(mu) into *k (an integer-valued double).
 * SCOMM_ERANGE when mu is negative, NaN or infinite.
 */
extern scomm_status scomm_ran_poisson(const gsl_rng *r, double mu, double *k);

#endif
