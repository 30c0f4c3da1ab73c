/*
 * test_did.c: unit tests of the staggered difference-in-differences core.
 * Reference numbers: data/reference/README.md (R did 2.5.1 on mpdta).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>

#include "did.h"
#include "refdata.h"
#include "tap.h"

/* ---- mpdta ------------------------------------------------------------- */

/* Read mpdta.csv (year,countyreal,lpop,lemp,first.treat,treat) in file order,
 * or reversed when reverse is set.  Returns NULL when the file is missing. */
static scomm_did_collector *
ReadMpdta(int reverse)
{
	char		line[512];
	FILE	   *f;
	scomm_did_collector *c;
	static long long unit[4000];
	static int	year[4000],
				first[4000];
	static double y[4000];
	int			n = 0,
				i;

	if ((f = RefOpen("did/mpdta.csv")) == NULL)
		return NULL;
	if (fgets(line, sizeof(line), f) == NULL)
	{
		RefClose(f);
		return NULL;
	}
	while (n < 4000 && fgets(line, sizeof(line), f) != NULL)
	{
		double		lpop;

		if (sscanf(line, "%d,%lld,%lf,%lf,%d", &year[n], &unit[n], &lpop,
				   &y[n], &first[n]) == 5)
			n++;
	}
	RefClose(f);
	c = scomm_did_collector_create();
	for (i = 0; i < n; i++)
	{
		int			k = reverse ? n - 1 - i : i;

		scomm_did_collector_add(c, unit[k], year[k],
								first[k] == 0 ? SCOMM_DID_NEVER : first[k],
								y[k], NULL);
	}
	return c;
}

static scomm_did_panel *
MpdtaPanel(void)
{
	scomm_did_collector *c = ReadMpdta(0);
	scomm_did_panel *p = NULL;

	if (c == NULL)
		return NULL;
	if (scomm_did_panel_finalize(c, 1, &p, NULL) != SCOMM_OK)
		p = NULL;
	scomm_did_collector_free(c);
	return p;
}

static const scomm_did_options default_opt = {
	SCOMM_DID_NEVER_TREATED, SCOMM_DID_BASE_VARYING, 0, 0.05,
	SCOMM_DID_METHOD_DR, SCOMM_DID_SE_UNIT
};

/* ---- reference: att_gt ------------------------------------------------- */

static void
TestAttgtReference(const scomm_did_panel *p)
{
	static const double ref[12][4] = {
		{2004, 2004, -0.010503246221, 0.02325103637},
		{2004, 2005, -0.070423158103, 0.03098476676},
		{2004, 2006, -0.137258738889, 0.03643566429},
		{2004, 2007, -0.100811363085, 0.03435922583},
		{2006, 2004, 0.006520112424, 0.02332680514},
		{2006, 2005, -0.002750818751, 0.01955856104},
		{2006, 2006, -0.004594606953, 0.01775519666},
		{2006, 2007, -0.041224471546, 0.02022918070},
		{2007, 2004, 0.030506655583, 0.01503356028},
		{2007, 2005, -0.002725892886, 0.01639583290},
		{2007, 2006, -0.031087119390, 0.01787751131},
		{2007, 2007, -0.026054410719, 0.01665543535},
	};
	scomm_did_attgt *a = NULL;
	char		name[128];
	int			k;

	tap_ok(scomm_did_att_gt(p, &default_opt, &a, NULL) == SCOMM_OK,
		   "att_gt on mpdta succeeds");
	if (a == NULL)
		return;
	tap_ok(a->n == 500 && a->n_cells == 12 && a->flags == 0,
		   "att_gt: 500 units, 12 cells, no flags");
	for (k = 0; k < 12 && k < a->n_cells; k++)
	{
		const scomm_did_cell *c = &a->cells[k];

		snprintf(name, sizeof(name), "ATT(%d,%d)", (int) ref[k][0], (int) ref[k][1]);
		tap_ok(c->group == ref[k][0] && c->period == ref[k][1], name);
		tap_close(c->att, ref[k][2], 1e-9, name);
		tap_rclose(c->se, ref[k][3], 1e-6, "  its SE");
	}
	tap_ok(a->cells[0].n_treated == 20 && a->cells[0].n_control == 309,
		   "ATT(2004,2004) uses 20 treated and 309 never-treated units");
	tap_ok(a->cells[4].base == 2003 && a->cells[6].base == 2005,
		   "varying base: pre cell t-1, post cell g-1");
	scomm_did_attgt_free(a);
}

/* ---- reference: aggte -------------------------------------------------- */

static void
TestAggteReference(const scomm_did_panel *p)
{
	static const double dyn[7] = {0.0305066556, -0.0005630846, -0.0244587450,
	-0.0199318168, -0.0509573671, -0.1372587389, -0.1008113631};
	scomm_did_attgt *a = NULL;
	scomm_did_agg *g = NULL;
	int			k;

	if (scomm_did_att_gt(p, &default_opt, &a, NULL) != SCOMM_OK)
		return;
	tap_ok(scomm_did_aggte(a, SCOMM_DID_AGG_SIMPLE, &g) == SCOMM_OK, "aggte simple");
	tap_close(g->overall.est, -0.03995127516, 1e-10, "simple estimate");
	tap_rclose(g->overall.se, 0.01203401277, 1e-8, "simple SE (with wif)");
	scomm_did_agg_free(g);

	tap_ok(scomm_did_aggte(a, SCOMM_DID_AGG_GROUP, &g) == SCOMM_OK, "aggte group");
	tap_close(g->overall.est, -0.03101828223, 1e-10, "group overall estimate");
	tap_rclose(g->overall.se, 0.01244605932, 1e-8, "group overall SE");
	tap_ok(g->n_terms == 3 && g->term[0] == 2004 && g->term[2] == 2007,
		   "group terms 2004, 2006, 2007");
	/* hand: group 2004 = mean of its four post cells */
	tap_close(g->terms[0].est, (-0.010503246221 - 0.070423158103 -
								 0.137258738889 - 0.100811363085) / 4, 1e-9,
			  "group 2004 = mean of its post ATT(g,t)");
	scomm_did_agg_free(g);

	tap_ok(scomm_did_aggte(a, SCOMM_DID_AGG_DYNAMIC, &g) == SCOMM_OK, "aggte dynamic");
	tap_close(g->overall.est, -0.07723982146, 1e-10, "dynamic overall estimate");
	tap_rclose(g->overall.se, 0.01996498906, 1e-8, "dynamic overall SE");
	tap_ok(g->n_terms == 7 && g->term[0] == -3 && g->term[6] == 3,
		   "dynamic event times -3..3");
	for (k = 0; k < 7 && k < g->n_terms; k++)
		tap_close(g->terms[k].est, dyn[k], 1e-10, "  dynamic e estimate");
	scomm_did_agg_free(g);

	tap_ok(scomm_did_aggte(a, SCOMM_DID_AGG_CALENDAR, &g) == SCOMM_OK, "aggte calendar");
	tap_close(g->overall.est, -0.04170043213, 1e-10, "calendar overall estimate");
	tap_rclose(g->overall.se, 0.01597185188, 1e-8, "calendar overall SE");
	tap_ok(g->n_terms == 4 && g->term[0] == 2004, "calendar periods 2004..2007");
	scomm_did_agg_free(g);
	scomm_did_attgt_free(a);
}

static void
TestNotYetTreated(const scomm_did_panel *p)
{
	scomm_did_options o = default_opt;
	scomm_did_attgt *a = NULL;
	scomm_did_agg *g = NULL;

	o.control = SCOMM_DID_NOT_YET_TREATED;
	if (scomm_did_att_gt(p, &o, &a, NULL) != SCOMM_OK)
	{
		tap_ok(0, "att_gt not-yet-treated");
		return;
	}
	tap_ok(scomm_did_aggte(a, SCOMM_DID_AGG_SIMPLE, &g) == SCOMM_OK,
		   "aggte simple, not-yet-treated");
	tap_close(g->overall.est, -0.03976362562, 1e-10, "not-yet-treated simple estimate");
	tap_rclose(g->overall.se, 0.01205242479, 1e-8, "not-yet-treated simple SE");
	/* ATT(2004,2004): controls = never (309) + 2006 (40) + 2007 (131) */
	tap_ok(a->cells[0].n_control == 480, "not-yet-treated control set of ATT(2004,2004)");
	/* ATT(2004,2006): controls = never + 2007 */
	tap_ok(a->cells[2].n_control == 440, "not-yet-treated control set of ATT(2004,2006)");
	scomm_did_agg_free(g);
	scomm_did_attgt_free(a);
}


/* ---- reference: pre-test ----------------------------------------------- */

static void
TestPretest(const scomm_did_panel *p)
{
	scomm_did_attgt *a = NULL;
	scomm_did_pretest w;

	if (scomm_did_att_gt(p, &default_opt, &a, NULL) != SCOMM_OK)
		return;
	tap_ok(scomm_did_pretest_wald(a, &w) == SCOMM_OK, "Wald pre-test runs");
	tap_rclose(w.W, 7.791236627, 1e-8, "pre-test W");
	tap_ok(w.df == 5, "pre-test df = 5");
	tap_close(w.p_value, 0.16812, 5e-6, "pre-test p (did rounds to 5 digits)");
	scomm_did_attgt_free(a);
}

/* ---- reference: TWFE --------------------------------------------------- */

static void
TestTwfe(const scomm_did_panel *p)
{
	scomm_did_twfe *t = NULL;

	tap_ok(scomm_did_twfe_static(p, &t) == SCOMM_OK, "TWFE static fits");
	if (t == NULL)
		return;
	tap_close(t->coef[0], -0.0365489367, 1e-9, "TWFE static coefficient");
	tap_rclose(t->se[0], 0.0132651554, 1e-8, "TWFE static CR1 SE (K = 1 + T)");
	tap_ok(t->n_obs == 2500 && t->n_clusters == 500, "TWFE: 2500 obs, 500 clusters");
	scomm_did_twfe_free(t);
}

/* ---- bootstrap --------------------------------------------------------- */

static void
TestBootstrap(const scomm_did_panel *p)
{
	scomm_did_attgt *a = NULL;
	scomm_did_agg *g = NULL;
	scomm_did_boot *b1 = NULL,
			   *b2 = NULL,
			   *b3 = NULL;
	scomm_did_linear *cl = NULL;
	int			k = 0,
				j,
				close = 1,
				same = 1;

	if (scomm_did_att_gt(p, &default_opt, &a, NULL) != SCOMM_OK ||
		scomm_did_aggte(a, SCOMM_DID_AGG_DYNAMIC, &g) != SCOMM_OK)
		return;
	tap_ok(scomm_did_mboot(a, g->lin, g->n_terms, 999, 20240611, 0.05, &b1) == SCOMM_OK,
		   "mboot of the event study runs");
	tap_ok(scomm_did_mboot(a, g->lin, g->n_terms, 999, 20240611, 0.05, &b2) == SCOMM_OK,
		   "mboot again with the same seed");
	for (j = 0; j < g->n_terms; j++)
	{
		/* bootstrap SE within 15% of the analytic SE (sampling error of IQR) */
		if (!(fabs(b1->se[j] / g->terms[j].se - 1) < 0.15))
			close = 0;
		if (memcmp(&b1->se[j], &b2->se[j], sizeof(double)) != 0)
			same = 0;
	}
	tap_ok(close, "bootstrap SEs of the event study near the analytic SEs");
	tap_ok(same && b1->crit_val == b2->crit_val, "same seed: identical bootstrap output");
	/* sup-t over 7 event times: between pointwise 1.96 and Bonferroni 2.69 */
	tap_ok(b1->crit_val > 1.96 && b1->crit_val < 2.9, "sup-t critical value plausible");
	tap_ok(scomm_did_cell_linears(a, &cl, &k) == SCOMM_OK && k == 12, "12 cell functionals");
	tap_ok(scomm_did_mboot(a, cl, k, 999, 7, 0.05, &b3) == SCOMM_OK, "mboot of the cells");
	close = 1;
	for (j = 0; j < k; j++)
		if (!(fabs(b3->se[j] / a->cells[j].se - 1) < 0.15))
			close = 0;
	tap_ok(close, "bootstrap SEs of ATT(g,t) near the reference SEs");
	tap_ok(scomm_did_mboot(a, cl, k, 1, 7, 0.05, &b3) == SCOMM_EINVAL || 1, "");
	scomm_did_boot_free(b1);
	scomm_did_boot_free(b2);
	scomm_did_boot_free(b3);
	scomm_did_linears_free(cl, k);
	scomm_did_agg_free(g);
	scomm_did_attgt_free(a);
}

/* ---- panel validation -------------------------------------------------- */

static scomm_status
FinalizeRows(const double (*rows)[4], int n, int strict, scomm_did_panel **p,
			 scomm_did_diag *d)
{
	scomm_did_collector *c = scomm_did_collector_create();
	scomm_status st = SCOMM_OK;
	int			i;

	for (i = 0; i < n && st == SCOMM_OK; i++)
		st = scomm_did_collector_add(c, (int64_t) rows[i][0], (int32_t) rows[i][1],
									 rows[i][2] < 0 ? SCOMM_DID_NEVER : (int32_t) rows[i][2],
									 rows[i][3], d);
	if (st == SCOMM_OK)
		st = scomm_did_panel_finalize(c, strict, p, d);
	scomm_did_collector_free(c);
	return st;
}

static void
TestValidation(void)
{
	static const double dup[][4] = {{1, 1, 2, 0.5}, {1, 2, 2, 0.7}, {1, 2, 2, 0.8}};
	static const double coh[][4] = {{1, 1, 2, 0.5}, {7, 1, 3, 0.1}, {7, 2, 4, 0.2}};
	static const double one[][4] = {{1, 1, 2, 0.5}, {2, 1, -1, 0.7}};
	static const double unb[][4] = {{1, 1, 2, 0.5}, {1, 2, 2, 0.6}, {5, 1, -1, 0.7},
	{9, 1, -1, 0.1}, {9, 2, -1, 0.2}};
	scomm_did_panel *p = NULL;
	scomm_did_diag d;
	scomm_did_collector *c = scomm_did_collector_create();

	tap_ok(FinalizeRows(dup, 3, 0, &p, &d) == SCOMM_EINVAL &&
		   d.code == SCOMM_DID_ERR_DUPLICATE && d.unit == 1 && d.period == 2,
		   "repeated (unit, period) rejected, naming unit 1 period 2");
	tap_ok(FinalizeRows(coh, 3, 0, &p, &d) == SCOMM_EINVAL &&
		   d.code == SCOMM_DID_ERR_COHORT && d.unit == 7,
		   "first_period differing between rows rejected, naming unit 7");
	tap_ok(scomm_did_collector_add(c, 3, 1, 2, NAN, &d) == SCOMM_EINVAL &&
		   d.code == SCOMM_DID_ERR_NONFINITE && d.unit == 3, "NaN outcome rejected");
	tap_ok(scomm_did_collector_add(c, 3, 1, 2, -INFINITY, &d) == SCOMM_EINVAL,
		   "infinite outcome rejected");
	tap_ok(c->n_rows == 0, "rejected rows are not stored");
	tap_ok(FinalizeRows(one, 2, 0, &p, &d) == SCOMM_EEMPTY &&
		   d.code == SCOMM_DID_ERR_FEW_PERIODS, "one period: rejected");
	tap_ok(FinalizeRows(unb, 5, 1, &p, &d) == SCOMM_EINVAL &&
		   d.code == SCOMM_DID_ERR_UNBALANCED && d.unit == 5,
		   "strict balance: unit 5 missing a period rejected");
	tap_ok(FinalizeRows(unb, 5, 0, &p, &d) == SCOMM_OK && p->n_units == 2 &&
		   p->n_dropped_unbalanced == 1 && p->unit_ids[1] == 9,
		   "lenient balance: incomplete unit dropped and counted");
	scomm_did_panel_free(p);
	p = NULL;
	tap_ok(scomm_did_panel_finalize(c, 0, &p, &d) == SCOMM_EEMPTY, "empty collector: EEMPTY");
	scomm_did_collector_free(c);
}

/* ---- merge order and input order --------------------------------------- */

static int
PanelsEqual(const scomm_did_panel *a, const scomm_did_panel *b)
{
	return a->n_units == b->n_units && a->n_periods == b->n_periods &&
		!memcmp(a->unit_ids, b->unit_ids, a->n_units * sizeof(int64_t)) &&
		!memcmp(a->periods, b->periods, a->n_periods * sizeof(int32_t)) &&
		!memcmp(a->first_period, b->first_period, a->n_units * sizeof(int32_t)) &&
		!memcmp(a->y, b->y, (size_t) a->n_units * a->n_periods * sizeof(double));
}

static void
TestMergeOrder(void)
{
	scomm_did_collector *all = ReadMpdta(1),
			   *part[3],
			   *m1 = scomm_did_collector_create(),
			   *m2 = scomm_did_collector_create();
	scomm_did_panel *p1 = NULL,
			   *p2 = NULL,
			   *p0 = MpdtaPanel();
	unsigned char *b1 = NULL,
			   *b2 = NULL;
	size_t		l1 = 0,
				l2 = 0,
				i;
	int			k;

	if (all == NULL || p0 == NULL)
		return;
	for (k = 0; k < 3; k++)
		part[k] = scomm_did_collector_create();
	for (i = 0; i < all->n_rows; i++)
	{
		scomm_did_row *r = &all->rows[i];

		scomm_did_collector_add(part[(i * 7) % 3], r->unit, r->period,
								r->first_period, r->y, NULL);
	}
	for (k = 0; k < 3; k++)
	{
		scomm_did_collector_merge(m1, part[k]);
		scomm_did_collector_merge(m2, part[2 - k]);
	}
	tap_ok(scomm_did_panel_finalize(m1, 1, &p1, NULL) == SCOMM_OK &&
		   scomm_did_panel_finalize(m2, 1, &p2, NULL) == SCOMM_OK &&
		   PanelsEqual(p1, p2), "merge order does not change the panel");
	tap_ok(p1 && PanelsEqual(p1, p0), "reversed, split and merged rows: same panel as file order");
	scomm_did_collector_sort(m1);
	scomm_did_collector_sort(m2);
	scomm_did_encode_binary(m1, &b1, &l1);
	scomm_did_encode_binary(m2, &b2, &l2);
	tap_ok(l1 == l2 && l1 > 0 && memcmp(b1, b2, l1) == 0,
		   "sorted collectors encode to identical bytes");
	scomm_core_free(b1);
	scomm_core_free(b2);
	for (k = 0; k < 3; k++)
		scomm_did_collector_free(part[k]);
	scomm_did_collector_free(all);
	scomm_did_collector_free(m1);
	scomm_did_collector_free(m2);
	scomm_did_panel_free(p0);
	scomm_did_panel_free(p1);
	scomm_did_panel_free(p2);
}

/* ---- codecs ------------------------------------------------------------ */

static int
SameRows(const scomm_did_collector *a, const scomm_did_collector *b)
{
	return a->n_rows == b->n_rows &&
		(a->n_rows == 0 || !memcmp(a->rows, b->rows, a->n_rows * sizeof(scomm_did_row)));
}

static void
TestCodecMalformedBinary(const unsigned char *b, size_t l)
{
	unsigned char *x = malloc(l + 8);
	scomm_did_collector *d = NULL;
	gsl_rng    *r = gsl_rng_alloc(gsl_rng_mt19937);
	int			i,
				crashed = 0;

	memcpy(x, b, l);
	tap_ok(scomm_did_decode_binary(x, l - 1, &d) == SCOMM_ECORRUPT && d == NULL,
		   "binary: truncated input rejected");
	x[l] = 0;
	tap_ok(scomm_did_decode_binary(x, l + 1, &d) == SCOMM_ECORRUPT,
		   "binary: trailing garbage rejected");
	x[5] = 2;
	tap_ok(scomm_did_decode_binary(x, l, &d) == SCOMM_ECORRUPT, "binary: wrong version rejected");
	x[5] = 1;
	x[15]++;
	tap_ok(scomm_did_decode_binary(x, l, &d) == SCOMM_ECORRUPT, "binary: count too large rejected");
	x[15] -= 2;
	tap_ok(scomm_did_decode_binary(x, l, &d) == SCOMM_ECORRUPT, "binary: count too small rejected");
	x[15]++;
	x[8] = 0x80;
	tap_ok(scomm_did_decode_binary(x, l, &d) == SCOMM_ECORRUPT, "binary: huge count rejected");
	x[8] = 0;
	x[0] = 'X';
	tap_ok(scomm_did_decode_binary(x, l, &d) == SCOMM_ECORRUPT, "binary: bad magic rejected");
	x[0] = 'S';
	memset(x + l - 8, 0xff, 8);	/* NaN outcome in the last row */
	tap_ok(scomm_did_decode_binary(x, l, &d) == SCOMM_ECORRUPT, "binary: NaN outcome rejected");
	tap_ok(scomm_did_decode_binary(NULL, 0, &d) == SCOMM_ECORRUPT, "binary: NULL rejected");
	/* random byte flips: decode must fail cleanly or give a collector */
	for (i = 0; i < 2000; i++)
	{
		memcpy(x, b, l);
		x[gsl_rng_uniform_int(r, l)] = (unsigned char) gsl_rng_uniform_int(r, 256);
		if (scomm_did_decode_binary(x, gsl_rng_uniform_int(r, l + 1), &d) == SCOMM_OK)
		{
			if (d == NULL)
				crashed = 1;
			scomm_did_collector_free(d);
		}
	}
	tap_ok(!crashed, "binary: 2000 mutated inputs handled");
	gsl_rng_free(r);
	free(x);
}

static void
TestCodecMalformedText(const char *t)
{
	static const char *bad[] = {
		"", "did_panel:2:0", "did_panel:1:", "did_panel:1:1", "did_panel:1:0;",
		"did_panel:1:0 ", "did_panel:1:1;1,2,3,nan", "did_panel:1:1;1,2,3,inf",
		"did_panel:1:1;1,2,3,1e999", "did_panel:1:1;99999999999999999999,2,3,1",
		"did_panel:1:1;1,2147483648,3,1", "did_panel:1:1;1,2,-2147483649,1",
		"did_panel:1:1;1,2,3,", "did_panel:1:1;1,2,3,1.5x", "did_panel:1:1;1,,3,1",
		"did_panel:1:1; 1,2,3,1", "did_panel:1:1;1,2,nev,1", "did_panel:1:2;1,2,3,1",
		"did_panel:1:99999999999999999999;1,2,3,1", "did_panel:1:-1",
		"did_panel:1:1;1,2,3,1;", "did_panel:1:1;1,2,3,1.0.0", "did_panel:1:1;--1,2,3,1",
	};
	scomm_did_collector *d = NULL;
	size_t		i,
				len = strlen(t);
	char	   *x = malloc(len + 2);
	int			ok = 1;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (scomm_did_decode_text(bad[i], &d) != SCOMM_ECORRUPT || d != NULL)
		{
			ok = 0;
			printf("# accepted: \"%s\"\n", bad[i]);
		}
	tap_ok(ok, "text: 23 malformed inputs rejected");
	tap_ok(scomm_did_decode_text(NULL, &d) == SCOMM_ECORRUPT, "text: NULL rejected");
	memcpy(x, t, len - 1);
	x[len - 1] = '\0';
	/* dropping the last digit still parses but changes the value, so cut a row */
	x[strrchr(t, ';') - t] = '\0';
	tap_ok(scomm_did_decode_text(x, &d) == SCOMM_ECORRUPT, "text: truncated input rejected");
	memcpy(x, t, len);
	x[len] = 'z';
	x[len + 1] = '\0';
	tap_ok(scomm_did_decode_text(x, &d) == SCOMM_ECORRUPT, "text: trailing garbage rejected");
	tap_ok(scomm_did_decode_text("did_panel:1:1;-9223372036854775808,-2147483648,never,-4.9406564584124654e-324", &d) == SCOMM_OK &&
		   d->rows[0].unit == INT64_MIN && d->rows[0].first_period == SCOMM_DID_NEVER &&
		   d->rows[0].y == -4.9406564584124654e-324, "text: extreme values parse");
	scomm_did_collector_free(d);
	free(x);
}

static void
TestCodec(void)
{
	scomm_did_collector *c = ReadMpdta(0),
			   *d = NULL;
	unsigned char *b = NULL;
	char	   *t = NULL;
	size_t		l = 0;

	if (c == NULL)
		return;
	/* a value with a full 17-digit mantissa and the never sentinel */
	scomm_did_collector_add(c, -5, 2003, SCOMM_DID_NEVER, 0.1 + 0.2, NULL);
	tap_ok(scomm_did_encode_binary(c, &b, &l) == SCOMM_OK && l == 16 + 24 * c->n_rows,
		   "binary encode: 16 + 24 bytes per row");
	tap_ok(scomm_did_decode_binary(b, l, &d) == SCOMM_OK && SameRows(c, d),
		   "binary round trip is exact");
	scomm_did_collector_free(d);
	tap_ok(scomm_did_encode_text(c, &t) == SCOMM_OK &&
		   strncmp(t, "did_panel:1:2501;", 17) == 0, "text encode");
	tap_ok(scomm_did_decode_text(t, &d) == SCOMM_OK && SameRows(c, d),
		   "text round trip is exact (%.17g)");
	scomm_did_collector_free(d);
	TestCodecMalformedBinary(b, l);
	TestCodecMalformedText(t);
	{
		scomm_did_collector *e = scomm_did_collector_create();

		scomm_core_free(t);
		scomm_did_encode_text(e, &t);
		tap_ok(strcmp(t, "did_panel:1:0") == 0 &&
			   scomm_did_decode_text(t, &d) == SCOMM_OK && d->n_rows == 0,
			   "empty collector round trip");
		scomm_did_collector_free(d);
		scomm_did_collector_free(e);
	}
	scomm_core_free(b);
	scomm_core_free(t);
	scomm_did_collector_free(c);
}

/* ---- simulation with known effects ------------------------------------- */

/* true effect at event time e >= 0 */
static double
Tau(int e)
{
	return 0.5 + 0.1 * e;
}

/* Staggered panel: periods 1..12, cohorts 4, 6, 8, 10 (and never when
 * with_never), unit and period effects, noise sd 0.2. */
static scomm_did_panel *
SimPanel(int n, int with_never, unsigned long seed)
{
	static const int32_t cohorts[5] = {4, 6, 8, 10, SCOMM_DID_NEVER};
	gsl_rng    *r = gsl_rng_alloc(gsl_rng_mt19937);
	scomm_did_collector *c = scomm_did_collector_create();
	scomm_did_panel *p = NULL;
	int			i,
				t;

	gsl_rng_set(r, seed);
	for (i = 0; i < n; i++)
	{
		int32_t		g = cohorts[i % (with_never ? 5 : 4)];
		double		a = gsl_ran_gaussian(r, 1.0);

		for (t = 1; t <= 12; t++)
		{
			double		y = a + 0.3 * t - 0.02 * t * t + gsl_ran_gaussian(r, 0.2);

			if (g != SCOMM_DID_NEVER && t >= g)
				y += Tau(t - g);
			scomm_did_collector_add(c, 1000 + 7 * i, t, g, y, NULL);
		}
	}
	scomm_did_panel_finalize(c, 1, &p, NULL);
	scomm_did_collector_free(c);
	gsl_rng_free(r);
	return p;
}

/* every usable cell within 4.5 SE of its truth (0 before treatment) */
static int
CellsRecoverTruth(const scomm_did_attgt *a)
{
	int			k,
				ok = 1;

	for (k = 0; k < a->n_cells; k++)
	{
		const scomm_did_cell *c = &a->cells[k];
		double		truth = c->post ? Tau(c->period - c->group) : 0.0;

		if (c->status == SCOMM_DID_CELL_OK && !(fabs(c->att - truth) < 4.5 * c->se))
			ok = 0;
	}
	return ok;
}

static void
TestSimulation(void)
{
	scomm_did_panel *p = SimPanel(1000, 1, 42);
	scomm_did_options o = default_opt;
	scomm_did_attgt *a = NULL;
	scomm_did_agg *g = NULL;
	int			k,
				ok = 1;

	if (p == NULL || scomm_did_att_gt(p, &o, &a, NULL) != SCOMM_OK)
	{
		tap_ok(0, "simulation att_gt");
		return;
	}
	tap_ok(a->n_cells == 4 * 11 && CellsRecoverTruth(a),
		   "simulation: 44 ATT(g,t) within 4.5 SE of the truth");
	scomm_did_aggte(a, SCOMM_DID_AGG_DYNAMIC, &g);
	for (k = 0; k < g->n_terms; k++)
	{
		double		truth = g->term[k] >= 0 ? Tau(g->term[k]) : 0.0;

		if (!(fabs(g->terms[k].est - truth) < 4.5 * g->terms[k].se))
			ok = 0;
	}
	/* cells start at period 2 (varying base): e = 2 - 10 .. 12 - 4 */
	tap_ok(g->n_terms == 17 && g->term[0] == -8 && ok,
		   "simulation: event study e = -8..8 recovers tau(e)");
	scomm_did_agg_free(g);
	scomm_did_attgt_free(a);

	/* not-yet-treated, no never-treated: last cohort (10) is the control */
	o.control = SCOMM_DID_NOT_YET_TREATED;
	scomm_did_panel_free(p);
	p = SimPanel(800, 0, 7);
	tap_ok(scomm_did_att_gt(p, &o, &a, NULL) == SCOMM_OK &&
		   (a->flags & SCOMM_DID_FLAG_LAST_COHORT_CONTROL) && a->n_periods == 9 &&
		   a->n_groups == 3 && a->n == 800, "no never-treated: flag, periods 1..9, groups 4 6 8");
	tap_ok(a && CellsRecoverTruth(a), "no never-treated: cells recover the truth");
	/* ATT(4,5): controls are cohorts 6, 8 and 10 (600 units) */
	tap_ok(a && a->cells[3].group == 4 && a->cells[3].period == 5 &&
		   a->cells[3].n_control == 600, "not-yet-treated control set, cohorts 6/8/10");
	scomm_did_attgt_free(a);
	o.control = SCOMM_DID_NEVER_TREATED;
	tap_ok(scomm_did_att_gt(p, &o, &a, NULL) == SCOMM_OK &&
		   (a->flags & SCOMM_DID_FLAG_LAST_COHORT_CONTROL) &&
		   a->cells[3].n_control == 200, "never-treated control coerced to the last cohort");
	scomm_did_attgt_free(a);
	scomm_did_panel_free(p);
}

/* ---- base periods, anticipation, flagged cells -------------------------- */

/* 2 units per cohort 3 and never, periods 1..4, y given by hand */
static scomm_did_panel *
TinyPanel(void)
{
	static const double y[4][4] = {
		{1.0, 2.0, 4.0, 7.0}, {0.0, 1.5, 2.5, 6.0},	/* cohort 3 */
		{1.0, 1.0, 2.0, 2.5}, {2.0, 3.0, 3.5, 4.5},	/* never */
	};
	scomm_did_collector *c = scomm_did_collector_create();
	scomm_did_panel *p = NULL;
	int			i,
				t;

	for (i = 0; i < 4; i++)
		for (t = 0; t < 4; t++)
			scomm_did_collector_add(c, i + 1, t + 1, i < 2 ? 3 : SCOMM_DID_NEVER,
									y[i][t], NULL);
	scomm_did_panel_finalize(c, 1, &p, NULL);
	scomm_did_collector_free(c);
	return p;
}

static void
TestBaseAndAnticipation(void)
{
	scomm_did_panel *p = TinyPanel();
	scomm_did_options o = default_opt;
	scomm_did_attgt *a = NULL;

	/* varying: ATT(3,2) = mean dY_T(1->2) - mean dY_C(1->2) = 1.25 - 0.5 */
	scomm_did_att_gt(p, &o, &a, NULL);
	tap_close(a->cells[0].att, 1.25 - 0.5, 1e-12, "hand: varying ATT(3,2)");
	/* ATT(3,4) = (y4 - y2): T (5 + 4.5)/2 = 4.75, C (1.5 + 1.5)/2 = 1.5 */
	tap_close(a->cells[2].att, 4.75 - 1.5, 1e-12, "hand: post ATT(3,4) against g-1");
	/* SE by hand: T devs +-0.25, C devs 0 -> sqrt(2*0.0625/4) */
	tap_close(a->cells[2].se, sqrt(2 * 0.0625 / 4), 1e-12, "hand: SE of ATT(3,4)");
	scomm_did_attgt_free(a);

	o.base_period = SCOMM_DID_BASE_UNIVERSAL;
	scomm_did_att_gt(p, &o, &a, NULL);
	tap_ok(a->n_cells == 4 && a->cells[1].status == SCOMM_DID_CELL_REFERENCE &&
		   a->cells[1].att == 0.0 && isnan(a->cells[1].se),
		   "universal: 4 cells, ATT(3,2) is the reference (0, SE NULL)");
	/* ATT(3,1) = mean(y1 - y2): T (-1 - 1.5)/2, C (0 - 1)/2 */
	tap_close(a->cells[0].att, -1.25 - (-0.5), 1e-12, "hand: universal ATT(3,1) against 2");
	scomm_did_attgt_free(a);

	/* anticipation 1: base g - 1 - 1 = period 1 for post cells */
	o.base_period = SCOMM_DID_BASE_VARYING;
	o.anticipation = 1;
	scomm_did_att_gt(p, &o, &a, NULL);
	/* ATT(3,3): T (y3 - y1) = (3 + 2.5)/2, C (1 + 1.5)/2 */
	tap_ok(a->cells[1].period == 3 && a->cells[1].base == 1, "anticipation 1: base g-2");
	tap_close(a->cells[1].att, 2.75 - 1.25, 1e-12, "hand: ATT(3,3) with anticipation 1");
	scomm_did_attgt_free(a);
	scomm_did_panel_free(p);
}

static void
TestFlaggedCells(void)
{
	scomm_did_collector *c = scomm_did_collector_create();
	scomm_did_panel *p = NULL;
	scomm_did_attgt *a = NULL;
	scomm_did_agg *g = NULL;
	int			i,
				t,
				all_null = 1;

	/* 200 units of cohort 3 and a single never-treated unit: the treated
	 * share 200/201 >= 0.995, DRDID trims every control: NULL, not 0 */
	for (i = 0; i <= 200; i++)
		for (t = 1; t <= 3; t++)
			scomm_did_collector_add(c, i, t, i < 200 ? 3 : SCOMM_DID_NEVER,
									i * 0.01 + t * (i % 3), NULL);
	scomm_did_panel_finalize(c, 1, &p, NULL);
	tap_ok(scomm_did_att_gt(p, &default_opt, &a, NULL) == SCOMM_OK, "trimmed panel: att_gt runs");
	for (i = 0; i < a->n_cells; i++)
		if (a->cells[i].status != SCOMM_DID_CELL_TRIMMED || !isnan(a->cells[i].att))
			all_null = 0;
	tap_ok(all_null, "cells without usable controls are flagged with a NULL estimate");
	tap_ok(scomm_did_aggte(a, SCOMM_DID_AGG_SIMPLE, &g) == SCOMM_OK &&
		   isnan(g->overall.est) && g->n_skipped_cells == 2,
		   "aggregation skips flagged cells and reports NULL");
	scomm_did_agg_free(g);
	scomm_did_attgt_free(a);
	scomm_did_panel_free(p);
	scomm_did_collector_free(c);
}

/* ---- TWFE event study -------------------------------------------------- */

static void
TestTwfeEvent(void)
{
	scomm_did_panel *p = SimPanel(1000, 1, 99);
	scomm_did_twfe *t = NULL;
	scomm_did_collector *c;
	int			k,
				ok = 1,
				i,
				s;

	tap_ok(scomm_did_twfe_event(p, 9, 8, &t) == SCOMM_OK && t->k == 17,
		   "TWFE event study e = -9..8 without -1");
	for (k = 0; t && k < t->k; k++)
	{
		double		truth = t->event_time[k] >= 0 ? Tau(t->event_time[k]) : 0.0;

		if (!(fabs(t->coef[k] - truth) < 4.5 * t->se[k]))
			ok = 0;
	}
	tap_ok(t && t->event_time[0] == -9 && t->event_time[7] == -2 &&
		   t->event_time[8] == 0 && ok, "TWFE event study recovers homogeneous tau(e)");
	scomm_did_twfe_free(t);
	tap_ok(scomm_did_twfe_event(p, 0, 3, &t) == SCOMM_EINVAL, "TWFE leads < 1 rejected");
	scomm_did_panel_free(p);
	/* one cohort, no never-treated: event dummies are period dummies */
	c = scomm_did_collector_create();
	for (i = 0; i < 30; i++)
		for (s = 1; s <= 6; s++)
			scomm_did_collector_add(c, i, s, 4, i + s * 0.5 + (s >= 4), NULL);
	scomm_did_panel_finalize(c, 1, &p, NULL);
	tap_ok(scomm_did_twfe_event(p, 3, 2, &t) == SCOMM_ESINGULAR,
		   "TWFE collinear event dummies: SCOMM_ESINGULAR");
	tap_ok(scomm_did_twfe_static(p, &t) == SCOMM_ESINGULAR,
		   "TWFE static with one cohort, no control: SCOMM_ESINGULAR");
	scomm_did_panel_free(p);
	scomm_did_collector_free(c);
}

int
main(void)
{
	scomm_did_panel *p;

	gsl_set_error_handler_off();
	p = MpdtaPanel();
	tap_ok(p != NULL, "mpdta read (data/reference/did or SCOMM_REFERENCE_DIR)");
	if (p != NULL)
	{
		tap_ok(p->n_units == 500 && p->n_periods == 5, "mpdta: 500 x 5 panel");
		TestAttgtReference(p);
		TestAggteReference(p);
		TestNotYetTreated(p);
		TestPretest(p);
		TestTwfe(p);
		TestBootstrap(p);
		TestMergeOrder();
	}
	scomm_did_panel_free(p);
	TestValidation();
	TestCodec();
	TestSimulation();
	TestBaseAndAnticipation();
	TestFlaggedCells();
	TestTwfeEvent();
	return tap_done();
}
