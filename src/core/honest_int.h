/*
 * honest_int.h: helpers shared by the honest_*.c files of the core.
 */
#ifndef SCOMM_HONEST_INT_H
#define SCOMM_HONEST_INT_H

#include <stddef.h>

#include "honest.h"

/* ---- HonestDiD's simulated folded-normal quantiles (honest_fold.c) ------ */

/*
 * .qfoldednormal(p, mu) draws rnorm(10^6) after set.seed(0) and takes the
 * type-7 quantile of |draw + mu|; the draws are kept sorted so that each mu
 * costs O(log n).
 */
typedef struct HonestFold
{
	double	   *z;				/* sorted draws */
	size_t		n;
} HonestFold;

#define HONEST_FOLD_SIMS 1000000

extern scomm_status honest_fold_init(HonestFold *f, size_t n, int seed);
extern void honest_fold_free(HonestFold *f);
extern double honest_fold_quantile(const HonestFold *f, double p, double mu);

/* ---- small dense linear algebra (honest_linalg.c) ----------------------- */

/* Solve a x = b (n x n, row-major, copied) by LU; 0 when singular */
extern int	honest_solve(const double *a, const double *b, double *x, int n);

/* y = a x for a r x c row-major */
extern void honest_matvec(const double *a, const double *x, double *y, int r, int c);

/* x' a y for a n x n */
extern double honest_quad(const double *a, const double *x, const double *y, int n);

/* s = sqrt of a symmetric PSD matrix (V diag(sqrt(max(ev,0))) V'); 0 on failure */
extern int	honest_sqrtm(const double *a, double *s, int n);

/* numerical rank of an r x c matrix (SVD, tolerance as R's Matrix::rankMatrix) */
extern int	honest_rank(const double *a, int r, int c);

/* quantile p of N(0,1) truncated to [l, u] (TruncatedNormal::norminvp) */
extern double honest_norminvp(double p, double l, double u);

#endif

/* ---- the conditional / hybrid tests of Andrews, Roth & Pakes (honest_arp.c) */

#include "honest_lp.h"

/*
 * Moment inequalities E[y - X delta] <= 0 with nuisance delta (k), y of m
 * moments with covariance sigma: the test of .lp_conditional_test_fn with
 * the least-favourable ("LF") hybrid first stage.
 */
typedef struct HonestArp
{
	int			m;
	int			k;
	double	   *sigma;			/* m x m */
	double	   *sd;				/* m */
	double	   *X;				/* m x k */
	double		lf_cv;			/* least-favourable critical value (eta scale) */
	double		kappa;			/* first-stage size */
	double		mod_size;		/* second-stage size (alpha - kappa) / (1 - kappa) */
	HonestLp	lp;				/* min eta: sd eta + X delta >= y */
	double	   *sol;			/* k + 1 */
	double	   *dual;			/* m */
	/* optimal bases seen so far: rows, W_B^-1, duals (see honest_arp_eta) */
	int			ncache;
	int			cnext;
	int		   *crows;			/* HONEST_ARP_CACHE x (k + 1) */
	double	   *cwinv;			/* HONEST_ARP_CACHE x (k + 1)^2 */
	double	   *clam;			/* HONEST_ARP_CACHE x (k + 1) */
	/* the parametric dual program of the degenerate case, built once */
	HonestLp	eqlp;
	double	   *eqA;			/* (k + 1) x m */
	/* its optimal bases seen so far: columns, B^-1, x_B (see DualValue) */
	int			ndb;
	int			dbnext;
	int		   *dbcols;			/* HONEST_ARP_CACHE x (k + 1) */
	double	   *dbinv;			/* HONEST_ARP_CACHE x (k + 1)^2 */
	double	   *dbx;			/* HONEST_ARP_CACHE x (k + 1) */
} HonestArp;

#define HONEST_ARP_CACHE 32

#define HONEST_LF_SIMS 1000

extern scomm_status honest_arp_init(HonestArp *a, int m, int k, const double *sigma,
									const double *X, double alpha, double kappa);
extern void honest_arp_free(HonestArp *a);

/* .compute_least_favorable_cv with nuisance parameters: sims LPs, set.seed(seed) */
extern scomm_status honest_arp_lf_cv(HonestArp *a, int sims, int seed);

/* eta*(y) = min_delta max_j (y_j - X_j delta) / sd_j and its duals (a->dual) */
extern scomm_status honest_arp_eta(HonestArp *a, const double *y, double *eta);

/* the hybrid test at y: *reject 0 or 1 */
extern scomm_status honest_arp_test(HonestArp *a, const double *y, int *reject);

/* no nuisance: normalised moments max_j A_j y / sd_j, LF hybrid (arp-nonuisance.R) */
typedef struct HonestArpNoNuis
{
	int			m;				/* moments (rows of A) */
	int			n;				/* length of y */
	const double *A;			/* m x n */
	const double *sigma;		/* n x n */
	double	   *sdt;			/* m: sqrt(diag(A sigma A')) */
	double		lf_cv;
	double		kappa;
	double		mod_size;
} HonestArpNoNuis;

extern scomm_status honest_arp_nn_init(HonestArpNoNuis *a, int m, int n, const double *A,
									   const double *sigma, double alpha, double kappa,
									   int sims, int seed);
extern void honest_arp_nn_free(HonestArpNoNuis *a);
extern scomm_status honest_arp_nn_test(const HonestArpNoNuis *a, const double *y, int *reject);
