/*
 * test_honest.c: unit tests of the sensitivity analysis core
 * (src/core/honest*.c, rrng.c) against HonestDiD 0.2.6 on its own public
 * example (data/reference/did/honest/, BCdata_EventStudy), R's generator,
 * and properties that hold by construction.
 *   - R's set.seed()/runif()/rnorm() values (R 4.x, the documented
 *     Mersenne-Twister + Inversion defaults);
 *   - qnorm against GSL's inverse normal, the type-7 quantile by hand, the
 *     O(log n) folded quantile against sorting |z + mu| directly;
 *   - FLCI bounds (Delta^SD) to 1e-4 relative;
 *   - C-LF bounds (Delta^RM): within 0.005 of the finest grid, and each on
 *     the side of HonestDiD's outermost accepted grid point where the true
 *     bound must lie (within one grid step); bounds the grid truncated lie
 *     beyond the grid's edge;
 *   - the original interval; one post period (no nuisance parameter);
 *     nesting in M; the LP wrapper and its error hook.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "honest_int.h"
#include "rrng.h"
#include "refdata.h"
#include "tap.h"

static double beta[8],
			sigma[64];

static int
ReadInputs(void)
{
	char		line[4096];
	FILE	   *f = RefOpen("did/honest/public_bc_inputs.csv");
	int			r = 0;

	if (f == NULL || fgets(line, sizeof(line), f) == NULL)
	{
		RefClose(f);
		return 0;
	}
	while (r < 8 && fgets(line, sizeof(line), f) != NULL)
	{
		char	   *tok = strtok(line, ",");
		int			c = 0;

		while (tok != NULL)
		{
			if (c == 3)
				beta[r] = strtod(tok, NULL);
			else if (c >= 4 && c < 12)
				sigma[r * 8 + c - 4] = strtod(tok, NULL);
			c++;
			tok = strtok(NULL, ",");
		}
		r++;
	}
	RefClose(f);
	return r == 8;
}

typedef struct RefRow
{
	char		lvec[16];
	char		analysis[48];
	double		m,
				lb,
				ub,
				grid_lb,
				grid_ub;
	int			points;
	char		edge[40];
} RefRow;

static int
ReadExpected(RefRow *rows, int max)
{
	char		line[1024];
	FILE	   *f = RefOpen("did/honest/public_bc_expected.txt");
	int			n = 0;

	if (f == NULL)
		return 0;
	while (n < max && fgets(line, sizeof(line), f) != NULL)
	{
		RefRow	   *r = &rows[n];
		char		m[32],
					lb[32],
					ub[32],
					method[16],
					delta[16],
					gp[16],
					glb[32],
					gub[32];

		if (line[0] == '#' || strncmp(line, "l_vec", 5) == 0)
			continue;
		if (sscanf(line, "%15s %47s %31s %31s %31s %15s %15s %15s %31s %31s %39s", r->lvec,
				   r->analysis, m, lb, ub, method, delta, gp, glb, gub, r->edge) != 11)
			continue;
		r->m = strcmp(m, "NA") ? strtod(m, NULL) : NAN;
		r->lb = strtod(lb, NULL);
		r->ub = strtod(ub, NULL);
		r->points = strcmp(gp, "NA") ? atoi(gp) : 0;
		r->grid_lb = strcmp(glb, "NA") ? strtod(glb, NULL) : NAN;
		r->grid_ub = strcmp(gub, "NA") ? strtod(gub, NULL) : NAN;
		n++;
	}
	RefClose(f);
	return n;
}

/* ---- R's generator ------------------------------------------------------ */

static void
TestRrng(void)
{
	scomm_rrng	r;
	/* R 4.x: set.seed(0); runif(3) / rnorm(5); set.seed(42) / set.seed(123); rnorm(3) */
	static const double unif0[3] = {0.8966972, 0.2655087, 0.3721239};
	static const double norm0[5] = {1.2629543, -0.3262334, 1.3297993, 1.2724293, 0.4146414};
	static const double norm42[3] = {1.3709584, -0.5646982, 0.3631284};
	static const double norm123[3] = {-0.5604756, -0.2301775, 1.5587083};
	double		maxd = 0.0;
	int			i;

	scomm_rrng_seed(&r, 0);
	for (i = 0; i < 3; i++)
		maxd = fmax(maxd, fabs(scomm_rrng_unif(&r) - unif0[i]));
	tap_close(maxd, 0.0, 5e-8, "set.seed(0); runif(3) = 0.8966972 0.2655087 0.3721239");
	scomm_rrng_seed(&r, 0);
	maxd = 0.0;
	for (i = 0; i < 5; i++)
		maxd = fmax(maxd, fabs(scomm_rrng_norm(&r) - norm0[i]));
	tap_close(maxd, 0.0, 5e-8, "set.seed(0); rnorm(5) = 1.2629543 -0.3262334 1.3297993 1.2724293 0.4146414");
	scomm_rrng_seed(&r, 42);
	maxd = 0.0;
	for (i = 0; i < 3; i++)
		maxd = fmax(maxd, fabs(scomm_rrng_norm(&r) - norm42[i]));
	tap_close(maxd, 0.0, 5e-8, "set.seed(42); rnorm(3) = 1.3709584 -0.5646982 0.3631284");
	scomm_rrng_seed(&r, 123);
	maxd = 0.0;
	for (i = 0; i < 3; i++)
		maxd = fmax(maxd, fabs(scomm_rrng_norm(&r) - norm123[i]));
	tap_close(maxd, 0.0, 5e-8, "set.seed(123); rnorm(3) = -0.5604756 -0.2301775 1.5587083");

	maxd = 0.0;
	for (i = 1; i < 2000; i++)
	{
		double		p = i / 2000.0;

		maxd = fmax(maxd, fabs(scomm_rrng_qnorm(p) - gsl_cdf_ugaussian_Pinv(p)));
	}
	maxd = fmax(maxd, fabs(scomm_rrng_qnorm(1e-12) - gsl_cdf_ugaussian_Pinv(1e-12)) / 7.0);
	tap_close(maxd, 0.0, 1e-14, "qnorm (AS 241) agrees with GSL's inverse normal");
	{
		double		x[4] = {1, 2, 3, 4};

		/* index 1 + 3 * 0.3 = 1.9: 0.1 * 1 + 0.9 * 2 */
		tap_close(scomm_r_quantile7(x, 4, 0.3), 1.9, 1e-15, "quantile(c(1,2,3,4), 0.3, type = 7) = 1.9");
		tap_close(scomm_r_quantile7(x, 4, 1.0), 4.0, 0.0, "quantile(..., 1) = 4");
	}
}

static int
DblCmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* the O(log n) quantile against the direct computation */
static void
TestFold(void)
{
	HonestFold	f;
	double	   *v,
				maxd = 0.0;
	static const double mus[] = {0.0, 0.3, 1.0, 2.5, 7.0, 40.0};
	int			k;
	size_t		i,
				n = 100001;

	tap_ok(honest_fold_init(&f, n, 0) == SCOMM_OK, "folded-normal draws: 100,001 after set.seed(0)");
	v = malloc(n * sizeof(double));
	for (k = 0; k < 6; k++)
	{
		scomm_rrng	r;

		scomm_rrng_seed(&r, 0);
		for (i = 0; i < n; i++)
			v[i] = fabs(scomm_rrng_norm(&r) + mus[k]);
		qsort(v, n, sizeof(double), DblCmp);
		maxd = fmax(maxd, fabs(honest_fold_quantile(&f, 0.95, mus[k]) - scomm_r_quantile7(v, n, 0.95)));
		maxd = fmax(maxd, fabs(honest_fold_quantile(&f, 0.9, mus[k]) - scomm_r_quantile7(v, n, 0.9)));
	}
	tap_close(maxd, 0.0, 0.0, "folded quantile equals quantile(abs(draws + mu)) exactly");
	free(v);
	honest_fold_free(&f);
}

/* ---- HonestDiD's public example ------------------------------------------ */

static void
TestPublic(void)
{
	RefRow		rows[64];
	int			n = ReadExpected(rows, 64),
				lv;
	static const double lvecs[2][4] = {{1, 0, 0, 0}, {0.25, 0.25, 0.25, 0.25}};
	static const char *lnames[2] = {"first_post", "avg_post"};

	tap_ok(ReadInputs() && n == 30, "HonestDiD reference: inputs and 30 expected rows read");
	if (n != 30)
		return;
	for (lv = 0; lv < 2; lv++)
	{
		scomm_honest_problem pr = {4, 4, beta, sigma, lvecs[lv], 0.05};
		double		m[8],
					lb[8],
					ub[8],
					worst = 0.0;
		int			nm = 0,
					i,
					j;
		char		name[200];

		/* the original interval */
		for (i = 0; i < n; i++)
			if (strcmp(rows[i].lvec, lnames[lv]) == 0 && strcmp(rows[i].analysis, "original") == 0)
			{
				scomm_honest_original(&pr, &lb[0], &ub[0]);
				snprintf(name, sizeof(name), "%s: original interval (1e-9)", lnames[lv]);
				tap_close(fmax(fabs(lb[0] - rows[i].lb), fabs(ub[0] - rows[i].ub)), 0.0, 1e-9, name);
			}
		/* FLCI under Delta^SD(M) */
		for (i = 0; i < n; i++)
			if (strcmp(rows[i].lvec, lnames[lv]) == 0 && strcmp(rows[i].analysis, "smoothness_FLCI") == 0)
				m[nm++] = rows[i].m;
		tap_ok(nm == 6 && scomm_honest_flci(&pr, m, nm, lb, ub) == SCOMM_OK, "FLCI computed");
		for (i = 0, j = 0; i < n && j < nm; i++)
			if (strcmp(rows[i].lvec, lnames[lv]) == 0 && strcmp(rows[i].analysis, "smoothness_FLCI") == 0)
			{
				worst = fmax(worst, fabs(lb[j] / rows[i].lb - 1.0));
				worst = fmax(worst, fabs(ub[j] / rows[i].ub - 1.0));
				j++;
			}
		snprintf(name, sizeof(name), "%s: FLCI bounds for M = 0 ... 0.05 within 1e-4 relative of HonestDiD", lnames[lv]);
		tap_close(worst, 0.0, 1e-4, name);

		/* C-LF under Delta^RM(Mbar) against both grids */
		nm = 0;
		for (i = 0; i < n; i++)
			if (strcmp(rows[i].lvec, lnames[lv]) == 0 && strcmp(rows[i].analysis, "relmag_CLF") == 0)
				m[nm++] = rows[i].m;
		tap_ok(nm == 4 && scomm_honest_rm(&pr, m, nm, lb, ub) == SCOMM_OK, "C-LF computed");
		{
			double		far = 0.0;
			int			inside = 1,
						beyond = 1,
						checked = 0;

			for (i = 0; i < n; i++)
			{
				const RefRow *r = &rows[i];
				double		step;
				int			wide;

				if (strcmp(r->lvec, lnames[lv]) != 0 || strncmp(r->analysis, "relmag_CLF", 10) != 0)
					continue;
				wide = strstr(r->analysis, "widegrid") != NULL;
				for (j = 0; j < nm && m[j] != r->m; j++)
					;
				if (j == nm)
					continue;
				step = (r->grid_ub - r->grid_lb) / (r->points - 1);
				/* a bound is truncated when it sits on the grid's edge */
				if (strstr(r->edge, "lb_at_grid_lb") == NULL)
				{
					inside &= lb[j] <= r->lb + 1e-12 && lb[j] > r->lb - step;
					if (wide)
						far = fmax(far, fabs(lb[j] - r->lb));
				}
				else
					beyond &= lb[j] <= r->lb;
				if (strstr(r->edge, "ub_at_grid_ub") == NULL)
				{
					inside &= ub[j] >= r->ub - 1e-12 && ub[j] < r->ub + step;
					if (wide)
						far = fmax(far, fabs(ub[j] - r->ub));
				}
				else
					beyond &= ub[j] >= r->ub;
				checked++;
			}
			snprintf(name, sizeof(name), "%s: C-LF bounds within 0.005 of the finest grid (Mbar = 0.5 ... 2)", lnames[lv]);
			tap_close(far, 0.0, 0.005, name);
			snprintf(name, sizeof(name), "%s: each C-LF bound within one grid step outside HonestDiD's outermost accepted point (%d rows)",
					 lnames[lv], checked);
			tap_ok(inside && checked == 8, name);
			snprintf(name, sizeof(name), "%s: bounds HonestDiD's grid truncated lie beyond its edge", lnames[lv]);
			tap_ok(beyond, name);
		}
	}
}

/* ---- properties ------------------------------------------------------------- */

static void
TestProperties(void)
{
	static const double l1[4] = {1, 0, 0, 0};
	scomm_honest_problem pr = {4, 4, beta, sigma, l1, 0.05};
	double		m[4] = {0.0, 0.5, 1.0, 2.0},
				lb[4],
				ub[4],
				olb,
				oub;
	int			nested = 1,
				i;

	/* Delta^RM widens with Mbar */
	scomm_honest_rm(&pr, m, 4, lb, ub);
	for (i = 1; i < 4; i++)
		nested &= lb[i] <= lb[i - 1] + 1e-12 && ub[i] >= ub[i - 1] - 1e-12;
	tap_ok(nested, "C-LF intervals are nested in Mbar");
	scomm_honest_original(&pr, &olb, &oub);
	tap_ok(lb[0] <= beta[4] && beta[4] <= ub[0], "Mbar = 0: the interval covers the estimate");
	/* Delta^SD widens with M */
	{
		double		ms[3] = {0.0, 0.02, 0.05};

		scomm_honest_flci(&pr, ms, 3, lb, ub);
		tap_ok(ub[0] - lb[0] <= ub[1] - lb[1] && ub[1] - lb[1] <= ub[2] - lb[2],
			   "FLCI length grows with M");
	}
	/* one post period: no nuisance parameter (arp-nonuisance.R) */
	{
		static const double one = 1.0,
					two = 2.0;
		double		s5[25],
					b5[5];
		scomm_honest_problem p1 = {4, 1, b5, s5, &one, 0.05},
					p2 = {4, 1, b5, s5, &two, 0.05};
		double		mb[3] = {0.5, 1.0, 2.0},
					lb2[3],
					ub2[3];
		int			j;

		for (i = 0; i < 5; i++)
		{
			b5[i] = beta[i];
			for (j = 0; j < 5; j++)
				s5[i * 5 + j] = sigma[i * 8 + j];
		}
		tap_ok(scomm_honest_rm(&p1, mb, 3, lb, ub) == SCOMM_OK, "one post period: C-LF computed");
		nested = 1;
		for (i = 0; i < 3; i++)
			nested &= lb[i] <= beta[4] && beta[4] <= ub[i] && (i == 0 || (lb[i] <= lb[i - 1] && ub[i] >= ub[i - 1]));
		tap_ok(nested, "one post period: intervals cover the estimate and are nested in Mbar");
		scomm_honest_rm(&p2, mb, 3, lb2, ub2);
		tap_close(fmax(fabs(lb2[1] - 2 * lb[1]), fabs(ub2[1] - 2 * ub[1])), 0.0, 1e-12,
				  "one post period: l = 2 doubles the interval");
	}
	/* input checks */
	{
		double		s2[64];
		scomm_honest_diag d;

		memcpy(s2, sigma, sizeof(s2));
		s2[1] += 1e-3;
		tap_ok(scomm_honest_check(&(scomm_honest_problem) {4, 4, beta, s2, l1, 0.05}, &d) == SCOMM_EINVAL &&
			   strstr(d.message, "symmetric") != NULL && d.row == 1 && d.col == 0,
			   "an asymmetric sigma is refused, naming the entry");
		memcpy(s2, sigma, sizeof(s2));
		s2[9] = -1.0;
		tap_ok(scomm_honest_check(&(scomm_honest_problem) {4, 4, beta, s2, l1, 0.05}, &d) == SCOMM_EINVAL,
			   "a negative variance is refused");
		tap_ok(scomm_honest_check(&(scomm_honest_problem) {4, 4, beta, sigma, (double[]) {0, 0, 0, 0}, 0.05}, &d) == SCOMM_EINVAL,
			   "l = 0 is refused");
		tap_ok(scomm_honest_check(&(scomm_honest_problem) {41, 4, beta, sigma, l1, 0.05}, &d) == SCOMM_ETOOBIG,
			   "more than 40 pre periods: too big");
	}
}

/* ---- the LP wrapper ----------------------------------------------------------- */

static void
TestLp(void)
{
	HonestLp	h;
	/* min eta s.t. eta + d >= 1, eta - d >= 3: eta = 2, d = -1, duals 1/2 */
	double		A[4] = {1, 1, 1, -1},
				c[2] = {1, 0},
				y[2] = {1, 3},
				obj = NAN,
				x[2],
				dual[2];

	tap_ok(honest_lp_init_ge(&h, 2, 2, A, c) == SCOMM_OK &&
		   honest_lp_solve_ge(&h, y, &obj, x, dual) == SCOMM_OK, "LP: min max(1 - d, 3 + d) solved");
	tap_close(fmax(fabs(obj - 2), fmax(fabs(x[1] + 1), fmax(fabs(dual[0] - 0.5), fabs(dual[1] - 0.5)))),
			  0.0, 1e-12, "LP: value 2 at d = -1, duals 1/2");
	honest_lp_free(&h);
	/* unbounded: min eta with eta + d >= 1 only */
	tap_ok(honest_lp_init_ge(&h, 1, 2, A, c) == SCOMM_OK &&
		   honest_lp_solve_ge(&h, y, &obj, NULL, NULL) == SCOMM_EEMPTY, "LP: unbounded reported");
	honest_lp_free(&h);
	/* GLPK's own error (no rows) is caught by the hook instead of aborting */
	tap_ok(honest_lp_init_ge(&h, 0, 2, A, c) == SCOMM_EINVAL, "LP: a GLPK error returns EINVAL, no abort");
	tap_ok(honest_lp_init_ge(&h, 2, 2, A, c) == SCOMM_OK &&
		   honest_lp_solve_ge(&h, y, &obj, NULL, NULL) == SCOMM_OK && fabs(obj - 2) < 1e-12,
		   "LP: usable again after an error");
	honest_lp_free(&h);
	{
		double		bad[4] = {1, NAN, 1, -1};

		tap_ok(honest_lp_init_ge(&h, 2, 2, bad, c) == SCOMM_EINVAL, "LP: a NaN coefficient is refused");
	}
}

int
main(void)
{
	gsl_set_error_handler_off();
	TestRrng();
	TestFold();
	TestPublic();
	TestProperties();
	TestLp();
	scomm_honest_release();
	return tap_done();
}
