/*
 * did_if.c: influence functions of ATT(g,t) cells and of linear functionals
 * of them (did's get_agg_inf_func and getSE), confidence intervals.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "did_int.h"

/* ifv[i - w0] += s * (Y_it - Y_ib - m) for units [lo, hi) within [w0, w1). */
static void
AddRange(const scomm_did_attgt *a, int lo, int hi, int t, int b, double m,
		 double s, double *ifv, int w0, int w1)
{
	const double *y = a->y;
	int			nt = a->n_periods,
				i;

	if (lo < w0)
		lo = w0;
	if (hi > w1)
		hi = w1;
	for (i = lo; i < hi; i++)
		ifv[i - w0] += s * (y[(size_t) i * nt + t] - y[(size_t) i * nt + b] - m);
}

void
did_cell_add_if_window(const scomm_did_attgt *a, const scomm_did_cell *c,
					   double w, double *ifv, int w0, int w1)
{
	double		n = a->n,
				sc;

	if (c->status != SCOMM_DID_CELL_OK || w == 0.0)
		return;					/* reference cells have IF 0 */
	if (a->kind != SCOMM_DID_KIND_COMPACT)
	{
		did_cell_add_if_general(a, c, w, ifv, w0, w1);
		return;
	}
	sc = -w * n / c->n_control;
	AddRange(a, c->treat_lo, c->treat_hi, c->t_idx, c->b_idx,
			 c->mean_treated, w * n / c->n_treated, ifv, w0, w1);
	if (c->treat_lo >= c->ctrl_lo)
	{
		AddRange(a, c->ctrl_lo, c->treat_lo, c->t_idx, c->b_idx,
				 c->mean_control, sc, ifv, w0, w1);
		AddRange(a, c->treat_hi, a->n, c->t_idx, c->b_idx,
				 c->mean_control, sc, ifv, w0, w1);
	}
	else
		AddRange(a, c->ctrl_lo, a->n, c->t_idx, c->b_idx,
				 c->mean_control, sc, ifv, w0, w1);
}

void
did_cell_add_if(const scomm_did_attgt *a, const scomm_did_cell *c, double w,
				double *ifv)
{
	did_cell_add_if_window(a, c, w, ifv, 0, a->n);
}

double
did_se_from_if(const double *ifv, int n)
{
	double		s = 0.0,
				se;
	int			i;

	for (i = 0; i < n; i++)
		s += ifv[i] * ifv[i];
	se = sqrt(s / n / n);
	return se > DID_SE_ZERO ? se : NAN;
}

/*
 * Standard error of a unit-level influence function at the options' level:
 * by unit sqrt(sum IF^2) / n, by cluster sqrt(sum_c (sum_{i in c} IF_i)^2) /
 * n (the cluster sums did's clustered multiplier bootstrap draws from).
 */
double
scomm_did_se_of_if(const scomm_did_attgt *a, const double *ifv)
{
	double	   *sum,
				s = 0.0,
				se;
	int			i;

	if (a->opt.se_level != SCOMM_DID_SE_CLUSTER || a->cl == NULL)
		return did_se_from_if(ifv, a->n);
	sum = scomm_core_alloc((a->n_clusters + 1) * sizeof(double));
	if (sum == NULL)
		return NAN;
	for (i = 0; i < a->n; i++)
		sum[a->cl[i]] += ifv[i];
	for (i = 0; i < a->n_clusters; i++)
		s += sum[i] * sum[i];
	scomm_core_free(sum);
	se = sqrt(s) / a->n;
	return se > DID_SE_ZERO ? se : NAN;
}

double
did_zcrit(double alpha)
{
	return gsl_cdf_ugaussian_Pinv(1.0 - alpha / 2.0);
}

void
did_fill_ci(scomm_did_estimate *e, double alpha)
{
	double		z = did_zcrit(alpha);

	e->ci_lo = e->est - z * e->se;
	e->ci_hi = e->est + z * e->se;
}

scomm_status
did_linear_init(scomm_did_linear *l, int n, int n_cohorts)
{
	memset(l, 0, sizeof(*l));
	l->cell = scomm_core_alloc((n > 0 ? n : 1) * sizeof(int));
	l->w = scomm_core_alloc((n > 0 ? n : 1) * sizeof(double));
	l->cohort_coef = scomm_core_alloc(n_cohorts * sizeof(double));
	if (!l->cell || !l->w || !l->cohort_coef)
		return SCOMM_ENOMEM;
	return SCOMM_OK;
}

/* Unit-level influence function of a linear functional. */
scomm_status
scomm_did_linear_if(const scomm_did_attgt *a, const scomm_did_linear *l,
					double *ifv)
{
	int			i;

	if (a == NULL || l == NULL || ifv == NULL)
		return SCOMM_EINVAL;
	for (i = 0; i < a->n; i++)
		ifv[i] = l->cohort_coef[a->unit_cohort[i]] * DID_UNIT_WEIGHT(a, i);
	for (i = 0; i < l->n_terms; i++)
	{
		if (l->cell[i] < 0 || l->cell[i] >= a->n_cells)
			return SCOMM_EINVAL;
		did_cell_add_if(a, &a->cells[l->cell[i]], l->w[i], ifv);
	}
	return SCOMM_OK;
}

void
scomm_did_linears_free(scomm_did_linear *l, int k)
{
	int			i;

	if (l == NULL)
		return;
	for (i = 0; i < k; i++)
	{
		scomm_core_free(l[i].cell);
		scomm_core_free(l[i].w);
		scomm_core_free(l[i].cohort_coef);
	}
	scomm_core_free(l);
}

/* One linear functional per usable, non-reference cell: IF of the cell. */
scomm_status
scomm_did_cell_linears(const scomm_did_attgt *a, scomm_did_linear **out,
					   int *k)
{
	scomm_did_linear *l;
	int			i,
				m = 0;

	if (a == NULL || out == NULL || k == NULL)
		return SCOMM_EINVAL;
	l = scomm_core_alloc((a->n_cells + 1) * sizeof(scomm_did_linear));
	if (l == NULL)
		return SCOMM_ENOMEM;
	for (i = 0; i < a->n_cells; i++)
	{
		if (a->cells[i].status != SCOMM_DID_CELL_OK)
			continue;
		if (did_linear_init(&l[m], 1, a->n_cohorts) != SCOMM_OK)
		{
			scomm_did_linears_free(l, m + 1);
			return SCOMM_ENOMEM;
		}
		l[m].n_terms = 1;
		l[m].cell[0] = i;
		l[m].w[0] = 1.0;
		m++;
	}
	*out = l;
	*k = m;
	return SCOMM_OK;
}
