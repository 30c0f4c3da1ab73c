/*
 * honest_rm.c: confidence sets for theta = l'tau_post under Delta^RM(Mbar)
 * (HonestDiD's R/deltarm.R, computeConditionalCS_DeltaRM with its defaults:
 * method "C-LF", kappa = alpha / 10, post-period moments only).
 *
 * Delta^RM(Mbar) is the union over s = -(K-1)..0 and a sign of polyhedra
 * {A_s delta <= 0}: every first difference of delta is at most
 * (+-)(delta_s - delta_{s-1}), times Mbar after treatment (.create_A_RM).
 * For each polyhedron the test of H0: theta = t is the ARP hybrid test of
 * y(t) = A_s betahat - a t against the nuisance directions X (A_s's post
 * columns times the inverse of a basis Gamma whose first row is l,
 * .construct_Gamma); the confidence set is the union of the acceptance
 * sets.
 *
 * HonestDiD evaluates the test on a grid of 1,000 values of t in
 * [-20 sd, 20 sd] and reports the extreme accepted grid points.  Here the
 * bounds are located exactly instead:
 *  1. the least-favourable first stage accepts where eta*(t) <= cv_LF;
 *     eta*(t) is convex and piecewise linear in t, so that set is an
 *     interval [t1, t2], found from the minimum of eta* over t (one LP with
 *     t as a variable) and Newton steps on the LP's dual slope;
 *  2. inside [t1, t2] the full test is evaluated at 200 points, and the
 *     outermost changes from rejection to acceptance are bisected to
 *     1e-12 relative.
 * The bounds are therefore limited by neither a grid nor its range.
 */
#include <math.h>
#include <string.h>

#include "honest_int.h"

#define RM_SCAN 200
#define RM_BISECT 60
#define RM_SEED 0

typedef struct RmPoly
{
	int			K;				/* pre periods */
	int			P;				/* post periods */
	int			rows;			/* rows of A after removing zero rows */
	double	   *A;				/* rows x (K + P) */
} RmPoly;

/* .create_A_RM(K, P, Mbar, s, max_positive, dropZero = TRUE) */
static scomm_status
CreateARM(RmPoly *p, int K, int P, double mbar, int s, int max_positive)
{
	int			n = K + P,
				w = n + 1,
				r,
				c,
				kept = 0;
	double	   *full = scomm_core_alloc((size_t) 2 * n * w * sizeof(double));
	double	   *v = scomm_core_alloc(w * sizeof(double));

	p->K = K;
	p->P = P;
	p->A = scomm_core_alloc((size_t) 2 * n * n * sizeof(double));
	if (!full || !v || !p->A)
	{
		scomm_core_free(full);
		scomm_core_free(v);
		return SCOMM_ENOMEM;
	}
	v[K + s - 1] = max_positive ? -1.0 : 1.0;
	v[K + s] = max_positive ? 1.0 : -1.0;
	for (r = 0; r < n; r++)
	{
		double		scale = r < K ? 1.0 : mbar;

		for (c = 0; c < w; c++)
		{
			double		at = c == r ? -1.0 : c == r + 1 ? 1.0 : 0.0;

			full[(size_t) r * w + c] = at - scale * v[c];
			full[(size_t) (n + r) * w + c] = -at - scale * v[c];
		}
	}
	for (r = 0; r < 2 * n; r++)
	{
		double		ss = 0.0;
		int			j = 0;

		for (c = 0; c < w; c++)
			ss += full[(size_t) r * w + c] * full[(size_t) r * w + c];
		if (ss <= 1e-10)
			continue;
		/* drop the reference period's column K */
		for (c = 0; c < w; c++)
			if (c != K)
				p->A[(size_t) kept * n + j++] = full[(size_t) r * w + c];
		kept++;
	}
	p->rows = kept;
	scomm_core_free(full);
	scomm_core_free(v);
	return SCOMM_OK;
}

/*
 * The inverse of Gamma = [l'; e_i' for i != the last nonzero index of l]
 * (the pivots of rref([l, I]) in .construct_Gamma).
 */
static int
GammaInverse(const double *l, int P, double *ginv)
{
	double	   *G = scomm_core_alloc((size_t) P * P * sizeof(double));
	double	   *e = scomm_core_alloc(P * sizeof(double));
	double	   *col = scomm_core_alloc(P * sizeof(double));
	int			last = -1,
				i,
				j,
				r = 1,
				ok = 1;

	if (!G || !e || !col)
		ok = 0;
	for (i = 0; ok && i < P; i++)
		if (l[i] != 0.0)
			last = i;
	if (last < 0)
		ok = 0;
	if (ok)
	{
		for (j = 0; j < P; j++)
			G[j] = l[j];
		for (i = 0; i < P; i++)
			if (i != last)
				G[(size_t) (r++) * P + i] = 1.0;
		for (j = 0; j < P && ok; j++)
		{
			memset(e, 0, P * sizeof(double));
			e[j] = 1.0;
			ok = honest_solve(G, e, col, P);
			for (i = 0; i < P; i++)
				ginv[(size_t) i * P + j] = col[i];
		}
	}
	scomm_core_free(G);
	scomm_core_free(e);
	scomm_core_free(col);
	return ok;
}

/* ---- locating the bounds of an acceptance set ---------------------------- */

typedef scomm_status (*RmTestFn) (void *ctx, double t, int *reject);

/*
 * Outermost accepted points of the test inside [t1, t2] (a scan, then
 * bisection of the outer transitions): *found 0 when none is accepted.
 */
static scomm_status
AcceptanceBounds(RmTestFn test, void *ctx, double t1, double t2, double scale,
				 double *lo, double *hi, int *found)
{
	int			i,
				first = -1,
				last = -1,
				rej;
	double		step = (t2 - t1) / (RM_SCAN - 1);
	scomm_status st = SCOMM_OK;

	*found = 0;
	for (i = 0; i < RM_SCAN; i++)
	{
		double		t = i == RM_SCAN - 1 ? t2 : t1 + i * step;

		if ((st = test(ctx, t, &rej)) != SCOMM_OK)
			return st;
		if (!rej)
		{
			if (first < 0)
				first = i;
			last = i;
		}
		if ((i & 31) == 0 && scomm_core_interrupted())
			return SCOMM_CANCELLED;
	}
	if (first < 0)
		return SCOMM_OK;
	*found = 1;
	/* lower bound: rejected at first - 1, accepted at first */
	*lo = first == 0 ? t1 : t1 + first * step;
	if (first > 0)
	{
		double		a = t1 + (first - 1) * step,
					b = *lo;

		for (i = 0; i < RM_BISECT && b - a > 1e-12 * fmax(fabs(b), scale); i++)
		{
			double		mid = 0.5 * (a + b);

			if ((st = test(ctx, mid, &rej)) != SCOMM_OK)
				return st;
			if (rej)
				a = mid;
			else
				b = mid;
		}
		*lo = b;
	}
	*hi = last == RM_SCAN - 1 ? t2 : t1 + last * step;
	if (last < RM_SCAN - 1)
	{
		double		a = *hi,
					b = t1 + (last + 1) * step;

		for (i = 0; i < RM_BISECT && b - a > 1e-12 * fmax(fabs(a), scale); i++)
		{
			double		mid = 0.5 * (a + b);

			if ((st = test(ctx, mid, &rej)) != SCOMM_OK)
				return st;
			if (rej)
				b = mid;
			else
				a = mid;
		}
		*hi = a;
	}
	return SCOMM_OK;
}

/* ---- with nuisance parameters (two or more post periods) ----------------- */

typedef struct NuisCtx
{
	HonestArp	arp;
	int			m;
	double	   *y0;				/* moments at t = 0 */
	double	   *a;				/* minus their derivative in t */
	double	   *y;				/* scratch */
} NuisCtx;

static scomm_status
NuisTest(void *ctx, double t, int *reject)
{
	NuisCtx    *c = ctx;
	int			i;

	for (i = 0; i < c->m; i++)
		c->y[i] = c->y0[i] - c->a[i] * t;
	return honest_arp_test(&c->arp, c->y, reject);
}

/* eta*(t) and its slope (-lambda'a) */
static scomm_status
NuisEta(NuisCtx *c, double t, double *eta, double *slope)
{
	int			i;
	scomm_status st;

	for (i = 0; i < c->m; i++)
		c->y[i] = c->y0[i] - c->a[i] * t;
	st = honest_arp_eta(&c->arp, c->y, eta);
	if (st != SCOMM_OK)
		return st;
	*slope = 0.0;
	for (i = 0; i < c->m; i++)
		*slope -= c->arp.dual[i] * c->a[i];
	return SCOMM_OK;
}

/*
 * The end of {t : eta*(t) <= cv} on one side (dir = -1 left, +1 right) of
 * tmin, where eta*(tmin) <= cv: +-infinity when eta* stays below cv.
 */
static scomm_status
FirstStageEnd(NuisCtx *c, double tmin, double cv, double scale, int dir, double *end)
{
	double		tin = tmin,
				tout = tmin,
				eta,
				slope,
				step = scale;
	int			i;
	scomm_status st;

	for (i = 0;; i++)
	{
		tout = tmin + dir * step;
		if ((st = NuisEta(c, tout, &eta, &slope)) != SCOMM_OK)
			return st;
		if (eta > cv)
			break;
		tin = tout;
		step *= 2.0;
		if (i >= 60)
		{
			*end = dir * INFINITY;
			return SCOMM_OK;
		}
	}
	/* Newton from outside: the tangent of a convex function stays below it */
	for (i = 0; i < 100; i++)
	{
		double		tn;

		if (fabs(eta - cv) <= 1e-13 * fmax(1.0, fabs(cv)))
			break;
		tn = slope != 0.0 ? tout - (eta - cv) / slope : NAN;
		if (!(dir < 0 ? (tn > tout && tn <= tin) : (tn < tout && tn >= tin)))
			tn = 0.5 * (tin + tout);
		if ((st = NuisEta(c, tn, &eta, &slope)) != SCOMM_OK)
			return st;
		if (eta > cv)
			tout = tn;
		else
		{
			tin = tn;
			if (fabs(eta - cv) <= 1e-13 * fmax(1.0, fabs(cv)))
			{
				tout = tn;
				break;
			}
		}
		if (fabs(tout - tin) <= 1e-14 * fmax(fabs(tout), scale))
			break;
	}
	*end = tout;
	return SCOMM_OK;
}

/*
 * The acceptance bounds of one polyhedron: rows restricted to those with
 * post-period coefficients; NaN/NaN when it accepts nothing.
 */
static scomm_status
PolyBoundsNuis(const scomm_honest_problem *pr, const RmPoly *p, const double *ginv,
			   double scale, double *lo, double *hi)
{
	int			K = pr->n_pre,
				P = pr->n_post,
				n = K + P,
				k = P - 1,
				m = 0,
				i,
				j,
				q,
				found;
	int		   *rows = scomm_core_alloc(p->rows * sizeof(int));
	double	   *X = scomm_core_alloc((size_t) p->rows * P * sizeof(double));
	double	   *S = scomm_core_alloc((size_t) p->rows * p->rows * sizeof(double));
	double	   *AS = scomm_core_alloc((size_t) p->rows * n * sizeof(double));
	double	   *W = scomm_core_alloc((size_t) p->rows * (P + 1) * sizeof(double));
	double	   *cobj = scomm_core_alloc((P + 1) * sizeof(double));
	double	   *sol = scomm_core_alloc((P + 1) * sizeof(double));
	NuisCtx		c;
	HonestLp	tlp;
	scomm_status st = SCOMM_OK;

	memset(&c, 0, sizeof(c));
	memset(&tlp, 0, sizeof(tlp));
	*lo = *hi = NAN;
	c.y0 = scomm_core_alloc(p->rows * sizeof(double));
	c.a = scomm_core_alloc(p->rows * sizeof(double));
	c.y = scomm_core_alloc(p->rows * sizeof(double));
	if (!rows || !X || !S || !AS || !W || !cobj || !sol || !c.y0 || !c.a || !c.y)
		st = SCOMM_ENOMEM;
	if (st == SCOMM_OK)
	{
		/* rowsForARP: the rows with a post-period coefficient */
		for (i = 0; i < p->rows; i++)
			for (q = 0; q < P; q++)
				if (p->A[(size_t) i * n + K + q] != 0.0)
				{
					rows[m++] = i;
					break;
				}
		for (i = 0; i < m; i++)
		{
			const double *ar = p->A + (size_t) rows[i] * n;

			/* Y = A betahat; A_post Gamma^-1 = (a, X) */
			c.y0[i] = 0.0;
			for (j = 0; j < n; j++)
				c.y0[i] += ar[j] * pr->betahat[j];
			for (q = 0; q < P; q++)
			{
				double		v = 0.0;

				for (j = 0; j < P; j++)
					v += ar[K + j] * ginv[(size_t) j * P + q];
				if (q == 0)
					c.a[i] = v;
				else
					X[(size_t) i * k + q - 1] = v;
			}
			for (j = 0; j < n; j++)
			{
				double		v = 0.0;

				for (q = 0; q < n; q++)
					v += ar[q] * pr->sigma[(size_t) q * n + j];
				AS[(size_t) i * n + j] = v;
			}
		}
		for (i = 0; i < m; i++)
			for (j = 0; j < m; j++)
			{
				double		v = 0.0;

				for (q = 0; q < n; q++)
					v += AS[(size_t) i * n + q] * p->A[(size_t) rows[j] * n + q];
				S[(size_t) i * m + j] = v;
			}
		c.m = m;
		st = honest_arp_init(&c.arp, m, k, S, X, pr->alpha, pr->alpha / 10.0);
	}
	if (st == SCOMM_OK)
		st = honest_arp_lf_cv(&c.arp, HONEST_LF_SIMS, RM_SEED);
	if (st == SCOMM_OK)
	{
		/* min over (eta, delta, t): sd eta + X delta + a t >= y0 */
		for (i = 0; i < m; i++)
		{
			W[(size_t) i * (P + 1)] = c.arp.sd[i];
			for (j = 0; j < k; j++)
				W[(size_t) i * (P + 1) + 1 + j] = X[(size_t) i * k + j];
			W[(size_t) i * (P + 1) + P] = c.a[i];
		}
		cobj[0] = 1.0;
		st = honest_lp_init_ge(&tlp, m, P + 1, W, cobj);
	}
	if (st == SCOMM_OK)
	{
		double		etamin,
					t1,
					t2;

		st = honest_lp_solve_ge(&tlp, c.y0, &etamin, sol, NULL);
		if (st == SCOMM_EEMPTY)
		{
			/* eta* unbounded below: the first stage never binds */
			*lo = -INFINITY;
			*hi = INFINITY;
			st = SCOMM_OK;
		}
		else if (st == SCOMM_ENOCONV)
			st = SCOMM_OK;		/* no acceptance found */
		else if (st == SCOMM_OK && etamin <= c.arp.lf_cv)
		{
			double		tmin = sol[P];

			st = FirstStageEnd(&c, tmin, c.arp.lf_cv, scale, -1, &t1);
			if (st == SCOMM_OK)
				st = FirstStageEnd(&c, tmin, c.arp.lf_cv, scale, 1, &t2);
			if (st == SCOMM_OK && isfinite(t1) && isfinite(t2))
				st = AcceptanceBounds(NuisTest, &c, t1, t2, scale, lo, hi, &found);
			else if (st == SCOMM_OK)
			{
				*lo = isfinite(t1) ? t1 : -INFINITY;
				*hi = isfinite(t2) ? t2 : INFINITY;
			}
		}
	}
	honest_lp_free(&tlp);
	honest_arp_free(&c.arp);
	scomm_core_free(rows);
	scomm_core_free(X);
	scomm_core_free(S);
	scomm_core_free(AS);
	scomm_core_free(W);
	scomm_core_free(cobj);
	scomm_core_free(sol);
	scomm_core_free(c.y0);
	scomm_core_free(c.a);
	scomm_core_free(c.y);
	return st;
}

/* ---- one post period: no nuisance parameter ------------------------------ */

typedef struct NoNuisCtx
{
	HonestArpNoNuis arp;
	const double *betahat;
	double	   *y;
	int			n;
	int			K;
} NoNuisCtx;

static scomm_status
NoNuisTest(void *ctx, double t, int *reject)
{
	NoNuisCtx  *c = ctx;

	memcpy(c->y, c->betahat, c->n * sizeof(double));
	c->y[c->K] -= t;
	return honest_arp_nn_test(&c->arp, c->y, reject);
}

static scomm_status
PolyBoundsNoNuis(const scomm_honest_problem *pr, const RmPoly *p, double scale,
				 double *lo, double *hi)
{
	int			n = pr->n_pre + 1,
				K = pr->n_pre,
				i,
				j,
				found;
	NoNuisCtx	c;
	scomm_status st;
	double		t1 = -INFINITY,
				t2 = INFINITY;

	*lo = *hi = NAN;
	memset(&c, 0, sizeof(c));
	c.betahat = pr->betahat;
	c.n = n;
	c.K = K;
	c.y = scomm_core_alloc(n * sizeof(double));
	if (c.y == NULL)
		return SCOMM_ENOMEM;
	st = honest_arp_nn_init(&c.arp, p->rows, n, p->A, pr->sigma, pr->alpha,
							pr->alpha / 10.0, HONEST_LF_SIMS, RM_SEED);
	if (st == SCOMM_OK)
	{
		/* first stage: A_j (betahat - e_K t) / sd_j <= cv for every row j */
		for (i = 0; i < p->rows; i++)
		{
			double		ab = 0.0,
						ak = p->A[(size_t) i * n + K] / c.arp.sdt[i];

			for (j = 0; j < n; j++)
				ab += p->A[(size_t) i * n + j] * pr->betahat[j];
			ab /= c.arp.sdt[i];
			/* ab - ak t <= cv */
			if (ak > 0)
				t1 = fmax(t1, (ab - c.arp.lf_cv) / ak);
			else if (ak < 0)
				t2 = fmin(t2, (ab - c.arp.lf_cv) / ak);
			else if (ab > c.arp.lf_cv)
				t1 = INFINITY;
		}
		if (t1 <= t2 && isfinite(t1) && isfinite(t2))
			st = AcceptanceBounds(NoNuisTest, &c, t1, t2, scale, lo, hi, &found);
		else if (t1 <= t2)
		{
			*lo = t1;
			*hi = t2;
		}
	}
	honest_arp_nn_free(&c.arp);
	scomm_core_free(c.y);
	return st;
}

scomm_status
scomm_honest_rm(const scomm_honest_problem *pr, const double *mbar, int n_m,
				double *lb, double *ub)
{
	int			K = pr->n_pre,
				P = pr->n_post,
				im,
				s,
				sign,
				q;
	double	   *ginv = NULL;
	double		sd_theta = 0.0,
				lscale = 1.0;
	scomm_status st = SCOMM_OK;

	if (n_m < 0 || n_m > SCOMM_HONEST_MAX_M || K < 1 || P < 1 ||
		K > SCOMM_HONEST_MAX_PERIODS || P > SCOMM_HONEST_MAX_PERIODS)
		return SCOMM_ETOOBIG;
	/* sdTheta = sqrt(l' sigma_post l): the scale of the search */
	for (q = 0; q < P; q++)
		for (s = 0; s < P; s++)
			sd_theta += pr->l[q] * pr->sigma[(size_t) (K + q) * (K + P) + K + s] * pr->l[s];
	sd_theta = sqrt(sd_theta);
	if (P > 1)
	{
		ginv = scomm_core_alloc((size_t) P * P * sizeof(double));
		if (ginv == NULL)
			return SCOMM_ENOMEM;
		if (!GammaInverse(pr->l, P, ginv))
			st = SCOMM_ESINGULAR;
	}
	else
	{
		/* HonestDiD tests tau_1 itself; theta = l tau_1 */
		lscale = pr->l[0];
		sd_theta /= fabs(lscale);
	}
	for (im = 0; im < n_m && st == SCOMM_OK; im++)
	{
		double		lo_all = INFINITY,
					hi_all = -INFINITY;

		for (s = -(K - 1); s <= 0 && st == SCOMM_OK; s++)
			for (sign = 1; sign >= 0 && st == SCOMM_OK; sign--)
			{
				RmPoly		p;
				double		lo,
							hi;

				memset(&p, 0, sizeof(p));
				st = CreateARM(&p, K, P, mbar[im], s, sign);
				if (st == SCOMM_OK)
					st = P > 1 ? PolyBoundsNuis(pr, &p, ginv, sd_theta, &lo, &hi)
						: PolyBoundsNoNuis(pr, &p, sd_theta, &lo, &hi);
				scomm_core_free(p.A);
				if (st == SCOMM_OK && !isnan(lo))
				{
					lo_all = fmin(lo_all, lo);
					hi_all = fmax(hi_all, hi);
				}
				if (st == SCOMM_OK && scomm_core_interrupted())
					st = SCOMM_CANCELLED;
			}
		if (st != SCOMM_OK)
			break;
		if (lo_all > hi_all)
			lb[im] = ub[im] = NAN;
		else if (P > 1 || lscale > 0)
		{
			lb[im] = lo_all * lscale;
			ub[im] = hi_all * lscale;
		}
		else
		{
			lb[im] = hi_all * lscale;
			ub[im] = lo_all * lscale;
		}
	}
	scomm_core_free(ginv);
	return st;
}
