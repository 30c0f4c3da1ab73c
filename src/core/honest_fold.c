/*
 * honest_fold.c: the folded-normal quantile as HonestDiD computes it for
 * the fixed-length confidence intervals (R/flci.R, .qfoldednormal): the
 * type-7 quantile of |z_i + mu| over 10^6 standard normal draws made after
 * set.seed(0).  The simulated quantile is what defines HonestDiD's
 * intervals (its Monte Carlo error, about 1e-3 relative, is larger than the
 * tolerance of a comparison), so it is reproduced draw for draw rather than
 * replaced by the exact quantile.
 *
 * The draws are sorted once (radix sort).  For a given mu the values a_i = z_i + mu are
 * then sorted too (rounding is monotone), |a_i| is the merge of the
 * negative part read backwards and the non-negative part, and an order
 * statistic of that merge is found by bisection in O(log n).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "honest_int.h"
#include "rrng.h"

/* order-preserving map of a double's bits to an unsigned key */
static inline uint64_t
SortKey(double x)
{
	uint64_t	u;

	memcpy(&u, &x, sizeof(u));
	return (u & UINT64_C(0x8000000000000000)) ? ~u : u ^ UINT64_C(0x8000000000000000);
}

/*
 * Sort n doubles (no NaN) ascending: LSD radix sort on 16-bit digits of
 * the keys, four passes through a scratch array (qsort is ten times slower
 * on 10^6 draws).  0 when the scratch space cannot be had.
 */
static int
RadixSort(double *a, size_t n)
{
	double	   *tmp = scomm_core_alloc_raw(n * sizeof(double));
	size_t	   *count = scomm_core_alloc(65536 * sizeof(size_t));
	double	   *src = a,
			   *dst = tmp;
	int			pass;
	size_t		i;

	if (tmp == NULL || count == NULL)
	{
		scomm_core_free(tmp);
		scomm_core_free(count);
		return 0;
	}
	for (pass = 0; pass < 4; pass++)
	{
		int			shift = 16 * pass;
		size_t		sum = 0;

		memset(count, 0, 65536 * sizeof(size_t));
		for (i = 0; i < n; i++)
			count[(SortKey(src[i]) >> shift) & 0xFFFF]++;
		for (i = 0; i < 65536; i++)
		{
			size_t		c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(SortKey(src[i]) >> shift) & 0xFFFF]++] = src[i];
		{
			double	   *t = src;

			src = dst;
			dst = t;
		}
	}
	/* four passes: the result is back in a */
	scomm_core_free(tmp);
	scomm_core_free(count);
	return 1;
}

scomm_status
honest_fold_init(HonestFold *f, size_t n, int seed)
{
	scomm_rrng	r;
	size_t		i;

	f->n = n;
	f->z = scomm_core_alloc_raw(n * sizeof(double));
	if (f->z == NULL)
		return SCOMM_ENOMEM;
	scomm_rrng_seed(&r, seed);
	for (i = 0; i < n; i++)
	{
		f->z[i] = scomm_rrng_norm(&r);
		if ((i & 0xFFFF) == 0 && scomm_core_interrupted())
		{
			honest_fold_free(f);
			return SCOMM_CANCELLED;
		}
	}
	if (!RadixSort(f->z, n))
	{
		honest_fold_free(f);
		return SCOMM_ENOMEM;
	}
	return SCOMM_OK;
}

void
honest_fold_free(HonestFold *f)
{
	scomm_core_free(f->z);
	f->z = NULL;
	f->n = 0;
}

/* first index i with z_i + mu >= 0 */
static size_t
FirstNonNegative(const HonestFold *f, double mu)
{
	size_t		lo = 0,
				hi = f->n;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (f->z[mid] + mu >= 0.0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * The k-th smallest (1-based) of the merge of L1[j] = -(z[i0-1-j] + mu),
 * j < i0, and L2[j] = z[i0+j] + mu, j < n - i0; both ascending.
 */
static double
KthAbs(const HonestFold *f, double mu, size_t i0, size_t k)
{
	size_t		n1 = i0,
				n2 = f->n - i0,
				lo = k > n2 ? k - n2 : 0,
				hi = k < n1 ? k : n1;

#define L1(j) (-(f->z[i0 - 1 - (j)] + mu))
#define L2(j) (f->z[i0 + (j)] + mu)
	/* j elements from L1 and k - j from L2: find j with the merge condition */
	while (lo < hi)
	{
		size_t		j = lo + (hi - lo) / 2;

		/* too few from L1 when L1[j] < L2[k - j - 1] */
		if (j < n1 && k - j >= 1 && k - j - 1 < n2 && L1(j) < L2(k - j - 1))
			lo = j + 1;
		else
			hi = j;
	}
	{
		size_t		j = lo;
		double		a = j > 0 ? L1(j - 1) : -INFINITY;
		double		b = k - j > 0 ? L2(k - j - 1) : -INFINITY;

		return a > b ? a : b;
	}
#undef L1
#undef L2
}

double
honest_fold_quantile(const HonestFold *f, double p, double mu)
{
	size_t		n = f->n,
				i0 = FirstNonNegative(f, mu),
				ilo;
	double		index = 1.0 + (double) (n - 1) * p;
	double		lo = floor(index);
	double		qs;

	ilo = (size_t) lo;
	qs = KthAbs(f, mu, i0, ilo);
	if (index > lo && ilo < n)
	{
		double		qhi = KthAbs(f, mu, i0, ilo + 1);

		if (qhi != qs)
		{
			double		h = index - lo;

			qs = (1.0 - h) * qs + h * qhi;
		}
	}
	return qs;
}
