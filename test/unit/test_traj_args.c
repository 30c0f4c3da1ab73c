/*
 * test_traj_args.c: argument and data checks of the trajectory core, the
 * cancellation hook, and allocation failure at every allocation of a fit,
 * a membership and the encoders (no crash, no leak, ENOMEM reported).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "tap.h"
#include "traj.h"
#include "traj_testdata.h"

static scomm_status
FitWith(const scomm_traj_panel *p, scomm_traj_family f, int K, int degree,
		int starts, int max_iter, double tol, double lower, double upper)
{
	scomm_traj_options o;
	scomm_traj_model *m = NULL;
	scomm_status st;

	scomm_traj_options_default(&o);
	o.family = f;
	o.groups = K;
	o.degree = degree;
	o.starts = starts;
	o.max_iter = max_iter;
	o.tol = tol;
	o.lower = lower;
	o.upper = upper;
	st = scomm_traj_fit(p, &o, &m);
	if ((st == SCOMM_OK) != (m != NULL))
		return (scomm_status) 99;
	scomm_traj_model_free(m);
	return st;
}

static void
TestOptions(void)
{
	scomm_traj_panel *p = ReadTrajeR("trajeR_POIS2gr.csv", 5);
	scomm_traj_options o;
	scomm_traj_model *m = NULL;
	const scomm_traj_family P = SCOMM_TRAJ_POISSON,
				C = SCOMM_TRAJ_CNORM;

	tap_ok(p != NULL, "reference panel");
	tap_ok(FitWith(p, P, 0, 2, 1, 10, 1e-9, NAN, NAN) == SCOMM_EINVAL &&
		   FitWith(p, P, 21, 2, 1, 10, 1e-9, NAN, NAN) == SCOMM_EINVAL, "groups outside 1..20 rejected");
	tap_ok(FitWith(p, P, 1, -1, 1, 10, 1e-9, NAN, NAN) == SCOMM_EINVAL &&
		   FitWith(p, P, 1, 6, 1, 10, 1e-9, NAN, NAN) == SCOMM_EINVAL, "degree outside 0..5 rejected");
	tap_ok(FitWith(p, P, 1, 2, 0, 10, 1e-9, NAN, NAN) == SCOMM_EINVAL &&
		   FitWith(p, P, 1, 2, 100001, 10, 1e-9, NAN, NAN) == SCOMM_EINVAL, "starts outside 1..100000 rejected");
	tap_ok(FitWith(p, P, 1, 2, 1, 0, 1e-9, NAN, NAN) == SCOMM_EINVAL &&
		   FitWith(p, P, 1, 2, 1, 10, -1, NAN, NAN) == SCOMM_EINVAL &&
		   FitWith(p, P, 1, 2, 1, 10, NAN, NAN, NAN) == SCOMM_EINVAL, "max_iter < 1, negative or NaN tol rejected");
	tap_ok(FitWith(p, (scomm_traj_family) SCOMM_TRAJ_NFAMILIES, 1, 2, 1, 10, 1e-9, NAN, NAN) == SCOMM_EINVAL &&
		   FitWith(p, (scomm_traj_family) -1, 1, 2, 1, 10, 1e-9, NAN, NAN) == SCOMM_EINVAL,
		   "unknown family rejected");
	tap_ok(FitWith(p, C, 1, 2, 1, 100, 1e-9, 3, 3) == SCOMM_EINVAL &&
		   FitWith(p, C, 1, 2, 1, 100, 1e-9, 4, 3) == SCOMM_EINVAL &&
		   FitWith(p, C, 1, 2, 1, 100, 1e-9, INFINITY, NAN) == SCOMM_EINVAL &&
		   FitWith(p, C, 1, 2, 1, 100, 1e-9, NAN, -INFINITY) == SCOMM_EINVAL &&
		   FitWith(p, C, 1, 2, 1, 100, 1e-9, 15, NAN) == SCOMM_EINVAL,
		   "cnorm bounds: lower >= upper, lower = +inf, upper = -inf, lower at or above the default upper (max + 1 = 15) rejected");
	tap_ok(FitWith(p, C, 1, 2, 1, 100, 1e-9, -INFINITY, INFINITY) == SCOMM_OK &&
		   FitWith(p, C, 1, 2, 1, 100, 1e-9, 0, NAN) == SCOMM_OK, "infinite or one-sided bounds accepted");
	tap_ok(FitWith(p, P, 51, 2, 1, 10, 1e-9, NAN, NAN) == SCOMM_EINVAL, "more groups than units rejected");
	tap_ok(FitWith(p, P, 1, 5, 1, 10, 1e-9, NAN, NAN) == SCOMM_EINVAL &&
		   FitWith(p, P, 1, 4, 1, 100, 1e-9, NAN, NAN) == SCOMM_OK,
		   "degree needs degree + 1 distinct times (5 times: degree 4 fits, 5 not)");
	scomm_traj_options_default(&o);
	tap_ok(scomm_traj_fit(NULL, &o, &m) == SCOMM_EINVAL && m == NULL &&
		   scomm_traj_fit(p, NULL, &m) == SCOMM_EINVAL && scomm_traj_fit(p, &o, NULL) == SCOMM_EINVAL,
		   "NULL arguments rejected");
	scomm_traj_panel_free(p);
}

static void
TestData(void)
{
	scomm_traj_panel *p = NULL;
	scomm_traj_model *m = NULL;
	scomm_traj_family f;
	size_t		n;
	int64_t    *u;
	int		   *g;
	double	   *post;

	scomm_traj_panel_create(&p);
	tap_ok(FitWith(p, SCOMM_TRAJ_POISSON, 1, 0, 1, 10, 1e-9, NAN, NAN) == SCOMM_EEMPTY,
		   "empty panel: EEMPTY");
	scomm_traj_panel_add(p, 1, 0, 2, 1);
	scomm_traj_panel_add(p, 1, 1, 2.5, 1);
	tap_ok(FitWith(p, SCOMM_TRAJ_POISSON, 1, 0, 1, 10, 1e-9, NAN, NAN) == SCOMM_EINVAL &&
		   FitWith(p, SCOMM_TRAJ_CNORM, 1, 0, 1, 10, 1e-9, NAN, NAN) == SCOMM_OK,
		   "fractional count rejected for poisson, fine for cnorm");
	scomm_traj_panel_add(p, 1, 1, 3, 1);
	tap_ok(FitWith(p, SCOMM_TRAJ_CNORM, 1, 0, 1, 10, 1e-9, NAN, NAN) == SCOMM_EINVAL,
		   "two observations of a unit at one time rejected");
	scomm_traj_panel_free(p);
	scomm_traj_panel_create(&p);
	scomm_traj_panel_add(p, 1, 0, 0, 1);
	scomm_traj_panel_add(p, 2, 1, 0, 1);
	tap_ok(FitWith(p, SCOMM_TRAJ_POISSON, 1, 1, 1, 100, 1e-9, NAN, NAN) == SCOMM_OK,
		   "all-zero counts: the rate runs to 0 and the fit still ends");
	scomm_traj_panel_free(p);

	tap_ok(scomm_traj_family_parse("zip", 3, &f) == SCOMM_OK && f == SCOMM_TRAJ_ZIP &&
		   scomm_traj_family_parse("cnorm", 5, &f) == SCOMM_OK && f == SCOMM_TRAJ_CNORM &&
		   scomm_traj_family_parse("Poisson", 7, &f) == SCOMM_EINVAL &&
		   scomm_traj_family_parse("zi", 2, &f) == SCOMM_EINVAL &&
		   strcmp(scomm_traj_family_name(SCOMM_TRAJ_POISSON), "poisson") == 0,
		   "family names parse exactly");

	/* membership of a panel the model cannot take */
	p = ReadTrajeR("trajeR_CNORM2gr.csv", 5);
	scomm_traj_options o;

	scomm_traj_options_default(&o);
	o.family = SCOMM_TRAJ_CNORM;
	o.groups = 2;
	o.starts = 2;
	scomm_traj_fit(p, &o, &m);
	scomm_traj_panel_free(p);
	scomm_traj_panel_create(&p);
	scomm_traj_panel_add(p, 5, 1, 2, 3);
	tap_ok(m && scomm_traj_membership(m, p, &n, &u, &g, &post, NULL, NULL) == SCOMM_EINVAL &&
		   u == NULL && n == 0, "membership: a panel with exposures rejected for cnorm");
	scomm_traj_panel_free(p);
	scomm_traj_panel_create(&p);
	tap_ok(m && scomm_traj_membership(m, p, &n, &u, &g, &post, NULL, NULL) == SCOMM_EEMPTY,
		   "membership of an empty panel: EEMPTY");
	scomm_traj_panel_add(p, 5, 1e6, 2, 1);
	tap_ok(m && scomm_traj_membership(m, p, &n, &u, &g, &post, NULL, NULL) == SCOMM_OK && n == 1 &&
		   u[0] == 5 && g[0] >= 1 && g[0] <= 2 && post[0] >= 0.5,
		   "membership of a unit observed at another time (extrapolated; censored at a bound)");
	scomm_core_free(u);
	scomm_core_free(g);
	scomm_core_free(post);
	{
		double		v;

		tap_ok(m && scomm_traj_model_expected(m, 2, 1, &v) == SCOMM_EINVAL &&
			   scomm_traj_model_expected(m, 0, NAN, &v) == SCOMM_EINVAL &&
			   strcmp(scomm_traj_term_name(m, 0), "intercept") == 0 &&
			   strcmp(scomm_traj_term_name(m, 2), "t^2") == 0 &&
			   strcmp(scomm_traj_term_name(m, 3), "sigma") == 0 &&
			   scomm_traj_term_name(m, 4) == NULL && scomm_traj_term_name(m, -1) == NULL,
			   "expected: bad group or time rejected; term names");
	}
	scomm_traj_model_free(m);
	scomm_traj_panel_free(p);
}

static int	polls = 0;

static int
StopSoon(void)
{
	return ++polls >= 30;
}

static void
TestCancel(void)
{
	scomm_traj_panel *p = ReadCrimCV();
	long		before = live_allocs;

	polls = 0;
	scomm_core_interrupt_hook = StopSoon;
	tap_ok(p && FitWith(p, SCOMM_TRAJ_ZIP, 4, 2, 20, 5000, 1e-9, NAN, NAN) == SCOMM_CANCELLED,
		   "interrupted fit is cancelled");
	scomm_core_interrupt_hook = NULL;
	tap_ok(polls == 30 && live_allocs == before, "cancelled fit freed its memory");
	scomm_traj_panel_free(p);
}

/* Fail the n-th allocation of an operation, for every n until it succeeds. */
static void
TestOutOfMemory(void)
{
	scomm_traj_panel *p = ReadTrajeR("trajeR_POIS2gr.csv", 5);
	scomm_traj_options o;
	scomm_traj_model *m = NULL,
			   *good = NULL;
	long		n,
				before;
	int			ok = 1,
				done = 0;

	scomm_traj_options_default(&o);
	o.groups = 2;
	o.starts = 2;
	scomm_traj_fit(p, &o, &good);
	for (n = 0; n < 100000 && !done && ok; n++)
	{
		scomm_status st;

		before = live_allocs;
		fail_after = n;
		st = scomm_traj_fit(p, &o, &m);
		fail_after = -1;
		if (st == SCOMM_OK)
			done = 1;
		else
			ok = st == SCOMM_ENOMEM && m == NULL && live_allocs == before;
		scomm_traj_model_free(m);
		m = NULL;
	}
	printf("# fit: %ld allocations\n", n);
	tap_ok(ok && done, "fit: every failed allocation gives ENOMEM and frees everything");
	for (n = 0, done = 0; n < 100000 && !done && ok; n++)
	{
		size_t		nu;
		int64_t    *u = NULL;
		int		   *g = NULL;
		double	   *post = NULL,
				   *all = NULL;
		char	   *s = NULL;
		unsigned char *b = NULL;
		size_t		l;
		scomm_traj_panel *q = NULL;
		scomm_traj_model *d = NULL;
		scomm_status st;

		before = live_allocs;
		fail_after = n;
		st = scomm_traj_membership(good, p, &nu, &u, &g, &post, &all, NULL);
		if (st == SCOMM_OK)
			st = scomm_traj_model_to_text(good, &s, &l);
		if (st == SCOMM_OK)
			st = scomm_traj_model_from_text(s, l, &d);
		if (st == SCOMM_OK)
			st = scomm_traj_model_to_bytes(good, &b, &l);
		if (st == SCOMM_OK)
			st = scomm_traj_panel_from_bytes((const unsigned char *) "\001\0\0\0\0\0\0\0\0", 9, &q);
		fail_after = -1;
		if (st == SCOMM_OK)
			done = 1;
		else
			ok = st == SCOMM_ENOMEM;
		scomm_core_free(u);
		scomm_core_free(g);
		scomm_core_free(post);
		scomm_core_free(all);
		scomm_core_free(s);
		scomm_core_free(b);
		scomm_traj_model_free(d);
		scomm_traj_panel_free(q);
		ok = ok && live_allocs == before;
	}
	tap_ok(ok && done, "membership and encoders: every failed allocation gives ENOMEM and frees everything");
	scomm_traj_model_free(good);
	scomm_traj_panel_free(p);
}

int
main(void)
{
	gsl_set_error_handler_off();
	CountAllocations();
	TestOptions();
	TestData();
	TestCancel();
	TestOutOfMemory();
	tap_ok(live_allocs == 0, "every core allocation was freed");
	return tap_done();
}
