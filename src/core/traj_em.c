/*
 * traj_em.c: the EM steps of the trajectory mixture.
 *
 * E-step: per group the per-time tables, then for every unit the log of
 * share_k f_k(unit) and the posteriors by log-sum-exp (no unit underflows).
 * With covariates of membership the unit's prior P(k | x) of the
 * multinomial logit (mlogit.c) takes the place of share_k.
 * M-step: shares are the mean posteriors (with covariates the multinomial
 * logit is fitted to the posteriors, mlogit.c); each group's parameters
 * maximise the posterior-weighted log-likelihood of its statistics by damped
 * Newton with a line search (exact for the count families' concave
 * objective, a generalised EM step otherwise: the objective never
 * decreases).
 */
#include <math.h>
#include <string.h>

#include "traj_int.h"

#define COLLAPSED_UNITS 1e-6	/* a group with less total weight has collapsed */
#define MAX_DAMPING 30
#define MLOGIT_ITER 50			/* Newton iterations of the membership logit per M-step */
#define MLOGIT_TOL 1e-11		/* its tolerance (half the Newton decrement) */

/*
 * Solve A x = b for a symmetric positive definite n x n A (row-major,
 * overwritten by its Cholesky factor).  0 when A is not positive definite.
 */
int
scomm_traj_chol_solve(double *A, int n, const double *b, double *x)
{
	int			i,
				j,
				k;

	for (j = 0; j < n; j++)
	{
		double		s = A[j * n + j];

		for (k = 0; k < j; k++)
			s -= A[j * n + k] * A[j * n + k];
		if (!(s > 0) || !isfinite(s))
			return 0;
		A[j * n + j] = sqrt(s);
		for (i = j + 1; i < n; i++)
		{
			double		t = A[i * n + j];

			for (k = 0; k < j; k++)
				t -= A[i * n + k] * A[j * n + k];
			A[i * n + j] = t / A[j * n + j];
		}
	}
	if (b == NULL)
		return 1;
	for (i = 0; i < n; i++)
	{
		double		t = b[i];

		for (k = 0; k < i; k++)
			t -= A[i * n + k] * x[k];
		x[i] = t / A[i * n + i];
	}
	for (i = n - 1; i >= 0; i--)
	{
		double		t = x[i];

		for (k = i + 1; k < n; k++)
			t -= A[k * n + i] * x[k];
		x[i] = t / A[i * n + i];
	}
	return 1;
}

/*
 * Newton direction for maximising with gradient g and Hessian h (q x q):
 * solve (-h + lambda I) step = g, raising lambda until -h + lambda I is
 * positive definite.  0 when that never happens.
 */
int
scomm_traj_ascent_step(const double *h, const double *g, int q, double *step,
					   double *scratch)
{
	double		lambda = 0.0,
				scale = 0.0;
	int			a,
				b,
				tries;

	for (a = 0; a < q; a++)
		scale = fmax(scale, fabs(h[a * q + a]));
	if (!(scale > 0))
		scale = 1.0;
	for (tries = 0; tries < MAX_DAMPING; tries++)
	{
		for (a = 0; a < q; a++)
			for (b = 0; b < q; b++)
				scratch[a * q + b] = -h[a * q + b] + (a == b ? lambda : 0.0);
		if (scomm_traj_chol_solve(scratch, q, g, step))
			return 1;
		lambda = lambda == 0.0 ? 1e-10 * scale : lambda * 10.0;
	}
	return 0;
}

/* Maximise the group objective from par by damped Newton; 0 on failure. */
static int
GroupNewton(const TrajData *d, const double *stat, double *par, int maxit)
{
	double		g[TRAJ_MAX_Q];
	double		h[TRAJ_MAX_Q * TRAJ_MAX_Q];
	double		scratch[TRAJ_MAX_Q * TRAJ_MAX_Q];
	double		step[TRAJ_MAX_Q];
	double		trial[TRAJ_MAX_Q];
	double		q0 = scomm_traj_group_q(d, stat, par);
	int			q = d->q,
				it,
				a;

	if (!isfinite(q0))
		return 0;
	for (it = 0; it < maxit; it++)
	{
		double		pred = 0.0,
					alpha = 1.0;
		int			accepted = 0,
					ls;

		if (!scomm_traj_group_q_derivs(d, stat, par, g, h) ||
			!scomm_traj_ascent_step(h, g, q, step, scratch))
			return 0;
		for (a = 0; a < q; a++)
			pred += g[a] * step[a];
		if (!(pred > 1e-12 * (1.0 + fabs(q0))))
			break;
		for (ls = 0; ls < 40 && !accepted; ls++, alpha *= 0.5)
		{
			double		qt;

			for (a = 0; a < q; a++)
				trial[a] = par[a] + alpha * step[a];
			qt = scomm_traj_group_q(d, stat, trial);
			if (isfinite(qt) && qt >= q0)
			{
				accepted = 1;
				memcpy(par, trial, q * sizeof(double));
				q0 = qt;
			}
		}
		if (!accepted)
			break;
	}
	return 1;
}

/*
 * E-step at the current shares and parameters: posteriors and w->ll.
 * 0 when the parameters overflow or the log-likelihood is not finite.
 */
int
scomm_traj_estep(const TrajData *d, TrajWork *w)
{
	size_t		i,
				J = d->ntimes,
				nc = scomm_traj_ncache(d);
	int			k,
				K = d->K;
	double		ll = 0.0;

	for (k = 0; k < K; k++)
	{
		if (w->ngamma == 0)
		{
			if (!(w->share[k] > 0))
				return 0;
			w->logshare[k] = log(w->share[k]);
		}
		if (!scomm_traj_group_tables(d, w->par + k * d->q, w->tab + k * J * 3,
									 w->ck + k * nc))
			return 0;
	}
	if (w->ngamma > 0)
	{
		/* each unit's prior, and the shares as the mean priors */
		for (k = 0; k < K; k++)
			w->share[k] = 0.0;
		for (i = 0; i < d->nunits; i++)
		{
			scomm_mlogit_logprobs(K, d->ncov, w->gamma, d->ux + i * d->ncov, w->lpri + i * K);
			for (k = 0; k < K; k++)
				w->share[k] += exp(w->lpri[i * K + k]);
		}
		for (k = 0; k < K; k++)
			if (!((w->share[k] /= d->nunits) > 0))
				return 0;
	}
	for (i = 0; i < d->nunits; i++)
	{
		double	   *lf = w->lf + i * K;
		double	   *post = w->post + i * K;
		const double *lpri = w->ngamma > 0 ? w->lpri + i * K : w->logshare;
		double		m = -INFINITY,
					s = 0.0;

		for (k = 0; k < K; k++)
		{
			lf[k] = lpri[k] +
				scomm_traj_unit_logf(d, i, w->par + k * d->q, w->tab + k * J * 3,
									 w->ck + k * nc);
			if (lf[k] > m)
				m = lf[k];
		}
		if (!isfinite(m))
			return 0;
		for (k = 0; k < K; k++)
			s += (post[k] = exp(lf[k] - m));
		for (k = 0; k < K; k++)
			post[k] /= s;
		ll += m + log(s);
	}
	w->ll = ll;
	return isfinite(ll);
}

/* Every group's M-step statistics, weighted by the posteriors. */
int
scomm_traj_group_stats(const TrajData *d, TrajWork *w)
{
	size_t		i;
	int			k,
				K = d->K;

	memset(w->stat, 0, K * w->nstat * sizeof(double));
	for (i = 0; i < d->nunits; i++)
		for (k = 0; k < K; k++)
		{
			double		pw = w->post[i * K + k];

			if (pw > 0)
				scomm_traj_accum_stats(d, i, pw, w->stat + k * w->nstat);
		}
	return 1;
}

/*
 * M-step from the posteriors of the last E-step; newton_iter Newton
 * iterations per group (from the current parameters).  0 when a group
 * collapsed or its parameters ran away.
 */
int
scomm_traj_mstep(const TrajData *d, TrajWork *w, int newton_iter)
{
	size_t		i;
	int			k,
				K = d->K;

	for (k = 0; k < K; k++)
	{
		double		s = 0.0;

		for (i = 0; i < d->nunits; i++)
			s += w->post[i * K + k];
		if (!(s > COLLAPSED_UNITS))
			return 0;
		w->share[k] = s / d->nunits;
	}
	if (w->ngamma > 0 &&
		scomm_mlogit_fit(w->mw, d->nunits, d->ux, w->post, NULL, MLOGIT_ITER, MLOGIT_TOL,
						 w->gamma, NULL, NULL) != SCOMM_OK)
		return 0;
	scomm_traj_group_stats(d, w);
	for (k = 0; k < K; k++)
		if (!GroupNewton(d, w->stat + k * w->nstat, w->par + k * d->q, newton_iter))
			return 0;
	return 1;
}

/*
 * The membership coefficients of a start (covariates of membership): the
 * logit of the start's shares, no slopes.
 */
void
scomm_traj_init_membership(const TrajData *d, TrajWork *w)
{
	int			k,
				S = d->ncov + 1;

	if (w->ngamma == 0)
		return;
	memset(w->gamma, 0, w->ngamma * sizeof(double));
	for (k = 1; k < d->K; k++)
		w->gamma[(k - 1) * S] = log(w->share[k] / w->share[0]);
}

/* Parameters of group k from scratch: moments of its statistics, then Newton. */
int
scomm_traj_init_group(const TrajData *d, TrajWork *w, int k)
{
	scomm_traj_group_start(d, w->stat + k * w->nstat, w->par + k * d->q);
	return GroupNewton(d, w->stat + k * w->nstat, w->par + k * d->q, 100);
}
