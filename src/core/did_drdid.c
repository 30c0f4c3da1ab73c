/*
 * did_drdid.c: the 2x2 estimators of each group-time cell with covariates
 * and sampling weights, and their influence functions, after DRDID 1.2.3
 * (Sant'Anna & Zhao 2020) as did 2.1.2 calls them (R/compute.att_gt.R):
 *
 *   panel data (balanced): drdid_panel (locally efficient doubly robust,
 *     est_method "dr"), std_ipw_did_panel ("ipw"), reg_did_panel ("reg"),
 *     on the change Y_t - Y_base of the cell's treated and control units;
 *   unbalanced panels kept and repeated cross sections: drdid_rc,
 *     std_ipw_did_rc, reg_did_rc on the rows of those units in the two
 *     periods, with the rows' influence functions summed by unit.
 *
 * In every case: the weights are normalized to mean 1 over the cell's
 * sample, the propensity score is a weighted logit (did_fit.c) capped at
 * 1 - 1e-6, control observations whose score is 0.995 or more are trimmed,
 * the outcome regressions are weighted least squares, and the influence
 * function includes the estimation effects of both (asymptotic linear
 * representations of the logit and OLS coefficients).  did rescales it by
 * n / n1 (n units, n1 observations in the cell).
 *
 * Nothing n x cells is stored.  A cell keeps the coefficients and the few
 * vectors (k each) and scalars its influence function needs; an
 * observation's contribution is recomputed from its data when asked:
 *
 *   panel, par = gamma | beta | va | vb | vc | (unused) | scalars:
 *     eta_t, eta_c, mw_t, mw_c (means of the treated and control weights);
 *   rc, par = gamma | b_c0 | b_c1 | b_t0 | b_t1 | v_post | v_pre | v_post_t |
 *     v_pre_t | v_ps | 16 scalars (the means of the weights and the
 *     components of the estimator).
 *
 * Before estimating, the checks of did's panel path: a cell whose unweighted
 * propensity score reaches 0.999 (dr, ipw) or whose control units' covariates
 * are singular (dr, reg) has no estimate (NULL); the rc path checks that
 * treated and control units are observed in both periods.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "did_int.h"

/* DRDID's cap of the propensity score and its trimming level */
#define PS_CAP (1.0 - 1e-6)
#define TRIM_LEVEL 0.995
/* did's check of the preliminary (unweighted) propensity score */
#define OVERLAP_LEVEL 0.999

/*
 * What EstimatePanel / EstimateRc return when the propensity score separates
 * the groups on the control side (a fitted probability of 0: no estimate of
 * the score exists, and did's overlap check would not catch it): an error.
 * Separation on the treated side (a probability of 1) makes the cell NULL,
 * as did's overlap check does.
 */
#define CELL_SEPARATED ((scomm_did_cell_status) -1)

/* scalars of a cell, after the 10 vectors */
#define SC(par, k) ((par) + 10 * (k))

enum
{
	P_ETA_T = 0, P_ETA_C, P_MW_T, P_MW_C
};
enum
{
	R_M_TP = 0, R_M_TQ, R_M_CP, R_M_CQ, R_M_D, R_M_DT1, R_M_DT0,
	R_A_TP, R_A_TQ, R_A_CP, R_A_CQ, R_A_D1, R_A_DT1, R_A_D0, R_A_DT0, R_WMEAN
};

/* the observations of one cell and scratch for the fits */
typedef struct Sample
{
	int			m;				/* observations */
	int			k;				/* columns: intercept and covariates */
	double	   *X;				/* m x k */
	double	   *D;				/* treated (1) or control (0) */
	double	   *y;				/* change (panel) or outcome (rc) */
	double	   *post;			/* rc: observation in the later period */
	double	   *w;				/* weights, normalized to mean 1 */
	double	   *ones;			/* 1s (unweighted fits) */
	double	   *p;				/* fitted propensity scores */
	double	   *r;				/* scratch per observation */
	int		   *unit;			/* ordered unit of each observation */
	unsigned char *use;
	double	   *A,
			   *B,
			   *C,
			   *E;				/* k x k scratch */
	double	   *v1,
			   *v2,
			   *v3,
			   *v4,
			   *v5,
			   *v6;				/* k scratch */
	double	   *work;			/* 3k */
	double		wmean;
	/* logit fits already made for this unit set (panel kind), see Logit() */
	struct LogitMemo *memo;
	/* the preliminary fit is the estimator's (no weights): its result */
	int			pfit_valid;
	int			pfit_status;
	int			pfit_bad;
	int			key_treat,
				key_ctrl,
				key_base;
} Sample;

/*
 * Propensity-score fits by unit set: in a panel the logit of a cell depends
 * only on its treated and control units, their weights and their covariates
 * at the base period, so cells sharing those (every cell of a cohort against
 * the never treated; with time-invariant covariates also across base
 * periods) reuse one fit.  Fits are deterministic, so reuse changes nothing.
 */
typedef struct LogitMemo
{
	int			n,
				cap,
				k;
	int		   *key;			/* 4 ints per fit: treat, ctrl, base, weighted */
	int		   *status;
	int		   *bad;
	double	   *gamma;
} LogitMemo;

static inline double
Dot(const double *x, const double *b, int k)
{
	double		s = 0.0;
	int			j;

	for (j = 0; j < k; j++)
		s += x[j] * b[j];
	return s;
}

static inline double
Expit(double eta)
{
	return eta >= 0 ? 1.0 / (1.0 + exp(-eta)) : exp(eta) / (1.0 + exp(eta));
}

/* DRDID's capped propensity score of row x */
static inline double
Pscore(const double *x, const double *gamma, int k)
{
	double		p = Expit(Dot(x, gamma, k));

	return p < PS_CAP ? p : PS_CAP;
}

/* row x of unit i in period t: 1, then its covariates */
static inline void
CovRow(const scomm_did_attgt *a, int i, int t, double *x)
{
	int			j;

	x[0] = 1.0;
	for (j = 0; j < a->n_cov; j++)
		x[1 + j] = a->x[((size_t) i * a->n_periods + t) * a->n_cov + j];
}

/* The cell's units: treated block, then the control range minus it. */
typedef struct UnitIter
{
	int			lo[3],
				hi[3];
	int			parts;
} UnitIter;

static void
CellUnits(const scomm_did_attgt *a, const scomm_did_cell *c, UnitIter *u)
{
	u->parts = 0;
	u->lo[u->parts] = c->treat_lo;
	u->hi[u->parts++] = c->treat_hi;
	if (c->treat_lo >= c->ctrl_lo)
	{
		u->lo[u->parts] = c->ctrl_lo;
		u->hi[u->parts++] = c->treat_lo;
		u->lo[u->parts] = c->treat_hi;
		u->hi[u->parts++] = a->n;
	}
	else
	{
		u->lo[u->parts] = c->ctrl_lo;
		u->hi[u->parts++] = a->n;
	}
}

/* Normalize the sample's weights to mean 1. */
static void
NormalizeWeights(Sample *S)
{
	double		s = 0.0;
	int			i;

	for (i = 0; i < S->m; i++)
		s += S->w[i];
	S->wmean = s / S->m;
	for (i = 0; i < S->m; i++)
		S->w[i] /= S->wmean;
}

/* Panel sample: one observation per treated or control unit. */
static void
PanelSample(const scomm_did_attgt *a, const scomm_did_cell *c, Sample *S)
{
	UnitIter	u;
	int			T = a->n_periods,
				part,
				i;

	CellUnits(a, c, &u);
	S->m = 0;
	for (part = 0; part < u.parts; part++)
		for (i = u.lo[part]; i < u.hi[part]; i++)
		{
			int			o = S->m++;

			S->D[o] = part == 0 ? 1.0 : 0.0;
			S->y[o] = a->y[(size_t) i * T + c->t_idx] - a->y[(size_t) i * T + c->b_idx];
			S->w[o] = DID_UNIT_WEIGHT(a, i);
			S->unit[o] = i;
			CovRow(a, i, c->b_idx, S->X + (size_t) o * S->k);
		}
	NormalizeWeights(S);
}

/* Repeated cross-section sample: the rows of treated and control units in the
 * two periods. */
static void
RcSample(const scomm_did_attgt *a, const scomm_did_cell *c, Sample *S)
{
	UnitIter	u;
	int			T = a->n_periods,
				part,
				i,
				h;

	CellUnits(a, c, &u);
	S->m = 0;
	for (part = 0; part < u.parts; part++)
		for (i = u.lo[part]; i < u.hi[part]; i++)
			for (h = 0; h < 2; h++)
			{
				int			t = h == 0 ? c->b_idx : c->t_idx;
				double		yv = a->y[(size_t) i * T + t];
				int			o;

				if (isnan(yv))
					continue;
				o = S->m++;
				S->D[o] = part == 0 ? 1.0 : 0.0;
				S->post[o] = h;
				S->y[o] = yv;
				S->w[o] = DID_UNIT_WEIGHT(a, i);
				S->unit[o] = i;
				CovRow(a, i, t, S->X + (size_t) o * S->k);
			}
	NormalizeWeights(S);
}

/* S->A = sum over use of s_i x x' / m (lower and upper), NULL use: all. */
static void
Gram(const Sample *S, const double *s, double *A)
{
	int			k = S->k,
				i,
				a,
				b;

	memset(A, 0, (size_t) k * k * sizeof(double));
	for (i = 0; i < S->m; i++)
	{
		const double *x = S->X + (size_t) i * k;

		if (s[i] == 0.0)
			continue;
		for (a = 0; a < k; a++)
			for (b = 0; b <= a; b++)
				A[a * k + b] += s[i] * x[a] * x[b];
	}
	for (a = 0; a < k; a++)
		for (b = 0; b <= a; b++)
			A[b * k + a] = A[a * k + b] /= S->m;
}

/* v = sum_i s_i x_i / m */
static void
ColMeans(const Sample *S, const double *s, double *v)
{
	int			k = S->k,
				i,
				j;

	memset(v, 0, k * sizeof(double));
	for (i = 0; i < S->m; i++)
		for (j = 0; j < k; j++)
			v[j] += s[i] * S->X[(size_t) i * k + j];
	for (j = 0; j < k; j++)
		v[j] /= S->m;
}

/* out = A^-1 v for the Gram matrix A of weights s; 0 when singular */
static int
SolveGram(Sample *S, const double *s, const double *v, double *out)
{
	Gram(S, s, S->E);
	if (!did_chol_factor(S->E, S->k, S->work))
		return 0;
	memcpy(out, v, S->k * sizeof(double));
	did_chol_solve(S->E, S->k, out);
	return 1;
}

static scomm_status Logit(Sample *S, const double *w, int weighted,
						  double *gamma, int *bad);

/*
 * did's checks before estimating a panel cell: the unweighted propensity
 * score reaching 0.999 (dr, ipw) and singular control covariates (dr, reg).
 * Returns the cell status; a separated unweighted logit whose treated side
 * reaches 1 is an overlap failure too (did's glm returns p = 1 there).
 */
static scomm_did_cell_status
PreliminaryChecks(const scomm_did_attgt *a, Sample *S, int64_t *bad_unit)
{
	int			k = S->k,
				i,
				bad;
	scomm_status st;

	/* (without weights the outcome regression's own check is the same) */
	if (a->opt.method != SCOMM_DID_METHOD_IPW && a->w != NULL)
	{
		for (i = 0; i < S->m; i++)
			S->r[i] = S->D[i] > 0.5 ? 0.0 : 1.0;
		Gram(S, S->r, S->A);
		if (!did_chol_factor(S->A, k, S->work))
			return SCOMM_DID_CELL_SINGULAR;
	}
	if (a->opt.method == SCOMM_DID_METHOD_REG)
		return SCOMM_DID_CELL_OK;
	/* without weights the preliminary fit is the estimator's own */
	st = a->w == NULL ? Logit(S, S->ones, 1, S->v1, &bad) :
		Logit(S, S->ones, 0, S->v1, &bad);
	if (a->w == NULL)
	{
		S->pfit_valid = 1;
		S->pfit_status = st;
		S->pfit_bad = bad;
	}
	if (st == SCOMM_ESINGULAR)
		return SCOMM_DID_CELL_SINGULAR;
	for (i = 0; i < S->m; i++)
		if (S->p[i] >= OVERLAP_LEVEL)
		{
			*bad_unit = a->unit_id[S->unit[i]];
			return SCOMM_DID_CELL_OVERLAP;
		}
	return SCOMM_DID_CELL_OK;
}

/*
 * The logit of the sample with weights w (weighted: 0 for the unweighted
 * preliminary fit), from the memo when this unit set was fitted before.
 */
static scomm_status
Logit(Sample *S, const double *w, int weighted, double *gamma, int *bad)
{
	LogitMemo  *M = S->memo;
	int			e,
				i,
				key[4];
	scomm_status st;

	key[0] = S->key_treat;
	key[1] = S->key_ctrl;
	key[2] = S->key_base;
	key[3] = weighted;
	/* fits are stored in cell order, so this cohort's are the last ones */
	for (e = M != NULL ? M->n - 1 : -1; e >= 0 && M->key[4 * e] == key[0]; e--)
		if (memcmp(M->key + 4 * e, key, sizeof(key)) == 0)
		{
			memcpy(gamma, M->gamma + (size_t) e * M->k, M->k * sizeof(double));
			*bad = M->bad[e];
			for (i = 0; i < S->m; i++)
			{
				double		eta = Dot(S->X + (size_t) i * S->k, gamma, S->k);

				S->p[i] = Expit(eta);
			}
			return (scomm_status) M->status[e];
		}
	/* start from the last fit of this cohort's units (warm start), if any */
	for (i = 0; i < S->k; i++)
		gamma[i] = NAN;
	for (e = M != NULL ? M->n - 1 : -1; e >= 0 && M->key[4 * e] == key[0]; e--)
		if (M->key[4 * e + 3] == key[3] && M->status[e] == SCOMM_OK)
		{
			memcpy(gamma, M->gamma + (size_t) e * M->k, M->k * sizeof(double));
			break;
		}
	st = did_logit(S->X, S->D, w, S->m, S->k, gamma, S->p, S->A, S->v2, S->v3,
				   S->work, bad);
	if (M != NULL && M->n < M->cap)
	{
		e = M->n++;
		memcpy(M->key + 4 * e, key, sizeof(key));
		memcpy(M->gamma + (size_t) e * M->k, gamma, M->k * sizeof(double));
		M->status[e] = st;
		M->bad[e] = *bad;
	}
	return st;
}

/* Weighted logit of the sample; statuses as did_logit, *bad the observation. */
static scomm_status
FitPscore(Sample *S, double *gamma, int *bad)
{
	scomm_status st;
	int			i;

	if (S->pfit_valid)
	{
		/* S->p and S->v1 hold this very fit (PreliminaryChecks) */
		memcpy(gamma, S->v1, S->k * sizeof(double));
		st = (scomm_status) S->pfit_status;
		*bad = S->pfit_bad;
	}
	else
		st = Logit(S, S->w, 1, gamma, bad);

	for (i = 0; i < S->m; i++)
		if (S->p[i] > PS_CAP)
			S->p[i] = PS_CAP;
	return st;
}

/* Hessian of the logit times a vector: out = m (X'WX)^-1 v, W = ps(1-ps)w */
static int
PscoreSolve(Sample *S, const double *v, double *out)
{
	int			i,
				j;

	for (i = 0; i < S->m; i++)
		S->r[i] = S->p[i] * (1.0 - S->p[i]) * S->w[i];
	if (!SolveGram(S, S->r, v, out))
		return 0;
	/* Gram divides by m: (X'WX / m)^-1 v = m (X'WX)^-1 v, as DRDID's n * H */
	(void) j;
	return 1;
}

/* ---- panel estimators -------------------------------------------------- */

/* One panel cell: parameters into par, the estimate into c->att. */
static scomm_did_cell_status
EstimatePanel(const scomm_did_attgt *a, Sample *S, double *par, double *att,
			  int *bad)
{
	int			k = S->k,
				m = S->m,
				i,
				j,
				method = a->opt.method;
	double	   *gamma = par,
			   *beta = par + k,
			   *va = par + 2 * k,
			   *vb = par + 3 * k,
			   *vc = par + 4 * k,
			   *sc = SC(par, k);
	double	   *M1 = S->v4,
			   *M3 = S->v5,
			   *M2 = S->v6,
			   *H = S->C;
	double		st_t = 0,
				st_c = 0,
				sw_t = 0,
				sw_c = 0;
	scomm_status st;

	*bad = -1;
	if (method != SCOMM_DID_METHOD_REG)
	{
		st = FitPscore(S, gamma, bad);
		if (st == SCOMM_ENOCONV)
			return *bad >= 0 && S->p[*bad] > 0.5 ? SCOMM_DID_CELL_OVERLAP : CELL_SEPARATED;
		if (st != SCOMM_OK)
			return SCOMM_DID_CELL_SINGULAR;
	}
	/* the outcome regression; S->A keeps the factor of X'WX over controls */
	if (method != SCOMM_DID_METHOD_IPW)
	{
		for (i = 0; i < m; i++)
			S->use[i] = S->D[i] < 0.5;
		if (did_wls(S->X, S->y, S->w, S->use, m, k, beta, S->A, S->work) != SCOMM_OK)
			return SCOMM_DID_CELL_SINGULAR;
	}

	/*
	 * One pass for everything DRDID computes after the fits: the weight
	 * sums and weighted residual sums (the two means), M1 = sum w_t x, M3 =
	 * sum w_c x, sum w_c res x (for M2 = colMeans(w_c (res - eta_c) x)) and
	 * the logit's information X'diag(w ps (1 - ps))X at the capped scores.
	 */
	memset(M1, 0, k * sizeof(double));
	memset(M3, 0, k * sizeof(double));
	memset(M2, 0, k * sizeof(double));
	memset(H, 0, (size_t) k * k * sizeof(double));
	for (i = 0; i < m; i++)
	{
		const double *x = S->X + (size_t) i * k;
		double		w = S->w[i],
					D = S->D[i],
					wti,
					wci,
					res;

		if (method == SCOMM_DID_METHOD_REG)
		{
			wti = wci = w * D;
			st_t += wti * S->y[i];
			st_c += wci * Dot(x, beta, k);
			sw_t += wti;
			if (wti != 0.0)
				for (j = 0; j < k; j++)
					M1[j] += wti * x[j];
			continue;
		}
		else
		{
			double		ps = S->p[i],
						trim = D > 0.5 ? 1.0 : (ps < TRIM_LEVEL ? 1.0 : 0.0),
						hw = w * ps * (1.0 - ps);
			int			b;

			res = method == SCOMM_DID_METHOD_DR ? S->y[i] - Dot(x, beta, k) : S->y[i];
			wti = trim * w * D;
			wci = trim * w * ps * (1.0 - D) / (1.0 - ps);
			for (j = 0; j < k; j++)
			{
				M1[j] += wti * x[j];
				M3[j] += wci * x[j];
				M2[j] += wci * res * x[j];
				for (b = 0; b <= j; b++)
					H[j * k + b] += hw * x[j] * x[b];
			}
		}
		st_t += wti * res;
		st_c += wci * res;
		sw_t += wti;
		sw_c += wci;
	}
	if (method == SCOMM_DID_METHOD_REG)
		sw_c = sw_t;
	sc[P_MW_T] = sw_t / m;
	sc[P_MW_C] = sw_c / m;
	if (!(sw_t > 0) || !(sw_c > 0))
		return SCOMM_DID_CELL_TRIMMED;
	sc[P_ETA_T] = st_t / sw_t;
	sc[P_ETA_C] = st_c / sw_c;
	*att = sc[P_ETA_T] - sc[P_ETA_C];

	/*
	 * The estimation effects.  With XpX = X'WX / m over controls and M1 its
	 * column means, XpX^-1 M1 = (X'WX)^-1 sum w_t x; with Hessian.ps = m
	 * (X'diag(w ps (1 - ps))X)^-1, Hessian.ps M2 = H^-1 sum w_c (res -
	 * eta_c) x: the sums need no division by m.
	 */
	if (method != SCOMM_DID_METHOD_IPW)
	{
		memcpy(va, M1, k * sizeof(double));
		did_chol_solve(S->A, k, va);
	}
	if (method == SCOMM_DID_METHOD_REG)
		return SCOMM_DID_CELL_OK;
	for (j = 0; j < k; j++)
	{
		int			b;

		M2[j] -= sc[P_ETA_C] * M3[j];
		for (b = j + 1; b < k; b++)
			H[j * k + b] = H[b * k + j];
	}
	if (!did_chol_factor(H, k, S->work))
		return SCOMM_DID_CELL_SINGULAR;
	memcpy(vb, M2, k * sizeof(double));
	did_chol_solve(H, k, vb);
	if (method == SCOMM_DID_METHOD_IPW)
		return SCOMM_DID_CELL_OK;
	memcpy(vc, M3, k * sizeof(double));
	did_chol_solve(S->A, k, vc);
	return SCOMM_DID_CELL_OK;
}

static double PanelIFps(const double *par, int k, int method, double D,
						double dy, const double *x, double w, double ps);

/* DRDID's influence function of one panel observation (before n / n1). */
static double
PanelIF(const double *par, int k, int method, double D, double dy,
		const double *x, double w)
{
	return PanelIFps(par, k, method, D, dy, x, w,
					 method == SCOMM_DID_METHOD_REG ? 0.0 : Pscore(x, par, k));
}

/* The same with the observation's (capped) propensity score given. */
static double
PanelIFps(const double *par, int k, int method, double D, double dy,
		  const double *x, double w, double ps)
{
	const double *beta = par + k,
			   *va = par + 2 * k,
			   *vb = par + 3 * k,
			   *vc = par + 4 * k,
			   *sc = SC(par, k);

	if (method == SCOMM_DID_METHOD_REG)
	{
		double		out = Dot(x, beta, k),
					wt = w * D,
					it = wt * (dy - sc[P_ETA_T]) / sc[P_MW_T],
					ic = (wt * (out - sc[P_ETA_C]) +
						  w * (1.0 - D) * (dy - out) * Dot(x, va, k)) / sc[P_MW_C];

		return it - ic;
	}
	else
	{
		double		trim = D > 0.5 ? 1.0 : (ps < TRIM_LEVEL ? 1.0 : 0.0),
					wt = trim * w * D,
					wc = trim * w * ps * (1.0 - D) / (1.0 - ps),
					psterm = w * (D - ps) * Dot(x, vb, k);

		if (method == SCOMM_DID_METHOD_IPW)
			return wt * (dy - sc[P_ETA_T]) / sc[P_MW_T] -
				(wc * (dy - sc[P_ETA_C]) + psterm) / sc[P_MW_C];
		{
			double		r = dy - Dot(x, beta, k),
						ols = w * (1.0 - D) * r;

			return (wt * (r - sc[P_ETA_T]) - ols * Dot(x, va, k)) / sc[P_MW_T] -
				(wc * (r - sc[P_ETA_C]) + psterm - ols * Dot(x, vc, k)) / sc[P_MW_C];
		}
	}
}

/* ---- repeated cross-section estimators --------------------------------- */

/* The weights of an rc observation (DRDID's names). */
typedef struct RcWeights
{
	double		tp,
				tq,
				cp,
				cq,
				d,
				dt1,
				dt0;
} RcWeights;

static inline void
RcWeightsOf(double w, double D, double post, double ps, int trimmed,
			RcWeights *o)
{
	double		trim = !trimmed ? 1.0 : D > 0.5 ? 1.0 : (ps < TRIM_LEVEL ? 1.0 : 0.0);
	double		odds = ps / (1.0 - ps);

	o->tp = trim * w * D * (1.0 - post);
	o->tq = trim * w * D * post;
	o->cp = trim * w * odds * (1.0 - D) * (1.0 - post);
	o->cq = trim * w * odds * (1.0 - D) * post;
	o->d = trim * w * D;
	o->dt1 = trim * w * D * post;
	o->dt0 = trim * w * D * (1.0 - post);
}

/* Outcome regression of the sample's rows with (D, post) = (d, q). */
static int
RcRegression(Sample *S, double d, double q, double *beta)
{
	int			i;

	for (i = 0; i < S->m; i++)
		S->use[i] = (S->D[i] > 0.5) == (d > 0.5) && (S->post[i] > 0.5) == (q > 0.5);
	return did_wls(S->X, S->y, S->w, S->use, S->m, S->k, beta, S->A, S->work) == SCOMM_OK;
}

/* v_out = (XpX_{d,q})^-1 v over the rows with (D, post) = (d, q) */
static int
RcSolve(Sample *S, double d, double q, const double *v, double *out)
{
	int			i;

	for (i = 0; i < S->m; i++)
		S->r[i] = ((S->D[i] > 0.5) == (d > 0.5) && (S->post[i] > 0.5) == (q > 0.5)) ?
			S->w[i] : 0.0;
	return SolveGram(S, S->r, v, out);
}

/* One rc cell (drdid_rc, std_ipw_did_rc, reg_did_rc). */
static scomm_did_cell_status
EstimateRc(const scomm_did_attgt *a, Sample *S, double *par, double *att,
		   int *bad)
{
	int			k = S->k,
				m = S->m,
				i,
				j,
				method = a->opt.method;
	double	   *gamma = par,
			   *bc0 = par + k,
			   *bc1 = par + 2 * k,
			   *bt0 = par + 3 * k,
			   *bt1 = par + 4 * k,
			   *v_post = par + 5 * k,
			   *v_pre = par + 6 * k,
			   *v_post_t = par + 7 * k,
			   *v_pre_t = par + 8 * k,
			   *v_ps = par + 9 * k,
			   *sc = SC(par, k);
	double		s[16];
	scomm_status st;

	*bad = -1;
	memset(s, 0, sizeof(s));
	if (method != SCOMM_DID_METHOD_REG)
	{
		st = FitPscore(S, gamma, bad);
		if (st == SCOMM_ENOCONV)
			return *bad >= 0 && S->p[*bad] > 0.5 ? SCOMM_DID_CELL_OVERLAP : CELL_SEPARATED;
		if (st != SCOMM_OK)
			return SCOMM_DID_CELL_SINGULAR;
	}
	if (method != SCOMM_DID_METHOD_IPW &&
		(!RcRegression(S, 0, 0, bc0) || !RcRegression(S, 0, 1, bc1)))
		return SCOMM_DID_CELL_SINGULAR;
	if (method == SCOMM_DID_METHOD_DR &&
		(!RcRegression(S, 1, 0, bt0) || !RcRegression(S, 1, 1, bt1)))
		return SCOMM_DID_CELL_SINGULAR;

	if (method == SCOMM_DID_METHOD_REG)
	{
		double		stp = 0,
					stq = 0,
					sc_ = 0,
					wtp = 0,
					wtq = 0,
					wc = 0;

		for (i = 0; i < m; i++)
		{
			const double *x = S->X + (size_t) i * k;
			double		w = S->w[i],
						D = S->D[i],
						q = S->post[i];

			wtp += w * D * (1 - q);
			wtq += w * D * q;
			wc += w * D;
			stp += w * D * (1 - q) * S->y[i];
			stq += w * D * q * S->y[i];
			sc_ += w * D * (Dot(x, bc1, k) - Dot(x, bc0, k));
		}
		if (!(wtp > 0) || !(wtq > 0))
			return SCOMM_DID_CELL_NO_CONTROL;
		sc[R_M_TP] = wtp / m;
		sc[R_M_TQ] = wtq / m;
		sc[R_M_D] = wc / m;
		sc[R_A_TP] = stp / wtp;
		sc[R_A_TQ] = stq / wtq;
		sc[R_A_D1] = sc_ / wc;
		*att = (sc[R_A_TQ] - sc[R_A_TP]) - sc[R_A_D1];
		/* M1 = colMeans(w D x); v_post = -XpXpost^-1 M1 / m_c, v_pre = + */
		for (i = 0; i < m; i++)
			S->r[i] = S->w[i] * S->D[i];
		ColMeans(S, S->r, S->v4);
		if (!RcSolve(S, 0, 1, S->v4, v_post) || !RcSolve(S, 0, 0, S->v4, v_pre))
			return SCOMM_DID_CELL_SINGULAR;
		for (j = 0; j < k; j++)
		{
			v_post[j] /= -sc[R_M_D];
			v_pre[j] /= sc[R_M_D];
		}
		return SCOMM_DID_CELL_OK;
	}

	/* weighted sums of the components (drdid_rc's eta and att terms) */
	for (i = 0; i < m; i++)
	{
		const double *x = S->X + (size_t) i * k;
		RcWeights	o;
		double		y = S->y[i],
					q = S->post[i],
					oc = 0,
					dpost = 0,
					dpre = 0;

		RcWeightsOf(S->w[i], S->D[i], q, S->p[i], 1, &o);
		if (method == SCOMM_DID_METHOD_DR)
		{
			double		oc0 = Dot(x, bc0, k),
						oc1 = Dot(x, bc1, k);

			oc = q > 0.5 ? oc1 : oc0;
			dpost = Dot(x, bt1, k) - oc1;
			dpre = Dot(x, bt0, k) - oc0;
		}
		s[R_M_TP] += o.tp;
		s[R_M_TQ] += o.tq;
		s[R_M_CP] += o.cp;
		s[R_M_CQ] += o.cq;
		s[R_M_D] += o.d;
		s[R_M_DT1] += o.dt1;
		s[R_M_DT0] += o.dt0;
		s[R_A_TP] += o.tp * (y - oc);
		s[R_A_TQ] += o.tq * (y - oc);
		s[R_A_CP] += o.cp * (y - oc);
		s[R_A_CQ] += o.cq * (y - oc);
		s[R_A_D1] += o.d * dpost;
		s[R_A_DT1] += o.dt1 * dpost;
		s[R_A_D0] += o.d * dpre;
		s[R_A_DT0] += o.dt0 * dpre;
	}
	if (!(s[R_M_TP] > 0) || !(s[R_M_TQ] > 0))
		return SCOMM_DID_CELL_NO_CONTROL;
	if (!(s[R_M_CP] > 0) || !(s[R_M_CQ] > 0))
		return SCOMM_DID_CELL_TRIMMED;
	for (j = R_A_TP; j <= R_A_DT0; j++)
	{
		static const int den[] = {R_M_TP, R_M_TQ, R_M_CP, R_M_CQ, R_M_D, R_M_DT1, R_M_D, R_M_DT0};

		sc[j] = s[j] / s[den[j - R_A_TP]];
	}
	for (j = R_M_TP; j <= R_M_DT0; j++)
		sc[j] = s[j] / m;
	*att = (sc[R_A_TQ] - sc[R_A_TP]) - (sc[R_A_CQ] - sc[R_A_CP]);
	if (method == SCOMM_DID_METHOD_DR)
		*att += (sc[R_A_D1] - sc[R_A_DT1]) - (sc[R_A_D0] - sc[R_A_DT0]);

	/* M2.post - M2.pre -> v_ps = -n H (M2.post - M2.pre) */
	for (i = 0; i < m; i++)
	{
		const double *x = S->X + (size_t) i * k;
		RcWeights	o;
		double		q = S->post[i],
					oc = 0;

		RcWeightsOf(S->w[i], S->D[i], q, S->p[i], 1, &o);
		if (method == SCOMM_DID_METHOD_DR)
			oc = q > 0.5 ? Dot(x, bc1, k) : Dot(x, bc0, k);
		S->r[i] = o.cq * (S->y[i] - oc - sc[R_A_CQ]) / sc[R_M_CQ] -
			o.cp * (S->y[i] - oc - sc[R_A_CP]) / sc[R_M_CP];
	}
	ColMeans(S, S->r, S->v4);
	if (!PscoreSolve(S, S->v4, v_ps))
		return SCOMM_DID_CELL_SINGULAR;
	for (j = 0; j < k; j++)
		v_ps[j] = -v_ps[j];
	if (method == SCOMM_DID_METHOD_IPW)
		return SCOMM_DID_CELL_OK;

	/*
	 * DR: M1.post = -colMeans(w_tq x)/m_tq, M3.post = -colMeans(w_cq x)/m_cq,
	 * mom.post = colMeans((w_d/m_d - w_dt1/m_dt1) x), and the pre versions.
	 */
	{
		double	   *Mpost = S->v4,
				   *Mpre = S->v5,
				   *mom_post = S->v6,
				   *mom_pre = S->v1;

		for (i = 0; i < m; i++)
		{
			RcWeights	o;

			RcWeightsOf(S->w[i], S->D[i], S->post[i], S->p[i], 1, &o);
			S->r[i] = -o.tq / sc[R_M_TQ] + o.cq / sc[R_M_CQ] -
				(o.d / sc[R_M_D] - o.dt1 / sc[R_M_DT1]);
		}
		ColMeans(S, S->r, Mpost);
		for (i = 0; i < m; i++)
		{
			RcWeights	o;

			RcWeightsOf(S->w[i], S->D[i], S->post[i], S->p[i], 1, &o);
			S->r[i] = -o.tp / sc[R_M_TP] + o.cp / sc[R_M_CP] +
				(o.d / sc[R_M_D] - o.dt0 / sc[R_M_DT0]);
		}
		ColMeans(S, S->r, Mpre);
		for (i = 0; i < m; i++)
		{
			RcWeights	o;

			RcWeightsOf(S->w[i], S->D[i], S->post[i], S->p[i], 1, &o);
			S->r[i] = o.d / sc[R_M_D] - o.dt1 / sc[R_M_DT1];
		}
		ColMeans(S, S->r, mom_post);
		for (i = 0; i < m; i++)
		{
			RcWeights	o;

			RcWeightsOf(S->w[i], S->D[i], S->post[i], S->p[i], 1, &o);
			S->r[i] = o.d / sc[R_M_D] - o.dt0 / sc[R_M_DT0];
		}
		ColMeans(S, S->r, mom_pre);
		if (!RcSolve(S, 0, 1, Mpost, v_post) || !RcSolve(S, 0, 0, Mpre, v_pre) ||
			!RcSolve(S, 1, 1, mom_post, v_post_t) || !RcSolve(S, 1, 0, mom_pre, v_pre_t))
			return SCOMM_DID_CELL_SINGULAR;
		for (j = 0; j < k; j++)
			v_pre_t[j] = -v_pre_t[j];
	}
	return SCOMM_DID_CELL_OK;
}

/* DRDID's influence function of one rc observation (before n / n1). */
static double
RcIF(const double *par, int k, int method, double D, double q, double y,
	 const double *x, double w)
{
	const double *gamma = par,
			   *bc0 = par + k,
			   *bc1 = par + 2 * k,
			   *bt0 = par + 3 * k,
			   *bt1 = par + 4 * k,
			   *v_post = par + 5 * k,
			   *v_pre = par + 6 * k,
			   *v_post_t = par + 7 * k,
			   *v_pre_t = par + 8 * k,
			   *v_ps = par + 9 * k,
			   *sc = SC(par, k);

	if (method == SCOMM_DID_METHOD_REG)
	{
		double		oc0 = Dot(x, bc0, k),
					oc1 = Dot(x, bc1, k),
					wtp = w * D * (1 - q),
					wtq = w * D * q,
					wc = w * D,
					v;

		v = wtq * (y - sc[R_A_TQ]) / sc[R_M_TQ] - wtp * (y - sc[R_A_TP]) / sc[R_M_TP] -
			wc * (oc1 - oc0 - sc[R_A_D1]) / sc[R_M_D];
		if (D < 0.5)
			v += q > 0.5 ? w * (y - oc1) * Dot(x, v_post, k) : w * (y - oc0) * Dot(x, v_pre, k);
		return v;
	}
	else
	{
		double		ps = Pscore(x, gamma, k),
					oc0 = 0,
					oc1 = 0,
					oc,
					v;
		RcWeights	o;

		RcWeightsOf(w, D, q, ps, 1, &o);
		if (method == SCOMM_DID_METHOD_DR)
		{
			oc0 = Dot(x, bc0, k);
			oc1 = Dot(x, bc1, k);
		}
		oc = q > 0.5 ? oc1 : oc0;
		v = o.tq * (y - oc - sc[R_A_TQ]) / sc[R_M_TQ] - o.tp * (y - oc - sc[R_A_TP]) / sc[R_M_TP] -
			(o.cq * (y - oc - sc[R_A_CQ]) / sc[R_M_CQ] - o.cp * (y - oc - sc[R_A_CP]) / sc[R_M_CP]) +
			w * (D - ps) * Dot(x, v_ps, k);
		if (method == SCOMM_DID_METHOD_IPW)
			return v;
		{
			double		ot0 = Dot(x, bt0, k),
						ot1 = Dot(x, bt1, k);

			v += o.d * (ot1 - oc1 - sc[R_A_D1]) / sc[R_M_D] -
				o.dt1 * (ot1 - oc1 - sc[R_A_DT1]) / sc[R_M_DT1] -
				o.d * (ot0 - oc0 - sc[R_A_D0]) / sc[R_M_D] +
				o.dt0 * (ot0 - oc0 - sc[R_A_DT0]) / sc[R_M_DT0];
			if (D < 0.5)
				v += q > 0.5 ? w * (y - oc1) * Dot(x, v_post, k) : w * (y - oc0) * Dot(x, v_pre, k);
			else
				v += q > 0.5 ? w * (y - ot1) * Dot(x, v_post_t, k) : w * (y - ot0) * Dot(x, v_pre_t, k);
			return v;
		}
	}
}

/* ---- the cells ---------------------------------------------------------- */

static void
SampleFree(Sample *S)
{
	scomm_core_free(S->X);
	scomm_core_free(S->D);
	scomm_core_free(S->y);
	scomm_core_free(S->post);
	scomm_core_free(S->w);
	scomm_core_free(S->ones);
	scomm_core_free(S->p);
	scomm_core_free(S->r);
	scomm_core_free(S->unit);
	scomm_core_free(S->use);
	scomm_core_free(S->A);
}

/* Scratch for samples of up to mmax observations with k columns. */
static int
SampleInit(Sample *S, int mmax, int k)
{
	int			i;

	memset(S, 0, sizeof(*S));
	S->k = k;
	S->X = scomm_core_alloc((size_t) mmax * k * sizeof(double));
	S->D = scomm_core_alloc(mmax * sizeof(double));
	S->y = scomm_core_alloc(mmax * sizeof(double));
	S->post = scomm_core_alloc(mmax * sizeof(double));
	S->w = scomm_core_alloc(mmax * sizeof(double));
	S->ones = scomm_core_alloc(mmax * sizeof(double));
	S->p = scomm_core_alloc((mmax > k ? mmax : k) * sizeof(double));
	S->r = scomm_core_alloc(mmax * sizeof(double));
	S->unit = scomm_core_alloc(mmax * sizeof(int));
	S->use = scomm_core_alloc(mmax);
	S->A = scomm_core_alloc((4 * k * k + 9 * k) * sizeof(double));
	if (!S->X || !S->D || !S->y || !S->post || !S->w || !S->ones || !S->p ||
		!S->r || !S->unit || !S->use || !S->A)
		return 0;
	S->B = S->A + k * k;
	S->C = S->B + k * k;
	S->E = S->C + k * k;
	S->v1 = S->E + k * k;
	S->v2 = S->v1 + k;
	S->v3 = S->v2 + k;
	S->v4 = S->v3 + k;
	S->v5 = S->v4 + k;
	S->v6 = S->v5 + k;
	S->work = S->v6 + k;
	for (i = 0; i < mmax; i++)
		S->ones[i] = 1.0;
	return 1;
}

/* Count the sample's treated and control units (rows of a unit adjacent). */
static void
CountUnits(const Sample *S, scomm_did_cell *c)
{
	int			i;

	c->n_treated = c->n_control = 0;
	for (i = 0; i < S->m; i++)
		if (i == 0 || S->unit[i] != S->unit[i - 1])
		{
			if (S->D[i] > 0.5)
				c->n_treated++;
			else
				c->n_control++;
		}
}

/* the rc path's check: treated and control rows in both periods */
static int
RcHasBothPeriods(const Sample *S)
{
	int			seen = 0,
				i;

	for (i = 0; i < S->m; i++)
		seen |= 1 << ((S->D[i] > 0.5 ? 2 : 0) + (S->post[i] > 0.5 ? 1 : 0));
	return seen == 15;
}

/*
 * The cell's standard error and interval from its sample: the observations'
 * influence functions (summed by unit, then by cluster when clustering),
 * sqrt(sum of squares) / n, as scomm_did_se_of_if on the full vector.
 * csum (n_clusters) is scratch.
 */
static void
CellSE(const scomm_did_attgt *a, scomm_did_cell *c, const Sample *S,
	   const double *par, double *csum)
{
	int			k = S->k,
				rc = a->kind == SCOMM_DID_KIND_RC,
				cluster = a->opt.se_level == SCOMM_DID_SE_CLUSTER && a->cl != NULL,
				i;
	double		ss = 0.0,
				unit_if = 0.0,
				z = did_zcrit(a->opt.alpha);

	if (cluster)
		memset(csum, 0, a->n_clusters * sizeof(double));
	for (i = 0; i < S->m; i++)
	{
		const double *x = S->X + (size_t) i * k;
		double		v = rc ? RcIF(par, k, a->opt.method, S->D[i], S->post[i], S->y[i], x, S->w[i]) :
			PanelIFps(par, k, a->opt.method, S->D[i], S->y[i], x, S->w[i], S->p[i]);

		unit_if += c->if_scale * v;
		if (i + 1 < S->m && S->unit[i + 1] == S->unit[i])
			continue;			/* the unit's other row follows */
		if (cluster)
			csum[a->cl[S->unit[i]]] += unit_if;
		else
			ss += unit_if * unit_if;
		unit_if = 0.0;
	}
	if (cluster)
		for (i = 0; i < a->n_clusters; i++)
			ss += csum[i] * csum[i];
	c->se = sqrt(ss) / a->n;
	if (!(c->se > DID_SE_ZERO))
		c->se = NAN;
	c->ci_lo = c->att - z * c->se;
	c->ci_hi = c->att + z * c->se;
}

/* Write the separation error into diag. */
static void
SeparationDiag(const scomm_did_attgt *a, const scomm_did_cell *c,
			   const Sample *S, int bad, scomm_did_diag *diag)
{
	int64_t		unit = bad >= 0 ? a->unit_id[S->unit[bad]] : 0;

	if (diag == NULL)
		return;
	diag->code = SCOMM_DID_ERR_SEPARATION;
	diag->unit = unit;
	diag->period = c->period;
	snprintf(diag->message, sizeof(diag->message),
			 "the propensity score of cohort %d in period %d separates treated and control units "
			 "(unit %lld has a fitted probability of %s)",
			 (int) c->group, (int) c->period, (long long) unit,
			 bad >= 0 && S->p[bad] > 0.5 ? "1" : "0");
}

/* Are every unit's covariates the same in all its observed periods? */
static int
TimeInvariant(const scomm_did_attgt *a)
{
	int			T = a->n_periods,
				q = a->n_cov,
				i,
				t;

	for (i = 0; i < a->n; i++)
	{
		const double *first = NULL;

		for (t = 0; t < T; t++)
		{
			const double *x = a->x + ((size_t) i * T + t) * q;

			if (isnan(a->y[(size_t) i * T + t]))
				continue;
			if (first == NULL)
				first = x;
			else if (memcmp(first, x, q * sizeof(double)) != 0)
				return 0;
		}
	}
	return 1;
}

static void
MemoFree(LogitMemo *M)
{
	scomm_core_free(M->key);
	scomm_core_free(M->status);
	scomm_core_free(M->bad);
	scomm_core_free(M->gamma);
}

static int
MemoInit(LogitMemo *M, int cap, int k)
{
	memset(M, 0, sizeof(*M));
	M->cap = cap;
	M->k = k;
	M->key = scomm_core_alloc((size_t) 4 * cap * sizeof(int));
	M->status = scomm_core_alloc(cap * sizeof(int));
	M->bad = scomm_core_alloc(cap * sizeof(int));
	M->gamma = scomm_core_alloc((size_t) cap * k * sizeof(double));
	return M->key && M->status && M->bad && M->gamma;
}

scomm_status
did_estimate_cells(scomm_did_attgt *a, scomm_did_diag *diag)
{
	Sample		S;
	LogitMemo	memo;
	int			invariant;
	double	   *csum;
	int			k = 1 + a->n_cov,
				stride = DID_CELLPAR_STRIDE(k),
				rc = a->kind == SCOMM_DID_KIND_RC,
				kk;
	scomm_status st = SCOMM_OK;

	a->n_cellpar = (size_t) a->n_cells * stride;
	a->cellpar = scomm_core_alloc((a->n_cellpar + 1) * sizeof(double));
	csum = scomm_core_alloc((a->n_clusters + 1) * sizeof(double));
	if (a->cellpar == NULL || !SampleInit(&S, rc ? 2 * a->n : a->n, k) ||
		!MemoInit(&memo, 2 * a->n_cells + 2, k) || csum == NULL)
	{
		SampleFree(&S);
		MemoFree(&memo);
		scomm_core_free(csum);
		return SCOMM_ENOMEM;
	}
	S.memo = rc ? NULL : &memo;
	invariant = !rc && TimeInvariant(a);
	for (kk = 0; kk < a->n_cells && st == SCOMM_OK; kk++)
	{
		scomm_did_cell *c = &a->cells[kk];
		double	   *par = a->cellpar + (size_t) kk * stride;
		double		att = NAN;
		int			bad = -1;

		if (scomm_core_interrupted())
		{
			st = SCOMM_CANCELLED;
			break;
		}
		c->par = kk * stride;
		if (c->status == SCOMM_DID_CELL_REFERENCE)
			continue;
		c->att = c->se = c->ci_lo = c->ci_hi = NAN;
		if (c->n_treated == 0 || c->n_control == 0)
		{
			c->status = SCOMM_DID_CELL_NO_CONTROL;
			continue;
		}
		if (rc)
			RcSample(a, c, &S);
		else
			PanelSample(a, c, &S);
		S.key_treat = c->treat_lo;
		S.key_ctrl = c->ctrl_lo;
		S.key_base = invariant ? -1 : c->b_idx;
		S.pfit_valid = 0;
		c->n1 = S.m;
		c->if_scale = (double) a->n / S.m;
		CountUnits(&S, c);
		if (rc)
		{
			if (!RcHasBothPeriods(&S))
			{
				c->status = SCOMM_DID_CELL_NO_CONTROL;
				continue;
			}
		}
		else if ((c->status = PreliminaryChecks(a, &S, &c->bad_unit)) != SCOMM_DID_CELL_OK)
			continue;
		c->status = rc ? EstimateRc(a, &S, par, &att, &bad) :
			EstimatePanel(a, &S, par, &att, &bad);
		if (c->status == CELL_SEPARATED)
		{
			SeparationDiag(a, c, &S, bad, diag);
			st = SCOMM_EINVAL;
			break;
		}
		if (c->status == SCOMM_DID_CELL_OVERLAP)
			c->bad_unit = bad >= 0 ? a->unit_id[S.unit[bad]] : 0;
		SC(par, k)[rc ? R_WMEAN : 4] = S.wmean;
		if (c->status == SCOMM_DID_CELL_OK)
		{
			c->att = att;
			CellSE(a, c, &S, par, csum);
		}
	}
	SampleFree(&S);
	MemoFree(&memo);
	scomm_core_free(csum);
	return st;
}

/* ifv[i - w0] += wgt * did's IF_i (n / n1 times DRDID's) for units in [w0, w1). */
void
did_cell_add_if_general(const scomm_did_attgt *a, const scomm_did_cell *c,
						double wgt, double *ifv, int w0, int w1)
{
	UnitIter	u;
	int			k = 1 + a->n_cov,
				T = a->n_periods,
				method = a->opt.method,
				rc = a->kind == SCOMM_DID_KIND_RC,
				part,
				i;
	const double *par = a->cellpar + c->par;
	double		x[SCOMM_DID_MAX_COV + 1],
				s = wgt * c->if_scale,
				wmean;

	if (c->status != SCOMM_DID_CELL_OK || wgt == 0.0)
		return;
	/* the sample's mean weight, to normalize as the estimate did */
	wmean = rc ? SC(par, k)[R_WMEAN] : SC(par, k)[4];
	CellUnits(a, c, &u);
	for (part = 0; part < u.parts; part++)
	{
		int			lo = u.lo[part] > w0 ? u.lo[part] : w0,
					hi = u.hi[part] < w1 ? u.hi[part] : w1;
		double		D = part == 0 ? 1.0 : 0.0;

		for (i = lo; i < hi; i++)
		{
			const double *y = a->y + (size_t) i * T;
			double		w = DID_UNIT_WEIGHT(a, i) / wmean,
						v;

			if (!rc)
			{
				CovRow(a, i, c->b_idx, x);
				v = PanelIF(par, k, method, D, y[c->t_idx] - y[c->b_idx], x, w);
			}
			else
			{
				v = 0.0;
				if (!isnan(y[c->b_idx]))
				{
					CovRow(a, i, c->b_idx, x);
					v += RcIF(par, k, method, D, 0.0, y[c->b_idx], x, w);
				}
				if (!isnan(y[c->t_idx]))
				{
					CovRow(a, i, c->t_idx, x);
					v += RcIF(par, k, method, D, 1.0, y[c->t_idx], x, w);
				}
			}
			ifv[i - w0] += s * v;
		}
	}
}

/*
 * Refuse covariates that are constant or linear combinations of each other
 * over all observations used (with the intercept the design of every cell
 * would be singular): Cholesky of their correlation matrix, a pivot below
 * 1e-10 names the covariate.
 */
scomm_status
did_check_covariates(const scomm_did_attgt *a, scomm_did_diag *diag)
{
	int			q = a->n_cov,
				T = a->n_periods,
				i,
				t,
				j,
				l,
				r;
	double	   *mean,
			   *C;
	double		cnt = 0.0;
	scomm_status st = SCOMM_OK;

	if (q == 0)
		return SCOMM_OK;
	mean = scomm_core_alloc((q + (size_t) q * q) * sizeof(double));
	if (mean == NULL)
		return SCOMM_ENOMEM;
	C = mean + q;
	for (i = 0; i < a->n; i++)
		for (t = 0; t < T; t++)
			if (!isnan(a->y[(size_t) i * T + t]))
			{
				const double *x = a->x + ((size_t) i * T + t) * q;

				cnt += 1.0;
				for (j = 0; j < q; j++)
					mean[j] += (x[j] - mean[j]) / cnt;
			}
	for (i = 0; i < a->n; i++)
		for (t = 0; t < T; t++)
			if (!isnan(a->y[(size_t) i * T + t]))
			{
				const double *x = a->x + ((size_t) i * T + t) * q;

				for (j = 0; j < q; j++)
					for (l = 0; l <= j; l++)
						C[j * q + l] += (x[j] - mean[j]) * (x[l] - mean[l]);
			}
	/* in-place Cholesky of the correlation matrix, column by column */
	for (j = 0; j < q && st == SCOMM_OK; j++)
	{
		double		d = C[j * q + j];
		double		scale = d;

		for (r = 0; r < j; r++)
			d -= C[j * q + r] * C[j * q + r];
		if (!(scale > 0) || !(d > 1e-10 * scale))
		{
			if (diag != NULL)
			{
				diag->code = SCOMM_DID_ERR_COLLINEAR;
				diag->unit = 0;
				diag->period = 0;
				snprintf(diag->message, sizeof(diag->message),
						 scale > 0 ?
						 "covariate %d is a linear combination of the covariates before it" :
						 "covariate %d is the same in every row",
						 j + 1);
			}
			st = SCOMM_ESINGULAR;
			break;
		}
		d = sqrt(d);
		C[j * q + j] = d;
		for (i = j + 1; i < q; i++)
		{
			double		v = C[i * q + j];

			for (r = 0; r < j; r++)
				v -= C[i * q + r] * C[j * q + r];
			C[i * q + j] = v / d;
		}
	}
	scomm_core_free(mean);
	return st;
}
