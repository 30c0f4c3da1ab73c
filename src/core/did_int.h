/*
 * did_int.h: helpers shared by the did_*.c files of the core (not exported
 * to the glue).
 */
#ifndef SCOMM_DID_INT_H
#define SCOMM_DID_INT_H

#include "did.h"

/* did's threshold for a zero standard error: sqrt(.Machine$double.eps) * 10 */
#define DID_SE_ZERO 1.4901161193847656e-07

/* a cell that enters aggregations and inference (not NULL) */
#define DID_CELL_USABLE(c) \
	((c)->status == SCOMM_DID_CELL_OK || (c)->status == SCOMM_DID_CELL_REFERENCE)

/* ifv += w * IF of cell c (IF scaled as did: n times the 2x2 weights) */
extern void did_cell_add_if(const scomm_did_attgt *a, const scomm_did_cell *c,
							double w, double *ifv);

/* the same restricted to units [w0, w1); ifv[0] is unit w0 */
extern void did_cell_add_if_window(const scomm_did_attgt *a,
								   const scomm_did_cell *c, double w,
								   double *ifv, int w0, int w1);

/* standard error from a unit-level influence function: sqrt(mean(IF^2)/n) */
extern double did_se_from_if(const double *ifv, int n);

/* the normal quantile for a two-sided 1 - alpha interval */
extern double did_zcrit(double alpha);

/* fill ci from est and se */
extern void did_fill_ci(scomm_did_estimate *e, double alpha);

/* allocate a linear functional with room for n terms */
extern scomm_status did_linear_init(scomm_did_linear *l, int n, int n_cohorts);

/* ---- 1.1: the general estimators (did_fit.c, did_drdid.c) -------------- */

/* Cholesky of a k x k SPD matrix with R's rcond check; solve; invert */
extern int	did_chol_factor(double *A, int k, double *work);
extern void did_chol_solve(const double *A, int k, double *b);
extern void did_chol_invert(double *A, int k);
extern scomm_status did_wls(const double *X, const double *y, const double *w,
							const unsigned char *use, int m, int k,
							double *beta, double *xtx, double *work);
extern scomm_status did_logit(const double *X, const double *D, const double *w,
							  int m, int k, double *gamma, double *p,
							  double *xwx, double *grad, double *step,
							  double *work, int *bad);

/* parameters per cell in attgt->cellpar */
#define DID_CELLPAR_STRIDE(k) (10 * (k) + 16)

/*
 * Estimate every cell of a general (PANEL or RC) attgt; cells' periods,
 * unit ranges and statuses are set.  diag names the cell and the unit of a
 * fatal problem (separation).
 */
extern scomm_status did_estimate_cells(scomm_did_attgt *a, scomm_did_diag *diag);

/* ERROR-worthy covariates: constant or collinear (SCOMM_ESINGULAR) */
extern scomm_status did_check_covariates(const scomm_did_attgt *a,
										 scomm_did_diag *diag);

/* ifv[i - w0] += wgt * IF_i for units [w0, w1) of a general cell */
extern void did_cell_add_if_general(const scomm_did_attgt *a,
									const scomm_did_cell *c, double wgt,
									double *ifv, int w0, int w1);

/* the weight of ordered unit i (1 without weights) */
#define DID_UNIT_WEIGHT(a, i) ((a)->w != NULL ? (a)->w[i] : 1.0)

#endif
