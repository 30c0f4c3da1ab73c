/*
 * lca_int.h: internals shared by the lca*.c files (not part of the API).
 */
#ifndef SCOMM_LCA_INT_H
#define SCOMM_LCA_INT_H

#include <stddef.h>
#include <stdint.h>

#include "codec_io.h"
#include "lca.h"

/* Distinct patterns stored row by row, with an open-addressing hash index. */
struct scomm_lca_table
{
	int			nitems;			/* J */
	size_t		n;				/* distinct patterns */
	size_t		cap;			/* allocated patterns */
	uint8_t    *pat;			/* [cap * J] categories, 0 = missing */
	double	   *count;			/* [cap] */
	size_t		nslots;			/* power of two, >= 2 * cap */
	uint32_t   *slots;			/* pattern index + 1, 0 = empty */
	uint8_t    *maxcat;			/* [J] largest category seen */
	double		total;
};

#define LCA_PATTERN(t, i) ((t)->pat + (size_t) (i) * (size_t) (t)->nitems)

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
	double		n_used;
	double		n_dropped;
	double		n_complete;
} LcaData;

/* scratch space of one EM run */
typedef struct LcaWork
{
	double	   *logp;			/* [T * R] slot-major */
	double	   *num;			/* [T * R] slot-major */
	double	   *logshare;		/* [R] */
	double	   *post;			/* [R] */
	double	   *wsum;			/* [R] */
} LcaWork;

/* EM internals */
extern scomm_status scomm_lca_data_prepare(const scomm_lca_table *t, int nclass,
										   LcaData *d);
extern void scomm_lca_data_free(LcaData *d);
extern scomm_status scomm_lca_work_alloc(const LcaData *d, LcaWork *w);
extern void scomm_lca_work_free(LcaWork *w);
extern void scomm_lca_log_params(const LcaData *d, const double *share,
								 const double *probs, double *logshare,
								 double *logp);
extern double scomm_lca_pattern_post(const LcaData *d, size_t p,
									 const double *logshare,
									 const double *logp, double *post);
extern scomm_status scomm_lca_em_run(const LcaData *d, LcaWork *w,
									 double *share, double *probs,
									 int max_iter, double tol, double *ll,
									 int *iterations, int *converged);

/* model internals */
extern scomm_status scomm_lca_model_alloc(int nitems, int nclass,
										  const int *ncat,
										  scomm_lca_model **out);
extern scomm_status scomm_lca_model_build(const LcaData *d,
										  const double *share,
										  const double *probs,
										  scomm_lca_model **out);
extern scomm_status scomm_lca_model_stats(const LcaData *d,
										  scomm_lca_model *m);

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
