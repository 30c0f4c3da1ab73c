/*
 * lca_model_check.c: the list of a model's scalar fields and the validation
 * that every decoded model passes before anyone uses it.
 */
#include <limits.h>
#include <math.h>
#include <stddef.h>

#include "lca_int.h"

#define LCA_SUM_TOL 1e-9		/* probabilities must sum to 1 within this */

const LcaField scomm_lca_double_fields[] = {
	{"loglik", offsetof(scomm_lca_model, loglik), 0},
	{"aic", offsetof(scomm_lca_model, aic), 0},
	{"bic", offsetof(scomm_lca_model, bic), 0},
	{"sabic", offsetof(scomm_lca_model, sabic), 0},
	{"gsq", offsetof(scomm_lca_model, gsq), 1},
	{"chisq", offsetof(scomm_lca_model, chisq), 1},
	{"entropy", offsetof(scomm_lca_model, entropy), 1},
	{"n", offsetof(scomm_lca_model, n), 0},
	{"n_dropped", offsetof(scomm_lca_model, n_dropped), 0},
	{"n_complete", offsetof(scomm_lca_model, n_complete), 0},
	{"resid_df", offsetof(scomm_lca_model, resid_df), 0},
	{"tol", offsetof(scomm_lca_model, tol), 0},
};
const int	scomm_lca_ndouble_fields =
sizeof(scomm_lca_double_fields) / sizeof(scomm_lca_double_fields[0]);

const LcaField scomm_lca_int_fields[] = {
	{"npar", offsetof(scomm_lca_model, npar), 0},
	{"iterations", offsetof(scomm_lca_model, iterations), 0},
	{"converged", offsetof(scomm_lca_model, converged), 0},
	{"starts", offsetof(scomm_lca_model, starts), 0},
	{"starts_at_best", offsetof(scomm_lca_model, starts_at_best), 0},
	{"starts_failed", offsetof(scomm_lca_model, starts_failed), 0},
	{"max_iter", offsetof(scomm_lca_model, max_iter), 0},
};
const int	scomm_lca_nint_fields =
sizeof(scomm_lca_int_fields) / sizeof(scomm_lca_int_fields[0]);

/* Nonzero when v is a probability (finite, in [0, 1]). */
static int
IsProb(double v)
{
	return isfinite(v) && v >= 0.0 && v <= 1.0;
}

/* Nonzero when n values from v are probabilities summing to one. */
static int
IsDistribution(const double *v, int n)
{
	double		s = 0.0;
	int			i;

	for (i = 0; i < n; i++)
	{
		if (!IsProb(v[i]))
			return 0;
		s += v[i];
	}
	return fabs(s - 1.0) <= LCA_SUM_TOL;
}

/* Shares, response probabilities, modal shares and average posteriors. */
static int
CheckParameters(const scomm_lca_model *m)
{
	int			r,
				j,
				off;

	if (!IsDistribution(m->share, m->nclass))
		return 0;
	for (r = 0; r < m->nclass; r++)
	{
		const double *pr = m->probs + (size_t) r * m->ncat_total;

		for (j = 0, off = 0; j < m->nitems; off += m->ncat[j], j++)
			if (!IsDistribution(pr + off, m->ncat[j]))
				return 0;
		if (!IsProb(m->modal_share[r]) ||
			!(isnan(m->avepp[r]) || IsProb(m->avepp[r])))
			return 0;
	}
	return 1;
}

/* Scalars: finite where required, counts and run bookkeeping consistent. */
static int
CheckScalars(const scomm_lca_model *m)
{
	int			npar = (m->nclass - 1) * (m->ncov + 1);
	int			i,
				j;

	for (i = 0; i < scomm_lca_ndouble_fields; i++)
	{
		double		v = *LCA_DFIELD(m, &scomm_lca_double_fields[i]);

		if (!isfinite(v) && !(isnan(v) && scomm_lca_double_fields[i].nan_ok))
			return 0;
	}
	for (j = 0; j < m->nitems; j++)
		npar += m->nclass * (m->ncat[j] - 1);
	return m->npar == npar && m->loglik <= 0.0 && m->n > 0.0 &&
		m->n_dropped >= 0.0 && m->n_complete >= 0.0 &&
		m->n_complete <= m->n && m->tol >= 0.0 && m->max_iter >= 1 &&
		m->iterations >= 0 && m->iterations <= m->max_iter &&
		(m->converged == 0 || m->converged == 1) && m->starts >= 1 &&
		m->starts_at_best >= 1 && m->starts_at_best <= m->starts &&
		m->starts_failed >= 0;
}

/* Nonzero when v is a standard error: NaN (not computed) or finite >= 0. */
static int
IsSe(double v)
{
	return isnan(v) || (isfinite(v) && v >= 0.0);
}

/* The content of format 2: standard errors, coefficients, flags. */
static int
CheckFormat2(const scomm_lca_model *m)
{
	size_t		nb = (size_t) (m->nclass - 1) * (m->ncov + 1);
	size_t		i;

	if (m->format == 1)
		return m->ncov == 0 && m->share_se == NULL && m->probs_se == NULL &&
			m->coef == NULL && m->coef_se == NULL && m->accelerated == 0 &&
			m->starts_stopped == 0;
	if (m->format != 2 || m->ncov < 0 || m->ncov > SCOMM_LCA_MAX_COVARIATES ||
		m->share_se == NULL || m->probs_se == NULL || m->coef == NULL ||
		m->coef_se == NULL || (m->accelerated != 0 && m->accelerated != 1) ||
		m->starts_stopped < 0 || m->starts_stopped > m->starts ||
		(m->ncov > 0 && m->nclass < 2))
		return 0;
	for (i = 0; i < (size_t) m->nclass; i++)
		if (!IsSe(m->share_se[i]))
			return 0;
	for (i = 0; i < (size_t) m->nclass * m->ncat_total; i++)
		if (!IsSe(m->probs_se[i]))
			return 0;
	for (i = 0; i < nb; i++)
		if (!isfinite(m->coef[i]) || !IsSe(m->coef_se[i]))
			return 0;
	return 1;
}

/* SCOMM_OK when m is a model a fit could have produced, else ECORRUPT. */
scomm_status
scomm_lca_model_check(const scomm_lca_model *m)
{
	int			j,
				total = 0;

	if (m->nitems < 1 || m->nitems > SCOMM_LCA_MAX_ITEMS ||
		m->nclass < 1 || m->nclass > SCOMM_LCA_MAX_CLASSES ||
		m->ncov < 0 || m->ncov > SCOMM_LCA_MAX_COVARIATES)
		return SCOMM_ECORRUPT;
	for (j = 0; j < m->nitems; j++)
	{
		if (m->ncat[j] < 1 || m->ncat[j] > SCOMM_LCA_MAX_CATEGORY)
			return SCOMM_ECORRUPT;
		total += m->ncat[j];
	}
	if (total != m->ncat_total || !CheckParameters(m) || !CheckScalars(m) ||
		!CheckFormat2(m))
		return SCOMM_ECORRUPT;
	return SCOMM_OK;
}
