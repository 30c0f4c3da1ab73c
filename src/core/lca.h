/*
 * lca.h: latent class analysis over response-pattern counts (PostgreSQL-free).
 *
 * The sufficient statistic is a pattern table: the distinct response patterns
 * of J items (answer 1..K_j, or 0 = missing) with a positive count each.  The
 * EM fit follows R's poLCA (Linzer & Lewis, JSS 2011), with covariates of
 * membership when the table has them (latent class regression), and with
 * na.rm = FALSE: missing items are skipped in the likelihood.
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
 * no trailing bytes.  A table with covariates (or rows left out for a NULL
 * covariate) has version 2: "{J=3;P=1;skipped=2;0,2,1|0.5:3}" and
 *
 *     uint8 version (2) | uint32 J | uint32 P | binary64 skipped | uint64 n |
 *     n x (J x uint8 category, P x binary64 covariate, binary64 count)
 *
 * ordered by the answers, then the covariates' values.  The model encodings
 * are described in docs/lca_core.md.
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
#define SCOMM_LCA_MAX_COVARIATES 100
/* the newest pattern-table format; version 1 is written when a table has no
 * covariates and no skipped rows, and read forever */
#define SCOMM_LCA_TABLE_VERSION 2
/* the newest model format; version 1 (1.0 models: no standard errors, no
 * covariates) is read forever */
#define SCOMM_LCA_MODEL_VERSION 2

/* standard errors are computed up to this many parameters (an n^2 matrix and
 * an n^3 eigen decomposition); beyond, they are NaN */
#define SCOMM_LCA_MAX_SE_PARAMS 1000
/* ... and while patterns x parameters^2 stays below this (about 10 s) */
#define SCOMM_LCA_MAX_SE_WORK 2e10

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
	/* format 2 (scomm 1.1); NULL arrays and zeros in a model of format 1 */
	int			format;			/* 1 or 2 */
	int			ncov;			/* P: covariates of membership, 0 = none */
	double	   *share_se;		/* [R] poLCA's P.se (0 for R = 1) */
	double	   *probs_se;		/* [R * ncat_total] poLCA's probs.se */
	double	   *coef;			/* [(R - 1)(P + 1)] log odds of class r + 1
								 * against class 1: intercept, covariates 1..P
								 * (without covariates log(share_r / share_1)) */
	double	   *coef_se;		/* same layout: poLCA's coeff.se */
	int			accelerated;	/* EM accelerated (SQUAREM) */
	int			starts_stopped; /* starts abandoned as unable to reach the best */
} scomm_lca_model;

/* what to fit (scomm_lca_fit_opts) */
typedef struct scomm_lca_options
{
	int			nclass;			/* R */
	int			starts;			/* random starts */
	uint64_t	seed;
	int			max_iter;
	double		tol;
	int			accelerate;		/* SQUAREM EM, hopeless starts stopped early */
	int			se;				/* compute standard errors */
	/* optional first start: probabilities [R * sum K] (class, item, category)
	 * and shares [R] or, with covariates, coefficients [(R-1)(P+1)] */
	const double *start_probs;
	const double *start_share;
	const double *start_coef;
} scomm_lca_options;

/* pattern table; encoders' outputs come from scomm_core_alloc */
extern scomm_status scomm_lca_table_create(int nitems, scomm_lca_table **out);
/* a table whose patterns carry ncov covariates (0..SCOMM_LCA_MAX_COVARIATES) */
extern scomm_status scomm_lca_table_create_cov(int nitems, int ncov,
											   scomm_lca_table **out);
extern void scomm_lca_table_free(scomm_lca_table *t);
extern scomm_status scomm_lca_table_add(scomm_lca_table *t, const int *answers,
										int nitems, double count);
extern scomm_status scomm_lca_table_add_bytes(scomm_lca_table *t,
											  const unsigned char *answers,
											  int nitems, double count);
/*
 * Add one row of a table with covariates: nitems category bytes and ncov
 * finite covariates (ncov must be the table's), with a count.
 */
extern scomm_status scomm_lca_table_add_cov(scomm_lca_table *t,
											const unsigned char *answers,
											int nitems, const double *cov,
											int ncov, double count);
/* give a table that holds no pattern yet ncov covariates */
extern scomm_status scomm_lca_table_set_ncov(scomm_lca_table *t, int ncov);
/* count rows left out (a NULL covariate): finite, >= 0 */
extern scomm_status scomm_lca_table_add_skipped(scomm_lca_table *t,
												double count);
/*
 * Add src to dst: the same items and covariates (a table of only skipped
 * rows merges with any and takes the other's covariates).
 */
extern scomm_status scomm_lca_table_merge(scomm_lca_table *dst,
										  const scomm_lca_table *src);
extern scomm_status scomm_lca_table_copy(const scomm_lca_table *src,
										 scomm_lca_table **out);
extern scomm_status scomm_lca_table_sort(scomm_lca_table *t);
extern int	scomm_lca_table_nitems(const scomm_lca_table *t);
extern size_t scomm_lca_table_npatterns(const scomm_lca_table *t);
extern double scomm_lca_table_total(const scomm_lca_table *t);
extern int	scomm_lca_table_ncat(const scomm_lca_table *t, int item);
extern int	scomm_lca_table_ncov(const scomm_lca_table *t);
extern double scomm_lca_table_skipped(const scomm_lca_table *t);
/* the covariates cov[ncov] of pattern i in storage order */
extern scomm_status scomm_lca_table_get_cov(const scomm_lca_table *t, size_t i,
											double *cov);
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

/*
 * The same with options: covariates of membership when the table has them
 * (the multinomial logit of class on them, poLCA's latent class
 * regression), accelerated EM, standard errors, a first start from given
 * values.  The starts beyond the given one are the random starts of
 * scomm_lca_fit with the same seed.
 */
extern void scomm_lca_options_default(scomm_lca_options *o);
extern scomm_status scomm_lca_fit_opts(const scomm_lca_table *t,
									   const scomm_lca_options *o,
									   scomm_lca_model **out);
extern void scomm_lca_model_free(scomm_lca_model *m);

/* posterior (post[R], may be NULL) and 1-based modal class of one pattern */
extern scomm_status scomm_lca_posterior(const scomm_lca_model *m,
										const int *answers, int nitems,
										double *post, int *modal_class);

/*
 * The same for a model with covariates: cov[ncov] (ncov must be the
 * model's P; a model without covariates takes ncov = 0).
 */
extern scomm_status scomm_lca_posterior_cov(const scomm_lca_model *m,
											const int *answers, int nitems,
											const double *cov, int ncov,
											double *post, int *modal_class);

/* class probabilities prior[R] of a unit with covariates cov[ncov] */
extern scomm_status scomm_lca_prior(const scomm_lca_model *m, const double *cov,
									int ncov, double *prior);

/* ------------------------------------------------------------------------
 * how many classes (lca_tests.c)
 */
#define SCOMM_LCA_MAX_DRAWS 100000

/* tests of k - 1 against k classes */
typedef struct scomm_lca_lrt
{
	double		lr;				/* 2 (LL_k - LL_{k-1}) */
	double		vlmr_p;			/* Vuong-Lo-Mendell-Rubin p-value */
	double		lmr_lr;			/* the LMR adjusted statistic */
	double		lmr_p;			/* its p-value */
} scomm_lca_lrt;

/* Vuong-Lo-Mendell-Rubin tests of m0 (k - 1 classes) against m1 (k), both
 * fitted to t; SCOMM_ETOOBIG beyond SCOMM_LCA_MAX_SE_PARAMS parameters */
extern scomm_status scomm_lca_lmr(const scomm_lca_table *t,
								  const scomm_lca_model *m0,
								  const scomm_lca_model *m1,
								  scomm_lca_lrt *out);

/* bootstrap likelihood-ratio test (p, draws used); whole counts only */
extern scomm_status scomm_lca_blrt(const scomm_lca_table *t,
								   const scomm_lca_model *m0,
								   const scomm_lca_model *m1,
								   const scomm_lca_options *o, int draws,
								   uint64_t seed, double *p, int *used);

/* P(sum lam_i Z_i^2 > x) for m weights (Imhof 1961) */
extern double scomm_lca_imhof(const double *lam, int m, double x);

/* ------------------------------------------------------------------------
 * class means of an outcome: modal assignment and BCH (lca_tests.c)
 */
typedef struct scomm_lca_bch_row
{
	double		modal_n;		/* rows whose modal class it is */
	double		modal_mean;
	double		modal_se;
	double		bch_n;			/* the class's BCH weight (estimated size) */
	double		bch_mean;
	double		bch_se;
} scomm_lca_bch_row;

/* length of a BCH state of R classes; the state starts as {R, 0, ...} */
extern int	scomm_lca_bch_size(int R);
/* add one row: its posterior post[R] and outcome y */
extern scomm_status scomm_lca_bch_add(double *state, int R, const double *post,
									  double y);
/* the means of each class into rows[R] */
extern scomm_status scomm_lca_bch(const double *state, int R,
								  scomm_lca_bch_row *rows);

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
