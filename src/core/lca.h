/*
 * lca.h: latent class analysis over response-pattern counts (PostgreSQL-free).
 *
 * The sufficient statistic is a pattern table: the distinct response patterns
 * of J items (answer 1..K_j, or 0 = missing) with a positive count each.  The
 * EM fit follows R's poLCA (Linzer & Lewis, JSS 2011) without covariates and
 * with na.rm = FALSE: missing items are skipped in the likelihood.
 *
 * Pattern table text form (canonical; the decoder accepts nothing else):
 *
 *     {J=3;0,2,1:3;1,2,1:40;1,2,2:0.5}
 *
 * "J=" the number of items (1..SCOMM_LCA_MAX_ITEMS), then one ";pattern:count"
 * per distinct pattern in strictly ascending order (compared item by item,
 * 0 = missing first).  Categories are 0..SCOMM_LCA_MAX_CATEGORY without
 * leading zeros; counts are finite positive decimal numbers ([-]digits[.digits]
 * [e[+-]digits]), written with the fewest digits that read back to the same
 * double.  No white space anywhere.  An empty table is "{J=3}".
 *
 * Pattern table binary form (all integers big-endian, doubles as IEEE-754
 * binary64 bit patterns in big-endian order):
 *
 *     uint8 version (1) | uint32 J | uint64 n | n x (J x uint8 category,
 *     binary64 count)
 *
 * with the same canonical-order, range and count rules as the text form, and
 * no trailing bytes.  The model encodings are described in docs/lca_core.md.
 */
#ifndef SCOMM_LCA_H
#define SCOMM_LCA_H

#include <stddef.h>
#include <stdint.h>

#include "scomm_core.h"

#define SCOMM_LCA_MAX_ITEMS 1000
#define SCOMM_LCA_MAX_CATEGORY 255
#define SCOMM_LCA_MAX_CLASSES 100
/* random starts of one fit (each keeps its log-likelihood) */
#define SCOMM_LCA_MAX_STARTS 100000
#define SCOMM_LCA_TABLE_VERSION 1
#define SCOMM_LCA_MODEL_VERSION 1

/* defaults the SQL layer uses (poLCA: maxiter 1000, tol 1e-10) */
#define SCOMM_LCA_DEFAULT_STARTS 20
#define SCOMM_LCA_DEFAULT_MAX_ITER 1000
#define SCOMM_LCA_DEFAULT_TOL 1e-10

/* a start's final log-likelihood ties the best when within this tolerance */
#define SCOMM_LCA_TIE_TOL 1e-6

typedef struct scomm_lca_table scomm_lca_table;

/* A fitted model; classes are ordered by share, largest first. */
typedef struct scomm_lca_model
{
	int			nitems;			/* J */
	int			nclass;			/* R */
	int			ncat_total;		/* sum of ncat */
	int		   *ncat;			/* [J] categories per item */
	double	   *share;			/* [R] class shares */
	double	   *probs;			/* [R * ncat_total]: class, item, category */
	double	   *modal_share;	/* [R] share of rows whose modal class is r */
	double	   *avepp;			/* [R] mean posterior of rows assigned to r */
	double		loglik;
	double		aic;
	double		bic;
	double		sabic;			/* BIC with log((N + 2) / 24) */
	double		gsq;			/* over complete patterns; NaN if none */
	double		chisq;			/* ditto */
	double		entropy;		/* relative entropy (Mplus); NaN if R = 1 */
	double		n;				/* rows used (sum of counts) */
	double		n_dropped;		/* rows without any observed item */
	double		n_complete;		/* rows with every item observed */
	double		resid_df;		/* min(N, prod K - 1) - npar, as poLCA */
	int			npar;			/* (R - 1) + R * sum(K_j - 1) */
	int			iterations;		/* EM iterations of the best start */
	int			converged;		/* best start met the tolerance */
	int			starts;			/* random starts that finished */
	int			starts_at_best; /* starts within SCOMM_LCA_TIE_TOL of best */
	int			starts_failed;	/* starts that collapsed and were redrawn */
	int			max_iter;
	double		tol;
	uint64_t	seed;
} scomm_lca_model;

/* pattern table; encoders' outputs come from scomm_core_alloc */
extern scomm_status scomm_lca_table_create(int nitems, scomm_lca_table **out);
extern void scomm_lca_table_free(scomm_lca_table *t);
extern scomm_status scomm_lca_table_add(scomm_lca_table *t, const int *answers,
										int nitems, double count);
extern scomm_status scomm_lca_table_add_bytes(scomm_lca_table *t,
											  const unsigned char *answers,
											  int nitems, double count);
extern scomm_status scomm_lca_table_merge(scomm_lca_table *dst,
										  const scomm_lca_table *src);
extern scomm_status scomm_lca_table_copy(const scomm_lca_table *src,
										 scomm_lca_table **out);
extern scomm_status scomm_lca_table_sort(scomm_lca_table *t);
extern int	scomm_lca_table_nitems(const scomm_lca_table *t);
extern size_t scomm_lca_table_npatterns(const scomm_lca_table *t);
extern double scomm_lca_table_total(const scomm_lca_table *t);
extern int	scomm_lca_table_ncat(const scomm_lca_table *t, int item);
extern scomm_status scomm_lca_table_get(const scomm_lca_table *t, size_t i,
										int *answers, double *count);
extern int	scomm_lca_table_equal(const scomm_lca_table *a,
								  const scomm_lca_table *b);

/* pattern table encodings; outputs come from scomm_core_alloc */
extern scomm_status scomm_lca_table_to_bytes(const scomm_lca_table *t,
											 unsigned char **out, size_t *len);
extern scomm_status scomm_lca_table_from_bytes(const unsigned char *buf,
											   size_t len,
											   scomm_lca_table **out);
extern scomm_status scomm_lca_table_to_text(const scomm_lca_table *t,
											char **out, size_t *len);
extern scomm_status scomm_lca_table_from_text(const char *s, size_t len,
											  scomm_lca_table **out);

/*
 * Fit nclass classes (1..SCOMM_LCA_MAX_CLASSES, at most the number of
 * distinct patterns with an observed item) by EM from `starts` random starts
 * drawn from MT19937(seed); each run stops when an iteration gains <= tol
 * (floored at 1e-13 |loglik|) or after max_iter iterations.  The best
 * log-likelihood wins.  *out is freed with scomm_lca_model_free.
 */
extern scomm_status scomm_lca_fit(const scomm_lca_table *t, int nclass,
								  int starts, uint64_t seed, int max_iter,
								  double tol, scomm_lca_model **out);
extern void scomm_lca_model_free(scomm_lca_model *m);

/* posterior (post[R], may be NULL) and 1-based modal class of one pattern */
extern scomm_status scomm_lca_posterior(const scomm_lca_model *m,
										const int *answers, int nitems,
										double *post, int *modal_class);

/* model encodings */
extern scomm_status scomm_lca_model_to_bytes(const scomm_lca_model *m,
											 unsigned char **out, size_t *len);
extern scomm_status scomm_lca_model_from_bytes(const unsigned char *buf,
											   size_t len,
											   scomm_lca_model **out);
extern scomm_status scomm_lca_model_to_text(const scomm_lca_model *m,
											char **out, size_t *len);
extern scomm_status scomm_lca_model_from_text(const char *s, size_t len,
											  scomm_lca_model **out);

#endif
