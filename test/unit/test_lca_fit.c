/*
 * test_lca_fit.c: the latent class fit against values computed independently
 * (the closed-form one-class model, a posterior worked by hand), dropped
 * rows, determinism and order independence.
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

/* Closed form for R = 1: probs are the observed item margins. */
static double
OneClassLoglik(const scomm_lca_table *t, int nitems)
{
	double		n[SCOMM_LCA_MAX_ITEMS][8] = {{0}};
	double		tot[SCOMM_LCA_MAX_ITEMS] = {0};
	double		ll = 0.0,
				c;
	int			a[SCOMM_LCA_MAX_ITEMS];
	size_t		i;
	int			j,
				k;

	for (i = 0; i < scomm_lca_table_npatterns(t); i++)
	{
		scomm_lca_table_get(t, i, a, &c);
		for (j = 0; j < nitems; j++)
			if (a[j] > 0)
			{
				n[j][a[j]] += c;
				tot[j] += c;
			}
	}
	for (j = 0; j < nitems; j++)
		for (k = 1; k < 8; k++)
			if (n[j][k] > 0)
				ll += n[j][k] * log(n[j][k] / tot[j]);
	return ll;
}

/* One class: EM must land on the closed form, with and without missing. */
static void
TestOneClass(void)
{
	scomm_lca_table *g = ReadCsvTable("gss82_patterns.csv", 4, 1);
	scomm_lca_table *e = ReadCsvTable("election.csv", 12, 0);
	scomm_lca_model *m = NULL;

	if (g && scomm_lca_fit(g, 1, 3, SEED, 1000, 1e-10, &m) == SCOMM_OK)
	{
		tap_close(m->loglik, OneClassLoglik(g, 4), 1e-8, "gss82 R=1 loglik = closed form");
		tap_ok(m->npar == 2 + 1 + 1 + 2 && m->share[0] == 1.0, "gss82 R=1 npar 6, share 1");
		tap_ok(isnan(m->entropy), "R=1 relative entropy undefined (NaN)");
	}
	else
		tap_ok(0, "gss82 R=1 fit");
	scomm_lca_model_free(m);
	m = NULL;
	if (e && scomm_lca_fit(e, 1, 1, SEED, 1000, 1e-10, &m) == SCOMM_OK)
		tap_close(m->loglik, OneClassLoglik(e, 12), 1e-7,
				  "election with missing R=1 loglik = closed form over observed items");
	else
		tap_ok(0, "election R=1 fit");
	scomm_lca_model_free(m);
	scomm_lca_table_free(g);
	scomm_lca_table_free(e);
}

static const char hand_model[] =
"{lca=1;J=2;R=2;K=2,2;share=0.6,0.4;probs=0.9,0.1/0.7,0.3|0.2,0.8/0.4,0.6;"
"modal_share=0.6,0.4;avepp=0.9,0.8;loglik=-10;aic=30;bic=32;sabic=31;gsq=NaN;"
"chisq=NaN;entropy=0.5;n=10;n_dropped=0;n_complete=10;resid_df=-2;tol=1e-10;"
"npar=5;iterations=3;converged=1;starts=1;starts_at_best=1;starts_failed=0;"
"max_iter=10;seed=1}";

/* Posterior of a hand-written model, worked out on paper. */
static void
TestPosteriorByHand(void)
{
	scomm_lca_model *m = NULL;
	double		post[2];
	int			cls = 0;
	int			p10[2] = {1, 0},
				p22[2] = {2, 2},
				p00[2] = {0, 0},
				p31[2] = {3, 1};

	tap_ok(scomm_lca_model_from_text(hand_model, strlen(hand_model), &m) == SCOMM_OK,
		   "hand-written model literal decodes");
	if (m == NULL)
		return;
	tap_ok(scomm_lca_posterior(m, p10, 2, post, &cls) == SCOMM_OK &&
		   fabs(post[0] - 0.54 / 0.62) < 1e-15 && cls == 1,
		   "posterior of (1, missing) = .6*.9 / (.6*.9 + .4*.2), class 1");
	tap_ok(scomm_lca_posterior(m, p22, 2, post, &cls) == SCOMM_OK &&
		   fabs(post[1] - 0.192 / 0.21) < 1e-15 && cls == 2,
		   "posterior of (2, 2) = .4*.8*.6 / (.6*.1*.3 + .4*.8*.6), class 2");
	tap_ok(scomm_lca_posterior(m, p00, 2, post, &cls) == SCOMM_OK &&
		   fabs(post[0] - 0.6) < 1e-15 && cls == 1,
		   "all-missing pattern: posterior = shares");
	tap_ok(scomm_lca_posterior(m, p31, 2, post, &cls) == SCOMM_EINVAL,
		   "category beyond K rejected");
	tap_ok(scomm_lca_posterior(m, p31, 1, post, &cls) == SCOMM_EINVAL,
		   "wrong pattern length rejected");
	scomm_lca_model_free(m);
}

/* Encode a model to bytes (NULL on failure). */
static unsigned char *
ModelBytes(const scomm_lca_model *m, size_t *len)
{
	unsigned char *b = NULL;

	if (m == NULL || scomm_lca_model_to_bytes(m, &b, len) != SCOMM_OK)
		return NULL;
	return b;
}

/* Nonzero when two models encode to the same bytes. */
static int
SameModel(const scomm_lca_model *a, const scomm_lca_model *b)
{
	size_t		la,
				lb;
	unsigned char *ba = ModelBytes(a, &la);
	unsigned char *bb = ModelBytes(b, &lb);
	int			same = ba && bb && la == lb && memcmp(ba, bb, la) == 0;

	scomm_core_free(ba);
	scomm_core_free(bb);
	return same;
}

/* Fit rows of carcinoma.csv inserted in the given direction, or halves merged. */
static scomm_lca_model *
FitCarcinoma(int mode, uint64_t seed)
{
	scomm_lca_table *raw = ReadCsvTable("carcinoma.csv", 7, 0);
	scomm_lca_table *t = NULL,
			   *h = NULL;
	scomm_lca_model *m = NULL;
	size_t		n = raw ? scomm_lca_table_npatterns(raw) : 0;
	size_t		i;
	int			a[7];
	double		c;

	if (raw == NULL || scomm_lca_table_create(7, &t) != SCOMM_OK ||
		scomm_lca_table_create(7, &h) != SCOMM_OK)
		goto done;
	for (i = 0; i < n; i++)
	{
		scomm_lca_table_get(raw, mode == 1 ? n - 1 - i : i, a, &c);
		scomm_lca_table_add(mode == 2 && i % 2 ? h : t, a, 7, c);
	}
	if (mode == 2)
		scomm_lca_table_merge(h, t);
	scomm_lca_fit(mode == 2 ? h : t, 3, 20, seed, 1000, 1e-10, &m);
done:
	scomm_lca_table_free(raw);
	scomm_lca_table_free(t);
	scomm_lca_table_free(h);
	return m;
}

/* Same seed, same answer, whatever the insertion order or merge tree. */
static void
TestDeterminism(void)
{
	scomm_lca_model *fwd = FitCarcinoma(0, SEED);
	scomm_lca_model *again = FitCarcinoma(0, SEED);
	scomm_lca_model *rev = FitCarcinoma(1, SEED);
	scomm_lca_model *mer = FitCarcinoma(2, SEED);
	scomm_lca_model *other = FitCarcinoma(0, SEED + 1);

	tap_ok(fwd != NULL && SameModel(fwd, again), "same seed: bit-identical model");
	tap_ok(SameModel(fwd, rev), "reversed insertion order: bit-identical model");
	tap_ok(SameModel(fwd, mer), "merged halves: bit-identical model");
	tap_ok(other && fabs(other->loglik - fwd->loglik) < 1e-6 && other->seed == SEED + 1,
		   "another seed: same optimum, seed recorded");
	scomm_lca_model_free(fwd);
	scomm_lca_model_free(again);
	scomm_lca_model_free(rev);
	scomm_lca_model_free(mer);
	scomm_lca_model_free(other);
}

/* An iteration cap is reported as not converged. */
static void
TestIterationCap(void)
{
	scomm_lca_table *t = ReadCsvTable("gss82_patterns.csv", 4, 1);
	scomm_lca_model *m = NULL;

	tap_ok(t && scomm_lca_fit(t, 3, 2, SEED, 3, 1e-10, &m) == SCOMM_OK &&
		   m->iterations == 3 && m->converged == 0 && m->max_iter == 3,
		   "max_iter reached: iterations = max_iter, converged = false");
	scomm_lca_model_free(m);
	scomm_lca_table_free(t);
}

/* Rows with no observed item are dropped and counted, nothing else changes. */
static void
TestDroppedRows(void)
{
	scomm_lca_table *t = ReadCsvTable("carcinoma_patterns.csv", 7, 1);
	scomm_lca_table *u = NULL;
	scomm_lca_model *a = NULL,
			   *b = NULL;
	int			none[7] = {0};

	if (t == NULL || scomm_lca_table_copy(t, &u) != SCOMM_OK)
	{
		tap_ok(0, "copy table");
		return;
	}
	scomm_lca_table_add(u, none, 7, 5);
	scomm_lca_fit(t, 3, 5, SEED, 1000, 1e-10, &a);
	scomm_lca_fit(u, 3, 5, SEED, 1000, 1e-10, &b);
	tap_ok(a && b && b->n == 118 && b->n_dropped == 5 && a->n_dropped == 0,
		   "all-missing rows dropped and counted");
	tap_ok(a && b && a->loglik == b->loglik && a->bic == b->bic,
		   "dropping them leaves the fit unchanged");
	scomm_lca_model_free(a);
	scomm_lca_model_free(b);
	scomm_lca_table_free(t);
	scomm_lca_table_free(u);
}

int
main(void)
{
	gsl_set_error_handler_off();
	CountAllocations();
	TestOneClass();
	TestPosteriorByHand();
	TestDroppedRows();
	TestDeterminism();
	TestIterationCap();
	tap_ok(live_allocs == 0, "every core allocation was freed");
	return tap_done();
}
