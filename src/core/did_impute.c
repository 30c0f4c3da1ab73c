/*
 * did_impute.c: the imputation estimator of Borusyak, Jaravel & Spiess
 * (2024, "Revisiting Event-Study Designs: Robust and Efficient
 * Estimation"), with unit and period effects and no covariates, and its
 * conservative standard errors (their Theorem 3, as R's didimputation
 * computes them).
 *
 * 1. Fit Y_it = a_i + l_t + e_it on the untreated observations Omega_0:
 *    never-treated units, and treated units before their first treated
 *    period.  A unit's untreated periods are a prefix of length p_i, the
 *    same within a cohort, so eliminating the unit effects leaves a T x T
 *    system S l = r with S_tt' = m_t [t = t'] - sum_c N_c/p_c [t, t' < p_c]
 *    (m_t untreated units in period t); it is singular in one direction
 *    (a + c, l - c) and is solved with l_0 = 0 by a Cholesky factor.
 * 2. Impute Y_it(0) = a_i + l_t for treated observations; tau_it = Y_it -
 *    Y_it(0); an estimand is a weighted sum sum w_it tau_it with equal
 *    weights by event time e = t - g (e >= 0) and overall.
 * 3. Its weights on untreated observations are v_it = -(b_i + b_t) with
 *    (b_unit, b_period) solving the same normal equations for the
 *    right-hand side Z_1'w (unit and period totals of w); b_i is constant
 *    within a cohort.  The variance is sum_i (sum_t v_it eps_it)^2 with
 *    eps the untreated residuals and, on treated observations (v = w),
 *    tau_it minus the mean of tau in its cohort x event-time cell.
 * Memory and time are O(units x periods) per estimand.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

#include "did_robust.h"

typedef struct ImpWork
{
	const scomm_did_panel *p;
	scomm_did_design d;
	int			T;
	int			n;
	int			nc;				/* treated cohorts */
	int		   *pre;			/* per cohort (nc + 1, the controls last): untreated periods */
	int		   *size;			/* nc + 1 */
	double	   *chol;			/* (T-1)^2 Cholesky factor of S without period 0 */
	double	   *lam;			/* T period effects */
	double	   *alpha;			/* n unit effects */
	double	   *res;			/* n x T: residual or effect */
	double	   *cell;			/* nc x T cell means of tau */
	double	   *rhs;			/* T scratch */
	double	   *prefix;			/* T + 1 scratch */
} ImpWork;

static int
CohortOf(const ImpWork *w, int i)
{
	int			c;

	for (c = 0; c < w->nc; c++)
		if (i < w->d.cohort_start[c + 1])
			return c;
	return w->nc;
}

/* S l = r with l_0 = 0 (r has T entries, l gets T) */
static scomm_status
SolveS(ImpWork *w, const double *r, double *l)
{
	int			m = w->T - 1;

	l[0] = 0.0;
	if (m == 0)
		return SCOMM_OK;
	{
		gsl_matrix_view L = gsl_matrix_view_array(w->chol, m, m);
		gsl_vector_const_view b = gsl_vector_const_view_array(r + 1, m);
		gsl_vector_view x = gsl_vector_view_array(l + 1, m);

		return gsl_linalg_cholesky_solve(&L.matrix, &b.vector, &x.vector) == GSL_SUCCESS ?
			SCOMM_OK : SCOMM_ESINGULAR;
	}
}

/* Build and factor S. */
static scomm_status
FactorS(ImpWork *w)
{
	int			T = w->T,
				m = T - 1,
				c,
				t,
				u;

	w->chol = scomm_core_alloc(((size_t) m * m + 1) * sizeof(double));
	if (w->chol == NULL)
		return SCOMM_ENOMEM;
	for (c = 0; c <= w->nc; c++)
	{
		double		f = (double) w->size[c] / w->pre[c];

		for (t = 1; t < w->pre[c]; t++)
		{
			w->chol[(size_t) (t - 1) * m + (t - 1)] += w->size[c];
			for (u = 1; u < w->pre[c]; u++)
				w->chol[(size_t) (t - 1) * m + (u - 1)] -= f;
		}
	}
	if (m == 0)
		return SCOMM_OK;
	{
		gsl_matrix_view L = gsl_matrix_view_array(w->chol, m, m);

		return gsl_linalg_cholesky_decomp1(&L.matrix) == GSL_SUCCESS ? SCOMM_OK : SCOMM_ESINGULAR;
	}
}

static double
Yv(const ImpWork *w, int i, int t)
{
	return w->p->y[(size_t) w->d.row[i] * w->p->n_periods + t];
}

/* Step 1 and 2: effects, residuals, imputed effects and their cell means. */
static scomm_status
Fit(ImpWork *w)
{
	int			T = w->T,
				i,
				t,
				c;
	double	   *ybar = scomm_core_alloc((w->n + 1) * sizeof(double));
	scomm_status st;

	if (ybar == NULL)
		return SCOMM_ENOMEM;
	memset(w->rhs, 0, T * sizeof(double));
	for (i = 0; i < w->n; i++)
	{
		int			pi = w->pre[CohortOf(w, i)];

		for (t = 0; t < pi; t++)
			ybar[i] += Yv(w, i, t) / pi;
		for (t = 0; t < pi; t++)
			w->rhs[t] += Yv(w, i, t) - ybar[i];
	}
	st = SolveS(w, w->rhs, w->lam);
	if (st == SCOMM_OK)
	{
		w->prefix[0] = 0.0;
		for (t = 0; t < T; t++)
			w->prefix[t + 1] = w->prefix[t] + w->lam[t];
		for (i = 0; i < w->n; i++)
		{
			c = CohortOf(w, i);
			w->alpha[i] = ybar[i] - w->prefix[w->pre[c]] / w->pre[c];
			for (t = 0; t < T; t++)
			{
				double		r = Yv(w, i, t) - w->alpha[i] - w->lam[t];

				w->res[(size_t) i * T + t] = r;
				if (c < w->nc && t >= w->pre[c])
					w->cell[(size_t) c * T + t] += r / w->size[c];
			}
		}
	}
	scomm_core_free(ybar);
	return st;
}

/*
 * Standard error of the estimand with weight wc[c] on each treated
 * observation of cohort c in period t when on[c * T + t] (else 0).
 */
static scomm_status
EstimandSe(ImpWork *w, const double *wc, const char *on, double *se)
{
	int			T = w->T,
				i,
				t,
				c;
	double	   *rho = scomm_core_alloc((w->nc + 1) * sizeof(double));
	double	   *bper = scomm_core_alloc(T * sizeof(double));
	double	   *bunit = scomm_core_alloc((w->nc + 1) * sizeof(double));
	double		var = 0.0;
	scomm_status st;

	if (!rho || !bper || !bunit)
	{
		scomm_core_free(rho);
		scomm_core_free(bper);
		scomm_core_free(bunit);
		return SCOMM_ENOMEM;
	}
	/* Z_1'w: unit totals rho (per cohort) and period totals */
	memset(w->rhs, 0, T * sizeof(double));
	for (c = 0; c < w->nc; c++)
		for (t = w->pre[c]; t < T; t++)
			if (on[(size_t) c * T + t])
			{
				rho[c] += wc[c];
				w->rhs[t] += wc[c] * w->size[c];
			}
	/* eliminate the unit block: rhs_t -= sum_c N_c rho_c / p_c [t < p_c] */
	for (c = 0; c < w->nc; c++)
		for (t = 0; t < w->pre[c]; t++)
			w->rhs[t] -= w->size[c] * rho[c] / w->pre[c];
	st = SolveS(w, w->rhs, bper);
	if (st == SCOMM_OK)
	{
		w->prefix[0] = 0.0;
		for (t = 0; t < T; t++)
			w->prefix[t + 1] = w->prefix[t] + bper[t];
		for (c = 0; c <= w->nc; c++)
			bunit[c] = (rho[c] - w->prefix[w->pre[c]]) / w->pre[c];
		for (i = 0; i < w->n; i++)
		{
			const double *ri = w->res + (size_t) i * T;
			double		s = 0.0;

			c = CohortOf(w, i);
			/* untreated: v = -(b_i + b_t) */
			for (t = 0; t < w->pre[c]; t++)
				s -= (bunit[c] + bper[t]) * ri[t];
			/* treated: v = w, centred at the cohort x event-time mean */
			if (c < w->nc)
				for (t = w->pre[c]; t < T; t++)
					if (on[(size_t) c * T + t])
						s += wc[c] * (ri[t] - w->cell[(size_t) c * T + t]);
			var += s * s;
		}
		*se = sqrt(var);
	}
	scomm_core_free(rho);
	scomm_core_free(bper);
	scomm_core_free(bunit);
	return st;
}

void
scomm_did_impute_free(scomm_did_impute *m)
{
	if (m == NULL)
		return;
	scomm_core_free(m->by_e);
	scomm_core_free(m);
}

static void
WorkFree(ImpWork *w)
{
	scomm_core_free(w->pre);
	scomm_core_free(w->size);
	scomm_core_free(w->chol);
	scomm_core_free(w->lam);
	scomm_core_free(w->alpha);
	scomm_core_free(w->res);
	scomm_core_free(w->cell);
	scomm_core_free(w->rhs);
	scomm_core_free(w->prefix);
	scomm_did_design_free(&w->d);
}

scomm_status
scomm_did_impute_fit(const scomm_did_panel *p, scomm_did_impute **out, scomm_did_diag *diag)
{
	ImpWork		w;
	scomm_did_impute *m = NULL;
	double	   *wc = NULL;
	char	   *on = NULL;
	int			c,
				t,
				T;
	scomm_status st;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	w.p = p;
	if ((st = scomm_did_design_build(p, &w.d, diag)) != SCOMM_OK)
		return st;
	T = w.T = w.d.n_periods;
	w.n = w.d.n_units;
	w.nc = w.d.n_cohorts;
	w.pre = scomm_core_alloc((w.nc + 1) * sizeof(int));
	w.size = scomm_core_alloc((w.nc + 1) * sizeof(int));
	w.lam = scomm_core_alloc(T * sizeof(double));
	w.alpha = scomm_core_alloc(w.n * sizeof(double));
	w.res = scomm_core_alloc((size_t) w.n * T * sizeof(double));
	w.cell = scomm_core_alloc((size_t) (w.nc + 1) * T * sizeof(double));
	w.rhs = scomm_core_alloc(T * sizeof(double));
	w.prefix = scomm_core_alloc((T + 1) * sizeof(double));
	wc = scomm_core_alloc((w.nc + 1) * sizeof(double));
	on = scomm_core_alloc((size_t) (w.nc + 1) * T);
	m = scomm_core_alloc(sizeof(scomm_did_impute));
	if (m != NULL)
		m->by_e = scomm_core_alloc((2 * T + 1) * sizeof(scomm_did_impute_est));
	if (!w.pre || !w.size || !w.lam || !w.alpha || !w.res || !w.cell || !w.rhs ||
		!w.prefix || !wc || !on || !m || !m->by_e)
		st = SCOMM_ENOMEM;
	if (st == SCOMM_OK)
	{
		for (c = 0; c < w.nc; c++)
		{
			w.pre[c] = w.d.first_idx[c];
			w.size[c] = w.d.cohort_start[c + 1] - w.d.cohort_start[c];
		}
		w.pre[w.nc] = T;
		w.size[w.nc] = w.d.n_control;
		st = FactorS(&w);
	}
	if (st == SCOMM_OK)
		st = Fit(&w);
	if (st == SCOMM_OK)
	{
		int			emax = INT32_MIN,
					e;
		double		tot = 0.0,
					sum = 0.0;

		m->flags = w.d.flags;
		m->n_dropped_always = w.d.n_dropped_always;
		m->control_cohort = w.d.control_cohort;
		m->n_units = w.n;
		for (c = 0; c <= w.nc; c++)
			m->n_untreated_obs += w.size[c] * w.pre[c];
		/* overall: every treated observation, weight 1 / N1 */
		for (c = 0; c < w.nc; c++)
		{
			for (t = w.pre[c]; t < T; t++)
			{
				on[(size_t) c * T + t] = 1;
				tot += w.size[c];
				sum += w.size[c] * w.cell[(size_t) c * T + t];
				if (p->periods[t] - w.d.cohort[c] > emax)
					emax = p->periods[t] - w.d.cohort[c];
			}
		}
		for (c = 0; c < w.nc; c++)
			wc[c] = 1.0 / tot;
		m->overall.event_time = 0;
		m->overall.n_obs = (int) tot;
		m->overall.est = sum / tot;
		st = EstimandSe(&w, wc, on, &m->overall.se);
		/* by event time */
		for (e = 0; st == SCOMM_OK && e <= emax; e++)
		{
			scomm_did_impute_est *est;

			memset(on, 0, (size_t) (w.nc + 1) * T);
			tot = sum = 0.0;
			for (c = 0; c < w.nc; c++)
				for (t = w.pre[c]; t < T; t++)
					if ((int64_t) p->periods[t] - w.d.cohort[c] == e)
					{
						on[(size_t) c * T + t] = 1;
						tot += w.size[c];
						sum += w.size[c] * w.cell[(size_t) c * T + t];
					}
			if (tot == 0)
				continue;
			for (c = 0; c < w.nc; c++)
				wc[c] = 1.0 / tot;
			est = &m->by_e[m->n_e++];
			est->event_time = e;
			est->n_obs = (int) tot;
			est->est = sum / tot;
			st = EstimandSe(&w, wc, on, &est->se);
			if (st == SCOMM_OK && scomm_core_interrupted())
				st = SCOMM_CANCELLED;
		}
	}
	scomm_core_free(wc);
	scomm_core_free(on);
	WorkFree(&w);
	if (st != SCOMM_OK)
		scomm_did_impute_free(m);
	else
		*out = m;
	return st;
}
