/*
 * honest_linalg.c: the small dense linear algebra of the sensitivity
 * analysis (matrices of a few dozen rows), on GSL, and the quantile of a
 * truncated normal distribution.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>

#include "honest_int.h"

int
honest_solve(const double *a, const double *b, double *x, int n)
{
	double	   *lu = scomm_core_alloc_raw((size_t) n * n * sizeof(double));
	gsl_permutation *perm = gsl_permutation_alloc(n);
	int			ok = 0,
				signum,
				i;

	if (lu != NULL && perm != NULL)
	{
		gsl_matrix_view m = gsl_matrix_view_array(lu, n, n);
		gsl_vector_const_view bv = gsl_vector_const_view_array(b, n);
		gsl_vector_view xv = gsl_vector_view_array(x, n);
		double		amax = 0.0,
					umin = INFINITY;

		memcpy(lu, a, (size_t) n * n * sizeof(double));
		for (i = 0; i < n * n; i++)
			amax = fmax(amax, fabs(a[i]));
		if (gsl_linalg_LU_decomp(&m.matrix, perm, &signum) == GSL_SUCCESS)
		{
			for (i = 0; i < n; i++)
				umin = fmin(umin, fabs(lu[(size_t) i * n + i]));
			/* a pivot at rounding level of the largest entry: singular */
			if (umin > amax * n * 1e-13 &&
				gsl_linalg_LU_solve(&m.matrix, perm, &bv.vector, &xv.vector) == GSL_SUCCESS)
				ok = 1;
		}
	}
	if (perm != NULL)
		gsl_permutation_free(perm);
	scomm_core_free(lu);
	return ok;
}

void
honest_matvec(const double *a, const double *x, double *y, int r, int c)
{
	int			i,
				j;

	for (i = 0; i < r; i++)
	{
		double		s = 0.0;

		for (j = 0; j < c; j++)
			s += a[(size_t) i * c + j] * x[j];
		y[i] = s;
	}
}

double
honest_quad(const double *a, const double *x, const double *y, int n)
{
	double		s = 0.0;
	int			i,
				j;

	for (i = 0; i < n; i++)
	{
		double		row = 0.0;

		for (j = 0; j < n; j++)
			row += a[(size_t) i * n + j] * y[j];
		s += x[i] * row;
	}
	return s;
}

int
honest_sqrtm(const double *a, double *s, int n)
{
	double	   *work = scomm_core_alloc_raw((size_t) n * n * sizeof(double) * 2 + n * sizeof(double));
	gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(n);
	int			ok = 0,
				i,
				j,
				k;

	if (work != NULL && w != NULL)
	{
		double	   *vecs = work + (size_t) n * n;
		double	   *vals = vecs + (size_t) n * n;
		gsl_matrix_view am = gsl_matrix_view_array(work, n, n);
		gsl_matrix_view vm = gsl_matrix_view_array(vecs, n, n);
		gsl_vector_view ev = gsl_vector_view_array(vals, n);

		memcpy(work, a, (size_t) n * n * sizeof(double));
		if (gsl_eigen_symmv(&am.matrix, &ev.vector, &vm.matrix, w) == GSL_SUCCESS)
		{
			for (i = 0; i < n; i++)
				for (j = 0; j < n; j++)
				{
					double		v = 0.0;

					for (k = 0; k < n; k++)
						v += vecs[(size_t) i * n + k] * sqrt(fmax(vals[k], 0.0)) *
							vecs[(size_t) j * n + k];
					s[(size_t) i * n + j] = v;
				}
			ok = 1;
		}
	}
	if (w != NULL)
		gsl_eigen_symmv_free(w);
	scomm_core_free(work);
	return ok;
}

int
honest_rank(const double *a, int r, int c)
{
	int			m = r >= c ? r : c,
				k = r >= c ? c : r,
				rank = 0,
				i,
				j;
	double	   *u = scomm_core_alloc((size_t) m * k * sizeof(double));
	double	   *v = scomm_core_alloc((size_t) k * k * sizeof(double));
	double	   *sv = scomm_core_alloc((size_t) k * sizeof(double));
	double	   *wk = scomm_core_alloc((size_t) k * sizeof(double));

	if (u == NULL || v == NULL || sv == NULL || wk == NULL)
		rank = -1;
	else
	{
		gsl_matrix_view um = gsl_matrix_view_array(u, m, k);
		gsl_matrix_view vm = gsl_matrix_view_array(v, k, k);
		gsl_vector_view sm = gsl_vector_view_array(sv, k);
		gsl_vector_view wm = gsl_vector_view_array(wk, k);

		/* the tall orientation: a itself, or its transpose */
		for (i = 0; i < r; i++)
			for (j = 0; j < c; j++)
			{
				if (r >= c)
					u[(size_t) i * k + j] = a[(size_t) i * c + j];
				else
					u[(size_t) j * k + i] = a[(size_t) i * c + j];
			}
		if (gsl_linalg_SV_decomp(&um.matrix, &vm.matrix, &sm.vector, &wm.vector) != GSL_SUCCESS)
			rank = -1;
		else
		{
			/* Matrix::rankMatrix(method = "tolNorm2") */
			double		tol = m * DBL_EPSILON * sv[0];

			for (i = 0; i < k; i++)
				if (sv[i] > tol)
					rank++;
		}
	}
	scomm_core_free(u);
	scomm_core_free(v);
	scomm_core_free(sv);
	scomm_core_free(wk);
	return rank;
}

/*
 * Quantile p of the standard normal truncated to [l, u], computed on the
 * side of zero where the tail probabilities do not cancel; beyond 37
 * standard deviations (where they underflow) by the exponential tail.
 */
double
honest_norminvp(double p, double l, double u)
{
	if (!(l < u) || isnan(p))
		return NAN;
	if (l >= 0.0)
	{
		double		ql = gsl_cdf_ugaussian_Q(l),
					qu = gsl_cdf_ugaussian_Q(u);

		if (ql > 0.0)
			return gsl_cdf_ugaussian_Qinv(ql - p * (ql - qu));
		/* x - l is nearly exponential with rate l, cut at u - l */
		return l - log1p(-p * -expm1(-l * (u - l))) / l;
	}
	if (u <= 0.0)
		return -honest_norminvp(1.0 - p, -u, -l);
	{
		double		pl = gsl_cdf_ugaussian_P(l),
					pu = gsl_cdf_ugaussian_P(u);

		return gsl_cdf_ugaussian_Pinv(pl + p * (pu - pl));
	}
}
