/*
 * lca_model.c: the fitted model value: allocation, class order, classification.
 */
#include <math.h>
#include <string.h>

#include "lca_int.h"
#include "mlogit.h"

/* Allocate a zeroed model of nitems items with ncat[] categories, R classes. */
scomm_status
scomm_lca_model_alloc(int nitems, int nclass, const int *ncat,
					  scomm_lca_model **out)
{
	scomm_lca_model *m;
	int			j;

	*out = NULL;
	if ((m = scomm_core_alloc(sizeof(*m))) == NULL)
		return SCOMM_ENOMEM;
	m->nitems = nitems;
	m->nclass = nclass;
	m->ncat = scomm_core_alloc(nitems * sizeof(int));
	for (j = 0; m->ncat != NULL && j < nitems; j++)
	{
		m->ncat[j] = ncat[j];
		m->ncat_total += ncat[j];
	}
	m->share = scomm_core_alloc(nclass * sizeof(double));
	m->probs = scomm_core_alloc((size_t) nclass * m->ncat_total * sizeof(double));
	m->modal_share = scomm_core_alloc(nclass * sizeof(double));
	m->avepp = scomm_core_alloc(nclass * sizeof(double));
	if (!m->ncat || !m->share || !m->probs || !m->modal_share || !m->avepp)
	{
		scomm_lca_model_free(m);
		return SCOMM_ENOMEM;
	}
	m->format = 1;
	*out = m;
	return SCOMM_OK;
}

/* Add the arrays of format 2: standard errors and coefficients (NaN). */
scomm_status
scomm_lca_model_alloc_v2(scomm_lca_model *m, int ncov)
{
	size_t		nb = (size_t) (m->nclass - 1) * (ncov + 1);
	size_t		i;

	m->format = 2;
	m->ncov = ncov;
	m->share_se = scomm_core_alloc(m->nclass * sizeof(double));
	m->probs_se = scomm_core_alloc((size_t) m->nclass * m->ncat_total * sizeof(double));
	m->coef = scomm_core_alloc(nb * sizeof(double));
	m->coef_se = scomm_core_alloc(nb * sizeof(double));
	if (!m->share_se || !m->probs_se || !m->coef || !m->coef_se)
		return SCOMM_ENOMEM;
	for (i = 0; i < (size_t) m->nclass; i++)
		m->share_se[i] = NAN;
	for (i = 0; i < (size_t) m->nclass * m->ncat_total; i++)
		m->probs_se[i] = NAN;
	for (i = 0; i < nb; i++)
		m->coef_se[i] = NAN;
	return SCOMM_OK;
}

/* Free a model; NULL is allowed. */
void
scomm_lca_model_free(scomm_lca_model *m)
{
	if (m == NULL)
		return;
	scomm_core_free(m->ncat);
	scomm_core_free(m->share);
	scomm_core_free(m->probs);
	scomm_core_free(m->modal_share);
	scomm_core_free(m->avepp);
	scomm_core_free(m->share_se);
	scomm_core_free(m->probs_se);
	scomm_core_free(m->coef);
	scomm_core_free(m->coef_se);
	scomm_core_free(m);
}

/*
 * Copy the parameters into m with classes ordered by share, largest first
 * (stable: equal shares keep their start order); with covariates the
 * coefficients are re-expressed against the new class 1.
 */
static void
OrderClasses(const LcaData *d, scomm_lca_model *m, const double *share,
			 const LcaParams *par)
{
	int			order[SCOMM_LCA_MAX_CLASSES];
	int			S = d->ncov + 1;
	int			r,
				i,
				s;

	for (r = 0; r < m->nclass; r++)
	{
		for (i = r; i > 0 && share[order[i - 1]] < share[r]; i--)
			order[i] = order[i - 1];
		order[i] = r;
	}
	for (r = 0; r < m->nclass; r++)
	{
		m->share[r] = share[order[r]];
		memcpy(m->probs + (size_t) r * m->ncat_total,
			   par->probs + (size_t) order[r] * m->ncat_total,
			   m->ncat_total * sizeof(double));
	}
	if (m->coef == NULL)
		return;
	for (r = 1; r < m->nclass; r++)
		for (s = 0; s < S; s++)
		{
			double		b = 0.0;

			if (LCA_HAS_COV(d))
			{
				if (order[r] > 0)
					b += par->beta[(order[r] - 1) * S + s];
				if (order[0] > 0)
					b -= par->beta[(order[0] - 1) * S + s];
			}
			else
				b = log(m->share[r] / m->share[0]);
			m->coef[(r - 1) * S + s] = b;
		}
}

/*
 * Shares of a covariate fit: the mean posterior over all N rows (poLCA's P
 * = colMeans(posterior)); rows without an observed item have their prior.
 */
static scomm_status
CovariateShares(const LcaData *d, const LcaParams *par, double *share)
{
	LcaWork		w = {0};
	double		lp[SCOMM_LCA_MAX_CLASSES];
	size_t		p;
	int			r;
	scomm_status st;

	if ((st = scomm_lca_work_alloc(d, &w)) != SCOMM_OK)
		return st;
	memset(share, 0, d->nclass * sizeof(double));
	scomm_lca_log_params(d, par->share, par->probs, w.logshare, w.logp);
	for (p = 0; p < d->npat; p++)
	{
		scomm_lca_pattern_logprior(d, p, par->beta, lp);
		scomm_lca_pattern_post(d, p, lp, w.logp, w.post);
		for (r = 0; r < d->nclass; r++)
			share[r] += d->w[p] * w.post[r];
	}
	for (p = 0; p < d->nempty; p++)
	{
		scomm_mlogit_probs(d->nclass, d->ncov, par->beta, d->x_empty + p * d->ncov, lp);
		for (r = 0; r < d->nclass; r++)
			share[r] += d->w_empty[p] * lp[r];
	}
	for (r = 0; r < d->nclass; r++)
		share[r] /= LCA_N(d);
	scomm_lca_work_free(&w);
	return SCOMM_OK;
}

/*
 * Build the model of the best start: class order, fit statistics, and
 * (when se) the standard errors.
 */
scomm_status
scomm_lca_model_build(const LcaData *d, const LcaParams *best, int se,
					  scomm_lca_model **out)
{
	double		share[SCOMM_LCA_MAX_CLASSES];
	scomm_status st;

	st = scomm_lca_model_alloc(d->nitems, d->nclass, d->ncat, out);
	if (st == SCOMM_OK)
		st = scomm_lca_model_alloc_v2(*out, LCA_HAS_COV(d) ? d->ncov : 0);
	if (st == SCOMM_OK && LCA_HAS_COV(d))
		st = CovariateShares(d, best, share);
	else
		memcpy(share, best->share, d->nclass * sizeof(double));
	if (st == SCOMM_OK)
	{
		OrderClasses(d, *out, share, best);
		st = scomm_lca_model_stats(d, *out);
	}
	if (st == SCOMM_OK && se)
		st = scomm_lca_model_se(d, *out);
	if (st != SCOMM_OK)
	{
		scomm_lca_model_free(*out);
		*out = NULL;
	}
	return st;
}

/* Log class probabilities of a unit with covariates x under model m. */
void
scomm_lca_model_logprior(const scomm_lca_model *m, const double *x, double *lp)
{
	int			r;

	if (m->ncov > 0 && m->nclass > 1)
	{
		scomm_mlogit_logprobs(m->nclass, m->ncov, m->coef, x, lp);
		return;
	}
	for (r = 0; r < m->nclass; r++)
		lp[r] = log(m->share[r]);
}

/* Log of the joint probability of the observed answers and each class. */
static int
JointLog(const scomm_lca_model *m, const int *answers, const double *cov,
		 double *lp)
{
	int			r,
				j,
				off;

	scomm_lca_model_logprior(m, cov, lp);
	for (r = 0; r < m->nclass; r++)
	{
		const double *pr = m->probs + (size_t) r * m->ncat_total;

		for (j = 0, off = 0; j < m->nitems; off += m->ncat[j], j++)
		{
			if (answers[j] < 0 || answers[j] > m->ncat[j])
				return 0;
			if (answers[j] > 0)
				lp[r] += log(pr[off + answers[j] - 1]);
		}
	}
	return 1;
}

/*
 * Posterior class probabilities (post[R], may be NULL) and modal class
 * (1-based, first of equals; may be NULL) of one pattern, 0 = missing.
 * SCOMM_EINVAL for a wrong length, an unknown category, or a pattern no
 * class can produce.
 */
scomm_status
scomm_lca_posterior_cov(const scomm_lca_model *m, const int *answers,
						int nitems, const double *cov, int ncov, double *post,
						int *modal_class)
{
	double		lp[SCOMM_LCA_MAX_CLASSES];
	double		mx = -INFINITY,
				s = 0.0;
	int			r,
				best = 0;

	if (m == NULL || answers == NULL || nitems != m->nitems ||
		m->nclass < 1 || m->nclass > SCOMM_LCA_MAX_CLASSES ||
		ncov != m->ncov || (ncov > 0 && cov == NULL))
		return SCOMM_EINVAL;
	for (r = 0; r < ncov; r++)
		if (!isfinite(cov[r]))
			return SCOMM_EINVAL;
	if (!JointLog(m, answers, cov, lp))
		return SCOMM_EINVAL;
	for (r = 0; r < m->nclass; r++)
		if (lp[r] > mx)
			mx = lp[r];
	if (!isfinite(mx))
		return SCOMM_EINVAL;
	for (r = 0; r < m->nclass; r++)
		s += (lp[r] = exp(lp[r] - mx));
	for (r = 0; r < m->nclass; r++)
	{
		lp[r] /= s;
		if (lp[r] > lp[best])
			best = r;
		if (post != NULL)
			post[r] = lp[r];
	}
	if (modal_class != NULL)
		*modal_class = best + 1;
	return SCOMM_OK;
}

scomm_status
scomm_lca_posterior(const scomm_lca_model *m, const int *answers, int nitems,
					double *post, int *modal_class)
{
	if (m == NULL || m->ncov != 0)
		return SCOMM_EINVAL;
	return scomm_lca_posterior_cov(m, answers, nitems, NULL, 0, post, modal_class);
}

scomm_status
scomm_lca_prior(const scomm_lca_model *m, const double *cov, int ncov,
				double *prior)
{
	double		lp[SCOMM_LCA_MAX_CLASSES];
	int			r;

	if (m == NULL || prior == NULL || ncov != m->ncov || (ncov > 0 && cov == NULL))
		return SCOMM_EINVAL;
	for (r = 0; r < ncov; r++)
		if (!isfinite(cov[r]))
			return SCOMM_EINVAL;
	scomm_lca_model_logprior(m, cov, lp);
	for (r = 0; r < m->nclass; r++)
		prior[r] = exp(lp[r]);
	return SCOMM_OK;
}
