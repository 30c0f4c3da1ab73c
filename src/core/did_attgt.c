/*
 * did_attgt.c: group-time average treatment effects ATT(g,t) of Callaway &
 * Sant'Anna (2021), following did 2.5.1 (R/pre_process_did.R,
 * R/compute.att_gt.R) and DRDID::drdid_panel without covariates.
 *
 * With an intercept only, drdid_panel reduces to the 2x2 difference of mean
 * changes, ATT = mean_T(dY) - mean_C(dY), dY = Y_t - Y_base, and its
 * influence function (rescaled by n/n1 as compute.att_gt does) is
 *   IF_i = n (dY_i - mean_T) / N_T  for treated units,
 *   IF_i = -n (dY_i - mean_C) / N_C for control units, 0 otherwise.
 * A cell is therefore stored compactly: its periods, the treated unit block,
 * the control unit range and the two means.  Units are ordered by cohort
 * (never-treated last), so every control set is a contiguous range minus
 * the treated block.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "did_int.h"

/* DRDID's propensity-score trimming level for control units */
#define DID_TRIM_LEVEL 0.995

typedef struct UnitKey
{
	int32_t		cohort;
	int64_t		id;
	int			row;
} UnitKey;

/* Order units by cohort (never-treated last), then id. */
static int
UnitKeyCmp(const void *a, const void *b)
{
	const UnitKey *x = a;
	const UnitKey *y = b;

	if (x->cohort != y->cohort)
		return x->cohort < y->cohort ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

void
scomm_did_attgt_free(scomm_did_attgt *a)
{
	if (a == NULL)
		return;
	scomm_core_free(a->periods);
	scomm_core_free(a->groups);
	scomm_core_free(a->cells);
	scomm_core_free(a->cohort_value);
	scomm_core_free(a->cohort_start);
	scomm_core_free(a->unit_cohort);
	scomm_core_free(a->y);
	scomm_core_free(a->x);
	scomm_core_free(a->w);
	scomm_core_free(a->unit_id);
	scomm_core_free(a->cl);
	scomm_core_free(a->cellpar);
	scomm_core_free(a);
}

/*
 * did's pre-processing of cohorts: cohorts after the last period (plus
 * anticipation) become never treated; without never-treated units the last
 * cohort becomes the comparison group and periods from its start (less
 * anticipation) are dropped.  Returns the number of periods kept.
 */
static int
PrepareCohorts(const scomm_did_panel *p, int delta, UnitKey *keys, int *flags)
{
	int64_t		tmax = p->periods[p->n_periods - 1];
	int32_t		latest = INT32_MIN;
	int			i,
				nt = p->n_periods,
				any_never = 0;

	for (i = 0; i < p->n_units; i++)
	{
		int32_t		g = p->first_period[i];

		if (g != SCOMM_DID_NEVER && (int64_t) g > tmax + delta)
		{
			g = SCOMM_DID_NEVER;
			*flags |= SCOMM_DID_FLAG_LATE_AS_NEVER;
		}
		keys[i].cohort = g;
		keys[i].id = p->unit_ids[i];
		keys[i].row = i;
		if (g == SCOMM_DID_NEVER)
			any_never = 1;
		else if (g > latest)
			latest = g;
	}
	if (any_never)
		return nt;
	*flags |= SCOMM_DID_FLAG_LAST_COHORT_CONTROL;
	for (i = 0; i < p->n_units; i++)
		if (keys[i].cohort == latest)
			keys[i].cohort = SCOMM_DID_NEVER;
	while (nt > 0 && (int64_t) p->periods[nt - 1] >= (int64_t) latest - delta)
		nt--;
	return nt;
}

/* Does unit row of p have an outcome in one of the first nt periods? */
static int
ObservedBefore(const scomm_did_panel *p, int row, int nt)
{
	int			t;

	for (t = 0; t < nt; t++)
		if (!isnan(p->y[(size_t) row * p->n_periods + t]))
			return 1;
	return 0;
}

/*
 * Drop units treated by the first period (plus anticipation), and (units
 * kept incomplete) units without an outcome in the periods used; sort the
 * rest.  *dropped counts the first kind.
 */
static int
DropEarly(const scomm_did_panel *p, int nt, UnitKey *keys, int nu,
		  int32_t fp, int delta, int *dropped)
{
	int			i,
				k = 0,
				early = 0;

	for (i = 0; i < nu; i++)
	{
		if (!(keys[i].cohort == SCOMM_DID_NEVER ||
			  (int64_t) keys[i].cohort > (int64_t) fp + delta))
			early++;
		else if (nt == p->n_periods || ObservedBefore(p, keys[i].row, nt))
			keys[k++] = keys[i];
	}
	*dropped = early;
	qsort(keys, k, sizeof(UnitKey), UnitKeyCmp);
	return k;
}

/* Build cohort tables and the reordered outcome matrix. */
static scomm_status
BuildUnits(scomm_did_attgt *a, const scomm_did_panel *p, const UnitKey *keys)
{
	int			i,
				c = 0,
				nt = a->n_periods;

	a->cohort_value = scomm_core_alloc((a->n + 1) * sizeof(int32_t));
	a->cohort_start = scomm_core_alloc((a->n + 2) * sizeof(int));
	a->unit_cohort = scomm_core_alloc(a->n * sizeof(int));
	a->y = scomm_core_alloc((size_t) a->n * nt * sizeof(double));
	a->groups = scomm_core_alloc((a->n + 1) * sizeof(int32_t));
	a->unit_id = scomm_core_alloc(a->n * sizeof(int64_t));
	a->n_cov = p->n_cov;
	if (p->n_cov > 0)
		a->x = scomm_core_alloc((size_t) a->n * nt * p->n_cov * sizeof(double));
	if (p->weight != NULL)
		a->w = scomm_core_alloc(a->n * sizeof(double));
	if (!a->cohort_value || !a->cohort_start || !a->unit_cohort || !a->y ||
		!a->groups || !a->unit_id || (p->n_cov > 0 && !a->x) ||
		(p->weight != NULL && !a->w))
		return SCOMM_ENOMEM;
	for (i = 0; i < a->n; i++)
	{
		if (i == 0 || keys[i].cohort != keys[i - 1].cohort)
		{
			a->cohort_value[c] = keys[i].cohort;
			a->cohort_start[c++] = i;
			if (keys[i].cohort != SCOMM_DID_NEVER)
				a->groups[a->n_groups++] = keys[i].cohort;
		}
		a->unit_cohort[i] = c - 1;
		memcpy(a->y + (size_t) i * nt,
			   p->y + (size_t) keys[i].row * p->n_periods, nt * sizeof(double));
		a->unit_id[i] = keys[i].id;
		if (p->n_cov > 0)
			memcpy(a->x + (size_t) i * nt * p->n_cov,
				   p->cov + (size_t) keys[i].row * p->n_periods * p->n_cov,
				   (size_t) nt * p->n_cov * sizeof(double));
		if (p->weight != NULL)
			a->w[i] = p->weight[keys[i].row];
	}
	a->n_cohorts = c;
	a->cohort_start[c] = a->n;
	return SCOMM_OK;
}

/* Index of the last period with periods[b] + delta < g, or -1. */
static int
LastPreIndex(const scomm_did_attgt *a, int32_t g)
{
	int			b = -1,
				j;

	for (j = 0; j < a->n_periods; j++)
		if ((int64_t) a->periods[j] + a->opt.anticipation < g)
			b = j;
	return b;
}

/* First ordered unit whose cohort is later than thr (never-treated count). */
static int
FirstLaterUnit(const scomm_did_attgt *a, int64_t thr)
{
	int			c;

	for (c = 0; c < a->n_cohorts; c++)
		if (a->cohort_value[c] == SCOMM_DID_NEVER ||
			(int64_t) a->cohort_value[c] > thr)
			return a->cohort_start[c];
	return a->n;
}

/* Mean change Y_t - Y_b over units [lo, hi) and the sum of squares about it. */
static void
MeanChange(const scomm_did_attgt *a, int lo, int hi, int t, int b,
		   double *mean, double *ss)
{
	const double *y = a->y;
	int			nt = a->n_periods,
				i;
	double		s = 0.0,
				q = 0.0;

	for (i = lo; i < hi; i++)
		s += y[(size_t) i * nt + t] - y[(size_t) i * nt + b];
	*mean = (hi > lo) ? s / (hi - lo) : 0.0;
	for (i = lo; i < hi; i++)
	{
		double		d = y[(size_t) i * nt + t] - y[(size_t) i * nt + b] - *mean;

		q += d * d;
	}
	*ss = q;
}

/* Mean change and sum of squares over the control range minus the treated. */
static void
ControlChange(const scomm_did_attgt *a, const scomm_did_cell *c,
			  double *mean, double *ss)
{
	double		m1,
				s1,
				m2 = 0,
				s2 = 0;
	int			n1,
				n2 = 0,
				lo2 = c->treat_hi;

	if (c->treat_lo >= c->ctrl_lo)
	{
		/* [ctrl_lo, treat_lo) and [treat_hi, n) */
		n1 = c->treat_lo - c->ctrl_lo;
		MeanChange(a, c->ctrl_lo, c->treat_lo, c->t_idx, c->b_idx, &m1, &s1);
	}
	else
	{
		n1 = a->n - c->ctrl_lo;
		MeanChange(a, c->ctrl_lo, a->n, c->t_idx, c->b_idx, &m1, &s1);
		lo2 = a->n;
	}
	if (lo2 < a->n)
	{
		n2 = a->n - lo2;
		MeanChange(a, lo2, a->n, c->t_idx, c->b_idx, &m2, &s2);
	}
	if (n1 + n2 == 0)
	{
		*mean = *ss = 0.0;
		return;
	}
	/* pool the two pieces (parallel-variance formula) */
	*mean = (n1 * m1 + n2 * m2) / (n1 + n2);
	*ss = s1 + s2 + (n1 > 0 && n2 > 0 ?
					 (m1 - m2) * (m1 - m2) * n1 * (double) n2 / (n1 + n2) : 0.0);
}

/* Estimate one cell whose periods and unit sets are set. */
static void
EstimateCell(const scomm_did_attgt *a, scomm_did_cell *c, double z)
{
	double		ss_t,
				ss_c,
				nt = c->n_treated,
				nc = c->n_control;

	c->att = c->se = c->ci_lo = c->ci_hi = NAN;
	if (c->n_control == 0 || c->n_treated == 0)
	{
		c->status = SCOMM_DID_CELL_NO_CONTROL;
		return;
	}
	if (nt / (nt + nc) >= DID_TRIM_LEVEL)
	{
		c->status = SCOMM_DID_CELL_TRIMMED;
		return;
	}
	MeanChange(a, c->treat_lo, c->treat_hi, c->t_idx, c->b_idx,
			   &c->mean_treated, &ss_t);
	ControlChange(a, c, &c->mean_control, &ss_c);
	c->status = SCOMM_DID_CELL_OK;
	c->att = c->mean_treated - c->mean_control;
	c->se = sqrt(ss_t / (nt * nt) + ss_c / (nc * nc));
	if (!(c->se > DID_SE_ZERO))
		c->se = NAN;
	c->ci_lo = c->att - z * c->se;
	c->ci_hi = c->att + z * c->se;
}

/* Set the periods and unit sets of the cell for group index gi, period j. */
static void
SetupCell(const scomm_did_attgt *a, int gi, int j, scomm_did_cell *c)
{
	int32_t		g = a->groups[gi];
	int			bpre = LastPreIndex(a, g),
				cohort = 0,
				thr_idx;
	int			universal = a->opt.base_period == SCOMM_DID_BASE_UNIVERSAL;

	while (a->cohort_value[cohort] != g)
		cohort++;
	c->group = g;
	c->period = a->periods[j];
	c->post = g <= a->periods[j];
	c->t_idx = j;
	c->b_idx = (universal || c->post) ? bpre : j - 1;
	c->base = a->periods[c->b_idx];
	thr_idx = universal ? (j > bpre ? j : bpre) : j;
	c->treat_lo = a->cohort_start[cohort];
	c->treat_hi = a->cohort_start[cohort + 1];
	c->n_treated = c->treat_hi - c->treat_lo;
	if (a->opt.control == SCOMM_DID_NEVER_TREATED)
		c->ctrl_lo = FirstLaterUnit(a, (int64_t) INT32_MAX);
	else
		c->ctrl_lo = FirstLaterUnit(a, (int64_t) a->periods[thr_idx] +
									a->opt.anticipation);
	c->n_control = a->n - c->ctrl_lo;
	if (c->treat_lo >= c->ctrl_lo)
		c->n_control -= c->n_treated;
}

/* Compute every cell; did's loop order (group, then period). */
static scomm_status
ComputeCells(scomm_did_attgt *a)
{
	int			universal = a->opt.base_period == SCOMM_DID_BASE_UNIVERSAL;
	int			j0 = universal ? 0 : 1,
				per = a->n_periods - j0,
				gi,
				j,
				k = 0;
	double		z = did_zcrit(a->opt.alpha);

	a->cells = scomm_core_alloc((size_t) a->n_groups * per *
								sizeof(scomm_did_cell));
	if (a->cells == NULL)
		return SCOMM_ENOMEM;
	for (gi = 0; gi < a->n_groups; gi++)
	{
		if (scomm_core_interrupted())
			return SCOMM_CANCELLED;
		for (j = j0; j < a->n_periods; j++)
		{
			scomm_did_cell *c = &a->cells[k++];

			SetupCell(a, gi, j, c);
			if (universal && c->b_idx == j)
			{
				c->status = SCOMM_DID_CELL_REFERENCE;
				c->att = 0.0;
				c->se = c->ci_lo = c->ci_hi = NAN;
				c->mean_treated = c->mean_control = 0.0;
				continue;
			}
			if (a->kind == SCOMM_DID_KIND_COMPACT)
				EstimateCell(a, c, z);
		}
	}
	a->n_cells = k;
	return SCOMM_OK;
}

/* Validate options. */
static int
OptionsValid(const scomm_did_options *o)
{
	return o != NULL &&
		(o->control == SCOMM_DID_NEVER_TREATED ||
		 o->control == SCOMM_DID_NOT_YET_TREATED) &&
		(o->base_period == SCOMM_DID_BASE_VARYING ||
		 o->base_period == SCOMM_DID_BASE_UNIVERSAL) &&
		o->anticipation >= 0 && o->alpha > 0.0 && o->alpha < 1.0 &&
		o->method >= SCOMM_DID_METHOD_DR && o->method <= SCOMM_DID_METHOD_REG &&
		(o->se_level == SCOMM_DID_SE_UNIT || o->se_level == SCOMM_DID_SE_CLUSTER);
}

static int
Int64Cmp(const void *x, const void *y)
{
	int64_t		a = *(const int64_t *) x,
				b = *(const int64_t *) y;

	return (a > b) - (a < b);
}

/* Cluster index (0 .. n_clusters - 1) of every ordered unit. */
static scomm_status
BuildClusters(scomm_did_attgt *a, const scomm_did_panel *p, const UnitKey *keys)
{
	int64_t    *ids = scomm_core_alloc((a->n + 1) * sizeof(int64_t));
	int			i,
				g = 0;

	a->cl = scomm_core_alloc((a->n + 1) * sizeof(int));
	if (ids == NULL || a->cl == NULL)
	{
		scomm_core_free(ids);
		return SCOMM_ENOMEM;
	}
	for (i = 0; i < a->n; i++)
		ids[i] = p->cluster[keys[i].row];
	qsort(ids, a->n, sizeof(int64_t), Int64Cmp);
	for (i = 0; i < a->n; i++)
		if (g == 0 || ids[g - 1] != ids[i])
			ids[g++] = ids[i];
	for (i = 0; i < a->n; i++)
	{
		int64_t		v = p->cluster[keys[i].row];
		int			lo = 0,
					hi = g - 1;

		while (lo < hi)
		{
			int			mid = (lo + hi) / 2;

			if (ids[mid] < v)
				lo = mid + 1;
			else
				hi = mid;
		}
		a->cl[i] = lo;
	}
	a->n_clusters = g;
	scomm_core_free(ids);
	return SCOMM_OK;
}

/*
 * Standard errors and intervals of the cells from their unit-level
 * influence functions (general estimators, or clusters).
 */
static scomm_status
CellStandardErrors(scomm_did_attgt *a)
{
	double	   *ifv = scomm_core_alloc((a->n + 1) * sizeof(double));
	double		z = did_zcrit(a->opt.alpha);
	int			k;

	if (ifv == NULL)
		return SCOMM_ENOMEM;
	for (k = 0; k < a->n_cells; k++)
	{
		scomm_did_cell *c = &a->cells[k];

		if (scomm_core_interrupted())
		{
			scomm_core_free(ifv);
			return SCOMM_CANCELLED;
		}
		if (c->status != SCOMM_DID_CELL_OK)
			continue;
		memset(ifv, 0, a->n * sizeof(double));
		did_cell_add_if(a, c, 1.0, ifv);
		c->se = scomm_did_se_of_if(a, ifv);
		c->ci_lo = c->att - z * c->se;
		c->ci_hi = c->att + z * c->se;
	}
	scomm_core_free(ifv);
	return SCOMM_OK;
}

/* Keep the estimable groups: later than the first period plus anticipation. */
static void
FilterGroups(scomm_did_attgt *a)
{
	int			i,
				k = 0;

	for (i = 0; i < a->n_groups; i++)
		if ((int64_t) a->groups[i] > (int64_t) a->periods[0] + a->opt.anticipation)
			a->groups[k++] = a->groups[i];
	a->n_groups = k;
}

scomm_status
scomm_did_att_gt(const scomm_did_panel *p, const scomm_did_options *opt,
				 scomm_did_attgt **out, scomm_did_diag *diag)
{
	scomm_did_attgt *a;
	UnitKey    *keys;
	scomm_status st;
	int			nt;

	if (p == NULL || out == NULL || !OptionsValid(opt) || p->n_units < 1 ||
		p->n_periods < 2)
		return SCOMM_EINVAL;
	*out = NULL;
	if (diag)
		memset(diag, 0, sizeof(*diag));
	a = scomm_core_alloc(sizeof(scomm_did_attgt));
	keys = scomm_core_alloc(p->n_units * sizeof(UnitKey));
	if (a == NULL || keys == NULL)
	{
		scomm_core_free(a);
		scomm_core_free(keys);
		return SCOMM_ENOMEM;
	}
	a->opt = *opt;
	a->kind = (p->sampling == SCOMM_DID_SAMPLING_CROSS_SECTION ||
			   p->unbalanced == SCOMM_DID_UNBALANCED_KEEP) ? SCOMM_DID_KIND_RC :
		(p->n_cov > 0 || p->weight != NULL) ? SCOMM_DID_KIND_PANEL :
		SCOMM_DID_KIND_COMPACT;
	if (opt->se_level == SCOMM_DID_SE_CLUSTER && p->cluster == NULL)
	{
		st = SCOMM_EINVAL;
		if (diag)
		{
			diag->code = SCOMM_DID_ERR_CLUSTER;
			strcpy(diag->message, "the panel has no cluster ids to cluster by");
		}
		goto fail;
	}
	nt = PrepareCohorts(p, opt->anticipation, keys, &a->flags);
	st = SCOMM_EEMPTY;
	if (nt < 2)
	{
		if (diag)
		{
			diag->code = SCOMM_DID_ERR_FEW_PERIODS;
			strcpy(diag->message, "fewer than two periods precede the last cohort's treatment");
		}
		goto fail;
	}
	a->n_periods = nt;
	a->n = DropEarly(p, nt, keys, p->n_units, p->periods[0], opt->anticipation,
					 &a->n_dropped_early);
	if (a->n_dropped_early > 0)
		a->flags |= SCOMM_DID_FLAG_DROPPED_EARLY;
	st = SCOMM_ENOMEM;
	a->periods = scomm_core_alloc(nt * sizeof(int32_t));
	if (a->periods == NULL || a->n == 0)
		goto fail;
	memcpy(a->periods, p->periods, nt * sizeof(int32_t));
	if ((st = BuildUnits(a, p, keys)) != SCOMM_OK)
		goto fail;
	if (opt->se_level == SCOMM_DID_SE_CLUSTER && (st = BuildClusters(a, p, keys)) != SCOMM_OK)
		goto fail;
	FilterGroups(a);
	if (a->n_groups == 0)
	{
		st = SCOMM_EEMPTY;
		if (diag)
		{
			diag->code = SCOMM_DID_ERR_NO_GROUPS;
			strcpy(diag->message, "no treated cohort starts after the first period");
		}
		goto fail;
	}
	if ((st = ComputeCells(a)) != SCOMM_OK)
		goto fail;
	if (a->kind != SCOMM_DID_KIND_COMPACT &&
		((st = did_check_covariates(a, diag)) != SCOMM_OK ||
		 (st = did_estimate_cells(a, diag)) != SCOMM_OK))
		goto fail;
	/* (the general estimators give their cells' standard errors themselves) */
	if (a->kind == SCOMM_DID_KIND_COMPACT && opt->se_level == SCOMM_DID_SE_CLUSTER &&
		(st = CellStandardErrors(a)) != SCOMM_OK)
		goto fail;
	scomm_core_free(keys);
	*out = a;
	return SCOMM_OK;
fail:
	if (a->n == 0 && st == SCOMM_ENOMEM && a->periods != NULL)
	{
		st = SCOMM_EEMPTY;
		if (diag)
		{
			diag->code = SCOMM_DID_ERR_NO_UNITS;
			strcpy(diag->message, "every unit is treated in the first period");
		}
	}
	scomm_core_free(keys);
	scomm_did_attgt_free(a);
	return st;
}
