/*
 * bench_did.c: timing of the did core on a simulated Secure Communities
 * sized panel (3,000 units x 120 monthly periods, 50 cohorts, no
 * never-treated units, not-yet-treated controls).  Not a test.
 *   gcc -O2 -Isrc/core test/unit/bench_did.c src/core/*.c $(gsl-config --libs) -lglpk
 */
#include <stdio.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "did.h"

static double
Now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int
main(void)
{
	const int	n = 3000,
				T = 120,
				ncoh = 50;
	gsl_rng    *r = gsl_rng_alloc(gsl_rng_mt19937);
	scomm_did_collector *c = scomm_did_collector_create();
	scomm_did_panel *p = NULL;
	scomm_did_attgt *a = NULL;
	scomm_did_agg *g[4];
	scomm_did_boot *b = NULL;
	scomm_did_options o = {SCOMM_DID_NOT_YET_TREATED, SCOMM_DID_BASE_VARYING, 0, 0.05};
	double		t0,
				t1,
				t2,
				t3;
	int			i,
				t,
				k;

	gsl_set_error_handler_off();
	for (i = 0; i < n; i++)
	{
		int32_t		gi = 12 + 2 * (i % ncoh);	/* cohorts 12, 14, ..., 110 */
		double		ai = gsl_ran_gaussian(r, 1.0);

		for (t = 1; t <= T; t++)
			scomm_did_collector_add(c, i, t, gi,
									ai + 0.01 * t + (t >= gi ? 0.2 : 0.0) +
									gsl_ran_gaussian(r, 0.3), NULL);
	}
	t0 = Now();
	if (scomm_did_panel_finalize(c, 1, &p, NULL) != SCOMM_OK)
		return 1;
	t1 = Now();
	if (scomm_did_att_gt(p, &o, &a, NULL) != SCOMM_OK)
		return 1;
	for (k = 0; k < 4; k++)
		if (scomm_did_aggte(a, (scomm_did_agg_type) k, &g[k]) != SCOMM_OK)
			return 1;
	t2 = Now();
	if (scomm_did_mboot(a, g[1]->lin, g[1]->n_terms, 999, 1, 0.05, &b) != SCOMM_OK)
		return 1;
	t3 = Now();
	printf("panel %d units x %d periods, %d cohorts; %d periods used, %d cells\n",
		   p->n_units, p->n_periods, ncoh, a->n_periods, a->n_cells);
	printf("finalize (sort+validate %zu rows): %.3f s\n", c->n_rows, t1 - t0);
	printf("att_gt + simple/dynamic/group/calendar with analytic SEs: %.3f s\n", t2 - t1);
	printf("  simple %.4f (se %.4f); dynamic overall %.4f (se %.4f), %d event times\n",
		   g[0]->overall.est, g[0]->overall.se, g[1]->overall.est, g[1]->overall.se,
		   g[1]->n_terms);
	printf("mboot 999 draws of the %d event-time functionals: %.3f s (sup-t %.3f)\n",
		   g[1]->n_terms, t3 - t2, b->crit_val);
	{
		scomm_did_pretest w;
		double		t4 = Now();
		scomm_status st = scomm_did_pretest_wald(a, &w);

		printf("Wald pre-test (%d pre cells, dense V): %.3f s, status %d, W %.1f\n",
			   w.df, Now() - t4, (int) st, w.W);
	}
	scomm_did_boot_free(b);
	for (k = 0; k < 4; k++)
		scomm_did_agg_free(g[k]);
	scomm_did_attgt_free(a);
	scomm_did_panel_free(p);
	scomm_did_collector_free(c);
	gsl_rng_free(r);
	return 0;
}
