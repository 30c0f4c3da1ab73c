/*
 * test_traj_sim.c: recovery of known groups from simulated trajectories of
 * every family (shares, coefficients within 4 standard errors, units
 * classified into their true group), censoring handled, and the fit times of
 * the crimCV-sized problem reported (speed belongs to scripts/bench).
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

/* Fit and compare with the truth; groups are simulated in share order. */
static void
Recover(const char *name, scomm_traj_family f, int units, int periods, int K,
		const double *share, const double (*beta)[3], const double *extra,
		int exposure, double lower, double upper, double min_correct)
{
	int		   *truth = malloc(units * sizeof(int));
	scomm_traj_panel *p = Simulate(f, units, periods, K, share, beta, extra,
								   exposure, SEED + units + K, truth);
	scomm_traj_options o;
	scomm_traj_model *m = NULL;
	size_t		n = 0,
				i;
	int64_t    *u = NULL;
	int		   *g = NULL;
	double	   *post = NULL,
				worst_z = 0.0,
				worst_share = 0.0,
				t0;
	int			k,
				a,
				correct = 0,
				q;
	char		what[256];

	if (lower != 0.0 || upper != 0.0)
	{
		/* censor the simulated values at the bounds */
		scomm_traj_panel *c = NULL;
		size_t		j;

		scomm_traj_panel_create(&c);
		for (j = 0; j < scomm_traj_panel_nobs(p); j++)
		{
			int64_t		uu;
			double		t,
						y,
						e;

			scomm_traj_panel_get(p, j, &uu, &t, &y, &e);
			scomm_traj_panel_add(c, uu, t, fmin(fmax(y, lower), upper), e);
		}
		scomm_traj_panel_free(p);
		p = c;
	}
	scomm_traj_options_default(&o);
	o.family = f;
	o.groups = K;
	o.seed = SEED;
	if (lower != 0.0 || upper != 0.0)
	{
		o.lower = lower;
		o.upper = upper;
	}
	t0 = Now();
	snprintf(what, sizeof(what), "%s: fit", name);
	tap_ok(scomm_traj_fit(p, &o, &m) == SCOMM_OK && m->converged, what);
	if (m == NULL)
		goto done;
	printf("# %s: %.3f s, LL %.3f, starts at best %d of %d\n", name, Now() - t0,
		   m->loglik, m->starts_at_best, m->starts);
	q = m->degree + 1 + m->nextra;
	for (k = 0; k < K; k++)
	{
		worst_share = fmax(worst_share, fabs(m->share[k] - share[k]));
		for (a = 0; a < 3; a++)
		{
			double		se = sqrt(m->vcov[(k * q + a) * m->npar + k * q + a]);

			worst_z = fmax(worst_z, fabs(m->beta[k * 3 + a] - beta[k][a]) / se);
		}
		if (m->nextra)
		{
			double		se = sqrt(m->vcov[(k * q + 3) * m->npar + k * q + 3]);
			double		want = f == SCOMM_TRAJ_CNORM ? log(extra[k]) : log(extra[k] / (1 - extra[k]));

			worst_z = fmax(worst_z, fabs(m->extra[k] - want) / se);
		}
	}
	snprintf(what, sizeof(what), "%s: shares within 0.04 of the truth", name);
	tap_ok(worst_share < 0.04, what);
	snprintf(what, sizeof(what), "%s: every parameter within 4 standard errors of the truth", name);
	tap_ok(worst_z < 4.0, what);
	if (!(worst_share < 0.04 && worst_z < 4.0))
		printf("#   worst share error %.4f, worst |z| %.2f\n", worst_share, worst_z);
	if (scomm_traj_membership(m, p, &n, &u, &g, &post, NULL, NULL) == SCOMM_OK)
		for (i = 0; i < n; i++)
			correct += g[i] - 1 == truth[u[i] - 1000];
	snprintf(what, sizeof(what), "%s: at least %.0f%% of units in their true group (%.1f%%)",
			 name, 100 * min_correct, 100.0 * correct / units);
	tap_ok(n == (size_t) units && correct >= min_correct * units, what);
done:
	scomm_core_free(u);
	scomm_core_free(g);
	scomm_core_free(post);
	scomm_traj_model_free(m);
	scomm_traj_panel_free(p);
	free(truth);
}

static void
TestRecovery(void)
{
	static const double share3[3] = {0.5, 0.3, 0.2};
	static const double pois_beta[3][3] = {{0.5, 0.3, -0.2}, {1.8, -0.5, 0.1}, {2.5, 0.6, -0.4}};
	static const double zip_beta[3][3] = {{0.3, 0.5, -0.5}, {1.5, -0.3, 0.2}, {2.4, 0.4, 0.3}};
	static const double zip_extra[3] = {0.3, 0.1, 0.2};
	static const double cn_beta[3][3] = {{1.0, 2.0, -1.0}, {4.0, -1.5, 0.5}, {7.0, 1.0, 1.0}};
	static const double cn_extra[3] = {1.0, 1.2, 0.8};

	Recover("poisson, 3 groups, exposures, 900 units x 8 periods", SCOMM_TRAJ_POISSON,
			900, 8, 3, share3, pois_beta, NULL, 1, 0, 0, 0.95);
	Recover("zip, 3 groups, 900 units x 10 periods", SCOMM_TRAJ_ZIP,
			900, 10, 3, share3, zip_beta, zip_extra, 0, 0, 0, 0.95);
	Recover("cnorm, 3 groups, 600 units x 6 periods", SCOMM_TRAJ_CNORM,
			600, 6, 3, share3, cn_beta, cn_extra, 0, 0, 0, 0.95);
	Recover("cnorm censored at 1.5 and 7.5, 3 groups, 600 units x 6 periods", SCOMM_TRAJ_CNORM,
			600, 6, 3, share3, cn_beta, cn_extra, 0, 1.5, 7.5, 0.9);
}

/* Ignoring censoring biases the low group's level: the bounds matter. */
static void
TestCensoringMatters(void)
{
	static const double share[1] = {1.0};
	static const double beta[1][3] = {{0.0, 0.0, 0.0}};
	static const double sigma[1] = {1.0};
	int			truth[2000];
	scomm_traj_panel *p = Simulate(SCOMM_TRAJ_CNORM, 2000, 3, 1, share, beta, sigma, 0, 9, truth);
	scomm_traj_panel *c = NULL;
	scomm_traj_options o;
	scomm_traj_model *cens = NULL,
			   *naive = NULL;
	size_t		j;

	scomm_traj_panel_create(&c);
	for (j = 0; j < scomm_traj_panel_nobs(p); j++)
	{
		int64_t		u;
		double		t,
					y,
					e;

		scomm_traj_panel_get(p, j, &u, &t, &y, &e);
		scomm_traj_panel_add(c, u, t, fmax(y, 0.0), e);
	}
	scomm_traj_options_default(&o);
	o.family = SCOMM_TRAJ_CNORM;
	o.degree = 0;
	o.starts = 1;
	o.lower = 0.0;
	scomm_traj_fit(c, &o, &cens);
	o.lower = NAN;
	scomm_traj_fit(c, &o, &naive);
	/* naive: mean of max(Z, 0) = 1/sqrt(2 pi) = 0.399 */
	tap_ok(cens && naive && fabs(cens->beta[0]) < 0.05 && fabs(exp(cens->extra[0]) - 1) < 0.05 &&
		   fabs(naive->beta[0] - 0.399) < 0.05,
		   "normal censored at 0: with the bound the mean 0 and sigma 1 come back, without it the mean is 0.4");
	scomm_traj_model_free(cens);
	scomm_traj_model_free(naive);
	scomm_traj_panel_free(p);
	scomm_traj_panel_free(c);
}

/* crimCV's TO1adj (378 offenders x ages 8..38): times only, and sanity. */
static void
TestCrimCV(void)
{
	scomm_traj_panel *p = ReadCrimCV();
	scomm_traj_options o;
	scomm_traj_model *m = NULL;
	double		t0;

	tap_ok(p && scomm_traj_panel_nobs(p) == 378 * 31, "crimCV TO1adj: 378 x 31 observations");
	if (p == NULL)
		return;
	scomm_traj_options_default(&o);
	o.family = SCOMM_TRAJ_ZIP;
	o.groups = 4;
	o.seed = SEED;
	t0 = Now();
	tap_ok(scomm_traj_fit(p, &o, &m) == SCOMM_OK && m->converged && m->starts_at_best >= 2,
		   "crimCV TO1adj, 4 zip groups, quadratic: converged, best reached by 2+ starts");
	if (m)
		printf("# crimCV TO1adj 4 zip groups: %.3f s (crimCV: 267 s), LL %.4f, BIC %.4f, shares %.4f %.4f %.4f %.4f\n",
			   Now() - t0, m->loglik, m->bic, m->share[0], m->share[1], m->share[2], m->share[3]);
	scomm_traj_model_free(m);
	scomm_traj_panel_free(p);
}

int
main(void)
{
	gsl_set_error_handler_off();
	CountAllocations();
	TestRecovery();
	TestCensoringMatters();
	TestCrimCV();
	tap_ok(live_allocs == 0, "every core allocation was freed");
	return tap_done();
}
