/*
 * test_lca_cov.c: latent class regression and standard errors against
 * poLCA 1.6.0.2 (data/reference/lca/election_polca_expected.txt.gz, made
 * by data/reference/lca/ref_C_election.R): poLCA(cbind(12 items) ~ PARTY,
 * election, nclass = 3) with incomplete rows dropped and kept, compared
 * with the fits run to the floating-point floor (*_canonical_tight: classes
 * ordered by share): log-likelihood 1e-4, shares, coefficients and item
 * probabilities 1e-4, every standard error 1e-3 relative (probabilities
 * that EM drives to 0, where poLCA stopped at 1e-155 or underflowed, have
 * standard errors of that size: 1e-10 absolute there).  Also: the pattern
 * table with covariates (order, encodings, merge, skipped rows), format 2
 * model encodings and 1.0 models read unchanged, posteriors with
 * covariates by hand.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "tap.h"
#include "lca.h"
#include "lca_testdata.h"

static char name_buf[256];

static const char *items[12] = {"MORALG", "CARESG", "KNOWG", "LEADG", "DISHONG", "INTELG",
"MORALB", "CARESB", "KNOWB", "LEADB", "DISHONB", "INTELB"};

/* one expected value */
typedef struct Ref
{
	char		quantity[16];
	char		item[16];
	int			class;
	int			category;
	double		est;
	double		se;
} Ref;

/* Read the rows of one fit from the expected file; returns the count. */
static int
ReadRefs(const char *fit, Ref *out, int max)
{
	FILE	   *fp = RefOpen("lca/election_polca_expected.txt");
	char		line[512];
	int			n = 0;

	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL && n < max)
	{
		char		f[96],
					q[16],
					it[16],
					cl[8],
					ca[8],
					es[32],
					se[32];

		if (line[0] == '#' || sscanf(line, "%95s %15s %15s %7s %7s %31s %31s", f, q, it, cl, ca, es, se) != 7 ||
			strcmp(f, fit) != 0)
			continue;
		strcpy(out[n].quantity, q);
		strcpy(out[n].item, it);
		out[n].class = atoi(cl);
		out[n].category = atoi(ca);
		out[n].est = strcmp(es, "NA") ? atof(es) : NAN;
		out[n].se = strcmp(se, "NA") ? atof(se) : NAN;
		n++;
	}
	RefClose(fp);
	return n;
}

/* election.csv with PARTY as covariate; complete rows only when narm */
static scomm_lca_table *
ElectionWithParty(int narm)
{
	FILE	   *fp = RefOpen("lca/election.csv");
	char		line[512];
	scomm_lca_table *t = NULL;

	if (fp == NULL || scomm_lca_table_create_cov(12, 1, &t) != SCOMM_OK ||
		fgets(line, sizeof(line), fp) == NULL)
	{
		RefClose(fp);
		return NULL;
	}
	while (fgets(line, sizeof(line), fp) != NULL)
	{
		char	   *f = line;
		unsigned char a[12];
		int			j,
					col = 0,
					missing = 0;
		double		party = NAN;

		for (col = 0; col < 17; col++)
		{
			char	   *comma = strchr(f, ',');

			if (col < 12)
			{
				a[col] = (*f == ',' || *f == '\n') ? 0 : (unsigned char) atoi(f);
				missing |= a[col] == 0;
			}
			else if (col == 16)
				party = (*f == '\n' || *f == '\0' || *f == '\r') ? NAN : atof(f);
			if (comma == NULL)
				break;
			f = comma + 1;
		}
		if (isnan(party))
			scomm_lca_table_add_skipped(t, 1.0);
		else if (!(narm && missing))
			scomm_lca_table_add_cov(t, a, 12, &party, 1, 1.0);
		(void) j;
	}
	RefClose(fp);
	return t;
}

/* Compare a fit with the reference rows of one fit label. */
static void
Compare(const scomm_lca_model *m, const char *fit, const char *what)
{
	Ref		   *ref = malloc(2000 * sizeof(Ref));
	int			n = ReadRefs(fit, ref, 2000);
	int			i,
				nprob = 0,
				bad_prob = 0,
				bad_prob_se = 0;
	double		worst_p = 0.0;
	char		name[320];

	tap_ok(n > 300, "reference rows read");
	for (i = 0; i < n; i++)
	{
		Ref		   *r = &ref[i];

		if (strcmp(r->quantity, "llik") == 0)
		{
			snprintf(name, sizeof(name), "%s: log-likelihood %.7f", what, r->est);
			tap_close(m->loglik, r->est, 1e-4, name);
		}
		else if (strcmp(r->quantity, "npar") == 0)
		{
			snprintf(name, sizeof(name), "%s: %g parameters", what, r->est);
			tap_ok(m->npar == (int) r->est, name);
		}
		else if (strcmp(r->quantity, "N") == 0)
		{
			snprintf(name, sizeof(name), "%s: N = %g", what, r->est);
			tap_ok(m->n == r->est, name);
		}
		else if (strcmp(r->quantity, "Nobs") == 0)
		{
			snprintf(name, sizeof(name), "%s: %g complete rows", what, r->est);
			tap_ok(m->n_complete == r->est, name);
		}
		else if (strcmp(r->quantity, "bic") == 0)
		{
			snprintf(name, sizeof(name), "%s: BIC %.4f", what, r->est);
			tap_close(m->bic, r->est, 2e-4, name);
		}
		else if (strcmp(r->quantity, "Gsq") == 0)
		{
			snprintf(name, sizeof(name), "%s: G2 %.4f", what, r->est);
			tap_rclose(m->gsq, r->est, 1e-6, name);
		}
		else if (strcmp(r->quantity, "resid.df") == 0)
		{
			snprintf(name, sizeof(name), "%s: residual df %g", what, r->est);
			tap_ok(m->resid_df == r->est, name);
		}
		else if (strcmp(r->quantity, "P") == 0)
		{
			snprintf(name, sizeof(name), "%s: share of class %d = %.6f", what, r->class, r->est);
			tap_close(m->share[r->class - 1], r->est, 1e-4, name);
			snprintf(name, sizeof(name), "%s: its SE %.6f", what, r->se);
			tap_rclose(m->share_se[r->class - 1], r->se, 1e-3, name);
		}
		else if (strcmp(r->quantity, "coeff") == 0)
		{
			int			s = strcmp(r->item, "(Intercept)") == 0 ? 0 : 1;
			int			k = (r->class - 2) * 2 + s;

			snprintf(name, sizeof(name), "%s: coefficient %s of class %d = %.6f", what, r->item, r->class, r->est);
			tap_close(m->coef[k], r->est, 1e-4, name);
			snprintf(name, sizeof(name), "%s: its SE %.6f", what, r->se);
			tap_rclose(m->coef_se[k], r->se, 1e-3, name);
		}
		else if (strcmp(r->quantity, "probs") == 0)
		{
			int			j;
			size_t		o;

			for (j = 0; j < 12 && strcmp(items[j], r->item) != 0; j++)
				;
			o = (size_t) (r->class - 1) * m->ncat_total + 4 * j + r->category - 1;
			nprob++;
			worst_p = fmax(worst_p, fabs(m->probs[o] - r->est));
			bad_prob += !(fabs(m->probs[o] - r->est) <= 1e-4);
			/* probabilities at the boundary (poLCA's EM left 1e-155 or 0)
			 * have standard errors of the same size: matched absolutely */
			bad_prob_se += !(fabs(m->probs_se[o] - r->se) <= 1e-3 * r->se + 1e-10);
			if (!(fabs(m->probs_se[o] - r->se) <= 1e-3 * r->se + 1e-10))
				printf("# %s class %d cat %d: p %.6g (ref %.6g) se %.6g ref %.6g\n", r->item, r->class, r->category, m->probs[o], r->est, m->probs_se[o], r->se);
		}
	}
	snprintf(name, sizeof(name), "%s: all %d item probabilities within 1e-4 (worst %.2g)", what, nprob, worst_p);
	tap_ok(nprob == 144 && bad_prob == 0, name);
	snprintf(name, sizeof(name), "%s: all %d of their SEs within 1e-3 relative (1e-10 absolute at the boundary)", what, nprob);
	tap_ok(nprob == 144 && bad_prob_se == 0, name);
	free(ref);
}

static void
TestElection(int narm, int accelerate)
{
	scomm_lca_table *t = ElectionWithParty(narm);
	scomm_lca_model *m = NULL;
	scomm_lca_options o;
	char		fit[96],
				what[96];
	double		t0 = Now();
	scomm_status st;

	scomm_lca_options_default(&o);
	o.nclass = 3;
	o.starts = 6;
	o.seed = 3;
	o.max_iter = 20000;
	o.tol = 1e-13;
	o.accelerate = accelerate;
	st = t ? scomm_lca_fit_opts(t, &o, &m) : SCOMM_EINVAL;
	snprintf(what, sizeof(what), "election ~ PARTY, %s rows%s", narm ? "complete" : "all",
			 accelerate ? ", accelerated" : "");
	snprintf(name_buf, sizeof(name_buf), "%s: fit (%.1f s, %d E-steps)", what, Now() - t0,
			 m ? m->iterations : 0);
	tap_ok(st == SCOMM_OK && m->ncov == 1 && m->format == 2, name_buf);
	if (st == SCOMM_OK)
	{
		snprintf(fit, sizeof(fit), "election_nclass3_narm%s_canonical_tight", narm ? "TRUE" : "FALSE");
		Compare(m, fit, what);
		tap_ok(scomm_lca_table_skipped(t) == 25 && m->n_dropped == 25,
			   "the 25 rows without PARTY are left out and counted");
	}
	scomm_lca_model_free(m);
	scomm_lca_table_free(t);
}

/* The pattern table with covariates: order, encodings, merge, skipped rows. */
static void
TestCovTable(void)
{
	scomm_lca_table *t = NULL,
			   *u = NULL,
			   *v = NULL;
	unsigned char a[2] = {1, 2},
				b[2] = {1, 0};
	double		x1[2] = {0.5, -2},
				x2[2] = {-0.0, 3},
				x3[2] = {0.0, 3},
				got[2];
	char	   *txt = NULL;
	unsigned char *bin = NULL;
	size_t		len = 0,
				blen = 0;
	int		   ans[2];
	double		c;

	tap_ok(scomm_lca_table_create_cov(2, 2, &t) == SCOMM_OK, "table of 2 items and 2 covariates");
	scomm_lca_table_add_cov(t, a, 2, x1, 2, 1);
	scomm_lca_table_add_cov(t, a, 2, x2, 2, 2);
	scomm_lca_table_add_cov(t, a, 2, x3, 2, 1);	/* -0 and 0 are one value */
	scomm_lca_table_add_cov(t, b, 2, x1, 2, 4);
	scomm_lca_table_add_skipped(t, 3);
	tap_ok(scomm_lca_table_npatterns(t) == 3 && scomm_lca_table_total(t) == 8 &&
		   scomm_lca_table_skipped(t) == 3, "3 distinct item x covariate rows, 8 rows, 3 skipped");
	tap_ok(scomm_lca_table_add_cov(t, a, 2, (double[]) {NAN, 1}, 2, 1) == SCOMM_EINVAL &&
		   scomm_lca_table_add_cov(t, a, 2, x1, 1, 1) == SCOMM_EINVAL &&
		   scomm_lca_table_add_bytes(t, a, 2, 1) == SCOMM_EINVAL,
		   "NaN covariate, wrong count, row without covariates refused");
	scomm_lca_table_to_text(t, &txt, &len);
	tap_ok(txt && strcmp(txt, "{J=2;P=2;skipped=3;1,0|0.5,-2:4;1,2|-0,3:3;1,2|0.5,-2:1}") != 0 &&
		   strcmp(txt, "{J=2;P=2;skipped=3;1,0|0.5,-2:4;1,2|0,3:3;1,2|0.5,-2:1}") == 0,
		   "text form: items, then covariates in numeric order, -0 written as 0");
	tap_ok(txt && scomm_lca_table_from_text(txt, len, &u) == SCOMM_OK && scomm_lca_table_equal(t, u),
		   "text round trip");
	scomm_lca_table_to_bytes(t, &bin, &blen);
	tap_ok(bin && bin[0] == 2 && scomm_lca_table_from_bytes(bin, blen, &v) == SCOMM_OK &&
		   scomm_lca_table_equal(t, v), "binary form version 2, round trip");
	tap_ok(scomm_lca_table_merge(u, v) == SCOMM_OK && scomm_lca_table_total(u) == 16 &&
		   scomm_lca_table_skipped(u) == 6, "merge adds counts and skipped rows");
	scomm_lca_table_sort(u);
	scomm_lca_table_get(u, 1, ans, &c);
	scomm_lca_table_get_cov(u, 1, got);
	tap_ok(ans[0] == 1 && ans[1] == 2 && c == 6 && got[0] == 0 && got[1] == 3,
		   "covariates read back in canonical order");
	scomm_core_free(txt);
	scomm_core_free(bin);
	scomm_lca_table_free(v);
	v = NULL;
	tap_ok(scomm_lca_table_from_text("{J=2;P=1;skipped=0;1,2|-1:1;1,2|-2:1}", 37, &v) == SCOMM_ECORRUPT,
		   "covariates out of order refused");
	tap_ok(scomm_lca_table_from_text("{J=2;P=0;skipped=0;1,2:1}", 25, &v) == SCOMM_ECORRUPT,
		   "version 2 without covariates or skipped rows is not canonical");
	tap_ok(scomm_lca_table_from_text("{J=2;P=1;skipped=0;1,2|inf:1}", 29, &v) == SCOMM_ECORRUPT,
		   "infinite covariate refused");
	tap_ok(scomm_lca_table_create_cov(2, 1, &v) == SCOMM_OK && scomm_lca_table_merge(t, v) == SCOMM_EINVAL,
		   "tables with different covariates do not merge");
	scomm_lca_table_free(v);
	/* without covariates: version 1, as 1.0 wrote it */
	scomm_lca_table_create(2, &v);
	scomm_lca_table_add_bytes(v, a, 2, 2);
	scomm_lca_table_to_bytes(v, &bin, &blen);
	tap_ok(bin && bin[0] == 1 && blen == 1 + 4 + 8 + 2 + 8, "a table without covariates is written as version 1");
	scomm_core_free(bin);
	scomm_lca_table_free(t);
	scomm_lca_table_free(u);
	scomm_lca_table_free(v);
}

/* Format 2 models round-trip; a 1.0 model reads and re-encodes unchanged. */
static void
TestModelFormats(void)
{
	static const char v1[] =
	"{lca=1;J=2;R=2;K=2,2;share=0.6,0.4;probs=0.9,0.1/0.7,0.3|0.2,0.8/0.4,0.6;"
	"modal_share=0.6,0.4;avepp=0.9,0.8;loglik=-10;aic=30;bic=32;sabic=31;gsq=NaN;"
	"chisq=NaN;entropy=0.5;n=10;n_dropped=0;n_complete=10;resid_df=-2;tol=1e-10;"
	"npar=5;iterations=3;converged=1;starts=1;starts_at_best=1;starts_failed=0;"
	"max_iter=10;seed=1}";
	scomm_lca_model *m = NULL,
			   *m2 = NULL;
	scomm_lca_table *t = ElectionWithParty(1);
	scomm_lca_options o;
	char	   *txt = NULL,
			   *txt2 = NULL;
	unsigned char *bin = NULL,
			   *bin2 = NULL;
	size_t		len,
				len2,
				blen,
				blen2;
	double		post[3],
				prior[3],
				lp[3],
				x = 4,
				s = 0;
	int			a[12] = {1, 1, 1, 1, 4, 1, 3, 3, 3, 3, 1, 3},
				modal,
				r,
				j;

	tap_ok(scomm_lca_model_from_text(v1, strlen(v1), &m) == SCOMM_OK && m->format == 1 &&
		   m->share_se == NULL && m->ncov == 0, "a 1.0 model reads as format 1");
	scomm_lca_model_to_text(m, &txt, &len);
	tap_ok(txt && strcmp(txt, v1) == 0, "and writes its 1.0 text unchanged");
	scomm_lca_model_to_bytes(m, &bin, &blen);
	tap_ok(bin && bin[0] == 1, "and its 1.0 binary form");
	scomm_core_free(txt);
	scomm_core_free(bin);
	scomm_lca_model_free(m);
	m = NULL;
	scomm_lca_options_default(&o);
	o.nclass = 3;
	o.starts = 2;
	o.accelerate = 1;
	if (t && scomm_lca_fit_opts(t, &o, &m) == SCOMM_OK)
	{
		scomm_lca_model_to_text(m, &txt, &len);
		scomm_lca_model_to_bytes(m, &bin, &blen);
		tap_ok(txt && strncmp(txt, "{lca=2;J=12;R=3;K=4,4,4,4,4,4,4,4,4,4,4,4;P=1;", 46) == 0 &&
			   bin && bin[0] == 2, "a covariate model writes format 2");
		tap_ok(scomm_lca_model_from_text(txt, len, &m2) == SCOMM_OK &&
			   scomm_lca_model_to_bytes(m2, &bin2, &blen2) == SCOMM_OK &&
			   blen2 == blen && memcmp(bin, bin2, blen) == 0, "text round trip, bit for bit");
		scomm_lca_model_free(m2);
		m2 = NULL;
		tap_ok(scomm_lca_model_from_bytes(bin, blen, &m2) == SCOMM_OK &&
			   scomm_lca_model_to_text(m2, &txt2, &len2) == SCOMM_OK && strcmp(txt, txt2) == 0,
			   "binary round trip");
		scomm_lca_model_free(m2);
		tap_ok(scomm_lca_model_from_bytes(bin, blen - 1, &m2) == SCOMM_ECORRUPT,
			   "a truncated format 2 value is refused");
		/* posterior of one respondent with PARTY = 4, by hand */
		for (r = 0; r < 3; r++)
		{
			lp[r] = r == 0 ? 0 : m->coef[(r - 1) * 2] + m->coef[(r - 1) * 2 + 1] * x;
			s += exp(lp[r]);
		}
		for (r = 0; r < 3; r++)
		{
			prior[r] = exp(lp[r]) / s;
			lp[r] = log(prior[r]);
			for (j = 0; j < 12; j++)
				lp[r] += log(m->probs[(size_t) r * m->ncat_total + 4 * j + a[j] - 1]);
		}
		s = exp(lp[0]) + exp(lp[1]) + exp(lp[2]);
		tap_ok(scomm_lca_posterior_cov(m, a, 12, &x, 1, post, &modal) == SCOMM_OK &&
			   fabs(post[0] - exp(lp[0]) / s) < 1e-12 && fabs(post[2] - exp(lp[2]) / s) < 1e-12,
			   "posterior with a covariate = the hand computation");
		tap_ok(scomm_lca_prior(m, &x, 1, post) == SCOMM_OK && fabs(post[1] - prior[1]) < 1e-14,
			   "prior of a covariate value");
		tap_ok(scomm_lca_posterior(m, a, 12, post, &modal) == SCOMM_EINVAL &&
			   scomm_lca_posterior_cov(m, a, 12, NULL, 0, post, &modal) == SCOMM_EINVAL,
			   "a covariate model needs the covariates");
		scomm_core_free(txt);
		scomm_core_free(txt2);
		scomm_core_free(bin);
		scomm_core_free(bin2);
	}
	else
		tap_ok(0, "covariate fit for the encodings");
	scomm_lca_model_free(m);
	scomm_lca_model_free(m2);
	scomm_lca_table_free(t);
}

int
main(void)
{
	gsl_set_error_handler_off();
	CountAllocations();
	TestElection(1, 0);
	TestElection(0, 0);
	TestElection(1, 1);
	TestElection(0, 1);
	TestCovTable();
	TestModelFormats();
	tap_ok(live_allocs == 0, "every core allocation freed");
	return tap_done();
}
