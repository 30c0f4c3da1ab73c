/*
 * lca_int.h: internals shared by the lca*.c files (not part of the API).
 */
#ifndef SCOMM_LCA_INT_H
#define SCOMM_LCA_INT_H

#include <stddef.h>
#include <stdint.h>

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

#define LCA_NUM_MAX 64			/* longest number written or accepted in text */

#define LCA_PATTERN(t, i) ((t)->pat + (size_t) (i) * (size_t) (t)->nitems)

/* growable output buffer (bytes or text); status sticks at the first error */
typedef struct LcaBuf
{
	unsigned char *data;
	size_t		len;
	size_t		cap;
	scomm_status status;
} LcaBuf;

/* bounded input cursor for the binary and text decoders */
typedef struct LcaCursor
{
	const unsigned char *s;
	size_t		len;
	size_t		pos;
	scomm_status status;
} LcaCursor;

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

/* output buffer */
extern void scomm_lca_buf_bytes(LcaBuf *b, const void *p, size_t n);
extern void scomm_lca_buf_u8(LcaBuf *b, unsigned v);
extern void scomm_lca_buf_u32(LcaBuf *b, uint32_t v);
extern void scomm_lca_buf_u64(LcaBuf *b, uint64_t v);
extern void scomm_lca_buf_f64(LcaBuf *b, double v);
extern void scomm_lca_buf_str(LcaBuf *b, const char *s);
extern void scomm_lca_buf_long(LcaBuf *b, long long v);
extern void scomm_lca_buf_ulong(LcaBuf *b, uint64_t v);
extern void scomm_lca_buf_double(LcaBuf *b, double v);
extern scomm_status scomm_lca_buf_finish(LcaBuf *b, int nul,
										 unsigned char **out, size_t *len);

/* binary reading */
extern unsigned scomm_lca_get_u8(LcaCursor *c);
extern uint32_t scomm_lca_get_u32(LcaCursor *c);
extern uint64_t scomm_lca_get_u64(LcaCursor *c);
extern double scomm_lca_get_f64(LcaCursor *c);
extern const unsigned char *scomm_lca_get_bytes(LcaCursor *c, size_t n);

/* text reading */
extern int	scomm_lca_peek(LcaCursor *c, char ch);
extern void scomm_lca_expect(LcaCursor *c, const char *lit);
extern uint64_t scomm_lca_read_uint(LcaCursor *c, uint64_t max);
extern double scomm_lca_read_double(LcaCursor *c, int allow_nan);
extern void scomm_lca_expect_end(LcaCursor *c);

#endif
