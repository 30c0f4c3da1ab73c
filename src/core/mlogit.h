/*
 * mlogit.h: the multinomial logit of class (or group) membership on
 * covariates, shared by the latent class and trajectory fits
 * (PostgreSQL-free).
 *
 * K classes, p covariates and an intercept; class 0 (the first, "class 1"
 * in SQL) is the reference.  For a unit with covariates x[p] write
 * x~ = (1, x_1, ..., x_p); then
 *
 *     P(class k | x) = exp(x~ b_k) / sum_l exp(x~ b_l),   b_0 = 0,
 *
 * and the coefficient vector holds b_1..b_{K-1}, class after class:
 * beta[(k - 1) * (p + 1) + s], s = 0 the intercept, s = 1..p the covariates
 * (poLCA's order: its matrix(b, nrow = S) has one column per class).
 * npar = (K - 1) * (p + 1).
 *
 * Inside EM the model is fitted to fractional responses y[i * K + k] (the
 * posterior class probabilities of unit i) with optional frequency weights
 * f[i] (the count of a response pattern; NULL = 1): scomm_mlogit_fit
 * maximises  sum_i f_i sum_k y_ik log P(k | x_i)  by Newton-Raphson with
 * step-halving.  For standard errors it gives each unit's score
 * x~ (y_k - p_k) (poLCA's outer-product information uses these with y the
 * posterior and p the prior) and adds Kronecker blocks A ⊗ x~ x~' to a
 * Hessian (A = diag(p) - p p' gives the Fisher information of the logit; A =
 * cov(posterior) - cov(prior) the membership block of a mixture's observed
 * information, as poLCA's d2lldbeta2).
 *
 * All arrays are plain row-major doubles; x holds n rows of p values (the
 * intercept is implicit).  Scratch memory comes from scomm_core_alloc.
 */
#ifndef SCOMM_MLOGIT_H
#define SCOMM_MLOGIT_H

#include <stddef.h>

#include "scomm_core.h"

#define SCOMM_MLOGIT_MAX_CLASSES 100
#define SCOMM_MLOGIT_MAX_COVARIATES 100

/* number of coefficients */
#define SCOMM_MLOGIT_NPAR(K, p) (((K) - 1) * ((p) + 1))

/* Class probabilities prob[K] of one unit with covariates x[p]. */
extern void scomm_mlogit_probs(int K, int p, const double *beta,
							   const double *x, double *prob);

/* Log class probabilities logprob[K] of one unit (no underflow). */
extern void scomm_mlogit_logprobs(int K, int p, const double *beta,
								  const double *x, double *logprob);

/*
 * sum_i f_i sum_k y_ik log P(k | x_i), terms with y_ik = 0 skipped (f NULL:
 * weights 1).  -inf when a unit has y_ik > 0 for a class of probability 0.
 */
extern double scomm_mlogit_loglik(int K, int p, const double *beta, size_t n,
								  const double *x, const double *y,
								  const double *f);

/*
 * One unit's score, unweighted: g[(k - 1) (p + 1) + s] = x~_s (y_k - prob_k)
 * for k = 1..K-1.
 */
extern void scomm_mlogit_score(int K, int p, const double *x, const double *y,
							   const double *prob, double *g);

/*
 * H += w * A[1..K-1][1..K-1] ⊗ x~ x~'  (H npar x npar, row-major, both
 * triangles; A a K x K row-major matrix over all classes).
 */
extern void scomm_mlogit_kron_add(int K, int p, const double *x,
								  const double *A, double w, double *H);

/* H += w * (diag(prob) - prob prob')[1..K-1] ⊗ x~ x~': a unit's information */
extern void scomm_mlogit_info_add(int K, int p, const double *x,
								  const double *prob, double w, double *H);

/* scratch space of scomm_mlogit_fit for K classes and p covariates */
typedef struct scomm_mlogit_work scomm_mlogit_work;

extern scomm_status scomm_mlogit_work_create(int K, int p,
											 scomm_mlogit_work **out);
extern void scomm_mlogit_work_free(scomm_mlogit_work *w);

/*
 * Maximise sum_i f_i sum_k y_ik log P(k | x_i) over beta[npar] (in: the
 * start, out: the estimate) by Newton-Raphson: each step solves the Fisher
 * information against the gradient (the pseudo-inverse when the information
 * is singular, e.g. a covariate constant over the units) and is halved, up
 * to 40 times, until the objective does not decrease (by more than 1e-12
 * of its size: rounding).  The first step is always taken (a warm start
 * inside EM then follows the posteriors however little they moved), later
 * ones while half the Newton decrement is > tol (in log-likelihood units),
 * up to max_iter steps.  *loglik (may be NULL) receives the objective, *iterations (may be
 * NULL) the steps taken.  y rows need not sum to 1 (only their totals per
 * unit matter as weights).  SCOMM_EINVAL for bad sizes or non-finite data,
 * SCOMM_ENOCONV when the objective is -inf at the start.
 */
extern scomm_status scomm_mlogit_fit(scomm_mlogit_work *w, size_t n,
									 const double *x, const double *y,
									 const double *f, int max_iter,
									 double tol, double *beta, double *loglik,
									 int *iterations);

/*
 * The same fit when the caller has gone through the units at beta already
 * (inside EM the E-step computes each unit's prior): scomm_mlogit_begin,
 * then scomm_mlogit_add_unit for every unit with its log class probabilities
 * at beta, then scomm_mlogit_fit_continue with the same data and beta.  It
 * saves the first pass over the units.
 */
extern void scomm_mlogit_begin(scomm_mlogit_work *w);
extern void scomm_mlogit_add_unit(scomm_mlogit_work *w, const double *x,
								  const double *y, double f,
								  const double *logprob);
extern scomm_status scomm_mlogit_fit_continue(scomm_mlogit_work *w, size_t n,
											  const double *x, const double *y,
											  const double *f, int max_iter,
											  double tol, double *beta,
											  double *loglik, int *iterations);

#endif
