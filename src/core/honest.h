/*
 * honest.h: sensitivity of an event study to violations of parallel trends
 * (Rambachan & Roth 2023), as R's HonestDiD 0.2.6 computes it, without
 * PostgreSQL.  See docs/did_robust.md.
 *
 * The event study has n_pre pre-period and n_post post-period coefficients
 * (the reference period left out), a covariance matrix sigma (row-major,
 * symmetric) and weights l on the post periods that define the effect of
 * interest theta = l' tau_post.
 */
#ifndef SCOMM_HONEST_H
#define SCOMM_HONEST_H

#include "scomm_core.h"

/* bounds on the sizes (each of n_pre, n_post) and the number of M values */
#define SCOMM_HONEST_MAX_PERIODS 40
#define SCOMM_HONEST_MAX_M 1000

typedef struct scomm_honest_problem
{
	int			n_pre;
	int			n_post;
	const double *betahat;		/* n_pre + n_post */
	const double *sigma;		/* (n_pre + n_post)^2, row-major */
	const double *l;			/* n_post */
	double		alpha;			/* 0 < alpha < 1 */
} scomm_honest_problem;

/* what is wrong with an input, for the glue's message */
typedef struct scomm_honest_diag
{
	int			row;			/* offending entry, or -1 */
	int			col;
	char		message[200];
} scomm_honest_diag;

/*
 * Check sizes, finiteness, symmetry of sigma (to 1e-8 relative), positive
 * variances and a non-zero l: SCOMM_EINVAL with diag filled, or SCOMM_ETOOBIG.
 */
extern scomm_status scomm_honest_check(const scomm_honest_problem *p,
									   scomm_honest_diag *diag);

/*
 * Fixed-length confidence intervals under Delta^SD(M) (smoothness: second
 * differences of the trend bounded by M), for n_m values m[]: lb, ub.
 * SCOMM_ESINGULAR when the pre-period block of sigma is singular.
 */
extern scomm_status scomm_honest_flci(const scomm_honest_problem *p,
									  const double *m, int n_m,
									  double *lb, double *ub);

/*
 * Conditional least-favourable hybrid confidence sets under Delta^RM(Mbar)
 * (relative magnitudes: post-period changes of the trend at most Mbar
 * times the largest pre-period change), for n_m values mbar[].  The bounds
 * are the outermost accepted values, located by root finding; an empty set
 * gives NaN, an unbounded side +-infinity.
 */
extern scomm_status scomm_honest_rm(const scomm_honest_problem *p,
									const double *mbar, int n_m,
									double *lb, double *ub);

/* the usual interval l'beta_post +- z_{1-alpha/2} sd (HonestDiD's "Original") */
extern void scomm_honest_original(const scomm_honest_problem *p,
								  double *lb, double *ub);

/*
 * Release what the LP solver keeps between calls; call it after a
 * computation was abandoned (an ERROR thrown through the core).
 */
extern void scomm_honest_release(void);

#endif

/* ---- the event study of a did panel, for honest_did ------------------------ */

#include "did.h"

/*
 * The dynamic aggregation's terms with min_e <= e <= max_e other than the
 * reference e = -1 (a universal base period makes it 0), as HonestDiD's
 * honest_did() takes them from a did event study: betahat, and sigma =
 * IF'IF / n^2 from the terms' influence functions (did's
 * dynamic.inf.func.e).  *n_pre counts e < -1, *n_post the rest; e, beta
 * and sigma must have room for agg->n_terms and its square.  SCOMM_EEMPTY
 * when e = -1 or a post term is missing, SCOMM_ETOOBIG when more than
 * SCOMM_HONEST_MAX_PERIODS pre or post terms remain.
 */
extern scomm_status scomm_honest_event_study(const scomm_did_attgt *a,
											 const scomm_did_agg *agg,
											 int min_e, int max_e,
											 int *n_pre, int *n_post,
											 int32_t *e, double *beta,
											 double *sigma);
