/*
 * did_boot.c: multiplier bootstrap as did 2.5.1's mboot (R/mboot.R with
 * BMisc::multiplier_bootstrap): Rademacher weights v_i, draw
 *   b_j = sqrt(n) * mean_i(v_i IF_j(i)),
 * standard error = IQR (type-1 quantiles) / (qnorm(.75) - qnorm(.25)) / sqrt(n),
 * sup-t critical value = type-1 quantile at 1 - alpha of max_j |b_j / sigma_j|
 * over the non-degenerate parameters.
 *
 * No influence-function matrix is formed: per draw, prefix sums over the
 * cohort-ordered units of v_i and v_i Y_it give every cell's sum
 * sum_i v_i IF_cell(i) in O(1), and each parameter is a linear functional
 * of cell sums plus per-cohort sums of v.  Memory: one prefix table of the
 * panel's size and the B x k draws.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>

#include "did_int.h"

typedef struct BootWork
{
	const scomm_did_attgt *a;
	double	   *pv;				/* n + 1 prefix sums of v */
	double	   *py;				/* (n + 1) x T prefix sums of v * Y */
	double	   *cell;			/* per cell: sum_i v_i IF(i) */
	double	   *coh;			/* per cohort: sum of v */
	signed char *v;
} BootWork;

/* Draw Rademacher weights from 32-bit outputs of mt19937. */
static void
DrawWeights(gsl_rng *r, signed char *v, int n)
{
	int			i = 0;

	while (i < n)
	{
		unsigned long bits = gsl_rng_get(r);
		int			k;

		for (k = 0; k < 32 && i < n; k++, i++)
			v[i] = ((bits >> k) & 1UL) ? 1 : -1;
	}
}

/* Prefix sums of v and of v * Y_t per period. */
static void
PrefixSums(BootWork *w)
{
	const scomm_did_attgt *a = w->a;
	int			nt = a->n_periods,
				i,
				t;

	w->pv[0] = 0.0;
	memset(w->py, 0, nt * sizeof(double));
	for (i = 0; i < a->n; i++)
	{
		const double *y = a->y + (size_t) i * nt;
		const double *prev = w->py + (size_t) i * nt;
		double	   *next = w->py + (size_t) (i + 1) * nt;
		double		vi = w->v[i];

		w->pv[i + 1] = w->pv[i] + vi;
		for (t = 0; t < nt; t++)
			next[t] = prev[t] + vi * y[t];
	}
}

/* sum over units [lo, hi) of v_i (Y_it - Y_ib - m) */
static double
RangeSum(const BootWork *w, int lo, int hi, int t, int b, double m)
{
	int			nt = w->a->n_periods;
	const double *L = w->py + (size_t) lo * nt;
	const double *H = w->py + (size_t) hi * nt;

	if (hi <= lo)
		return 0.0;
	return (H[t] - L[t]) - (H[b] - L[b]) - m * (w->pv[hi] - w->pv[lo]);
}

/* sum_i v_i IF_cell(i) of one cell */
static double
CellSum(const BootWork *w, const scomm_did_cell *c)
{
	double		n = w->a->n,
				s_t,
				s_c;

	if (c->status != SCOMM_DID_CELL_OK)
		return 0.0;
	s_t = RangeSum(w, c->treat_lo, c->treat_hi, c->t_idx, c->b_idx,
				   c->mean_treated);
	if (c->treat_lo >= c->ctrl_lo)
		s_c = RangeSum(w, c->ctrl_lo, c->treat_lo, c->t_idx, c->b_idx,
					   c->mean_control) +
			RangeSum(w, c->treat_hi, w->a->n, c->t_idx, c->b_idx,
					 c->mean_control);
	else
		s_c = RangeSum(w, c->ctrl_lo, w->a->n, c->t_idx, c->b_idx,
					   c->mean_control);
	return n * (s_t / c->n_treated - s_c / c->n_control);
}

/* One draw: fill bres[j] for the k functionals. */
static void
OneDraw(BootWork *w, const scomm_did_linear *lin, int k, double *bres)
{
	const scomm_did_attgt *a = w->a;
	double		rn = sqrt((double) a->n);
	int			j,
				i;

	PrefixSums(w);
	for (i = 0; i < a->n_cells; i++)
		w->cell[i] = CellSum(w, &a->cells[i]);
	for (i = 0; i < a->n_cohorts; i++)
		w->coh[i] = w->pv[a->cohort_start[i + 1]] - w->pv[a->cohort_start[i]];
	for (j = 0; j < k; j++)
	{
		double		s = 0.0;

		for (i = 0; i < lin[j].n_terms; i++)
			s += lin[j].w[i] * w->cell[lin[j].cell[i]];
		for (i = 0; i < a->n_cohorts; i++)
			s += lin[j].cohort_coef[i] * w->coh[i];
		bres[j] = s / rn;
	}
}

static int
DoubleCmp(const void *x, const void *y)
{
	double		a = *(const double *) x,
				b = *(const double *) y;

	return (a > b) - (a < b);
}

/* R's quantile(type = 1) of sorted x[0..n) at probability p. */
static double
Quantile1(const double *x, int n, double p)
{
	double		nppm = n * p;
	int			j = (int) floor(nppm + 4 * 2.220446049250313e-16);
	int			idx = j + (nppm > j ? 1 : 0);

	if (idx < 1)
		idx = 1;
	if (idx > n)
		idx = n;
	return x[idx - 1];
}

/* Scaled IQR of column j of the B x k draws (col scratch of B). */
static double
ScaledIqr(const double *bres, int B, int k, int j, double *col)
{
	double		ss = 0.0;
	int			b;

	for (b = 0; b < B; b++)
	{
		col[b] = bres[(size_t) b * k + j];
		ss += col[b] * col[b];
	}
	if (!(ss > DID_SE_ZERO))
		return NAN;				/* degenerate (did's ndg.dim) */
	qsort(col, B, sizeof(double), DoubleCmp);
	return (Quantile1(col, B, 0.75) - Quantile1(col, B, 0.25)) /
		(gsl_cdf_ugaussian_Pinv(0.75) - gsl_cdf_ugaussian_Pinv(0.25));
}

/*
 * Standard errors and sup-t critical value from the draws; SCOMM_CANCELLED
 * when an interrupt is pending between the columns' sorts.
 */
static scomm_status
Summarize(const double *bres, int B, int k, double alpha, double n,
		  double *col, scomm_did_boot *out)
{
	double	   *sig = out->se;
	int			b,
				j,
				m = 0;

	for (j = 0; j < k; j++)
	{
		if (scomm_core_interrupted())
			return SCOMM_CANCELLED;
		sig[j] = ScaledIqr(bres, B, k, j, col);
	}
	for (b = 0; b < B; b++)
	{
		double		mx = -INFINITY;

		for (j = 0; j < k; j++)
			if (!isnan(sig[j]))
			{
				double		t = fabs(bres[(size_t) b * k + j] / sig[j]);

				if (!isnan(t) && t > mx)
					mx = t;
			}
		if (isfinite(mx))
			col[m++] = mx;
	}
	if (scomm_core_interrupted())
		return SCOMM_CANCELLED;
	qsort(col, m, sizeof(double), DoubleCmp);
	out->crit_val = m > 0 ? Quantile1(col, m, 1.0 - alpha) : NAN;
	for (j = 0; j < k; j++)
		sig[j] /= sqrt(n);
	return SCOMM_OK;
}

void
scomm_did_boot_free(scomm_did_boot *b)
{
	if (b == NULL)
		return;
	scomm_core_free(b->se);
	scomm_core_free(b);
}

/* Allocate the work arrays; NULL members mean failure. */
static int
WorkInit(BootWork *w, const scomm_did_attgt *a)
{
	w->a = a;
	w->pv = scomm_core_alloc((a->n + 1) * sizeof(double));
	w->py = scomm_core_alloc((size_t) (a->n + 1) * a->n_periods * sizeof(double));
	w->cell = scomm_core_alloc((a->n_cells + 1) * sizeof(double));
	w->coh = scomm_core_alloc((a->n_cohorts + 1) * sizeof(double));
	w->v = scomm_core_alloc(a->n + 1);
	return w->pv && w->py && w->cell && w->coh && w->v;
}

static void
WorkFree(BootWork *w)
{
	scomm_core_free(w->pv);
	scomm_core_free(w->py);
	scomm_core_free(w->cell);
	scomm_core_free(w->coh);
	scomm_core_free(w->v);
}

/* Every term names an existing cell and every functional has cohort terms. */
static int
LinearsValid(const scomm_did_attgt *a, const scomm_did_linear *lin, int k)
{
	int			j,
				i;

	for (j = 0; j < k; j++)
	{
		if (lin[j].n_terms < 0 || lin[j].cohort_coef == NULL ||
			(lin[j].n_terms > 0 && (lin[j].cell == NULL || lin[j].w == NULL)))
			return 0;
		for (i = 0; i < lin[j].n_terms; i++)
			if (lin[j].cell[i] < 0 || lin[j].cell[i] >= a->n_cells)
				return 0;
	}
	return 1;
}

scomm_status
scomm_did_mboot(const scomm_did_attgt *a, const scomm_did_linear *lin, int k,
				int biters, unsigned long seed, double alpha,
				scomm_did_boot **out)
{
	BootWork	w;
	gsl_rng		r;
	double	   *bres,
			   *col;
	scomm_did_boot *res;
	scomm_status st = SCOMM_OK;
	int			b;

	if (a == NULL || lin == NULL || out == NULL || k < 1 || biters < 2 ||
		!(alpha > 0 && alpha < 1))
		return SCOMM_EINVAL;
	if ((size_t) biters * k > SCOMM_DID_BOOT_MAX_VALUES)
		return SCOMM_ETOOBIG;
	*out = NULL;
	if (!LinearsValid(a, lin, k))
		return SCOMM_EINVAL;
	memset(&w, 0, sizeof(w));
	r.type = gsl_rng_mt19937;
	r.state = scomm_core_alloc(gsl_rng_mt19937->size);
	bres = scomm_core_alloc((size_t) biters * k * sizeof(double));
	col = scomm_core_alloc((size_t) biters * sizeof(double));
	res = scomm_core_alloc(sizeof(scomm_did_boot));
	if (res)
		res->se = scomm_core_alloc(k * sizeof(double));
	if (!WorkInit(&w, a) || !r.state || !bres || !col || !res || !res->se)
		st = SCOMM_ENOMEM;
	if (st == SCOMM_OK)
	{
		gsl_rng_set(&r, seed);
		for (b = 0; b < biters; b++)
		{
			if (scomm_core_interrupted())
			{
				st = SCOMM_CANCELLED;
				break;
			}
			DrawWeights(&r, w.v, a->n);
			OneDraw(&w, lin, k, bres + (size_t) b * k);
		}
	}
	if (st == SCOMM_OK)
	{
		res->k = k;
		res->biters = biters;
		st = Summarize(bres, biters, k, alpha, a->n, col, res);
	}
	if (st == SCOMM_OK)
		*out = res;
	else
		scomm_did_boot_free(res);
	WorkFree(&w);
	scomm_core_free(r.state);
	scomm_core_free(bres);
	scomm_core_free(col);
	return st;
}
