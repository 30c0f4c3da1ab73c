/*
 * fuzz_did_estimate.c: libFuzzer harness of the difference-in-differences
 * estimators on hostile panels.
 *
 * The bytes give the rows of a small panel: units, periods and first
 * periods near 0 or near the int4 limits, outcomes from small integers to
 * +-1e308, NaN and infinities.  The panel goes through what the SQL glue
 * does (finalize; then, as did_estimators.c refuses them with 22003, panels
 * whose periods span 2^31 or more and outcomes whose squares overflow are
 * left out), then through every estimator: att_gt with both control groups
 * and an anticipation, the four aggregations, a short bootstrap, the
 * pre-test, the static and event-study fixed-effects regressions (GSL's
 * error handler off, as the extension's _PG_init sets it).  Only
 * statuses may come back: no crash and no undefined behaviour (UBSan: no
 * signed overflow in event times), and finite estimates where there are any.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "did.h"

static void
Check(int cond)
{
	if (!cond)
		abort();
}

typedef struct In
{
	const unsigned char *p;
	size_t		n;
} In;

static unsigned
Byte(In *in)
{
	unsigned	b;

	if (in->n == 0)
		return 0;
	b = *in->p++;
	in->n--;
	return b;
}

/* a period: small, or near one of the int4 limits */
static int32_t
Period(In *in, int mode)
{
	int			b = (int) Byte(in) % 8;

	switch (mode)
	{
		case 1:
			return INT32_MAX - 1 - b;
		case 2:
			return INT32_MIN + b;
		default:
			return b;
	}
}

static double
Outcome(In *in)
{
	static const double special[] = {1e308, -1e308, 1e154, -1e154, 1e-308, 0.5, -3, 0};
	unsigned	b = Byte(in);

	return b < 200 ? (double) (b % 23) - 11 : special[b % 8];
}

static int
Usable(const scomm_did_panel *p)
{
	int64_t		lo = p->periods[0],
				hi = p->periods[p->n_periods - 1];
	double		ss = 0;
	int			i;

	for (i = 0; i < p->n_units * p->n_periods; i++)
		ss += p->y[i] * p->y[i];
	for (i = 0; i < p->n_units; i++)
		if (p->first_period[i] != SCOMM_DID_NEVER)
		{
			lo = p->first_period[i] < lo ? p->first_period[i] : lo;
			hi = p->first_period[i] > hi ? p->first_period[i] : hi;
		}
	return isfinite(ss) && hi - lo <= INT32_MAX;
}

static void
Estimates(const scomm_did_panel *p, scomm_did_control control, int anticipation)
{
	scomm_did_options opt = {control, SCOMM_DID_BASE_VARYING, anticipation, 0.05};
	scomm_did_attgt *a = NULL;
	scomm_did_diag diag;
	scomm_did_pretest pt;
	scomm_did_linear *lin = NULL;
	int			k,
				t,
				used = 0;

	memset(&diag, 0, sizeof diag);
	if (scomm_did_att_gt(p, &opt, &a, &diag) != SCOMM_OK)
		return;
	for (k = 0; k < a->n_cells; k++)
		Check(isnan(a->cells[k].att) || isfinite(a->cells[k].att));
	for (t = SCOMM_DID_AGG_SIMPLE; t <= SCOMM_DID_AGG_CALENDAR; t++)
	{
		scomm_did_agg *g = NULL;

		if (scomm_did_aggte(a, (scomm_did_agg_type) t, &g) == SCOMM_OK)
		{
			scomm_did_boot *b = NULL;

			Check(isnan(g->overall.est) || isfinite(g->overall.est));
			if (g->n_terms > 0 && scomm_did_mboot(a, g->lin, g->n_terms, 9, 1, 0.05, &b) == SCOMM_OK)
				scomm_did_boot_free(b);
			scomm_did_agg_free(g);
		}
	}
	if (scomm_did_cell_linears(a, &lin, &used) == SCOMM_OK)
		scomm_did_linears_free(lin, used);
	(void) scomm_did_pretest_wald_leads(a, -1, &pt);
	(void) scomm_did_pretest_wald_leads(a, 1, &pt);
	scomm_did_attgt_free(a);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	In			in = {data, size};
	int			mode = (int) Byte(&in) % 3,
				nrows = 2 + (int) Byte(&in) % 40,
				strict = (int) Byte(&in) % 2,
				k;
	scomm_did_collector *c = scomm_did_collector_create();
	scomm_did_panel *p = NULL;
	scomm_did_diag diag;

	Check(c != NULL);
	/* as the extension's _PG_init: GSL reports, the core checks */
	gsl_set_error_handler_off();
	memset(&diag, 0, sizeof diag);
	for (k = 0; k < nrows && in.n > 0; k++)
	{
		int64_t		unit = (int64_t) (Byte(&in) % 6);
		int32_t		period = Period(&in, mode);
		unsigned	f = Byte(&in);
		int32_t		first = f % 4 == 0 ? SCOMM_DID_NEVER : Period(&in, mode);
		double		y = Outcome(&in);

		if (scomm_did_collector_add(c, unit, period, first, y, &diag) != SCOMM_OK)
			break;
	}
	if (scomm_did_panel_finalize(c, strict, &p, &diag) == SCOMM_OK)
	{
		if (Usable(p))
		{
			scomm_did_twfe *t = NULL;

			Estimates(p, SCOMM_DID_NOT_YET_TREATED, 0);
			Estimates(p, SCOMM_DID_NEVER_TREATED, 1);
			if (scomm_did_twfe_static(p, &t) == SCOMM_OK)
				scomm_did_twfe_free(t);
			t = NULL;
			if (scomm_did_twfe_event(p, 2, 1, &t) == SCOMM_OK)
				scomm_did_twfe_free(t);
		}
		scomm_did_panel_free(p);
	}
	scomm_did_collector_free(c);
	return 0;
}
