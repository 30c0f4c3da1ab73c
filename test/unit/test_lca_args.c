/*
 * test_lca_args.c: invalid arguments and data give error statuses (never a
 * crash, never a model), and a cancelled fit frees everything.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "tap.h"
#include "lca.h"
#include "lca_testdata.h"

/* Fit and expect status want with no model returned. */
static void
ExpectFit(const scomm_lca_table *t, int nclass, int starts, int max_iter,
		  double tol, scomm_status want, const char *name)
{
	scomm_lca_model *m = (scomm_lca_model *) &m;	/* must be reset */
	scomm_status st = scomm_lca_fit(t, nclass, starts, 1, max_iter, tol, &m);

	tap_ok(st == want && m == NULL, name);
	if (st != want)
		printf("#   status %d (%s), wanted %d\n", st, scomm_status_message(st), want);
	if (st == SCOMM_OK)
		scomm_lca_model_free(m);
}

/* Bad arguments to the fit. */
static void
TestFitArguments(void)
{
	scomm_lca_table *v = ReadCsvTable("values_patterns.csv", 4, 1);

	tap_ok(v != NULL && scomm_lca_table_npatterns(v) == 16, "values: 16 patterns");
	ExpectFit(NULL, 2, 20, 1000, 1e-10, SCOMM_EINVAL, "NULL table");
	ExpectFit(v, 0, 20, 1000, 1e-10, SCOMM_EINVAL, "0 classes");
	ExpectFit(v, -3, 20, 1000, 1e-10, SCOMM_EINVAL, "negative classes");
	ExpectFit(v, SCOMM_LCA_MAX_CLASSES + 1, 20, 1000, 1e-10, SCOMM_EINVAL,
			  "more classes than the maximum");
	ExpectFit(v, 17, 20, 1000, 1e-10, SCOMM_EINVAL,
			  "more classes than distinct patterns");
	ExpectFit(v, 2, 0, 1000, 1e-10, SCOMM_EINVAL, "0 starts");
	ExpectFit(v, 2, 20, 0, 1e-10, SCOMM_EINVAL, "0 iterations");
	ExpectFit(v, 2, 20, 1000, -1e-10, SCOMM_EINVAL, "negative tolerance");
	ExpectFit(v, 2, 20, 1000, NAN, SCOMM_EINVAL, "NaN tolerance");
	ExpectFit(v, 2, 20, 1000, INFINITY, SCOMM_EINVAL, "infinite tolerance");
	scomm_lca_table_free(v);
}

/* Bad data: empty, nothing observed, an item never observed. */
static void
TestFitData(void)
{
	scomm_lca_table *t = NULL;
	int			none[3] = {0, 0, 0};
	int			two[3] = {1, 2, 0};
	int			three[3] = {2, 1, 0};

	scomm_lca_table_create(3, &t);
	ExpectFit(t, 2, 20, 1000, 1e-10, SCOMM_EEMPTY, "empty table");
	scomm_lca_table_add(t, none, 3, 10);
	ExpectFit(t, 2, 20, 1000, 1e-10, SCOMM_EEMPTY, "only all-missing rows");
	scomm_lca_table_add(t, two, 3, 10);
	scomm_lca_table_add(t, three, 3, 5);
	ExpectFit(t, 2, 20, 1000, 1e-10, SCOMM_EINVAL, "an item never observed");
	scomm_lca_table_free(t);
}

/* Table construction rejects malformed rows and incompatible merges. */
static void
TestTableArguments(void)
{
	scomm_lca_table *t = NULL,
			   *u = NULL,
			   *out = (scomm_lca_table *) &out;
	int			ok[3] = {1, 2, 0};
	int			neg[3] = {1, -1, 2};
	int			big[3] = {1, 256, 2};

	tap_ok(scomm_lca_table_create(0, &out) == SCOMM_EINVAL && out == NULL,
		   "table of 0 items rejected");
	tap_ok(scomm_lca_table_create(SCOMM_LCA_MAX_ITEMS + 1, &out) == SCOMM_EINVAL,
		   "table of too many items rejected");
	scomm_lca_table_create(3, &t);
	scomm_lca_table_create(4, &u);
	tap_ok(scomm_lca_table_add(t, ok, 2, 1) == SCOMM_EINVAL, "row of wrong length");
	tap_ok(scomm_lca_table_add(t, neg, 3, 1) == SCOMM_EINVAL, "negative category");
	tap_ok(scomm_lca_table_add(t, big, 3, 1) == SCOMM_EINVAL, "category above 255");
	tap_ok(scomm_lca_table_add(t, ok, 3, -1) == SCOMM_EINVAL, "negative count");
	tap_ok(scomm_lca_table_add(t, ok, 3, NAN) == SCOMM_EINVAL, "NaN count");
	tap_ok(scomm_lca_table_add(t, ok, 3, INFINITY) == SCOMM_EINVAL, "infinite count");
	tap_ok(scomm_lca_table_add(t, ok, 3, 1e308) == SCOMM_OK &&
		   scomm_lca_table_add(t, ok, 3, 1e308) == SCOMM_EINVAL,
		   "count overflowing to infinity rejected");
	tap_ok(scomm_lca_table_add(t, ok, 3, 0) == SCOMM_OK &&
		   scomm_lca_table_npatterns(t) == 1, "zero count accepted, changes nothing");
	tap_ok(scomm_lca_table_npatterns(t) == 1 && scomm_lca_table_total(t) == 1e308,
		   "rejected rows left the table unchanged");
	tap_ok(scomm_lca_table_merge(t, u) == SCOMM_EINVAL, "merge of different J rejected");
	tap_ok(scomm_lca_table_ncat(t, 0) == 1 && scomm_lca_table_ncat(t, 1) == 2 &&
		   scomm_lca_table_ncat(t, 2) == 0 && scomm_lca_table_ncat(t, 3) == -1,
		   "categories per item = largest seen");
	scomm_lca_table_free(t);
	scomm_lca_table_free(u);
}

static int	polls = 0;

/* Interrupt hook: ask to stop on the 30th poll. */
static int
StopSoon(void)
{
	return ++polls >= 30;
}

/* A cancelled fit returns SCOMM_CANCELLED and frees everything. */
static void
TestCancel(void)
{
	scomm_lca_table *t = ReadCsvTable("gss82_patterns.csv", 4, 1);
	long		before = live_allocs;

	scomm_core_interrupt_hook = StopSoon;
	ExpectFit(t, 3, 20, 1000, 1e-10, SCOMM_CANCELLED, "interrupted fit is cancelled");
	scomm_core_interrupt_hook = NULL;
	tap_ok(polls == 30 && live_allocs == before, "cancelled fit freed its memory");
	scomm_lca_table_free(t);
}

int
main(void)
{
	gsl_set_error_handler_off();
	CountAllocations();
	TestFitArguments();
	TestFitData();
	TestTableArguments();
	TestCancel();
	tap_ok(live_allocs == 0, "every core allocation was freed");
	return tap_done();
}
