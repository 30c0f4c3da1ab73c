/*
 * test_traj_nbinom.c: the negative binomial families of the trajectory
 * models against values computed independently of the core: the tabled
 * special functions against exact finite sums in long double; one group
 * (closed forms: the mean, the dispersion that solves the profile score
 * equation found by bisection with GSL's digamma, the standard error of the
 * log mean); nesting (nbinom never below poisson, zinb never below nbinom
 * or zip); the Poisson limit; recovery of known groups and dispersions from
 * simulated panels.  (test_traj_fit.c checks the fits against a plainly
 * written likelihood, its zero gradient and its numerical Hessian.)
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_psi.h>

#include "tap.h"
#include "traj_int.h"
#include "traj_testdata.h"

#define SEED 20240601

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
	if (scomm_traj_fit(p, &o, &m) != SCOMM_OK)
		return NULL;
	return m;
}

/*
 * The y-tables (lgamma(y + theta) - lgamma(theta) - y log theta, the
 * digamma and trigamma differences) against their finite sums over j < y
 * of log1p(j / theta), 1 / (theta + j), -1 / (theta + j)^2 in long double.
 */
static void
TestTables(void)
{
	static const double thetas[] = {1e-3, 0.05, 0.7, 3, 9.99, 10, 47, 1e3, 1e6, 1e10};
	static const double ys[] = {1, 2, 3, 7, 19, 20, 21, 22, 50, 333, 4000, 100000};
	TrajData	d;
	double		lg[12],
				dg[12],
				tg[12],
				worst = 0.0;
	size_t		i,
				c;

	memset(&d, 0, sizeof(d));
	d.ny = sizeof(ys) / sizeof(ys[0]);
	d.yval = (double *) ys;
	for (i = 0; i < sizeof(thetas) / sizeof(thetas[0]); i++)
	{
		double		th = thetas[i];

		scomm_traj_nb_ytables(&d, th, lg, dg, tg);
		for (c = 0; c < d.ny; c++)
		{
			long double sl = 0,
						sd = 0,
						st = 0;
			long		j;

			for (j = 0; j < (long) ys[c]; j++)
			{
				long double v = (long double) th + j;

				sl += log1pl((long double) j / th);
				sd += 1 / v;
				st -= 1 / (v * v);
			}
			worst = fmax(worst, sl == 0 ? fabs(lg[c]) : fabs(lg[c] - (double) sl) / fabs((double) sl));
			worst = fmax(worst, fabs(dg[c] - (double) sd) / fabs((double) sd));
			worst = fmax(worst, fabs(tg[c] - (double) st) / fabs((double) st));
		}
	}
	tap_ok(worst < 1e-12, "y-tables = finite sums in long double (theta 1e-3 .. 1e10, y 1 .. 1e5)");
	if (!(worst < 1e-12))
		printf("#   worst relative error %g\n", worst);
}

/*
 * One group, degree 0, exposure 1: the mean is the sample mean, theta solves
 * sum psi(y + theta) - n psi(theta) + n log(theta / (theta + ybar)) = 0, the
 * SE of log(mean) is 1 / sqrt(n ybar theta / (theta + ybar)).
 */
static void
TestOneGroup(void)
{
	static const double ys[12] = {0, 3, 0, 0, 15, 1, 0, 2, 9, 4, 0, 31};
	scomm_traj_panel *p = NULL;
	scomm_traj_model *m;
	double		n = 12,
				sy = 0,
				ybar,
				lo = 1e-3,
				hi = 1e3,
				th,
				ll = 0,
				est[4],
				se[4];
	int			i,
				it;

	scomm_traj_panel_create(&p);
	for (i = 0; i < 12; i++)
	{
		scomm_traj_panel_add(p, i / 3, i % 3, ys[i], 1.0);
		sy += ys[i];
	}
	ybar = sy / n;
	/* the profile score decreases in theta: bisect on a log scale */
	for (it = 0; it < 200; it++)
	{
		double		mid = sqrt(lo * hi),
					sc = n * log(mid / (mid + ybar)) - n * gsl_sf_psi(mid);

		for (i = 0; i < 12; i++)
			sc += gsl_sf_psi(ys[i] + mid);
		if (sc > 0)
			lo = mid;
		else
			hi = mid;
	}
	th = sqrt(lo * hi);
	for (i = 0; i < 12; i++)
		ll += lgamma(ys[i] + th) - lgamma(th) - lgamma(ys[i] + 1) +
			th * log(th / (th + ybar)) + ys[i] * log(ybar / (th + ybar));
	m = Fit(p, SCOMM_TRAJ_NBINOM, 1, 0, 1);
	tap_ok(m && scomm_traj_model_coefficients(m, 0, est, se) == SCOMM_OK &&
		   fabs(exp(est[0]) - ybar) < 1e-9 * ybar && fabs(est[1] - 1 / th) < 1e-7 / th &&
		   fabs(m->loglik - ll) < 1e-9 * fabs(ll) && m->npar == 2 &&
		   fabs(se[0] - 1 / sqrt(n * ybar * th / (th + ybar))) < 1e-8,
		   "nbinom, one group, degree 0: mean ybar, dispersion from the profile score, SE of log mean, LL");
	if (m)
		printf("# ybar %.6f theta %.6f: fit %.6f %.6f, LL %.9f (%.9f)\n", ybar, th,
			   exp(est[0]), 1 / est[1], m->loglik, ll);
	tap_ok(m && strcmp(scomm_traj_term_name(m, 1), "dispersion") == 0 &&
		   scomm_traj_model_nterms(m) == 2, "nbinom terms: intercept, dispersion");
	scomm_traj_model_free(m);
	m = Fit(p, SCOMM_TRAJ_ZINB, 1, 1, 1);
	tap_ok(m && scomm_traj_model_nterms(m) == 4 &&
		   strcmp(scomm_traj_term_name(m, 2), "zero_prob") == 0 &&
		   strcmp(scomm_traj_term_name(m, 3), "dispersion") == 0 && m->npar == 4,
		   "zinb terms: intercept, t, zero_prob, dispersion");
	scomm_traj_model_free(m);
	scomm_traj_panel_free(p);
}

/* Nested families: the larger never fits worse (one group, no local optima). */
static void
TestNesting(void)
{
	static const double share[1] = {1.0};
	static const double beta[1][3] = {{1.2, 0.4, -0.3}};
	static const double alpha[1] = {0.4};
	static const double pz[1] = {0.15};
	int			truth[400];
	scomm_traj_panel *nb = SimulateNb(400, 6, 1, share, beta, alpha, pz, 1, 31, truth);
	scomm_traj_panel *po = Simulate(SCOMM_TRAJ_POISSON, 400, 6, 1, share, beta, NULL, 1, 32, truth);
	scomm_traj_model *mp = Fit(nb, SCOMM_TRAJ_POISSON, 1, 2, 1),
			   *mz = Fit(nb, SCOMM_TRAJ_ZIP, 1, 2, 1),
			   *mn = Fit(nb, SCOMM_TRAJ_NBINOM, 1, 2, 1),
			   *mzn = Fit(nb, SCOMM_TRAJ_ZINB, 1, 2, 1),
			   *lp = Fit(po, SCOMM_TRAJ_POISSON, 1, 2, 1),
			   *ln = Fit(po, SCOMM_TRAJ_NBINOM, 1, 2, 1);
	double		est[8],
				se[8];

	tap_ok(mp && mz && mn && mzn && mn->loglik >= mp->loglik && mzn->loglik >= mn->loglik &&
		   mzn->loglik >= mz->loglik - 1e-9 && mn->loglik - mp->loglik > 100,
		   "zero-inflated NB data: LL zinb >= nbinom >= poisson, zinb >= zip; NB far above poisson");
	if (mp && mz && mn && mzn)
		printf("# LL poisson %.3f zip %.3f nbinom %.3f zinb %.3f\n", mp->loglik, mz->loglik,
			   mn->loglik, mzn->loglik);
	tap_ok(mzn && scomm_traj_model_coefficients(mzn, 0, est, se) == SCOMM_OK &&
		   fabs(est[3] - 0.15) < 4 * se[3] && fabs(est[4] - 0.4) < 4 * se[4],
		   "zinb recovers the zero probability and the dispersion within 4 SE");
	/* Poisson data: the dispersion goes to its bound, LL at least poisson's */
	tap_ok(lp && ln && ln->loglik >= lp->loglik - 1e-6 && ln->loglik - lp->loglik < 1.0 &&
		   scomm_traj_model_coefficients(ln, 0, est, se) == SCOMM_OK && est[3] < 0.05,
		   "Poisson data: nbinom's dispersion near 0 and its LL within 1 of poisson's, not below");
	if (lp && ln)
		printf("# Poisson data: LL poisson %.6f nbinom %.6f, dispersion %g\n", lp->loglik,
			   ln->loglik, est[3]);
	scomm_traj_model_free(mp);
	scomm_traj_model_free(mz);
	scomm_traj_model_free(mn);
	scomm_traj_model_free(mzn);
	scomm_traj_model_free(lp);
	scomm_traj_model_free(ln);
	scomm_traj_panel_free(nb);
	scomm_traj_panel_free(po);
}

/* Known groups: shares, every parameter within 4 SE, classification. */
static void
Recover(const char *name, scomm_traj_family f, int units, int periods,
		const double (*beta)[3], const double *alpha, const double *pz, double min_correct)
{
	static const double share[3] = {0.5, 0.3, 0.2};
	int		   *truth = malloc(units * sizeof(int));
	scomm_traj_panel *p = SimulateNb(units, periods, 3, share, beta, alpha, pz, 1,
									 SEED + units, truth);
	scomm_traj_model *m;
	double		t0 = Now(),
				worst_z = 0.0,
				worst_share = 0.0;
	size_t		n = 0,
				i;
	int64_t    *u = NULL;
	int		   *g = NULL,
				k,
				a,
				correct = 0;
	double	   *post = NULL;
	char		what[256];

	m = Fit(p, f, 3, 2, 20);
	snprintf(what, sizeof(what), "%s: fit converged", name);
	tap_ok(m && m->converged, what);
	if (m == NULL)
		goto done;
	printf("# %s: %.3f s, LL %.3f, starts at best %d of %d\n", name, Now() - t0, m->loglik,
		   m->starts_at_best, m->starts);
	for (k = 0; k < 3; k++)
	{
		int			q = 3 + m->nextra;

		worst_share = fmax(worst_share, fabs(m->share[k] - share[k]));
		for (a = 0; a < 3; a++)
			worst_z = fmax(worst_z, fabs(m->beta[k * 3 + a] - beta[k][a]) /
						   sqrt(m->vcov[(k * q + a) * m->npar + k * q + a]));
		worst_z = fmax(worst_z, fabs(m->extra[k * m->nextra + m->nextra - 1] - log(alpha[k])) /
					   sqrt(m->vcov[(k * q + q - 1) * m->npar + k * q + q - 1]));
		if (pz)
			worst_z = fmax(worst_z, fabs(m->extra[k * 2] - log(pz[k] / (1 - pz[k]))) /
						   sqrt(m->vcov[(k * q + 3) * m->npar + k * q + 3]));
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
	static const double beta[3][3] = {{1.5, 0.3, -0.2}, {2.8, -0.5, 0.1}, {3.9, 0.6, -0.4}};
	static const double alpha[3] = {0.3, 0.15, 0.05};
	static const double pz[3] = {0.2, 0.1, 0.05};

	Recover("nbinom, 3 groups, exposures, 900 units x 8 periods", SCOMM_TRAJ_NBINOM,
			900, 8, beta, alpha, NULL, 0.95);
	Recover("zinb, 3 groups, exposures, 900 units x 10 periods", SCOMM_TRAJ_ZINB,
			900, 10, beta, alpha, pz, 0.95);
}

/* Row order and merges do not change the model; the seed is recorded. */
static void
TestDeterminism(void)
{
	static const double share[2] = {0.6, 0.4};
	static const double beta[2][3] = {{1.0, 0.2, 0.0}, {2.5, -0.4, 0.1}};
	static const double alpha[2] = {0.2, 0.1};
	int			truth[300];
	scomm_traj_panel *p = SimulateNb(300, 6, 2, share, beta, alpha, NULL, 1, 41, truth);
	scomm_traj_panel *rev = NULL;
	scomm_traj_model *a = Fit(p, SCOMM_TRAJ_NBINOM, 2, 2, 5),
			   *b;
	unsigned char *ba = NULL,
			   *bb = NULL;
	size_t		la = 0,
				lb = 0,
				j,
				n = scomm_traj_panel_nobs(p);

	scomm_traj_panel_create(&rev);
	for (j = 0; j < n; j++)
	{
		int64_t		u;
		double		t,
					y,
					e;

		scomm_traj_panel_get(p, n - 1 - j, &u, &t, &y, &e);
		scomm_traj_panel_add(rev, u, t, y, e);
	}
	b = Fit(rev, SCOMM_TRAJ_NBINOM, 2, 2, 5);
	tap_ok(a && b && scomm_traj_model_to_bytes(a, &ba, &la) == SCOMM_OK &&
		   scomm_traj_model_to_bytes(b, &bb, &lb) == SCOMM_OK && la == lb &&
		   memcmp(ba, bb, la) == 0 && ba[0] == 2,
		   "nbinom: reversed insertion order gives the bit-identical model (format version 2)");
	scomm_core_free(ba);
	scomm_core_free(bb);
	scomm_traj_model_free(a);
	scomm_traj_model_free(b);
	scomm_traj_panel_free(p);
	scomm_traj_panel_free(rev);
}

int
main(void)
{
	gsl_set_error_handler_off();
	CountAllocations();
	TestTables();
	TestOneGroup();
	TestNesting();
	TestRecovery();
	TestDeterminism();
	tap_ok(live_allocs == 0, "every core allocation was freed");
	return tap_done();
}
