/*
 * test_traj.c: trajectory models against trajeR's published results
 * (data/reference/README.md): POIS2gr (Poisson, quadratic, 2 groups,
 * LL -488.1306, shares .7763/.2237) and CNORM2gr (censored normal with one
 * sigma per group, quadratic, 2 groups, LL -830.0071, shares .3869/.6131),
 * both on Y1..Y5 at times T1..T5 = 1..5 of 50 units, trajeR's default
 * censoring bounds (min - 1, max + 1).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "tap.h"
#include "traj.h"
#include "traj_testdata.h"

#define SEED 20240601

typedef struct RefFit
{
	const char *file;
	scomm_traj_family family;
	double		loglik;
	double		share[2];
} RefFit;

static const RefFit refs[] = {
	{"trajeR_POIS2gr.csv", SCOMM_TRAJ_POISSON, -488.1306, {.7763, .2237}},
	{"trajeR_CNORM2gr.csv", SCOMM_TRAJ_CNORM, -830.0071, {.6131, .3869}},
};

static void
TestReference(const RefFit *ref)
{
	char		what[300];
	scomm_traj_panel *p = ReadTrajeR(ref->file, 5);
	scomm_traj_options o;
	scomm_traj_model *m = NULL;
	scomm_status st;
	double		t0;
	int			k;

	tap_ok(p != NULL && scomm_traj_panel_nobs(p) == 250,
		   "reference file readable, 250 observations (set SCOMM_REFERENCE_DIR)");
	if (p == NULL)
		return;
	scomm_traj_options_default(&o);
	o.family = ref->family;
	o.groups = 2;
	o.seed = SEED;
	t0 = Now();
	st = scomm_traj_fit(p, &o, &m);
	snprintf(what, sizeof(what), "%s fits", ref->file);
	tap_ok(st == SCOMM_OK, what);
	if (m != NULL)
	{
		printf("# %s: %.3f s, LL %.6f, iterations %d, converged %d, starts at best %d, failed %d\n",
			   ref->file, Now() - t0, m->loglik, m->iterations, m->converged,
			   m->starts_at_best, m->starts_failed);
		snprintf(what, sizeof(what), "%s log-likelihood %.4f", ref->file, ref->loglik);
		tap_close(m->loglik, ref->loglik, 1e-3, what);
		for (k = 0; k < 2; k++)
		{
			snprintf(what, sizeof(what), "%s share of group %d", ref->file, k + 1);
			tap_close(m->share[k], ref->share[k], 1e-3, what);
		}
		for (k = 0; k < 2; k++)
		{
			double		est[8],
						se[8];
			int			j;

			scomm_traj_model_coefficients(m, k, est, se);
			printf("# group %d:", k + 1);
			for (j = 0; j < scomm_traj_model_nterms(m); j++)
				printf(" %s %.5f (%.5f)", scomm_traj_term_name(m, j), est[j], se[j]);
			printf("\n");
		}
	}
	scomm_traj_model_free(m);
	scomm_traj_panel_free(p);
}

int
main(void)
{
	size_t		i;

	gsl_set_error_handler_off();
	CountAllocations();
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		TestReference(&refs[i]);
	tap_ok(live_allocs == 0, "every core allocation was freed");
	return tap_done();
}
