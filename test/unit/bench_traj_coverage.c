/*
 * bench_traj_coverage.c: coverage of the trajectory model's 95% confidence
 * intervals over simulated panels with a known truth (not a test: run by
 * scripts/bench trajectory).  Each replicate simulates units x periods
 * observations from 3 negative binomial groups (exposures; one dispersion
 * per group) whose membership follows a multinomial logit on 2 covariates
 * (one standard normal, one on the scale of a population), fits 3 nbinom
 * groups with 10 starts, and counts the estimates whose interval estimate
 * +- 1.96 SE covers the truth: the polynomial coefficients (scaled time),
 * the log dispersions and the membership coefficients (raw units).
 *
 *   make test/unit/bench_traj_coverage && test/unit/bench_traj_coverage [replicates [units]]
 *
 * Prints one line per parameter kind: intervals, covered, coverage and the
 * Monte Carlo standard error of a 95% coverage, then the time per fit.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "traj.h"
#include "traj_testdata.h"

#define K 3
#define NCOV 2

static const double share[K] = {0.5, 0.3, 0.2};
static const double beta[K][3] = {{1.5, 0.3, -0.2}, {2.8, -0.5, 0.1}, {3.9, 0.6, -0.4}};
static const double alpha[K] = {0.3, 0.15, 0.05};
/* at the mean covariates the odds of shares .5, .3, .2 (see test_traj_risk.c) */
static const double gamma_true[(K - 1) * (NCOV + 1)] = {-1.31, 0.9, 4e-6, -2.12, -0.7, 6e-6};
static const double xscale[NCOV] = {1.0, 1e5};
static const double xshift[NCOV] = {0.0, 2e5};

typedef struct Tally
{
	const char *what;
	long		n,
				covered;
} Tally;

static void
Count(Tally *t, double est, double se, double truth)
{
	if (!(se > 0) || !isfinite(se))
		return;
	t->n++;
	t->covered += fabs(est - truth) <= 1.959963985 * se;
}

int
main(int argc, char **argv)
{
	int			reps = argc > 1 ? atoi(argv[1]) : 100,
				units = argc > 2 ? atoi(argv[2]) : 500,
				periods = 8,
				r,
				k,
				a,
				failed = 0,
				unordered = 0;
	Tally		tb = {"trajectory coefficients (scaled time)", 0, 0},
				ta = {"log dispersions", 0, 0},
				tg = {"membership coefficients (raw units)", 0, 0};
	Tally	   *all[3] = {&tb, &ta, &tg};
	int		   *truth = malloc(units * sizeof(int));
	double		t0 = Now();

	gsl_set_error_handler_off();
	if (reps < 1 || units < 50 || truth == NULL)
		return 2;
	for (r = 0; r < reps; r++)
	{
		scomm_traj_panel *p = SimulateNbRisk(units, periods, K, share, beta, alpha, NULL, 1, 1.0,
											 NCOV, gamma_true, xscale, xshift,
											 (uint64_t) 1000003 * (r + 1), truth, NULL);
		scomm_traj_options o;
		scomm_traj_model *m = NULL;

		scomm_traj_options_default(&o);
		o.family = SCOMM_TRAJ_NBINOM;
		o.groups = K;
		o.starts = 10;
		o.seed = (uint64_t) r + 1;
		if (scomm_traj_fit(p, &o, &m) != SCOMM_OK || !m->converged)
		{
			failed++;
			scomm_traj_model_free(m);
			scomm_traj_panel_free(p);
			continue;
		}
		/* groups come numbered by share: they must be the simulated ones */
		for (k = 0; k < K; k++)
			if (fabs(m->beta[k * 3] - beta[k][0]) > 0.5)
				break;
		if (k < K)
		{
			unordered++;
			scomm_traj_model_free(m);
			scomm_traj_panel_free(p);
			continue;
		}
		for (k = 0; k < K; k++)
		{
			int			q = 3 + m->nextra;

			for (a = 0; a < 3; a++)
				Count(&tb, m->beta[k * 3 + a],
					  sqrt(m->vcov[(k * q + a) * m->npar + k * q + a]), beta[k][a]);
			Count(&ta, m->extra[k], sqrt(m->vcov[(k * q + 3) * m->npar + k * q + 3]), log(alpha[k]));
		}
		for (k = 1; k < K; k++)
		{
			double		est[NCOV + 1],
						se[NCOV + 1];

			scomm_traj_model_risk(m, k, est, se);
			for (a = 0; a <= NCOV; a++)
				Count(&tg, est[a], se[a], gamma_true[(k - 1) * (NCOV + 1) + a]);
		}
		scomm_traj_model_free(m);
		scomm_traj_panel_free(p);
	}
	printf("replicates %d (%d units x %d periods, 3 nbinom groups, 2 covariates of membership), "
		   "failed %d, groups out of order %d\n", reps, units, periods, failed, unordered);
	printf("%-40s %9s %9s %9s %9s\n", "parameters", "intervals", "covered", "coverage", "MC s.e.");
	for (a = 0; a < 3; a++)
		printf("%-40s %9ld %9ld %9.3f %9.3f\n", all[a]->what, all[a]->n, all[a]->covered,
			   all[a]->n ? (double) all[a]->covered / all[a]->n : NAN,
			   all[a]->n ? sqrt(0.95 * 0.05 / all[a]->n) : NAN);
	printf("seconds per fit (10 starts): %.3f\n", (Now() - t0) / reps);
	free(truth);
	return 0;
}
