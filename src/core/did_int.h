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

#endif
