/*
 * honest.c: input checks of the sensitivity analysis, the original
 * (parallel-trends) interval, and the release of the LP solver's memory.
 */
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_cdf.h>

#include "honest_int.h"

static scomm_status
Bad(scomm_honest_diag *d, int row, int col, const char *msg)
{
	if (d != NULL)
	{
		d->row = row;
		d->col = col;
		snprintf(d->message, sizeof(d->message), "%s", msg);
	}
	return SCOMM_EINVAL;
}

scomm_status
scomm_honest_check(const scomm_honest_problem *p, scomm_honest_diag *diag)
{
	int			n = p->n_pre + p->n_post,
				i,
				j,
				nonzero = 0;

	if (p->n_pre < 1 || p->n_post < 1)
		return Bad(diag, -1, -1, "there must be at least one pre-period and one post-period coefficient");
	if (p->n_pre > SCOMM_HONEST_MAX_PERIODS || p->n_post > SCOMM_HONEST_MAX_PERIODS)
		return SCOMM_ETOOBIG;
	if (!(p->alpha > 0.0 && p->alpha < 1.0))
		return Bad(diag, -1, -1, "alpha must be between 0 and 1");
	for (i = 0; i < n; i++)
		if (!isfinite(p->betahat[i]))
			return Bad(diag, i, -1, "betahat has a value that is not finite");
	for (i = 0; i < p->n_post; i++)
	{
		if (!isfinite(p->l[i]))
			return Bad(diag, i, -1, "l has a value that is not finite");
		nonzero |= p->l[i] != 0.0;
	}
	if (!nonzero)
		return Bad(diag, -1, -1, "l is all zero");
	for (i = 0; i < n; i++)
	{
		double		v = p->sigma[(size_t) i * n + i];

		if (!(isfinite(v) && v > 0.0))
			return Bad(diag, i, i, "the variances on the diagonal of sigma must be positive and finite");
		for (j = 0; j < i; j++)
		{
			double		a = p->sigma[(size_t) i * n + j],
						b = p->sigma[(size_t) j * n + i];

			if (!isfinite(a) || !isfinite(b))
				return Bad(diag, i, j, "sigma has a value that is not finite");
			if (fabs(a - b) > 1e-8 * sqrt(v * p->sigma[(size_t) j * n + j]))
				return Bad(diag, i, j, "sigma is not symmetric");
			if (fabs(a) > (1.0 + 1e-8) * sqrt(v * p->sigma[(size_t) j * n + j]))
				return Bad(diag, i, j, "sigma is not a covariance matrix (a correlation exceeds 1)");
		}
	}
	return SCOMM_OK;
}

void
scomm_honest_original(const scomm_honest_problem *p, double *lb, double *ub)
{
	int			K = p->n_pre,
				n = K + p->n_post,
				i,
				j;
	double		est = 0.0,
				var = 0.0,
				z = gsl_cdf_ugaussian_Qinv(p->alpha / 2.0);

	for (i = 0; i < p->n_post; i++)
	{
		est += p->l[i] * p->betahat[K + i];
		for (j = 0; j < p->n_post; j++)
			var += p->l[i] * p->sigma[(size_t) (K + i) * n + K + j] * p->l[j];
	}
	*lb = est - z * sqrt(var);
	*ub = est + z * sqrt(var);
}

void
scomm_honest_release(void)
{
	honest_lp_release();
}
