/*
 * test_traj_risk.c: risk factors of trajectory group membership (a
 * multinomial logit of the group on covariates per unit, mlogit.c) against
 * values computed independently of the core: each unit's posterior
 * recomputed by hand from the reported coefficients; the fit's invariance to
 * the units of a covariate (coefficients and standard errors scale by the
 * factor, the log-likelihood does not move); recovery of known coefficients
 * from simulated panels; units without covariates left out and counted;
 * constant covariates, a single group and mismatched panels.  (The fit
 * against an independently written likelihood and its numerical Hessian is
 * in test_traj_fit.c.)
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

static const double share3[3] = {0.5, 0.3, 0.2};
static const double beta3[3][3] = {{1.5, 0.3, -0.2}, {2.8, -0.5, 0.1}, {3.9, 0.6, -0.4}};
static const double alpha3[3] = {0.3, 0.15, 0.05};
/*
 * group 2 and 3 against group 1: intercept, x1 (standard normal), x2 (a
 * population, mean 2e5, sd 1e5); at the mean covariates the odds are those
 * of shares .5, .3, .2, so that the fit numbers the groups as simulated
 */
static const double gamma3[2 * 3] = {-1.31, 0.9, 4e-6, -2.12, -0.7, 6e-6};
static const double xscale[2] = {1.0, 1e5};
static const double xshift[2] = {0.0, 2e5};

static scomm_traj_model *
Fit(const scomm_traj_panel *p, scomm_traj_family f, int K, int degree, int starts)
{
	scomm_traj_options o;
	scomm_traj_model *m = NULL;

	scomm_traj_options_default(&o);
	o.family = f;
	o.groups = K;
	o.degree = degree;
	o.starts = starts;
	o.seed = SEED;
	return scomm_traj_fit(p, &o, &m) == SCOMM_OK ? m : NULL;
}

/* log P(group k | x) from the reported coefficients, written out */
static void
HandPriors(const scomm_traj_model *m, const double *x, double *lp)
{
	double		mx = 0.0,
				s = 0.0,
				est[32],
				se[32];
	int			k,
				c;

	lp[0] = 0.0;
	for (k = 1; k < m->ngroups; k++)
	{
		scomm_traj_model_risk(m, k, est, se);
		lp[k] = est[0];
		for (c = 0; c < m->ncov; c++)
			lp[k] += est[1 + c] * x[c];
		mx = fmax(mx, lp[k]);
	}
	for (k = 0; k < m->ngroups; k++)
		s += exp(lp[k] - mx);
	for (k = 0; k < m->ngroups; k++)
		lp[k] -= mx + log(s);
}

/*
 * Membership: the posterior of every group of every unit recomputed from
 * the coefficients (prior of the logit times the negative binomial
 * likelihood, written out with lgamma), the left-out units counted.
 */
static void
TestMembership(void)
{
	int			truth[400],
				u;
	scomm_traj_panel *p = SimulateNbRisk(400, 6, 3, share3, beta3, alpha3, NULL, 1, 1.0, 2,
										 gamma3, xscale, xshift, 51, truth, NULL);
	scomm_traj_model *m;
	size_t		n = 0,
				left = 99,
				i,
				j,
				nobs;
	int64_t    *units = NULL;
	int		   *grp = NULL;
	double	   *post = NULL,
			   *all = NULL,
				worst = 0.0;

	for (u = 0; u < 400; u += 50)
		scomm_traj_panel_set_covariates(p, 1000 + u, NULL, 0, NULL);
	m = Fit(p, SCOMM_TRAJ_NBINOM, 3, 2, 10);
	tap_ok(m && m->ncov == 2 && m->units == 392 && m->units_left_out == 8,
		   "8 units without covariates left out of the fit and counted");
	if (m == NULL || scomm_traj_membership(m, p, &n, &units, &grp, &post, &all, &left) != SCOMM_OK)
	{
		tap_ok(0, "membership with covariates");
		goto done;
	}
	tap_ok(n == 392 && left == 8, "membership: the same 8 units left out");
	nobs = scomm_traj_panel_nobs(p);
	for (i = 0; i < n; i++)
	{
		const double *x = NULL;
		int			missing,
					k;
		double		lp[3],
					lf[3] = {0, 0, 0},
					mx = -INFINITY,
					s = 0.0;

		scomm_traj_panel_find_covariates(p, units[i], &x, &missing);
		HandPriors(m, x, lp);
		for (j = 0; j < nobs; j++)
		{
			int64_t		uu;
			double		t,
						y,
						e;

			scomm_traj_panel_get(p, j, &uu, &t, &y, &e);
			if (uu != units[i])
				continue;
			for (k = 0; k < 3; k++)
			{
				double		est[8],
							se[8],
							mu,
							th;

				scomm_traj_model_coefficients(m, k, est, se);
				mu = e * exp(est[0] + est[1] * t + est[2] * t * t);
				th = 1.0 / est[3];
				lf[k] += lgamma(y + th) - lgamma(th) - lgamma(y + 1) +
					th * log(th / (th + mu)) + y * log(mu / (th + mu));
			}
		}
		for (k = 0; k < 3; k++)
			mx = fmax(mx, lp[k] + lf[k]);
		for (k = 0; k < 3; k++)
			s += exp(lp[k] + lf[k] - mx);
		for (k = 0; k < 3; k++)
			worst = fmax(worst, fabs(all[i * 3 + k] - exp(lp[k] + lf[k] - mx) / s));
	}
	tap_ok(worst < 1e-9, "every unit's posterior of every group recomputed by hand");
	if (!(worst < 1e-9))
		printf("#   worst posterior difference %g\n", worst);
	/* a panel without covariates cannot be classified under this model */
	{
		scomm_traj_panel *bare = NULL;
		size_t		nb = 0;
		int64_t    *ub = NULL;
		int		   *gb = NULL;
		double	   *pb = NULL;

		scomm_traj_panel_create(&bare);
		scomm_traj_panel_add(bare, 1, 0, 3, 1);
		tap_ok(scomm_traj_membership(m, bare, &nb, &ub, &gb, &pb, NULL, NULL) == SCOMM_EINVAL &&
			   ub == NULL, "membership of a panel without the model's covariates: EINVAL");
		scomm_traj_panel_free(bare);
	}
done:
	scomm_core_free(units);
	scomm_core_free(grp);
	scomm_core_free(post);
	scomm_core_free(all);
	scomm_traj_model_free(m);
	scomm_traj_panel_free(p);
}

/* A copy of p with covariate c multiplied by f (and the others as they are). */
static scomm_traj_panel *
Rescaled(const scomm_traj_panel *p, int c, double f)
{
	scomm_traj_panel *q = NULL;
	size_t		i,
				n = scomm_traj_panel_nobs(p);
	int			ncov = scomm_traj_panel_ncov(p);

	scomm_traj_panel_create(&q);
	for (i = 0; i < n; i++)
	{
		int64_t		u;
		double		t,
					y,
					e;

		scomm_traj_panel_get(p, i, &u, &t, &y, &e);
		scomm_traj_panel_add(q, u, t, y, e);
	}
	for (i = 0; i < scomm_traj_panel_ncovunits(p); i++)
	{
		int64_t		u;
		const double *x;
		int			missing;
		double		z[32];

		scomm_traj_panel_get_covariates(p, i, &u, &x, &missing);
		if (!missing)
		{
			memcpy(z, x, ncov * sizeof(double));
			z[c] *= f;
		}
		scomm_traj_panel_set_covariates(q, u, missing ? NULL : z, ncov, NULL);
	}
	return q;
}

/* Units of a covariate: coefficient and SE scale by 1/f, nothing else moves. */
static void
TestScaleInvariance(void)
{
	int			truth[500];
	scomm_traj_panel *p = SimulateNbRisk(500, 6, 3, share3, beta3, alpha3, NULL, 1, 1.0, 2,
										 gamma3, xscale, xshift, 52, truth, NULL);
	scomm_traj_panel *q = Rescaled(p, 1, 1e-3);	/* population in thousands */
	scomm_traj_model *a = Fit(p, SCOMM_TRAJ_NBINOM, 3, 2, 8),
			   *b = Fit(q, SCOMM_TRAJ_NBINOM, 3, 2, 8);
	double		ea[8],
				sa[8],
				eb[8],
				sb[8],
				worst = 0.0;
	int			k,
				c;

	tap_ok(a && b && fabs(a->loglik - b->loglik) < 1e-7 * fabs(a->loglik),
		   "a covariate in other units: the same log-likelihood");
	for (k = 1; a && b && k < 3; k++)
	{
		scomm_traj_model_risk(a, k, ea, sa);
		scomm_traj_model_risk(b, k, eb, sb);
		for (c = 0; c < 3; c++)
		{
			double		f = c == 2 ? 1e3 : 1.0;	/* b's coefficient is 1000 times a's */

			worst = fmax(worst, fabs(eb[c] - f * ea[c]) / (f * sa[c]));
			worst = fmax(worst, fabs(sb[c] - f * sa[c]) / (f * sa[c]));
		}
	}
	tap_ok(a && b && worst < 1e-5,
		   "a covariate in thousands: its coefficient and SE 1000 times larger, the others equal");
	if (!(worst < 1e-5))
		printf("#   worst difference in SEs %g\n", worst);
	scomm_traj_model_free(a);
	scomm_traj_model_free(b);
	scomm_traj_panel_free(p);
	scomm_traj_panel_free(q);
}

/* Known coefficients come back within 4 standard errors; classification. */
static void
TestRecovery(void)
{
	int			truth[1500];
	scomm_traj_panel *p = SimulateNbRisk(1500, 8, 3, share3, beta3, alpha3, NULL, 1, 1.0, 2,
										 gamma3, xscale, xshift, 53, truth, NULL);
	double		t0 = Now(),
				worst = 0.0,
				est[8],
				se[8];
	scomm_traj_model *m = Fit(p, SCOMM_TRAJ_NBINOM, 3, 2, 20);
	int			k,
				c;

	tap_ok(m && m->converged, "1,500 units, 3 groups, 2 covariates: converged");
	if (m)
		printf("# recovery fit %.3f s, LL %.3f, starts at best %d of %d\n", Now() - t0,
			   m->loglik, m->starts_at_best, m->starts);
	for (k = 1; m && k < 3; k++)
	{
		scomm_traj_model_risk(m, k, est, se);
		for (c = 0; c < 3; c++)
		{
			double		z = fabs(est[c] - gamma3[(k - 1) * 3 + c]) / se[c];

			printf("#   group %d covariate %d: %.6g (%.3g), truth %.6g\n", k + 1, c, est[c], se[c],
				   gamma3[(k - 1) * 3 + c]);
			worst = fmax(worst, z);
		}
	}
	tap_ok(m && worst < 4.0, "membership coefficients within 4 standard errors of the truth");
	scomm_traj_model_free(m);
	scomm_traj_panel_free(p);
}

static void
TestEdges(void)
{
	int			truth[200],
				u;
	scomm_traj_panel *p = SimulateNbRisk(200, 5, 3, share3, beta3, alpha3, NULL, 0, 1.0, 2,
										 gamma3, xscale, xshift, 54, truth, NULL);
	scomm_traj_panel *c = NULL;
	scomm_traj_options o;
	scomm_traj_model *m = NULL;
	double		est[8],
				se[8];
	char	   *s = NULL;
	size_t		l;

	/* one group: the covariates do not enter, the model keeps their count */
	m = Fit(p, SCOMM_TRAJ_NBINOM, 1, 2, 1);
	tap_ok(m && m->ncov == 2 && m->npar == 4 && scomm_traj_model_risk(m, 0, est, se) == SCOMM_EINVAL,
		   "one group with covariates: no membership coefficients, npar 4");
	tap_ok(m && scomm_traj_model_to_text(m, &s, &l) == SCOMM_OK && strstr(s, ";covariates=2;") &&
		   !strstr(s, ";gamma="), "its text form: covariates=2, no gamma list");
	scomm_core_free(s);
	s = NULL;
	scomm_traj_model_free(m);
	/* a model with covariates: text and binary round trips, version 2 */
	m = Fit(p, SCOMM_TRAJ_POISSON, 2, 1, 3);
	{
		scomm_traj_model *t = NULL,
				   *b = NULL;
		unsigned char *bytes = NULL;
		size_t		lb;
		char	   *s2 = NULL;
		size_t		l2;

		tap_ok(m && scomm_traj_model_to_text(m, &s, &l) == SCOMM_OK &&
			   strncmp(s, "{traj=2;family=poisson;", 23) == 0 && strstr(s, ";gamma=") &&
			   scomm_traj_model_from_text(s, l, &t) == SCOMM_OK &&
			   scomm_traj_model_to_text(t, &s2, &l2) == SCOMM_OK && strcmp(s, s2) == 0 &&
			   scomm_traj_model_to_bytes(m, &bytes, &lb) == SCOMM_OK && bytes[0] == 2 &&
			   scomm_traj_model_from_bytes(bytes, lb, &b) == SCOMM_OK &&
			   b->gamma[3] == m->gamma[3] && b->units_left_out == m->units_left_out,
			   "a poisson model with covariates is version 2 and round-trips exactly");
		scomm_core_free(s2);
		scomm_core_free(bytes);
		scomm_traj_model_free(t);
		scomm_traj_model_free(b);
	}
	scomm_core_free(s);
	scomm_traj_model_free(m);
	/* a constant covariate cannot be estimated */
	scomm_traj_panel_create(&c);
	for (u = 0; u < 50; u++)
	{
		double		x[2] = {u % 3, 7.0};

		scomm_traj_panel_add(c, u, 0, u % 5, 1);
		scomm_traj_panel_add(c, u, 1, u % 7, 1);
		scomm_traj_panel_set_covariates(c, u, x, 2, NULL);
	}
	scomm_traj_options_default(&o);
	o.groups = 2;
	o.degree = 1;
	o.starts = 2;
	tap_ok(scomm_traj_fit(c, &o, &m) == SCOMM_EINVAL && m == NULL,
		   "a covariate constant over the units: EINVAL");
	scomm_traj_panel_free(c);
	/* every unit's covariates missing: nothing to fit */
	scomm_traj_panel_create(&c);
	for (u = 0; u < 10; u++)
	{
		scomm_traj_panel_add(c, u, 0, u, 1);
		scomm_traj_panel_set_covariates(c, u, NULL, 0, NULL);
	}
	tap_ok(scomm_traj_fit(c, &o, &m) == SCOMM_EEMPTY && m == NULL,
		   "no unit with covariates: EEMPTY");
	scomm_traj_panel_free(c);
	scomm_traj_panel_free(p);
}

int
main(void)
{
	gsl_set_error_handler_off();
	CountAllocations();
	TestMembership();
	TestScaleInvariance();
	TestRecovery();
	TestEdges();
	tap_ok(live_allocs == 0, "every core allocation was freed");
	return tap_done();
}
