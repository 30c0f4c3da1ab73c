/*
 * lca_glue.h: what the latent class SQL glue files share (response_patterns.c,
 * lca_sql.c, lca_tests_sql.c).  Defined in lca_glue.c: the status check,
 * reading items and covariates, quoting input.  Defined in
 * response_patterns.c: the pattern table of a datum.  Defined in lca_sql.c:
 * the fit arguments, the fit and its result row (used by lca_tests_sql.c).
 * The dependencies have no cycle: response_patterns.c uses only lca_glue.c;
 * lca_sql.c uses lca_glue.c and response_patterns.c; lca_tests_sql.c uses
 * all three.
 */
#ifndef SCOMM_LCA_GLUE_H
#define SCOMM_LCA_GLUE_H

#include "postgres.h"

#include "fmgr.h"

#include "lca.h"
#include "multistart.h"

/* ---- response_patterns.c ---- */

/*
 * The pattern table of a response_patterns datum, read-only: the expanded
 * object's own table, or a table decoded in CurrentMemoryContext (*owned set;
 * free it with scomm_lca_table_free).  A stored value that is not a valid
 * encoding: ERROR XX001.
 */
extern scomm_lca_table *lca_patterns_table(Datum d, bool *owned);

/* ---- lca_glue.c ---- */

/*
 * Read an int[] of answers (NULL element = missing = 0, categories 1..255)
 * into answers[SCOMM_LCA_MAX_ITEMS], one byte each; returns the number of
 * items.  An empty
 * or multi-dimensional array, too many items or a category out of range:
 * ERROR 22023 (54000 for too many items).
 */
extern int	lca_read_items(Datum d, unsigned char *answers);

/*
 * Read a float8[] of covariates into cov[SCOMM_LCA_MAX_COVARIATES]; returns
 * the count, or -1 when an element is NULL.  More dimensions, more than
 * SCOMM_LCA_MAX_COVARIATES elements (54000) or a value that is not finite:
 * ERROR.
 */
extern int	lca_read_covariates(Datum d, double *cov);

/* ERROR with the SQLSTATE of a core status (returns on SCOMM_OK). */
extern void lca_check_status(scomm_status st, const char *what);

/* Shorten a long input string for an error message. */
extern char *lca_quote_input(const char *s);

/* ---- lca_sql.c ---- */

/* the arguments of a fit (lca, lca_select) */
typedef struct LcaFitArgs
{
	int			starts;
	int64		seed;
	int			max_iter;
	double		tol;
	bool		accelerate;
} LcaFitArgs;

/* columns of lca_fit_result */
#define LCA_FIT_COLUMNS 16

/* ERROR 22004 naming the argument when argument argno is NULL */
extern void lca_require_arg(FunctionCallInfo fcinfo, int argno, const char *name);
/* starts, seed, max_iter, tolerance at first.. (and accelerate when passed) */
extern LcaFitArgs lca_read_fit_args(FunctionCallInfo fcinfo, int first);
/* ERROR unless the table can be fitted with up to max_classes classes */
extern void lca_check_table(const scomm_lca_table *t, int max_classes,
							const char *argname);
extern scomm_lca_options lca_fit_options(const LcaFitArgs *a, int nclass);
/* a fitted model (in CurrentMemoryContext; scomm_lca_model_free) */
extern scomm_lca_model *lca_fit(const scomm_lca_table *t, int nclass,
								const LcaFitArgs *a);
/* values[i] = v, NULL when v is NaN */
extern void lca_set_double(Datum *values, bool *nulls, int i, double v);
/* the lca_fit_result columns of m into values/nulls[LCA_FIT_COLUMNS] */
extern void lca_fit_row(const scomm_lca_model *m, Datum *values, bool *nulls);

#endif
