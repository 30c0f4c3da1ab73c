/*
 * honest_event.c: the event study HonestDiD's honest_did() builds from a
 * did dynamic aggregation (R/honest_did.R, honest_did.AGGTEobj): the
 * coefficients other than the reference e = -1 and their covariance
 * IF'IF / n / n from the influence functions of the terms.
 */
#include <math.h>
#include <string.h>

#include "honest.h"

scomm_status
scomm_honest_event_study(const scomm_did_attgt *a, const scomm_did_agg *agg,
						 int min_e, int max_e, int *n_pre, int *n_post,
						 int32_t *e, double *beta, double *sigma)
{
	int			k,
				m = 0,
				i,
				j,
				ref = 0,
				n = a->n;
	int		   *sel = scomm_core_alloc((agg->n_terms + 1) * sizeof(int));
	double	   *ifv = NULL;
	scomm_status st = SCOMM_OK;

	*n_pre = *n_post = 0;
	if (sel == NULL)
		return SCOMM_ENOMEM;
	for (k = 0; k < agg->n_terms; k++)
	{
		int32_t		ek = agg->term[k];

		if (ek < min_e || ek > max_e)
			continue;
		if (ek == -1)
		{
			ref = 1;
			continue;
		}
		if (!isfinite(agg->terms[k].est))
		{
			scomm_core_free(sel);
			return SCOMM_EEMPTY;
		}
		sel[m++] = k;
		if (ek < -1)
			(*n_pre)++;
		else
			(*n_post)++;
	}
	if (!ref || *n_post == 0)
		st = SCOMM_EEMPTY;
	else if (*n_pre > SCOMM_HONEST_MAX_PERIODS || *n_post > SCOMM_HONEST_MAX_PERIODS)
		st = SCOMM_ETOOBIG;
	if (st == SCOMM_OK)
	{
		ifv = scomm_core_alloc((size_t) m * n * sizeof(double));
		if (ifv == NULL)
			st = SCOMM_ENOMEM;
	}
	for (j = 0; st == SCOMM_OK && j < m; j++)
	{
		e[j] = agg->term[sel[j]];
		beta[j] = agg->terms[sel[j]].est;
		st = scomm_did_linear_if(a, &agg->lin[sel[j]], ifv + (size_t) j * n);
	}
	for (j = 0; st == SCOMM_OK && j < m; j++)
	{
		for (k = 0; k <= j; k++)
		{
			const double *x = ifv + (size_t) j * n,
					   *y = ifv + (size_t) k * n;
			double		s = 0.0;

			for (i = 0; i < n; i++)
				s += x[i] * y[i];
			sigma[(size_t) j * m + k] = sigma[(size_t) k * m + j] = s / n / n;
		}
		if (scomm_core_interrupted())
			st = SCOMM_CANCELLED;
	}
	scomm_core_free(ifv);
	scomm_core_free(sel);
	return st;
}
