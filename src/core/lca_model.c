/*
 * lca_model.c: the fitted model value: allocation, class order, classification.
 */
#include <math.h>
#include <string.h>

#include "lca_int.h"

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
	*out = m;
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
	scomm_core_free(m);
}

/* Copy the parameters into m with classes ordered by share, largest first. */
static void
OrderClasses(scomm_lca_model *m, const double *share, const double *probs)
{
	int			order[SCOMM_LCA_MAX_CLASSES];
	int			r,
				i;

	for (r = 0; r < m->nclass; r++)
	{
		/* stable insertion: equal shares keep their start order */
		for (i = r; i > 0 && share[order[i - 1]] < share[r]; i--)
			order[i] = order[i - 1];
		order[i] = r;
	}
	for (r = 0; r < m->nclass; r++)
	{
		m->share[r] = share[order[r]];
		memcpy(m->probs + (size_t) r * m->ncat_total,
			   probs + (size_t) order[r] * m->ncat_total,
			   m->ncat_total * sizeof(double));
	}
}

/* Build the model of the best start: class order, then fit statistics. */
scomm_status
scomm_lca_model_build(const LcaData *d, const double *share,
					  const double *probs, scomm_lca_model **out)
{
	scomm_status st;

	st = scomm_lca_model_alloc(d->nitems, d->nclass, d->ncat, out);
	if (st != SCOMM_OK)
		return st;
	OrderClasses(*out, share, probs);
	st = scomm_lca_model_stats(d, *out);
	if (st != SCOMM_OK)
	{
		scomm_lca_model_free(*out);
		*out = NULL;
	}
	return st;
}

/* Log of the joint probability of the observed answers and each class. */
static int
JointLog(const scomm_lca_model *m, const int *answers, double *lp)
{
	int			r,
				j,
				off;

	for (r = 0; r < m->nclass; r++)
	{
		const double *pr = m->probs + (size_t) r * m->ncat_total;

		lp[r] = log(m->share[r]);
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
scomm_lca_posterior(const scomm_lca_model *m, const int *answers, int nitems,
					double *post, int *modal_class)
{
	double		lp[SCOMM_LCA_MAX_CLASSES];
	double		mx = -INFINITY,
				s = 0.0;
	int			r,
				best = 0;

	if (m == NULL || answers == NULL || nitems != m->nitems ||
		m->nclass < 1 || m->nclass > SCOMM_LCA_MAX_CLASSES ||
		!JointLog(m, answers, lp))
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
