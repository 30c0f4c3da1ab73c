/*
 * lca_stats.c: fit statistics of a latent class model, as poLCA defines them.
 *
 * npar = (R - 1) + R sum(K_j - 1); AIC = -2 LL + 2 npar; BIC = -2 LL +
 * log(N) npar; sample-size adjusted BIC uses log((N + 2) / 24) (Sclove 1987).
 * G² and X² compare observed and fitted counts of the complete patterns, with
 * fitted = N_complete P(y); X² adds N_complete - sum(fitted) for the cells
 * never observed (poLCA.R).  resid_df = min(N, prod K_j - 1) - npar (poLCA).
 * Relative entropy = 1 - sum_i sum_r -p_ir log p_ir / (N log R) (Mplus).
 */
#include <math.h>
#include <string.h>

#include "lca_int.h"

/* running sums over the patterns */
typedef struct LcaSums
{
	double		ll;
	double		ent;			/* sum of w * -sum_r p log p */
	double		gsq;
	double		chisq;
	double		sumfit;
	double		modal_w[SCOMM_LCA_MAX_CLASSES];
	double		post_w[SCOMM_LCA_MAX_CLASSES];
} LcaSums;

/* Add pattern p (log-probability llp, posterior post) to the sums. */
static void
AddPattern(const LcaData *d, size_t p, double llp, const double *post,
		   LcaSums *s)
{
	double		w = d->w[p];
	int			r,
				best = 0;

	s->ll += w * llp;
	for (r = 0; r < d->nclass; r++)
	{
		if (post[r] > 0.0)
			s->ent -= w * post[r] * log(post[r]);
		if (post[r] > post[best])
			best = r;
	}
	s->modal_w[best] += w;
	s->post_w[best] += w * post[best];
	if (d->complete[p])
	{
		double		fit = d->n_complete * exp(llp);

		s->chisq += (w - fit) * ((w - fit) / fit);	/* no overflow of (w - fit)^2 */
		s->gsq += 2.0 * w * log(w / fit);
		s->sumfit += fit;
	}
}

/* Information criteria and degrees of freedom. */
static void
SetCriteria(const LcaData *d, scomm_lca_model *m)
{
	double		cells = 1.0;
	int			j;

	m->npar = m->nclass - 1;
	for (j = 0; j < d->nitems; j++)
	{
		m->npar += m->nclass * (d->ncat[j] - 1);
		cells *= d->ncat[j];
	}
	m->aic = -2.0 * m->loglik + 2.0 * m->npar;
	m->bic = -2.0 * m->loglik + log(m->n) * m->npar;
	m->sabic = -2.0 * m->loglik + log((m->n + 2.0) / 24.0) * m->npar;
	m->resid_df = fmin(m->n, cells - 1.0) - m->npar;
}

/* Compute log-likelihood and all fit statistics of m over the data d. */
scomm_status
scomm_lca_model_stats(const LcaData *d, scomm_lca_model *m)
{
	LcaWork		w = {0};
	LcaSums		s;
	size_t		p;
	int			r;
	scomm_status st;

	if ((st = scomm_lca_work_alloc(d, &w)) != SCOMM_OK)
		return st;
	memset(&s, 0, sizeof(s));
	scomm_lca_log_params(d, m->share, m->probs, w.logshare, w.logp);
	for (p = 0; p < d->npat; p++)
		AddPattern(d, p, scomm_lca_pattern_post(d, p, w.logshare, w.logp,
												w.post), w.post, &s);
	scomm_lca_work_free(&w);
	if (!isfinite(s.ll))
		return SCOMM_ENOCONV;
	/* at most 0; a perfect fit can round to a few units in the last place above */
	m->loglik = fmin(s.ll, 0.0);
	m->n = d->n_used;
	m->n_dropped = d->n_dropped;
	m->n_complete = d->n_complete;
	m->gsq = d->n_complete > 0 ? s.gsq : NAN;
	m->chisq = d->n_complete > 0 ? s.chisq + (d->n_complete - s.sumfit) : NAN;
	m->entropy = m->nclass > 1 ? 1.0 - s.ent / (d->n_used * log(m->nclass)) : NAN;
	for (r = 0; r < m->nclass; r++)
	{
		m->modal_share[r] = s.modal_w[r] / d->n_used;
		m->avepp[r] = s.modal_w[r] > 0 ? s.post_w[r] / s.modal_w[r] : NAN;
	}
	SetCriteria(d, m);
	/* counts near the top of double precision: statistics that overflow */
	if (!isfinite(m->aic) || !isfinite(m->bic) || !isfinite(m->sabic) ||
		(d->n_complete > 0 && (!isfinite(m->gsq) || !isfinite(m->chisq))) ||
		!isfinite(m->n))
		return SCOMM_ERANGE;
	return SCOMM_OK;
}
