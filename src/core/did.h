/*
 * did.h: PostgreSQL-free core of staggered difference-in-differences.
 *
 * Callaway & Sant'Anna (2021) group-time ATTs as R's did 2.5.1 computes them
 * for panel data without covariates (est_method "dr" reduces to the 2x2
 * difference of means), their aggregations (aggte), the multiplier bootstrap
 * (mboot), the Wald pre-test, and the two-way fixed-effects regressions.
 * See docs/did_core.md.
 */
#ifndef SCOMM_DID_H
#define SCOMM_DID_H

#include <stdint.h>

#include "scomm_core.h"

/* first_period of a unit that is never treated */
#define SCOMM_DID_NEVER INT32_MAX

/* What went wrong with the data, for the glue's error message. */
typedef enum scomm_did_error
{
	SCOMM_DID_ERR_NONE = 0,
	SCOMM_DID_ERR_DUPLICATE,	/* unit observed twice in one period */
	SCOMM_DID_ERR_COHORT,		/* first_period differs between a unit's rows */
	SCOMM_DID_ERR_NONFINITE,	/* NaN or infinite outcome */
	SCOMM_DID_ERR_FEW_PERIODS,	/* fewer than two distinct periods */
	SCOMM_DID_ERR_UNBALANCED,	/* a unit misses periods (strict mode) */
	SCOMM_DID_ERR_NO_UNITS,		/* no complete unit left */
	SCOMM_DID_ERR_NO_GROUPS,	/* no treated cohort can be estimated */
	SCOMM_DID_ERR_NO_CONTROLS	/* never-treated control asked, none usable */
} scomm_did_error;

typedef struct scomm_did_diag
{
	scomm_did_error code;
	int64_t		unit;			/* offending unit, when there is one */
	int32_t		period;			/* offending period, when there is one */
	char		message[200];
} scomm_did_diag;

/* ---- collecting rows (the aggregate state) ---------------------------- */

typedef struct scomm_did_row
{
	int64_t		unit;
	int32_t		period;
	int32_t		first_period;	/* or SCOMM_DID_NEVER */
	double		y;
} scomm_did_row;

typedef struct scomm_did_collector
{
	size_t		n_rows;
	size_t		capacity;
	scomm_did_row *rows;
} scomm_did_collector;

extern scomm_did_collector *scomm_did_collector_create(void);
extern void scomm_did_collector_free(scomm_did_collector *c);
extern scomm_status scomm_did_collector_add(scomm_did_collector *c,
											int64_t unit, int32_t period,
											int32_t first_period, double y,
											scomm_did_diag *diag);
/* append all rows of src to dst (the combine function) */
extern scomm_status scomm_did_collector_merge(scomm_did_collector *dst,
											  const scomm_did_collector *src);
/* put rows in canonical (unit, period) order; the encodings then agree */
extern void scomm_did_collector_sort(scomm_did_collector *c);

/* ---- the finalized balanced panel -------------------------------------- */

typedef struct scomm_did_panel
{
	int			n_units;
	int			n_periods;
	int64_t    *unit_ids;		/* sorted ascending */
	int32_t    *periods;		/* sorted distinct */
	int32_t    *first_period;	/* per unit, or SCOMM_DID_NEVER */
	double	   *y;				/* n_units x n_periods, unit-major */
	int			n_dropped_unbalanced;	/* incomplete units left out */
} scomm_did_panel;

/*
 * Sort and validate the rows, keep the units observed in every period.
 * With strict_balance an incomplete unit is an error instead.
 */
extern scomm_status scomm_did_panel_finalize(scomm_did_collector *c,
											 int strict_balance,
											 scomm_did_panel **out,
											 scomm_did_diag *diag);
extern void scomm_did_panel_free(scomm_did_panel *p);

/* ---- encodings of the collector ---------------------------------------- */

#define SCOMM_DID_CODEC_VERSION 1

extern scomm_status scomm_did_encode_binary(const scomm_did_collector *c,
											unsigned char **out, size_t *len);
extern scomm_status scomm_did_decode_binary(const unsigned char *buf,
											size_t len,
											scomm_did_collector **out);
extern scomm_status scomm_did_encode_text(const scomm_did_collector *c,
										  char **out);
extern scomm_status scomm_did_decode_text(const char *str,
										  scomm_did_collector **out);

/* ---- group-time ATTs --------------------------------------------------- */

typedef enum scomm_did_control
{
	SCOMM_DID_NEVER_TREATED = 0,
	SCOMM_DID_NOT_YET_TREATED
} scomm_did_control;

typedef enum scomm_did_base
{
	SCOMM_DID_BASE_VARYING = 0,
	SCOMM_DID_BASE_UNIVERSAL
} scomm_did_base;

typedef struct scomm_did_options
{
	scomm_did_control control;
	scomm_did_base base_period;
	int			anticipation;	/* delta >= 0, in period units */
	double		alpha;			/* for confidence intervals, e.g. 0.05 */
} scomm_did_options;

/* flags of an att_gt result */
#define SCOMM_DID_FLAG_LAST_COHORT_CONTROL 0x1	/* no never-treated units */
#define SCOMM_DID_FLAG_DROPPED_EARLY 0x2	/* units treated in first period */
#define SCOMM_DID_FLAG_LATE_AS_NEVER 0x4	/* cohorts after the last period */

/* status of one ATT(g,t) cell */
typedef enum scomm_did_cell_status
{
	SCOMM_DID_CELL_OK = 0,
	SCOMM_DID_CELL_REFERENCE,	/* universal base period itself: 0 by design */
	SCOMM_DID_CELL_NO_CONTROL,	/* no usable control unit: estimate is NULL */
	SCOMM_DID_CELL_TRIMMED		/* treated share >= 0.995 (DRDID trimming) */
} scomm_did_cell_status;

typedef struct scomm_did_cell
{
	int32_t		group;
	int32_t		period;
	int32_t		base;			/* base period value */
	int			post;			/* group <= period */
	scomm_did_cell_status status;
	double		att;			/* NaN unless status is OK or REFERENCE */
	double		se;				/* NaN when degenerate (as did: NA) */
	double		ci_lo;
	double		ci_hi;
	int			n_treated;
	int			n_control;
	/* compact influence function: see did_attgt.c */
	int			t_idx;
	int			b_idx;
	int			treat_lo;		/* treated units [treat_lo, treat_hi) */
	int			treat_hi;
	int			ctrl_lo;		/* control units [ctrl_lo, n) minus treated */
	double		mean_treated;	/* mean change of treated units */
	double		mean_control;	/* mean change of control units */
} scomm_did_cell;

typedef struct scomm_did_attgt
{
	scomm_did_options opt;
	int			flags;
	int			n;				/* units used (after did's pre-processing) */
	int			n_dropped_early;	/* units treated in the first period */
	int			n_periods;		/* periods used */
	int32_t    *periods;
	int			n_groups;		/* estimated cohorts */
	int32_t    *groups;
	int			n_cells;
	scomm_did_cell *cells;		/* ordered by group, then period */
	/* units ordered by cohort ascending (never last), then unit id */
	int			n_cohorts;		/* distinct cohorts among units (incl never) */
	int32_t    *cohort_value;
	int		   *cohort_start;	/* n_cohorts + 1 offsets */
	int		   *unit_cohort;	/* per ordered unit: index into cohort_value */
	double	   *y;				/* n x n_periods, ordered units */
} scomm_did_attgt;

extern scomm_status scomm_did_att_gt(const scomm_did_panel *p,
									 const scomm_did_options *opt,
									 scomm_did_attgt **out,
									 scomm_did_diag *diag);
extern void scomm_did_attgt_free(scomm_did_attgt *a);

/* ---- aggregations (aggte) ---------------------------------------------- */

typedef enum scomm_did_agg_type
{
	SCOMM_DID_AGG_SIMPLE = 0,
	SCOMM_DID_AGG_DYNAMIC,
	SCOMM_DID_AGG_GROUP,
	SCOMM_DID_AGG_CALENDAR
} scomm_did_agg_type;

/*
 * A linear functional of the cell influence functions plus the weight term:
 * IF(i) = sum_k w[k] IF_cell[k](i) + cohort_coef[cohort(i)].
 */
typedef struct scomm_did_linear
{
	int			n_terms;
	int		   *cell;
	double	   *w;
	double	   *cohort_coef;	/* n_cohorts entries */
} scomm_did_linear;

typedef struct scomm_did_estimate
{
	double		est;
	double		se;				/* NaN when degenerate */
	double		ci_lo;
	double		ci_hi;
} scomm_did_estimate;

typedef struct scomm_did_agg
{
	scomm_did_agg_type type;
	scomm_did_estimate overall;
	int			n_terms;		/* event times, groups or periods */
	int32_t    *term;			/* e, g or t */
	scomm_did_estimate *terms;
	int			n_skipped_cells;	/* NULL cells left out (na.rm) */
	/* linear representation: terms first, overall last */
	scomm_did_linear *lin;		/* n_terms + 1 */
} scomm_did_agg;

extern scomm_status scomm_did_aggte(const scomm_did_attgt *a,
									scomm_did_agg_type type,
									scomm_did_agg **out);
extern void scomm_did_agg_free(scomm_did_agg *g);

/* unit-level influence function (length a->n) of a linear functional */
extern scomm_status scomm_did_linear_if(const scomm_did_attgt *a,
										const scomm_did_linear *l,
										double *ifv);

/* ---- multiplier bootstrap (mboot) -------------------------------------- */

typedef struct scomm_did_boot
{
	int			k;				/* parameters */
	int			biters;
	double	   *se;				/* k; NaN for degenerate parameters */
	double		crit_val;		/* sup-t critical value at 1 - alpha */
} scomm_did_boot;

/*
 * The bootstrap keeps all biters x k draws (400 MB at this limit); beyond
 * it scomm_did_mboot returns SCOMM_ETOOBIG before allocating.
 */
#define SCOMM_DID_BOOT_MAX_VALUES 50000000

/* bootstrap k linear functionals (k may be 0 < k); seed drives mt19937 */
extern scomm_status scomm_did_mboot(const scomm_did_attgt *a,
									const scomm_did_linear *lin, int k,
									int biters, unsigned long seed,
									double alpha, scomm_did_boot **out);
/* the linear functionals of the ATT(g,t) cells themselves (usable cells) */
extern scomm_status scomm_did_cell_linears(const scomm_did_attgt *a,
										   scomm_did_linear **out, int *k);
extern void scomm_did_linears_free(scomm_did_linear *l, int k);
extern void scomm_did_boot_free(scomm_did_boot *b);

/* ---- Wald pre-test of parallel trends ---------------------------------- */

typedef struct scomm_did_pretest
{
	double		W;
	int			df;
	double		p_value;
} scomm_did_pretest;

extern scomm_status scomm_did_pretest_wald(const scomm_did_attgt *a,
										   scomm_did_pretest *out);
/*
 * The same over the pre cells with 1 <= group - period <= leads (all: -1).
 * More than SCOMM_DID_PRETEST_MAX_CELLS cells: SCOMM_ETOOBIG (the dense
 * covariance matrix and its factorization grow with the square and the cube).
 */
#define SCOMM_DID_PRETEST_MAX_CELLS 1000
extern scomm_status scomm_did_pretest_wald_leads(const scomm_did_attgt *a,
												 int leads,
												 scomm_did_pretest *out);

/* ---- two-way fixed effects --------------------------------------------- */

typedef struct scomm_did_twfe
{
	int			k;				/* coefficients */
	int32_t    *event_time;		/* k; for the static model: 0 */
	double	   *coef;
	double	   *se;				/* CR1 by unit */
	int			n_obs;
	int			n_clusters;
} scomm_did_twfe;

/* y ~ 1{t >= g} | unit + period, clustered by unit */
extern scomm_status scomm_did_twfe_static(const scomm_did_panel *p,
										  scomm_did_twfe **out);

/*
 * y ~ sum_e 1{t - g = e} | unit + period with e in [-leads, lags], e = -1
 * left out, e <= -leads binned into -leads and e >= lags into lags.
 */
extern scomm_status scomm_did_twfe_event(const scomm_did_panel *p,
										 int leads, int lags,
										 scomm_did_twfe **out);
extern void scomm_did_twfe_free(scomm_did_twfe *t);

#endif
