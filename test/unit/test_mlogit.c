/*
 * test_mlogit.c: the multinomial logit of membership (src/core/mlogit.c)
 * and the symmetric-matrix helpers (src/core/symmat.c) against values
 * computed independently: probabilities by hand, closed-form maximum
 * likelihood of saturated models, numerical derivatives of the objective,
 * the Moore-Penrose conditions, recovery of known coefficients.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "tap.h"
#include "mlogit.h"
#include "symmat.h"

static long live = 0;
static void *CAlloc(size_t n) { live++; return malloc(n); }
static void CFree(void *p) { live--; free(p); }

/* Probabilities of one unit worked by hand. */
static void
TestProbs(void)
{
	/* K = 3, p = 2: eta_1 = 0.5 + 1*x1 - 2*x2, eta_2 = -1 + 0*x1 + 0.25*x2 */
	double		beta[6] = {0.5, 1.0, -2.0, -1.0, 0.0, 0.25};
	double		x[2] = {0.3, 0.4};
	double		e1 = 0.5 + 0.3 - 0.8,
				e2 = -1 + 0.1;
	double		den = 1 + exp(e1) + exp(e2);
	double		pr[3],
				lp[3];

	scomm_mlogit_probs(3, 2, beta, x, pr);
	scomm_mlogit_logprobs(3, 2, beta, x, lp);
	tap_close(pr[0], 1 / den, 1e-15, "P(class 1) by hand");
	tap_close(pr[1], exp(e1) / den, 1e-15, "P(class 2) by hand");
	tap_close(pr[2], exp(e2) / den, 1e-15, "P(class 3) by hand");
	tap_close(lp[2], e2 - log(den), 1e-14, "log P(class 3) by hand");
	/* no underflow at extreme predictors */
	beta[0] = -800;
	beta[3] = -900;
	scomm_mlogit_logprobs(3, 2, beta, x, lp);
	tap_ok(isfinite(lp[1]) && fabs(lp[1] - (-800 + 0.3 - 0.8)) < 1e-9 && lp[0] == 0.0,
		   "log probabilities stay finite at predictors of -800");
}

/* Closed form with one binary covariate: a saturated model. */
static void
TestSaturated(void)
{
	/* units: x in {0, 1}, fractional y over 3 classes, weights f */
	enum {N = 8};
	double		x[N] = {0, 0, 0, 0, 1, 1, 1, 1};
	double		y[N * 3] = {
		0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.5, 0.25, 0.25, 0.2, 0.2, 0.6,
		0.3, 0.3, 0.4, 0.05, 0.9, 0.05, 0.6, 0.1, 0.3, 0.2, 0.5, 0.3
	};
	double		f[N] = {3, 1, 2, 5, 2, 4, 1, 3};
	double		nk[2][3] = {{0}};
	double		beta[4] = {0, 0, 0, 0},
				ll,
				want_ll = 0.0;
	scomm_mlogit_work *w = NULL;
	int			i,
				k,
				it;
	scomm_status st;

	for (i = 0; i < N; i++)
		for (k = 0; k < 3; k++)
			nk[(int) x[i]][k] += f[i] * y[i * 3 + k];
	for (i = 0; i < 2; i++)
	{
		double		tot = nk[i][0] + nk[i][1] + nk[i][2];

		for (k = 0; k < 3; k++)
			want_ll += nk[i][k] * log(nk[i][k] / tot);
	}
	st = scomm_mlogit_work_create(3, 1, &w);
	if (st == SCOMM_OK)
		st = scomm_mlogit_fit(w, N, x, y, f, 50, 1e-14, beta, &ll, &it);
	tap_ok(st == SCOMM_OK && it >= 2 && it < 20, "saturated fit converges in a few Newton steps");
	tap_close(beta[0], log(nk[0][1] / nk[0][0]), 1e-10, "intercept of class 2 = log odds at x = 0");
	tap_close(beta[1], log(nk[1][1] / nk[1][0]) - log(nk[0][1] / nk[0][0]), 1e-10,
			  "slope of class 2 = log odds ratio");
	tap_close(beta[2], log(nk[0][2] / nk[0][0]), 1e-10, "intercept of class 3");
	tap_close(beta[3], log(nk[1][2] / nk[1][0]) - log(nk[0][2] / nk[0][0]), 1e-10,
			  "slope of class 3");
	tap_close(ll, want_ll, 1e-10, "objective at the optimum = closed form");
	scomm_mlogit_work_free(w);
}

/* Objective at beta (the test's own, written from the definition). */
static double
Objective(int K, int p, const double *beta, int n, const double *x,
		  const double *y, const double *f)
{
	double		ll = 0.0;
	int			i,
				k,
				s;

	for (i = 0; i < n; i++)
	{
		double		eta[8],
					den = 0.0;

		for (k = 0; k < K; k++)
		{
			eta[k] = 0.0;
			if (k > 0)
			{
				eta[k] = beta[(k - 1) * (p + 1)];
				for (s = 0; s < p; s++)
					eta[k] += beta[(k - 1) * (p + 1) + 1 + s] * x[i * p + s];
			}
			den += exp(eta[k]);
		}
		for (k = 0; k < K; k++)
			ll += f[i] * y[i * K + k] * (eta[k] - log(den));
	}
	return ll;
}

/* Simulated units with two continuous covariates and known coefficients. */
static void
Simulate(gsl_rng *r, int n, const double *truth, double *x, double *y,
		 double *f, int hard)
{
	int			i,
				k;

	for (i = 0; i < n; i++)
	{
		double		pr[3];

		x[2 * i] = gsl_ran_gaussian(r, 1.0);
		x[2 * i + 1] = gsl_rng_uniform(r) < 0.4 ? 1.0 : 0.0;
		scomm_mlogit_probs(3, 2, truth, x + 2 * i, pr);
		if (hard)
		{
			double		u = gsl_rng_uniform(r);
			int			c = u < pr[0] ? 0 : (u < pr[0] + pr[1] ? 1 : 2);

			for (k = 0; k < 3; k++)
				y[3 * i + k] = k == c;
		}
		else
			for (k = 0; k < 3; k++)
				y[3 * i + k] = 0.2 / 3 + 0.8 * pr[k];
		f[i] = 1 + (i % 3);
	}
}

/* Score, information and optimum against numerical derivatives. */
static void
TestDerivatives(void)
{
	enum {N = 400, NP = 6};
	double		truth[NP] = {0.3, -0.8, 0.5, -1.0, 0.4, 1.2};
	double	   *x = malloc(2 * N * sizeof(double));
	double	   *y = malloc(3 * N * sizeof(double));
	double	   *f = malloc(N * sizeof(double));
	double		beta[NP] = {0.1, 0.2, -0.3, 0.1, 0, 0.5};
	double		grad[NP] = {0},
				g1[NP],
				H[NP * NP] = {0},
				H2[NP * NP] = {0},
				pr[3];
	double		A[9];
	double		maxg = 0,
				maxh = 0,
				maxk = 0,
				maxd = 0;
	gsl_rng    *r = gsl_rng_alloc(gsl_rng_mt19937);
	scomm_mlogit_work *w = NULL;
	int			i,
				a,
				b,
				k,
				l;

	gsl_rng_set(r, 7);
	Simulate(r, N, truth, x, y, f, 0);
	/* analytic gradient and information at an arbitrary beta */
	for (i = 0; i < N; i++)
	{
		scomm_mlogit_probs(3, 2, beta, x + 2 * i, pr);
		scomm_mlogit_score(3, 2, x + 2 * i, y + 3 * i, pr, g1);
		for (a = 0; a < NP; a++)
			grad[a] += f[i] * g1[a];
		scomm_mlogit_info_add(3, 2, x + 2 * i, pr, f[i], H);
		for (k = 0; k < 3; k++)
			for (l = 0; l < 3; l++)
				A[k * 3 + l] = (k == l ? pr[k] : 0) - pr[k] * pr[l];
		scomm_mlogit_kron_add(3, 2, x + 2 * i, A, f[i], H2);
	}
	for (a = 0; a < NP; a++)
	{
		double		h = 1e-5,
					bp[NP],
					bm[NP],
					gp[NP] = {0};

		memcpy(bp, beta, sizeof(bp));
		memcpy(bm, beta, sizeof(bm));
		bp[a] += h;
		bm[a] -= h;
		maxg = fmax(maxg, fabs(grad[a] - (Objective(3, 2, bp, N, x, y, f) -
										  Objective(3, 2, bm, N, x, y, f)) / (2 * h)));
		/* Hessian column a by differences of the analytic gradient */
		for (i = 0; i < N; i++)
		{
			double		gpp[NP],
						gmm[NP],
						pp[3],
						pm[3];

			scomm_mlogit_probs(3, 2, bp, x + 2 * i, pp);
			scomm_mlogit_probs(3, 2, bm, x + 2 * i, pm);
			scomm_mlogit_score(3, 2, x + 2 * i, y + 3 * i, pp, gpp);
			scomm_mlogit_score(3, 2, x + 2 * i, y + 3 * i, pm, gmm);
			for (b = 0; b < NP; b++)
				gp[b] += f[i] * (gpp[b] - gmm[b]) / (2 * h);
		}
		for (b = 0; b < NP; b++)
		{
			maxh = fmax(maxh, fabs(H[b * NP + a] + gp[b]));
			maxk = fmax(maxk, fabs(H[b * NP + a] - H2[b * NP + a]));
		}
	}
	tap_ok(maxg < 1e-5, "score sums to the numerical gradient of the objective");
	tap_ok(maxh < 1e-5, "information = minus the numerical Hessian");
	tap_ok(maxk < 1e-12, "kron_add with diag(p) - pp' = info_add");
	/* fit: the optimum's gradient vanishes and matches the test's objective */
	if (scomm_mlogit_work_create(3, 2, &w) == SCOMM_OK)
	{
		double		ll;
		int			it;

		memset(beta, 0, sizeof(beta));
		tap_ok(scomm_mlogit_fit(w, N, x, y, f, 100, 1e-13, beta, &ll, &it) == SCOMM_OK,
			   "fit with two covariates");
		tap_close(ll, Objective(3, 2, beta, N, x, y, f), 1e-9, "reported objective = the test's");
		memset(grad, 0, sizeof(grad));
		for (i = 0; i < N; i++)
		{
			scomm_mlogit_probs(3, 2, beta, x + 2 * i, pr);
			scomm_mlogit_score(3, 2, x + 2 * i, y + 3 * i, pr, g1);
			for (a = 0; a < NP; a++)
				grad[a] += f[i] * g1[a];
		}
		for (a = 0; a < NP; a++)
			maxd = fmax(maxd, fabs(grad[a]));
		tap_ok(maxd < 1e-7, "gradient vanishes at the fitted coefficients");
		/* the soft responses are 0.2/3 + 0.8 p: a logit model no longer, but
		 * the optimum moves the direction of the truth */
		tap_ok(beta[1] < 0 && beta[5] > 0, "signs of the fitted slopes follow the truth");
	}
	scomm_mlogit_work_free(w);
	gsl_rng_free(r);
	free(x);
	free(y);
	free(f);
}

/* Recovery of known coefficients from hard classes (10,000 units). */
static void
TestRecovery(void)
{
	enum {N = 10000, NP = 6};
	double		truth[NP] = {0.3, -0.8, 0.5, -1.0, 0.4, 1.2};
	double	   *x = malloc(2 * N * sizeof(double));
	double	   *y = malloc(3 * N * sizeof(double));
	double	   *f = malloc(N * sizeof(double));
	double		beta[NP] = {0},
				H[NP * NP] = {0},
				V[NP * NP],
				pr[3];
	gsl_rng    *r = gsl_rng_alloc(gsl_rng_mt19937);
	scomm_mlogit_work *w = NULL;
	int			i,
				a,
				inside = 0;

	gsl_rng_set(r, 11);
	Simulate(r, N, truth, x, y, f, 1);
	for (i = 0; i < N; i++)
		f[i] = 1.0;
	if (scomm_mlogit_work_create(3, 2, &w) == SCOMM_OK &&
		scomm_mlogit_fit(w, N, x, y, NULL, 100, 1e-12, beta, NULL, NULL) == SCOMM_OK)
	{
		for (i = 0; i < N; i++)
		{
			scomm_mlogit_probs(3, 2, beta, x + 2 * i, pr);
			scomm_mlogit_info_add(3, 2, x + 2 * i, pr, 1.0, H);
		}
		if (scomm_symmat_pinv(NP, H, V, NULL) == SCOMM_OK)
			for (a = 0; a < NP; a++)
				inside += fabs(beta[a] - truth[a]) < 3.5 * sqrt(V[a * NP + a]);
	}
	tap_ok(inside == NP, "every coefficient within 3.5 standard errors of the truth");
	scomm_mlogit_work_free(w);
	gsl_rng_free(r);
	free(x);
	free(y);
	free(f);
}

/* A covariate constant over the units: singular information, pseudo-inverse steps. */
static void
TestSingular(void)
{
	enum {N = 6};
	double		x[N] = {2, 2, 2, 2, 2, 2};
	double		y[N * 2] = {1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0};
	double		beta[2] = {0, 0},
				ll;
	scomm_mlogit_work *w = NULL;
	scomm_status st;

	st = scomm_mlogit_work_create(2, 1, &w);
	if (st == SCOMM_OK)
		st = scomm_mlogit_fit(w, N, x, y, NULL, 50, 0.0, beta, &ll, NULL);
	tap_ok(st == SCOMM_OK, "fit with a constant covariate succeeds");
	tap_close(ll, 4 * log(4.0 / 6) + 2 * log(2.0 / 6), 1e-10,
			  "its optimum is the intercept-only maximum");
	tap_close(beta[0] + 2 * beta[1], log(2.0 / 4), 1e-9, "linear predictor = log(2/4)");
	tap_close(beta[1], 2 * beta[0], 1e-9, "minimum-norm solution along (1, 2)");
	scomm_mlogit_work_free(w);
}

/* Bad arguments and the allocation balance. */
static void
TestArguments(void)
{
	scomm_mlogit_work *w = NULL;
	double		x[2] = {1, NAN},
				y[4] = {1, 0, 0, 1},
				beta[2] = {0, 0};

	tap_ok(scomm_mlogit_work_create(1, 0, &w) == SCOMM_EINVAL && w == NULL, "K = 1 refused");
	tap_ok(scomm_mlogit_work_create(3, -1, &w) == SCOMM_EINVAL, "p < 0 refused");
	tap_ok(scomm_mlogit_work_create(101, 0, &w) == SCOMM_EINVAL, "K > 100 refused");
	tap_ok(scomm_mlogit_work_create(2, 1, &w) == SCOMM_OK, "work for K = 2, p = 1");
	tap_ok(scomm_mlogit_fit(w, 2, x, y, NULL, 10, 1e-10, beta, NULL, NULL) == SCOMM_EINVAL,
		   "a NaN covariate is refused");
	x[1] = 1;
	y[1] = -0.5;
	tap_ok(scomm_mlogit_fit(w, 2, x, y, NULL, 10, 1e-10, beta, NULL, NULL) == SCOMM_EINVAL,
		   "a negative response is refused");
	scomm_mlogit_work_free(w);
}

/* Solve and pseudo-inverse. */
static void
TestSymmat(void)
{
	/* A = B B' with B 4 x 2: rank 2 */
	double		B[8] = {1, 2, 0, 1, 3, -1, 2, 2};
	double		A[16],
				P[16],
				T[16],
				U[16];
	double		S[9] = {4, 1, 0, 1, 3, 1, 0, 1, 2},
				b[3] = {1, 2, 3},
				xs[3];
	double		e1 = 0,
				e2 = 0,
				e3 = 0;
	int			i,
				j,
				k,
				rank = -1;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			A[i * 4 + j] = B[i * 2] * B[j * 2] + B[i * 2 + 1] * B[j * 2 + 1];
	tap_ok(scomm_symmat_pinv(4, A, P, &rank) == SCOMM_OK && rank == 2, "pinv of a rank-2 4x4: rank 2");
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
		{
			T[i * 4 + j] = 0;
			for (k = 0; k < 4; k++)
				T[i * 4 + j] += A[i * 4 + k] * P[k * 4 + j];
		}
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
		{
			double		aaa = 0,
						ppp = 0;

			for (k = 0; k < 4; k++)
			{
				aaa += T[i * 4 + k] * A[k * 4 + j];
				ppp += P[i * 4 + k] * T[k * 4 + j];
			}
			e1 = fmax(e1, fabs(aaa - A[i * 4 + j]));
			e2 = fmax(e2, fabs(ppp - P[i * 4 + j]));
			e3 = fmax(e3, fabs(T[i * 4 + j] - T[j * 4 + i]));
		}
	tap_ok(e1 < 1e-12 && e2 < 1e-12 && e3 < 1e-12, "Moore-Penrose: A A+ A = A, A+ A A+ = A+, A A+ symmetric");
	memcpy(U, A, sizeof(U));
	tap_ok(scomm_symmat_solve(4, U, b, xs) == SCOMM_ESINGULAR, "solve refuses a singular matrix");
	tap_ok(scomm_symmat_solve(3, S, b, xs) == SCOMM_OK, "solve a positive definite 3x3");
	/* by Cramer's rule: det S = 18 */
	tap_ok(fabs(xs[0] - 4 / 18.0) < 1e-15 && fabs(xs[1] - 2 / 18.0) < 1e-15 &&
		   fabs(xs[2] - 26 / 18.0) < 1e-15, "Cholesky solve = Cramer's rule");
}

int
main(void)
{
	gsl_set_error_handler_off();
	scomm_core_alloc_hook = CAlloc;
	scomm_core_free_hook = CFree;
	TestProbs();
	TestSaturated();
	TestDerivatives();
	TestRecovery();
	TestSingular();
	TestArguments();
	TestSymmat();
	tap_ok(live == 0, "every core allocation freed");
	return tap_done();
}
