/*
 * test_did_cov.c: the did core with a covariate and sampling weights against
 * R's did 2.1.2 with DRDID 1.2.3 (data/reference/did/mpdta_cov.csv.gz,
 * mpdta_cov_expected.txt, the R calls in ref_A_mpdta.R): all 12
 * configurations (dr / ipw / reg x never / not-yet-treated x unweighted /
 * weighted), every ATT(g,t) to 1e-8 and its SE to 1e-6 relative, the Wald
 * pre-test, the four aggregations with every term, and the event study
 * with min_e = -3, max_e = 2 and with balance_e = 1.  Then what did does not
 * report: cluster-robust SEs against a direct computation, unbalanced
 * panels kept against the rc estimator on a balanced panel, cross sections,
 * and the errors for bad weights, clusters and covariates.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "did.h"
#include "refdata.h"
#include "tap.h"

#define MAXROWS 3000

typedef struct Row
{
	int			year;
	long long	id;
	double		lpop;
	double		lemp;
	int			first;
	double		w;
} Row;

static Row rows[MAXROWS];
static int n_rows;

/* Read mpdta_cov.csv: year,countyreal,lpop,lemp,first.treat,treat,w */
static int
ReadData(void)
{
	char		line[512];
	FILE	   *f = RefOpen("did/mpdta_cov.csv");

	if (f == NULL || fgets(line, sizeof(line), f) == NULL)
		return 0;
	while (n_rows < MAXROWS && fgets(line, sizeof(line), f) != NULL)
	{
		Row		   *r = &rows[n_rows];
		int			treat;

		if (sscanf(line, "%d,%lld,%lf,%lf,%d,%d,%lf", &r->year, &r->id, &r->lpop,
				   &r->lemp, &r->first, &treat, &r->w) == 7)
			n_rows++;
	}
	RefClose(f);
	return n_rows == 2500;
}

/* the panel: covariate lpop, weights w when weighted, cluster id mod m */
static scomm_did_panel *
Panel(int weighted, int cluster_mod, scomm_did_unbalanced ub,
	  scomm_did_sampling sampling, int skip_mod)
{
	scomm_did_collector *c = scomm_did_collector_create();
	scomm_did_panel *p = NULL;
	int			i;

	for (i = 0; i < n_rows; i++)
	{
		const Row  *r = &rows[i];

		if (skip_mod > 0 && r->id % skip_mod == 0 && r->year == 2005)
			continue;
		scomm_did_collector_add_ex(c, r->id, r->year,
								   r->first == 0 ? SCOMM_DID_NEVER : r->first,
								   r->lemp, weighted ? r->w : NAN,
								   cluster_mod > 0 ? r->id % cluster_mod : SCOMM_DID_NO_CLUSTER,
								   &r->lpop, 1, NULL);
	}
	if (scomm_did_panel_finalize_ex(c, ub, sampling, &p, NULL) != SCOMM_OK)
		p = NULL;
	scomm_did_collector_free(c);
	return p;
}

/* one expected number */
typedef struct Expect
{
	char		config[40];
	char		quantity[48];
	int			group,
				time,
				event;			/* INT32_MIN: NA */
	double		est,
				se;
} Expect;

static Expect ex[600];
static int n_ex;

static int
ParseInt(const char *s)
{
	return strcmp(s, "NA") == 0 ? INT32_MIN : atoi(s);
}

static int
ReadExpected(void)
{
	char		line[512];
	FILE	   *f = RefOpen("did/mpdta_cov_expected.txt");

	if (f == NULL)
		return 0;
	while (n_ex < 600 && fgets(line, sizeof(line), f) != NULL)
	{
		char		g[16],
					t[16],
					e[16],
					est[40],
					se[40];
		Expect	   *x = &ex[n_ex];

		if (line[0] == '#' || strncmp(line, "config", 6) == 0)
			continue;
		if (sscanf(line, "%39s %47s %15s %15s %15s %39s %39s", x->config, x->quantity,
				   g, t, e, est, se) != 7)
			continue;
		x->group = ParseInt(g);
		x->time = ParseInt(t);
		x->event = ParseInt(e);
		x->est = strcmp(est, "NA") == 0 ? NAN : atof(est);
		x->se = strcmp(se, "NA") == 0 ? NAN : atof(se);
		n_ex++;
	}
	RefClose(f);
	return n_ex == 528;
}

static void
CheckEst(double got, double want, const char *what)
{
	tap_close(got, want, 1e-8, what);
}

static void
CheckSe(double got, double want, const char *what)
{
	if (isnan(want))
		tap_ok(isnan(got), what);
	else
		tap_rclose(got, want, 1e-6, what);
}

/* the term of an aggregation with label v, or NULL */
static const scomm_did_estimate *
Term(const scomm_did_agg *g, int v)
{
	int			k;

	for (k = 0; k < g->n_terms; k++)
		if (g->term[k] == v)
			return &g->terms[k];
	return NULL;
}

/* Check the expected rows of one aggregation label against g. */
static void
CheckAgg(const char *config, const char *label, const scomm_did_agg *g)
{
	char		overall[64],
				name[160];
	int			i,
				terms = 0;

	snprintf(overall, sizeof(overall), "%s_overall", label);
	for (i = 0; i < n_ex; i++)
	{
		const Expect *x = &ex[i];
		const scomm_did_estimate *e;
		int			v;

		if (strcmp(x->config, config) != 0)
			continue;
		if (strcmp(x->quantity, overall) == 0)
		{
			snprintf(name, sizeof(name), "%s %s: estimate", config, overall);
			CheckEst(g->overall.est, x->est, name);
			snprintf(name, sizeof(name), "%s %s: SE", config, overall);
			CheckSe(g->overall.se, x->se, name);
			continue;
		}
		if (strcmp(x->quantity, label) != 0)
			continue;
		v = x->event != INT32_MIN ? x->event : x->group != INT32_MIN ? x->group : x->time;
		e = Term(g, v);
		terms++;
		snprintf(name, sizeof(name), "%s %s term %d: estimate", config, label, v);
		if (e == NULL)
		{
			tap_ok(0, name);
			continue;
		}
		CheckEst(e->est, x->est, name);
		snprintf(name, sizeof(name), "%s %s term %d: SE", config, label, v);
		CheckSe(e->se, x->se, name);
	}
	if (strcmp(label, "simple") != 0)
	{
		snprintf(name, sizeof(name), "%s %s: %d terms as did", config, label, terms);
		tap_ok(g->n_terms == terms, name);
	}
}

/* One configuration: every number of the reference file. */
static void
CheckConfig(int method, int control, int weighted)
{
	static const char *const mname[] = {"dr", "ipw", "reg"};
	static const char *const aname[] = {"simple", "dynamic", "group", "calendar"};
	char		config[64],
				name[160];
	scomm_did_panel *p = Panel(weighted, 0, SCOMM_DID_UNBALANCED_DROP,
							   SCOMM_DID_SAMPLING_PANEL, 0);
	scomm_did_options opt = {control ? SCOMM_DID_NOT_YET_TREATED : SCOMM_DID_NEVER_TREATED,
	SCOMM_DID_BASE_VARYING, 0, 0.05, method, SCOMM_DID_SE_UNIT};
	scomm_did_attgt *a = NULL;
	scomm_did_pretest pre;
	scomm_did_agg_options o;
	int			i,
				k,
				cells = 0;

	snprintf(config, sizeof(config), "%s_%s_%s", mname[method],
			 control ? "notyettreated" : "nevertreated", weighted ? "w" : "unw");
	snprintf(name, sizeof(name), "%s: att_gt succeeds", config);
	tap_ok(p != NULL && scomm_did_att_gt(p, &opt, &a, NULL) == SCOMM_OK, name);
	if (a == NULL)
	{
		scomm_did_panel_free(p);
		return;
	}
	for (i = 0; i < n_ex; i++)
	{
		const Expect *x = &ex[i];

		if (strcmp(x->config, config) != 0 || strcmp(x->quantity, "attgt") != 0)
			continue;
		cells++;
		for (k = 0; k < a->n_cells; k++)
			if (a->cells[k].group == x->group && a->cells[k].period == x->time)
				break;
		snprintf(name, sizeof(name), "%s ATT(%d,%d)", config, x->group, x->time);
		if (k == a->n_cells)
		{
			tap_ok(0, name);
			continue;
		}
		CheckEst(a->cells[k].att, x->est, name);
		snprintf(name, sizeof(name), "%s ATT(%d,%d): SE", config, x->group, x->time);
		CheckSe(a->cells[k].se, x->se, name);
	}
	snprintf(name, sizeof(name), "%s: %d cells as did", config, cells);
	tap_ok(a->n_cells == cells, name);

	/* the pre-test: W, and p as did rounds it (5 decimals) */
	for (i = 0; i < n_ex; i++)
	{
		const Expect *x = &ex[i];

		if (strcmp(x->config, config) != 0 || strncmp(x->quantity, "pretest_", 8) != 0)
			continue;
		if (scomm_did_pretest_wald(a, &pre) != SCOMM_OK)
		{
			tap_ok(0, "pre-test");
			continue;
		}
		snprintf(name, sizeof(name), "%s %s", config, x->quantity);
		if (strcmp(x->quantity, "pretest_W") == 0)
			tap_rclose(pre.W, x->est, 1e-8, name);
		else
			tap_close(round(pre.p_value * 1e5) / 1e5, x->est, 1e-12, name);
	}

	for (k = 0; k < 4; k++)
	{
		scomm_did_agg *g = NULL;

		snprintf(name, sizeof(name), "%s aggte %s", config, aname[k]);
		tap_ok(scomm_did_aggte(a, (scomm_did_agg_type) k, &g) == SCOMM_OK, name);
		if (g != NULL)
			CheckAgg(config, aname[k], g);
		scomm_did_agg_free(g);
	}
	memset(&o, 0, sizeof(o));
	o.has_min_e = o.has_max_e = 1;
	o.min_e = -3;
	o.max_e = 2;
	{
		scomm_did_agg *g = NULL;

		tap_ok(scomm_did_aggte_ex(a, SCOMM_DID_AGG_DYNAMIC, &o, &g) == SCOMM_OK,
			   "dynamic with min_e, max_e");
		if (g != NULL)
			CheckAgg(config, "dynamic_mine-3_maxe2", g);
		scomm_did_agg_free(g);
	}
	memset(&o, 0, sizeof(o));
	o.has_balance_e = 1;
	o.balance_e = 1;
	{
		scomm_did_agg *g = NULL;

		tap_ok(scomm_did_aggte_ex(a, SCOMM_DID_AGG_DYNAMIC, &o, &g) == SCOMM_OK,
			   "dynamic with balance_e");
		if (g != NULL)
			CheckAgg(config, "dynamic_balance_e1", g);
		scomm_did_agg_free(g);
	}
	scomm_did_attgt_free(a);
	scomm_did_panel_free(p);
}

/* Clusters: the analytic SE from a cell's IF summed by cluster, computed here. */
static void
TestClusters(void)
{
	scomm_did_panel *p = Panel(1, 37, SCOMM_DID_UNBALANCED_DROP, SCOMM_DID_SAMPLING_PANEL, 0);
	scomm_did_options opt = {SCOMM_DID_NEVER_TREATED, SCOMM_DID_BASE_VARYING, 0, 0.05,
	SCOMM_DID_METHOD_DR, SCOMM_DID_SE_CLUSTER};
	scomm_did_attgt *a = NULL;
	scomm_did_linear *lin = NULL;
	scomm_did_agg *g = NULL;
	scomm_did_boot *b = NULL;
	double	   *ifv,
				sums[37],
				ss = 0.0;
	int			k,
				i;

	tap_ok(p != NULL && scomm_did_att_gt(p, &opt, &a, NULL) == SCOMM_OK, "clusters: att_gt");
	if (a == NULL)
		return;
	tap_ok(a->n_clusters == 37, "clusters: 37 clusters");
	scomm_did_cell_linears(a, &lin, &k);
	ifv = calloc(a->n, sizeof(double));
	scomm_did_linear_if(a, &lin[0], ifv);
	memset(sums, 0, sizeof(sums));
	for (i = 0; i < a->n; i++)
		sums[a->unit_id[i] % 37] += ifv[i];
	for (i = 0; i < 37; i++)
		ss += sums[i] * sums[i];
	tap_rclose(a->cells[0].se, sqrt(ss) / a->n, 1e-10,
			   "clusters: SE = sqrt(sum_c (sum_{i in c} IF_i)^2) / n");
	tap_ok(scomm_did_aggte(a, SCOMM_DID_AGG_DYNAMIC, &g) == SCOMM_OK, "clusters: event study");
	tap_ok(scomm_did_mboot(a, g->lin, g->n_terms, 1999, 7, 0.05, &b) == SCOMM_OK,
		   "clusters: bootstrap with one multiplier per cluster");
	for (i = 0; b != NULL && i < g->n_terms; i++)
		tap_ok(fabs(b->se[i] / g->terms[i].se - 1) < 0.25, "  bootstrap SE near the analytic one");
	scomm_did_boot_free(b);
	scomm_did_agg_free(g);
	scomm_did_linears_free(lin, k);
	free(ifv);
	scomm_did_attgt_free(a);
	scomm_did_panel_free(p);
}

/* Kept incomplete units: the rc estimator equals the four means by hand. */
static void
TestKeep(void)
{
	scomm_did_collector *c = scomm_did_collector_create();
	scomm_did_panel *p = NULL;
	scomm_did_options opt = {SCOMM_DID_NEVER_TREATED, SCOMM_DID_BASE_VARYING, 0, 0.05,
	SCOMM_DID_METHOD_DR, SCOMM_DID_SE_UNIT};
	scomm_did_attgt *a = NULL;
	double		sum[4] = {0},
				cnt[4] = {0};
	int			i,
				k,
				holes = 0;

	for (i = 0; i < n_rows; i++)
	{
		const Row  *r = &rows[i];

		if (r->id % 9 == 0 && r->year == 2006)
		{
			holes++;
			continue;
		}
		scomm_did_collector_add(c, r->id, r->year, r->first == 0 ? SCOMM_DID_NEVER : r->first,
								r->lemp, NULL);
		/* cell (2007, 2007): base 2006; treated 2007 and never treated */
		if ((r->year == 2007 || r->year == 2006) && (r->first == 2007 || r->first == 0))
		{
			int			j = (r->first == 2007 ? 2 : 0) + (r->year == 2007);

			sum[j] += r->lemp;
			cnt[j] += 1;
		}
	}
	tap_ok(scomm_did_panel_finalize_ex(c, SCOMM_DID_UNBALANCED_KEEP, SCOMM_DID_SAMPLING_PANEL,
									   &p, NULL) == SCOMM_OK && p->n_units == 500 &&
		   p->n_incomplete == holes, "keep: 500 units, those missing 2006 incomplete");
	tap_ok(scomm_did_att_gt(p, &opt, &a, NULL) == SCOMM_OK && a->kind == SCOMM_DID_KIND_RC,
		   "keep: the repeated cross-section estimators");
	for (k = 0; a != NULL && k < a->n_cells; k++)
		if (a->cells[k].group == 2007 && a->cells[k].period == 2007)
			tap_close(a->cells[k].att,
					  (sum[3] / cnt[3] - sum[2] / cnt[2]) - (sum[1] / cnt[1] - sum[0] / cnt[0]),
					  1e-12, "keep: ATT(2007,2007) is the difference of the four means");
	scomm_did_attgt_free(a);
	scomm_did_panel_free(p);
	scomm_did_collector_free(c);
}

/* The errors for weights, clusters and covariates name the unit. */
static void
TestErrors(void)
{
	scomm_did_collector *c;
	scomm_did_panel *p = NULL;
	scomm_did_diag d;
	double		x[2] = {1, 2},
				bad = NAN;

	c = scomm_did_collector_create();
	scomm_did_collector_add_ex(c, 1, 2004, 2005, 1.0, 2.0, 5, x, 2, NULL);
	tap_ok(scomm_did_collector_add_ex(c, 2, 2004, 2005, 1.0, 2.0, 5, x, 1, &d) == SCOMM_EINVAL &&
		   d.code == SCOMM_DID_ERR_COVARIATES && d.unit == 2, "another number of covariates: unit 2");
	tap_ok(scomm_did_collector_add_ex(c, 3, 2004, 2005, 1.0, -1.0, 5, x, 2, &d) == SCOMM_EINVAL &&
		   d.code == SCOMM_DID_ERR_WEIGHT && d.unit == 3, "a negative weight: unit 3");
	tap_ok(scomm_did_collector_add_ex(c, 4, 2004, 2005, 1.0, 1.0, 5, &bad, 1, &d) == SCOMM_EINVAL,
		   "a covariate that is not finite");
	scomm_did_collector_add_ex(c, 1, 2005, 2005, 1.0, 3.0, 5, x, 2, NULL);
	tap_ok(scomm_did_panel_finalize_ex(c, SCOMM_DID_UNBALANCED_DROP, SCOMM_DID_SAMPLING_PANEL,
									   &p, &d) == SCOMM_EINVAL && d.code == SCOMM_DID_ERR_WEIGHT &&
		   d.unit == 1, "a weight that changes within unit 1");
	scomm_did_collector_free(c);

	c = scomm_did_collector_create();
	scomm_did_collector_add_ex(c, 1, 2004, 2005, 1.0, NAN, 5, NULL, 0, NULL);
	scomm_did_collector_add_ex(c, 1, 2005, 2005, 1.0, NAN, 6, NULL, 0, NULL);
	tap_ok(scomm_did_panel_finalize_ex(c, SCOMM_DID_UNBALANCED_DROP, SCOMM_DID_SAMPLING_PANEL,
									   &p, &d) == SCOMM_EINVAL && d.code == SCOMM_DID_ERR_CLUSTER &&
		   d.unit == 1, "a cluster that changes within unit 1");
	tap_ok(scomm_did_panel_finalize_ex(c, SCOMM_DID_UNBALANCED_DROP, SCOMM_DID_SAMPLING_CROSS_SECTION,
									   &p, &d) == SCOMM_OK && p->n_units == 2,
		   "cross sections: every row its own unit");
	scomm_did_panel_free(p);
	scomm_did_collector_free(c);

	c = scomm_did_collector_create();
	scomm_did_collector_add_ex(c, 1, 2004, 2005, 1.0, 1.0, SCOMM_DID_NO_CLUSTER, NULL, 0, NULL);
	scomm_did_collector_add_ex(c, 2, 2004, 2005, 1.0, NAN, SCOMM_DID_NO_CLUSTER, NULL, 0, NULL);
	tap_ok(scomm_did_panel_finalize_ex(c, SCOMM_DID_UNBALANCED_DROP, SCOMM_DID_SAMPLING_PANEL,
									   &p, &d) == SCOMM_EINVAL && d.code == SCOMM_DID_ERR_WEIGHT &&
		   d.unit == 2, "a NULL weight among weights: unit 2");
	scomm_did_collector_free(c);
}

/* Format version 2 round trips; a collector without content writes version 1. */
static void
TestCodec(void)
{
	scomm_did_collector *c = scomm_did_collector_create(),
			   *back = NULL,
			   *back2 = NULL;
	unsigned char *bin = NULL,
			   *bin1 = NULL;
	char	   *text = NULL,
			   *text2 = NULL;
	size_t		len = 0;
	double		x[2] = {0.1, -2.5e-300};

	scomm_did_collector_add_ex(c, 7, 2004, 2006, 1.5, 2.25, 31, x, 2, NULL);
	scomm_did_collector_add_ex(c, -3, 2005, SCOMM_DID_NEVER, -0.0, NAN, SCOMM_DID_NO_CLUSTER, x, 2, NULL);
	scomm_did_collector_sort(c);
	tap_ok(scomm_did_encode_binary(c, &bin, &len) == SCOMM_OK && len == 20 + 2 * (40 + 16) &&
		   bin[5] == 2, "binary version 2, 56 bytes per row");
	tap_ok(scomm_did_decode_binary(bin, len, &back) == SCOMM_OK && back->n_rows == 2 &&
		   back->n_cov == 2 && back->cov[1] == x[1] && isnan(back->weight[0]) &&
		   back->cluster[1] == 31, "binary version 2 round trip");
	tap_ok(scomm_did_decode_binary(bin, len - 1, &back2) == SCOMM_ECORRUPT, "truncated: corrupt");
	scomm_did_collector_free(back);
	back = NULL;
	tap_ok(scomm_did_encode_text(c, &text) == SCOMM_OK &&
		   strncmp(text, "did_panel:2:2:2;", 16) == 0, "text version 2");
	tap_ok(scomm_did_decode_text(text, &back) == SCOMM_OK &&
		   scomm_did_encode_text(back, &text2) == SCOMM_OK && strcmp(text, text2) == 0,
		   "text version 2 round trip");
	scomm_did_collector_free(back);
	scomm_did_collector_free(c);
	c = scomm_did_collector_create();
	scomm_did_collector_add_ex(c, 7, 2004, 2006, 1.5, NAN, SCOMM_DID_NO_CLUSTER, NULL, 0, NULL);
	tap_ok(scomm_did_encode_binary(c, &bin1, &len) == SCOMM_OK && len == 16 + 24 && bin1[5] == 1,
		   "no weight, cluster or covariate: version 1");
	scomm_did_collector_free(c);
	scomm_core_free(bin);
	scomm_core_free(bin1);
	scomm_core_free(text);
	scomm_core_free(text2);
}

int
main(void)
{
	int			m,
				c,
				w;

	if (!ReadData() || !ReadExpected())
	{
		tap_ok(0, "read data/reference/did/mpdta_cov.csv.gz and mpdta_cov_expected.txt");
		return tap_done();
	}
	for (w = 0; w < 2; w++)
		for (c = 0; c < 2; c++)
			for (m = 0; m < 3; m++)
				CheckConfig(m, c, w);
	TestClusters();
	TestKeep();
	TestErrors();
	TestCodec();
	return tap_done();
}
