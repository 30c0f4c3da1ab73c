/*
 * test_lca.c: the latent class fit against poLCA's published results (every
 * row of the reference table, carcinoma's G2/X2/df/entropy), and the raw
 * CSVs aggregating to the published pattern tables.  More fit tests are in
 * test_lca_fit.c, the encodings in test_lca_codec.c.
 *
 * Reference values: data/reference/README.md (poLCA manual pages).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "tap.h"
#include "lca.h"
#include "lca_testdata.h"

#define SEED 20240601

/* one row of the reference table */
typedef struct RefFit
{
	const char *file;
	int			nitems;
	int			has_freq;
	int			nclass;
	double		loglik;
	double		aic;
	double		bic;
	double		share[4];
} RefFit;

static const RefFit refs[] = {
	{"carcinoma_patterns.csv", 7, 1, 2, -317.2568, 664.5137, 706.0739, {.5012, .4988}},
	{"carcinoma_patterns.csv", 7, 1, 3, -293.7050, 633.4100, 697.1357, {.4447, .3736, .1817}},
	{"carcinoma_patterns.csv", 7, 1, 4, -289.2858, 640.5717, 726.4629, {.3751, .3430, .1882, .0936}},
	{"values_patterns.csv", 4, 1, 2, -504.4677, 1026.9353, 1057.3128, {.7208, .2792}},
	{"gss82_patterns.csv", 4, 1, 3, -2754.5454, 5549.0908, 5650.9257, {.6207, .2070, .1723}},
	{"cheating_patterns.csv", 4, 1, 2, -440.0271, 898.0542, 931.9409, {.8394, .1606}},
	{"election_patterns.csv", 12, 1, 3, -16714.6591, 33649.3183, 34218.9583, {.4194, .3198, .2608}},
	{"election.csv", 12, 0, 3, -21311.5357, 42843.0713, 43446.6604, {.4313, .2908, .2779}},
};

/* Fit one reference row with the defaults and compare with poLCA. */
static void
TestReference(const RefFit *ref)
{
	char		name[256];
	char		what[300];
	scomm_lca_table *t = ReadCsvTable(ref->file, ref->nitems, ref->has_freq);
	scomm_lca_model *m = NULL;
	int			r;

	snprintf(name, sizeof(name), "%s R=%d", ref->file, ref->nclass);
	tap_ok(t != NULL, "reference file readable (set SCOMM_REFERENCE_DIR)");
	if (t == NULL)
		return;
	tap_ok(scomm_lca_fit(t, ref->nclass, SCOMM_LCA_DEFAULT_STARTS, SEED,
						 SCOMM_LCA_DEFAULT_MAX_ITER, SCOMM_LCA_DEFAULT_TOL,
						 &m) == SCOMM_OK, name);
	if (m != NULL)
	{
		snprintf(what, sizeof(what), "%s log-likelihood %.4f", name, ref->loglik);
		tap_close(m->loglik, ref->loglik, 1e-4, what);
		snprintf(what, sizeof(what), "%s AIC", name);
		tap_close(m->aic, ref->aic, 1e-3, what);
		snprintf(what, sizeof(what), "%s BIC", name);
		tap_close(m->bic, ref->bic, 1e-3, what);
		for (r = 0; r < ref->nclass; r++)
		{
			snprintf(what, sizeof(what), "%s share of class %d", name, r + 1);
			tap_close(m->share[r], ref->share[r], 1e-3, what);
		}
		snprintf(what, sizeof(what), "%s starts bookkeeping", name);
		tap_ok(m->starts == SCOMM_LCA_DEFAULT_STARTS && m->starts_at_best >= 1 &&
			   m->starts_at_best <= m->starts, what);
	}
	scomm_lca_model_free(m);
	scomm_lca_table_free(t);
}

/* carcinoma 3 classes: poLCA's G2, X2, npar, resid.df and Mplus entropy. */
static void
TestCarcinomaStats(void)
{
	scomm_lca_table *t = ReadCsvTable("carcinoma_patterns.csv", 7, 1);
	scomm_lca_model *m = NULL;

	if (t == NULL || scomm_lca_fit(t, 3, 20, SEED, 1000, 1e-10, &m) != SCOMM_OK)
	{
		tap_ok(0, "carcinoma 3-class fit");
		scomm_lca_table_free(t);
		return;
	}
	tap_close(m->gsq, 15.2617, 1e-4, "carcinoma R=3 G-squared");
	tap_close(m->chisq, 20.5034, 1e-4, "carcinoma R=3 Pearson chi-squared");
	tap_ok(m->npar == 23, "carcinoma R=3 npar = 23");
	tap_close(m->resid_df, 95, 0, "carcinoma R=3 residual df = 95");
	tap_close(m->entropy, 0.9257, 1e-4, "carcinoma R=3 relative entropy");
	tap_close(m->sabic, -2 * m->loglik + 23 * log(120.0 / 24.0), 1e-9,
			  "carcinoma R=3 sample-size adjusted BIC");
	tap_ok(m->n == 118 && m->n_complete == 118 && m->n_dropped == 0,
		   "carcinoma row counts");
	scomm_lca_model_free(m);
	scomm_lca_table_free(t);
}

/* Raw rows and the published pattern file give the same table. */
static void
TestRawEqualsPatterns(void)
{
	scomm_lca_table *raw = ReadCsvTable("carcinoma.csv", 7, 0);
	scomm_lca_table *pat = ReadCsvTable("carcinoma_patterns.csv", 7, 1);
	scomm_lca_table *el = ReadCsvTable("election.csv", 12, 0);
	scomm_lca_table *elp = ReadCsvTable("election_patterns.csv", 12, 1);
	scomm_lca_table *cc = NULL;
	int			a[12];
	double		c;
	size_t		i;

	tap_ok(raw && pat && scomm_lca_table_equal(raw, pat),
		   "carcinoma.csv rows aggregate to carcinoma_patterns.csv");
	if (el && elp && scomm_lca_table_create(12, &cc) == SCOMM_OK)
		for (i = 0; i < scomm_lca_table_npatterns(el); i++)
		{
			int			j,
						ok = 1;

			scomm_lca_table_get(el, i, a, &c);
			for (j = 0; j < 12; j++)
				ok &= a[j] != 0;
			if (ok)
				scomm_lca_table_add(cc, a, 12, c);
		}
	tap_ok(cc && scomm_lca_table_equal(cc, elp),
		   "complete rows of election.csv aggregate to election_patterns.csv");
	tap_ok(el && scomm_lca_table_total(el) == 1785, "election.csv has 1785 rows");
	scomm_lca_table_free(raw);
	scomm_lca_table_free(pat);
	scomm_lca_table_free(el);
	scomm_lca_table_free(elp);
	scomm_lca_table_free(cc);
}

int
main(void)
{
	size_t		i;

	gsl_set_error_handler_off();
	CountAllocations();
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		TestReference(&refs[i]);
	TestCarcinomaStats();
	TestRawEqualsPatterns();
	tap_ok(live_allocs == 0, "every core allocation was freed");
	return tap_done();
}
