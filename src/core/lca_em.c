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

/*
 * Gains below this fraction of |loglik| are rounding noise in a sum over many
 * patterns (about 450 ulps), so the tolerance is never taken smaller.
 */
#define LCA_RESOLUTION 1e-13

/*
 * Logs of the shares and of the item-response probabilities; logp is laid
 * out slot-major (logp[slot * R + r]) so a pattern reads R adjacent values
 * per answer.
 */
void
scomm_lca_log_params(const LcaData *d, const double *share,
					 const double *probs, double *logshare, double *logp)
{
	int			r,
				i;

	for (r = 0; r < d->nclass; r++)
	{
		logshare[r] = log(share[r]);
		for (i = 0; i < d->ncat_total; i++)
			logp[(size_t) i * d->nclass + r] =
				log(probs[(size_t) r * d->ncat_total + i]);
	}
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
	int			nr = d->nclass;
	double		m = -INFINITY;
	double		s = 0.0;
	size_t		k;
	int			r;

	memcpy(post, logshare, nr * sizeof(double));
	for (k = 0; k < nk; k++)
	{
		const double *lk = logp + (size_t) idx[k] * nr;

		for (r = 0; r < nr; r++)
			post[r] += lk[r];
	}
	for (r = 0; r < nr; r++)
		if (post[r] > m)
			m = post[r];
	if (!isfinite(m))
	{
		memset(post, 0, nr * sizeof(double));
		return -INFINITY;
	}
	for (r = 0; r < nr; r++)
		s += (post[r] = exp(post[r] - m));
	for (r = 0; r < nr; r++)
		post[r] /= s;
	return m + log(s);
}

/* E-step: log-likelihood at the current parameters and the M-step sums. */
static double
EStep(const LcaData *d, LcaWork *w)
{
	size_t		rt = (size_t) d->nclass * d->ncat_total;
	int			nr = d->nclass;
	double		ll = 0.0;
	size_t		p,
				k;
	int			r;

	memset(w->num, 0, rt * sizeof(double));
	memset(w->wsum, 0, nr * sizeof(double));
	for (p = 0; p < d->npat; p++)
	{
		const int  *idx = d->idx + d->start[p];
		size_t		nk = d->start[p + 1] - d->start[p];

		ll += d->w[p] * scomm_lca_pattern_post(d, p, w->logshare, w->logp,
											   w->post);
		for (r = 0; r < nr; r++)
		{
			w->post[r] *= d->w[p];
			w->wsum[r] += w->post[r];
		}
		for (k = 0; k < nk; k++)
		{
			double	   *nk_r = w->num + (size_t) idx[k] * nr;

			for (r = 0; r < nr; r++)
				nk_r[r] += w->post[r];
		}
	}
	return ll;
}

/* M-step from the (slot-major) E-step sums; 0 when a class or an item lost all weight. */
static int
MStep(const LcaData *d, const LcaWork *w, double *share, double *probs)
{
	int			nr = d->nclass;
	int			r,
				j,
				k;

	for (r = 0; r < nr; r++)
	{
		if (!(w->wsum[r] > 0.0))
			return 0;
		share[r] = w->wsum[r] / d->n_used;
		for (j = 0; j < d->nitems; j++)
		{
			const double *num = w->num + (size_t) d->off[j] * nr + r;
			double	   *pr = probs + (size_t) r * d->ncat_total + d->off[j];
			double		den = 0.0;

			for (k = 0; k < d->ncat[j]; k++)
				den += num[(size_t) k * nr];
			if (!(den > 0.0))
				return 0;
			for (k = 0; k < d->ncat[j]; k++)
				pr[k] = num[(size_t) k * nr] / den;
		}
	}
	return 1;
}

/*
 * Iterate EM from share/probs until the log-likelihood gains no more than
 * tol (poLCA's absolute test; at least 1e-13 |loglik|) in one iteration, or
 * max_iter iterations.  On return
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
		if (cur - prev <= fmax(tol, LCA_RESOLUTION * fabs(cur)))
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
