/*
 * fuzz_moran.c: libFuzzer harness of Moran's I on hostile values and
 * neighbour pairs.
 *
 * The bytes give n units, their values and directed pairs (out-of-range and
 * repeated pairs included).  In exact mode the values are small integers,
 * and Moran's I, its variance and every local statistic must not change
 * when the values are multiplied by 2^40 and shifted by 1e8 (the statistic
 * does not depend on location and scale; the centring must not lose the
 * deviations).  In hostile mode the values are any doubles: statuses only,
 * no crash, and a result that is reported is finite where it must be.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spatial.h"

static void
Check(int cond)
{
	if (!cond)
		abort();
}

typedef struct In
{
	const unsigned char *p;
	size_t		n;
} In;

static unsigned
Byte(In *in)
{
	unsigned	b;

	if (in->n == 0)
		return 0;
	b = *in->p++;
	in->n--;
	return b;
}

static double
Value(In *in, int exact)
{
	uint64_t	v = 0;
	double		d;
	int			k;

	if (exact)
		return (double) (Byte(in) % 10);
	for (k = 0; k < 8; k++)
		v = v << 8 | Byte(in);
	memcpy(&d, &v, sizeof d);
	return d;
}

static int
Close(double a, double b)
{
	return (isnan(a) && isnan(b)) || fabs(a - b) <= 1e-7 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	In			in = {data, size};
	int			exact = Byte(&in) % 2 == 0;
	int32_t		n = 3 + Byte(&in) % 30,
				npair = Byte(&in) % 64,
				from[64],
				to[64],
				k,
				perms = Byte(&in) % 20;
	double		x[33],
				y[33];
	uint64_t	key[33];
	int64_t		bad;
	scomm_weights w;
	scomm_moran a,
				b;
	scomm_lisa	la[33],
				lb[33];
	scomm_status st,
				st2;

	for (k = 0; k < n; k++)
	{
		x[k] = Value(&in, exact);
		y[k] = x[k] * 0x1p40 + 1e8;
		key[k] = (uint64_t) k * 2654435761u;
	}
	for (k = 0; k < npair; k++)
	{
		from[k] = (int32_t) Byte(&in) % (n + 2) - 1;
		to[k] = (int32_t) Byte(&in) % (n + 2) - 1;
	}
	st = scomm_weights_build(&w, n, npair, from, to, Byte(&in) % 2 ? SCOMM_WEIGHTS_ROW : SCOMM_WEIGHTS_BINARY, &bad);
	Check(st == SCOMM_OK || (st == SCOMM_EINVAL && bad >= 0 && bad < npair));
	if (st != SCOMM_OK)
		return 0;
	st = scomm_moran_global(x, &w, perms, 7, &a);
	Check(st == SCOMM_OK || st == SCOMM_EINVAL);
	if (st == SCOMM_OK)
	{
		Check(isfinite(a.i) && isfinite(a.expected));
		Check(isnan(a.variance) || a.variance > -1e-9);
	}
	st2 = scomm_moran_local(x, &w, perms, 7, key, la);
	Check(st2 == st || w.s0 <= 0);
	if (exact && st == SCOMM_OK)
	{
		/* location and scale invariance */
		Check(scomm_moran_global(y, &w, perms, 7, &b) == SCOMM_OK);
		Check(Close(a.i, b.i) && Close(a.variance, b.variance) && Close(a.z, b.z));
		Check(isnan(a.p_permutation) ? isnan(b.p_permutation) : fabs(a.p_permutation - b.p_permutation) <= 0.5);
		Check(scomm_moran_local(y, &w, perms, 7, key, lb) == SCOMM_OK);
		for (k = 0; k < n; k++)
			Check(Close(la[k].i, lb[k].i) && la[k].quadrant == lb[k].quadrant);
	}
	scomm_weights_free(&w);
	return 0;
}
