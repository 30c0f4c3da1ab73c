/*
 * symmat.c: Cholesky solve and pseudo-inverse of symmetric matrices (see
 * symmat.h).  GSL's eigen workspace is filled by hand so that all memory
 * comes from scomm_core_alloc.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>

#include "symmat.h"

scomm_status
scomm_symmat_solve(int n, const double *A, const double *b, double *x)
{
	double	   *L,
			   *work;
	double		rcond = 0.0;
	scomm_status st = SCOMM_ESINGULAR;

	if (n < 1 || n > SCOMM_SYMMAT_MAX_N)
		return SCOMM_EINVAL;
	L = scomm_core_alloc_raw((size_t) n * n * sizeof(double));
	work = scomm_core_alloc_raw(3 * (size_t) n * sizeof(double));
	if (L == NULL || work == NULL)
		st = SCOMM_ENOMEM;
	else
	{
		gsl_matrix_view Lv = gsl_matrix_view_array(L, n, n);
		gsl_vector_view wv = gsl_vector_view_array(work, 3 * (size_t) n);
		gsl_vector_view xv = gsl_vector_view_array(x, n);

		memcpy(L, A, (size_t) n * n * sizeof(double));
		if (gsl_linalg_cholesky_decomp1(&Lv.matrix) == GSL_SUCCESS &&
			gsl_linalg_cholesky_rcond(&Lv.matrix, &rcond, &wv.vector) == GSL_SUCCESS &&
			rcond >= 1e-14)
		{
			if (x != b)
				memcpy(x, b, (size_t) n * sizeof(double));
			if (gsl_linalg_cholesky_svx(&Lv.matrix, &xv.vector) == GSL_SUCCESS)
				st = SCOMM_OK;
		}
	}
	scomm_core_free(L);
	scomm_core_free(work);
	return st;
}

/*
 * Eigen decomposition of a symmetric A: eval[n] and, when evec is not NULL,
 * the eigenvectors as columns of evec (n x n).
 */
static scomm_status
Eigen(int n, const double *A, double *eval, double *evec)
{
	size_t		nn = (size_t) n * n;
	double	   *a = scomm_core_alloc_raw(nn * sizeof(double));
	double	   *vec = evec ? evec : scomm_core_alloc_raw(nn * sizeof(double));
	double	   *ws = scomm_core_alloc_raw(4 * (size_t) n * sizeof(double));
	gsl_eigen_symmv_workspace w;
	scomm_status st = SCOMM_OK;
	size_t		i;

	if (!a || !vec || !ws)
		st = SCOMM_ENOMEM;
	for (i = 0; st == SCOMM_OK && i < nn; i++)
		if (!isfinite(A[i]))
			st = SCOMM_EINVAL;
	if (st == SCOMM_OK)
	{
		gsl_matrix_view av = gsl_matrix_view_array(a, n, n);
		gsl_matrix_view vv = gsl_matrix_view_array(vec, n, n);
		gsl_vector_view ev = gsl_vector_view_array(eval, n);

		w.size = n;
		w.d = ws;
		w.sd = ws + n;
		w.gc = ws + 2 * (size_t) n;
		w.gs = ws + 3 * (size_t) n;
		memcpy(a, A, nn * sizeof(double));
		if (gsl_eigen_symmv(&av.matrix, &ev.vector, &vv.matrix, &w) != GSL_SUCCESS)
			st = SCOMM_ESINGULAR;
	}
	scomm_core_free(a);
	if (evec == NULL)
		scomm_core_free(vec);
	scomm_core_free(ws);
	return st;
}

scomm_status
scomm_symmat_eigenvalues(int n, const double *A, double *eval)
{
	if (n < 1 || n > SCOMM_SYMMAT_MAX_N)
		return SCOMM_EINVAL;
	return Eigen(n, A, eval, NULL);
}

scomm_status
scomm_symmat_sqrt(int n, const double *A, double *out)
{
	double	   *evec,
			   *eval;
	scomm_status st;
	int			i,
				j,
				k;

	if (n < 1 || n > SCOMM_SYMMAT_MAX_N)
		return SCOMM_EINVAL;
	evec = scomm_core_alloc_raw((size_t) n * n * sizeof(double));
	eval = scomm_core_alloc_raw((size_t) n * sizeof(double));
	st = evec && eval ? Eigen(n, A, eval, evec) : SCOMM_ENOMEM;
	if (st == SCOMM_OK)
	{
		for (k = 0; k < n; k++)
			eval[k] = sqrt(fmax(eval[k], 0.0));
		for (i = 0; i < n; i++)
			for (j = 0; j <= i; j++)
			{
				double		s = 0.0;

				for (k = 0; k < n; k++)
					s += evec[(size_t) i * n + k] * eval[k] * evec[(size_t) j * n + k];
				out[(size_t) i * n + j] = s;
			}
		scomm_symmat_fill_upper(n, out);
	}
	scomm_core_free(evec);
	scomm_core_free(eval);
	return st;
}

scomm_status
scomm_symmat_pinv(int n, const double *A, double *out, int *rank)
{
	double	   *evec,
			   *eval;
	double		emax = 0.0;
	scomm_status st;
	int			i,
				j,
				k,
				kept = 0;

	if (rank != NULL)
		*rank = 0;
	if (n < 1 || n > SCOMM_SYMMAT_MAX_N)
		return SCOMM_EINVAL;
	evec = scomm_core_alloc_raw((size_t) n * n * sizeof(double));
	eval = scomm_core_alloc_raw((size_t) n * sizeof(double));
	st = evec && eval ? Eigen(n, A, eval, evec) : SCOMM_ENOMEM;
	if (st == SCOMM_OK)
	{
		for (k = 0; k < n; k++)
			emax = fmax(emax, fabs(eval[k]));
		for (k = 0; k < n; k++)
		{
			/* singular value |lambda|, kept as MASS::ginv keeps d > tol d[1] */
			if (emax > 0.0 && fabs(eval[k]) > sqrt(DBL_EPSILON) * emax)
			{
				eval[k] = 1.0 / eval[k];
				kept++;
			}
			else
				eval[k] = 0.0;
		}
		for (i = 0; i < n; i++)
			for (j = 0; j <= i; j++)
			{
				double		s = 0.0;

				for (k = 0; k < n; k++)
					s += evec[(size_t) i * n + k] * eval[k] * evec[(size_t) j * n + k];
				out[(size_t) i * n + j] = s;
			}
		scomm_symmat_fill_upper(n, out);
		if (rank != NULL)
			*rank = kept;
	}
	scomm_core_free(evec);
	scomm_core_free(eval);
	return st;
}

scomm_status
scomm_matrix_inverse(int n, const double *A, double *out)
{
	size_t		nn = (size_t) n * n,
				i;
	double	   *lu;
	size_t	   *perm;
	int			signum;
	scomm_status st = SCOMM_OK;

	if (n < 1 || n > SCOMM_SYMMAT_MAX_N)
		return SCOMM_EINVAL;
	for (i = 0; i < nn; i++)
		if (!isfinite(A[i]))
			return SCOMM_ESINGULAR;
	lu = scomm_core_alloc_raw(nn * sizeof(double));
	perm = scomm_core_alloc_raw((size_t) n * sizeof(size_t));
	if (lu == NULL || perm == NULL)
		st = SCOMM_ENOMEM;
	else
	{
		gsl_matrix_view luv = gsl_matrix_view_array(lu, n, n);
		gsl_matrix_view ov = gsl_matrix_view_array(out, n, n);
		gsl_permutation p = {(size_t) n, perm};

		memcpy(lu, A, nn * sizeof(double));
		if (gsl_linalg_LU_decomp(&luv.matrix, &p, &signum) != GSL_SUCCESS ||
			fabs(gsl_linalg_LU_det(&luv.matrix, signum)) < 1e-300 ||
			gsl_linalg_LU_invert(&luv.matrix, &p, &ov.matrix) != GSL_SUCCESS)
			st = SCOMM_ESINGULAR;
		for (i = 0; st == SCOMM_OK && i < nn; i++)
			if (!isfinite(out[i]))
				st = SCOMM_ESINGULAR;
	}
	scomm_core_free(lu);
	scomm_core_free(perm);
	return st;
}

void
scomm_symmat_fill_upper(int n, double *A)
{
	int			i,
				j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			A[(size_t) i * n + j] = A[(size_t) j * n + i];
}
