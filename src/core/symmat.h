/*
 * symmat.h: small dense symmetric-matrix helpers of the core (row-major
 * n x n arrays), on GSL's linear algebra with every workspace from
 * scomm_core_alloc.
 */
#ifndef SCOMM_SYMMAT_H
#define SCOMM_SYMMAT_H

#include <stddef.h>

#include "scomm_core.h"

/* the largest n the helpers take (n x n doubles: 128 MB) */
#define SCOMM_SYMMAT_MAX_N 4096

/*
 * Solve A x = b for a symmetric positive definite A (n x n) by Cholesky;
 * A and b are left unchanged, x may be b.  SCOMM_ESINGULAR when A is not
 * positive definite or its reciprocal condition number is below 1e-14.
 */
extern scomm_status scomm_symmat_solve(int n, const double *A, const double *b,
									   double *x);

/*
 * Moore-Penrose pseudo-inverse of a symmetric matrix, as R's MASS::ginv
 * computes it: eigenvalues (the singular values of a positive semi-definite
 * A) of at most sqrt(DBL_EPSILON) times the largest are taken as zero.
 * out may be A.  *rank (may be NULL) receives the number kept.
 */
extern scomm_status scomm_symmat_pinv(int n, const double *A, double *out,
									  int *rank);

/* eigenvalues eval[n] of a symmetric matrix (ascending not guaranteed) */
extern scomm_status scomm_symmat_eigenvalues(int n, const double *A,
											 double *eval);

/* the symmetric square root of a positive semi-definite matrix (negative
 * eigenvalues, rounding, taken as 0); out may be A */
extern scomm_status scomm_symmat_sqrt(int n, const double *A, double *out);

/* inverse of a general square matrix by LU (SCOMM_ESINGULAR when singular
 * or any entry is not finite) */
extern scomm_status scomm_matrix_inverse(int n, const double *A, double *out);

/* Symmetrise a matrix whose lower triangle is filled: upper = lower. */
extern void scomm_symmat_fill_upper(int n, double *A);

#endif
