/*
 * lca_em.c: one EM run of the latent class model from given start values.
 *
 * The model (Goodman 1974; poLCA, Linzer & Lewis 2011, without covariates):
 * P(y) = sum_r share_r prod_{j observed} probs_{r,j,y_j}.  Missing items are
 * left out of the product (poLCA with na.rm = FALSE).  The E-step works in
 * logs with log-sum-exp, so nothing underflows; the M-step is poLCA's:
 * share_r = mean posterior, probs_{r,j,k} = posterior-weighted share of answer
 * k among the rows that answered item j.  With covariates the shares become
 * each pattern's prior from the multinomial logit (mlogit.c), whose
 * coefficients the M-step refits to the posteriors (poLCA's latent class
 * regression).  Accelerated runs extrapolate the EM map by SQUAREM
 * (Varadhan & Roland 2008, scheme S3) with a monotone safeguard.
 */
#include <math.h>
#include <string.h>

#include "lca_int.h"
#include "mlogit.h"

/*
 * Gains below this fraction of |loglik| are rounding noise in a sum over many
 * patterns (about 450 ulps), so the tolerance is never taken smaller.
 */
#define LCA_RESOLUTION 1e-13

/* Newton steps of the membership M-step at most (warm-started, one or two
 * suffice; the bound keeps an iteration cheap when a covariate separates the
 * classes and the coefficients drift) */
#define LCA_MSTEP_ITER 3

/* SQUAREM: the largest step length grows and shrinks by this factor */
#define LCA_SQ_MSTEP 4.0

/*
 * Early stop of an accelerated start (never of plain EM): a start whose
 * parameters come within LCA_SAME_PARAMS of the best start's (classes
 * matched), or within LCA_NEAR_PARAMS while its log-likelihood is within the
 * tie tolerance of the best, converges to the same maximum; a start below
 * the best by more than LCA_HOPELESS_RATIO times what its last
 * LCA_HOPELESS_CYCLES cycles gained, after at least that many cycles, cannot
 * reach it.
 */
#define LCA_SAME_PARAMS 2e-3
#define LCA_NEAR_PARAMS 1e-2
#define LCA_HOPELESS_RATIO 1000.0
#define LCA_HOPELESS_CYCLES 10

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

/* Log prior of used pattern p under membership coefficients beta. */
void
scomm_lca_pattern_logprior(const LcaData *d, size_t p, const double *beta,
						   double *lp)
{
	scomm_mlogit_logprobs(d->nclass, d->ncov, beta, d->x + p * d->ncov, lp);
}

/*
 * E-step: log-likelihood at the parameters (whose logs are in w) and the
 * M-step sums; with covariates each pattern's prior comes from beta and its
 * posterior is kept in postall.
 */
static double
EStep(const LcaData *d, LcaWork *w, const double *beta)
{
	size_t		rt = (size_t) d->nclass * d->ncat_total;
	int			nr = d->nclass;
	double		ll = 0.0;
	size_t		p,
				k;
	int			r;

	memset(w->num, 0, rt * sizeof(double));
	memset(w->wsum, 0, nr * sizeof(double));
	if (LCA_HAS_COV(d))
		scomm_mlogit_begin(w->mw);
	for (p = 0; p < d->npat; p++)
	{
		const int  *idx = d->idx + d->start[p];
		size_t		nk = d->start[p + 1] - d->start[p];

		if (LCA_HAS_COV(d))
		{
			scomm_lca_pattern_logprior(d, p, beta, w->logshare);
			ll += d->w[p] * scomm_lca_pattern_post(d, p, w->logshare, w->logp,
												   w->post);
			memcpy(w->postall + p * nr, w->post, nr * sizeof(double));
			scomm_mlogit_add_unit(w->mw, d->x + p * d->ncov, w->post, d->w[p],
								  w->logshare);
		}
		else
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

/*
 * M-step from the (slot-major) E-step sums into out (whose beta holds the
 * coefficients of that E-step, where it went through the membership
 * logit's units already); 0 when a class or an item lost all weight or the
 * membership fit failed.
 */
static int
MStep(const LcaData *d, const LcaWork *w, LcaParams *out)
{
	int			nr = d->nclass;
	int			r,
				j,
				k;

	for (r = 0; r < nr; r++)
	{
		if (!(w->wsum[r] > 0.0))
			return 0;
		out->share[r] = w->wsum[r] / d->n_used;
		for (j = 0; j < d->nitems; j++)
		{
			const double *num = w->num + (size_t) d->off[j] * nr + r;
			double	   *pr = out->probs + (size_t) r * d->ncat_total + d->off[j];
			double		den = 0.0;

			for (k = 0; k < d->ncat[j]; k++)
				den += num[(size_t) k * nr];
			if (!(den > 0.0))
				return 0;
			for (k = 0; k < d->ncat[j]; k++)
				pr[k] = num[(size_t) k * nr] / den;
		}
	}
	if (LCA_HAS_COV(d) &&
		scomm_mlogit_fit_continue(w->mw, d->npat, d->x, w->postall, d->w,
								  LCA_MSTEP_ITER, LCA_RESOLUTION * d->n_used,
								  out->beta, NULL, NULL) != SCOMM_OK)
		return 0;
	return 1;
}

/*
 * The E-step of accelerated runs, in the probability domain: a pattern's
 * class products of its answers' probabilities need no exp, only one log
 * for its likelihood.  A pattern whose products come near underflow (below
 * 1e-280: about 300 binary items, or tiny probabilities) is done in logs.
 * The same sums as EStep up to rounding.
 */
static double
EStepFast(const LcaData *d, LcaWork *w, const LcaParams *par)
{
	size_t		rt = (size_t) d->nclass * d->ncat_total;
	int			nr = d->nclass;
	double	   *pp = w->num + rt;	/* probabilities, slot-major */
	double		ll = 0.0;
	size_t		p,
				k;
	int			r,
				j;

	for (r = 0; r < nr; r++)
		for (j = 0; j < d->ncat_total; j++)
			pp[(size_t) j * nr + r] = par->probs[(size_t) r * d->ncat_total + j];
	memset(w->num, 0, rt * sizeof(double));
	memset(w->wsum, 0, nr * sizeof(double));
	if (LCA_HAS_COV(d))
		scomm_mlogit_begin(w->mw);
	for (p = 0; p < d->npat; p++)
	{
		const int  *idx = d->idx + d->start[p];
		size_t		nk = d->start[p + 1] - d->start[p];
		double	   *post = w->post;
		double		s = 0.0;

		if (LCA_HAS_COV(d))
		{
			scomm_lca_pattern_logprior(d, p, par->beta, w->logshare);
			for (r = 0; r < nr; r++)
				post[r] = exp(w->logshare[r]);
		}
		else
			memcpy(post, par->share, nr * sizeof(double));
		for (k = 0; k < nk; k++)
		{
			const double *pk = pp + (size_t) idx[k] * nr;

			for (r = 0; r < nr; r++)
				post[r] *= pk[r];
		}
		for (r = 0; r < nr; r++)
			s += post[r];
		if (s > 1e-280 && s < INFINITY)
		{
			ll += d->w[p] * log(s);
			for (r = 0; r < nr; r++)
				post[r] /= s;
		}
		else
			ll += d->w[p] * scomm_lca_pattern_post(d, p, w->logshare, w->logp, post);
		if (LCA_HAS_COV(d))
		{
			memcpy(w->postall + p * nr, post, nr * sizeof(double));
			scomm_mlogit_add_unit(w->mw, d->x + p * d->ncov, post, d->w[p],
								  w->logshare);
		}
		for (r = 0; r < nr; r++)
		{
			post[r] *= d->w[p];
			w->wsum[r] += post[r];
		}
		for (k = 0; k < nk; k++)
		{
			double	   *nk_r = w->num + (size_t) idx[k] * nr;

			for (r = 0; r < nr; r++)
				nk_r[r] += post[r];
		}
	}
	return ll;
}

/* the EM stopping threshold at log-likelihood ll */
static inline double
Threshold(double tol, double ll)
{
	return fmax(tol, LCA_RESOLUTION * fabs(ll));
}

/* E-step at par: the log-likelihood (and the sums for an M-step). */
static double
Evaluate(const LcaData *d, LcaWork *w, const LcaParams *par)
{
	scomm_lca_log_params(d, par->share, par->probs, w->logshare, w->logp);
	return EStep(d, w, par->beta);
}

/* the same in the probability domain (accelerated runs) */
static double
EvaluateFast(const LcaData *d, LcaWork *w, const LcaParams *par)
{
	scomm_lca_log_params(d, par->share, par->probs, w->logshare, w->logp);
	return EStepFast(d, w, par);
}

/* Plain EM (the 1.0 iteration, unchanged). */
static scomm_status
PlainRun(const LcaData *d, LcaWork *w, LcaParams *par, const LcaEmOptions *o,
		 scomm_start_result *res)
{
	double		prev = -INFINITY;
	double		cur;

	res->iterations = 0;
	res->converged = 0;
	for (;;)
	{
		cur = Evaluate(d, w, par);
		res->ll = cur;
		if (!isfinite(cur))
			return SCOMM_ENOCONV;
		if (cur - prev <= Threshold(o->tol, cur))
		{
			res->converged = 1;
			return SCOMM_OK;
		}
		if (res->iterations >= o->max_iter)
			return SCOMM_OK;
		if (scomm_core_interrupted())
			return SCOMM_CANCELLED;
		if (!MStep(d, w, par))
			return SCOMM_ENOCONV;
		prev = cur;
		res->iterations++;
	}
}

/* length of the first block of the parameter vector (shares or beta) */
static inline size_t
FirstLen(const LcaData *d)
{
	return LCA_HAS_COV(d) ? (size_t) LCA_NBETA(d) : (size_t) d->nclass;
}

static inline double *
First(const LcaData *d, const LcaParams *p)
{
	return LCA_HAS_COV(d) ? p->beta : p->share;
}

/*
 * e = p0 + 2 a r + a^2 v (r = p1 - p0, v = p2 - 2 p1 + p0): 0 when a share
 * or probability leaves [0, 1].  Distributions are renormalised.
 */
static int
Extrapolate(const LcaData *d, const LcaParams *p0, const LcaParams *p1,
			const LcaParams *p2, double a, LcaParams *e)
{
	size_t		nf = FirstLen(d),
				nt = (size_t) d->nclass * d->ncat_total,
				i;
	const double *f0 = First(d, p0),
			   *f1 = First(d, p1),
			   *f2 = First(d, p2);
	double	   *fe = First(d, e);
	int			r,
				j,
				k;

	for (i = 0; i < nf; i++)
	{
		double		r1 = f1[i] - f0[i];

		fe[i] = f0[i] + 2 * a * r1 + a * a * (f2[i] - f1[i] - r1);
		if (!isfinite(fe[i]) || (!LCA_HAS_COV(d) && !(fe[i] > 0.0 && fe[i] < 1.0)))
			return 0;
	}
	for (i = 0; i < nt; i++)
	{
		double		r1 = p1->probs[i] - p0->probs[i];

		e->probs[i] = p0->probs[i] + 2 * a * r1 + a * a * (p2->probs[i] - p1->probs[i] - r1);
		if (!(e->probs[i] >= 0.0 && e->probs[i] <= 1.0))
			return 0;
	}
	if (!LCA_HAS_COV(d))
	{
		double		s = 0.0;

		for (r = 0; r < d->nclass; r++)
			s += e->share[r];
		for (r = 0; r < d->nclass; r++)
			e->share[r] /= s;
	}
	for (r = 0; r < d->nclass; r++)
		for (j = 0; j < d->nitems; j++)
		{
			double	   *pr = e->probs + (size_t) r * d->ncat_total + d->off[j];
			double		s = 0.0;

			for (k = 0; k < d->ncat[j]; k++)
				s += pr[k];
			if (!(s > 0.0))
				return 0;
			for (k = 0; k < d->ncat[j]; k++)
				pr[k] /= s;
		}
	return 1;
}

/* SQUAREM step length: sqrt(|r|^2 / |v|^2), within [1, step_max] */
static double
StepLength(const LcaData *d, const LcaParams *p0, const LcaParams *p1,
		   const LcaParams *p2, double step_max)
{
	size_t		nf = FirstLen(d),
				nt = (size_t) d->nclass * d->ncat_total,
				i;
	const double *f0 = First(d, p0),
			   *f1 = First(d, p1),
			   *f2 = First(d, p2);
	double		sr = 0.0,
				sv = 0.0,
				a;

	for (i = 0; i < nf; i++)
	{
		double		r1 = f1[i] - f0[i],
					v1 = f2[i] - f1[i] - r1;

		sr += r1 * r1;
		sv += v1 * v1;
	}
	for (i = 0; i < nt; i++)
	{
		double		r1 = p1->probs[i] - p0->probs[i],
					v1 = p2->probs[i] - p1->probs[i] - r1;

		sr += r1 * r1;
		sv += v1 * v1;
	}
	a = sv > 0.0 ? sqrt(sr / sv) : 1.0;
	return isfinite(a) ? fmin(fmax(a, 1.0), step_max) : 1.0;
}

/*
 * Nonzero when par is within tolp of best in every share and probability,
 * with the classes of par matched to those of best greedily (each to the
 * nearest unmatched one).
 */
static int
SameAsBest(const LcaData *d, const LcaParams *par, const LcaParams *best,
		   double tolp)
{
	int			used[SCOMM_LCA_MAX_CLASSES] = {0};
	int			R = d->nclass,
				T = d->ncat_total,
				r,
				q,
				i;

	for (r = 0; r < R; r++)
	{
		const double *pr = par->probs + (size_t) r * T;
		double		bestdist = INFINITY;
		int			match = -1;

		for (q = 0; q < R; q++)
		{
			const double *pq = best->probs + (size_t) q * T;
			double		dist = LCA_HAS_COV(d) ? 0.0 : fabs(par->share[r] - best->share[q]);

			if (used[q])
				continue;
			for (i = 0; i < T && dist <= tolp; i++)
				dist = fmax(dist, fabs(pr[i] - pq[i]));
			if (dist < bestdist)
			{
				bestdist = dist;
				match = q;
			}
		}
		if (match < 0 || bestdist > tolp)
			return 0;
		used[match] = 1;
	}
	/* with covariates the coefficients depend on the labels: compare the
	 * shares they imply through the probabilities alone (matched above) */
	return 1;
}

/*
 * Accelerated EM.  A cycle: E-step at p0 (log-likelihood l0), M-step to p1,
 * E-step at p1 (l1; converged when l1 - l0 is within the plain EM
 * threshold: one EM step gains nothing), M-step to p2, extrapolation e =
 * p0 + 2a r + a^2 v, E-step at e.  The extrapolation is kept only when its
 * log-likelihood is at least l0 (monotone safeguard); then the next cycle
 * starts from the EM step out of e, else from p2.  The step length's cap
 * grows fourfold after an accepted step at the cap and shrinks after a
 * rejected one (the SQUAREM package's rule).  Iterations count E-steps.
 * Once a best start exists, a start that reaches its parameters, or that
 * cannot reach its log-likelihood, stops early (res->stopped_early).
 */
static scomm_status
SquaremRun(const LcaData *d, LcaWork *w, LcaParams *par,
		   const LcaEmOptions *o, scomm_start_result *res)
{
	LcaParams  *p0 = par,
			   *p1 = &w->sq[0],
			   *p2 = &w->sq[1],
			   *pe = &w->sq[2];
	double		step_max = 1.0;
	double		l0,
				l1,
				le;
	double		hist[LCA_HOPELESS_CYCLES];
	int			cycles = 0;

	res->iterations = 0;
	res->converged = 0;
	for (;;)
	{
		double		a;
		int			h,
					at_cap;

		l0 = EvaluateFast(d, w, p0);
		res->iterations++;
		res->ll = l0;
		if (!isfinite(l0))
			return SCOMM_ENOCONV;
		if (res->iterations > o->max_iter)
			return SCOMM_OK;
		if (o->best != NULL && l0 <= o->best_ll)
		{
			double		gap = o->best_ll - l0;

			if (cycles >= LCA_HOPELESS_CYCLES &&
				gap > LCA_HOPELESS_RATIO * (l0 - hist[cycles % LCA_HOPELESS_CYCLES]) &&
				gap > SCOMM_LCA_TIE_TOL * fmax(1.0, fabs(o->best_ll)))
			{
				res->stopped_early = 1;
				return SCOMM_OK;
			}
			if (SameAsBest(d, p0, o->best, LCA_SAME_PARAMS) ||
				(gap <= SCOMM_LCA_TIE_TOL * fmax(1.0, fabs(o->best_ll)) &&
				 SameAsBest(d, p0, o->best, LCA_NEAR_PARAMS)))
			{
				res->stopped_early = 1;
				return SCOMM_OK;
			}
		}
		hist[cycles++ % LCA_HOPELESS_CYCLES] = l0;
		if (scomm_core_interrupted())
			return SCOMM_CANCELLED;
		scomm_lca_params_copy(d, p0, p1);
		if (!MStep(d, w, p1))
			return SCOMM_ENOCONV;
		l1 = EvaluateFast(d, w, p1);
		res->iterations++;
		if (!isfinite(l1))
			return SCOMM_ENOCONV;
		if (l1 - l0 <= Threshold(o->tol, l1) || res->iterations > o->max_iter)
		{
			res->converged = l1 - l0 <= Threshold(o->tol, l1);
			res->ll = l1;
			scomm_lca_params_copy(d, p1, p0);
			return SCOMM_OK;
		}
		scomm_lca_params_copy(d, p1, p2);
		if (!MStep(d, w, p2))
			return SCOMM_ENOCONV;
		a = StepLength(d, p0, p1, p2, step_max);
		at_cap = a >= step_max;
		for (h = 0; h < 30 && a > 1.0 && !Extrapolate(d, p0, p1, p2, a, pe); h++)
			a = h < 29 ? 1.0 + (a - 1.0) / 2.0 : 1.0;
		if (a <= 1.0)
		{
			/* no extrapolation (cap 1, or none feasible): continue from p2 */
			if (at_cap && step_max <= 1.0)
				step_max *= LCA_SQ_MSTEP;
			scomm_lca_params_copy(d, p2, p0);
			continue;
		}
		le = EvaluateFast(d, w, pe);
		res->iterations++;
		if (isfinite(le) && le >= l0)
		{
			scomm_lca_params_copy(d, pe, p1);
			if (MStep(d, w, p1))
			{
				if (at_cap && a >= step_max)
					step_max *= LCA_SQ_MSTEP;
				scomm_lca_params_copy(d, p1, p0);
				continue;
			}
		}
		if (at_cap && a >= step_max)
			step_max = fmax(1.0, step_max / LCA_SQ_MSTEP);
		scomm_lca_params_copy(d, p2, p0);
	}
}

/*
 * Iterate EM from par until the log-likelihood gains no more than tol
 * (poLCA's absolute test; at least 1e-13 |loglik|) in one iteration, or
 * max_iter iterations.  On return the parameters, res->ll and the iteration
 * count belong together.  Returns SCOMM_ENOCONV when the run collapsed (a
 * class or item lost all weight, or a pattern became impossible),
 * SCOMM_CANCELLED when interrupted.
 */
scomm_status
scomm_lca_em_run(const LcaData *d, LcaWork *w, LcaParams *par,
				 const LcaEmOptions *o, scomm_start_result *res)
{
	res->stopped_early = 0;
	if (o->accelerate)
		return SquaremRun(d, w, par, o, res);
	return PlainRun(d, w, par, o, res);
}
