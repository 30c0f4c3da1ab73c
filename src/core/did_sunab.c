/*
 * did_sunab.c: the interaction-weighted event study of Sun & Abraham (2021)
 * as fixest's sunab() estimates it (R/did.R: sunab, aggregate.fixest;
 * R/VCOV.R: the small-sample correction of ssc()).
 *
 * The regression y ~ 1{cohort = g, t - g = e} (every treated cohort g,
 * every relative period e but -1) | unit + period is saturated in the
 * cohort x period cells of the treated cohorts, so on a balanced panel its
 * coefficients are closed-form: the period effects come from the
 * comparison units alone and
 *     b(g, e) = [Y(g, g+e) - Y(g, g-1)] - [Y(C, g+e) - Y(C, g-1)]
 * (cell means).  The map from y to b is linear with these weights, and a
 * unit's cluster score is that weight applied to the regression residuals
 * u_it (outcome less unit mean and cohort-period mean plus cohort mean,
 * within each cohort and within the comparison group).  The clustered
 * variance of any linear combination s'b is then
 *     adj * sum_i (sum_j s_j psi_ij)^2,  adj = G/(G-1) (n-1)/(n-K),
 * K = coefficients + periods (unit effects are nested in the clusters,
 * fixest's default fixef.K = "nested"), so no k x k matrix is formed.
 * Aggregation weights are the numbers of observations of each indicator
 * (aggregate.fixest: colSums of the design), per relative period for
 * 'period' and over all e >= 0 for 'att'.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "did_robust.h"

typedef struct SunabWork
{
	const scomm_did_panel *p;
	scomm_did_design d;
	int			T;				/* periods kept */
	int			n;
	int			ng;				/* groups: treated cohorts, then the comparison group */
	double	   *gmean;			/* ng x T cell means */
	double	   *u;				/* n x T residuals */
	int		   *gsize;			/* ng */
	double	   *cpsi;			/* comparison units' accumulated scores */
} SunabWork;

/* group (cohort index, or ng - 1 for the comparison group) of unit i */
static int
GroupOf(const SunabWork *w, int i)
{
	int			c;

	for (c = 0; c < w->d.n_cohorts; c++)
		if (i < w->d.cohort_start[c + 1])
			return c;
	return w->d.n_cohorts;
}

static double
Y(const SunabWork *w, int i, int t)
{
	return w->p->y[(size_t) w->d.row[i] * w->p->n_periods + t];
}

/* Cell means and residuals. */
static scomm_status
Prepare(SunabWork *w)
{
	int			i,
				t,
				g;
	double	   *gall;

	w->gmean = scomm_core_alloc((size_t) w->ng * w->T * sizeof(double));
	w->u = scomm_core_alloc((size_t) w->n * w->T * sizeof(double));
	w->gsize = scomm_core_alloc(w->ng * sizeof(int));
	w->cpsi = scomm_core_alloc((w->d.n_control + 1) * sizeof(double));
	gall = scomm_core_alloc(w->ng * sizeof(double));
	if (!w->gmean || !w->u || !w->gsize || !w->cpsi || !gall)
	{
		scomm_core_free(gall);
		return SCOMM_ENOMEM;
	}
	for (i = 0; i < w->n; i++)
	{
		g = GroupOf(w, i);
		w->gsize[g]++;
		for (t = 0; t < w->T; t++)
			w->gmean[(size_t) g * w->T + t] += Y(w, i, t);
	}
	for (g = 0; g < w->ng; g++)
	{
		for (t = 0; t < w->T; t++)
		{
			w->gmean[(size_t) g * w->T + t] /= w->gsize[g];
			gall[g] += w->gmean[(size_t) g * w->T + t] / w->T;
		}
	}
	for (i = 0; i < w->n; i++)
	{
		double		ym = 0.0;

		g = GroupOf(w, i);
		for (t = 0; t < w->T; t++)
			ym += Y(w, i, t) / w->T;
		for (t = 0; t < w->T; t++)
			w->u[(size_t) i * w->T + t] = Y(w, i, t) - ym -
				w->gmean[(size_t) g * w->T + t] + gall[g];
		if ((i & 1023) == 0 && scomm_core_interrupted())
		{
			scomm_core_free(gall);
			return SCOMM_CANCELLED;
		}
	}
	scomm_core_free(gall);
	return SCOMM_OK;
}

/*
 * Variance (before adj) of sum over the listed coefficients of s_j b_j;
 * coefficient j is cohort c[j], period index t[j], reference index r[j].
 */
static double
CombinationVariance(SunabWork *w, int m, const int *c, const int *t, const int *r,
					const double *s)
{
	int			T = w->T,
				C = w->d.n_cohorts,
				nc = w->d.n_control,
				c0 = w->n - nc,
				i,
				j;
	double		v = 0.0;

	memset(w->cpsi, 0, nc * sizeof(double));
	/* coefficients are grouped by cohort: one pass per cohort block */
	for (j = 0; j < m;)
	{
		int			cj = c[j],
					j1 = j;

		while (j1 < m && c[j1] == cj)
			j1++;
		for (i = w->d.cohort_start[cj]; i < w->d.cohort_start[cj + 1]; i++)
		{
			const double *ui = w->u + (size_t) i * T;
			double		psi = 0.0;
			int			q;

			for (q = j; q < j1; q++)
				psi += s[q] * (ui[t[q]] - ui[r[q]]);
			psi /= w->gsize[cj];
			v += psi * psi;
		}
		for (i = 0; i < nc; i++)
		{
			const double *ui = w->u + (size_t) (c0 + i) * T;
			int			q;

			for (q = j; q < j1; q++)
				w->cpsi[i] -= s[q] * (ui[t[q]] - ui[r[q]]);
		}
		j = j1;
	}
	for (i = 0; i < nc; i++)
	{
		double		psi = w->cpsi[i] / w->gsize[C];

		v += psi * psi;
	}
	return v;
}

void
scomm_did_sunab_free(scomm_did_sunab *s)
{
	if (s == NULL)
		return;
	scomm_core_free(s->cp);
	scomm_core_free(s->period);
	scomm_core_free(s);
}

/* the coefficient's estimate from cell means */
static double
Coef(const SunabWork *w, int c, int t, int r)
{
	const double *tg = w->gmean + (size_t) c * w->T;
	const double *cg = w->gmean + (size_t) w->d.n_cohorts * w->T;

	return (tg[t] - tg[r]) - (cg[t] - cg[r]);
}

scomm_status
scomm_did_sunab_fit(const scomm_did_panel *p, scomm_did_sunab **out, scomm_did_diag *diag)
{
	SunabWork	w;
	scomm_did_sunab *s = NULL;
	int		   *cc = NULL,
			   *tt = NULL,
			   *rr = NULL,
				k = 0,
				c,
				t,
				j;
	double	   *ss = NULL,
				adj,
				nobs;
	scomm_status st;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	w.p = p;
	if ((st = scomm_did_design_build(p, &w.d, diag)) != SCOMM_OK)
		return st;
	w.T = w.d.n_periods;
	w.n = w.d.n_units;
	w.ng = w.d.n_cohorts + 1;
	/* relative period -1 of every cohort must be in the panel */
	for (c = 0; c < w.d.n_cohorts; c++)
		if (p->periods[w.d.first_idx[c] - 1] != w.d.cohort[c] - 1)
		{
			if (diag != NULL)
			{
				diag->code = SCOMM_DID_ERR_FEW_PERIODS;
				diag->period = w.d.cohort[c] - 1;
				snprintf(diag->message, sizeof(diag->message),
						 "the reference period %d of cohort %d (relative period -1) is not in the panel",
						 w.d.cohort[c] - 1, w.d.cohort[c]);
			}
			scomm_did_design_free(&w.d);
			return SCOMM_EINVAL;
		}
	st = Prepare(&w);
	k = w.d.n_cohorts * (w.T - 1);
	nobs = (double) w.n * w.T;
	if (st == SCOMM_OK && !(nobs > k + w.T && w.n > 1))
		st = SCOMM_ESINGULAR;
	if (st == SCOMM_OK)
	{
		s = scomm_core_alloc(sizeof(scomm_did_sunab));
		cc = scomm_core_alloc((k + 1) * sizeof(int));
		tt = scomm_core_alloc((k + 1) * sizeof(int));
		rr = scomm_core_alloc((k + 1) * sizeof(int));
		ss = scomm_core_alloc((k + 1) * sizeof(double));
		if (s != NULL)
		{
			s->cp = scomm_core_alloc((k + 1) * sizeof(scomm_did_sunab_coef));
			s->period = scomm_core_alloc((2 * w.T + 1) * sizeof(scomm_did_sunab_coef));
		}
		if (!s || !cc || !tt || !rr || !ss || !s->cp || !s->period)
			st = SCOMM_ENOMEM;
	}
	if (st == SCOMM_OK)
	{
		double		satt = 0.0;
		int			emin = INT32_MAX,
					emax = INT32_MIN,
					e,
					natt = 0;

		s->n_obs = (int) nobs;
		s->n_clusters = w.n;
		s->dof_k = k + w.T;
		s->flags = w.d.flags;
		s->n_dropped_always = w.d.n_dropped_always;
		s->control_cohort = w.d.control_cohort;
		adj = (double) w.n / (w.n - 1) * (nobs - 1) / (nobs - s->dof_k);
		/* cohort x relative period coefficients */
		for (c = 0; c < w.d.n_cohorts; c++)
		{
			int			r = w.d.first_idx[c] - 1;

			for (t = 0; t < w.T; t++)
			{
				scomm_did_sunab_coef *b;
				double		one = 1.0;

				if (t == r)
					continue;
				b = &s->cp[s->n_cp++];
				b->cohort = w.d.cohort[c];
				b->event_time = p->periods[t] - w.d.cohort[c];
				b->est = Coef(&w, c, t, r);
				b->n_obs = w.gsize[c];
				b->se = sqrt(adj * CombinationVariance(&w, 1, &c, &t, &r, &one));
				if (b->event_time < emin)
					emin = b->event_time;
				if (b->event_time > emax)
					emax = b->event_time;
				if (b->event_time >= 0)
				{
					cc[natt] = c;
					tt[natt] = t;
					rr[natt] = r;
					ss[natt++] = b->n_obs;
					satt += b->n_obs;
				}
			}
			if (scomm_core_interrupted())
			{
				st = SCOMM_CANCELLED;
				break;
			}
		}
		/* the overall effect: every e >= 0 coefficient, observation weights */
		if (st == SCOMM_OK)
		{
			s->att.cohort = 0;
			s->att.event_time = 0;
			s->att.est = 0.0;
			s->att.n_obs = (int) satt;
			for (j = 0; j < natt; j++)
			{
				ss[j] /= satt;
				s->att.est += ss[j] * Coef(&w, cc[j], tt[j], rr[j]);
			}
			s->att.se = natt > 0 ? sqrt(adj * CombinationVariance(&w, natt, cc, tt, rr, ss)) : NAN;
			if (natt == 0)
				s->att.est = NAN;
		}
		/* per relative period: the cohorts observed at e, by size */
		for (e = emin; st == SCOMM_OK && e <= emax; e++)
		{
			int			m = 0;
			double		tot = 0.0;
			scomm_did_sunab_coef *b;

			if (e == -1)
				continue;
			for (c = 0; c < w.d.n_cohorts; c++)
			{
				int64_t		tv = (int64_t) w.d.cohort[c] + e;

				for (t = 0; t < w.T; t++)
					if (p->periods[t] == tv)
						break;
				if (t == w.T)
					continue;
				cc[m] = c;
				tt[m] = t;
				rr[m] = w.d.first_idx[c] - 1;
				ss[m] = w.gsize[c];
				tot += ss[m++];
			}
			if (m == 0)
				continue;
			b = &s->period[s->n_period++];
			b->cohort = 0;
			b->event_time = e;
			b->est = 0.0;
			b->n_obs = (int) tot;
			for (j = 0; j < m; j++)
			{
				ss[j] /= tot;
				b->est += ss[j] * Coef(&w, cc[j], tt[j], rr[j]);
			}
			b->se = sqrt(adj * CombinationVariance(&w, m, cc, tt, rr, ss));
			if ((e & 15) == 0 && scomm_core_interrupted())
				st = SCOMM_CANCELLED;
		}
	}
	scomm_core_free(cc);
	scomm_core_free(tt);
	scomm_core_free(rr);
	scomm_core_free(ss);
	scomm_core_free(w.gmean);
	scomm_core_free(w.u);
	scomm_core_free(w.gsize);
	scomm_core_free(w.cpsi);
	scomm_did_design_free(&w.d);
	if (st != SCOMM_OK)
		scomm_did_sunab_free(s);
	else
		*out = s;
	return st;
}
