/*
 * did_panel.c: collect (unit, period, first_period, outcome) rows, with an
 * optional weight, cluster and covariates per row (1.1), and finalize them
 * into a units x periods panel: balanced (incomplete units dropped or an
 * error), with incomplete units kept, or with every row its own unit
 * (repeated cross sections).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "did.h"

/* Fill diag (which may be NULL) with a code, a unit, a period and a message. */
static void
SetDiag(scomm_did_diag *diag, scomm_did_error code, int64_t unit,
		int32_t period, const char *msg)
{
	if (diag == NULL)
		return;
	diag->code = code;
	diag->unit = unit;
	diag->period = period;
	snprintf(diag->message, sizeof(diag->message), "%s", msg);
}

/* An empty collector. */
scomm_did_collector *
scomm_did_collector_create(void)
{
	return scomm_core_alloc(sizeof(scomm_did_collector));
}

void
scomm_did_collector_free(scomm_did_collector *c)
{
	if (c == NULL)
		return;
	scomm_core_free(c->rows);
	scomm_core_free(c->weight);
	scomm_core_free(c->cluster);
	scomm_core_free(c->cov);
	scomm_core_free(c);
}

/* Grow *p (n used elements of size sz) to cap elements; 0 on failure. */
static int
GrowArray(void **p, size_t n, size_t cap, size_t sz)
{
	void	   *q = scomm_core_alloc_raw(cap * sz);

	if (q == NULL)
		return 0;
	if (n > 0)
		memcpy(q, *p, n * sz);
	scomm_core_free(*p);
	*p = q;
	return 1;
}

/* Make room for at least need rows, growing geometrically. */
static scomm_status
Reserve(scomm_did_collector *c, size_t need)
{
	size_t		cap;
	size_t		k = c->n_cov > 0 ? (size_t) c->n_cov : 1;

	if (need <= c->capacity)
		return SCOMM_OK;
	cap = c->capacity < 64 ? 64 : c->capacity;
	while (cap < need)
	{
		if (cap > ((size_t) -1) / 2 / (sizeof(scomm_did_row) + k * sizeof(double)))
			return SCOMM_ENOMEM;
		cap *= 2;
	}
	if (!GrowArray((void **) &c->rows, c->n_rows, cap, sizeof(scomm_did_row)))
		return SCOMM_ENOMEM;
	if (c->has_extra &&
		(!GrowArray((void **) &c->weight, c->n_rows, cap, sizeof(double)) ||
		 !GrowArray((void **) &c->cluster, c->n_rows, cap, sizeof(int64_t)) ||
		 (c->n_cov > 0 &&
		  !GrowArray((void **) &c->cov, c->n_rows * c->n_cov, cap * c->n_cov,
					 sizeof(double)))))
		return SCOMM_ENOMEM;
	c->capacity = cap;
	return SCOMM_OK;
}

/*
 * Give a collector without extra content the extra arrays (weights and
 * clusters NULL, n_cov covariates); only possible while it has no covariates.
 */
static scomm_status
AddExtra(scomm_did_collector *c, int n_cov)
{
	size_t		cap = c->capacity > 0 ? c->capacity : 1,
				i;

	if (c->has_extra)
		return SCOMM_OK;
	if (n_cov > 0 && c->n_rows > 0)
		return SCOMM_EINVAL;
	c->weight = scomm_core_alloc_raw(cap * sizeof(double));
	c->cluster = scomm_core_alloc_raw(cap * sizeof(int64_t));
	c->cov = n_cov > 0 ? scomm_core_alloc_raw(cap * n_cov * sizeof(double)) : NULL;
	if (c->weight == NULL || c->cluster == NULL || (n_cov > 0 && c->cov == NULL))
		return SCOMM_ENOMEM;
	for (i = 0; i < c->n_rows; i++)
	{
		c->weight[i] = NAN;
		c->cluster[i] = SCOMM_DID_NO_CLUSTER;
	}
	c->n_cov = n_cov;
	c->has_extra = 1;
	return SCOMM_OK;
}

/* Append one row (room, finite outcome); extras are the caller's. */
static scomm_status
AppendRow(scomm_did_collector *c, int64_t unit, int32_t period,
		  int32_t first_period, double y, scomm_did_diag *diag)
{
	scomm_did_row *r;

	if (!isfinite(y))
	{
		SetDiag(diag, SCOMM_DID_ERR_NONFINITE, unit, period,
				"outcome is not a finite number");
		return SCOMM_EINVAL;
	}
	if (Reserve(c, c->n_rows + 1) != SCOMM_OK)
		return SCOMM_ENOMEM;
	r = &c->rows[c->n_rows++];
	r->unit = unit;
	r->period = period;
	r->first_period = first_period;
	r->y = y;
	return SCOMM_OK;
}

/* Append one row; a non-finite outcome is rejected at once. */
scomm_status
scomm_did_collector_add(scomm_did_collector *c, int64_t unit, int32_t period,
						int32_t first_period, double y, scomm_did_diag *diag)
{
	scomm_status st;

	if (c == NULL)
		return SCOMM_EINVAL;
	if (c->has_extra && c->n_cov > 0)
	{
		SetDiag(diag, SCOMM_DID_ERR_COVARIATES, unit, period,
				"a row without covariates joins rows with covariates");
		return SCOMM_EINVAL;
	}
	if ((st = AppendRow(c, unit, period, first_period, y, diag)) != SCOMM_OK)
		return st;
	if (c->has_extra)
	{
		/* a plain row of a collector with content: no weight or cluster */
		c->weight[c->n_rows - 1] = NAN;
		c->cluster[c->n_rows - 1] = SCOMM_DID_NO_CLUSTER;
	}
	return SCOMM_OK;
}

/* Check a row's weight and covariates; diag names the unit. */
static scomm_status
CheckExtra(int64_t unit, int32_t period, double weight, const double *cov,
		   int n_cov, scomm_did_diag *diag)
{
	char		msg[160];
	int			j;

	if (!isnan(weight) && (!isfinite(weight) || weight < 0))
	{
		snprintf(msg, sizeof(msg), "weight %g of unit %lld in period %d is %s",
				 weight, (long long) unit, (int) period,
				 weight < 0 ? "negative" : "not finite");
		SetDiag(diag, SCOMM_DID_ERR_WEIGHT, unit, period, msg);
		return SCOMM_EINVAL;
	}
	for (j = 0; j < n_cov; j++)
		if (!isfinite(cov[j]))
		{
			snprintf(msg, sizeof(msg), "covariate %d of unit %lld in period %d is not a finite number",
					 j + 1, (long long) unit, (int) period);
			SetDiag(diag, SCOMM_DID_ERR_COVARIATES, unit, period, msg);
			return SCOMM_EINVAL;
		}
	return SCOMM_OK;
}

scomm_status
scomm_did_collector_add_ex(scomm_did_collector *c, int64_t unit,
						   int32_t period, int32_t first_period, double y,
						   double weight, int64_t cluster, const double *cov,
						   int n_cov, scomm_did_diag *diag)
{
	char		msg[200];
	scomm_status st;
	size_t		i;

	if (c == NULL || n_cov < 0 || n_cov > SCOMM_DID_MAX_COV ||
		(n_cov > 0 && cov == NULL))
		return SCOMM_EINVAL;
	if (!c->has_extra && (st = AddExtra(c, c->n_rows == 0 ? n_cov : 0)) != SCOMM_OK &&
		st != SCOMM_EINVAL)
		return st;
	if (n_cov != c->n_cov)
	{
		snprintf(msg, sizeof(msg), "unit %lld in period %d has %d covariates, other rows have %d",
				 (long long) unit, (int) period, n_cov, c->n_cov);
		SetDiag(diag, SCOMM_DID_ERR_COVARIATES, unit, period, msg);
		return SCOMM_EINVAL;
	}
	if ((st = CheckExtra(unit, period, weight, cov, n_cov, diag)) != SCOMM_OK)
		return st;
	if ((st = AppendRow(c, unit, period, first_period, y, diag)) != SCOMM_OK)
		return st;
	i = c->n_rows - 1;
	c->weight[i] = isnan(weight) ? NAN : weight;
	c->cluster[i] = cluster;
	if (n_cov > 0)
		memcpy(c->cov + i * n_cov, cov, n_cov * sizeof(double));
	return SCOMM_OK;
}

int
scomm_did_collector_has_content(const scomm_did_collector *c)
{
	size_t		i;

	if (c == NULL || !c->has_extra)
		return 0;
	if (c->n_cov > 0)
		return 1;
	for (i = 0; i < c->n_rows; i++)
		if (!isnan(c->weight[i]) || c->cluster[i] != SCOMM_DID_NO_CLUSTER)
			return 1;
	return 0;
}

/* Append the rows of src to dst. */
scomm_status
scomm_did_collector_merge(scomm_did_collector *dst,
						  const scomm_did_collector *src)
{
	size_t		n0,
				i;
	scomm_status st;

	if (dst == NULL || src == NULL)
		return SCOMM_EINVAL;
	if (src->n_rows == 0)
		return SCOMM_OK;
	if (src->has_extra && !dst->has_extra &&
		(st = AddExtra(dst, dst->n_rows == 0 ? src->n_cov : 0)) != SCOMM_OK &&
		st != SCOMM_EINVAL)
		return st;
	if ((src->has_extra ? src->n_cov : 0) != (dst->has_extra ? dst->n_cov : 0))
		return SCOMM_EINVAL;
	if (Reserve(dst, dst->n_rows + src->n_rows) != SCOMM_OK)
		return SCOMM_ENOMEM;
	n0 = dst->n_rows;
	memcpy(dst->rows + n0, src->rows, src->n_rows * sizeof(scomm_did_row));
	dst->n_rows += src->n_rows;
	if (!dst->has_extra)
		return SCOMM_OK;
	for (i = 0; i < src->n_rows; i++)
	{
		dst->weight[n0 + i] = src->has_extra ? src->weight[i] : NAN;
		dst->cluster[n0 + i] = src->has_extra ? src->cluster[i] : SCOMM_DID_NO_CLUSTER;
	}
	if (dst->n_cov > 0)
		memcpy(dst->cov + n0 * dst->n_cov, src->cov,
			   src->n_rows * dst->n_cov * sizeof(double));
	return SCOMM_OK;
}

/* Total order on rows: unit, period, then the other fields (determinism). */
static int
RowCmp(const void *a, const void *b)
{
	const scomm_did_row *x = a;
	const scomm_did_row *y = b;

	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->period != y->period)
		return x->period < y->period ? -1 : 1;
	if (x->first_period != y->first_period)
		return x->first_period < y->first_period ? -1 : 1;
	if (x->y != y->y)
		return x->y < y->y ? -1 : 1;
	return 0;
}

/* Compare doubles as a total order (NaN first, as for NULL weights). */
static int
DoubleOrder(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(b) - isnan(a);
	return (a > b) - (a < b);
}

/* sort context for rows with extra content (qsort has no argument) */
static const scomm_did_collector *sort_c;

/* Row order, then weight, cluster and covariates (determinism). */
static int
IndexCmp(const void *a, const void *b)
{
	size_t		i = *(const size_t *) a,
				j = *(const size_t *) b;
	const scomm_did_collector *c = sort_c;
	int			r = RowCmp(&c->rows[i], &c->rows[j]),
				k;

	if (r != 0)
		return r;
	if ((r = DoubleOrder(c->weight[i], c->weight[j])) != 0)
		return r;
	if (c->cluster[i] != c->cluster[j])
		return c->cluster[i] < c->cluster[j] ? -1 : 1;
	for (k = 0; k < c->n_cov; k++)
		if ((r = DoubleOrder(c->cov[i * c->n_cov + k], c->cov[j * c->n_cov + k])) != 0)
			return r;
	return 0;
}

/* Apply the permutation perm to the arrays of c (scratch of n rows). */
static int
Permute(scomm_did_collector *c, const size_t *perm)
{
	size_t		n = c->n_rows,
				k = c->n_cov,
				i;
	scomm_did_row *rows = scomm_core_alloc_raw(n * sizeof(scomm_did_row));
	double	   *w = scomm_core_alloc_raw(n * sizeof(double));
	int64_t    *cl = scomm_core_alloc_raw(n * sizeof(int64_t));
	double	   *x = k > 0 ? scomm_core_alloc_raw(n * k * sizeof(double)) : NULL;

	if (!rows || !w || !cl || (k > 0 && !x))
	{
		scomm_core_free(rows);
		scomm_core_free(w);
		scomm_core_free(cl);
		scomm_core_free(x);
		return 0;
	}
	for (i = 0; i < n; i++)
	{
		rows[i] = c->rows[perm[i]];
		w[i] = c->weight[perm[i]];
		cl[i] = c->cluster[perm[i]];
		if (k > 0)
			memcpy(x + i * k, c->cov + perm[i] * k, k * sizeof(double));
	}
	memcpy(c->rows, rows, n * sizeof(scomm_did_row));
	memcpy(c->weight, w, n * sizeof(double));
	memcpy(c->cluster, cl, n * sizeof(int64_t));
	if (k > 0)
		memcpy(c->cov, x, n * k * sizeof(double));
	scomm_core_free(rows);
	scomm_core_free(w);
	scomm_core_free(cl);
	scomm_core_free(x);
	return 1;
}

/*
 * Canonical order.  Rows with extra content are sorted through an index
 * permutation; 0 when its memory cannot be had (the order is then as it was).
 */
static int
SortRows(scomm_did_collector *c)
{
	size_t	   *perm,
				i;
	int			ok;

	if (c == NULL || c->n_rows < 2)
		return 1;
	if (!c->has_extra)
	{
		qsort(c->rows, c->n_rows, sizeof(scomm_did_row), RowCmp);
		return 1;
	}
	/* rows collected in order (the usual case) need no permutation */
	sort_c = c;
	for (i = 1; i < c->n_rows; i++)
	{
		size_t		pair[2] = {i - 1, i};

		if (IndexCmp(&pair[0], &pair[1]) > 0)
			break;
	}
	sort_c = NULL;
	if (i == c->n_rows)
		return 1;
	if ((perm = scomm_core_alloc_raw(c->n_rows * sizeof(size_t))) == NULL)
		return 0;
	for (i = 0; i < c->n_rows; i++)
		perm[i] = i;
	sort_c = c;
	qsort(perm, c->n_rows, sizeof(size_t), IndexCmp);
	sort_c = NULL;
	ok = Permute(c, perm);
	scomm_core_free(perm);
	return ok;
}

void
scomm_did_collector_sort(scomm_did_collector *c)
{
	(void) SortRows(c);
}

static int
Int32Cmp(const void *a, const void *b)
{
	int32_t		x = *(const int32_t *) a;
	int32_t		y = *(const int32_t *) b;

	return (x > y) - (x < y);
}

/* Check sorted rows: no repeated (unit, period), one first_period per unit. */
static scomm_status
CheckRows(const scomm_did_collector *c, scomm_did_diag *diag)
{
	char		msg[160];
	size_t		i;

	for (i = 1; i < c->n_rows; i++)
	{
		const scomm_did_row *a = &c->rows[i - 1];
		const scomm_did_row *b = &c->rows[i];

		if (a->unit != b->unit)
			continue;
		if (a->period == b->period)
		{
			snprintf(msg, sizeof(msg), "unit %lld has more than one row for period %d",
					 (long long) b->unit, (int) b->period);
			SetDiag(diag, SCOMM_DID_ERR_DUPLICATE, b->unit, b->period, msg);
			return SCOMM_EINVAL;
		}
		if (a->first_period != b->first_period)
		{
			snprintf(msg, sizeof(msg), "unit %lld has different first treated periods",
					 (long long) b->unit);
			SetDiag(diag, SCOMM_DID_ERR_COHORT, b->unit, b->period, msg);
			return SCOMM_EINVAL;
		}
	}
	return SCOMM_OK;
}

/* Sorted distinct periods of the rows; *np receives their number. */
static int32_t *
DistinctPeriods(const scomm_did_collector *c, int *np)
{
	int32_t    *t = scomm_core_alloc(c->n_rows * sizeof(int32_t));
	size_t		i,
				k = 0;

	if (t == NULL)
		return NULL;
	for (i = 0; i < c->n_rows; i++)
		t[i] = c->rows[i].period;
	qsort(t, c->n_rows, sizeof(int32_t), Int32Cmp);
	for (i = 0; i < c->n_rows; i++)
		if (k == 0 || t[k - 1] != t[i])
			t[k++] = t[i];
	*np = (int) k;
	return t;
}

void
scomm_did_panel_free(scomm_did_panel *p)
{
	if (p == NULL)
		return;
	scomm_core_free(p->unit_ids);
	scomm_core_free(p->periods);
	scomm_core_free(p->first_period);
	scomm_core_free(p->y);
	scomm_core_free(p->cov);
	scomm_core_free(p->weight);
	scomm_core_free(p->cluster);
	scomm_core_free(p);
}

/* Count units and complete units of sorted rows with np periods. */
static void
CountUnits(const scomm_did_collector *c, int np, size_t *units,
		   size_t *complete, const scomm_did_row **first_bad)
{
	size_t		i = 0;

	*units = *complete = 0;
	*first_bad = NULL;
	while (i < c->n_rows)
	{
		size_t		j = i;

		while (j < c->n_rows && c->rows[j].unit == c->rows[i].unit)
			j++;
		(*units)++;
		if ((int) (j - i) == np)
			(*complete)++;
		else if (*first_bad == NULL)
			*first_bad = &c->rows[i];
		i = j;
	}
}

/* Allocate the arrays of a panel with nu units and np periods. */
static scomm_did_panel *
PanelAlloc(size_t nu, int np, const scomm_did_collector *c, int weights,
		   int clusters)
{
	scomm_did_panel *p = scomm_core_alloc(sizeof(scomm_did_panel));
	int			k = c->has_extra ? c->n_cov : 0;

	if (p == NULL)
		return NULL;
	p->n_cov = k;
	p->unit_ids = scomm_core_alloc(nu * sizeof(int64_t));
	p->periods = scomm_core_alloc(np * sizeof(int32_t));
	p->first_period = scomm_core_alloc(nu * sizeof(int32_t));
	p->y = scomm_core_alloc(nu * (size_t) np * sizeof(double));
	if (k > 0)
		p->cov = scomm_core_alloc(nu * (size_t) np * k * sizeof(double));
	if (weights)
		p->weight = scomm_core_alloc(nu * sizeof(double));
	if (clusters)
		p->cluster = scomm_core_alloc(nu * sizeof(int64_t));
	if (!p->unit_ids || !p->periods || !p->first_period || !p->y ||
		(k > 0 && !p->cov) || (weights && !p->weight) || (clusters && !p->cluster))
	{
		scomm_did_panel_free(p);
		return NULL;
	}
	return p;
}

/* index of period t in the sorted periods (present by construction) */
static int
PeriodIndex(const scomm_did_panel *p, int32_t t)
{
	int			lo = 0,
				hi = p->n_periods - 1;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (p->periods[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Copy row r of c into unit u of p (its period's cell). */
static void
PutRow(const scomm_did_collector *c, size_t r, scomm_did_panel *p, int u)
{
	int			T = p->n_periods,
				t = PeriodIndex(p, c->rows[r].period),
				k = p->n_cov;

	p->y[(size_t) u * T + t] = c->rows[r].y;
	if (k > 0)
		memcpy(p->cov + ((size_t) u * T + t) * k, c->cov + r * k, k * sizeof(double));
	if (p->weight != NULL)
		p->weight[u] = c->weight[r];
	if (p->cluster != NULL)
		p->cluster[u] = c->cluster[r];
}

/* Mark every cell of unit u as not observed. */
static void
ClearUnit(scomm_did_panel *p, int u)
{
	size_t		T = p->n_periods,
				t,
				j;

	for (t = 0; t < T; t++)
	{
		p->y[u * T + t] = NAN;
		for (j = 0; j < (size_t) p->n_cov; j++)
			p->cov[(u * T + t) * p->n_cov + j] = NAN;
	}
}

/* Copy the units of sorted rows into p: complete ones, or all with keep. */
static void
FillPanel(const scomm_did_collector *c, scomm_did_panel *p, int keep)
{
	size_t		i = 0,
				r;
	int			u = 0;

	while (i < c->n_rows)
	{
		size_t		j = i;

		while (j < c->n_rows && c->rows[j].unit == c->rows[i].unit)
			j++;
		if (keep || (int) (j - i) == p->n_periods)
		{
			p->unit_ids[u] = c->rows[i].unit;
			p->first_period[u] = c->rows[i].first_period;
			if (keep)
				ClearUnit(p, u);
			for (r = i; r < j; r++)
				PutRow(c, r, p, u);
			if (keep && (int) (j - i) < p->n_periods)
				p->n_incomplete++;
			u++;
		}
		i = j;
	}
}

/* Every row its own unit (cross sections): unit ids 0, 1, ... */
static void
FillCrossSections(const scomm_did_collector *c, scomm_did_panel *p)
{
	size_t		r;

	for (r = 0; r < c->n_rows; r++)
	{
		p->unit_ids[r] = (int64_t) r;
		p->first_period[r] = c->rows[r].first_period;
		ClearUnit(p, (int) r);
		PutRow(c, r, p, (int) r);
	}
}

/*
 * Weights and clusters: NULL in every row or in none; with panel sampling
 * constant within a unit.  *weights / *clusters say whether they are given.
 */
static scomm_status
CheckContent(const scomm_did_collector *c, int panel, int *weights,
			 int *clusters, scomm_did_diag *diag)
{
	size_t		i,
				nw = 0,
				nc = 0;
	char		msg[200];

	*weights = *clusters = 0;
	if (!c->has_extra)
		return SCOMM_OK;
	for (i = 0; i < c->n_rows; i++)
	{
		nw += !isnan(c->weight[i]);
		nc += c->cluster[i] != SCOMM_DID_NO_CLUSTER;
	}
	for (i = 0; i < c->n_rows; i++)
	{
		const scomm_did_row *r = &c->rows[i];

		if (nw > 0 && nw < c->n_rows && isnan(c->weight[i]))
		{
			snprintf(msg, sizeof(msg), "weight of unit %lld in period %d is NULL while other rows have weights",
					 (long long) r->unit, (int) r->period);
			SetDiag(diag, SCOMM_DID_ERR_WEIGHT, r->unit, r->period, msg);
			return SCOMM_EINVAL;
		}
		if (nc > 0 && nc < c->n_rows && c->cluster[i] == SCOMM_DID_NO_CLUSTER)
		{
			snprintf(msg, sizeof(msg), "cluster of unit %lld in period %d is NULL while other rows have clusters",
					 (long long) r->unit, (int) r->period);
			SetDiag(diag, SCOMM_DID_ERR_CLUSTER, r->unit, r->period, msg);
			return SCOMM_EINVAL;
		}
		if (!panel || i == 0 || c->rows[i - 1].unit != r->unit)
			continue;
		if (nw > 0 && c->weight[i] != c->weight[i - 1])
		{
			snprintf(msg, sizeof(msg), "weight of unit %lld changes from %g to %g in period %d",
					 (long long) r->unit, c->weight[i - 1], c->weight[i], (int) r->period);
			SetDiag(diag, SCOMM_DID_ERR_WEIGHT, r->unit, r->period, msg);
			return SCOMM_EINVAL;
		}
		if (nc > 0 && c->cluster[i] != c->cluster[i - 1])
		{
			snprintf(msg, sizeof(msg), "cluster of unit %lld changes from %lld to %lld in period %d",
					 (long long) r->unit, (long long) c->cluster[i - 1],
					 (long long) c->cluster[i], (int) r->period);
			SetDiag(diag, SCOMM_DID_ERR_CLUSTER, r->unit, r->period, msg);
			return SCOMM_EINVAL;
		}
	}
	*weights = nw > 0;
	*clusters = nc > 0;
	return SCOMM_OK;
}

/* Refuse panels whose dense arrays would not fit the core's size limits. */
static int
TooBig(size_t nu, int np, int k)
{
	double		cells = (double) nu * np * (1.0 + k);

	return nu > (size_t) 0x7fffffff || cells > 4.0e8;
}

scomm_status
scomm_did_panel_finalize(scomm_did_collector *c, int strict_balance,
						 scomm_did_panel **out, scomm_did_diag *diag)
{
	return scomm_did_panel_finalize_ex(c, strict_balance ?
									   SCOMM_DID_UNBALANCED_ERROR :
									   SCOMM_DID_UNBALANCED_DROP,
									   SCOMM_DID_SAMPLING_PANEL, out, diag);
}

scomm_status
scomm_did_panel_finalize_ex(scomm_did_collector *c,
							scomm_did_unbalanced unbalanced,
							scomm_did_sampling sampling,
							scomm_did_panel **out, scomm_did_diag *diag)
{
	scomm_did_panel *p;
	int32_t    *periods;
	int			np,
				weights,
				clusters,
				cross = sampling == SCOMM_DID_SAMPLING_CROSS_SECTION,
				keep = unbalanced == SCOMM_DID_UNBALANCED_KEEP;
	size_t		nu,
				ncomplete,
				nkeep;
	const scomm_did_row *bad;
	scomm_status st;
	char		msg[160];

	if (c == NULL || out == NULL)
		return SCOMM_EINVAL;
	*out = NULL;
	SetDiag(diag, SCOMM_DID_ERR_NONE, 0, 0, "");
	if (!SortRows(c))
		return SCOMM_ENOMEM;
	if (!cross && (st = CheckRows(c, diag)) != SCOMM_OK)
		return st;
	if ((st = CheckContent(c, !cross, &weights, &clusters, diag)) != SCOMM_OK)
		return st;
	if ((periods = DistinctPeriods(c, &np)) == NULL)
		return c->n_rows == 0 ? SCOMM_EEMPTY : SCOMM_ENOMEM;
	if (np < 2)
	{
		scomm_core_free(periods);
		SetDiag(diag, SCOMM_DID_ERR_FEW_PERIODS, 0, 0,
				"the panel needs at least two distinct periods");
		return SCOMM_EEMPTY;
	}
	CountUnits(c, np, &nu, &ncomplete, &bad);
	if (!cross && bad != NULL && unbalanced == SCOMM_DID_UNBALANCED_ERROR)
	{
		scomm_core_free(periods);
		snprintf(msg, sizeof(msg), "unit %lld is not observed in every period",
				 (long long) bad->unit);
		SetDiag(diag, SCOMM_DID_ERR_UNBALANCED, bad->unit, 0, msg);
		return SCOMM_EINVAL;
	}
	nkeep = cross ? c->n_rows : keep ? nu : ncomplete;
	if (nkeep == 0 || TooBig(nkeep, np, c->has_extra ? c->n_cov : 0))
	{
		scomm_core_free(periods);
		if (nkeep > 0)
			return SCOMM_ETOOBIG;
		SetDiag(diag, SCOMM_DID_ERR_NO_UNITS, 0, 0,
				"no unit is observed in every period");
		return SCOMM_EEMPTY;
	}
	if ((p = PanelAlloc(nkeep, np, c, weights, clusters)) == NULL)
	{
		scomm_core_free(periods);
		return SCOMM_ENOMEM;
	}
	memcpy(p->periods, periods, np * sizeof(int32_t));
	scomm_core_free(periods);
	p->n_units = (int) nkeep;
	p->n_periods = np;
	p->unbalanced = unbalanced;
	p->sampling = sampling;
	if (cross)
		FillCrossSections(c, p);
	else
	{
		p->n_dropped_unbalanced = (int) (nu - nkeep);
		FillPanel(c, p, keep);
	}
	*out = p;
	return SCOMM_OK;
}
