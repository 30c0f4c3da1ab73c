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
	return tap_done();
}
