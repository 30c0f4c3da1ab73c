/*
 * honest_flci.c: fixed-length confidence intervals for theta = l' tau_post
 * under Delta^SD(M), following HonestDiD (R/flci.R) and Armstrong & Kolesar
 * (2018): among affine estimators l'beta_post + v'beta_pre, for each
 * standard deviation h choose the weights that minimise the worst-case bias
 * over Delta^SD(M), then choose h to minimise the half-length
 * h * cv_alpha(bias / h), cv_alpha(t) the 1 - alpha quantile of |N(t, 1)|.
 *
 * HonestDiD writes v = WtoL(w) (v_1 = w_1, v_k = w_k - w_{k-1}) and the
 * worst-case bias for M = 1 as const + sum_k |u_k|, u = cumsum(w), with
 * u_K = sum_s s l_s fixed (K = n_pre).  In the free cumulative sums
 * x = u_1..K-1 the variance of the estimator is hmin^2 + (x - x*)'P(x - x*)
 * for a positive definite P (the pre-period block of sigma transformed), so
 * "minimise the bias given sd <= h" is
 *     min ||x||_1  subject to  (x - x*)'P(x - x*) <= h^2 - hmin^2,
 * the constrained form of a lasso whose whole solution path is piecewise
 * linear in the penalty.  The path is computed exactly by the homotopy
 * (LARS with the lasso modification, Efron et al. 2004; Osborne, Presnell &
 * Turlach 2000): no second-order cone solver is needed, and the bias at any
 * h is exact rather than a solver's approximation.
 *
 * The outer choice of h reproduces HonestDiD's: bisection on the numerical
 * derivative of the half-length over [hmin, h0] (h0: the bias-minimising
 * estimator), falling back to a 100-point grid when the derivative checks
 * fail, with its simulated folded-normal quantiles (honest_fold.c).
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "honest_int.h"

typedef struct FlciPath
{
	int			d;				/* free cumulative sums: n_pre - 1 */
	double	   *P;				/* d x d */
	double	   *xstar;			/* minimum-variance point */
	double		hmin2;			/* variance at xstar */
	double		h02;			/* variance at x = 0 */
	double		bias0;			/* const + |s|: the bias at x = 0 */
	double		s;				/* u_K = sum_s s l_s */
	int			nbp;			/* breakpoints, lambda decreasing to 0 */
	double	   *lam;
	double	   *x;				/* nbp x d */
} FlciPath;

static void
PathFree(FlciPath *p)
{
	scomm_core_free(p->P);
	scomm_core_free(p->xstar);
	scomm_core_free(p->lam);
	scomm_core_free(p->x);
}

/*
 * The variance of the estimator as a quadratic form in u = cumsum(w):
 * var = u'G u + g'u + c0 with G = D'Qw D, g = D'a, D = WtoL (w = D u),
 * Qw = D' S_pre D, a = 2 D' S_pre,post l, c0 = l'S_post l (flci.R,
 * .createMatricesForVarianceFromW).  Returns G (K x K), g (K) and c0.
 */
static void
VarianceInU(const scomm_honest_problem *pr, double *G, double *g, double *c0)
{
	int			K = pr->n_pre,
				P = pr->n_post,
				T = K + P,
				i,
				j;
	const double *S = pr->sigma;

	/*
	 * v = D w = D D u: v_k = u_k - 2 u_{k-1} + u_{k-2}; write E = D D (lower
	 * triangular band 1, -2, 1) so that var = u'E'S_pre E u + 2 u'E' S_pp l + c0
	 */
#define E(r, c) ((r) == (c) ? 1.0 : (r) == (c) + 1 ? -2.0 : (r) == (c) + 2 ? 1.0 : 0.0)
	for (i = 0; i < K; i++)
		for (j = 0; j < K; j++)
		{
			double		v = 0.0;
			int			a,
						b;

			for (a = i; a < K && a <= i + 2; a++)
				for (b = j; b < K && b <= j + 2; b++)
					v += E(a, i) * S[(size_t) a * T + b] * E(b, j);
			G[(size_t) i * K + j] = v;
		}
	for (i = 0; i < K; i++)
	{
		double		v = 0.0;
		int			a,
					q;

		for (a = i; a < K && a <= i + 2; a++)
			for (q = 0; q < P; q++)
				v += E(a, i) * S[(size_t) a * T + K + q] * pr->l[q];
		g[i] = 2.0 * v;
	}
#undef E
	*c0 = 0.0;
	for (i = 0; i < P; i++)
		for (j = 0; j < P; j++)
			*c0 += pr->l[i] * S[(size_t) (K + i) * T + K + j] * pr->l[j];
}

/* The bias constant of .createObjectiveObjectForBias, plus |u_K|. */
static double
BiasAtZero(const scomm_honest_problem *pr, double s)
{
	int			P = pr->n_post,
				q,
				j;
	double		c = 0.0;

	for (q = 1; q <= P; q++)
	{
		double		t = 0.0;

		for (j = 1; j <= q; j++)
			t += j * pr->l[P - q + j - 1];
		c += fabs(t);
	}
	return c - s + fabs(s);
}

/*
 * The lasso path of min 1/2 (x - x*)'P(x - x*) + lambda ||x||_1 from
 * lambda_max (x = 0) down to 0 (x = x*).
 */
static scomm_status
LassoPath(FlciPath *fp)
{
	int			d = fp->d,
				cap = 8 * d + 8,
				nact = 0,
				it,
				i,
				j;
	double	   *q = scomm_core_alloc(d * sizeof(double));
	double	   *x = scomm_core_alloc(d * sizeof(double));
	double	   *u = scomm_core_alloc(d * sizeof(double));
	double	   *paa = scomm_core_alloc((size_t) d * d * sizeof(double));
	double	   *rhs = scomm_core_alloc(d * sizeof(double));
	double	   *ua = scomm_core_alloc(d * sizeof(double));
	int		   *act = scomm_core_alloc(d * sizeof(int));
	int		   *isact = scomm_core_alloc(d * sizeof(int));
	double	   *sgn = scomm_core_alloc(d * sizeof(double));
	double		lam = 0.0;
	scomm_status st = SCOMM_OK;

	fp->lam = scomm_core_alloc(cap * sizeof(double));
	fp->x = scomm_core_alloc((size_t) cap * d * sizeof(double));
	if (!q || !x || !u || !paa || !rhs || !ua || !act || !isact || !sgn || !fp->lam || !fp->x)
		st = SCOMM_ENOMEM;
	if (st == SCOMM_OK)
	{
		honest_matvec(fp->P, fp->xstar, q, d, d);
		for (j = 0; j < d; j++)
			if (fabs(q[j]) > lam)
				lam = fabs(q[j]);
		fp->nbp = 0;
		fp->lam[fp->nbp] = lam;
		fp->nbp++;
		if (lam > 0.0)
		{
			for (j = 0, i = 0; j < d; j++)
				if (fabs(q[j]) > fabs(q[i]))
					i = j;
			act[nact++] = i;
			isact[i] = 1;
			sgn[i] = q[i] > 0 ? 1.0 : -1.0;
		}
		for (it = 0; lam > 0.0; it++)
		{
			double		step = lam;
			int			ev = -1,
						evjoin = 0;

			if (it >= cap - 1 || scomm_core_interrupted())
			{
				st = it >= cap - 1 ? SCOMM_ENOCONV : SCOMM_CANCELLED;
				break;
			}
			/* direction: P_AA ua = sgn_A; x_A grows by step * ua as lambda falls */
			for (i = 0; i < nact; i++)
			{
				for (j = 0; j < nact; j++)
					paa[(size_t) i * nact + j] = fp->P[(size_t) act[i] * d + act[j]];
				rhs[i] = sgn[act[i]];
			}
			if (!honest_solve(paa, rhs, ua, nact))
			{
				st = SCOMM_ESINGULAR;
				break;
			}
			memset(u, 0, d * sizeof(double));
			for (i = 0; i < nact; i++)
				u[act[i]] = ua[i];
			/* joining: |c_j - step a_j| = lam - step, c = q - P x, a = P u */
			for (j = 0; j < d; j++)
			{
				double		c = q[j],
							a = 0.0,
							t;

				if (isact[j])
					continue;
				for (i = 0; i < d; i++)
				{
					c -= fp->P[(size_t) j * d + i] * x[i];
					a += fp->P[(size_t) j * d + i] * u[i];
				}
				t = (a != 1.0) ? (c - lam) / (a - 1.0) : INFINITY;
				if (t > lam * 1e-14 && t < step)
				{
					step = t;
					ev = j;
					evjoin = 1;
				}
				t = (a != -1.0) ? (c + lam) / (a + 1.0) : INFINITY;
				if (t > lam * 1e-14 && t < step)
				{
					step = t;
					ev = j;
					evjoin = 1;
				}
			}
			/* leaving: an active x_j reaches zero */
			for (i = 0; i < nact; i++)
			{
				int			k = act[i];
				double		t = u[k] != 0.0 ? -x[k] / u[k] : INFINITY;

				if (t > lam * 1e-14 && t < step)
				{
					step = t;
					ev = k;
					evjoin = 0;
				}
			}
			for (j = 0; j < d; j++)
				x[j] += step * u[j];
			lam -= step;
			if (ev < 0 || lam <= 0.0)
			{
				lam = 0.0;
				/* the end of the path is x* itself */
				memcpy(x, fp->xstar, d * sizeof(double));
			}
			else if (evjoin)
			{
				double		c = q[ev];

				for (i = 0; i < d; i++)
					c -= fp->P[(size_t) ev * d + i] * x[i];
				act[nact++] = ev;
				isact[ev] = 1;
				sgn[ev] = c > 0 ? 1.0 : -1.0;
			}
			else
			{
				for (i = 0; i < nact && act[i] != ev; i++)
					;
				for (; i < nact - 1; i++)
					act[i] = act[i + 1];
				nact--;
				isact[ev] = 0;
				x[ev] = 0.0;
			}
			fp->lam[fp->nbp] = lam;
			memcpy(fp->x + (size_t) fp->nbp * d, x, d * sizeof(double));
			fp->nbp++;
		}
	}
	scomm_core_free(q);
	scomm_core_free(x);
	scomm_core_free(u);
	scomm_core_free(paa);
	scomm_core_free(rhs);
	scomm_core_free(ua);
	scomm_core_free(act);
	scomm_core_free(isact);
	scomm_core_free(sgn);
	return st;
}

/* Set up the path of a problem. */
static scomm_status
PathInit(FlciPath *fp, const scomm_honest_problem *pr)
{
	int			K = pr->n_pre,
				d = K - 1,
				i,
				j;
	double	   *G = scomm_core_alloc((size_t) K * K * sizeof(double));
	double	   *g = scomm_core_alloc(K * sizeof(double));
	double	   *b = scomm_core_alloc((K + 1) * sizeof(double));
	double		c0,
				c1;
	scomm_status st = SCOMM_OK;

	memset(fp, 0, sizeof(*fp));
	fp->d = d;
	fp->P = scomm_core_alloc((size_t) (d + 1) * (d + 1) * sizeof(double));
	fp->xstar = scomm_core_alloc((d + 1) * sizeof(double));
	if (!G || !g || !b || !fp->P || !fp->xstar)
		st = SCOMM_ENOMEM;
	if (st == SCOMM_OK)
	{
		fp->s = 0.0;
		for (j = 0; j < pr->n_post; j++)
			fp->s += (j + 1) * pr->l[j];
		VarianceInU(pr, G, g, &c0);
		/* u = (x, s): var = x'P x + b'x + c1 */
		for (i = 0; i < d; i++)
		{
			for (j = 0; j < d; j++)
				fp->P[(size_t) i * d + j] = G[(size_t) i * K + j];
			b[i] = 2.0 * fp->s * G[(size_t) i * K + d] + g[i];
		}
		c1 = fp->s * fp->s * G[(size_t) d * K + d] + g[d] * fp->s + c0;
		fp->h02 = c1;
		fp->hmin2 = c1;
		if (d > 0)
		{
			for (i = 0; i < d; i++)
				b[i] = -0.5 * b[i];
			if (!honest_solve(fp->P, b, fp->xstar, d))
				st = SCOMM_ESINGULAR;
			else
			{
				/* hmin^2 = c1 - x*'P x* */
				fp->hmin2 = c1 - honest_quad(fp->P, fp->xstar, fp->xstar, d);
				st = LassoPath(fp);
			}
		}
		else
		{
			fp->lam = scomm_core_alloc(sizeof(double));
			fp->x = scomm_core_alloc(sizeof(double));
			fp->nbp = 1;
			if (!fp->lam || !fp->x)
				st = SCOMM_ENOMEM;
		}
		fp->bias0 = BiasAtZero(pr, fp->s);
		if (st == SCOMM_OK && !(fp->hmin2 > 0.0 && fp->h02 >= fp->hmin2))
			st = SCOMM_ESINGULAR;
	}
	scomm_core_free(G);
	scomm_core_free(g);
	scomm_core_free(b);
	return st;
}

/*
 * The bias-minimising point with sd <= h: x (d) and the bias for M = 1.
 * Returns 0 when h is below hmin (no estimator that precise).
 */
static int
PathAt(const FlciPath *fp, double h, double *x)
{
	int			d = fp->d,
				k,
				j;
	double		r2 = h * h - fp->hmin2;

	if (r2 < 0.0)
		return r2 > -1e-14 * fp->hmin2 ? (memcpy(x, fp->xstar, d * sizeof(double)), 1) : 0;
	if (d == 0)
		return 1;
	/* segments from x(lam_k) to x(lam_k+1); the radius falls along the path */
	for (k = 0; k + 1 < fp->nbp; k++)
	{
		const double *xa = fp->x + (size_t) k * d;
		const double *xb = fp->x + (size_t) (k + 1) * d;
		double		A = 0.0,
					B = 0.0,
					C = 0.0,
					t;
		double		e[SCOMM_HONEST_MAX_PERIODS],
					dx[SCOMM_HONEST_MAX_PERIODS];

		for (j = 0; j < d; j++)
		{
			e[j] = xb[j] - fp->xstar[j];
			dx[j] = xa[j] - xb[j];
		}
		/* r^2(t) = (e + t dx)'P(e + t dx), t in [0, 1] from xb to xa */
		A = honest_quad(fp->P, dx, dx, d);
		B = 2.0 * honest_quad(fp->P, e, dx, d);
		C = honest_quad(fp->P, e, e, d);
		if (r2 < C && k +2 < fp->nbp)
			continue;			/* inside this segment's end: nearer x* */
		if (r2 >= A + B + C)
			t = 1.0;
		else if (r2 <= C)
			t = 0.0;
		else if (A > 0.0)
		{
			double		disc = B * B - 4.0 * A * (C - r2);

			t = (-B + sqrt(fmax(disc, 0.0))) / (2.0 * A);
			t = fmin(1.0, fmax(0.0, t));
		}
		else
			t = B != 0.0 ? (r2 - C) / B : 0.0;
		for (j = 0; j < d; j++)
			x[j] = xb[j] + t * dx[j];
		return 1;
	}
	memset(x, 0, d * sizeof(double));
	return 1;
}

/* bias (M = 1) of the point x */
static double
BiasOf(const FlciPath *fp, const double *x)
{
	double		b = fp->bias0;
	int			j;

	for (j = 0; j < fp->d; j++)
		b += fabs(x[j]);
	return b;
}

/* HonestDiD's .f: the half-length at h, NaN when infeasible */
typedef struct FlciCtx
{
	const FlciPath *fp;
	const HonestFold *fold;
	double		M;
	double		p;				/* 1 - alpha */
	double		x[SCOMM_HONEST_MAX_PERIODS];
} FlciCtx;

static double
HalfLength(FlciCtx *c, double h)
{
	double		bias;

	if (!PathAt(c->fp, h, c->x))
		return NAN;
	bias = BiasOf(c->fp, c->x);
	return honest_fold_quantile(c->fold, c->p, c->M * bias / h) * h;
}

/* .findOptimalCIDerivativeBisection: NaN when its checks fail */
static double
DerivativeBisection(FlciCtx *c, double a, double b, int num_points)
{
	double		failtol = sqrt(DBL_EPSILON);
	double		dif = fmin((b - a) / num_points, fabs(b) * cbrt(DBL_EPSILON));
	double		fa = HalfLength(c, a),
				fb = HalfLength(c, b);
	double		fpa = (HalfLength(c, a + dif) - fa) / dif;
	double		fpb = (HalfLength(c, b - dif) - fb) / -dif;
	int			iter = 1,
				maxiter = 10 * (int) ceil(log(fabs(b - a) / dif) / log(2.0)),
				failed = 0;

	if (fpa > fpb || isnan(fa) || isnan(fb) || isnan(fpa) || isnan(fpb))
		return NAN;
	if (fpb < 0)
		return b;
	if (fpa > 0)
		return a;
	while (!failed && fabs(b - a) > dif)
	{
		double		x = (a + b) / 2,
					fpx;

		iter++;
		fpx = (HalfLength(c, x + dif) - HalfLength(c, x - dif)) / (2 * dif);
		failed = isnan(fpx) || fpx > fpb + failtol || fpx + failtol < fpa || iter > maxiter;
		if (fpx > 0)
			b = x;
		else
			a = x;
	}
	return failed ? NAN : (a + b) / 2;
}

/* One M: lb and ub of the FLCI. */
static void
FlciOne(FlciCtx *c, const scomm_honest_problem *pr, double *lb, double *ub)
{
	const FlciPath *fp = c->fp;
	double		hmin = sqrt(fp->hmin2),
				h0 = sqrt(fp->h02),
				hstar,
				half;
	int			K = pr->n_pre,
				j;
	double		w[SCOMM_HONEST_MAX_PERIODS],
				u[SCOMM_HONEST_MAX_PERIODS],
				center = 0.0;

	hstar = h0 > hmin ? DerivativeBisection(c, hmin, h0, 100) : hmin;
	if (isnan(hstar))
	{
		/* the 100-point grid of .findOptimalFLCI_helper, seq(hmin, h0) */
		double		best = INFINITY;
		int			i;

		for (i = 0; i < 100; i++)
		{
			double		h = i == 0 ? hmin : i == 99 ? h0 : hmin + i * ((h0 - hmin) / 99);
			double		hl = HalfLength(c, h);

			if (hl < best)
			{
				best = hl;
				hstar = h;
			}
		}
	}
	half = HalfLength(c, hstar);
	/* the estimator at hstar: u = (x, s), w = D u, v = D w */
	for (j = 0; j < K - 1; j++)
		u[j] = c->x[j];
	u[K - 1] = fp->s;
	for (j = 0; j < K; j++)
		w[j] = u[j] - (j > 0 ? u[j - 1] : 0.0);
	for (j = 0; j < K; j++)
		center += (w[j] - (j > 0 ? w[j - 1] : 0.0)) * pr->betahat[j];
	for (j = 0; j < pr->n_post; j++)
		center += pr->l[j] * pr->betahat[K + j];
	*lb = center - half;
	*ub = center + half;
}

scomm_status
scomm_honest_flci(const scomm_honest_problem *pr, const double *m, int n_m,
				  double *lb, double *ub)
{
	FlciPath	fp;
	HonestFold	fold = {NULL, 0};
	FlciCtx		c;
	scomm_status st;
	int			i;

	if (n_m < 0 || n_m > SCOMM_HONEST_MAX_M || pr->n_pre < 1 ||
		pr->n_pre > SCOMM_HONEST_MAX_PERIODS)
		return SCOMM_ETOOBIG;
	st = PathInit(&fp, pr);
	if (st == SCOMM_OK)
		st = honest_fold_init(&fold, HONEST_FOLD_SIMS, 0);
	if (st == SCOMM_OK)
	{
		c.fp = &fp;
		c.fold = &fold;
		c.p = 1.0 - pr->alpha;
		for (i = 0; i < n_m; i++)
		{
			if (scomm_core_interrupted())
			{
				st = SCOMM_CANCELLED;
				break;
			}
			c.M = m[i];
			FlciOne(&c, pr, &lb[i], &ub[i]);
		}
	}
	honest_fold_free(&fold);
	PathFree(&fp);
	return st;
}
