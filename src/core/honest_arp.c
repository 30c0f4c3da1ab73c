/*
 * honest_arp.c: the conditional test of moment inequalities with nuisance
 * parameters of Andrews, Roth & Pakes (2023), in the least-favourable
 * hybrid form that HonestDiD uses for Delta^RM ("C-LF"), following
 * HonestDiD's R/arp-nuisance.R and R/arp-nonuisance.R:
 *
 *   eta* = min_{eta, delta} eta  s.t.  y - X delta <= eta sd   (an LP)
 *   first stage: reject when eta* exceeds the least-favourable critical
 *     value, the 1 - kappa quantile of eta* over 1,000 simulated
 *     N(0, Sigma) draws (set.seed(0); mvtnorm's symmetric square root);
 *   second stage: condition on the binding moments (the LP's dual vertex)
 *     and compare eta* / sigma_B with the 1 - (alpha - kappa)/(1 - kappa)
 *     quantile of a normal truncated to [v_lo, min(v_up, cv_LF)]/sigma_B.
 *   When the vertex is degenerate (not k + 1 binding moments, or their X
 *   rows not of full rank) v_lo and v_up come from the dual programs of
 *   ARP's Algorithm 1 (bisection on a parametric LP), as in HonestDiD.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "honest_int.h"
#include "rrng.h"

#define TOL_LAMBDA 1e-6
#define A_AT(a, i, j) ((a)->A[(size_t) (i) * (a)->n + (j)])

scomm_status
honest_arp_init(HonestArp *a, int m, int k, const double *sigma, const double *X,
				double alpha, double kappa)
{
	double	   *W = NULL,
			   *c = NULL;
	scomm_status st = SCOMM_OK;
	int			i,
				j;

	memset(a, 0, sizeof(*a));
	a->m = m;
	a->k = k;
	a->kappa = kappa;
	a->mod_size = (alpha - kappa) / (1.0 - kappa);
	a->sigma = scomm_core_alloc((size_t) m * m * sizeof(double));
	a->sd = scomm_core_alloc(m * sizeof(double));
	a->X = scomm_core_alloc(((size_t) m * k + 1) * sizeof(double));
	a->sol = scomm_core_alloc((k + 1) * sizeof(double));
	a->dual = scomm_core_alloc(m * sizeof(double));
	a->crows = scomm_core_alloc((size_t) HONEST_ARP_CACHE * (k + 1) * sizeof(int));
	a->cwinv = scomm_core_alloc((size_t) HONEST_ARP_CACHE * (k + 1) * (k + 1) * sizeof(double));
	a->clam = scomm_core_alloc((size_t) HONEST_ARP_CACHE * (k + 1) * sizeof(double));
	W = scomm_core_alloc((size_t) m * (k + 1) * sizeof(double));
	c = scomm_core_alloc((k + 1) * sizeof(double));
	if (!a->sigma || !a->sd || !a->X || !a->sol || !a->dual || !a->crows ||
		!a->cwinv || !a->clam || !W || !c)
		st = SCOMM_ENOMEM;
	if (st == SCOMM_OK)
	{
		memcpy(a->sigma, sigma, (size_t) m * m * sizeof(double));
		if (k > 0)
			memcpy(a->X, X, (size_t) m * k * sizeof(double));
		for (i = 0; i < m; i++)
		{
			a->sd[i] = sqrt(sigma[(size_t) i * m + i]);
			if (!(a->sd[i] > 0.0))
				st = SCOMM_ESINGULAR;
			W[(size_t) i * (k + 1)] = a->sd[i];
			for (j = 0; j < k; j++)
				W[(size_t) i * (k + 1) + 1 + j] = X[(size_t) i * k + j];
		}
		c[0] = 1.0;
	}
	if (st == SCOMM_OK)
		st = honest_lp_init_ge(&a->lp, m, k + 1, W, c);
	scomm_core_free(W);
	scomm_core_free(c);
	return st;
}

void
honest_arp_free(HonestArp *a)
{
	honest_lp_free(&a->lp);
	honest_lp_free(&a->eqlp);
	scomm_core_free(a->eqA);
	scomm_core_free(a->dbcols);
	scomm_core_free(a->dbinv);
	scomm_core_free(a->dbx);
	scomm_core_free(a->crows);
	scomm_core_free(a->cwinv);
	scomm_core_free(a->clam);
	scomm_core_free(a->sigma);
	scomm_core_free(a->sd);
	scomm_core_free(a->X);
	scomm_core_free(a->sol);
	scomm_core_free(a->dual);
	memset(a, 0, sizeof(*a));
}

/* Is basis b optimal for y?  Then its solution and duals. */
static int
TryBasis(HonestArp *a, int b, const double *y, double *eta)
{
	int			k1 = a->k + 1,
				i,
				j;
	const int  *rows = a->crows + (size_t) b * k1;
	const double *winv = a->cwinv + (size_t) b * k1 * k1;
	const double *lam = a->clam + (size_t) b * k1;

	for (i = 0; i < k1; i++)
	{
		double		v = 0.0;

		for (j = 0; j < k1; j++)
			v += winv[(size_t) i * k1 + j] * y[rows[j]];
		a->sol[i] = v;
	}
	/* primal feasibility: sd_j eta + X_j delta >= y_j for every row */
	for (i = 0; i < a->m; i++)
	{
		double		lhs = a->sd[i] * a->sol[0],
					mag = fabs(lhs) + fabs(y[i]);

		for (j = 0; j < a->k; j++)
		{
			double		t = a->X[(size_t) i * a->k + j] * a->sol[1 + j];

			lhs += t;
			mag += fabs(t);
		}
		if (lhs - y[i] < -1e-10 * mag)
			return 0;
	}
	*eta = a->sol[0];
	memset(a->dual, 0, a->m * sizeof(double));
	for (j = 0; j < k1; j++)
		a->dual[rows[j]] = lam[j];
	return 1;
}

/* Remember the optimal basis of the last LP solve, when it is regular. */
static void
RememberBasis(HonestArp *a)
{
	int			k1 = a->k + 1,
				slot = a->cnext,
				i,
				j;
	int		   *rows = a->crows + (size_t) slot * k1;
	double	   *winv = a->cwinv + (size_t) slot * k1 * k1;
	double	   *lam = a->clam + (size_t) slot * k1;
	double	   *wb = scomm_core_alloc((size_t) k1 * k1 * sizeof(double));
	double	   *e = scomm_core_alloc(k1 * sizeof(double));
	double	   *col = scomm_core_alloc(k1 * sizeof(double));
	int		   *act = scomm_core_alloc((a->m + 1) * sizeof(int));
	int			ok = wb && e && col && act && honest_lp_active_rows(&a->lp, act) == k1;

	for (i = 0; ok && i < k1; i++)
	{
		rows[i] = act[i];
		wb[(size_t) i * k1] = a->sd[act[i]];
		for (j = 0; j < a->k; j++)
			wb[(size_t) i * k1 + 1 + j] = a->X[(size_t) act[i] * a->k + j];
	}
	for (j = 0; ok && j < k1; j++)
	{
		memset(e, 0, k1 * sizeof(double));
		e[j] = 1.0;
		ok = honest_solve(wb, e, col, k1);
		for (i = 0; ok && i < k1; i++)
			winv[(size_t) i * k1 + j] = col[i];
	}
	/* dual feasibility: lambda_B = W_B^-T e_1 >= 0 */
	for (j = 0; ok && j < k1; j++)
	{
		lam[j] = winv[j];
		ok = lam[j] >= -1e-12;
	}
	if (ok)
	{
		a->cnext = (slot + 1) % HONEST_ARP_CACHE;
		if (a->ncache < HONEST_ARP_CACHE)
			a->ncache++;
	}
	scomm_core_free(wb);
	scomm_core_free(e);
	scomm_core_free(col);
	scomm_core_free(act);
}

/*
 * eta*(y) and the duals.  A basis that was optimal for an earlier y is
 * optimal for this one when its solution is feasible (dual feasibility does
 * not depend on y), so the bases seen so far are tried first and the LP is
 * solved only when none fits: for the thousand simulated draws of the
 * least-favourable critical value that is a few solves instead of 1,000.
 */
scomm_status
honest_arp_eta(HonestArp *a, const double *y, double *eta)
{
	int			b;
	scomm_status st;

	for (b = 0; b < a->ncache; b++)
		if (TryBasis(a, (a->cnext - 1 - b + 2 * HONEST_ARP_CACHE) % HONEST_ARP_CACHE, y, eta))
			return SCOMM_OK;
	st = honest_lp_solve_ge(&a->lp, y, eta, a->sol, a->dual);
	if (st == SCOMM_OK)
		RememberBasis(a);
	return st;
}

static int
DoubleCmp(const void *x, const void *y)
{
	double		u = *(const double *) x,
				v = *(const double *) y;

	return (u > v) - (u < v);
}

/*
 * n draws of N(0, sigma) as mvtnorm::rmvnorm(n, sigma = sigma) after
 * set.seed(seed): rnorm(n * m) filled by row, times the symmetric square
 * root of sigma.  Calls fn(draw, arg) for each; stops on a non-OK status.
 */
static scomm_status
ForEachDraw(const double *sigma, int m, int n, int seed,
			scomm_status (*fn) (const double *draw, void *arg), void *arg)
{
	double	   *R = scomm_core_alloc((size_t) m * m * sizeof(double));
	double	   *z = scomm_core_alloc(m * sizeof(double));
	double	   *xi = scomm_core_alloc(m * sizeof(double));
	scomm_rrng	rng;
	scomm_status st = SCOMM_OK;
	int			i,
				j,
				l;

	if (!R || !z || !xi)
		st = SCOMM_ENOMEM;
	else if (!honest_sqrtm(sigma, R, m))
		st = SCOMM_ESINGULAR;
	if (st == SCOMM_OK)
	{
		scomm_rrng_seed(&rng, seed);
		for (i = 0; i < n && st == SCOMM_OK; i++)
		{
			if ((i & 63) == 0 && scomm_core_interrupted())
			{
				st = SCOMM_CANCELLED;
				break;
			}
			for (j = 0; j < m; j++)
				z[j] = scomm_rrng_norm(&rng);
			for (j = 0; j < m; j++)
			{
				double		v = 0.0;

				for (l = 0; l < m; l++)
					v += z[l] * R[(size_t) l * m + j];
				xi[j] = v;
			}
			st = fn(xi, arg);
		}
	}
	scomm_core_free(R);
	scomm_core_free(z);
	scomm_core_free(xi);
	return st;
}

typedef struct LfCollect
{
	HonestArp  *a;
	double	   *eta;
	int			n;
} LfCollect;

static scomm_status
LfOneDraw(const double *xi, void *arg)
{
	LfCollect  *c = arg;
	double		eta;
	scomm_status st = honest_arp_eta(c->a, xi, &eta);

	/* a failed program is NA in R, dropped by quantile(na.rm = TRUE) */
	if (st == SCOMM_OK)
		c->eta[c->n++] = eta;
	else if (st != SCOMM_ENOCONV && st != SCOMM_EEMPTY)
		return st;
	return SCOMM_OK;
}

scomm_status
honest_arp_lf_cv(HonestArp *a, int sims, int seed)
{
	LfCollect	c;
	scomm_status st;

	c.a = a;
	c.n = 0;
	c.eta = scomm_core_alloc(sims * sizeof(double));
	if (c.eta == NULL)
		return SCOMM_ENOMEM;
	st = ForEachDraw(a->sigma, a->m, sims, seed, LfOneDraw, &c);
	if (st == SCOMM_OK && c.n == 0)
		st = SCOMM_ENOCONV;
	if (st == SCOMM_OK)
	{
		qsort(c.eta, c.n, sizeof(double), DoubleCmp);
		a->lf_cv = scomm_r_quantile7(c.eta, c.n, 1.0 - a->kappa);
	}
	scomm_core_free(c.eta);
	return st;
}

/* ---- the second stage ------------------------------------------------- */

/* the common end of both approaches: truncation [zlo, zup], statistic */
static int
ConditionalReject(const HonestArp *a, double vlo, double vup, double eta, double sB)
{
	double		zlo = vlo / sB,
				zup = fmin(vup, a->lf_cv) / sB,
				maxstat = eta / sB,
				cval;

	if (!(zlo <= maxstat && maxstat <= zup))
		return 0;
	cval = fmax(0.0, honest_norminvp(1.0 - a->mod_size, zlo, zup));
	return maxstat > cval;
}

/* primal approach: k + 1 binding moments B with X_B of full rank */
static scomm_status
PrimalTest(HonestArp *a, const double *y, double eta, const int *inB, int *reject)
{
	int			m = a->m,
				k1 = a->k + 1,
				i,
				j,
				r,
				nb = 0;
	double	   *WB = scomm_core_alloc((size_t) k1 * k1 * sizeof(double));
	double	   *Winv = scomm_core_alloc((size_t) k1 * k1 * sizeof(double));
	double	   *e = scomm_core_alloc(k1 * sizeof(double));
	double	   *v = scomm_core_alloc(m * sizeof(double));
	double	   *Sv = scomm_core_alloc(m * sizeof(double));
	double	   *g = scomm_core_alloc(m * sizeof(double));
	int		   *bidx = scomm_core_alloc(k1 * sizeof(int));
	scomm_status st = SCOMM_OK;

	if (!WB || !Winv || !e || !v || !Sv || !g || !bidx)
		st = SCOMM_ENOMEM;
	if (st == SCOMM_OK)
	{
		for (i = 0; i < m; i++)
			if (inB[i])
			{
				bidx[nb] = i;
				WB[(size_t) nb * k1] = a->sd[i];
				for (j = 0; j < a->k; j++)
					WB[(size_t) nb * k1 + 1 + j] = a->X[(size_t) i * a->k + j];
				nb++;
			}
		/* the inverse of W_B, column by column */
		for (j = 0; j < k1 && st == SCOMM_OK; j++)
		{
			memset(e, 0, k1 * sizeof(double));
			e[j] = 1.0;
			if (!honest_solve(WB, e, v, k1))
				st = SCOMM_ESINGULAR;
			for (i = 0; i < k1; i++)
				Winv[(size_t) i * k1 + j] = v[i];
		}
	}
	if (st == SCOMM_OK)
	{
		double		sigma2 = 0.0,
					vy = 0.0,
					vlo = -INFINITY,
					vup = INFINITY;

		/* v_B: the first row of W_B^-1 on the binding moments */
		memset(v, 0, m * sizeof(double));
		for (i = 0; i < k1; i++)
			v[bidx[i]] = Winv[i];
		honest_matvec(a->sigma, v, Sv, m, m);
		for (i = 0; i < m; i++)
		{
			sigma2 += v[i] * Sv[i];
			vy += v[i] * y[i];
		}
		/* Gamma_B row of each non-binding moment r: (sd_r, X_r) W_B^-1 S_B - e_r */
		for (r = 0; r < m; r++)
		{
			double		gS = 0.0,
						gy = 0.0,
						rho;

			if (inB[r])
				continue;
			memset(g, 0, m * sizeof(double));
			for (i = 0; i < k1; i++)
			{
				double		t = a->sd[r] * Winv[i];

				for (j = 0; j < a->k; j++)
					t += a->X[(size_t) r * a->k + j] * Winv[(size_t) (1 + j) * k1 + i];
				g[bidx[i]] = t;
			}
			g[r] = -1.0;
			for (i = 0; i < m; i++)
			{
				gS += g[i] * Sv[i];
				gy += g[i] * y[i];
			}
			rho = gS / sigma2;
			if (rho > 0)
				vlo = fmax(vlo, -gy / rho + vy);
			else if (rho < 0)
				vup = fmin(vup, -gy / rho + vy);
		}
		*reject = ConditionalReject(a, vlo, vup, eta, sqrt(sigma2));
	}
	scomm_core_free(WB);
	scomm_core_free(Winv);
	scomm_core_free(e);
	scomm_core_free(v);
	scomm_core_free(Sv);
	scomm_core_free(g);
	scomm_core_free(bidx);
	return st;
}

/* HonestDiD's .roundeps */
static double
RoundEps(double x)
{
	return fabs(x) < 1.8189894035458565e-12 ? 0.0 : x;
}

typedef struct DualCheck
{
	HonestArp  *a;
	const double *sT;			/* m */
	const double *b;			/* m */
	double	   *f;
	double	   *x;				/* m: the last solution */
	int			ok;				/* the last program solved */
	/* per cached basis: the interval of c where it is optimal for this test */
	char		known[HONEST_ARP_CACHE];
	double		clo[HONEST_ARP_CACHE];
	double		chi[HONEST_ARP_CACHE];
} DualCheck;

/*
 * The range of c over which cached basis q of the dual program is optimal
 * for the objective sT + b c: the reduced costs f_j - a_j'B^-T f_B of the
 * non-basic columns are linear in c and must all be <= 0.
 */
static void
DualBasisRange(DualCheck *d, int q)
{
	HonestArp  *a = d->a;
	int			m = a->m,
				k1 = a->k + 1,
				i,
				j,
				r;
	const int  *cols = a->dbcols + (size_t) q * k1;
	const double *binv = a->dbinv + (size_t) q * k1 * k1;
	double		ps[SCOMM_HONEST_MAX_PERIODS + 1],
				pb[SCOMM_HONEST_MAX_PERIODS + 1],
				lo = -INFINITY,
				hi = INFINITY;
	char		basic[4 * SCOMM_HONEST_MAX_PERIODS + 4] = {0};

	/* pi = B^-T f_B, for the s and b parts */
	for (r = 0; r < k1; r++)
	{
		ps[r] = pb[r] = 0.0;
		for (i = 0; i < k1; i++)
		{
			ps[r] += binv[(size_t) i * k1 + r] * d->sT[cols[i]];
			pb[r] += binv[(size_t) i * k1 + r] * d->b[cols[i]];
		}
	}
	for (i = 0; i < k1; i++)
		basic[cols[i]] = 1;
	for (j = 0; j < m; j++)
	{
		double		al = d->sT[j],
					be = d->b[j];

		if (basic[j])
			continue;
		for (r = 0; r < k1; r++)
		{
			al -= a->eqA[(size_t) r * m + j] * ps[r];
			be -= a->eqA[(size_t) r * m + j] * pb[r];
		}
		/* al + be c <= 0 */
		if (be > 0)
			hi = fmin(hi, -al / be);
		else if (be < 0)
			lo = fmax(lo, -al / be);
		else if (al > 0)
			lo = INFINITY;
	}
	d->clo[q] = lo;
	d->chi[q] = hi;
	d->known[q] = 1;
}

/* remember the eq program's last optimal basis when it is regular */
static void
DualRemember(DualCheck *d)
{
	HonestArp  *a = d->a;
	int			k1 = a->k + 1,
				m = a->m,
				q = a->dbnext,
				i,
				j,
				ok;
	int		   *cols;
	double	   *binv,
			   *xb,
			   *B = scomm_core_alloc((size_t) k1 * k1 * sizeof(double)),
			   *e = scomm_core_alloc(k1 * sizeof(double)),
			   *col = scomm_core_alloc(k1 * sizeof(double));

	if (a->dbcols == NULL)
	{
		a->dbcols = scomm_core_alloc((size_t) HONEST_ARP_CACHE * k1 * sizeof(int));
		a->dbinv = scomm_core_alloc((size_t) HONEST_ARP_CACHE * k1 * k1 * sizeof(double));
		a->dbx = scomm_core_alloc((size_t) HONEST_ARP_CACHE * k1 * sizeof(double));
	}
	ok = B && e && col && a->dbcols && a->dbinv && a->dbx &&
		m <= 4 * SCOMM_HONEST_MAX_PERIODS + 4 && k1 <= SCOMM_HONEST_MAX_PERIODS + 1;
	if (ok)
	{
		cols = a->dbcols + (size_t) q * k1;
		binv = a->dbinv + (size_t) q * k1 * k1;
		xb = a->dbx + (size_t) q * k1;
		ok = honest_lp_basic_cols(&a->eqlp, cols) == k1;
		for (i = 0; ok && i < k1; i++)
			for (j = 0; j < k1; j++)
				B[(size_t) i * k1 + j] = a->eqA[(size_t) i * m + cols[j]];
		for (j = 0; ok && j < k1; j++)
		{
			memset(e, 0, k1 * sizeof(double));
			e[j] = 1.0;
			ok = honest_solve(B, e, col, k1);
			for (i = 0; ok && i < k1; i++)
				binv[(size_t) i * k1 + j] = col[i];
		}
		/* primal feasibility x_B = B^-1 e_1 >= 0, whatever the objective */
		for (i = 0; ok && i < k1; i++)
		{
			xb[i] = binv[(size_t) i * k1];
			ok = xb[i] >= -1e-12;
		}
		if (ok)
		{
			a->dbnext = (q + 1) % HONEST_ARP_CACHE;
			if (a->ndb < HONEST_ARP_CACHE)
				a->ndb++;
			d->known[q] = 0;
		}
	}
	scomm_core_free(B);
	scomm_core_free(e);
	scomm_core_free(col);
}

/*
 * .check_if_solution_helper: is c the value of the parametric program
 * max (sT + b c)'x over {x >= 0, W'x = e_1}?  A cached basis that is
 * optimal at c gives the value without solving (the program's value is
 * unique, so the answer is the LP's); else GLPK solves it and its basis is
 * kept for the next values of c.
 */
static scomm_status
DualHonest(DualCheck *d, double c, int *honest)
{
	HonestArp  *a = d->a;
	int			m = a->m,
				k1 = a->k + 1,
				i,
				q;
	double		val;
	scomm_status st;

	for (i = 0; i < m; i++)
		d->f[i] = d->sT[i] + d->b[i] * c;
	for (q = 0; q < a->ndb; q++)
	{
		if (!d->known[q])
			DualBasisRange(d, q);
		if (d->clo[q] <= c && c <= d->chi[q])
		{
			const int  *cols = a->dbcols + (size_t) q * k1;
			const double *xb = a->dbx + (size_t) q * k1;

			memset(d->x, 0, m * sizeof(double));
			val = 0.0;
			for (i = 0; i < k1; i++)
			{
				d->x[cols[i]] = xb[i];
				val += xb[i] * d->f[cols[i]];
			}
			d->ok = 1;
			*honest = fabs(c - val) <= 1e-6;
			return SCOMM_OK;
		}
	}
	st = honest_lp_solve_eq(&a->eqlp, d->f, d->x, &val);
	d->ok = st == SCOMM_OK;
	if (d->ok)
		DualRemember(d);
	*honest = d->ok && fabs(c - val) <= 1e-6;
	return st == SCOMM_ENOCONV ? SCOMM_OK : st;
}

/* the shortcut step a + b c = c of .vlo_vup_dual_fn */
static double
DualShortcut(const DualCheck *d)
{
	double		xs = 0.0,
				xb = 0.0;
	int			i;

	for (i = 0; i < d->a->m; i++)
	{
		xs += d->x[i] * d->sT[i];
		xb += d->x[i] * d->b[i];
	}
	return RoundEps(xs) / (1.0 - xb);
}

/* one side of .vlo_vup_dual_fn: upper (up = 1) or lower truncation point */
static scomm_status
DualSide(DualCheck *d, double eta, double start, int up, double *out)
{
	const double tol_c = 1e-6;
	const int	maxiters = 10000,
				switchiters = 10;
	double		dif = 0.0,
				mid,
				low,
				high;
	int			iters = 1,
				honest;
	scomm_status st = DualHonest(d, start, &honest);

	if (st != SCOMM_OK)
		return st;
	if (honest)
	{
		*out = up ? INFINITY : -INFINITY;
		return SCOMM_OK;
	}
	mid = d->ok ? DualShortcut(d) : start;
	if (!d->ok)
		dif = tol_c + 1;
	while (dif == 0.0)
	{
		if ((st = DualHonest(d, mid, &honest)) != SCOMM_OK)
			return st;
		if (honest || iters >= maxiters)
			break;
		iters++;
		if (iters >= switchiters || !d->ok)
		{
			dif = tol_c + 1;
			break;
		}
		mid = DualShortcut(d);
	}
	low = up ? eta : mid;
	high = up ? mid : eta;
	while (dif > tol_c && iters < maxiters)
	{
		iters++;
		mid = (high + low) / 2;
		if ((st = DualHonest(d, mid, &honest)) != SCOMM_OK)
			return st;
		if (honest == up)
			low = mid;
		else
			high = mid;
		dif = high - low;
		if ((iters & 63) == 0 && scomm_core_interrupted())
			return SCOMM_CANCELLED;
	}
	*out = mid;
	return SCOMM_OK;
}

/* the program max f'x s.t. W_T'x = e_1, x >= 0 of the dual approach */
static scomm_status
DualProgram(HonestArp *a)
{
	int			m = a->m,
				k1 = a->k + 1,
				i,
				j;
	double	   *beq;
	scomm_status st;

	if (a->eqA != NULL)
		return SCOMM_OK;
	a->eqA = scomm_core_alloc((size_t) k1 * m * sizeof(double));
	beq = scomm_core_alloc(k1 * sizeof(double));
	if (a->eqA == NULL || beq == NULL)
	{
		scomm_core_free(beq);
		return SCOMM_ENOMEM;
	}
	for (i = 0; i < m; i++)
	{
		a->eqA[i] = a->sd[i];
		for (j = 0; j < a->k; j++)
			a->eqA[(size_t) (1 + j) * m + i] = a->X[(size_t) i * a->k + j];
	}
	beq[0] = 1.0;
	st = honest_lp_init_eq(&a->eqlp, k1, m, a->eqA, beq);
	scomm_core_free(beq);
	return st;
}

/* dual approach: v_lo, v_up from the parametric dual programs */
static scomm_status
DualTest(HonestArp *a, const double *y, double eta, int *reject)
{
	int			m = a->m,
				i;
	double	   *gam = a->dual;
	double	   *Sg = scomm_core_alloc(m * sizeof(double));
	double	   *sT = scomm_core_alloc(m * sizeof(double));
	double	   *b = scomm_core_alloc(m * sizeof(double));
	DualCheck	d;
	double		gSg = 0.0,
				gy = 0.0,
				sB,
				vlo = -INFINITY,
				vup = INFINITY;
	scomm_status st = SCOMM_OK;

	memset(&d, 0, sizeof(d));
	d.f = scomm_core_alloc(m * sizeof(double));
	d.x = scomm_core_alloc(m * sizeof(double));
	if (!Sg || !sT || !b || !d.f || !d.x)
		st = SCOMM_ENOMEM;
	if (st == SCOMM_OK)
	{
		honest_matvec(a->sigma, gam, Sg, m, m);
		for (i = 0; i < m; i++)
		{
			gSg += gam[i] * Sg[i];
			gy += gam[i] * y[i];
		}
		sB = sqrt(gSg);
		if (!(sB >= 1e-10))
			*reject = eta > 0;
		else
		{
			for (i = 0; i < m; i++)
			{
				b[i] = Sg[i] / gSg;
				sT[i] = y[i] - b[i] * gy;
			}
			d.a = a;
			d.sT = sT;
			d.b = b;
			st = DualProgram(a);
			if (st == SCOMM_OK)
			{
				int			honest;

				st = DualHonest(&d, eta, &honest);
				if (st == SCOMM_OK && !honest)
				{
					/* eta is not the program's value: do not reject */
					vlo = eta;
					vup = INFINITY;
				}
				else if (st == SCOMM_OK)
				{
					st = DualSide(&d, eta, fmax(100.0, eta + 20.0 * sB), 1, &vup);
					if (st == SCOMM_OK)
						st = DualSide(&d, eta, fmin(-100.0, eta - 20.0 * sB), 0, &vlo);
				}
			}
			if (st == SCOMM_OK)
				*reject = ConditionalReject(a, vlo, vup, eta, sB);
		}
	}
	scomm_core_free(Sg);
	scomm_core_free(sT);
	scomm_core_free(b);
	scomm_core_free(d.f);
	scomm_core_free(d.x);
	return st;
}

scomm_status
honest_arp_test(HonestArp *a, const double *y, int *reject)
{
	double		eta;
	int		   *inB;
	int			nb = 0,
				i,
				j,
				full;
	scomm_status st = honest_arp_eta(a, y, &eta);

	*reject = 0;
	if (st == SCOMM_ENOCONV || st == SCOMM_EEMPTY)
		return SCOMM_OK;		/* R: "LP for eta did not converge. Not rejecting" */
	if (st != SCOMM_OK)
		return st;
	if (eta > a->lf_cv)
	{
		*reject = 1;
		return SCOMM_OK;
	}
	inB = scomm_core_alloc(a->m * sizeof(int));
	if (inB == NULL)
		return SCOMM_ENOMEM;
	for (i = 0; i < a->m; i++)
		if ((inB[i] = a->dual[i] > TOL_LAMBDA))
			nb++;
	/* full rank of the binding rows of X */
	{
		double	   *XB = scomm_core_alloc(((size_t) nb * a->k + 1) * sizeof(double));
		int			r = 0;

		if (XB == NULL)
		{
			scomm_core_free(inB);
			return SCOMM_ENOMEM;
		}
		for (i = 0; i < a->m; i++)
			if (inB[i])
			{
				for (j = 0; j < a->k; j++)
					XB[(size_t) r * a->k + j] = a->X[(size_t) i * a->k + j];
				r++;
			}
		full = nb > 0 && a->k > 0 &&
			honest_rank(XB, nb, a->k) == (nb < a->k ? nb : a->k);
		scomm_core_free(XB);
	}
	if (full && nb == a->k + 1)
		st = PrimalTest(a, y, eta, inB, reject);
	else
		st = DualTest(a, y, eta, reject);
	scomm_core_free(inB);
	return st;
}

/* ---- no nuisance parameters (one post period) --------------------------- */

typedef struct NnCollect
{
	const double *sdt;
	double	   *mx;
	int			n;
	int			m;
} NnCollect;

static scomm_status
NnOneDraw(const double *xi, void *arg)
{
	NnCollect  *c = arg;
	double		mx = -INFINITY;
	int			j;

	for (j = 0; j < c->m; j++)
		mx = fmax(mx, xi[j] / c->sdt[j]);
	c->mx[c->n++] = mx;
	return SCOMM_OK;
}

scomm_status
honest_arp_nn_init(HonestArpNoNuis *a, int m, int n, const double *A,
				   const double *sigma, double alpha, double kappa, int sims, int seed)
{
	double	   *SA = scomm_core_alloc((size_t) m * m * sizeof(double));
	double	   *tmp = scomm_core_alloc((size_t) m * n * sizeof(double));
	NnCollect	c;
	scomm_status st = SCOMM_OK;
	int			i,
				j,
				l;

	memset(a, 0, sizeof(*a));
	a->m = m;
	a->n = n;
	a->A = A;
	a->sigma = sigma;
	a->kappa = kappa;
	a->mod_size = (alpha - kappa) / (1.0 - kappa);
	a->sdt = scomm_core_alloc(m * sizeof(double));
	c.mx = scomm_core_alloc(sims * sizeof(double));
	if (!SA || !tmp || !a->sdt || !c.mx)
		st = SCOMM_ENOMEM;
	if (st == SCOMM_OK)
	{
		/* A sigma A' */
		for (i = 0; i < m; i++)
			for (j = 0; j < n; j++)
			{
				double		v = 0.0;

				for (l = 0; l < n; l++)
					v += A[(size_t) i * n + l] * sigma[(size_t) l * n + j];
				tmp[(size_t) i * n + j] = v;
			}
		for (i = 0; i < m; i++)
			for (j = 0; j < m; j++)
			{
				double		v = 0.0;

				for (l = 0; l < n; l++)
					v += tmp[(size_t) i * n + l] * A[(size_t) j * n + l];
				SA[(size_t) i * m + j] = v;
			}
		for (i = 0; i < m; i++)
		{
			a->sdt[i] = sqrt(SA[(size_t) i * m + i]);
			if (!(a->sdt[i] > 0.0))
				st = SCOMM_ESINGULAR;
		}
	}
	if (st == SCOMM_OK)
	{
		c.sdt = a->sdt;
		c.n = 0;
		c.m = m;
		st = ForEachDraw(SA, m, sims, seed, NnOneDraw, &c);
	}
	if (st == SCOMM_OK)
	{
		qsort(c.mx, c.n, sizeof(double), DoubleCmp);
		a->lf_cv = scomm_r_quantile7(c.mx, c.n, 1.0 - kappa);
	}
	scomm_core_free(SA);
	scomm_core_free(tmp);
	scomm_core_free(c.mx);
	return st;
}

void
honest_arp_nn_free(HonestArpNoNuis *a)
{
	scomm_core_free(a->sdt);
	a->sdt = NULL;
}

/* .testInIdentifiedSet_LF_Hybrid with d = 0 */
scomm_status
honest_arp_nn_test(const HonestArpNoNuis *a, const double *y, int *reject)
{
	int			m = a->m,
				n = a->n,
				i,
				j,
				loc = 0;
	double	   *nm = scomm_core_alloc(m * sizeof(double));
	double	   *gam = scomm_core_alloc(n * sizeof(double));
	double	   *Sg = scomm_core_alloc(n * sizeof(double));
	double	   *z = scomm_core_alloc(n * sizeof(double));
	double		maxm,
				gSg = 0.0,
				gy = 0.0,
				vlo = -INFINITY,
				vup = INFINITY;

	if (!nm || !gam || !Sg || !z)
	{
		scomm_core_free(nm);
		scomm_core_free(gam);
		scomm_core_free(Sg);
		scomm_core_free(z);
		return SCOMM_ENOMEM;
	}
	for (i = 0; i < m; i++)
	{
		double		v = 0.0;

		for (j = 0; j < n; j++)
			v += A_AT(a, i, j) * y[j];
		nm[i] = v / a->sdt[i];
		if (nm[i] > nm[loc])
			loc = i;
	}
	maxm = nm[loc];
	*reject = 0;
	if (maxm > a->lf_cv)
		*reject = 1;
	else
	{
		double		sbar;

		for (j = 0; j < n; j++)
			gam[j] = A_AT(a, loc, j) / a->sdt[loc];
		honest_matvec(a->sigma, gam, Sg, n, n);
		for (j = 0; j < n; j++)
		{
			gSg += gam[j] * Sg[j];
			gy += gam[j] * y[j];
		}
		sbar = sqrt(gSg);
		/* z = (I - c gamma') y with c = sigma gamma / gSg */
		for (j = 0; j < n; j++)
			z[j] = y[j] - Sg[j] / gSg * gy;
		for (i = 0; i < m; i++)
		{
			double		ac = 0.0,
						az = 0.0;

			for (j = 0; j < n; j++)
			{
				double		abar = A_AT(a, i, j) / a->sdt[i] - gam[j];

				ac += abar * (Sg[j] / gSg);
				az += abar * z[j];
			}
			if (ac < 0)
				vlo = fmax(vlo, -az / ac);
			else if (ac > 0)
				vup = fmin(vup, -az / ac);
		}
		{
			double		cval = fmax(0.0, sbar * honest_norminvp(1.0 - a->mod_size,
															 vlo / sbar, vup / sbar));

			*reject = maxm > cval;
		}
	}
	scomm_core_free(nm);
	scomm_core_free(gam);
	scomm_core_free(Sg);
	scomm_core_free(z);
	return SCOMM_OK;
}
