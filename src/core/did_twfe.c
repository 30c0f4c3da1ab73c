/*
 * did_twfe.c: two-way fixed-effects regressions on the balanced panel,
 * y_it = a_i + l_t + x_it' b + e_it, with standard errors clustered by unit.
 *
 * The fixed effects are absorbed by the within transformation, exact for a
 * balanced panel: x~_it = x_it - x_i. - x_.t + x_.. (double demeaning).  The
 * regressors are indicators with at most one 1 per observation, so X~'X~ =
 * X'X~ and X~'y~ = X'y~ are accumulated from row, column and grand means
 * without storing X~ (memory O(units x K)).  CR1 variance:
 *   V = (X~'X~)^-1 [sum_i s_i s_i'] (X~'X~)^-1 * G/(G-1) * (N-1)/(N-K),
 * s_i = sum_t x~_it u_it, G = units, N = observations and K = slopes +
 * number of periods: fixest's ssc(fixef.K = "nested") drops the unit
 * effects, nested in the unit clusters, and counts the T period effects.
 * This reproduces the mpdta reference SE to 4e-9 (docs/did_core.md).
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>

#include "did_int.h"

typedef struct TwfeSpec
{
	int			event;			/* 0: static treated x post */
	int			leads;
	int			lags;
	int			k;
} TwfeSpec;

typedef struct TwfeWork
{
	const scomm_did_panel *p;
	TwfeSpec	s;
	double	   *rmean;			/* n x k unit means of x */
	double	   *cmean;			/* T x k period means of x */
	double	   *gmean;			/* k grand means */
	double	   *cnt;			/* k observations with the indicator on */
	double	   *yr;				/* n unit means of y */
	double	   *yc;				/* T period means of y */
	double		yg;
	double	   *xtx;			/* k x k */
	double	   *xty;			/* k */
	double	   *meat;			/* k x k */
	double	   *xrow;			/* k scratch */
	double	   *si;				/* k scratch */
} TwfeWork;

/* Regressor index of observation (unit i, period index t), or -1. */
static int
Regressor(const TwfeWork *w, int i, int t)
{
	int32_t		g = w->p->first_period[i];
	int64_t		e;

	if (g == SCOMM_DID_NEVER)
		return -1;
	e = (int64_t) w->p->periods[t] - g;
	if (!w->s.event)
		return e >= 0 ? 0 : -1;
	if (e < -w->s.leads)
		e = -w->s.leads;
	if (e > w->s.lags)
		e = w->s.lags;
	if (e == -1)
		return -1;
	return e < 0 ? (int) (e + w->s.leads) : (int) (w->s.leads - 1 + e);
}

/* Unit, period and grand means of the regressors and of y. */
static void
Means(TwfeWork *w)
{
	const scomm_did_panel *p = w->p;
	int			n = p->n_units,
				T = p->n_periods,
				k = w->s.k,
				i,
				t,
				j;

	for (i = 0; i < n; i++)
		for (t = 0; t < T; t++)
		{
			double		y = p->y[(size_t) i * T + t];

			if ((j = Regressor(w, i, t)) >= 0)
			{
				w->rmean[(size_t) i * k + j] += 1.0 / T;
				w->cmean[(size_t) t * k + j] += 1.0 / n;
				w->gmean[j] += 1.0 / ((double) n * T);
				w->cnt[j] += 1.0;
			}
			w->yr[i] += y / T;
			w->yc[t] += y / n;
			w->yg += y / ((double) n * T);
		}
}

/* Demeaned regressor row of observation (i, t) into w->xrow. */
static void
DemeanedRow(TwfeWork *w, int i, int t)
{
	int			k = w->s.k,
				j,
				r = Regressor(w, i, t);

	for (j = 0; j < k; j++)
		w->xrow[j] = (r == j) - w->rmean[(size_t) i * k + j] -
			w->cmean[(size_t) t * k + j] + w->gmean[j];
}

/* y~ of observation (i, t) */
static double
DemeanedY(const TwfeWork *w, int i, int t)
{
	return w->p->y[(size_t) i * w->p->n_periods + t] - w->yr[i] - w->yc[t] + w->yg;
}

/* X~'X~ and X~'y~ (using X'X~ = X~'X~ for the sparse indicators). */
static void
CrossProducts(TwfeWork *w)
{
	int			n = w->p->n_units,
				T = w->p->n_periods,
				k = w->s.k,
				i,
				t,
				j,
				r;

	for (i = 0; i < n; i++)
		for (t = 0; t < T; t++)
		{
			if ((r = Regressor(w, i, t)) < 0)
				continue;
			DemeanedRow(w, i, t);
			for (j = 0; j < k; j++)
				w->xtx[(size_t) r * k + j] += w->xrow[j];
			w->xty[r] += DemeanedY(w, i, t);
		}
}

/* Cluster scores s_i = sum_t x~_it u_it and meat = sum_i s_i s_i'. */
static void
Meat(TwfeWork *w, const double *beta)
{
	int			n = w->p->n_units,
				T = w->p->n_periods,
				k = w->s.k,
				i,
				t,
				j,
				l;

	for (i = 0; i < n; i++)
	{
		memset(w->si, 0, k * sizeof(double));
		for (t = 0; t < T; t++)
		{
			double		u = DemeanedY(w, i, t);

			DemeanedRow(w, i, t);
			for (j = 0; j < k; j++)
				u -= w->xrow[j] * beta[j];
			for (j = 0; j < k; j++)
				w->si[j] += w->xrow[j] * u;
		}
		for (j = 0; j < k; j++)
			for (l = 0; l < k; l++)
				w->meat[(size_t) j * k + l] += w->si[j] * w->si[l];
	}
}

/* Smallest squared diagonal entry of a Cholesky factor. */
static double
MinPivot(const double *l, int k)
{
	double		m = INFINITY;
	int			i;

	for (i = 0; i < k; i++)
		if (l[(size_t) i * k + i] * l[(size_t) i * k + i] < m)
			m = l[(size_t) i * k + i] * l[(size_t) i * k + i];
	return m;
}

/*
 * Invert X~'X~ (k x k, in a) in place.  It is first scaled to
 * D^-1/2 A D^-1/2 with D the raw indicator counts, so that a regressor with
 * no variation left after demeaning (rounding noise only) shows as a tiny
 * pivot: ESINGULAR when the scaled matrix is not positive definite, a
 * squared Cholesky pivot (the share of a regressor's raw sum of squares not
 * explained by the fixed effects and the earlier regressors) is below
 * 1e-10, or the reciprocal condition is below 1e-10.
 */
static scomm_status
InvertSpd(double *a, const double *cnt, int k)
{
	gsl_matrix_view A = gsl_matrix_view_array(a, k, k);
	double	   *work = scomm_core_alloc((size_t) 3 * k * sizeof(double));
	gsl_vector_view wv;
	double		rcond = 0.0;
	scomm_status st = SCOMM_ESINGULAR;
	int			i,
				j;

	if (work == NULL)
		return SCOMM_ENOMEM;
	for (i = 0; i < k; i++)
		if (!(cnt[i] > 0))
		{
			scomm_core_free(work);
			return SCOMM_ESINGULAR;
		}
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++)
			a[(size_t) i * k + j] /= sqrt(cnt[i] * cnt[j]);
	wv = gsl_vector_view_array(work, 3 * k);
	if (gsl_linalg_cholesky_decomp1(&A.matrix) == GSL_SUCCESS &&
		MinPivot(a, k) > 1e-10 &&
		gsl_linalg_cholesky_rcond(&A.matrix, &rcond, &wv.vector) == GSL_SUCCESS &&
		rcond > 1e-10 &&
		gsl_linalg_cholesky_invert(&A.matrix) == GSL_SUCCESS)
		st = SCOMM_OK;
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++)
			a[(size_t) i * k + j] /= sqrt(cnt[i] * cnt[j]);
	scomm_core_free(work);
	return st;
}

/* Allocate the work arrays of w; 0 on failure. */
static int
WorkInit(TwfeWork *w, const scomm_did_panel *p, const TwfeSpec *s)
{
	int			k = s->k;

	memset(w, 0, sizeof(*w));
	w->p = p;
	w->s = *s;
	w->rmean = scomm_core_alloc((size_t) p->n_units * k * sizeof(double));
	w->cmean = scomm_core_alloc((size_t) p->n_periods * k * sizeof(double));
	w->gmean = scomm_core_alloc(k * sizeof(double));
	w->cnt = scomm_core_alloc(k * sizeof(double));
	w->yr = scomm_core_alloc(p->n_units * sizeof(double));
	w->yc = scomm_core_alloc(p->n_periods * sizeof(double));
	w->xtx = scomm_core_alloc((size_t) k * k * sizeof(double));
	w->xty = scomm_core_alloc(k * sizeof(double));
	w->meat = scomm_core_alloc((size_t) k * k * sizeof(double));
	w->xrow = scomm_core_alloc(k * sizeof(double));
	w->si = scomm_core_alloc(k * sizeof(double));
	return w->rmean && w->cmean && w->gmean && w->cnt && w->yr && w->yc && w->xtx &&
		w->xty && w->meat && w->xrow && w->si;
}

static void
WorkFree(TwfeWork *w)
{
	scomm_core_free(w->rmean);
	scomm_core_free(w->cmean);
	scomm_core_free(w->gmean);
	scomm_core_free(w->cnt);
	scomm_core_free(w->yr);
	scomm_core_free(w->yc);
	scomm_core_free(w->xtx);
	scomm_core_free(w->xty);
	scomm_core_free(w->meat);
	scomm_core_free(w->xrow);
	scomm_core_free(w->si);
}

void
scomm_did_twfe_free(scomm_did_twfe *t)
{
	if (t == NULL)
		return;
	scomm_core_free(t->event_time);
	scomm_core_free(t->coef);
	scomm_core_free(t->se);
	scomm_core_free(t);
}

/* Coefficients and CR1 standard errors from the inverted X~'X~ in w->xtx. */
static void
Sandwich(TwfeWork *w, scomm_did_twfe *r)
{
	int			k = w->s.k,
				j,
				l,
				m;
	double		G = w->p->n_units,
				N = (double) w->p->n_units * w->p->n_periods;
	double		K = k + w->p->n_periods;	/* see the file comment */
	double		adj = G / (G - 1.0) * (N - 1.0) / (N - K);
	const double *ai = w->xtx;

	for (j = 0; j < k; j++)
	{
		r->coef[j] = 0.0;
		for (l = 0; l < k; l++)
			r->coef[j] += ai[(size_t) j * k + l] * w->xty[l];
	}
	Meat(w, r->coef);
	for (j = 0; j < k; j++)
	{
		double		v = 0.0;

		/* (A^-1 M A^-1)_jj */
		for (l = 0; l < k; l++)
			for (m = 0; m < k; m++)
				v += ai[(size_t) j * k + l] * w->meat[(size_t) l * k + m] *
					ai[(size_t) m * k + j];
		r->se[j] = v > 0 ? sqrt(v * adj) : 0.0;
	}
}

/* Fit the model of spec s. */
static scomm_status
Fit(const scomm_did_panel *p, const TwfeSpec *s, scomm_did_twfe **out)
{
	TwfeWork	w;
	scomm_did_twfe *r;
	scomm_status st = SCOMM_ENOMEM;
	int			j;

	if (p == NULL || out == NULL || p->n_units < 2 || p->n_periods < 2)
		return SCOMM_EINVAL;
	*out = NULL;
	r = scomm_core_alloc(sizeof(scomm_did_twfe));
	if (r != NULL && WorkInit(&w, p, s))
	{
		r->k = s->k;
		r->n_obs = p->n_units * p->n_periods;
		r->n_clusters = p->n_units;
		r->event_time = scomm_core_alloc(s->k * sizeof(int32_t));
		r->coef = scomm_core_alloc(s->k * sizeof(double));
		r->se = scomm_core_alloc(s->k * sizeof(double));
		if (r->event_time && r->coef && r->se)
		{
			for (j = 0; j < s->k; j++)
				r->event_time[j] = !s->event ? 0 :
					j < s->leads - 1 ? j - s->leads : j - s->leads + 1;
			Means(&w);
			CrossProducts(&w);
			st = scomm_core_interrupted() ? SCOMM_CANCELLED : InvertSpd(w.xtx, w.cnt, s->k);
			if (st == SCOMM_OK && (double) r->n_obs <= s->k + p->n_periods)
				st = SCOMM_ESINGULAR;
			if (st == SCOMM_OK)
				Sandwich(&w, r);
		}
	}
	if (r != NULL)
		WorkFree(&w);
	if (st != SCOMM_OK)
		scomm_did_twfe_free(r);
	else
		*out = r;
	return st;
}

scomm_status
scomm_did_twfe_static(const scomm_did_panel *p, scomm_did_twfe **out)
{
	TwfeSpec	s = {0, 0, 0, 1};

	return Fit(p, &s, out);
}

scomm_status
scomm_did_twfe_event(const scomm_did_panel *p, int leads, int lags,
					 scomm_did_twfe **out)
{
	TwfeSpec	s;

	if (leads < 1 || lags < 0 || leads > 10000 || lags > 10000)
		return SCOMM_EINVAL;
	s.event = 1;
	s.leads = leads;
	s.lags = lags;
	s.k = leads + lags;
	return Fit(p, &s, out);
}
