/*
 * lca_int.h: internals shared by the lca*.c files (not part of the API).
 */
#ifndef SCOMM_LCA_INT_H
#define SCOMM_LCA_INT_H

#include <stddef.h>
#include <stdint.h>

#include "codec_io.h"
#include "lca.h"
#include "multistart.h"

/*
 * Distinct patterns stored row by row, with an open-addressing hash index.
 * A pattern's key is its J category bytes followed, in a table with
 * covariates, by P covariates of 8 bytes each in an order-preserving form
 * (LcaCovKey): comparing keys byte by byte orders patterns by their items,
 * then by their covariates' numeric values.
 */
struct scomm_lca_table
{
	int			nitems;			/* J */
	int			ncov;			/* P covariates per pattern (0 = none) */
	int			keylen;			/* J + 8 P bytes */
	size_t		n;				/* distinct patterns */
	size_t		cap;			/* allocated patterns */
	uint8_t    *pat;			/* [cap * keylen] categories (0 = missing), covariate keys */
	double	   *count;			/* [cap] */
	size_t		nslots;			/* power of two, >= 2 * cap */
	uint32_t   *slots;			/* pattern index + 1, 0 = empty */
	uint8_t    *maxcat;			/* [J] largest category seen */
	double		total;
	double		skipped;		/* rows left out for a NULL covariate */
};

#define LCA_PATTERN(t, i) ((t)->pat + (size_t) (i) * (size_t) (t)->keylen)

/* covariate value <-> 8-byte order-preserving key (-0 is stored as 0) */
extern void scomm_lca_cov_key(double v, uint8_t *key);
extern double scomm_lca_cov_value(const uint8_t *key);

/* the data an EM fit works on: used patterns in canonical order */
typedef struct LcaData
{
	int			nitems;			/* J */
	int			nclass;			/* R */
	int			ncat_total;		/* T = sum of ncat */
	int		   *ncat;			/* [J] */
	int		   *off;			/* [J] first category slot of item j */
	size_t		npat;			/* patterns with at least one observed item */
	double	   *w;				/* [npat] counts */
	size_t	   *start;			/* [npat + 1] into idx */
	int		   *idx;			/* observed answers as slots off[j] + y - 1 */
	uint8_t    *complete;		/* [npat] every item observed */
	double		n_used;			/* rows with an observed item */
	double		n_dropped;		/* rows left out: no observed item (without
								 * covariates), a NULL covariate */
	double		n_complete;
	/* covariates of membership (ncov > 0): poLCA keeps rows without any
	 * observed item as units (their posterior is their prior) */
	int			ncov;			/* P */
	double	   *x;				/* [npat * P] */
	size_t		nempty;			/* patterns without an observed item */
	double	   *w_empty;		/* [nempty] */
	double	   *x_empty;		/* [nempty * P] */
	double		n_empty;		/* their rows */
} LcaData;

/* rows of the fit: N (poLCA's N) */
#define LCA_N(d) ((d)->n_used + (d)->n_empty)

/* a membership model to fit: covariates and more than one class (poLCA
 * ignores covariates of one class) */
#define LCA_HAS_COV(d) ((d)->ncov > 0 && (d)->nclass > 1)

/* number of membership coefficients (R - 1)(P + 1) */
#define LCA_NBETA(d) (((d)->nclass - 1) * ((d)->ncov + 1))

struct scomm_mlogit_work;

/*
 * The parameters of one point of the fit: shares (without covariates) or
 * membership coefficients (with), and response probabilities.
 */
typedef struct LcaParams
{
	double	   *share;			/* [R] */
	double	   *beta;			/* [(R - 1)(P + 1)], NULL without covariates */
	double	   *probs;			/* [R * T] */
} LcaParams;

/* scratch space of one EM run */
typedef struct LcaWork
{
	double	   *logp;			/* [T * R] slot-major */
	double	   *num;			/* [T * R] slot-major */
	double	   *logshare;		/* [R] */
	double	   *post;			/* [R] */
	double	   *wsum;			/* [R] */
	/* with covariates */
	double	   *postall;		/* [npat * R] posteriors of the last E-step */
	struct scomm_mlogit_work *mw;
	/* accelerated EM: three points and the extrapolated one */
	LcaParams	sq[4];
} LcaWork;

/* how one EM run iterates */
typedef struct LcaEmOptions
{
	int			max_iter;		/* E-steps */
	double		tol;
	int			accelerate;		/* SQUAREM with a monotone safeguard */
	double		best_ll;		/* the best final log-likelihood so far (-inf) */
	const LcaParams *best;		/* its parameters, or NULL */
} LcaEmOptions;

/* EM internals */
extern scomm_status scomm_lca_data_prepare(const scomm_lca_table *t, int nclass,
										   LcaData *d);
extern void scomm_lca_data_free(LcaData *d);
extern scomm_status scomm_lca_work_alloc(const LcaData *d, LcaWork *w);
extern void scomm_lca_work_free(LcaWork *w);
extern scomm_status scomm_lca_params_alloc(const LcaData *d, LcaParams *p);
extern void scomm_lca_params_free(LcaParams *p);
extern void scomm_lca_params_copy(const LcaData *d, const LcaParams *from,
								  LcaParams *to);
extern void scomm_lca_log_params(const LcaData *d, const double *share,
								 const double *probs, double *logshare,
								 double *logp);
extern double scomm_lca_pattern_post(const LcaData *d, size_t p,
									 const double *logshare,
									 const double *logp, double *post);
/* log prior of used pattern p (covariate fits) into lp[R] */
extern void scomm_lca_pattern_logprior(const LcaData *d, size_t p,
									   const double *beta, double *lp);
extern scomm_status scomm_lca_em_run(const LcaData *d, LcaWork *w,
									 LcaParams *par, const LcaEmOptions *o,
									 scomm_start_result *res);

/* model internals */
extern scomm_status scomm_lca_model_alloc(int nitems, int nclass,
										  const int *ncat,
										  scomm_lca_model **out);
/* add the arrays of format 2 (standard errors, coefficients) */
extern scomm_status scomm_lca_model_alloc_v2(scomm_lca_model *m, int ncov);
extern scomm_status scomm_lca_model_build(const LcaData *d,
										  const LcaParams *best, int se,
										  scomm_lca_model **out);
extern scomm_status scomm_lca_model_stats(const LcaData *d,
										  scomm_lca_model *m);
extern scomm_status scomm_lca_model_se(const LcaData *d, scomm_lca_model *m);
/* log prior of a unit with covariates x under model m into lp[R] */
extern void scomm_lca_model_logprior(const scomm_lca_model *m, const double *x,
									 double *lp);

/*
 * The parameter vector of poLCA's standard errors (lca_se.c): class after
 * class and item after item the log odds of categories 2..K_j against 1,
 * then the membership coefficients of classes 2..R.
 */
typedef struct LcaSeLayout
{
	int			nitem_par;		/* R sum(K_j - 1) */
	int			S;				/* P + 1 */
	int			npar;			/* nitem_par + (R - 1) S */
	int		   *itemoff;		/* [J] sum of K - 1 of earlier items */
	int			peritem;		/* sum(K_j - 1) */
	int		   *slotitem;		/* [T] the item of each category slot */
} LcaSeLayout;

extern scomm_status scomm_lca_se_layout(const LcaData *d,
										const scomm_lca_model *m,
										LcaSeLayout *L);
extern void scomm_lca_se_layout_free(LcaSeLayout *L);
extern void scomm_lca_pattern_score(const LcaData *d, const scomm_lca_model *m,
									const LcaSeLayout *L, const double *logp,
									size_t p, double *prior, double *post,
									double *s);
extern void scomm_lca_pattern_hessian(const LcaData *d,
									  const scomm_lca_model *m,
									  const LcaSeLayout *L, size_t p,
									  const double *prior, const double *post,
									  const double *s, double w, double *cs,
									  double *H);

/* scalar model fields, in encoding order */
typedef struct LcaField
{
	const char *name;
	size_t		off;			/* offsetof(scomm_lca_model, field) */
	int			nan_ok;			/* doubles: NaN allowed */
} LcaField;

extern const LcaField scomm_lca_double_fields[];
extern const int scomm_lca_ndouble_fields;
extern const LcaField scomm_lca_int_fields[];
extern const int scomm_lca_nint_fields;

#define LCA_DFIELD(m, f) ((double *) ((char *) (m) + (f)->off))
#define LCA_IFIELD(m, f) ((int *) ((char *) (m) + (f)->off))

extern scomm_status scomm_lca_model_check(const scomm_lca_model *m);

/* table internals */
extern scomm_status scomm_lca_table_sorted_index(const scomm_lca_table *t,
												 size_t **out);
extern int	scomm_lca_pattern_cmp(const uint8_t *a, const uint8_t *b, int j);
extern void scomm_lca_table_reindex(scomm_lca_table *t);
extern long scomm_lca_table_find(const scomm_lca_table *t, const uint8_t *p);
extern scomm_status scomm_lca_table_add_raw(scomm_lca_table *t,
											const uint8_t *pat, double count);

#endif
