/*
 * spatial_moran.c: Moran's I, global and local, with permutation tests.
 *
 * Global (Moran 1950; Cliff & Ord, Spatial Processes, 1981):
 *   I = n / S0 * sum_ij w_ij z_i z_j / sum_i z_i^2,  z = x - mean(x),
 * E[I] = -1 / (n - 1), and the variance under randomization (Cliff & Ord's
 * formula with S0 = sum w_ij, S1 = 1/2 sum (w_ij + w_ji)^2,
 * S2 = sum_i (w_i. + w_.i)^2 and the kurtosis of z), which is the exact
 * variance of I over all permutations of the values.
 *
 * Local (Anselin, "Local indicators of spatial association - LISA",
 * Geographical Analysis 27, 1995):
 *   I_i = z_i / m2 * sum_j w_ij z_j,  m2 = sum_k z_k^2 / n,
 * so that sum_i I_i = S0 / n * n * I.  Each unit's test is a conditional
 * permutation: z_i stays, its neighbours' values are drawn without
 * replacement from the other n - 1 units.
 *
 * Pseudo p-values follow the convention of PySAL's esda: with `larger` the
 * number of permuted statistics at or above the observed one, folded to the
 * smaller tail, p = (larger + 1) / (permutations + 1).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "scomm_random.h"
#include "spatial.h"

/* the stream of the global test (a key no FNV-1a hash of a short id is
 * likely to hit) */
#define GLOBAL_STREAM UINT64_C(0x676c6f62616c2049)

/* ---------------------------------------------------------------------- */
/* Weights */

typedef struct PairPos
{
	int32_t		from;
	int32_t		to;
	int64_t		pos;
} PairPos;

static int
ComparePairPos(const void *x, const void *y)
{
	const PairPos *p = x,
			   *q = y;

	if (p->from != q->from)
		return p->from < q->from ? -1 : 1;
	if (p->to != q->to)
		return p->to < q->to ? -1 : 1;
	return p->pos < q->pos ? -1 : p->pos > q->pos;
}

void
scomm_weights_free(scomm_weights *w)
{
	scomm_core_free(w->row);
	scomm_core_free(w->col);
	scomm_core_free(w->w);
	memset(w, 0, sizeof *w);
}

scomm_status
scomm_weights_build(scomm_weights *w, int32_t n, int64_t npair,
					const int32_t *from, const int32_t *to,
					scomm_weight_style style, int64_t *bad)
{
	PairPos    *pp;
	int64_t		k;
	int32_t		i;

	memset(w, 0, sizeof *w);
	*bad = -1;
	if (n < 0 || npair < 0 || npair > INT32_MAX)
		return SCOMM_EINVAL;
	for (k = 0; k < npair; k++)
		if (from[k] < 0 || from[k] >= n || to[k] < 0 || to[k] >= n || from[k] == to[k])
		{
			*bad = k;
			return SCOMM_EINVAL;
		}
	pp = scomm_core_alloc(sizeof(PairPos) * (npair + 1));
	w->row = scomm_core_alloc(sizeof(int32_t) * (n + 1));
	w->col = scomm_core_alloc(sizeof(int32_t) * (npair + 1));
	w->w = scomm_core_alloc(sizeof(double) * (npair + 1));
	if (pp == NULL || w->row == NULL || w->col == NULL || w->w == NULL)
	{
		scomm_core_free(pp);
		scomm_weights_free(w);
		return SCOMM_ENOMEM;
	}
	for (k = 0; k < npair; k++)
	{
		pp[k].from = from[k];
		pp[k].to = to[k];
		pp[k].pos = k;
	}
	qsort(pp, npair, sizeof(PairPos), ComparePairPos);
	for (k = 0; k < npair; k++)
	{
		if (k > 0 && pp[k].from == pp[k - 1].from && pp[k].to == pp[k - 1].to)
		{
			*bad = pp[k].pos;
			scomm_core_free(pp);
			scomm_weights_free(w);
			return SCOMM_EINVAL;
		}
		w->col[k] = pp[k].to;
		w->row[pp[k].from + 1]++;
	}
	scomm_core_free(pp);
	w->n = n;
	for (i = 0; i < n; i++)
	{
		int32_t		deg = w->row[i + 1];

		w->row[i + 1] += w->row[i];
		if (deg == 0)
			w->islands++;
		for (k = w->row[i]; k < w->row[i + 1]; k++)
			w->w[k] = style == SCOMM_WEIGHTS_ROW ? 1.0 / deg : 1.0;
		w->s0 += deg > 0 ? (style == SCOMM_WEIGHTS_ROW ? 1.0 : deg) : 0;
	}
	return SCOMM_OK;
}

/* S1 = 1/2 sum_ij (w_ij + w_ji)^2 and S2 = sum_i (w_i. + w_.i)^2 */
static scomm_status
WeightSums(const scomm_weights *w, double *s1, double *s2)
{
	int64_t		m = w->row[w->n],
				k;
	PairPos    *pp = scomm_core_alloc(sizeof(PairPos) * (m + 1));
	double	   *wk = scomm_core_alloc(sizeof(double) * (m + 1));
	double	   *sum = scomm_core_alloc(sizeof(double) * (w->n + 1));
	int32_t		i;

	if (pp == NULL || wk == NULL || sum == NULL)
	{
		scomm_core_free(pp);
		scomm_core_free(wk);
		scomm_core_free(sum);
		return SCOMM_ENOMEM;
	}
	for (i = 0; i < w->n; i++)
		for (k = w->row[i]; k < w->row[i + 1]; k++)
		{
			/* unordered pair, pos indexes the weight */
			pp[k].from = i < w->col[k] ? i : w->col[k];
			pp[k].to = i < w->col[k] ? w->col[k] : i;
			pp[k].pos = k;
			wk[k] = w->w[k];
			sum[i] += w->w[k];
			sum[w->col[k]] += w->w[k];
		}
	qsort(pp, m, sizeof(PairPos), ComparePairPos);
	*s1 = 0;
	for (k = 0; k < m; k++)
	{
		double		s = wk[pp[k].pos];

		if (k + 1 < m && pp[k + 1].from == pp[k].from && pp[k + 1].to == pp[k].to)
			s += wk[pp[++k].pos];
		*s1 += s * s;
	}
	*s2 = 0;
	for (i = 0; i < w->n; i++)
		*s2 += sum[i] * sum[i];
	scomm_core_free(pp);
	scomm_core_free(wk);
	scomm_core_free(sum);
	return SCOMM_OK;
}

/* ---------------------------------------------------------------------- */
/* Shared pieces */

/*
 * z = x - mean, scaled by a power of two to at most 1 in magnitude, and the
 * sum of z^2; Moran's I, its moments and the local statistics do not depend
 * on that scale.  The values are first scaled by a power of two (exactly)
 * and centred twice, on their mean and then on the mean of what is left, so
 * that values far from zero that differ in their last digits (1e8 and
 * 1e8 + 1e-8) keep their deviations, and nothing overflows.  SCOMM_EINVAL
 * for n < 3, a non-finite value or equal values.
 */
static scomm_status
Deviations(const double *x, int32_t n, double *z, double *ss)
{
	double		big = 0,
				scale,
				shift = 0,
				rest = 0,
				zmax = 0;
	int32_t		i;

	if (n < 3)
		return SCOMM_EINVAL;
	for (i = 0; i < n; i++)
	{
		if (!isfinite(x[i]))
			return SCOMM_EINVAL;
		big = fmax(big, fabs(x[i]));
	}
	if (big == 0)
		return SCOMM_EINVAL;
	scale = ldexp(1.0, -ilogb(big));
	for (i = 0; i < n; i++)
		shift += x[i] * scale;
	shift /= n;
	for (i = 0; i < n; i++)
		rest += x[i] * scale - shift;
	rest /= n;
	for (i = 0; i < n; i++)
	{
		z[i] = (x[i] * scale - shift) - rest;
		zmax = fmax(zmax, fabs(z[i]));
	}
	if (zmax == 0)
		return SCOMM_EINVAL;
	scale = ldexp(1.0, -ilogb(zmax));
	*ss = 0;
	for (i = 0; i < n; i++)
	{
		z[i] *= scale;
		*ss += z[i] * z[i];
	}
	return *ss > 0 && isfinite(*ss) ? SCOMM_OK : SCOMM_EINVAL;
}

/* sum_ij w_ij z_i z_j */
static double
CrossSum(const scomm_weights *w, const double *z)
{
	double		total = 0;
	int32_t		i;

	for (i = 0; i < w->n; i++)
	{
		double		lag = 0;
		int32_t		k;

		for (k = w->row[i]; k < w->row[i + 1]; k++)
			lag += w->w[k] * z[w->col[k]];
		total += z[i] * lag;
	}
	return total;
}

/* a Mersenne Twister whose state comes from scomm_core_alloc */
static scomm_status
RngOpen(gsl_rng *r)
{
	r->type = gsl_rng_mt19937;
	r->state = scomm_core_alloc(gsl_rng_mt19937->size);
	return r->state ? SCOMM_OK : SCOMM_ENOMEM;
}

static double
FoldedP(int64_t larger, int32_t permutations)
{
	if (permutations - larger < larger)
		larger = permutations - larger;
	return (larger + 1.0) / (permutations + 1.0);
}

/* ---------------------------------------------------------------------- */
/* Global */

/* Cliff & Ord's variance of I under randomization */
static scomm_status
RandomizationVariance(const scomm_weights *w, const double *z, double ss, double *var)
{
	double		n = w->n,
				s0 = w->s0,
				s1,
				s2,
				z4 = 0,
				kurt,
				a,
				b,
				e = -1.0 / (n - 1);
	int32_t		i;
	scomm_status st;

	*var = NAN;
	if (w->n < 4)
		return SCOMM_OK;
	if ((st = WeightSums(w, &s1, &s2)) != SCOMM_OK)
		return st;
	for (i = 0; i < w->n; i++)
		z4 += z[i] * z[i] * z[i] * z[i];
	kurt = (z4 / n) / ((ss / n) * (ss / n));
	a = n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0);
	b = kurt * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0);
	*var = (a - b) / ((n - 1) * (n - 2) * (n - 3) * s0 * s0) - e * e;
	return SCOMM_OK;
}

/* Permutation test: shuffle z, recompute I. */
static scomm_status
PermuteGlobal(const scomm_weights *w, const double *z, double scale, double observed,
			  int32_t permutations, uint64_t seed, scomm_moran *out)
{
	gsl_rng		r;
	double	   *zp = scomm_core_alloc(sizeof(double) * w->n);
	double		mean = 0,
				m2 = 0;
	int64_t		larger = 0;
	int32_t		p,
				i;

	if (zp == NULL || RngOpen(&r) != SCOMM_OK)
	{
		scomm_core_free(zp);
		return SCOMM_ENOMEM;
	}
	gsl_rng_set(&r, (unsigned long) scomm_seed_stream(seed, GLOBAL_STREAM));
	memcpy(zp, z, sizeof(double) * w->n);
	for (p = 0; p < permutations; p++)
	{
		double		ip,
					d;

		for (i = w->n - 1; i > 0; i--)
		{
			int32_t		j = (int32_t) gsl_rng_uniform_int(&r, (unsigned long) i + 1);
			double		t = zp[i];

			zp[i] = zp[j];
			zp[j] = t;
		}
		ip = scale * CrossSum(w, zp);
		larger += ip >= observed;
		d = ip - mean;
		mean += d / (p + 1);
		m2 += d * (ip - mean);
		if ((p & 63) == 0 && scomm_core_interrupted())
		{
			scomm_core_free(zp);
			scomm_core_free(r.state);
			return SCOMM_CANCELLED;
		}
	}
	out->p_permutation = FoldedP(larger, permutations);
	out->mean_permuted = mean;
	out->sd_permuted = permutations > 1 ? sqrt(m2 / (permutations - 1)) : NAN;
	scomm_core_free(zp);
	scomm_core_free(r.state);
	return SCOMM_OK;
}

scomm_status
scomm_moran_global(const double *x, const scomm_weights *w,
				   int32_t permutations, uint64_t seed, scomm_moran *out)
{
	double	   *z,
				ss,
				scale;
	scomm_status st;

	out->p_permutation = out->mean_permuted = out->sd_permuted = NAN;
	out->permutations = permutations;
	if (permutations < 0 || w->s0 <= 0)
		return SCOMM_EINVAL;
	if ((z = scomm_core_alloc(sizeof(double) * (w->n + 1))) == NULL)
		return SCOMM_ENOMEM;
	if ((st = Deviations(x, w->n, z, &ss)) != SCOMM_OK)
		goto done;
	scale = w->n / w->s0 / ss;
	out->i = scale * CrossSum(w, z);
	out->expected = -1.0 / (w->n - 1);
	if ((st = RandomizationVariance(w, z, ss, &out->variance)) != SCOMM_OK)
		goto done;
	out->z = (out->i - out->expected) / sqrt(out->variance);
	out->p_normal = isfinite(out->z) ? erfc(fabs(out->z) / M_SQRT2) : NAN;
	if (permutations > 0)
		st = PermuteGlobal(w, z, scale, out->i, permutations, seed, out);
done:
	scomm_core_free(z);
	return st;
}

/* ---------------------------------------------------------------------- */
/* Local */

static int32_t
Quadrant(double z, double lagz)
{
	if (z > 0)
		return lagz > 0 ? SCOMM_QUADRANT_HH : SCOMM_QUADRANT_HL;
	return lagz > 0 ? SCOMM_QUADRANT_LH : SCOMM_QUADRANT_LL;
}

/*
 * Conditional permutation test of unit i: idx holds 0..n-1 with i moved to
 * the end; each draw is a partial Fisher-Yates shuffle of the first n - 1
 * positions, undone afterwards (swap records in drawn[]).
 */
static double
PermuteLocal(const scomm_weights *w, const double *z, int32_t i, double observed, double m2,
			 int32_t permutations, gsl_rng *r, int32_t *idx, int32_t *drawn, int *cancelled)
{
	int32_t		n = w->n,
				lo = w->row[i],
				k = w->row[i + 1] - lo,
				p,
				t;
	int64_t		larger = 0;

	for (p = 0; p < permutations; p++)
	{
		double		lag = 0;

		for (t = 0; t < k; t++)
		{
			int32_t		j = t + (int32_t) gsl_rng_uniform_int(r, (unsigned long) (n - 1 - t)),
						s = idx[t];

			idx[t] = idx[j];
			idx[j] = s;
			drawn[t] = j;
			lag += w->w[lo + t] * z[idx[t]];
		}
		for (t = k - 1; t >= 0; t--)
		{
			int32_t		s = idx[t];

			idx[t] = idx[drawn[t]];
			idx[drawn[t]] = s;
		}
		larger += z[i] * lag / m2 >= observed;
		if ((p & 1023) == 1023 && scomm_core_interrupted())
		{
			*cancelled = 1;
			return NAN;
		}
	}
	return FoldedP(larger, permutations);
}

scomm_status
scomm_moran_local(const double *x, const scomm_weights *w,
				  int32_t permutations, uint64_t seed, const uint64_t *key,
				  scomm_lisa *out)
{
	int32_t		n = w->n,
				i,
				maxdeg = 0;
	double	   *z = scomm_core_alloc(sizeof(double) * (n + 1)),
				ss,
				m2;
	int32_t    *idx = scomm_core_alloc(sizeof(int32_t) * (n + 1));
	int32_t    *drawn;
	gsl_rng		r = {NULL, NULL};
	scomm_status st;
	int			cancelled = 0;

	for (i = 0; i < n; i++)
		if (w->row[i + 1] - w->row[i] > maxdeg)
			maxdeg = w->row[i + 1] - w->row[i];
	drawn = scomm_core_alloc(sizeof(int32_t) * (maxdeg + 1));
	if (z == NULL || idx == NULL || drawn == NULL || RngOpen(&r) != SCOMM_OK)
	{
		st = SCOMM_ENOMEM;
		goto done;
	}
	if (permutations < 0 || w->s0 <= 0)
	{
		st = SCOMM_EINVAL;
		goto done;
	}
	if ((st = Deviations(x, n, z, &ss)) != SCOMM_OK)
		goto done;
	m2 = ss / n;
	for (i = 0; i < n; i++)
		idx[i] = i;
	for (i = 0; i < n; i++)
	{
		int32_t		k,
					t;
		double		lag = 0,
					lagz = 0;

		out[i].p_permutation = NAN;
		if (w->row[i + 1] == w->row[i])
		{
			out[i].lag = NAN;
			out[i].i = 0;
			out[i].quadrant = SCOMM_QUADRANT_NONE;
			continue;
		}
		for (k = w->row[i]; k < w->row[i + 1]; k++)
		{
			lag += w->w[k] * x[w->col[k]];
			lagz += w->w[k] * z[w->col[k]];
		}
		out[i].lag = lag;
		out[i].i = z[i] * lagz / m2;
		out[i].quadrant = Quadrant(z[i], lagz);
		if (permutations == 0)
			continue;
		gsl_rng_set(&r, (unsigned long) scomm_seed_stream(seed, key[i]));
		/* i to the end, draw from the others, then back */
		t = idx[i];
		idx[i] = idx[n - 1];
		idx[n - 1] = t;
		out[i].p_permutation = PermuteLocal(w, z, i, out[i].i, m2, permutations, &r, idx, drawn,
											&cancelled);
		t = idx[i];
		idx[i] = idx[n - 1];
		idx[n - 1] = t;
		if (cancelled || scomm_core_interrupted())
		{
			st = SCOMM_CANCELLED;
			goto done;
		}
	}
done:
	scomm_core_free(z);
	scomm_core_free(idx);
	scomm_core_free(drawn);
	scomm_core_free(r.state);
	return st;
}
