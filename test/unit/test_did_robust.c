/*
 * test_did_robust.c: unit tests of Sun & Abraham, the Goodman-Bacon
 * decomposition and the imputation estimator (src/core/did_sunab.c,
 * did_bacon.c, did_impute.c), each against a computation by another route:
 *   - Sun & Abraham against the explicit regression with unit, period and
 *     cohort x relative-period dummies solved by GSL's least squares, with
 *     the clustered sandwich formed from the full design;
 *   - on mpdta, the coefficients against att_gt's never-treated,
 *     universal-base cells and the overall effect against did 2.5.1's
 *     simple aggregation (data/reference/README.md);
 *   - every 2x2 of the decomposition against a TWFE regression on its
 *     subsample, the weights against Goodman-Bacon's (2021) eq. 10 with
 *     whole-panel treatment shares, the weighted sum against twfe (and the
 *     fixest value on mpdta);
 *   - the imputation estimator on noiseless panels (the true effects),
 *     against the regression with one dummy per treated observation (BJS
 *     2024, Proposition 5), its variance against v computed from the full
 *     design matrices by SVD, and against ATT(g,t) where there is a single
 *     pre-period.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "did_robust.h"
#include "honest.h"
#include "refdata.h"
#include "tap.h"

/* ---- panels ------------------------------------------------------------- */

/* a simulated balanced panel: cohorts[u] per unit, heterogeneous effects */
static scomm_did_panel *
SimPanel(int n, int T, const int32_t *cohort_of, unsigned long seed, double noise,
		 double **truth)
{
	gsl_rng    *r = gsl_rng_alloc(gsl_rng_mt19937);
	scomm_did_collector *c = scomm_did_collector_create();
	scomm_did_panel *p = NULL;
	double	   *lam = malloc(sizeof(double) * (T + 1));
	int			i,
				t;

	gsl_rng_set(r, seed);
	if (truth != NULL)
		*truth = calloc((size_t) n * T, sizeof(double));
	for (t = 1; t <= T; t++)
		lam[t] = 0.3 * t + gsl_ran_gaussian(r, 0.5);
	for (i = 0; i < n; i++)
	{
		int32_t		g = cohort_of[i];
		double		a = gsl_ran_gaussian(r, 1.0);

		for (t = 1; t <= T; t++)
		{
			/* effect grows with e and differs by cohort */
			double		tau = (g != SCOMM_DID_NEVER && t >= g) ?
				1.0 + 0.5 * (t - g) + 0.2 * g : 0.0;

			if (truth != NULL)
				(*truth)[(size_t) i * T + t - 1] = tau;
			scomm_did_collector_add(c, 1000 + i, t, g,
									a + lam[t] + tau + noise * gsl_ran_gaussian(r, 1.0), NULL);
		}
	}
	if (scomm_did_panel_finalize(c, 1, &p, NULL) != SCOMM_OK)
		p = NULL;
	scomm_did_collector_free(c);
	gsl_rng_free(r);
	free(lam);
	return p;
}

static scomm_did_panel *
MpdtaPanel(void)
{
	char		line[512];
	FILE	   *f = RefOpen("did/mpdta.csv");
	scomm_did_collector *c;
	scomm_did_panel *p = NULL;

	if (f == NULL || fgets(line, sizeof(line), f) == NULL)
	{
		RefClose(f);
		return NULL;
	}
	c = scomm_did_collector_create();
	while (fgets(line, sizeof(line), f) != NULL)
	{
		int			year,
					first;
		long long	unit;
		double		lpop,
					y;

		if (sscanf(line, "%d,%lld,%lf,%lf,%d", &year, &unit, &lpop, &y, &first) == 5)
			scomm_did_collector_add(c, unit, year, first == 0 ? SCOMM_DID_NEVER : first, y, NULL);
	}
	RefClose(f);
	if (scomm_did_panel_finalize(c, 1, &p, NULL) != SCOMM_OK)
		p = NULL;
	scomm_did_collector_free(c);
	return p;
}

/* ---- explicit least squares --------------------------------------------- */

/*
 * OLS of y (n) on X (n x k) by SVD: coefficients b, residuals u, and
 * (X'X)^+ in xtxi.  Returns the rank.
 */
static int
Ols(const double *X, const double *y, int n, int k, double *b, double *u, double *xtxi)
{
	gsl_matrix *A = gsl_matrix_alloc(n, k),
			   *V = gsl_matrix_alloc(k, k);
	gsl_vector *S = gsl_vector_alloc(k),
			   *w = gsl_vector_alloc(k);
	int			i,
				j,
				l,
				rank = 0;

	for (i = 0; i < n; i++)
		for (j = 0; j < k; j++)
			gsl_matrix_set(A, i, j, X[(size_t) i * k + j]);
	gsl_linalg_SV_decomp(A, V, S, w);
	for (j = 0; j < k; j++)
		if (gsl_vector_get(S, j) > 1e-9 * gsl_vector_get(S, 0))
			rank++;
	/* b = V S^-1 U'y, (X'X)^+ = V S^-2 V' over the non-zero singular values */
	for (j = 0; j < k; j++)
		b[j] = 0.0;
	for (l = 0; l < rank; l++)
	{
		double		uy = 0.0,
					s = gsl_vector_get(S, l);

		for (i = 0; i < n; i++)
			uy += gsl_matrix_get(A, i, l) * y[i];
		for (j = 0; j < k; j++)
			b[j] += gsl_matrix_get(V, j, l) * uy / s;
	}
	if (xtxi != NULL)
		for (i = 0; i < k; i++)
			for (j = 0; j < k; j++)
			{
				double		v = 0.0;

				for (l = 0; l < rank; l++)
					v += gsl_matrix_get(V, i, l) * gsl_matrix_get(V, j, l) /
						(gsl_vector_get(S, l) * gsl_vector_get(S, l));
				xtxi[(size_t) i * k + j] = v;
			}
	if (u != NULL)
		for (i = 0; i < n; i++)
		{
			double		f = 0.0;

			for (j = 0; j < k; j++)
				f += X[(size_t) i * k + j] * b[j];
			u[i] = y[i] - f;
		}
	gsl_matrix_free(A);
	gsl_matrix_free(V);
	gsl_vector_free(S);
	gsl_vector_free(w);
	return rank;
}

/* ---- Sun & Abraham against the explicit regression ------------------------ */

typedef struct SaDesign
{
	int			ncoef;
	int32_t		cg[400];		/* cohort of coefficient j */
	int32_t		ce[400];		/* relative period */
} SaDesign;

/*
 * Build y ~ unit dummies + period dummies (first left out) + one dummy per
 * (treated cohort, relative period != -1) over the units and periods kept,
 * control = the comparison cohort value (SCOMM_DID_NEVER or the last
 * cohort), periods before tmax_kept only.  Returns the coefficients and
 * the clustered variance of the interaction block.
 */
static void
SaExplicit(const scomm_did_panel *p, int32_t control, int Tk, SaDesign *d,
		   double *coef, double *V, int *G_out)
{
	int			n = p->n_units,
				G = 0,
				i,
				t,
				j,
				l,
				q;
	int32_t		cohorts[64];
	int			nc = 0;
	int		   *keep = calloc(n, sizeof(int));

	/* units: drop always-treated; treated cohorts are those != control */
	for (i = 0; i < n; i++)
	{
		int32_t		g = p->first_period[i];

		if (g != SCOMM_DID_NEVER && g <= p->periods[0])
			continue;
		keep[i] = 1;
		G++;
		if (g != SCOMM_DID_NEVER && g != control && g <= p->periods[Tk - 1])
		{
			for (q = 0; q < nc && cohorts[q] != g; q++)
				;
			if (q == nc)
				cohorts[nc++] = g;
		}
	}
	/* sort cohorts */
	for (q = 0; q < nc; q++)
		for (l = q + 1; l < nc; l++)
			if (cohorts[l] < cohorts[q])
			{
				int32_t		x = cohorts[q];

				cohorts[q] = cohorts[l];
				cohorts[l] = x;
			}
	d->ncoef = 0;
	for (q = 0; q < nc; q++)
		for (t = 0; t < Tk; t++)
			if (p->periods[t] - cohorts[q] != -1)
			{
				d->cg[d->ncoef] = cohorts[q];
				d->ce[d->ncoef++] = p->periods[t] - cohorts[q];
			}
	{
		int			k = G + (Tk - 1) + d->ncoef,
					nobs = G * Tk,
					row = 0,
					unit = 0;
		double	   *X = calloc((size_t) nobs * k, sizeof(double));
		double	   *y = calloc(nobs, sizeof(double));
		double	   *b = calloc(k, sizeof(double));
		double	   *u = calloc(nobs, sizeof(double));
		double	   *xtxi = calloc((size_t) k * k, sizeof(double));
		double	   *meat = calloc((size_t) k * k, sizeof(double));
		double	   *sc = calloc(k, sizeof(double));
		double		K = d->ncoef + Tk,
					adj;

		for (i = 0; i < n; i++)
		{
			if (!keep[i])
				continue;
			for (t = 0; t < Tk; t++, row++)
			{
				double	   *x = X + (size_t) row * k;
				int32_t		g = p->first_period[i];

				x[unit] = 1.0;
				if (t > 0)
					x[G + t - 1] = 1.0;
				for (j = 0; j < d->ncoef; j++)
					if (g == d->cg[j] && p->periods[t] - g == d->ce[j])
						x[G + Tk - 1 + j] = 1.0;
				y[row] = p->y[(size_t) i * p->n_periods + t];
			}
			unit++;
		}
		Ols(X, y, nobs, k, b, u, xtxi);
		/* meat = sum over clusters of s s', s = X_i'u_i */
		for (i = 0; i < G; i++)
		{
			memset(sc, 0, k * sizeof(double));
			for (t = 0; t < Tk; t++)
				for (j = 0; j < k; j++)
					sc[j] += X[(size_t) (i * Tk + t) * k + j] * u[i * Tk + t];
			for (j = 0; j < k; j++)
				for (l = 0; l < k; l++)
					meat[(size_t) j * k + l] += sc[j] * sc[l];
		}
		adj = (double) G / (G - 1) * (nobs - 1.0) / (nobs - K);
		for (j = 0; j < d->ncoef; j++)
		{
			int			jj = G + Tk - 1 + j;

			coef[j] = b[jj];
			for (l = 0; l < d->ncoef; l++)
			{
				int			ll = G + Tk - 1 + l,
							a,
							c;
				double		v = 0.0;

				for (a = 0; a < k; a++)
					for (c = 0; c < k; c++)
						v += xtxi[(size_t) jj * k + a] * meat[(size_t) a * k + c] *
							xtxi[(size_t) c * k + ll];
				V[(size_t) j * d->ncoef + l] = v * adj;
			}
		}
		*G_out = G;
		free(X);
		free(y);
		free(b);
		free(u);
		free(xtxi);
		free(meat);
		free(sc);
	}
	free(keep);
}

/* the coefficient index of (g, e) in the explicit design, or -1 */
static int
SaIndex(const SaDesign *d, int32_t g, int32_t e)
{
	int			j;

	for (j = 0; j < d->ncoef; j++)
		if (d->cg[j] == g && d->ce[j] == e)
			return j;
	return -1;
}

static void
CheckSunabExplicit(const scomm_did_panel *p, const char *label)
{
	scomm_did_sunab *s = NULL;
	scomm_did_diag diag;
	SaDesign	d;
	double	   *coef = calloc(400, sizeof(double));
	double	   *V = calloc(400 * 400, sizeof(double));
	double		maxb = 0.0,
				maxse = 0.0,
				maxp = 0.0,
				maxpse = 0.0,
				w[400],
				est,
				var;
	int			G,
				k,
				j,
				l,
				Tk = p->n_periods,
				ok;
	char		name[200];

	memset(&diag, 0, sizeof(diag));
	ok = scomm_did_sunab_fit(p, &s, &diag) == SCOMM_OK;
	snprintf(name, sizeof(name), "%s: sun_abraham fits", label);
	tap_ok(ok, name);
	if (!ok)
		return;
	if (s->flags & SCOMM_DID_ROBUST_LAST_COHORT_CONTROL)
		for (Tk = 0; Tk < p->n_periods && p->periods[Tk] < s->control_cohort; Tk++)
			;
	SaExplicit(p, s->control_cohort, Tk, &d, coef, V, &G);
	snprintf(name, sizeof(name), "%s: as many coefficients as the explicit design (%d)", label, d.ncoef);
	tap_ok(s->n_cp == d.ncoef && s->n_clusters == G, name);
	for (k = 0; k < s->n_cp; k++)
	{
		j = SaIndex(&d, s->cp[k].cohort, s->cp[k].event_time);
		if (j < 0)
		{
			maxb = INFINITY;
			continue;
		}
		maxb = fmax(maxb, fabs(s->cp[k].est - coef[j]));
		maxse = fmax(maxse, fabs(s->cp[k].se / sqrt(V[(size_t) j * d.ncoef + j]) - 1.0));
	}
	snprintf(name, sizeof(name), "%s: cohort x period coefficients equal the explicit regression's (1e-10)", label);
	tap_close(maxb, 0.0, 1e-10, name);
	snprintf(name, sizeof(name), "%s: their clustered SEs equal the explicit sandwich's (1e-8 relative)", label);
	tap_close(maxse, 0.0, 1e-8, name);
	/* per relative period: shares by observations, variance w'Vw */
	for (k = 0; k < s->n_period; k++)
	{
		double		tot = 0.0;

		memset(w, 0, sizeof(w));
		for (j = 0; j < d.ncoef; j++)
			if (d.ce[j] == s->period[k].event_time)
			{
				int			cnt = 0,
							i;

				for (i = 0; i < p->n_units; i++)
					cnt += p->first_period[i] == d.cg[j];
				w[j] = cnt;
				tot += cnt;
			}
		est = var = 0.0;
		for (j = 0; j < d.ncoef; j++)
		{
			w[j] /= tot;
			est += w[j] * coef[j];
		}
		for (j = 0; j < d.ncoef; j++)
			for (l = 0; l < d.ncoef; l++)
				var += w[j] * V[(size_t) j * d.ncoef + l] * w[l];
		maxp = fmax(maxp, fabs(s->period[k].est - est));
		maxpse = fmax(maxpse, fabs(s->period[k].se / sqrt(var) - 1.0));
	}
	snprintf(name, sizeof(name), "%s: per-period aggregates equal w'b of the explicit fit (1e-10)", label);
	tap_close(maxp, 0.0, 1e-10, name);
	snprintf(name, sizeof(name), "%s: and their SEs sqrt(w'Vw) (1e-8 relative)", label);
	tap_close(maxpse, 0.0, 1e-8, name);
	/* the ATT: all e >= 0 coefficients by observations */
	{
		double		tot = 0.0;

		memset(w, 0, sizeof(w));
		for (j = 0; j < d.ncoef; j++)
			if (d.ce[j] >= 0)
			{
				int			cnt = 0,
							i;

				for (i = 0; i < p->n_units; i++)
					cnt += p->first_period[i] == d.cg[j];
				w[j] = cnt;
				tot += cnt;
			}
		est = var = 0.0;
		for (j = 0; j < d.ncoef; j++)
		{
			w[j] /= tot;
			est += w[j] * coef[j];
		}
		for (j = 0; j < d.ncoef; j++)
			for (l = 0; l < d.ncoef; l++)
				var += w[j] * V[(size_t) j * d.ncoef + l] * w[l];
		snprintf(name, sizeof(name), "%s: att equals the explicit aggregate (1e-10)", label);
		tap_close(s->att.est, est, 1e-10, name);
		snprintf(name, sizeof(name), "%s: att SE equals sqrt(w'Vw) (1e-8 relative)", label);
		tap_rclose(s->att.se, sqrt(var), 1e-8, name);
	}
	scomm_did_sunab_free(s);
	free(coef);
	free(V);
}

static void
TestSunab(void)
{
	int32_t		coh[60];
	int			i;
	scomm_did_panel *p;

	/* 3 cohorts (3, 4, 6) and never-treated units, 7 periods */
	for (i = 0; i < 60; i++)
		coh[i] = i % 4 == 0 ? SCOMM_DID_NEVER : i % 4 == 1 ? 3 : i % 4 == 2 ? 4 : 6;
	p = SimPanel(60, 7, coh, 11, 1.0, NULL);
	CheckSunabExplicit(p, "never-treated controls");
	scomm_did_panel_free(p);

	/* no never-treated: the last cohort (7) is the comparison group */
	for (i = 0; i < 48; i++)
		coh[i] = i % 4 == 0 ? 7 : i % 4 == 1 ? 3 : i % 4 == 2 ? 4 : 5;
	p = SimPanel(48, 8, coh, 12, 1.0, NULL);
	CheckSunabExplicit(p, "last cohort as control");
	scomm_did_panel_free(p);

	/* always-treated units (cohort 1) are left out and counted */
	for (i = 0; i < 50; i++)
		coh[i] = i % 5 == 0 ? 1 : i % 5 == 1 ? SCOMM_DID_NEVER : i % 5 == 2 ? 3 : i % 5 == 3 ? 5 : SCOMM_DID_NEVER;
	p = SimPanel(50, 6, coh, 13, 1.0, NULL);
	CheckSunabExplicit(p, "with always-treated units");
	{
		scomm_did_sunab *s = NULL;

		scomm_did_sunab_fit(p, &s, NULL);
		tap_ok(s != NULL && (s->flags & SCOMM_DID_ROBUST_DROPPED_ALWAYS) && s->n_dropped_always == 10,
			   "always-treated units: 10 left out and flagged");
		scomm_did_sunab_free(s);
	}
	scomm_did_panel_free(p);
}

/* mpdta: the coefficients are att_gt's never-treated universal-base cells */
static void
TestSunabMpdta(void)
{
	scomm_did_panel *p = MpdtaPanel();
	scomm_did_sunab *s = NULL;
	scomm_did_attgt *a = NULL;
	scomm_did_options opt = {.control = SCOMM_DID_NEVER_TREATED, .base_period = SCOMM_DID_BASE_UNIVERSAL, .alpha = 0.05};
	double		maxd = 0.0;
	int			k,
				c,
				matched = 0;

	if (p == NULL)
	{
		tap_ok(0, "mpdta reference data readable");
		return;
	}
	tap_ok(scomm_did_sunab_fit(p, &s, NULL) == SCOMM_OK &&
		   scomm_did_att_gt(p, &opt, &a, NULL) == SCOMM_OK, "mpdta: sun_abraham and att_gt fit");
	for (k = 0; s && a && k < s->n_cp; k++)
		for (c = 0; c < a->n_cells; c++)
			if (a->cells[c].group == s->cp[k].cohort &&
				a->cells[c].period - a->cells[c].group == s->cp[k].event_time)
			{
				maxd = fmax(maxd, fabs(a->cells[c].att - s->cp[k].est));
				matched++;
			}
	tap_ok(matched == 12, "mpdta: 12 cohort x period coefficients (3 cohorts x 4 relative periods)");
	tap_close(maxd, 0.0, 1e-12,
			  "mpdta: each equals ATT(g,t) with never-treated controls and a universal base (Sun & Abraham 2021, Prop. 3)");
	/* observation weights over e >= 0 = did's simple aggregation (pg weights) */
	tap_close(s ? s->att.est : NAN, -0.03995127516, 5e-11,
			  "mpdta: att equals did 2.5.1's simple aggregation -0.03995127516");
	scomm_did_sunab_free(s);
	scomm_did_attgt_free(a);
	scomm_did_panel_free(p);
}

/* ---- Goodman-Bacon --------------------------------------------------------- */

/* TWFE coefficient of y ~ D | unit + period on units in set over periods [a, b) */
static double
SubsampleTwfe(const scomm_did_panel *p, const int *in, int a, int b)
{
	int			n = 0,
				i,
				t,
				row = 0,
				T = b - a,
				unit = 0,
				k;
	double	   *X,
			   *y,
			   *coef;

	for (i = 0; i < p->n_units; i++)
		n += in[i];
	k = n + (T - 1) + 1;
	X = calloc((size_t) n * T * k, sizeof(double));
	y = calloc((size_t) n * T, sizeof(double));
	coef = calloc(k, sizeof(double));
	for (i = 0; i < p->n_units; i++)
	{
		if (!in[i])
			continue;
		for (t = a; t < b; t++, row++)
		{
			double	   *x = X + (size_t) row * k;
			int32_t		g = p->first_period[i];

			x[unit] = 1.0;
			if (t > a)
				x[n + t - a - 1] = 1.0;
			x[k - 1] = (g != SCOMM_DID_NEVER && p->periods[t] >= g) ? 1.0 : 0.0;
			y[row] = p->y[(size_t) i * p->n_periods + t];
		}
		unit++;
	}
	Ols(X, y, n * T, k, coef, NULL, NULL);
	{
		double		r = coef[k - 1];

		free(X);
		free(y);
		free(coef);
		return r;
	}
}

static void
CheckBacon(const scomm_did_panel *p, const char *label, double want_twfe)
{
	scomm_did_bacon *b = NULL;
	scomm_did_twfe *tw = NULL;
	double		wsum = 0.0,
				maxest = 0.0,
				maxw = 0.0,
				paper_total = 0.0,
				*paper;
	int			k,
				i,
				T = p->n_periods;
	char		name[200];
	int		   *in = calloc(p->n_units, sizeof(int));

	snprintf(name, sizeof(name), "%s: decomposition and twfe fit", label);
	tap_ok(scomm_did_bacon_decompose(p, &b, NULL) == SCOMM_OK &&
		   scomm_did_twfe_static(p, &tw) == SCOMM_OK, name);
	if (b == NULL || tw == NULL)
		return;
	paper = calloc(b->n, sizeof(double));
	for (k = 0; k < b->n; k++)
	{
		const scomm_did_bacon_term *t = &b->terms[k];
		int			a = 0,
					e = T,
					ki = 0,
					ui = T,
					nk = 0,
					nu = 0;
		double		Dk,
					Du,
					sk,
					su;

		wsum += t->weight;
		/* the groups by first treated period in the panel */
		for (i = 0; i < T && p->periods[i] < t->treated; i++)
			;
		ki = i;
		if (t->untreated != SCOMM_DID_NEVER)
		{
			for (i = 0; i < T && p->periods[i] < t->untreated; i++)
				;
			ui = i;
		}
		for (i = 0; i < p->n_units; i++)
		{
			int32_t		g = p->first_period[i];
			int			gi;

			for (gi = 0; gi < T && (g == SCOMM_DID_NEVER || p->periods[gi] < g); gi++)
				;
			in[i] = gi == ki || gi == ui;
			nk += gi == ki;
			nu += gi == ui;
		}
		if (t->untreated != SCOMM_DID_NEVER && t->treated < t->untreated)
			e = ui;
		else if (t->untreated != SCOMM_DID_NEVER)
			a = ui;
		maxest = fmax(maxest, fabs(t->estimate - SubsampleTwfe(p, in, a, e)));
		/* Goodman-Bacon (2021) eq. 10a-c with whole-panel shares */
		Dk = (double) (T - ki) / T;
		Du = (double) (T - ui) / T;
		sk = nk / (double) (nk + nu);
		su = 1.0 - sk;
		if (t->untreated == SCOMM_DID_NEVER)
			paper[k] = (nk + nu) * (nk + nu) * sk * su * Dk * (1 - Dk);
		else if (t->treated < t->untreated)
			paper[k] = pow((nk + nu) * (1 - Du), 2) * sk * su *
				(Dk - Du) / (1 - Du) * (1 - Dk) / (1 - Du);
		else
			paper[k] = pow((nk + nu) * Du, 2) * su * sk * (Dk / Du) * (Du - Dk) / Du;
		paper_total += paper[k];
	}
	for (k = 0; k < b->n; k++)
		maxw = fmax(maxw, fabs(paper[k] / paper_total - b->terms[k].weight));
	snprintf(name, sizeof(name), "%s: weights sum to 1", label);
	tap_close(wsum, 1.0, 1e-12, name);
	snprintf(name, sizeof(name), "%s: every 2x2 equals the TWFE regression on its subsample (1e-10)", label);
	tap_close(maxest, 0.0, 1e-10, name);
	snprintf(name, sizeof(name), "%s: weights equal Goodman-Bacon's eq. 10 (1e-12)", label);
	tap_close(maxw, 0.0, 1e-12, name);
	snprintf(name, sizeof(name), "%s: weighted sum equals twfe's coefficient (1e-10)", label);
	tap_close(b->total, tw->coef[0], 1e-10, name);
	if (!isnan(want_twfe))
	{
		snprintf(name, sizeof(name), "%s: and fixest's TWFE estimate (1e-9)", label);
		tap_close(b->total, want_twfe, 1e-9, name);
	}
	free(paper);
	free(in);
	scomm_did_bacon_free(b);
	scomm_did_twfe_free(tw);
}

static void
TestBacon(void)
{
	int32_t		coh[80];
	int			i;
	scomm_did_panel *p = MpdtaPanel();

	if (p != NULL)
	{
		scomm_did_bacon *b = NULL;
		int			types[4] = {0};

		CheckBacon(p, "mpdta", -0.0365489367);
		scomm_did_bacon_decompose(p, &b, NULL);
		for (i = 0; b && i < b->n; i++)
			types[b->terms[i].type]++;
		tap_ok(b && b->n == 9 && types[SCOMM_BACON_TREATED_VS_UNTREATED] == 3 &&
			   types[SCOMM_BACON_EARLIER_VS_LATER] == 3 && types[SCOMM_BACON_LATER_VS_EARLIER] == 3,
			   "mpdta: 3 treated vs untreated, 3 earlier vs later, 3 later vs earlier");
		scomm_did_bacon_free(b);
		scomm_did_panel_free(p);
	}
	/* always-treated (cohort 1) and never-treated units, 4 cohorts */
	for (i = 0; i < 80; i++)
		coh[i] = (int32_t[]) {1, SCOMM_DID_NEVER, 3, 4, 6, 9}[i % 6];
	p = SimPanel(80, 8, coh, 21, 1.0, NULL);
	CheckBacon(p, "always- and never-treated", NAN);
	scomm_did_panel_free(p);
	/* only timing groups */
	for (i = 0; i < 40; i++)
		coh[i] = (int32_t[]) {2, 4, 5}[i % 3];
	p = SimPanel(40, 6, coh, 22, 1.0, NULL);
	CheckBacon(p, "timing groups only", NAN);
	scomm_did_panel_free(p);

	/* a hand-made 2x2: two units, four periods, treated from period 3 */
	{
		scomm_did_collector *c = scomm_did_collector_create();
		scomm_did_bacon *b = NULL;
		double		yt[4] = {1, 2, 6, 8},
					yc[4] = {0, 1, 1, 3};

		for (i = 0; i < 4; i++)
		{
			scomm_did_collector_add(c, 1, i + 1, 3, yt[i], NULL);
			scomm_did_collector_add(c, 2, i + 1, SCOMM_DID_NEVER, yc[i], NULL);
		}
		scomm_did_panel_finalize(c, 1, &p, NULL);
		scomm_did_collector_free(c);
		scomm_did_bacon_decompose(p, &b, NULL);
		/* (7 - 1.5) - (2 - 0.5) = 4 */
		tap_ok(b && b->n == 1 && b->terms[0].type == SCOMM_BACON_TREATED_VS_UNTREATED,
			   "one treated and one never-treated unit: one comparison");
		tap_close(b ? b->terms[0].estimate : NAN, 4.0, 1e-12, "hand 2x2: (7 - 1.5) - (2 - 0.5) = 4");
		scomm_did_bacon_free(b);
		scomm_did_panel_free(p);
	}
}

/* ---- imputation ------------------------------------------------------------ */

/* mean true effect of the treated observations with event time e (or all) */
static double
TrueMean(const scomm_did_panel *p, const double *truth, int e, int all)
{
	double		s = 0.0;
	int			n = 0,
				i,
				t;

	for (i = 0; i < p->n_units; i++)
	{
		int32_t		g = p->first_period[i];

		if (g == SCOMM_DID_NEVER || g <= p->periods[0])
			continue;
		for (t = 0; t < p->n_periods; t++)
			if (p->periods[t] >= g && (all || p->periods[t] - g == e))
			{
				s += truth[(size_t) i * p->n_periods + t];
				n++;
			}
	}
	return s / n;
}

/*
 * The regression y ~ unit + period dummies + one dummy per treated
 * observation: tau-hat of each treated observation (BJS Prop. 5).
 */
static void
ImputeExplicit(const scomm_did_panel *p, double *tau)
{
	int			n = p->n_units,
				T = p->n_periods,
				ntr = 0,
				i,
				t,
				row = 0,
				k,
				col;
	double	   *X,
			   *y,
			   *b;

	for (i = 0; i < n; i++)
		for (t = 0; t < T; t++)
			ntr += p->first_period[i] != SCOMM_DID_NEVER && p->periods[t] >= p->first_period[i];
	k = n + T - 1 + ntr;
	X = calloc((size_t) n * T * k, sizeof(double));
	y = calloc((size_t) n * T, sizeof(double));
	b = calloc(k, sizeof(double));
	col = n + T - 1;
	for (i = 0; i < n; i++)
		for (t = 0; t < T; t++, row++)
		{
			double	   *x = X + (size_t) row * k;

			x[i] = 1.0;
			if (t > 0)
				x[n + t - 1] = 1.0;
			if (p->first_period[i] != SCOMM_DID_NEVER && p->periods[t] >= p->first_period[i])
				x[col++] = 1.0;
			y[row] = p->y[row];
		}
	Ols(X, y, n * T, k, b, NULL, NULL);
	col = n + T - 1;
	for (i = 0; i < n; i++)
		for (t = 0; t < T; t++)
			tau[(size_t) i * T + t] = (p->first_period[i] != SCOMM_DID_NEVER &&
									   p->periods[t] >= p->first_period[i]) ? b[col++] : NAN;
	free(X);
	free(y);
	free(b);
}

/*
 * The BJS variance of the overall estimate from the full matrices:
 * v_0 = -Z_0 (Z_0'Z_0)^+ Z_1'w, residuals of the untreated fit, effects
 * centred at their cohort x event-time means.
 */
static double
ImputeVarianceExplicit(const scomm_did_panel *p, const double *tau)
{
	int			n = p->n_units,
				T = p->n_periods,
				k = n + T,
				n0 = 0,
				i,
				t,
				j,
				l;
	double	   *Z0 = calloc((size_t) n * T * k, sizeof(double));
	double	   *y0 = calloc((size_t) n * T, sizeof(double));
	double	   *b = calloc(k, sizeof(double));
	double	   *u0 = calloc((size_t) n * T, sizeof(double));
	double	   *zi = calloc((size_t) k * k, sizeof(double));
	double	   *z1w = calloc(k, sizeof(double));
	double	   *bw = calloc(k, sizeof(double));
	double	   *score = calloc(n, sizeof(double));
	int		   *idx = calloc((size_t) n * T, sizeof(int));
	double		N1 = 0.0,
				var = 0.0;

	for (i = 0; i < n; i++)
		for (t = 0; t < T; t++)
		{
			int			treated = p->first_period[i] != SCOMM_DID_NEVER &&
				p->periods[t] >= p->first_period[i];

			if (treated)
			{
				N1 += 1.0;
				idx[i * T + t] = -1;
				continue;
			}
			Z0[(size_t) n0 * k + i] = 1.0;
			Z0[(size_t) n0 * k + n + t] = 1.0;
			y0[n0] = p->y[(size_t) i * T + t];
			idx[i * T + t] = n0++;
		}
	Ols(Z0, y0, n0, k, b, u0, zi);
	for (i = 0; i < n; i++)
		for (t = 0; t < T; t++)
			if (idx[i * T + t] < 0)
			{
				z1w[i] += 1.0 / N1;
				z1w[n + t] += 1.0 / N1;
			}
	for (j = 0; j < k; j++)
		for (l = 0; l < k; l++)
			bw[j] += zi[(size_t) j * k + l] * z1w[l];
	for (i = 0; i < n; i++)
		for (t = 0; t < T; t++)
		{
			int			r = idx[i * T + t];

			if (r >= 0)
				score[i] -= (bw[i] + bw[n + t]) * u0[r];
			else
			{
				/* tau centred at its cohort x event-time mean */
				double		m = 0.0;
				int			c = 0,
							q;

				for (q = 0; q < n; q++)
					if (p->first_period[q] == p->first_period[i])
					{
						m += tau[(size_t) q * T + t];
						c++;
					}
				score[i] += (tau[(size_t) i * T + t] - m / c) / N1;
			}
		}
	for (i = 0; i < n; i++)
		var += score[i] * score[i];
	free(Z0);
	free(y0);
	free(b);
	free(u0);
	free(zi);
	free(z1w);
	free(bw);
	free(score);
	free(idx);
	return var;
}

static void
TestImpute(void)
{
	int32_t		coh[60];
	int			i,
				k;
	double	   *truth = NULL;
	scomm_did_panel *p;
	scomm_did_impute *m = NULL;

	for (i = 0; i < 60; i++)
		coh[i] = (int32_t[]) {SCOMM_DID_NEVER, 3, 4, 6}[i % 4];

	/* noiseless: the estimates are the true mean effects */
	p = SimPanel(60, 7, coh, 31, 0.0, &truth);
	tap_ok(scomm_did_impute_fit(p, &m, NULL) == SCOMM_OK, "imputation fits a noiseless panel");
	if (m != NULL)
	{
		double		maxd = fabs(m->overall.est - TrueMean(p, truth, 0, 1)),
					maxse = m->overall.se;

		for (k = 0; k < m->n_e; k++)
		{
			maxd = fmax(maxd, fabs(m->by_e[k].est - TrueMean(p, truth, m->by_e[k].event_time, 0)));
			maxse = fmax(maxse, m->by_e[k].se);
		}
		tap_close(maxd, 0.0, 1e-10, "noiseless: every estimate equals the mean true effect (1e-10)");
		tap_close(maxse, 0.0, 1e-8, "noiseless: standard errors vanish");
		tap_ok(m->n_e == 5 && m->by_e[0].event_time == 0 && m->by_e[4].event_time == 4,
			   "noiseless: event times 0 to 4");
	}
	scomm_did_impute_free(m);
	scomm_did_panel_free(p);
	free(truth);

	/* noisy: against the regression with treated-observation dummies */
	p = SimPanel(60, 7, coh, 32, 1.0, NULL);
	m = NULL;
	scomm_did_impute_fit(p, &m, NULL);
	{
		double	   *tau = calloc((size_t) p->n_units * p->n_periods, sizeof(double));
		double		maxd = 0.0,
					s = 0.0;
		int			cnt = 0,
					t;

		ImputeExplicit(p, tau);
		for (i = 0; i < p->n_units; i++)
			for (t = 0; t < p->n_periods; t++)
				if (!isnan(tau[(size_t) i * p->n_periods + t]))
				{
					s += tau[(size_t) i * p->n_periods + t];
					cnt++;
				}
		maxd = fabs(m->overall.est - s / cnt);
		for (k = 0; k < m->n_e; k++)
		{
			double		se = 0.0;
			int			ce = 0;

			for (i = 0; i < p->n_units; i++)
				for (t = 0; t < p->n_periods; t++)
					if (!isnan(tau[(size_t) i * p->n_periods + t]) &&
						p->periods[t] - p->first_period[i] == m->by_e[k].event_time)
					{
						se += tau[(size_t) i * p->n_periods + t];
						ce++;
					}
			maxd = fmax(maxd, fabs(m->by_e[k].est - se / ce));
		}
		tap_close(maxd, 0.0, 1e-10,
				  "imputation equals the regression with a dummy per treated observation (1e-10)");
		tap_rclose(m->overall.se, sqrt(ImputeVarianceExplicit(p, tau)), 1e-8,
				   "overall SE equals BJS's variance from the full design matrices (1e-8 relative)");
		free(tau);
	}
	scomm_did_impute_free(m);
	scomm_did_panel_free(p);

	/* one pre-period: the estimate at e is ATT(2, 2 + e), never-treated controls */
	for (i = 0; i < 40; i++)
		coh[i] = i % 2 ? 2 : SCOMM_DID_NEVER;
	p = SimPanel(40, 5, coh, 33, 1.0, NULL);
	{
		scomm_did_attgt *a = NULL;
		scomm_did_options opt = {.control = SCOMM_DID_NEVER_TREATED, .base_period = SCOMM_DID_BASE_VARYING, .alpha = 0.05};
		double		maxd = 0.0;
		int			c;

		m = NULL;
		scomm_did_impute_fit(p, &m, NULL);
		scomm_did_att_gt(p, &opt, &a, NULL);
		for (k = 0; m && a && k < m->n_e; k++)
			for (c = 0; c < a->n_cells; c++)
				if (a->cells[c].group == 2 && a->cells[c].period == 2 + m->by_e[k].event_time)
					maxd = fmax(maxd, fabs(a->cells[c].att - m->by_e[k].est));
		tap_ok(m && m->n_e == 4, "one pre-period: event times 0 to 3");
		tap_close(maxd, 0.0, 1e-10, "one pre-period: imputation = ATT(g,t) (1e-10)");
		scomm_did_attgt_free(a);
		scomm_did_impute_free(m);
	}
	scomm_did_panel_free(p);

	/* without never-treated units the last cohort is the comparison group */
	for (i = 0; i < 45; i++)
		coh[i] = (int32_t[]) {3, 5, 8}[i % 3];
	p = SimPanel(45, 8, coh, 34, 0.0, &truth);
	m = NULL;
	tap_ok(scomm_did_impute_fit(p, &m, NULL) == SCOMM_OK && m != NULL &&
		   (m->flags & SCOMM_DID_ROBUST_LAST_COHORT_CONTROL) && m->control_cohort == 8,
		   "no never-treated: cohort 8 is the comparison group");
	if (m != NULL)
	{
		/* cohorts 3 and 5 over periods 1..7: e = 0..4 */
		double		s = 0.0;
		int			n = 0,
					t;

		for (i = 0; i < p->n_units; i++)
			for (t = 0; t < 7; t++)
				if (p->first_period[i] != 8 && p->periods[t] >= p->first_period[i])
				{
					s += truth[(size_t) i * p->n_periods + t];
					n++;
				}
		tap_close(m->overall.est, s / n, 1e-10, "no never-treated, noiseless: overall effect exact");
	}
	scomm_did_impute_free(m);
	scomm_did_panel_free(p);
	free(truth);
}

/* ---- the event study honest_did takes ------------------------------------ */

static void
TestEventStudy(void)
{
	scomm_did_panel *p = MpdtaPanel();
	scomm_did_attgt *a = NULL;
	scomm_did_agg *g = NULL;
	scomm_did_options opt = {.control = SCOMM_DID_NEVER_TREATED, .base_period = SCOMM_DID_BASE_UNIVERSAL, .alpha = 0.05};
	int32_t		e[16];
	double		b[16],
				S[256],
				maxse = 0.0,
				maxb = 0.0,
				asym = 0.0;
	int			npre,
				npost,
				i,
				k;

	if (p == NULL || scomm_did_att_gt(p, &opt, &a, NULL) != SCOMM_OK ||
		scomm_did_aggte(a, SCOMM_DID_AGG_DYNAMIC, &g) != SCOMM_OK)
	{
		tap_ok(0, "mpdta event study with a universal base");
		return;
	}
	tap_ok(scomm_honest_event_study(a, g, -1000, 1000, &npre, &npost, e, b, S) == SCOMM_OK &&
		   npre == 3 && npost == 4 && e[0] == -4 && e[2] == -2 && e[3] == 0 && e[6] == 3,
		   "event study of mpdta: e = -4..-2 before, 0..3 after, the reference -1 left out");
	for (i = 0; i < npre + npost; i++)
		for (k = 0; k < g->n_terms; k++)
			if (g->term[k] == e[i])
			{
				maxse = fmax(maxse, fabs(sqrt(S[i * (npre + npost) + i]) / g->terms[k].se - 1.0));
				maxb = fmax(maxb, fabs(b[i] - g->terms[k].est));
			}
	for (i = 0; i < npre + npost; i++)
		for (k = 0; k < npre + npost; k++)
			asym = fmax(asym, fabs(S[i * (npre + npost) + k] - S[k * (npre + npost) + i]));
	tap_close(maxb, 0.0, 0.0, "event study: betahat are the dynamic aggregation's terms");
	tap_close(maxse, 0.0, 1e-12, "event study: sqrt(diag(sigma)) are their analytic SEs (IF'IF/n^2)");
	tap_close(asym, 0.0, 0.0, "event study: sigma is symmetric");
	tap_ok(scomm_honest_event_study(a, g, -2, 1, &npre, &npost, e, b, S) == SCOMM_OK &&
		   npre == 1 && npost == 2, "event study: min_e = -2, max_e = 1 keeps e = -2, 0, 1");
	tap_ok(scomm_honest_event_study(a, g, 0, 3, &npre, &npost, e, b, S) == SCOMM_EEMPTY,
		   "event study without the reference period: EEMPTY");
	scomm_did_agg_free(g);
	scomm_did_attgt_free(a);
	scomm_did_panel_free(p);
}

/* ---- errors ---------------------------------------------------------------- */

static void
TestErrors(void)
{
	int32_t		coh[10];
	int			i;
	scomm_did_panel *p;
	scomm_did_diag diag;
	scomm_did_sunab *s = NULL;
	scomm_did_impute *m = NULL;

	/* every unit never treated */
	for (i = 0; i < 10; i++)
		coh[i] = SCOMM_DID_NEVER;
	p = SimPanel(10, 4, coh, 41, 1.0, NULL);
	memset(&diag, 0, sizeof(diag));
	tap_ok(scomm_did_sunab_fit(p, &s, &diag) == SCOMM_EINVAL && diag.code == SCOMM_DID_ERR_NO_GROUPS,
		   "no treated cohort: EINVAL, no groups");
	memset(&diag, 0, sizeof(diag));
	tap_ok(scomm_did_impute_fit(p, &m, &diag) == SCOMM_EINVAL && diag.code == SCOMM_DID_ERR_NO_GROUPS,
		   "imputation: no treated cohort: EINVAL");
	scomm_did_panel_free(p);
	/* one cohort only, no never-treated: nothing to compare with */
	for (i = 0; i < 10; i++)
		coh[i] = 3;
	p = SimPanel(10, 4, coh, 42, 1.0, NULL);
	memset(&diag, 0, sizeof(diag));
	tap_ok(scomm_did_sunab_fit(p, &s, &diag) == SCOMM_EINVAL && diag.message[0] != '\0',
		   "a single cohort and no never-treated units: EINVAL with a message");
	scomm_did_panel_free(p);
}

int
main(void)
{
	gsl_set_error_handler_off();
	TestSunab();
	TestSunabMpdta();
	TestBacon();
	TestImpute();
	TestEventStudy();
	TestErrors();
	return tap_done();
}
