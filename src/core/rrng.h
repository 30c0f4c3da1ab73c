/*
 * rrng.h: R's default random number generator (Mersenne-Twister seeded as
 * set.seed() does, normals by inversion) and R's type-7 quantile, so that
 * the simulations HonestDiD runs with set.seed(0) are reproduced draw for
 * draw.  PostgreSQL-free.  See docs/did_robust.md.
 */
#ifndef SCOMM_RRNG_H
#define SCOMM_RRNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct scomm_rrng
{
	uint32_t	mt[624];
	int			mti;
} scomm_rrng;

/* set.seed(seed) with RNGkind("Mersenne-Twister", "Inversion") */
extern void scomm_rrng_seed(scomm_rrng *r, int32_t seed);

/* runif(1): unif_rand() */
extern double scomm_rrng_unif(scomm_rrng *r);

/* rnorm(1): norm_rand() by inversion (two uniforms, 2^27 resolution) */
extern double scomm_rrng_norm(scomm_rrng *r);

/* qnorm(p) of R (Wichura's AS 241) for 0 < p < 1 */
extern double scomm_rrng_qnorm(double p);

/* quantile(x, p, type = 7) of x sorted ascending, n >= 1 */
extern double scomm_r_quantile7(const double *sorted, size_t n, double p);

#endif
