/*
 * honest_lp.h: the small linear programs of the sensitivity analysis, on
 * GLPK (honest_lp.c).  Only this file and honest_lp.c include glpk.h.
 */
#ifndef SCOMM_HONEST_LP_H
#define SCOMM_HONEST_LP_H

#include "scomm_core.h"

typedef struct HonestLp
{
	void	   *lp;				/* glp_prob */
	unsigned	generation;		/* of the GLPK environment it lives in */
	int			m;
	int			ncol;
} HonestLp;

/*
 * min c'x subject to A x >= lo (row-wise), x free; A is m x ncol row-major.
 * The right-hand side lo is given at each solve.
 */
extern scomm_status honest_lp_init_ge(HonestLp *h, int m, int ncol,
									  const double *A, const double *c);

/*
 * Solve for lo: the optimum, x (ncol, may be NULL) and the row duals
 * (m, >= 0 for binding rows; may be NULL).  SCOMM_EEMPTY when unbounded,
 * SCOMM_ENOCONV when infeasible or failed, SCOMM_EINVAL on a GLPK error.
 */
extern scomm_status honest_lp_solve_ge(HonestLp *h, const double *lo,
									   double *obj, double *x, double *dual);
extern void honest_lp_free(HonestLp *h);

/*
 * The rows of the last optimal basis that are at their bound (the active
 * constraints) when every column is basic: their count, else -1.
 */
extern int	honest_lp_active_rows(HonestLp *h, int *rows);

/* the basic columns of the last optimal basis when no row is basic: count, else -1 */
extern int	honest_lp_basic_cols(HonestLp *h, int *cols);

/*
 * max f'x subject to Aeq x = beq, x >= 0 (Aeq meq x n): the constraints are
 * set once, the objective at each solve (warm-started primal simplex).
 */
extern scomm_status honest_lp_init_eq(HonestLp *h, int meq, int n,
									  const double *Aeq, const double *beq);
extern scomm_status honest_lp_solve_eq(HonestLp *h, const double *f,
									   double *x, double *obj);

/* free GLPK's environment (after an abandoned computation) */
extern void honest_lp_release(void);

#endif
