/*
 * rrng.c: R's default generator, reproduced so that the Monte Carlo steps
 * of HonestDiD (which call set.seed(0) before simulating) give the same
 * numbers here.
 *
 * - set.seed(s): s is scrambled by 50 steps of the LCG s = 69069 s + 1, the
 *   next 625 values fill the Mersenne-Twister state (the first is its
 *   position, reset to 624 so that the first draw regenerates the block).
 * - unif_rand(): MT19937 (Matsumoto & Nishimura 1998) tempered output times
 *   2^-32, kept inside (0, 1).
 * - norm_rand() by inversion: u = floor(2^27 U1) + U2, qnorm(u / 2^27).
 * - qnorm: Wichura (1988), algorithm AS 241 (PPND16), the routine R uses.
 *
 * The file is compiled without floating-point contraction (Makefile) so
 * that the polynomial evaluations round exactly as R's do on x86-64.
 */
#include <math.h>

#include "rrng.h"

#define MT_N 624
#define MT_M 397

void
scomm_rrng_seed(scomm_rrng *r, int32_t seed)
{
	uint32_t	s = (uint32_t) seed;
	int			j;

	for (j = 0; j < 50; j++)
		s = 69069 * s + 1;
	/* the first of the 625 seeds is the position, overwritten below */
	s = 69069 * s + 1;
	for (j = 0; j < MT_N; j++)
	{
		s = 69069 * s + 1;
		r->mt[j] = s;
	}
	r->mti = MT_N;
}

/* MT19937 as in R's RNG.c: a uniform in [0, 1) */
static double
MtGenrand(scomm_rrng *r)
{
	static const uint32_t mag01[2] = {0x0, 0x9908b0dfU};
	uint32_t	y;

	if (r->mti >= MT_N)
	{
		int			kk;

		for (kk = 0; kk < MT_N - MT_M; kk++)
		{
			y = (r->mt[kk] & 0x80000000U) | (r->mt[kk + 1] & 0x7fffffffU);
			r->mt[kk] = r->mt[kk + MT_M] ^ (y >> 1) ^ mag01[y & 0x1];
		}
		for (; kk < MT_N - 1; kk++)
		{
			y = (r->mt[kk] & 0x80000000U) | (r->mt[kk + 1] & 0x7fffffffU);
			r->mt[kk] = r->mt[kk + (MT_M - MT_N)] ^ (y >> 1) ^ mag01[y & 0x1];
		}
		y = (r->mt[MT_N - 1] & 0x80000000U) | (r->mt[0] & 0x7fffffffU);
		r->mt[MT_N - 1] = r->mt[MT_M - 1] ^ (y >> 1) ^ mag01[y & 0x1];
		r->mti = 0;
	}
	y = r->mt[r->mti++];
	y ^= (y >> 11);
	y ^= (y << 7) & 0x9d2c5680U;
	y ^= (y << 15) & 0xefc60000U;
	y ^= (y >> 18);
	return (double) y * 2.3283064365386963e-10;
}

double
scomm_rrng_unif(scomm_rrng *r)
{
	const double i2_32m1 = 2.328306437080797e-10;	/* 1 / (2^32 - 1) */
	double		x = MtGenrand(r);

	if (x <= 0.0)
		return 0.5 * i2_32m1;
	if (1.0 - x <= 0.0)
		return 1.0 - 0.5 * i2_32m1;
	return x;
}

double
scomm_rrng_norm(scomm_rrng *r)
{
	const double big = 134217728;	/* 2^27 */
	double		u = scomm_rrng_unif(r);

	u = (int) (big * u) + scomm_rrng_unif(r);
	return scomm_rrng_qnorm(u / big);
}

double
scomm_rrng_qnorm(double p)
{
	double		q = p - 0.5,
				r,
				val;

	if (!(p > 0.0 && p < 1.0))
		return p == 0.0 ? -INFINITY : p == 1.0 ? INFINITY : NAN;
	if (fabs(q) <= 0.425)
	{
		r = 0.180625 - q * q;
		return q * (((((((r * 2509.0809287301226727 +
						  33430.575583588128105) * r + 67265.770927008700853) * r +
						45921.953931549871457) * r + 13731.693765509461125) * r +
					  1971.5909503065514427) * r + 133.14166789178437745) * r +
					3.387132872796366608)
			/ (((((((r * 5226.495278852545925 +
					 28729.085735721942674) * r + 39307.89580009271061) * r +
				   21213.794301586595867) * r + 5394.1960214247511077) * r +
				 687.1870074920579083) * r + 42.313330701600911252) * r + 1.0);
	}
	r = q < 0 ? p : 1.0 - p;
	r = sqrt(-log(r));
	if (r <= 5.0)
	{
		r += -1.6;
		val = (((((((r * 7.7454501427834140764e-4 +
					 0.0227238449892691845833) * r + 0.24178072517745061177) *
				   r + 1.27045825245236838258) * r +
				  3.64784832476320460504) * r + 5.7694972214606914055) *
				r + 4.6303378461565452959) * r +
			   1.42343711074968357734)
			/ (((((((r *
					 1.05075007164441684324e-9 + 5.475938084995344946e-4) *
					r + 0.0151986665636164571966) * r +
				   0.14810397642748007459) * r + 0.68976733498510000455) *
				 r + 1.6763848301838038494) * r +
				2.05319162663775882187) * r + 1.0);
	}
	else
	{
		r += -5.0;
		val = (((((((r * 2.01033439929228813265e-7 +
					 2.71155556874348757815e-5) * r +
					0.0012426609473880784386) * r + 0.026532189526576123093) *
				  r + 0.29656057182850489123) * r +
				 1.7848265399172913358) * r + 5.4637849111641143699) *
			   r + 6.6579046435011037772)
			/ (((((((r *
					 2.04426310338993978564e-15 + 1.4215117583164458887e-7) *
					r + 1.8463183175100546818e-5) * r +
				   7.868691311456132591e-4) * r + 0.0148753612908506148525)
				 * r + 0.13692988092273580531) * r +
				0.59983220655588793769) * r + 1.0);
	}
	return q < 0.0 ? -val : val;
}

double
scomm_r_quantile7(const double *sorted, size_t n, double p)
{
	double		index = 1.0 + (double) (n - 1) * p;
	double		lo = floor(index);
	size_t		ilo = (size_t) lo;
	double		qs = sorted[ilo - 1];

	if (index > lo && ilo < n && sorted[ilo] != qs)
	{
		double		h = index - lo;

		qs = (1.0 - h) * qs + h * sorted[ilo];
	}
	return qs;
}
