/*
 * test_lca_model_codec.c: binary and text encodings of fitted models (exact
 * round trips, malformed and inconsistent models rejected).
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

/* Fit a reference file (NULL on failure). */
static scomm_lca_model *
Fit(const char *file, int nitems, int has_freq, int nclass)
{
	scomm_lca_table *t = ReadCsvTable(file, nitems, has_freq);
	scomm_lca_model *m = NULL;

	if (t != NULL)
		scomm_lca_fit(t, nclass, 5, 7, 1000, 1e-10, &m);
	scomm_lca_table_free(t);
	return m;
}

/* Same bits in n doubles (NaN equals NaN). */
static int
SameDoubles(const double *a, const double *b, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (!(memcmp(&a[i], &b[i], sizeof(double)) == 0 || (isnan(a[i]) && isnan(b[i]))))
			return 0;
	return 1;
}

/* Every field of two models identical. */
static int
ModelsEqual(const scomm_lca_model *a, const scomm_lca_model *b)
{
	double		sa[] = {a->loglik, a->aic, a->bic, a->sabic, a->gsq, a->chisq,
	a->entropy, a->n, a->n_dropped, a->n_complete, a->resid_df, a->tol};
	double		sb[] = {b->loglik, b->aic, b->bic, b->sabic, b->gsq, b->chisq,
	b->entropy, b->n, b->n_dropped, b->n_complete, b->resid_df, b->tol};
	size_t		rt = (size_t) a->nclass * a->ncat_total;

	if (a->nitems != b->nitems || a->nclass != b->nclass ||
		a->ncat_total != b->ncat_total ||
		memcmp(a->ncat, b->ncat, a->nitems * sizeof(int)) != 0)
		return 0;
	return SameDoubles(a->share, b->share, a->nclass) &&
		SameDoubles(a->probs, b->probs, rt) &&
		SameDoubles(a->modal_share, b->modal_share, a->nclass) &&
		SameDoubles(a->avepp, b->avepp, a->nclass) &&
		SameDoubles(sa, sb, sizeof(sa) / sizeof(sa[0])) &&
		a->npar == b->npar && a->iterations == b->iterations &&
		a->converged == b->converged && a->starts == b->starts &&
		a->starts_at_best == b->starts_at_best &&
		a->starts_failed == b->starts_failed && a->max_iter == b->max_iter &&
		a->seed == b->seed;
}

/* Text and binary round trips of one model. */
static void
ModelRoundTrip(const scomm_lca_model *m, const char *name)
{
	char		what[200];
	char	   *s = NULL,
			   *s2 = NULL;
	unsigned char *b = NULL;
	size_t		ls,
				lb,
				l2;
	scomm_lca_model *u = NULL,
			   *v = NULL;

	snprintf(what, sizeof(what), "%s: model text round trip exact", name);
	tap_ok(m && scomm_lca_model_to_text(m, &s, &ls) == SCOMM_OK && ls == strlen(s) &&
		   scomm_lca_model_from_text(s, ls, &u) == SCOMM_OK && ModelsEqual(m, u) &&
		   scomm_lca_model_to_text(u, &s2, &l2) == SCOMM_OK && strcmp(s, s2) == 0, what);
	snprintf(what, sizeof(what), "%s: model binary round trip exact", name);
	tap_ok(m && scomm_lca_model_to_bytes(m, &b, &lb) == SCOMM_OK &&
		   scomm_lca_model_from_bytes(b, lb, &v) == SCOMM_OK && ModelsEqual(m, v), what);
	scomm_core_free(s);
	scomm_core_free(s2);
	scomm_core_free(b);
	scomm_lca_model_free(u);
	scomm_lca_model_free(v);
}

/* Round trips of fitted models, one with NaN statistics. */
static void
TestModelRoundTrip(void)
{
	scomm_lca_model *c3 = Fit("carcinoma_patterns.csv", 7, 1, 3);
	scomm_lca_model *el = Fit("election.csv", 12, 0, 3);
	scomm_lca_model *g1 = Fit("gss82_patterns.csv", 4, 1, 1);

	ModelRoundTrip(c3, "carcinoma R=3");
	ModelRoundTrip(el, "election with missing R=3");
	ModelRoundTrip(g1, "gss82 R=1 (entropy NaN)");
	scomm_lca_model_free(c3);
	scomm_lca_model_free(el);
	scomm_lca_model_free(g1);
}

/* Replace the first occurrence of from by to in s (into out). */
static const char *
Edit(const char *s, const char *from, const char *to, char *out, size_t cap)
{
	const char *p = strstr(s, from);

	if (p == NULL || strlen(s) - strlen(from) + strlen(to) >= cap)
		return "";
	snprintf(out, cap, "%.*s%s%s", (int) (p - s), s, to, p + strlen(from));
	return out;
}

/* Decode text and expect ECORRUPT with no model. */
static int
RejectsText(const char *s)
{
	scomm_lca_model *m = (scomm_lca_model *) &m;
	scomm_status st = scomm_lca_model_from_text(s, strlen(s), &m);

	if (st == SCOMM_OK)
		scomm_lca_model_free(m);
	return st == SCOMM_ECORRUPT && m == NULL;
}

static const char good[] =
"{lca=1;J=2;R=2;K=2,2;share=0.6,0.4;probs=0.9,0.1/0.7,0.3|0.2,0.8/0.4,0.6;"
"modal_share=0.6,0.4;avepp=0.9,0.8;loglik=-10;aic=30;bic=32;sabic=31;gsq=NaN;"
"chisq=NaN;entropy=0.5;n=10;n_dropped=0;n_complete=10;resid_df=-2;tol=1e-10;"
"npar=5;iterations=3;converged=1;starts=1;starts_at_best=1;starts_failed=0;"
"max_iter=10;seed=1}";

/* (from, to) edits of the good literal that make it invalid */
static const char *const bad_edits[][2] = {
	{"lca=1", "lca=2"}, {"J=2", "J=3"}, {"R=2", "R=0"}, {"K=2,2", "K=2,3"},
	{"K=2,2", "K=0,2"}, {"0.6,0.4;probs", "0.6,0.5;probs"}, {"0.9,0.1/", "0.9,0.2/"},
	{"0.4,0.6;", "1.4,-0.4;"}, {"avepp=0.9", "avepp=1.9"}, {"loglik=-10", "loglik=10"},
	{"loglik=-10", "loglik=NaN"}, {"aic=30", "aic=NaN"}, {"n=10", "n=0"},
	{"n_complete=10", "n_complete=11"}, {"npar=5", "npar=6"}, {"converged=1", "converged=2"},
	{"iterations=3", "iterations=11"}, {"starts_at_best=1", "starts_at_best=2"},
	{"starts=1", "starts=0"}, {"max_iter=10", "max_iter=0"}, {"tol=1e-10", "tol=-1"},
	{"seed=1}", "seed=1};"}, {"seed=1}", "seed=18446744073709551616}"},
	{"bic=32;sabic", "sabic=31;bic"}, {";gsq=NaN", ""}, {"share=0.6", "share= 0.6"},
	{"0.3|", "0.3/"}, {"0.3|0.2", "0.3|0.2,0.1"}, {"npar=5", "npar=-5"},
};

/* Malformed or inconsistent models are rejected. */
static void
TestModelRejects(void)
{
	char		buf[1024];
	unsigned char *b = NULL;
	scomm_lca_model *m = NULL;
	size_t		i,
				len = 0;
	int			bad = 0,
				all = 1;

	tap_ok(!RejectsText(good), "the good literal is accepted");
	for (i = 0; i < sizeof(bad_edits) / sizeof(bad_edits[0]); i++)
		if (!RejectsText(Edit(good, bad_edits[i][0], bad_edits[i][1], buf, sizeof(buf))))
		{
			printf("#   accepted edit %s -> %s\n", bad_edits[i][0], bad_edits[i][1]);
			bad++;
		}
	tap_ok(bad == 0, "malformed or inconsistent model texts rejected");
	for (i = 0; i < strlen(good); i++)
		all &= scomm_lca_model_from_text(good, i, &m) == SCOMM_ECORRUPT;
	tap_ok(all, "every truncation of the model text rejected");
	scomm_lca_model_from_text(good, strlen(good), &m);
	scomm_lca_model_to_bytes(m, &b, &len);
	scomm_lca_model_free(m);
	for (i = 0, all = 1; b && i < len; i++)
		all &= scomm_lca_model_from_bytes(b, i, &m) == SCOMM_ECORRUPT;
	tap_ok(b && all, "every truncation of the model binary rejected");
	memcpy(buf, b, len);
	buf[len] = 0;
	tap_ok(scomm_lca_model_from_bytes((unsigned char *) buf, len + 1, &m) == SCOMM_ECORRUPT,
		   "trailing byte after the model binary rejected");
	buf[0] = 2;
	tap_ok(scomm_lca_model_from_bytes((unsigned char *) buf, len, &m) == SCOMM_ECORRUPT,
		   "wrong model binary version rejected");
	scomm_core_free(b);
}

int
main(void)
{
	gsl_set_error_handler_off();
	CountAllocations();
	TestModelRoundTrip();
	TestModelRejects();
	tap_ok(live_allocs == 0, "every core allocation was freed");
	return tap_done();
}
