/*
 * did_fit.c: the two fits inside DRDID's 2x2 estimators, written for the
 * small designs of one group-time cell (an intercept and a few covariates):
 *
 *   - a weighted logistic regression (the propensity score), by Newton's
 *     method (IRLS) with step halving, iterated to the floating-point floor
 *     so that it lands where R's glm/fastglm land (their stopping rule is a
 *     relative deviance change of 1e-8, after which the coefficients are
 *     already exact to about 1e-10);
 *   - weighted least squares (the outcome regressions), by the normal
 *     equations and a Cholesky factorization, as fastglm's method 3 does.
 *
 * Both refuse a singular design (SCOMM_ESINGULAR).  The logit reports a
 * propensity score that separates the groups (some fitted probability
 * numerically 0 or 1, where the maximum likelihood estimate does not exist)
 * as SCOMM_ENOCONV and gives the observation in *bad.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include "did_int.h"

#define LOGIT_MAX_ITER 100
#define LOGIT_MAX_HALVINGS 40
/* fitted probabilities this close to 0 or 1 mean separation */
#define LOGIT_EXTREME 1e-10

/*
 * Factor the k x k symmetric positive definite matrix A (row-major, lower
 * triangle used) in place.  0 when it is not positive definite or its
 * reciprocal condition number (1-norm, as R's rcond) is below eps.
 */
int
did_chol_factor(double *A, int k, double *work)
{
	gsl_matrix_view M = gsl_matrix_view_array(A, k, k);
	gsl_vector_view W = gsl_vector_view_array(work, 3 * k);
	double		rcond = 0.0;

	if (gsl_linalg_cholesky_decomp1(&M.matrix) != GSL_SUCCESS)
		return 0;
	if (gsl_linalg_cholesky_rcond(&M.matrix, &rcond, &W.vector) != GSL_SUCCESS)
		return 0;
	return rcond >= DBL_EPSILON;
}

/* Solve A x = b with the factor of did_chol_factor; b is overwritten by x. */
void
did_chol_solve(const double *A, int k, double *b)
{
	gsl_matrix_const_view M = gsl_matrix_const_view_array(A, k, k);
	gsl_vector_view B = gsl_vector_view_array(b, k);

	gsl_linalg_cholesky_svx(&M.matrix, &B.vector);
}

/* Invert A in place from its factor (the full matrix is filled). */
void
did_chol_invert(double *A, int k)
{
	gsl_matrix_view M = gsl_matrix_view_array(A, k, k);

	gsl_linalg_cholesky_invert(&M.matrix);
}

/* A (k x k, zeroed by the caller) += s * x x' for one row x. */
static inline void
AddOuter(double *A, const double *x, int k, double s)
{
	int			a,
				b;

	for (a = 0; a < k; a++)
	{
		double		sa = s * x[a];

		for (b = 0; b <= a; b++)
			A[a * k + b] += sa * x[b];
	}
}

/* Mirror the lower triangle into the upper one. */
static void
Symmetrize(double *A, int k)
{
	int			a,
				b;

	for (a = 0; a < k; a++)
		for (b = a + 1; b < k; b++)
			A[a * k + b] = A[b * k + a];
}

/* x'b for one row */
static inline double
Dot(const double *x, const double *b, int k)
{
	double		s = 0.0;
	int			j;

	for (j = 0; j < k; j++)
		s += x[j] * b[j];
	return s;
}

/*
 * Weighted least squares over the observations with use[i] (all when use is
 * NULL): beta = (X'WX)^-1 X'Wy.  xtx (k x k) receives the factor of X'WX.
 * SCOMM_ESINGULAR for a singular design (or no observation).
 */
scomm_status
did_wls(const double *X, const double *y, const double *w,
		const unsigned char *use, int m, int k, double *beta, double *xtx,
		double *work)
{
	int			i,
				j;
	double		sw = 0.0;

	memset(xtx, 0, (size_t) k * k * sizeof(double));
	memset(beta, 0, k * sizeof(double));
	for (i = 0; i < m; i++)
	{
		const double *x = X + (size_t) i * k;

		if (use != NULL && !use[i])
			continue;
		sw += w[i];
		AddOuter(xtx, x, k, w[i]);
		for (j = 0; j < k; j++)
			beta[j] += w[i] * y[i] * x[j];
	}
	if (!(sw > 0))
		return SCOMM_ESINGULAR;
	Symmetrize(xtx, k);
	if (!did_chol_factor(xtx, k, work))
		return SCOMM_ESINGULAR;
	did_chol_solve(xtx, k, beta);
	for (j = 0; j < k; j++)
		if (!isfinite(beta[j]))
			return SCOMM_ESINGULAR;
	return SCOMM_OK;
}

/* logistic function */
static inline double
Expit(double eta)
{
	return eta >= 0 ? 1.0 / (1.0 + exp(-eta)) : exp(eta) / (1.0 + exp(eta));
}

/*
 * Weighted logistic regression of D on X (column 0 the intercept).  gamma
 * (k) is the starting point when finite (else the intercept-only estimate
 * is) and gets the estimate, p (m) the fitted probabilities; xwx (k x k), grad,
 * step (k) and work (3k) are scratch.  SCOMM_ESINGULAR: the design is singular;
 * SCOMM_ENOCONV: the groups are separated (*bad: an observation whose
 * fitted probability is numerically 0 or 1) or Newton's method did not
 * converge.
 */
scomm_status
did_logit(const double *X, const double *D, const double *w, int m, int k,
		  double *gamma, double *p, double *xwx, double *grad, double *step,
		  double *work, int *bad)
{
	double		ll_prev = -INFINITY,
				sw = 0.0,
				sd = 0.0,
				s = 1.0;
	int			it,
				i,
				j,
				converged = 0,
				have_step = 0,
				need_ll = 1;

	*bad = -1;
	for (i = 0; i < m; i++)
	{
		sw += w[i];
		sd += w[i] * D[i];
	}
	if (!(sw > 0) || !(sd > 0) || !(sd < sw))
		return SCOMM_ESINGULAR;
	/*
	 * start at the intercept-only estimate (column 0 is the intercept), or
	 * at the caller's gamma when it passes a finite one (a neighbouring fit)
	 */
	for (j = 0; j < k && isfinite(gamma[j]); j++)
		;
	if (j < k)
	{
		memset(gamma, 0, k * sizeof(double));
		gamma[0] = log(sd / (sw - sd));
	}

	/*
	 * Newton's method; one pass per iteration gives the log-likelihood, the
	 * gradient and the information at gamma.  A step that lowers the
	 * log-likelihood is halved (gamma moves back to the previous point plus
	 * half the step) until it does not.
	 */
	for (it = 0; it < LOGIT_MAX_ITER && !converged; it++)
	{
		double		ll = 0.0,
					smax = 0.0,
					gmax = 0.0;

		memset(xwx, 0, (size_t) k * k * sizeof(double));
		memset(grad, 0, k * sizeof(double));
		for (i = 0; i < m; i++)
		{
			const double *x = X + (size_t) i * k;
			double		eta = Dot(x, gamma, k),
						e = exp(-fabs(eta)),
						pi = eta >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e),
						wi = w[i],
						r;

			if (wi == 0.0)
				continue;
			/* log p = -log(1 + e^-eta), log(1 - p) = -log(1 + e^eta) */
			if (need_ll)
			{
				double		l1 = log1p(e);

				if (D[i] > 0.5)
					ll -= wi * (eta >= 0 ? l1 : l1 - eta);
				else
					ll -= wi * (eta >= 0 ? l1 + eta : l1);
			}
			AddOuter(xwx, x, k, wi * pi * (1.0 - pi));
			r = wi * (D[i] - pi);
			for (j = 0; j < k; j++)
				grad[j] += r * x[j];
		}
		if (need_ll && have_step && ll < ll_prev - 1e-12 * fabs(ll_prev))
		{
			/* overshot: halve the last step */
			if (s < 1e-10)
				break;
			s *= 0.5;
			for (j = 0; j < k; j++)
				gamma[j] -= s * step[j];
			continue;
		}
		/* a pass without the log-likelihood resets the guard */
		ll_prev = need_ll ? ll : -INFINITY;
		Symmetrize(xwx, k);
		if (!did_chol_factor(xwx, k, work))
			break;
		memcpy(step, grad, k * sizeof(double));
		did_chol_solve(xwx, k, step);
		for (j = 0; j < k; j++)
		{
			smax = fmax(smax, fabs(step[j]));
			gmax = fmax(gmax, fabs(gamma[j]));
			gamma[j] += step[j];
		}
		s = 1.0;
		have_step = 1;
		/*
		 * close to the maximum (the quadratic regime of Newton's method on a
		 * concave log-likelihood) a full step cannot overshoot: the
		 * log-likelihood guard is needed only while steps are large
		 */
		need_ll = smax > 1e-3 * (1.0 + gmax);
		/* quadratic convergence: the next step would be below 1e-16 */
		converged = smax <= 1e-9 * (1.0 + gmax);
	}
	/* fitted values; numerically 0 or 1 means separation */
	for (i = 0; i < m; i++)
	{
		const double *x = X + (size_t) i * k;

		p[i] = Expit(Dot(x, gamma, k));
		if (w[i] > 0 && (p[i] < LOGIT_EXTREME || p[i] > 1.0 - LOGIT_EXTREME) && *bad < 0)
			*bad = i;
	}
	if (*bad >= 0)
		return SCOMM_ENOCONV;
	for (j = 0; j < k; j++)
		if (!isfinite(gamma[j]))
			return SCOMM_ENOCONV;
	if (!converged)
		return it <= 1 ? SCOMM_ESINGULAR : SCOMM_ENOCONV;
	return SCOMM_OK;
}
