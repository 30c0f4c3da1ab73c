/*
 * traj_newton.c: the full log-likelihood's gradient and Hessian, one run
 * from a start (EM, then Newton with a line search) and the covariance of
 * the estimates.
 *
 * Parameters: for each group its q parameters, then theta_1..theta_{K-1}
 * (share_k = exp(theta_k) / sum exp(theta), theta_0 = 0).  With
 * l_ik = log share_k + log f_ik and posteriors w_ik, the unit's score is
 * s_i = sum_k w_ik grad l_ik and its Hessian
 *
 *   sum_k w_ik (hess l_ik + grad l_ik grad l_ik') - s_i s_i'.
 *
 * Summed over units, sum_i sum_k w_ik hess log f_ik is each group's M-step
 * Hessian at the posterior weights (computed from its statistics), and the
 * shares contribute -N (diag(share) - share share').  This is the exact
 * observed information; its inverse is the covariance reported.
 */
#include <math.h>
#include <string.h>

#include "traj_int.h"

#define EM_NEWTON_ITER 10		/* Newton iterations of a group per M-step */
#define SWITCH_GAIN 1e-2		/* try Newton once an EM step gains less */

/*
 * The negative binomial families: their group objective costs a pass over
 * the observations per evaluation, so an M-step takes NB_EM_NEWTON_ITER
 * Newton iterations per group (a generalised EM step), Newton on the full
 * likelihood is tried as soon as an EM step gains less than NB_SWITCH_GAIN
 * (1 + 1e-4 |LL|), and a start is abandoned once it cannot reach the best
 * log-likelihood of the earlier starts: when even NB_HOPELESS times its last
 * gain per iteration over the iterations it has left would not close the
 * gap.  (Starts that drift towards two coinciding groups crawl along a
 * saddle for thousands of EM iterations to a poor local maximum.)
 */
#define NB_EM_NEWTON_ITER 1
#define NB_SWITCH_GAIN 100.0
#define NB_HOPELESS 10.0

static int
IsNb(const TrajData *d)
{
	return d->family == SCOMM_TRAJ_NBINOM || d->family == SCOMM_TRAJ_ZINB;
}

/* The membership part of full_derivs with covariates (see the header). */
static int
CovariateDerivs(const TrajData *d, TrajWork *w)
{
	int			K = d->K,
				q = d->q,
				np = scomm_traj_npar(d),
				th = K * q,
				S = d->ncov + 1,
				R = w->ngamma,
				nq = K * q,
				k,
				l,
				a,
				b,
				c;
	double	   *G = w->grad,
			   *H = w->hess,
			   *s = w->step,
			   *ug = w->ug,
			   *HG = scomm_core_alloc((size_t) R * R * sizeof(double));
	double		prior[SCOMM_TRAJ_MAX_GROUPS],
				A[SCOMM_TRAJ_MAX_GROUPS * SCOMM_TRAJ_MAX_GROUPS];
	size_t		i,
				nc = scomm_traj_ncache(d);

	if (HG == NULL)
		return 0;
	for (i = 0; i < d->nunits; i++)
	{
		const double *post = w->post + i * K;
		const double *x = d->ux + i * d->ncov;

		for (k = 0; k < K; k++)
		{
			prior[k] = exp(w->lpri[i * K + k]);
			scomm_traj_unit_grad(d, i, w->par + k * q, w->tab + k * d->ntimes * 3,
								 w->ck + k * nc, ug + k * q);
		}
		for (k = 0; k < K; k++)
			for (a = 0; a < q; a++)
				s[k * q + a] = post[k] * ug[k * q + a];
		/* the membership score (post - prior) (x) x~ */
		scomm_mlogit_score(K, d->ncov, x, post, prior, s + th);
		for (c = 0; c < R; c++)
			G[th + c] += s[th + c];
		/* group parameters: - s s' + sum_k w_k u_k u_k' */
		for (a = 0; a < nq; a++)
			for (b = 0; b < nq; b++)
				H[a * np + b] -= s[a] * s[b];
		for (k = 0; k < K; k++)
		{
			const double *u = ug + k * q;

			if (post[k] == 0.0)
				continue;
			for (a = 0; a < q; a++)
			{
				for (b = 0; b < q; b++)
					H[(k * q + a) * np + k * q + b] += post[k] * u[a] * u[b];
				/* against gamma_ls: w_k u_a ((l == k) - w_l) x~_s */
				for (l = 1; l < K; l++)
				{
					double		v = post[k] * u[a] * ((l == k ? 1.0 : 0.0) - post[l]);
					int			t;

					for (t = 0; t < S; t++)
					{
						double		e = v * (t == 0 ? 1.0 : x[t - 1]);

						H[(k * q + a) * np + th + (l - 1) * S + t] += e;
						H[(th + (l - 1) * S + t) * np + k * q + a] += e;
					}
				}
			}
		}
		/* gamma block: (diag w - w w') - (diag p - p p') */
		for (k = 0; k < K; k++)
			for (l = 0; l < K; l++)
				A[k * K + l] = (k == l ? post[k] - prior[k] : 0.0) -
					post[k] * post[l] + prior[k] * prior[l];
		scomm_mlogit_kron_add(K, d->ncov, x, A, 1.0, HG);
	}
	for (a = 0; a < R; a++)
		for (b = 0; b < R; b++)
			H[(th + a) * np + th + b] += HG[a * R + b];
	scomm_core_free(HG);
	return 1;
}

/*
 * Gradient w->grad and Hessian w->hess of the log-likelihood at the state of
 * the last E-step.  0 when a derivative is not finite.
 */
int
scomm_traj_full_derivs(const TrajData *d, TrajWork *w)
{
	int			K = d->K,
				q = d->q,
				np = scomm_traj_npar(d),
				th = K * q,
				k,
				l,
				a,
				b;
	double		g[TRAJ_MAX_Q];
	double		h[TRAJ_MAX_Q * TRAJ_MAX_Q];
	double	   *G = w->grad,
			   *H = w->hess,
			   *s = w->step,	/* scratch: the unit's score */
			   *ug = w->ug;
	double		N = (double) d->nunits;
	size_t		i;

	memset(G, 0, np * sizeof(double));
	memset(H, 0, (size_t) np * np * sizeof(double));
	scomm_traj_group_stats(d, w);
	for (k = 0; k < K; k++)
	{
		if (!scomm_traj_group_q_derivs(d, w->stat + k * w->nstat, w->par + k * q, g, h))
			return 0;
		for (a = 0; a < q; a++)
		{
			G[k * q + a] = g[a];
			for (b = 0; b < q; b++)
				H[(k * q + a) * np + k * q + b] = h[a * q + b];
		}
	}
	if (w->ngamma > 0 && !CovariateDerivs(d, w))
		return 0;
	for (l = 1; l < K && w->ngamma == 0; l++)
		for (a = 1; a < K; a++)
			H[(th + l - 1) * np + th + a - 1] -=
				N * ((l == a ? w->share[l] : 0.0) - w->share[l] * w->share[a]);
	for (i = 0; i < d->nunits && w->ngamma == 0; i++)
	{
		const double *post = w->post + i * K;

		for (k = 0; k < K; k++)
			scomm_traj_unit_grad(d, i, w->par + k * q, w->tab + k * d->ntimes * 3,
								 w->ck + k * scomm_traj_ncache(d), ug + k * q);
		for (k = 0; k < K; k++)
			for (a = 0; a < q; a++)
				s[k * q + a] = post[k] * ug[k * q + a];
		for (l = 1; l < K; l++)
			s[th + l - 1] = post[l] - w->share[l];
		for (l = 1; l < K; l++)
			G[th + l - 1] += s[th + l - 1];
		/* - s s' */
		for (a = 0; a < np; a++)
			for (b = 0; b < np; b++)
				H[a * np + b] -= s[a] * s[b];
		/* + sum_k w_ik gl gl' with gl = (ug_k in block k, e_k - share in theta) */
		for (k = 0; k < K; k++)
		{
			double		wk = post[k];
			const double *u = ug + k * q;

			if (wk == 0.0)
				continue;
			for (a = 0; a < q; a++)
			{
				for (b = 0; b < q; b++)
					H[(k * q + a) * np + k * q + b] += wk * u[a] * u[b];
				for (l = 1; l < K; l++)
				{
					double		c = wk * u[a] * ((l == k ? 1.0 : 0.0) - w->share[l]);

					H[(k * q + a) * np + th + l - 1] += c;
					H[(th + l - 1) * np + k * q + a] += c;
				}
			}
			for (l = 1; l < K; l++)
				for (b = 1; b < K; b++)
					H[(th + l - 1) * np + th + b - 1] += wk *
						((l == k ? 1.0 : 0.0) - w->share[l]) *
						((b == k ? 1.0 : 0.0) - w->share[b]);
		}
	}
	for (a = 0; a < np; a++)
	{
		if (!isfinite(G[a]))
			return 0;
		for (b = 0; b < a; b++)
		{
			double		v = 0.5 * (H[a * np + b] + H[b * np + a]);

			if (!isfinite(v))
				return 0;
			H[a * np + b] = H[b * np + a] = v;
		}
		if (!isfinite(H[a * np + a]))
			return 0;
	}
	return 1;
}

/*
 * Save (dir = 0) or restore (dir = 1) parameters and shares in w->trial
 * (and the membership coefficients in w->gamma_keep).
 */
static void
Keep(const TrajData *d, TrajWork *w, int dir)
{
	size_t		n = (size_t) d->K * d->q;

	if (dir == 0)
	{
		memcpy(w->trial, w->par, n * sizeof(double));
		memcpy(w->trial + n, w->share, d->K * sizeof(double));
		if (w->ngamma > 0)
			memcpy(w->gamma_keep, w->gamma, w->ngamma * sizeof(double));
	}
	else
	{
		memcpy(w->par, w->trial, n * sizeof(double));
		memcpy(w->share, w->trial + n, d->K * sizeof(double));
		if (w->ngamma > 0)
			memcpy(w->gamma, w->gamma_keep, w->ngamma * sizeof(double));
	}
}

/* Move the parameters by alpha * step (shares through their logits). */
static void
Move(const TrajData *d, TrajWork *w, const double *step, double alpha)
{
	int			K = d->K,
				q = d->q,
				k;
	size_t		n = (size_t) K * q;
	double		th[SCOMM_TRAJ_MAX_GROUPS],
				m = 0.0,
				s = 0.0;

	for (k = 0; k < (int) n; k++)
		w->par[k] = w->trial[k] + alpha * step[k];
	if (w->ngamma > 0)
	{
		/* the E-step computes the priors and shares from gamma */
		for (k = 0; k < w->ngamma; k++)
			w->gamma[k] = w->gamma_keep[k] + alpha * step[n + k];
		return;
	}
	for (k = 0; k < K; k++)
	{
		th[k] = log(w->trial[n + k] / w->trial[n]);
		if (k > 0)
			th[k] += alpha * step[n + k - 1];
		if (k == 0 || th[k] > m)
			m = th[k];
	}
	for (k = 0; k < K; k++)
		s += (w->share[k] = exp(th[k] - m));
	for (k = 0; k < K; k++)
		w->share[k] /= s;
}

/*
 * One Newton step with a line search from the current E-step state.
 * Returns 1 when it moved (new state E-stepped), 0 when -H is not positive
 * definite or no step gained (state unchanged), 2 when the predicted gain is
 * at most tol (converged; state unchanged).
 */
static int
NewtonStep(const TrajData *d, TrajWork *w, double tol, double *scratch)
{
	int			np = scomm_traj_npar(d),
				a,
				ls;
	double		ll0 = w->ll,
				pred = 0.0,
				alpha = 1.0;
	double	   *dir = scratch + (size_t) np * np;

	if (!scomm_traj_full_derivs(d, w))
		return 0;
	memcpy(scratch, w->hess, (size_t) np * np * sizeof(double));
	for (a = 0; a < np * np; a++)
		scratch[a] = -scratch[a];
	if (!scomm_traj_chol_solve(scratch, np, w->grad, dir))
	{
		/*
		 * -H is not positive definite (a saddle or a ridge): the negative
		 * binomial families take a damped step, (-H + lambda I) dir = g with
		 * lambda just large enough, where EM would crawl; a damped step
		 * never proves convergence
		 */
		if (!IsNb(d) || !scomm_traj_ascent_step(w->hess, w->grad, np, dir, scratch))
			return 0;
		pred = INFINITY;
	}
	else
	{
		for (a = 0; a < np; a++)
			pred += 0.5 * w->grad[a] * dir[a];
	}
	if (pred <= tol)
		return 2;
	Keep(d, w, 0);
	for (ls = 0; ls < 30; ls++, alpha *= 0.5)
	{
		Move(d, w, dir, alpha);
		if (scomm_traj_estep(d, w) && w->ll >= ll0)
			return 1;
	}
	Keep(d, w, 1);
	scomm_traj_estep(d, w);
	return 0;
}

/* a negative binomial start that cannot reach best_ll (see NB_HOPELESS) */
static int
Hopeless(const TrajData *d, double ll, double gain, double best_ll, int left)
{
	return IsNb(d) && isfinite(best_ll) &&
		ll < best_ll - SCOMM_TRAJ_TIE_TOL * fmax(1.0, fabs(best_ll)) &&
		NB_HOPELESS * fmax(gain, 0.0) * left < best_ll - ll;
}

/*
 * Run from the current shares and parameters: EM until a step gains less
 * than SWITCH_GAIN, then Newton steps (EM where Newton cannot go), until the
 * gain (Newton: predicted; EM: realised, floored at 1e-13 |LL|) is at most
 * tol or max_iter iterations.  SCOMM_ENOCONV when the start collapsed.
 * best_ll: the best log-likelihood of earlier starts (-inf: none); the
 * negative binomial families abandon a start that cannot reach it
 * (*stopped = 1, not converged).
 */
scomm_status
scomm_traj_run(const TrajData *d, TrajWork *w, int max_iter, double tol,
			   double best_ll, int *iterations, int *converged, int *stopped)
{
	int			np = scomm_traj_npar(d);
	double		gain = INFINITY;
	double	   *scratch;
	int			it = 0,
				wait = 0,		/* EM steps before Newton is tried again */
				backoff = 1,
				em_newton = IsNb(d) ? NB_EM_NEWTON_ITER : EM_NEWTON_ITER;
	double		switch_gain = IsNb(d) ? NB_SWITCH_GAIN : SWITCH_GAIN;
	scomm_status st = SCOMM_OK;

	*iterations = 0;
	*converged = 0;
	*stopped = 0;
	if (!scomm_traj_estep(d, w))
		return SCOMM_ENOCONV;
	scratch = scomm_core_alloc(((size_t) np * np + np) * sizeof(double));
	if (scratch == NULL)
		return SCOMM_ENOMEM;
	while (it < max_iter)
	{
		double		ll0 = w->ll;

		if (scomm_core_interrupted())
		{
			st = SCOMM_CANCELLED;
			break;
		}
		if (wait > 0)
			wait--;
		else if (gain <= switch_gain * (1.0 + 1e-4 * fabs(ll0)))
		{
			int			r = NewtonStep(d, w, tol, scratch);

			if (r == 2)
			{
				*converged = 1;
				break;
			}
			if (r == 1)
			{
				it++;
				gain = w->ll - ll0;
				if (Hopeless(d, w->ll, gain, best_ll, max_iter - it))
				{
					*stopped = 1;
					break;
				}
				continue;
			}
			/* not yet in a concave region: a few EM steps first */
			wait = backoff;
			backoff = backoff < 16 ? 2 * backoff : 16;
		}
		if (!scomm_traj_mstep(d, w, em_newton) || !scomm_traj_estep(d, w))
		{
			st = SCOMM_ENOCONV;
			break;
		}
		it++;
		gain = w->ll - ll0;
		if (Hopeless(d, w->ll, gain, best_ll, max_iter - it))
		{
			*stopped = 1;
			break;
		}
		if (gain <= fmax(tol, 1e-13 * fabs(w->ll)))
		{
			/* EM stalled: converged unless Newton still sees a gain */
			int			r = NewtonStep(d, w, tol, scratch);

			if (r == 1)
			{
				it++;
				gain = w->ll - ll0;
				continue;
			}
			*converged = 1;
			break;
		}
	}
	scomm_core_free(scratch);
	*iterations = it;
	return st;
}

/*
 * Covariance of the estimates (inverse of minus the Hessian) at the state of
 * the last E-step into vcov[npar * npar]; all NaN (and 0 returned) when the
 * information matrix is not positive definite.
 */
int
scomm_traj_vcov(const TrajData *d, TrajWork *w, double *vcov)
{
	int			np = scomm_traj_npar(d),
				a,
				b;
	double	   *A = NULL,
			   *e = NULL,
			   *col = NULL;
	int			ok = 0;

	A = scomm_core_alloc((size_t) np * np * sizeof(double));
	e = scomm_core_alloc(np * sizeof(double));
	col = scomm_core_alloc(np * sizeof(double));
	if (A && e && col && scomm_traj_full_derivs(d, w))
	{
		for (a = 0; a < np * np; a++)
			A[a] = -w->hess[a];
		ok = scomm_traj_chol_solve(A, np, NULL, NULL);
	}
	if (ok)
	{
		/* A holds the Cholesky factor: solve for each unit vector */
		for (b = 0; b < np && ok; b++)
		{
			int			i,
						k;

			for (i = 0; i < np; i++)
			{
				double		t = i == b ? 1.0 : 0.0;

				for (k = 0; k < i; k++)
					t -= A[i * np + k] * e[k];
				e[i] = t / A[i * np + i];
			}
			for (i = np - 1; i >= 0; i--)
			{
				double		t = e[i];

				for (k = i + 1; k < np; k++)
					t -= A[k * np + i] * col[k];
				col[i] = t / A[i * np + i];
			}
			for (i = 0; i < np; i++)
			{
				if (!isfinite(col[i]))
					ok = 0;
				vcov[i * np + b] = col[i];
			}
		}
	}
	if (!ok)
		for (a = 0; a < np * np; a++)
			vcov[a] = NAN;
	scomm_core_free(A);
	scomm_core_free(e);
	scomm_core_free(col);
	return ok;
}
