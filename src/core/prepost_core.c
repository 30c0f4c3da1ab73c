/*
 * prepost_core.c: running moments and Welch's t-test for prepost.
 */
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "prepost_core.h"

/*
 * Chan, Golub and LeVeque's pairwise merge: with delta = mean_b - mean_a,
 * mean = mean_a + delta * n_b / n and m2 = m2_a + m2_b + delta^2 n_a n_b / n.
 */
void
prepost_moments_merge(prepost_moments *a, const prepost_moments *b)
{
	double		na,
				nb,
				n,
				delta;

	if (b->n == 0)
		return;
	if (a->n == 0)
	{
		*a = *b;
		return;
	}
	na = (double) a->n;
	nb = (double) b->n;
	n = na + nb;
	delta = b->mean - a->mean;
	a->mean += delta * (nb / n);
	a->m2 += b->m2 + delta * delta * (na * nb / n);
	a->n += b->n;
}

double
prepost_moments_var(const prepost_moments *m)
{
	if (m->n < 2)
		return NAN;
	return m->m2 / (double) (m->n - 1);
}

scomm_status
prepost_moments_check(const prepost_moments *m)
{
	if (m->n < 0 || !isfinite(m->mean) || !isfinite(m->m2) || m->m2 < 0)
		return SCOMM_ECORRUPT;
	if (m->n == 0 && (m->mean != 0 || m->m2 != 0))
		return SCOMM_ECORRUPT;
	if (m->n == 1 && m->m2 != 0)
		return SCOMM_ECORRUPT;
	return SCOMM_OK;
}

static void
SetUndefined(prepost_test *out)
{
	out->se = out->t = out->df = out->p_value = out->ci_low = out->ci_high = NAN;
}

scomm_status
prepost_contrast(int k, const double *coef, const int64_t *n,
				 const double *mean, const double *var,
				 double alpha, prepost_test *out)
{
	double		est = 0,
				se2 = 0,
				dfden = 0,
				q;
	int			i;

	if (k < 1 || !(alpha > 0 && alpha < 1))
		return SCOMM_EINVAL;
	for (i = 0; i < k; i++)
		if (n[i] < 1)
		{
			out->estimate = NAN;
			SetUndefined(out);
			return SCOMM_EEMPTY;
		}
	for (i = 0; i < k; i++)
		est += coef[i] * mean[i];
	out->estimate = est;
	SetUndefined(out);
	for (i = 0; i < k; i++)
	{
		double		w;

		if (n[i] < 2 || !(var[i] >= 0))
			return SCOMM_EEMPTY;
		w = coef[i] * coef[i] * var[i] / (double) n[i];
		se2 += w;
		dfden += w * w / (double) (n[i] - 1);
	}
	if (!(se2 > 0) || !isfinite(se2) || !(dfden > 0))
		return SCOMM_ESINGULAR;
	out->se = sqrt(se2);
	out->t = est / out->se;
	out->df = se2 * se2 / dfden;
	if (!isfinite(out->df))
	{
		SetUndefined(out);
		return SCOMM_ESINGULAR;
	}
	out->p_value = 2.0 * gsl_cdf_tdist_Q(fabs(out->t), out->df);
	if (out->p_value > 1)
		out->p_value = 1;
	q = gsl_cdf_tdist_Qinv(alpha / 2.0, out->df);
	out->ci_low = est - q * out->se;
	out->ci_high = est + q * out->se;
	return SCOMM_OK;
}
