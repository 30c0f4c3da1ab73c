/*
 * did_pretest.c: Wald pre-test of parallel trends as in did 2.5.1's att_gt
 * (R/att_gt.R): over the pre-treatment cells (group > period) with a
 * non-degenerate standard error, W = n a' V^-1 a with V = IF'IF / n, df =
 * number of cells, p = 1 - pchisq(W, df).  did refuses when
 * rcond(V) <= .Machine$double.eps; so do we (SCOMM_ESINGULAR).
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>

#include "did_int.h"

#define UNIT_BLOCK 32

/* V += M'M / n for the IF of cells pre over units [u0, u1). */
static void
AccumulateBlock(const scomm_did_attgt *a, const int *pre, int q, int u0,
				int u1, double *mbuf, gsl_matrix *V)
{
	gsl_matrix_view M;
	int			k,
				rows = u1 - u0;

	memset(mbuf, 0, (size_t) q * UNIT_BLOCK * sizeof(double));
	/* column k of M (stored as row k of a q x rows buffer, then transposed) */
	for (k = 0; k < q; k++)
		did_cell_add_if_window(a, &a->cells[pre[k]], 1.0,
							   mbuf + (size_t) k * UNIT_BLOCK, u0, u1);
	M = gsl_matrix_view_array_with_tda(mbuf, q, rows, UNIT_BLOCK);
	gsl_blas_dsyrk(CblasLower, CblasNoTrans, 1.0 / a->n, &M.matrix, 1.0, V);
}

/* V = IF'IF / n over the cells pre, lower triangle filled. */
static scomm_status
PreCovariance(const scomm_did_attgt *a, const int *pre, int q, gsl_matrix *V)
{
	double	   *mbuf = scomm_core_alloc((size_t) q * UNIT_BLOCK * sizeof(double));
	int			u0;

	if (mbuf == NULL)
		return SCOMM_ENOMEM;
	gsl_matrix_set_zero(V);
	for (u0 = 0; u0 < a->n; u0 += UNIT_BLOCK)
	{
		int			u1 = u0 + UNIT_BLOCK < a->n ? u0 + UNIT_BLOCK : a->n;

		if (scomm_core_interrupted())
		{
			scomm_core_free(mbuf);
			return SCOMM_CANCELLED;
		}
		AccumulateBlock(a, pre, q, u0, u1, mbuf, V);
	}
	scomm_core_free(mbuf);
	return SCOMM_OK;
}

/*
 * V = S'S / n with S the cluster sums of the cells' influence functions
 * (G x q): did's V = IF'IF / n with the clusters as the sampled units.
 */
static scomm_status
ClusterCovariance(const scomm_did_attgt *a, const int *pre, int q, gsl_matrix *V)
{
	double	   *S = scomm_core_alloc((size_t) a->n_clusters * q * sizeof(double));
	double	   *ifv = scomm_core_alloc(((size_t) a->n + 1) * sizeof(double));
	gsl_matrix_view M;
	int			k,
				i;

	if (S == NULL || ifv == NULL)
	{
		scomm_core_free(S);
		scomm_core_free(ifv);
		return SCOMM_ENOMEM;
	}
	for (k = 0; k < q; k++)
	{
		if (scomm_core_interrupted())
		{
			scomm_core_free(S);
			scomm_core_free(ifv);
			return SCOMM_CANCELLED;
		}
		memset(ifv, 0, a->n * sizeof(double));
		did_cell_add_if(a, &a->cells[pre[k]], 1.0, ifv);
		for (i = 0; i < a->n; i++)
			S[(size_t) a->cl[i] * q + k] += ifv[i];
	}
	gsl_matrix_set_zero(V);
	M = gsl_matrix_view_array(S, a->n_clusters, q);
	gsl_blas_dsyrk(CblasLower, CblasTrans, 1.0 / a->n, &M.matrix, 0.0, V);
	scomm_core_free(S);
	scomm_core_free(ifv);
	return SCOMM_OK;
}

/* Solve V x = att(pre) by Cholesky; W = n att' x.  Singular: ESINGULAR. */
static scomm_status
WaldStatistic(const scomm_did_attgt *a, const int *pre, int q, gsl_matrix *V,
			  double *W)
{
	double	   *buf = scomm_core_alloc((size_t) 4 * q * sizeof(double));
	gsl_vector_view x,
				work;
	double		rcond = 0.0,
				s = 0.0;
	int			k;
	scomm_status st = SCOMM_ESINGULAR;

	if (buf == NULL)
		return SCOMM_ENOMEM;
	x = gsl_vector_view_array(buf, q);
	work = gsl_vector_view_array(buf + q, 3 * q);
	if (gsl_linalg_cholesky_decomp1(V) == GSL_SUCCESS &&
		gsl_linalg_cholesky_rcond(V, &rcond, &work.vector) == GSL_SUCCESS &&
		rcond > DBL_EPSILON)
	{
		for (k = 0; k < q; k++)
			buf[k] = a->cells[pre[k]].att;
		if (gsl_linalg_cholesky_svx(V, &x.vector) == GSL_SUCCESS)
		{
			for (k = 0; k < q; k++)
				s += a->cells[pre[k]].att * buf[k];
			*W = a->n * s;
			st = isfinite(*W) ? SCOMM_OK : SCOMM_ESINGULAR;
		}
	}
	scomm_core_free(buf);
	return st;
}

scomm_status
scomm_did_pretest_wald(const scomm_did_attgt *a, scomm_did_pretest *out)
{
	return scomm_did_pretest_wald_leads(a, -1, out);
}

scomm_status
scomm_did_pretest_wald_leads(const scomm_did_attgt *a, int leads,
							 scomm_did_pretest *out)
{
	int		   *pre;
	int			q = 0,
				k;
	double	   *vbuf;
	gsl_matrix_view V;
	scomm_status st;

	if (a == NULL || out == NULL)
		return SCOMM_EINVAL;
	memset(out, 0, sizeof(*out));
	if ((pre = scomm_core_alloc((a->n_cells + 1) * sizeof(int))) == NULL)
		return SCOMM_ENOMEM;
	for (k = 0; k < a->n_cells; k++)
		if (a->cells[k].group > a->cells[k].period &&
			(leads < 0 ||
			 (int64_t) a->cells[k].group - a->cells[k].period <= leads) &&
			a->cells[k].status == SCOMM_DID_CELL_OK && !isnan(a->cells[k].se))
			pre[q++] = k;
	if (q == 0)
	{
		scomm_core_free(pre);
		return SCOMM_EEMPTY;
	}
	if (q > SCOMM_DID_PRETEST_MAX_CELLS)
	{
		scomm_core_free(pre);
		return SCOMM_ETOOBIG;
	}
	if ((vbuf = scomm_core_alloc((size_t) q * q * sizeof(double))) == NULL)
	{
		scomm_core_free(pre);
		return SCOMM_ENOMEM;
	}
	V = gsl_matrix_view_array(vbuf, q, q);
	if (a->opt.se_level == SCOMM_DID_SE_CLUSTER && a->cl != NULL)
		st = ClusterCovariance(a, pre, q, &V.matrix);
	else
		st = PreCovariance(a, pre, q, &V.matrix);
	if (st == SCOMM_OK)
		st = WaldStatistic(a, pre, q, &V.matrix, &out->W);
	if (st == SCOMM_OK)
	{
		out->df = q;
		out->p_value = gsl_cdf_chisq_Q(out->W, q);
	}
	scomm_core_free(vbuf);
	scomm_core_free(pre);
	return st;
}
