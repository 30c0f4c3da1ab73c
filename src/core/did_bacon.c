/*
 * did_bacon.c: the Goodman-Bacon (2021) decomposition of the two-way
 * fixed-effects coefficient of y ~ 1{t >= g} | unit + period into 2x2
 * comparisons, as bacondecomp::bacon() computes it without covariates
 * (R/bacon.R: create_treatment_groups, subset_data, calculate_weights,
 * scale_weights).
 *
 * Units are grouped by their first treated period in the panel (never
 * treated: no treated period; "always treated": treated in the first
 * period).  Every ordered pair (k, u) of groups with k neither never nor
 * always treated is a 2x2 comparison on a window of periods: all periods
 * against never-treated or always-treated units, the periods before u when
 * k < u (earlier vs later), the periods from u on when k > u (later vs
 * earlier).  In the window only k's treatment changes, so the subsample's
 * TWFE coefficient is the difference of the pre/post mean changes of the
 * two groups.  Its weight is bacondecomp's: with n the numbers of
 * observations in the window and D the treated shares of the window,
 *   treated vs untreated   (n_k + n_u)^2 n_ku (1 - n_ku) D_k (1 - D_k)
 *   earlier vs later       ((n_k + n_l)(1 - D_l))^2 n_kl (1 - n_kl)
 *                              (D_k - D_l)/(1 - D_l) (1 - D_k)/(1 - D_l)
 *   later vs earlier       ((n_k + n_l) D_k)^2 n_kl (1 - n_kl)
 *                              (D_l/D_k) (D_k - D_l)/D_k
 * (k the earlier, l the later group), rescaled to sum to one.  The
 * weighted sum of the estimates is the TWFE coefficient (Theorem 1).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "did_robust.h"

#define BACON_NEVER INT32_MAX

typedef struct BaconGroup
{
	int32_t		time;			/* first treated period, or BACON_NEVER */
	int			idx;			/* its period index (T when never) */
	int			size;			/* units */
	double	   *mean;			/* T period means */
} BaconGroup;

static int
Int32Cmp(const void *a, const void *b)
{
	int32_t		x = *(const int32_t *) a,
				y = *(const int32_t *) b;

	return (x > y) - (x < y);
}

static int
TermCmp(const void *a, const void *b)
{
	const scomm_did_bacon_term *x = a,
			   *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->treated != y->treated)
		return x->treated < y->treated ? -1 : 1;
	return (x->untreated > y->untreated) - (x->untreated < y->untreated);
}

void
scomm_did_bacon_free(scomm_did_bacon *b)
{
	if (b == NULL)
		return;
	scomm_core_free(b->terms);
	scomm_core_free(b);
}

/* mean of group g over period indices [a, b) */
static double
WindowMean(const BaconGroup *g, int a, int b)
{
	double		s = 0.0;
	int			t;

	for (t = a; t < b; t++)
		s += g->mean[t];
	return s / (b - a);
}

/* one 2x2: group k treated at index kt, comparison u, window [a, b) */
static void
TwoByTwo(const BaconGroup *k, const BaconGroup *u, int a, int b, double *est)
{
	*est = (WindowMean(k, k->idx, b) - WindowMean(k, a, k->idx)) -
		(WindowMean(u, k->idx, b) - WindowMean(u, a, k->idx));
}

scomm_status
scomm_did_bacon_decompose(const scomm_did_panel *p, scomm_did_bacon **out, scomm_did_diag *diag)
{
	int			T = p->n_periods,
				n = p->n_units,
				ng = 0,
				i,
				t,
				a,
				b;
	int32_t    *tt = scomm_core_alloc((n + 1) * sizeof(int32_t));
	int32_t    *gt = scomm_core_alloc((n + 1) * sizeof(int32_t));
	BaconGroup *g = scomm_core_alloc((n + 1) * sizeof(BaconGroup));
	scomm_did_bacon *res = NULL;
	scomm_status st = SCOMM_OK;
	double		wsum = 0.0;

	*out = NULL;
	if (!tt || !gt || !g)
		st = SCOMM_ENOMEM;
	if (st == SCOMM_OK)
	{
		/* treat_time: the first period with t >= first_period */
		for (i = 0; i < n; i++)
		{
			int32_t		f = p->first_period[i];

			tt[i] = BACON_NEVER;
			if (f != SCOMM_DID_NEVER)
				for (t = 0; t < T; t++)
					if (p->periods[t] >= f)
					{
						tt[i] = p->periods[t];
						break;
					}
			gt[i] = tt[i];
		}
		qsort(gt, n, sizeof(int32_t), Int32Cmp);
		for (i = 0; i < n; i++)
			if (i == 0 || gt[i] != gt[i - 1])
			{
				g[ng].time = gt[i];
				g[ng].idx = T;
				for (t = 0; t < T; t++)
					if (p->periods[t] == gt[i])
						g[ng].idx = t;
				g[ng].mean = scomm_core_alloc(T * sizeof(double));
				if (g[ng].mean == NULL)
					st = SCOMM_ENOMEM;
				ng++;
			}
	}
	if (st == SCOMM_OK)
	{
		for (i = 0; i < n; i++)
		{
			BaconGroup *gi = bsearch(&tt[i], g, ng, sizeof(BaconGroup), Int32Cmp);

			gi->size++;
			for (t = 0; t < T; t++)
				gi->mean[t] += p->y[(size_t) i * T + t];
		}
		for (a = 0; a < ng; a++)
			for (t = 0; t < T; t++)
				g[a].mean[t] /= g[a].size;
		res = scomm_core_alloc(sizeof(scomm_did_bacon));
		if (res != NULL)
			res->terms = scomm_core_alloc(((size_t) ng * ng + 1) * sizeof(scomm_did_bacon_term));
		if (res == NULL || res->terms == NULL)
			st = SCOMM_ENOMEM;
	}
	for (a = 0; st == SCOMM_OK && a < ng; a++)
	{
		BaconGroup *k = &g[a];

		/* the treated group changes status inside the panel */
		if (k->time == BACON_NEVER || k->idx == 0)
			continue;
		for (b = 0; b < ng; b++)
		{
			BaconGroup *u = &g[b];
			scomm_did_bacon_term *term;
			int			w0 = 0,
						w1 = T;
			double		nk,
						nu,
						share,
						Dk,
						Du,
						wt;

			if (b == a)
				continue;
			term = &res->terms[res->n++];
			term->treated = k->time;
			term->untreated = u->time == BACON_NEVER ? SCOMM_DID_NEVER : u->time;
			if (u->time == BACON_NEVER)
				term->type = SCOMM_BACON_TREATED_VS_UNTREATED;
			else if (u->idx == 0)
				term->type = SCOMM_BACON_LATER_VS_ALWAYS;
			else if (k->time > u->time)
				term->type = SCOMM_BACON_LATER_VS_EARLIER;
			else
				term->type = SCOMM_BACON_EARLIER_VS_LATER;
			if (u->time != BACON_NEVER && k->time < u->time)
				w1 = u->idx;	/* before the later group is treated */
			else if (u->time != BACON_NEVER && k->time > u->time)
				w0 = u->idx;	/* after the earlier group is treated */
			TwoByTwo(k, u, w0, w1, &term->estimate);
			nk = (double) k->size * (w1 - w0);
			nu = (double) u->size * (w1 - w0);
			Dk = (double) (w1 - k->idx) / (w1 - w0);
			Du = u->time == BACON_NEVER ? 0.0 :
				(double) (w1 - (u->idx > w0 ? (u->idx < w1 ? u->idx : w1) : w0)) / (w1 - w0);
			if (u->time == BACON_NEVER)
			{
				share = nk / (nk + nu);
				wt = (nk + nu) * (nk + nu) * share * (1 - share) * Dk * (1 - Dk);
			}
			else if (k->time < u->time)
			{
				/* earlier k against later u, before u is treated (Du = 0) */
				share = nk / (nk + nu);
				wt = ((nk + nu) * (1 - Du)) * ((nk + nu) * (1 - Du)) * share * (1 - share) *
					(Dk - Du) / (1 - Du) * (1 - Dk) / (1 - Du);
			}
			else
			{
				/* later k against earlier (or always treated) u, Du = 1 */
				double		nE = nu,
							nL = nk,
							DE = Du,
							DL = Dk;

				share = nE / (nE + nL);
				wt = ((nE + nL) * DE) * ((nE + nL) * DE) * share * (1 - share) *
					(DL / DE) * (DE - DL) / DE;
			}
			term->weight = wt;
			wsum += wt;
		}
		if (scomm_core_interrupted())
			st = SCOMM_CANCELLED;
	}
	if (st == SCOMM_OK && (res->n == 0 || !(wsum > 0)))
	{
		if (diag != NULL)
		{
			diag->code = SCOMM_DID_ERR_NO_GROUPS;
			strcpy(diag->message, "no comparison of a group whose treatment starts inside the panel with another group");
		}
		st = SCOMM_EINVAL;
	}
	if (st == SCOMM_OK)
	{
		res->total = 0.0;
		for (i = 0; i < res->n; i++)
		{
			res->terms[i].weight /= wsum;
			res->total += res->terms[i].weight * res->terms[i].estimate;
		}
		qsort(res->terms, res->n, sizeof(scomm_did_bacon_term), TermCmp);
	}
	for (a = 0; a < ng; a++)
		scomm_core_free(g[a].mean);
	scomm_core_free(tt);
	scomm_core_free(gt);
	scomm_core_free(g);
	if (st != SCOMM_OK)
		scomm_did_bacon_free(res);
	else
		*out = res;
	return st;
}
