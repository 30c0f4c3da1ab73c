/*
 * lca_em.c: one EM run of the latent class model from given start values.
 *
 * The model (Goodman 1974; poLCA, Linzer & Lewis 2011, without covariates):
 * P(y) = sum_r share_r prod_{j observed} probs_{r,j,y_j}.  Missing items are
 * left out of the product (poLCA with na.rm = FALSE).  The E-step works in
 * logs with log-sum-exp, so nothing underflows; the M-step is poLCA's:
 * share_r = mean posterior, probs_{r,j,k} = posterior-weighted share of answer
 * k among the rows that answered item j.
 */
#include <math.h>
#include <string.h>

#include "lca_int.h"

/* Logs of the shares and of the item-response probabilities. */
void
scomm_lca_log_params(const LcaData *d, const double *share,
					 const double *probs, double *logshare, double *logp)
{
	size_t		rt = (size_t) d->nclass * d->ncat_total;
	size_t		i;
	int			r;

	for (r = 0; r < d->nclass; r++)
		logshare[r] = log(share[r]);
	for (i = 0; i < rt; i++)
		logp[i] = log(probs[i]);
}

/*
 * Posterior class probabilities of used pattern p into post[R]; returns
 * log P(y_p), or -inf (post all zero) when no class can produce the pattern.
 */
double
scomm_lca_pattern_post(const LcaData *d, size_t p, const double *logshare,
					   const double *logp, double *post)
{
	const int  *idx = d->idx + d->start[p];
	size_t		nk = d->start[p + 1] - d->start[p];
	double		m = -INFINITY;
	double		s = 0.0;
	size_t		k;
	int			r;

	for (r = 0; r < d->nclass; r++)
	{
		const double *lr = logp + (size_t) r * d->ncat_total;
		double		v = logshare[r];

		for (k = 0; k < nk; k++)
			v += lr[idx[k]];
		post[r] = v;
		if (v > m)
			m = v;
	}
	if (!isfinite(m))
	{
		memset(post, 0, d->nclass * sizeof(double));
		return -INFINITY;
	}
	for (r = 0; r < d->nclass; r++)
		s += (post[r] = exp(post[r] - m));
	for (r = 0; r < d->nclass; r++)
		post[r] /= s;
	return m + log(s);
}

/* E-step: log-likelihood at the current parameters and the M-step sums. */
static double
EStep(const LcaData *d, LcaWork *w)
{
	size_t		rt = (size_t) d->nclass * d->ncat_total;
	double		ll = 0.0;
	size_t		p,
				k;
	int			r;

	memset(w->num, 0, rt * sizeof(double));
	memset(w->wsum, 0, d->nclass * sizeof(double));
	for (p = 0; p < d->npat; p++)
	{
		const int  *idx = d->idx + d->start[p];
		size_t		nk = d->start[p + 1] - d->start[p];

		ll += d->w[p] * scomm_lca_pattern_post(d, p, w->logshare, w->logp,
											   w->post);
		for (r = 0; r < d->nclass; r++)
		{
			double		wp = d->w[p] * w->post[r];
			double	   *nr = w->num + (size_t) r * d->ncat_total;

			w->wsum[r] += wp;
			for (k = 0; k < nk; k++)
				nr[idx[k]] += wp;
		}
	}
	return ll;
}

/* M-step from the E-step sums; 0 when a class or an item lost all weight. */
static int
MStep(const LcaData *d, const LcaWork *w, double *share, double *probs)
{
	int			r,
				j,
				k;

	for (r = 0; r < d->nclass; r++)
	{
		if (!(w->wsum[r] > 0.0))
			return 0;
		share[r] = w->wsum[r] / d->n_used;
		for (j = 0; j < d->nitems; j++)
		{
			size_t		o = (size_t) r * d->ncat_total + d->off[j];
			double		den = 0.0;

			for (k = 0; k < d->ncat[j]; k++)
				den += w->num[o + k];
			if (!(den > 0.0))
				return 0;
			for (k = 0; k < d->ncat[j]; k++)
				probs[o + k] = w->num[o + k] / den;
		}
	}
	return 1;
}

/*
 * Iterate EM from share/probs until the log-likelihood gains no more than
 * tol * (1 + |loglik|) in one iteration, or max_iter iterations.  On return
 * the parameters, *ll and the iteration count belong together.  Returns
 * SCOMM_ENOCONV when the run collapsed (a class or item lost all weight, or
 * a pattern became impossible), SCOMM_CANCELLED when interrupted.
 */
scomm_status
scomm_lca_em_run(const LcaData *d, LcaWork *w, double *share, double *probs,
				 int max_iter, double tol, double *ll, int *iterations,
				 int *converged)
{
	double		prev = -INFINITY;
	double		cur;

	*iterations = 0;
	*converged = 0;
	for (;;)
	{
		scomm_lca_log_params(d, share, probs, w->logshare, w->logp);
		cur = EStep(d, w);
		*ll = cur;
		if (!isfinite(cur))
			return SCOMM_ENOCONV;
		if (cur - prev <= tol * (1.0 + fabs(cur)))
		{
			*converged = 1;
			return SCOMM_OK;
		}
		if (*iterations >= max_iter)
			return SCOMM_OK;
		if (scomm_core_interrupted())
			return SCOMM_CANCELLED;
		if (!MStep(d, w, share, probs))
			return SCOMM_ENOCONV;
		prev = cur;
		(*iterations)++;
	}
}
