/*
 * test_lca_sim.c: recover known parameters from simulated data (with items
 * missing completely at random), and time the fit on the 1M-row pattern table.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "tap.h"
#include "lca.h"
#include "lca_testdata.h"

#define NSIM 20000
#define J 8
#define R 3
#define MISSING 0.05			/* each answer missing with this probability */

/* the truth: shares and P(answer = k) per class, item (K = 2 except item 8) */
static const double true_share[R] = {0.5, 0.3, 0.2};
static const int true_ncat[J] = {2, 2, 2, 2, 2, 2, 2, 3};
static const double true_p[R][J][3] = {
	{{.9, .1}, {.9, .1}, {.85, .15}, {.8, .2}, {.8, .2}, {.2, .8}, {.2, .8}, {.7, .2, .1}},
	{{.1, .9}, {.2, .8}, {.1, .9}, {.2, .8}, {.8, .2}, {.9, .1}, {.8, .2}, {.1, .3, .6}},
	{{.8, .2}, {.2, .8}, {.8, .2}, {.15, .85}, {.2, .8}, {.2, .8}, {.9, .1}, {.3, .4, .3}},
};

/* Draw an index from the distribution p[0..n-1]. */
static int
Draw(gsl_rng *rng, const double *p, int n)
{
	double		u = gsl_rng_uniform(rng);
	int			k;

	for (k = 0; k < n - 1; k++)
	{
		if (u < p[k])
			return k;
		u -= p[k];
	}
	return n - 1;
}

/* Modal class under the true parameters (computed here, not by the core). */
static int
TrueModal(const int *y)
{
	double		best = -1.0;
	int			r,
				j,
				arg = 0;

	for (r = 0; r < R; r++)
	{
		double		v = true_share[r];

		for (j = 0; j < J; j++)
			if (y[j] > 0)
				v *= true_p[r][j][y[j] - 1];
		if (v > best)
		{
			best = v;
			arg = r;
		}
	}
	return arg;
}

/* Compare fitted shares and response probabilities with the truth. */
static void
CheckRecovery(const scomm_lca_model *m)
{
	double		worst_share = 0.0,
				worst_p = 0.0;
	int			r,
				j,
				k,
				off;

	for (r = 0; r < R; r++)
	{
		worst_share = fmax(worst_share, fabs(m->share[r] - true_share[r]));
		for (j = 0, off = 0; j < J; off += m->ncat[j], j++)
			for (k = 0; k < true_ncat[j]; k++)
				worst_p = fmax(worst_p, fabs(m->probs[r * m->ncat_total + off + k] -
											 true_p[r][j][k]));
	}
	printf("# simulation: largest share error %.4f, largest probability error %.4f\n",
		   worst_share, worst_p);
	/* standard errors are about .004 (shares) and .01 (class 3 probabilities) */
	tap_ok(worst_share < 0.02, "simulation: shares within sampling error");
	tap_ok(worst_p < 0.04, "simulation: response probabilities within sampling error");
}

/* Simulate, fit, and compare parameters and modal classification. */
static void
TestSimulation(void)
{
	gsl_rng    *rng = gsl_rng_alloc(gsl_rng_mt19937);
	int		   *y = malloc(sizeof(int) * NSIM * J);
	int		   *cls = malloc(sizeof(int) * NSIM);
	scomm_lca_table *t = NULL;
	scomm_lca_model *m = NULL;
	int			i,
				j,
				agree = 0,
				agree_true = 0,
				c;

	gsl_rng_set(rng, 4242);
	scomm_lca_table_create(J, &t);
	for (i = 0; i < NSIM; i++)
	{
		cls[i] = Draw(rng, true_share, R);
		for (j = 0; j < J; j++)
			y[i * J + j] = gsl_rng_uniform(rng) < MISSING ? 0 :
				1 + Draw(rng, true_p[cls[i]][j], true_ncat[j]);
		scomm_lca_table_add(t, y + i * J, J, 1.0);
	}
	tap_ok(scomm_lca_fit(t, R, 20, 99, 1000, 1e-10, &m) == SCOMM_OK && m->converged,
		   "simulation: fit converged");
	if (m != NULL)
	{
		CheckRecovery(m);
		for (i = 0; i < NSIM; i++)
		{
			agree_true += TrueModal(y + i * J) == cls[i];
			agree += scomm_lca_posterior(m, y + i * J, J, NULL, &c) == SCOMM_OK &&
				c - 1 == cls[i];
		}
		printf("# modal agreement %.4f (true-parameter classifier %.4f)\n",
			   (double) agree / NSIM, (double) agree_true / NSIM);
		tap_ok(agree >= agree_true - NSIM / 100,
			   "simulation: modal classification as good as the true-parameter classifier");
		tap_ok(agree > 0.85 * NSIM, "simulation: modal agreement with truth above 85%");
	}
	scomm_lca_model_free(m);
	scomm_lca_table_free(t);
	gsl_rng_free(rng);
	free(y);
	free(cls);
}

/* 20 starts over the 1,024-pattern table of 10 items, 3 classes. */
static void
TestSpeed(void)
{
	scomm_lca_table *t = ReadCsvTable("synthetic_1m_patterns.csv", 10, 1);
	scomm_lca_model *m = NULL;
	double		t0,
				t1;

	t0 = Now();
	tap_ok(t && scomm_lca_fit(t, 3, 20, 1, 1000, 1e-10, &m) == SCOMM_OK &&
		   m->n == 1000000, "synthetic 1M rows: fit");
	t1 = Now();
	printf("# synthetic 1M: 20 starts in %.3f s, %d iterations, loglik %.4f\n",
		   t1 - t0, m ? m->iterations : -1, m ? m->loglik : NAN);
	/* the time is reported, not asserted: speed is measured by scripts/bench */
	scomm_lca_model_free(m);
	scomm_lca_table_free(t);
}

int
main(void)
{
	gsl_set_error_handler_off();
	CountAllocations();
	TestSimulation();
	TestSpeed();
	tap_ok(live_allocs == 0, "every core allocation was freed");
	return tap_done();
}
