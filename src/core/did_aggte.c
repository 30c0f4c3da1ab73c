/*
 * did_aggte.c: aggregations of ATT(g,t) as did 2.5.1's aggte
 * (R/compute.aggte.R): simple, dynamic (event study), group, calendar.
 *
 * Every aggregate is a linear functional of the cell influence functions
 * plus did's "wif" term for the estimated group shares pg = N_g / n.  For a
 * set K of cells with weights pg_k / S (S = sum pg_k) and estimate theta,
 * did's wif(K) %*% att collapses to a per-cohort constant:
 *   wif_i = (1/S) sum_{k in K, g_k = G_i} (att_k - theta),
 * which is what cohort_coef stores.  Cells with a NULL estimate are left out
 * (did's na.rm = TRUE).
 */
#include <math.h>
#include <string.h>

#include "did_int.h"

typedef struct AggCtx
{
	const scomm_did_attgt *a;
	int		   *use;			/* usable cells, in cell order */
	int			n_use;
	int		   *idx;			/* scratch list of cells */
	double	   *pg;				/* per cohort: share of units */
	double	   *ifv;			/* scratch influence function */
	scomm_did_agg_options o;	/* aggte's min_e, max_e, balance_e */
	int64_t		t_first;		/* did's t2orig(1): first cell's period */
	int64_t		t_last;			/* did's t2orig(maxT): last period */
	/*
	 * The 1.1 estimators keep each term's influence function (terms x n) so
	 * that the overall one is their combination instead of a second pass over
	 * the cells; the 1.0 panels keep the 1.0 computation, bit for bit.
	 */
	double	   *tif;
	int			tif_terms;
} AggCtx;

/* Room for the terms' influence functions (general estimators only). */
static void
TermIfInit(AggCtx *x, int nk)
{
	const scomm_did_attgt *a = x->a;

	if (a->kind == SCOMM_DID_KIND_COMPACT || nk < 1 ||
		(double) nk * a->n * sizeof(double) > 512.0 * 1024 * 1024)
		return;
	x->tif = scomm_core_alloc((size_t) nk * a->n * sizeof(double));
	x->tif_terms = x->tif != NULL ? nk : 0;
}

/* ifv = sum_i sc[i] * (influence function of term sel[i]) */
static void
TermIfCombine(AggCtx *x, const int *sel, const double *sc, int m)
{
	int			n = x->a->n,
				i,
				u;

	memset(x->ifv, 0, n * sizeof(double));
	for (i = 0; i < m; i++)
	{
		const double *t = x->tif + (size_t) sel[i] * n;

		for (u = 0; u < n; u++)
			x->ifv[u] += sc[i] * t[u];
	}
}

/* Is usable cell c in the balanced sample (did's include.balanced.gt)? */
static int
Balanced(const AggCtx *x, const scomm_did_cell *c)
{
	return !x->o.has_balance_e || x->t_last - c->group >= x->o.balance_e;
}

/* Is post cell c within max_e periods of treatment (did's keepers)? */
static int
WithinMaxE(const AggCtx *x, const scomm_did_cell *c)
{
	return !x->o.has_max_e || (int64_t) c->period - c->group <= x->o.max_e;
}

/* Cohort index of a cell's treated group. */
static int
CellCohort(const scomm_did_attgt *a, int k)
{
	return a->unit_cohort[a->cells[k].treat_lo];
}

/* Cells idx weighted by group share (did's pg / sum(pg)), optionally + wif. */
static scomm_status
WeightedSet(AggCtx *x, const int *idx, int m, int with_wif,
			scomm_did_linear *l, double *est)
{
	const scomm_did_attgt *a = x->a;
	double		S = 0.0,
				theta = 0.0;
	int			i;

	if (did_linear_init(l, m, a->n_cohorts) != SCOMM_OK)
		return SCOMM_ENOMEM;
	for (i = 0; i < m; i++)
		S += x->pg[CellCohort(a, idx[i])];
	for (i = 0; i < m; i++)
	{
		l->cell[i] = idx[i];
		l->w[i] = x->pg[CellCohort(a, idx[i])] / S;
		theta += l->w[i] * a->cells[idx[i]].att;
	}
	l->n_terms = m;
	*est = theta;
	if (with_wif)
		for (i = 0; i < m; i++)
			l->cohort_coef[CellCohort(a, idx[i])] +=
				(a->cells[idx[i]].att - theta) / S;
	return SCOMM_OK;
}

/* out = sum_j scale[j] * lin[j] */
static scomm_status
Combine(const scomm_did_attgt *a, const scomm_did_linear *lin,
		const double *scale, int m, scomm_did_linear *out)
{
	int			j,
				i,
				n = 0;

	for (j = 0; j < m; j++)
		n += lin[j].n_terms;
	if (did_linear_init(out, n, a->n_cohorts) != SCOMM_OK)
		return SCOMM_ENOMEM;
	for (j = 0; j < m; j++)
	{
		for (i = 0; i < lin[j].n_terms; i++)
		{
			out->cell[out->n_terms] = lin[j].cell[i];
			out->w[out->n_terms++] = scale[j] * lin[j].w[i];
		}
		for (i = 0; i < a->n_cohorts; i++)
			out->cohort_coef[i] += scale[j] * lin[j].cohort_coef[i];
	}
	return SCOMM_OK;
}

/* Fill an estimate's standard error and interval from its functional. */
static void
FillEstimate(AggCtx *x, const scomm_did_linear *l, double est,
			 scomm_did_estimate *e)
{
	e->est = est;
	scomm_did_linear_if(x->a, l, x->ifv);
	e->se = scomm_did_se_of_if(x->a, x->ifv);
	did_fill_ci(e, x->a->opt.alpha);
}

/* Allocate the term arrays of g for nt terms (plus the overall functional). */
static scomm_status
AllocTerms(scomm_did_agg *g, int nt)
{
	g->n_terms = nt;
	g->term = scomm_core_alloc((nt + 1) * sizeof(int32_t));
	g->terms = scomm_core_alloc((nt + 1) * sizeof(scomm_did_estimate));
	g->lin = scomm_core_alloc((nt + 1) * sizeof(scomm_did_linear));
	return (g->term && g->terms && g->lin) ? SCOMM_OK : SCOMM_ENOMEM;
}

/* Overall = equal-weight mean of the selected terms, no wif (did). */
static scomm_status
MeanOfTerms(AggCtx *x, scomm_did_agg *g, const int *sel, int nsel)
{
	scomm_did_linear *tmp;
	double	   *sc;
	double		est = 0.0;
	int			i;
	scomm_status st = SCOMM_ENOMEM;

	if (nsel == 0)
	{
		g->overall.est = g->overall.se = g->overall.ci_lo = g->overall.ci_hi = NAN;
		return did_linear_init(&g->lin[g->n_terms], 0, x->a->n_cohorts);
	}
	tmp = scomm_core_alloc(nsel * sizeof(scomm_did_linear));
	sc = scomm_core_alloc(nsel * sizeof(double));
	if (tmp != NULL && sc != NULL)
	{
		for (i = 0; i < nsel; i++)
		{
			tmp[i] = g->lin[sel[i]];	/* shallow copy, not freed */
			sc[i] = 1.0 / nsel;
			est += g->terms[sel[i]].est / nsel;
		}
		st = Combine(x->a, tmp, sc, nsel, &g->lin[g->n_terms]);
	}
	if (st == SCOMM_OK && x->tif != NULL && sel[nsel - 1] < x->tif_terms)
	{
		TermIfCombine(x, sel, sc, nsel);
		g->overall.est = est;
		g->overall.se = scomm_did_se_of_if(x->a, x->ifv);
		did_fill_ci(&g->overall, x->a->opt.alpha);
	}
	else if (st == SCOMM_OK)
		FillEstimate(x, &g->lin[g->n_terms], est, &g->overall);
	scomm_core_free(tmp);
	scomm_core_free(sc);
	return st;
}

/* type simple: post cells weighted by group share, with wif. */
static scomm_status
AggSimple(AggCtx *x, scomm_did_agg *g)
{
	int			i,
				m = 0;
	double		est;
	scomm_status st;

	for (i = 0; i < x->n_use; i++)
		if (x->a->cells[x->use[i]].post && WithinMaxE(x, &x->a->cells[x->use[i]]))
			x->idx[m++] = x->use[i];
	if ((st = AllocTerms(g, 0)) != SCOMM_OK)
		return st;
	if ((st = WeightedSet(x, x->idx, m, 1, &g->lin[0], &est)) != SCOMM_OK)
		return st;
	if (m == 0)
	{
		g->overall.est = g->overall.se = g->overall.ci_lo = g->overall.ci_hi = NAN;
		return SCOMM_OK;
	}
	FillEstimate(x, &g->lin[0], est, &g->overall);
	return SCOMM_OK;
}

/* Collect usable cells matching key(cell) == v (and post if post_only). */
static int
Select(AggCtx *x, int kind, int64_t v, int post_only)
{
	int			i,
				m = 0;

	for (i = 0; i < x->n_use; i++)
	{
		const scomm_did_cell *c = &x->a->cells[x->use[i]];
		int64_t		key = kind == 0 ? (int64_t) c->period - c->group :
			kind == 1 ? c->group : c->period;

		if (key != v || (post_only && !c->post))
			continue;
		if (kind == 0 && !Balanced(x, c))
			continue;			/* dynamic: cohorts left out by balance_e */
		if (kind == 1 && !WithinMaxE(x, c))
			continue;			/* group: post cells beyond max_e */
		x->idx[m++] = x->use[i];
	}
	return m;
}

/* Sorted distinct keys (0: event time, 1: group, 2: period) of usable cells. */
static int
DistinctKeys(AggCtx *x, int kind, int64_t *keys)
{
	int			i,
				j,
				m = 0;

	for (i = 0; i < x->n_use; i++)
	{
		const scomm_did_cell *c = &x->a->cells[x->use[i]];
		int64_t		key = kind == 0 ? (int64_t) c->period - c->group :
			kind == 1 ? c->group : c->period;

		if (kind == 0 && !Balanced(x, c))
			continue;
		for (j = m; j > 0 && keys[j - 1] > key; j--)
			;
		if (j > 0 && keys[j - 1] == key)
			continue;
		memmove(keys + j + 1, keys + j, (m - j) * sizeof(int64_t));
		keys[j] = key;
		m++;
	}
	return m;
}


/* Store term j: key v, functional from cells idx[0..m), with or without wif. */
static scomm_status
Term(AggCtx *x, scomm_did_agg *g, int j, int64_t v, int m, int with_wif)
{
	double		est;
	scomm_status st;

	if (v < INT32_MIN || v > INT32_MAX)
		return SCOMM_EINVAL;
	g->term[j] = (int32_t) v;
	if ((st = WeightedSet(x, x->idx, m, with_wif, &g->lin[j], &est)) != SCOMM_OK)
		return st;
	FillEstimate(x, &g->lin[j], est, &g->terms[j]);
	if (j < x->tif_terms)
		memcpy(x->tif + (size_t) j * x->a->n, x->ifv, x->a->n * sizeof(double));
	return SCOMM_OK;
}

/*
 * Event times kept by aggte's options: with balance_e those of the balanced
 * cohorts' cells between balance_e - (t_last - t_first) and balance_e, then
 * those in [min_e, max_e].
 */
static int
FilterEventTimes(const AggCtx *x, int64_t *keys, int nk)
{
	int			j,
				m = 0;

	for (j = 0; j < nk; j++)
	{
		int64_t		e = keys[j];

		if (x->o.has_balance_e &&
			(e > x->o.balance_e || e < x->o.balance_e - x->t_last + x->t_first))
			continue;
		if ((x->o.has_min_e && e < x->o.min_e) || (x->o.has_max_e && e > x->o.max_e))
			continue;
		keys[m++] = e;
	}
	return m;
}

/* type dynamic: one term per event time e = t - g; overall = mean of e >= 0. */
static scomm_status
AggDynamic(AggCtx *x, scomm_did_agg *g, int64_t *keys, int *sel)
{
	int			nk = FilterEventTimes(x, keys, DistinctKeys(x, 0, keys)),
				j,
				nsel = 0;
	scomm_status st;

	if ((st = AllocTerms(g, nk)) != SCOMM_OK)
		return st;
	TermIfInit(x, nk);
	for (j = 0; j < nk; j++)
	{
		if (scomm_core_interrupted())
			return SCOMM_CANCELLED;
		g->n_terms = j;			/* only initialized terms are freed */
		if ((st = Term(x, g, j, keys[j], Select(x, 0, keys[j], 0), 1)) != SCOMM_OK)
			return st;
		if (keys[j] >= 0)
			sel[nsel++] = j;
	}
	g->n_terms = nk;
	return MeanOfTerms(x, g, sel, nsel);
}

/* type calendar: one term per period with treated cells; overall = mean. */
static scomm_status
AggCalendar(AggCtx *x, scomm_did_agg *g, int64_t *keys, int *sel)
{
	int			nk = DistinctKeys(x, 2, keys),
				j,
				m,
				nt = 0;
	int64_t		ming = INT64_MAX;
	scomm_status st;

	for (j = 0; j < x->n_use; j++)
		if (x->a->cells[x->use[j]].group < ming)
			ming = x->a->cells[x->use[j]].group;
	if ((st = AllocTerms(g, nk)) != SCOMM_OK)
		return st;
	TermIfInit(x, nk);
	for (j = 0; j < nk; j++)
	{
		if (keys[j] < ming || (m = Select(x, 2, keys[j], 1)) == 0)
			continue;
		g->n_terms = nt;
		if ((st = Term(x, g, nt, keys[j], m, 1)) != SCOMM_OK)
			return st;
		sel[nt] = nt;
		nt++;
	}
	g->n_terms = nt;
	return MeanOfTerms(x, g, sel, nt);
}

/*
 * did's weight term for the overall group aggregate: the k-th group share
 * against membership in a group.  did 2.1.2 (compute.aggte.R, also at
 * commit c928ce8) passes the cell-level group vector to wif(), so the k-th
 * share meets the group of the k-th usable cell; did 2.5.1 uses the k-th
 * group.  The panels 1.0 handled (no covariates or weights, balanced)
 * follow 2.5.1, whose numbers 1.0 reproduced; the 1.1 estimators follow
 * 2.1.2, the reference for covariates (docs/did_core.md).
 */
static void
GroupWif(AggCtx *x, scomm_did_agg *g, double S, double theta)
{
	scomm_did_linear *l = &g->lin[g->n_terms];
	int			k;

	for (k = 0; k < g->n_terms; k++)
	{
		/* did 2.5.1: the k-th group; did 2.1.2: the group of the k-th cell */
		int			cell = x->a->kind == SCOMM_DID_KIND_COMPACT ?
			g->lin[k].cell[0] : x->use[k];

		l->cohort_coef[CellCohort(x->a, cell)] += (g->terms[k].est - theta) / S;
	}
}

/* type group: per-group mean of post cells; overall weighted by pg + wif. */
static scomm_status
AggGroup(AggCtx *x, scomm_did_agg *g, int64_t *keys, int *sel)
{
	int			nk = DistinctKeys(x, 1, keys),
				j,
				m,
				ng = 0;
	double	   *pgg,
				S = 0.0,
				theta = 0.0;
	scomm_status st;

	(void) sel;
	if ((st = AllocTerms(g, nk)) != SCOMM_OK)
		return st;
	TermIfInit(x, nk);
	if ((pgg = scomm_core_alloc((nk + 1) * sizeof(double))) == NULL)
		return SCOMM_ENOMEM;
	for (j = 0; j < nk; j++)
	{
		int64_t		v = keys[j];

		if ((m = Select(x, 1, v, 1)) == 0)
			continue;
		g->n_terms = ng;
		if ((st = Term(x, g, ng, v, m, 0)) != SCOMM_OK)
		{
			scomm_core_free(pgg);
			return st;
		}
		pgg[ng] = x->pg[CellCohort(x->a, x->idx[0])];
		S += pgg[ng];
		ng++;
	}
	g->n_terms = ng;
	for (j = 0; j < ng; j++)
	{
		theta += pgg[j] * g->terms[j].est / S;
		pgg[j] /= S;
	}
	st = Combine(x->a, g->lin, pgg, ng, &g->lin[ng]);
	if (st == SCOMM_OK && ng == 0)
		g->overall.est = g->overall.se = g->overall.ci_lo = g->overall.ci_hi = NAN;
	else if (st == SCOMM_OK && x->tif != NULL && ng <= x->tif_terms)
	{
		const scomm_did_attgt *a = x->a;
		double	   *coef = g->lin[ng].cohort_coef,
				   *before = scomm_core_alloc((a->n_cohorts + 1) * sizeof(double));
		int		   *all = scomm_core_alloc((ng + 1) * sizeof(int));
		int			u;

		if (before == NULL || all == NULL)
			st = SCOMM_ENOMEM;
		else
		{
			/* the group terms plus the weight term GroupWif adds */
			memcpy(before, coef, a->n_cohorts * sizeof(double));
			GroupWif(x, g, S, theta);
			for (j = 0; j < ng; j++)
				all[j] = j;
			TermIfCombine(x, all, pgg, ng);
			for (u = 0; u < a->n; u++)
				x->ifv[u] += DID_UNIT_WEIGHT(a, u) *
					(coef[a->unit_cohort[u]] - before[a->unit_cohort[u]]);
			g->overall.est = theta;
			g->overall.se = scomm_did_se_of_if(a, x->ifv);
			did_fill_ci(&g->overall, a->opt.alpha);
		}
		scomm_core_free(before);
		scomm_core_free(all);
	}
	else if (st == SCOMM_OK)
	{
		GroupWif(x, g, S, theta);
		FillEstimate(x, &g->lin[ng], theta, &g->overall);
	}
	scomm_core_free(pgg);
	return st;
}

/* Usable cells and group shares of a. */
static scomm_status
CtxInit(AggCtx *x, const scomm_did_attgt *a, const scomm_did_agg_options *o)
{
	int			i;

	memset(x, 0, sizeof(*x));
	x->a = a;
	if (o != NULL)
		x->o = *o;
	x->use = scomm_core_alloc((a->n_cells + 1) * sizeof(int));
	x->idx = scomm_core_alloc((a->n_cells + 1) * sizeof(int));
	x->pg = scomm_core_alloc(a->n_cohorts * sizeof(double));
	x->ifv = scomm_core_alloc(a->n * sizeof(double));
	if (!x->use || !x->idx || !x->pg || !x->ifv)
		return SCOMM_ENOMEM;
	for (i = 0; i < a->n_cells; i++)
		if (DID_CELL_USABLE(&a->cells[i]))
		{
			const scomm_did_cell *c = &a->cells[i];

			if (x->n_use == 0)
				x->t_first = c->period;
			if (x->n_use == 0 || c->period > x->t_last)
				x->t_last = c->period;
			x->use[x->n_use++] = i;
		}
	for (i = 0; i < a->n_cohorts; i++)
	{
		int			u;

		if (a->w == NULL)
			x->pg[i] = (double) (a->cohort_start[i + 1] - a->cohort_start[i]) / a->n;
		else
		{
			/* did: pg = mean(weights.ind * (G == g)) over the units */
			double		s = 0.0;

			for (u = a->cohort_start[i]; u < a->cohort_start[i + 1]; u++)
				s += a->w[u];
			x->pg[i] = s / a->n;
		}
	}
	return SCOMM_OK;
}

static void
CtxFree(AggCtx *x)
{
	scomm_core_free(x->tif);
	scomm_core_free(x->use);
	scomm_core_free(x->idx);
	scomm_core_free(x->pg);
	scomm_core_free(x->ifv);
}

scomm_status
scomm_did_aggte(const scomm_did_attgt *a, scomm_did_agg_type type,
				scomm_did_agg **out)
{
	return scomm_did_aggte_ex(a, type, NULL, out);
}

scomm_status
scomm_did_aggte_ex(const scomm_did_attgt *a, scomm_did_agg_type type,
				   const scomm_did_agg_options *o, scomm_did_agg **out)
{
	AggCtx		x;
	scomm_did_agg *g;
	int64_t    *keys;
	int		   *sel;
	scomm_status st;

	if (a == NULL || out == NULL || type < SCOMM_DID_AGG_SIMPLE ||
		type > SCOMM_DID_AGG_CALENDAR)
		return SCOMM_EINVAL;
	*out = NULL;
	g = scomm_core_alloc(sizeof(scomm_did_agg));
	keys = scomm_core_alloc((a->n_cells + 1) * sizeof(int64_t));
	sel = scomm_core_alloc((a->n_cells + 1) * sizeof(int));
	st = CtxInit(&x, a, o);
	if (st == SCOMM_OK && (!g || !keys || !sel))
		st = SCOMM_ENOMEM;
	if (st == SCOMM_OK)
	{
		g->type = type;
		g->n_skipped_cells = a->n_cells - x.n_use;
		if (type == SCOMM_DID_AGG_SIMPLE)
			st = AggSimple(&x, g);
		else if (type == SCOMM_DID_AGG_DYNAMIC)
			st = AggDynamic(&x, g, keys, sel);
		else if (type == SCOMM_DID_AGG_GROUP)
			st = AggGroup(&x, g, keys, sel);
		else
			st = AggCalendar(&x, g, keys, sel);
	}
	CtxFree(&x);
	scomm_core_free(keys);
	scomm_core_free(sel);
	if (st != SCOMM_OK)
	{
		scomm_did_agg_free(g);
		return st;
	}
	*out = g;
	return SCOMM_OK;
}

void
scomm_did_agg_free(scomm_did_agg *g)
{
	if (g == NULL)
		return;
	if (g->lin != NULL)
		scomm_did_linears_free(g->lin, g->n_terms + 1);
	scomm_core_free(g->term);
	scomm_core_free(g->terms);
	scomm_core_free(g);
}
