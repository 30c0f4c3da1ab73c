/*
 * test_lca_tests.c: the class-number tests, BCH class means, standard
 * errors without covariates and accelerated EM, against values computed
 * independently: chi-square tail probabilities (GSL) and a Monte Carlo sum
 * of weighted chi-squares for Imhof's integral, simulations with a known
 * number of classes and known class means, scores by finite differences,
 * plain EM's optimum.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "tap.h"
#include "symmat.h"
#include "lca_int.h"
#include "lca_testdata.h"

/* Imhof against the chi-square law and a Monte Carlo mixture. */
static void
TestImhof(void)
{
	double		ones[5] = {1, 1, 1, 1, 1},
				mixed[4] = {2.0, 0.7, -0.4, 0.15};
	gsl_rng    *r = gsl_rng_alloc(gsl_rng_mt19937);
	long		hit = 0,
				n = 400000,
				i;
	double		p;
	int			k;

	tap_close(scomm_lca_imhof(ones, 5, 11.0705), gsl_cdf_chisq_Q(11.0705, 5), 1e-7,
			  "Imhof: 5 unit weights = chi-square(5) tail at 11.07");
	tap_close(scomm_lca_imhof(ones, 2, 0.5), gsl_cdf_chisq_Q(0.5, 2), 1e-7,
			  "Imhof: chi-square(2) tail at 0.5");
	gsl_rng_set(r, 3);
	for (i = 0; i < n; i++)
	{
		double		q = 0.0;

		for (k = 0; k < 4; k++)
		{
			double		z = gsl_ran_gaussian(r, 1.0);

			q += mixed[k] * z * z;
		}
		hit += q > 3.0;
	}
	p = (double) hit / n;
	tap_close(scomm_lca_imhof(mixed, 4, 3.0), p, 4 * sqrt(p * (1 - p) / n),
			  "Imhof: weights of both signs = Monte Carlo (4 SE)");
	gsl_rng_free(r);
}

/* n rows of J binary items from 2 classes (shares .6/.4, p .8/.25). */
static scomm_lca_table *
TwoClasses(int n, int J, unsigned long seed)
{
	gsl_rng    *r = gsl_rng_alloc(gsl_rng_mt19937);
	scomm_lca_table *t = NULL;
	int			i,
				j;

	gsl_rng_set(r, seed);
	scomm_lca_table_create(J, &t);
	for (i = 0; i < n; i++)
	{
		int			c = gsl_rng_uniform(r) < 0.6;
		unsigned char y[16];

		for (j = 0; j < J; j++)
			y[j] = gsl_rng_uniform(r) < (c ? 0.8 : 0.25) ? 1 : 2;
		scomm_lca_table_add_bytes(t, y, J, 1.0);
	}
	gsl_rng_free(r);
	return t;
}

/*
 * On data from 2 classes (1,000 rows of 8 items, 6 tables): 1 vs 2 rejected,
 * 2 vs 3 not, in the large majority of seeds.
 */
static void
TestClassNumber(void)
{
	int			seeds = 6,
				s,
				rej12_lmr = 0,
				rej12_blrt = 0,
				acc23_lmr = 0,
				acc23_blrt = 0,
				ok = 1;
	double		t0 = Now();
	char		name[128];

	for (s = 1; s <= seeds; s++)
	{
		scomm_lca_table *t = TwoClasses(1000, 8, 100 + s);
		scomm_lca_model *m[4] = {0};
		scomm_lca_options o;
		scomm_lca_lrt l12,
					l23;
		double		p12,
					p23;
		int			u12,
					u23,
					k;

		for (k = 1; k <= 3; k++)
		{
			scomm_lca_options_default(&o);
			o.nclass = k;
			o.starts = 20;
			o.seed = s;
			o.tol = 1e-12;
			o.accelerate = 1;
			ok &= scomm_lca_fit_opts(t, &o, &m[k]) == SCOMM_OK;
		}
		scomm_lca_options_default(&o);
		o.starts = 4;
		o.accelerate = 1;
		ok &= scomm_lca_lmr(t, m[1], m[2], &l12) == SCOMM_OK &&
			scomm_lca_lmr(t, m[2], m[3], &l23) == SCOMM_OK &&
			scomm_lca_blrt(t, m[1], m[2], &o, 19, s, &p12, &u12) == SCOMM_OK &&
			scomm_lca_blrt(t, m[2], m[3], &o, 19, s, &p23, &u23) == SCOMM_OK;
		ok &= fabs(l12.lr - 2 * (m[2]->loglik - m[1]->loglik)) < 1e-9 && u12 == 19 && u23 >= 17;
		printf("# seed %d: 1 vs 2 LMR p %.4f BLRT p %.3f; 2 vs 3 LR %.3f VLMR p %.4f LMR p %.4f BLRT p %.3f\n",
			   s, l12.lmr_p, p12, l23.lr, l23.vlmr_p, l23.lmr_p, p23);
		rej12_lmr += l12.lmr_p < 0.05;
		rej12_blrt += p12 < 0.06;
		acc23_lmr += l23.lmr_p >= 0.05;
		acc23_blrt += p23 >= 0.05;
		for (k = 1; k <= 3; k++)
			scomm_lca_model_free(m[k]);
		scomm_lca_table_free(t);
	}
	snprintf(name, sizeof(name), "tests ran on %d simulated tables (%.1f s)", seeds, Now() - t0);
	tap_ok(ok, name);
	snprintf(name, sizeof(name), "1 vs 2 classes rejected: LMR %d, BLRT %d of %d", rej12_lmr, rej12_blrt, seeds);
	tap_ok(rej12_lmr == seeds && rej12_blrt == seeds, name);
	snprintf(name, sizeof(name), "2 vs 3 classes not rejected: LMR %d, BLRT %d of %d", acc23_lmr, acc23_blrt, seeds);
	/*
	 * VLMR is known to be liberal when the larger model is not identified
	 * (Jeffries 2003; scripts/bench lca counts its rejections over many
	 * tables); the bootstrap holds its level.
	 */
	tap_ok(acc23_lmr >= seeds - 1 && acc23_blrt >= seeds - 1, name);
}

/*
 * BCH: unbiased class means where modal assignment is biased (two classes
 * of 5 weakly separating items, class means 0 and 1, 20 tables of 3,000).
 */
static void
TestBch(void)
{
	int			reps = 20,
				n = 3000,
				rep,
				i,
				r;
	double		mu[2] = {0.0, 1.0},
				modal_bias[2] = {0},
				bch_bias[2] = {0},
				z_ok = 0,
				zs = 0;
	char		name[160];
	gsl_rng    *g = gsl_rng_alloc(gsl_rng_mt19937);

	for (rep = 0; rep < reps; rep++)
	{
		scomm_lca_table *t;
		scomm_lca_model *m = NULL;
		scomm_lca_options o;
		unsigned char (*y)[5] = malloc(n * sizeof(*y));
		double	   *out = malloc(n * sizeof(double));
		double	   *st = calloc(scomm_lca_bch_size(2), sizeof(double));
		scomm_lca_bch_row rows[2];

		gsl_rng_set(g, 500 + rep);
		scomm_lca_table_create(5, &t);
		for (i = 0; i < n; i++)
		{
			int			c = gsl_rng_uniform(g) < 0.5;
			int			j;

			/* weakly separated: much classification error */
			for (j = 0; j < 5; j++)
				y[i][j] = gsl_rng_uniform(g) < (c ? 0.75 : 0.3) ? 1 : 2;
			out[i] = mu[c] + gsl_ran_gaussian(g, 0.5);
			scomm_lca_table_add_bytes(t, y[i], 5, 1.0);
		}
		scomm_lca_options_default(&o);
		o.nclass = 2;
		o.starts = 5;
		o.accelerate = 1;
		if (scomm_lca_fit_opts(t, &o, &m) == SCOMM_OK)
		{
			/* class 1 of the model is the one answering 2 (mean 0) or 1 */
			int			first_is_1 = m->probs[0] > 0.5;

			st[0] = 2;
			for (i = 0; i < n; i++)
			{
				int			a[5] = {y[i][0], y[i][1], y[i][2], y[i][3], y[i][4]};
				double		post[2];

				scomm_lca_posterior(m, a, 5, post, NULL);
				scomm_lca_bch_add(st, 2, post, out[i]);
			}
			scomm_lca_bch(st, 2, rows);
			for (r = 0; r < 2; r++)
			{
				int			c = first_is_1 ? 1 - r : r;
				double		truth = mu[c];

				modal_bias[c] += (rows[r].modal_mean - truth) / reps;
				bch_bias[c] += (rows[r].bch_mean - truth) / reps;
				z_ok += fabs(rows[r].bch_mean - truth) < 1.96 * rows[r].bch_se;
				zs++;
			}
		}
		scomm_lca_model_free(m);
		scomm_lca_table_free(t);
		free(y);
		free(out);
		free(st);
	}
	gsl_rng_free(g);
	snprintf(name, sizeof(name), "modal assignment biased toward the other class: %+.3f, %+.3f",
			 modal_bias[0], modal_bias[1]);
	tap_ok(modal_bias[0] > 0.05 && modal_bias[1] < -0.05, name);
	snprintf(name, sizeof(name), "BCH means unbiased: %.3f, %.3f (|bias| < 0.03)", bch_bias[0], bch_bias[1]);
	tap_ok(fabs(bch_bias[0]) < 0.03 && fabs(bch_bias[1]) < 0.03, name);
	/* the SEs take the measurement model as known: coverage a little low */
	snprintf(name, sizeof(name), "BCH 95%% intervals cover the truth in %.0f of %.0f", z_ok, zs);
	tap_ok(z_ok >= 0.8 * zs, name);
}

/* BCH by hand: perfect classification gives the group means. */
static void
TestBchHand(void)
{
	double		st[1 + 4 * 2 + 4] = {2};
	double		p1[2] = {1, 0},
				p2[2] = {0, 1};
	scomm_lca_bch_row rows[2];

	scomm_lca_bch_add(st, 2, p1, 1.0);
	scomm_lca_bch_add(st, 2, p1, 3.0);
	scomm_lca_bch_add(st, 2, p2, 10.0);
	scomm_lca_bch_add(st, 2, p2, 14.0);
	scomm_lca_bch_add(st, 2, p2, 12.0);
	tap_ok(scomm_lca_bch(st, 2, rows) == SCOMM_OK && rows[0].bch_mean == 2.0 &&
		   rows[1].bch_mean == 12.0 && rows[0].modal_mean == 2.0 && rows[1].modal_n == 3,
		   "sure classification: BCH = modal = the group means");
	tap_close(rows[1].modal_se, sqrt(4.0 / 3), 1e-12, "modal SE = sd / sqrt(n)");
	tap_close(rows[1].bch_se, sqrt(8.0) / 3, 1e-12, "BCH sandwich SE = sqrt(sum (y - m)^2) / n");
	tap_ok(scomm_lca_bch_add(st, 2, p1, NAN) == SCOMM_EINVAL, "a NaN outcome is refused");
}

/* log P(y) of a pattern under log-odds parameters theta (the test's own). */
static double
LogLikPattern(const LcaData *d, const double *theta, size_t p)
{
	int			R = d->nclass,
				peritem = d->ncat_total - d->nitems,
				r,
				j,
				k;
	double		lse_s = 0.0,
				tot = 0.0;

	for (r = 0; r < R; r++)
		lse_s += exp(r == 0 ? 0.0 : theta[R * peritem + r - 1]);
	for (r = 0; r < R; r++)
	{
		double		l = (r == 0 ? 0.0 : theta[R * peritem + r - 1]) - log(lse_s);
		int			o = 0;

		for (j = 0; j < d->nitems; j++)
		{
			double		den = 1.0;
			size_t		q;
			int			ans = 0;

			for (k = 1; k < d->ncat[j]; k++)
				den += exp(theta[r * peritem + o + k - 1]);
			for (q = d->start[p]; q < d->start[p + 1]; q++)
				if (d->idx[q] >= d->off[j] && d->idx[q] < d->off[j] + d->ncat[j])
					ans = d->idx[q] - d->off[j] + 1;
			if (ans > 0)
				l += (ans == 1 ? 0.0 : theta[r * peritem + o + ans - 2]) - log(den);
			o += d->ncat[j] - 1;
		}
		tot += exp(l);
	}
	return log(tot);
}

/* Without covariates: poLCA's SEs from scores by finite differences; Louis's Hessian. */
static void
TestScores(void)
{
	scomm_lca_table *t = ReadCsvTable("gss82_patterns.csv", 4, 1);
	scomm_lca_model *m = NULL;
	LcaData		d;
	LcaSeLayout L;
	double	   *theta,
			   *s,
			   *info,
			   *H,
			   *cs,
			   *logp,
			   *logshare,
			   prior[3],
			   post[3];
	double		maxs = 0,
				maxse = 0,
				maxh = 0,
				hs = 0;
	int			R = 3,
				npar,
				a,
				b,
				r,
				j,
				k;
	size_t		p;

	if (t == NULL || scomm_lca_fit(t, 3, 10, 4, 5000, 1e-12, &m) != SCOMM_OK ||
		scomm_lca_data_prepare(t, 3, &d) != SCOMM_OK || scomm_lca_se_layout(&d, m, &L) != SCOMM_OK)
	{
		tap_ok(0, "gss82 fit for the score checks");
		return;
	}
	npar = L.npar;
	theta = calloc(npar, sizeof(double));
	s = calloc(npar, sizeof(double));
	cs = calloc(npar, sizeof(double));
	info = calloc((size_t) npar * npar, sizeof(double));
	H = calloc((size_t) npar * npar, sizeof(double));
	logp = calloc((size_t) R * m->ncat_total, sizeof(double));
	logshare = calloc(R, sizeof(double));
	/* the fitted parameters as log odds */
	for (r = 0; r < R; r++)
	{
		int			o = 0;

		for (j = 0; j < 4; j++)
		{
			const double *pr = m->probs + (size_t) r * m->ncat_total + d.off[j];

			for (k = 1; k < d.ncat[j]; k++)
				theta[r * L.peritem + o + k - 1] = log(pr[k] / pr[0]);
			o += d.ncat[j] - 1;
		}
		if (r > 0)
			theta[R * L.peritem + r - 1] = log(m->share[r] / m->share[0]);
	}
	scomm_lca_log_params(&d, m->share, m->probs, logshare, logp);
	for (p = 0; p < d.npat; p++)
	{
		double		g[64];

		scomm_lca_pattern_score(&d, m, &L, logp, p, prior, post, s);
		scomm_lca_pattern_hessian(&d, m, &L, p, prior, post, s, d.w[p], cs, H);
		for (a = 0; a < npar; a++)
		{
			double		h = 1e-6,
						tp[64],
						tm[64];

			memcpy(tp, theta, npar * sizeof(double));
			memcpy(tm, theta, npar * sizeof(double));
			tp[a] += h;
			tm[a] -= h;
			g[a] = (LogLikPattern(&d, tp, p) - LogLikPattern(&d, tm, p)) / (2 * h);
			maxs = fmax(maxs, fabs(g[a] - s[a]));
		}
		for (a = 0; a < npar; a++)
			for (b = 0; b < npar; b++)
				info[a * npar + b] += d.w[p] * g[a] * g[b];
		/* Hessian of the total by differences of the analytic total score */
	}
	for (a = 0; a < npar; a++)
	{
		double		h = 1e-5,
					gp[64] = {0},
					gm[64] = {0},
					tp[64],
					tm[64];

		memcpy(tp, theta, npar * sizeof(double));
		memcpy(tm, theta, npar * sizeof(double));
		tp[a] += h;
		tm[a] -= h;
		for (p = 0; p < d.npat; p++)
		{
			double		e = 1e-6,
						x1[64],
						x2[64];
			int			c;

			for (c = 0; c < npar; c++)
			{
				memcpy(x1, tp, npar * sizeof(double));
				memcpy(x2, tp, npar * sizeof(double));
				x1[c] += e;
				x2[c] -= e;
				gp[c] += d.w[p] * (LogLikPattern(&d, x1, p) - LogLikPattern(&d, x2, p)) / (2 * e);
				memcpy(x1, tm, npar * sizeof(double));
				memcpy(x2, tm, npar * sizeof(double));
				x1[c] += e;
				x2[c] -= e;
				gm[c] += d.w[p] * (LogLikPattern(&d, x1, p) - LogLikPattern(&d, x2, p)) / (2 * e);
			}
		}
		for (b = 0; b <= a; b++)
		{
			maxh = fmax(maxh, fabs(H[a * npar + b] - (gp[b] - gm[b]) / (2 * h)));
			hs = fmax(hs, fabs(H[a * npar + b]));
		}
	}
	tap_ok(maxs < 1e-6, "each pattern's score = finite differences of log P(y)");
	tap_ok(maxh < 1e-4 * hs, "Louis's Hessian = differences of the total score");
	/* SEs from the finite-difference information, as poLCA.se computes them */
	scomm_symmat_pinv(npar, info, info, NULL);
	for (r = 0; r < R; r++)
	{
		int			o = 0;

		for (j = 0; j < 4; j++)
		{
			const double *pr = m->probs + (size_t) r * m->ncat_total + d.off[j];
			int			base = r * L.peritem + o;

			for (k = 0; k < d.ncat[j]; k++)
			{
				double		v = 0.0;
				int			c1,
							c2;

				for (c1 = 1; c1 < d.ncat[j]; c1++)
					for (c2 = 1; c2 < d.ncat[j]; c2++)
						v += pr[k] * ((k == c1) - pr[c1]) * info[(base + c1 - 1) * npar + base + c2 - 1] *
							pr[k] * ((k == c2) - pr[c2]);
				/* (1e-8: probabilities at the boundary have SEs near 0) */
				maxse = fmax(maxse, fabs(sqrt(v) - m->probs_se[(size_t) r * m->ncat_total + d.off[j] + k]) / (sqrt(v) + 1e-8));
			}
			o += d.ncat[j] - 1;
		}
	}
	tap_ok(maxse < 1e-4, "probability SEs = the delta method on the finite-difference information");
	{
		/* share SEs: Jac.mix of the shares' softmax at the intercepts */
		double		v[3];

		for (r = 0; r < R; r++)
		{
			v[r] = 0.0;
			for (a = 1; a < R; a++)
				for (b = 1; b < R; b++)
					v[r] += m->share[r] * ((r == a) - m->share[a]) *
						info[(R * L.peritem + a - 1) * npar + R * L.peritem + b - 1] *
						m->share[r] * ((r == b) - m->share[b]);
		}
		tap_ok(fabs(sqrt(v[0]) - m->share_se[0]) < 1e-4 * sqrt(v[0]) &&
			   fabs(sqrt(v[2]) - m->share_se[2]) < 1e-4 * sqrt(v[2]),
			   "share SEs = the delta method on the intercepts' block");
		tap_close(m->coef[1], log(m->share[2] / m->share[0]), 1e-12,
				  "without covariates the coefficients are the shares' log odds");
	}
	free(theta);
	free(s);
	free(cs);
	free(info);
	free(H);
	free(logp);
	free(logshare);
	scomm_lca_se_layout_free(&L);
	scomm_lca_data_free(&d);
	scomm_lca_model_free(m);
	scomm_lca_table_free(t);
}

/* Accelerated EM reaches plain EM's optimum (and the given start is used). */
static void
TestAccelerated(void)
{
	const char *files[3] = {"carcinoma_patterns.csv", "gss82_patterns.csv", "election.csv"};
	int			nitems[3] = {7, 4, 12},
				freq[3] = {1, 1, 0},
				R[3] = {3, 3, 3},
				f,
				ok = 1;
	double		worst = 0;
	char		name[160];

	for (f = 0; f < 3; f++)
	{
		scomm_lca_table *t = ReadCsvTable(files[f], nitems[f], freq[f]);
		scomm_lca_model *plain = NULL,
				   *acc = NULL,
				   *given = NULL;
		scomm_lca_options o;

		scomm_lca_options_default(&o);
		o.nclass = R[f];
		o.starts = 20;
		o.max_iter = 5000;
		ok &= t && scomm_lca_fit_opts(t, &o, &plain) == SCOMM_OK;
		o.accelerate = 1;
		ok &= t && scomm_lca_fit_opts(t, &o, &acc) == SCOMM_OK;
		if (plain && acc)
		{
			worst = fmax(worst, fabs(acc->loglik - plain->loglik) / fabs(plain->loglik));
			ok &= acc->accelerated == 1 && acc->iterations < plain->iterations;
			/* one start from the accelerated optimum ends there at once */
			o.starts = 1;
			o.start_probs = acc->probs;
			o.start_share = acc->share;
			ok &= scomm_lca_fit_opts(t, &o, &given) == SCOMM_OK &&
				fabs(given->loglik - acc->loglik) < 1e-8 * fabs(acc->loglik) && given->iterations <= 3;
		}
		scomm_lca_model_free(plain);
		scomm_lca_model_free(acc);
		scomm_lca_model_free(given);
		scomm_lca_table_free(t);
	}
	snprintf(name, sizeof(name), "accelerated EM: plain EM's log-likelihood on carcinoma, gss82, election (worst %.1g relative)", worst);
	tap_ok(ok && worst < 1e-9, name);
}

int
main(void)
{
	gsl_set_error_handler_off();
	CountAllocations();
	TestImhof();
	TestBchHand();
	TestScores();
	TestAccelerated();
	TestClassNumber();
	TestBch();
	tap_ok(live_allocs == 0, "every core allocation freed");
	return tap_done();
}
