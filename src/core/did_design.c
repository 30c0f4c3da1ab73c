/*
 * did_design.c: the sample of the Sun & Abraham and imputation estimators:
 * which units are treated (and when), which are controls, which periods
 * are used.
 *
 * Following fixest's sunab() (R/did.R): units whose cohort lies after the
 * last period are never treated; units treated by the first period are
 * "always treated" and left out (fixest sets their rows to NA).  Without
 * never-treated units the last cohort is the comparison group and the
 * periods from its first treated period on are left out (Sun & Abraham
 * 2021, Section 4; R's did does the same), so that every kept period has
 * untreated units.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "did_robust.h"

typedef struct DesignKey
{
	int32_t		cohort;			/* SCOMM_DID_NEVER for controls */
	int64_t		id;
	int			row;
} DesignKey;

static int
DesignKeyCmp(const void *a, const void *b)
{
	const DesignKey *x = a,
			   *y = b;

	if (x->cohort != y->cohort)
		return x->cohort < y->cohort ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static scomm_status
Fail(scomm_did_diag *diag, scomm_did_error code, const char *msg)
{
	if (diag != NULL)
	{
		diag->code = code;
		snprintf(diag->message, sizeof(diag->message), "%s", msg);
	}
	return SCOMM_EINVAL;
}

void
scomm_did_design_free(scomm_did_design *d)
{
	scomm_core_free(d->row);
	scomm_core_free(d->cohort);
	scomm_core_free(d->cohort_start);
	scomm_core_free(d->first_idx);
	memset(d, 0, sizeof(*d));
}

scomm_status
scomm_did_design_build(const scomm_did_panel *p, scomm_did_design *d, scomm_did_diag *diag)
{
	int			T = p->n_periods,
				n = 0,
				i,
				c,
				any_never = 0;
	int32_t		tmin = p->periods[0],
				tmax = p->periods[T - 1],
				last = INT32_MIN;
	DesignKey  *keys;

	memset(d, 0, sizeof(*d));
	keys = scomm_core_alloc((p->n_units + 1) * sizeof(DesignKey));
	if (keys == NULL)
		return SCOMM_ENOMEM;
	for (i = 0; i < p->n_units; i++)
	{
		int32_t		g = p->first_period[i];

		if (g == SCOMM_DID_NEVER || g > tmax)
		{
			g = SCOMM_DID_NEVER;
			any_never = 1;
		}
		else if (g <= tmin)
		{
			d->n_dropped_always++;
			continue;
		}
		else if (g > last)
			last = g;
		keys[n].cohort = g;
		keys[n].id = p->unit_ids[i];
		keys[n].row = i;
		n++;
	}
	if (d->n_dropped_always > 0)
		d->flags |= SCOMM_DID_ROBUST_DROPPED_ALWAYS;
	d->n_periods = T;
	d->control_cohort = SCOMM_DID_NEVER;
	if (!any_never)
	{
		if (last == INT32_MIN)
		{
			scomm_core_free(keys);
			return Fail(diag, SCOMM_DID_ERR_NO_GROUPS, "no unit is treated after the first period");
		}
		d->flags |= SCOMM_DID_ROBUST_LAST_COHORT_CONTROL;
		d->control_cohort = last;
		for (i = 0; i < n; i++)
			if (keys[i].cohort == last)
				keys[i].cohort = SCOMM_DID_NEVER;
		while (d->n_periods > 0 && p->periods[d->n_periods - 1] >= last)
			d->n_periods--;
	}
	if (d->n_periods < 2)
	{
		scomm_core_free(keys);
		return Fail(diag, SCOMM_DID_ERR_FEW_PERIODS,
					"fewer than two periods precede the last cohort, which is the comparison group");
	}
	qsort(keys, n, sizeof(DesignKey), DesignKeyCmp);
	d->n_units = n;
	d->periods = p->periods;
	d->row = scomm_core_alloc((n + 1) * sizeof(int));
	d->cohort = scomm_core_alloc((n + 1) * sizeof(int32_t));
	d->cohort_start = scomm_core_alloc((n + 2) * sizeof(int));
	d->first_idx = scomm_core_alloc((n + 1) * sizeof(int));
	if (!d->row || !d->cohort || !d->cohort_start || !d->first_idx)
	{
		scomm_core_free(keys);
		scomm_did_design_free(d);
		return SCOMM_ENOMEM;
	}
	for (i = 0, c = 0; i < n; i++)
	{
		d->row[i] = keys[i].row;
		if (keys[i].cohort == SCOMM_DID_NEVER)
		{
			d->n_control++;
			continue;
		}
		if (c == 0 || keys[i].cohort != d->cohort[c - 1])
		{
			int			k = 0;

			while (k < T && p->periods[k] < keys[i].cohort)
				k++;
			d->cohort[c] = keys[i].cohort;
			d->first_idx[c] = k;
			d->cohort_start[c++] = i;
		}
	}
	d->n_cohorts = c;
	d->cohort_start[c] = n - d->n_control;
	scomm_core_free(keys);
	if (c == 0)
	{
		scomm_did_design_free(d);
		return Fail(diag, SCOMM_DID_ERR_NO_GROUPS, "no treated cohort can be estimated");
	}
	if (d->n_control == 0)
	{
		scomm_did_design_free(d);
		return Fail(diag, SCOMM_DID_ERR_NO_CONTROLS, "no comparison unit");
	}
	return SCOMM_OK;
}
