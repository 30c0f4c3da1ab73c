/*
 * did_panel.c: collect (unit, period, first_period, outcome) rows and
 * finalize them into a balanced units x periods panel.
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
	scomm_core_free(c);
}

/* Make room for at least need rows, growing geometrically. */
static scomm_status
Reserve(scomm_did_collector *c, size_t need)
{
	size_t		cap;
	scomm_did_row *rows;

	if (need <= c->capacity)
		return SCOMM_OK;
	cap = c->capacity < 64 ? 64 : c->capacity;
	while (cap < need)
	{
		if (cap > ((size_t) -1) / 2 / sizeof(scomm_did_row))
			return SCOMM_ENOMEM;
		cap *= 2;
	}
	rows = scomm_core_alloc_raw(cap * sizeof(scomm_did_row));
	if (rows == NULL)
		return SCOMM_ENOMEM;
	if (c->n_rows > 0)
		memcpy(rows, c->rows, c->n_rows * sizeof(scomm_did_row));
	scomm_core_free(c->rows);
	c->rows = rows;
	c->capacity = cap;
	return SCOMM_OK;
}

/* Append one row; a non-finite outcome is rejected at once. */
scomm_status
scomm_did_collector_add(scomm_did_collector *c, int64_t unit, int32_t period,
						int32_t first_period, double y, scomm_did_diag *diag)
{
	scomm_did_row *r;

	if (c == NULL)
		return SCOMM_EINVAL;
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

/* Append the rows of src to dst. */
scomm_status
scomm_did_collector_merge(scomm_did_collector *dst,
						  const scomm_did_collector *src)
{
	if (dst == NULL || src == NULL)
		return SCOMM_EINVAL;
	if (src->n_rows == 0)
		return SCOMM_OK;
	if (Reserve(dst, dst->n_rows + src->n_rows) != SCOMM_OK)
		return SCOMM_ENOMEM;
	memcpy(dst->rows + dst->n_rows, src->rows,
		   src->n_rows * sizeof(scomm_did_row));
	dst->n_rows += src->n_rows;
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

void
scomm_did_collector_sort(scomm_did_collector *c)
{
	if (c != NULL && c->n_rows > 1)
		qsort(c->rows, c->n_rows, sizeof(scomm_did_row), RowCmp);
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
PanelAlloc(size_t nu, int np)
{
	scomm_did_panel *p = scomm_core_alloc(sizeof(scomm_did_panel));

	if (p == NULL)
		return NULL;
	p->unit_ids = scomm_core_alloc(nu * sizeof(int64_t));
	p->periods = scomm_core_alloc(np * sizeof(int32_t));
	p->first_period = scomm_core_alloc(nu * sizeof(int32_t));
	p->y = scomm_core_alloc(nu * (size_t) np * sizeof(double));
	if (!p->unit_ids || !p->periods || !p->first_period || !p->y)
	{
		scomm_did_panel_free(p);
		return NULL;
	}
	return p;
}

/* Copy the complete units of sorted rows into p. */
static void
FillPanel(const scomm_did_collector *c, scomm_did_panel *p)
{
	size_t		i = 0;
	int			u = 0,
				k;

	while (i < c->n_rows)
	{
		size_t		j = i;

		while (j < c->n_rows && c->rows[j].unit == c->rows[i].unit)
			j++;
		if ((int) (j - i) == p->n_periods)
		{
			p->unit_ids[u] = c->rows[i].unit;
			p->first_period[u] = c->rows[i].first_period;
			for (k = 0; k < p->n_periods; k++)
				p->y[(size_t) u * p->n_periods + k] = c->rows[i + k].y;
			u++;
		}
		i = j;
	}
}

scomm_status
scomm_did_panel_finalize(scomm_did_collector *c, int strict_balance,
						 scomm_did_panel **out, scomm_did_diag *diag)
{
	scomm_did_panel *p;
	int32_t    *periods;
	int			np;
	size_t		nu,
				ncomplete;
	const scomm_did_row *bad;
	scomm_status st;
	char		msg[160];

	if (c == NULL || out == NULL)
		return SCOMM_EINVAL;
	*out = NULL;
	SetDiag(diag, SCOMM_DID_ERR_NONE, 0, 0, "");
	scomm_did_collector_sort(c);
	if ((st = CheckRows(c, diag)) != SCOMM_OK)
		return st;
	if ((periods = DistinctPeriods(c, &np)) == NULL)
		return SCOMM_ENOMEM;
	if (np < 2)
	{
		scomm_core_free(periods);
		SetDiag(diag, SCOMM_DID_ERR_FEW_PERIODS, 0, 0,
				"the panel needs at least two distinct periods");
		return SCOMM_EEMPTY;
	}
	CountUnits(c, np, &nu, &ncomplete, &bad);
	if (bad != NULL && strict_balance)
	{
		scomm_core_free(periods);
		snprintf(msg, sizeof(msg), "unit %lld is not observed in every period",
				 (long long) bad->unit);
		SetDiag(diag, SCOMM_DID_ERR_UNBALANCED, bad->unit, 0, msg);
		return SCOMM_EINVAL;
	}
	if (ncomplete == 0 || ncomplete > (size_t) 0x7fffffff)
	{
		scomm_core_free(periods);
		SetDiag(diag, SCOMM_DID_ERR_NO_UNITS, 0, 0,
				"no unit is observed in every period");
		return SCOMM_EEMPTY;
	}
	if ((p = PanelAlloc(ncomplete, np)) == NULL)
	{
		scomm_core_free(periods);
		return SCOMM_ENOMEM;
	}
	memcpy(p->periods, periods, np * sizeof(int32_t));
	scomm_core_free(periods);
	p->n_units = (int) ncomplete;
	p->n_periods = np;
	p->n_dropped_unbalanced = (int) (nu - ncomplete);
	FillPanel(c, p);
	*out = p;
	return SCOMM_OK;
}
