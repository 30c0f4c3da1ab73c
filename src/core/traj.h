/*
 * traj.h: group-based trajectory models (Nagin), PostgreSQL-free.
 *
 * A panel is a multiset of observations (unit, t, y, exposure).  A model is
 * a finite mixture of K groups; within group k the observations of a unit are
 * independent given the group, with a polynomial of degree d in t:
 *
 *   poisson  y ~ Poisson(exposure * exp(b_k(t)))
 *   zip      y = 0 with probability p_k, else Poisson(exposure * exp(b_k(t)))
 *            (zero inflation constant within a group)
 *   cnorm    y ~ Normal(b_k(t), sigma_k^2) censored at lower and upper:
 *            y <= lower contributes Phi((lower - b)/sigma), y >= upper
 *            1 - Phi((upper - b)/sigma) (trajeR's CNORM; bounds default to
 *            min(y) - 1 and max(y) + 1 as trajeR's do)
 *   nbinom   y ~ NegBin with mean mu = exposure * exp(b_k(t)) and variance
 *            mu + alpha_k mu^2 (one dispersion alpha_k per group)
 *   zinb     y = 0 with probability p_k, else nbinom
 *
 * Group membership: shares, or with covariates per unit (risk factors) a
 * multinomial logit of the group on them, group 1 the reference.
 *
 * The fit is EM from many seeded random starts, with a Newton polish on the
 * full log-likelihood; the best start wins.  Groups are numbered by share,
 * largest first.  See docs/traj_core.md for the encodings and the numbers.
 */
#ifndef SCOMM_TRAJ_H
#define SCOMM_TRAJ_H

#include <stddef.h>
#include <stdint.h>

#include "scomm_core.h"

#define SCOMM_TRAJ_MAX_GROUPS 20
#define SCOMM_TRAJ_MAX_DEGREE 5
#define SCOMM_TRAJ_MAX_STARTS 100000
#define SCOMM_TRAJ_MAX_CURVE_POINTS 1000
#define SCOMM_TRAJ_MAX_COUNT 1e15	/* largest count the count families take */
#define SCOMM_TRAJ_MAX_EXTRA 2		/* zinb: zero probability and dispersion */
#define SCOMM_TRAJ_MAX_TERMS (SCOMM_TRAJ_MAX_DEGREE + 1 + SCOMM_TRAJ_MAX_EXTRA)
#define SCOMM_TRAJ_MAX_COVARIATES 20	/* risk factors of membership per unit */
#define SCOMM_TRAJ_MAX_COVARIATE 1e15	/* largest |covariate| */
/*
 * Stored formats: version 1 (scomm 1.0) has no covariates and the families
 * poisson, zip and cnorm; version 2 adds covariates (panel), the families
 * nbinom and zinb and the membership coefficients (model).  Encoders write
 * version 1 whenever the value has nothing of version 2, so such values are
 * byte-identical to what 1.0 wrote; decoders read both.
 */
#define SCOMM_TRAJ_PANEL_VERSION 2
#define SCOMM_TRAJ_MODEL_VERSION 2

/* defaults of the SQL layer */
#define SCOMM_TRAJ_DEFAULT_DEGREE 2
#define SCOMM_TRAJ_DEFAULT_STARTS 20
#define SCOMM_TRAJ_DEFAULT_MAX_ITER 5000
#define SCOMM_TRAJ_DEFAULT_TOL 1e-9

/* a start's final log-likelihood ties the best within 1e-6 * max(1, |LL|) */
#define SCOMM_TRAJ_TIE_TOL 1e-6

typedef enum scomm_traj_family
{
	SCOMM_TRAJ_POISSON = 0,
	SCOMM_TRAJ_ZIP = 1,
	SCOMM_TRAJ_CNORM = 2,
	SCOMM_TRAJ_NBINOM = 3,
	SCOMM_TRAJ_ZINB = 4
} scomm_traj_family;

#define SCOMM_TRAJ_NFAMILIES 5
#define SCOMM_TRAJ_V1_FAMILIES 3	/* the families version 1 formats know */

typedef struct scomm_traj_panel scomm_traj_panel;

/* what to fit */
typedef struct scomm_traj_options
{
	scomm_traj_family family;
	int			groups;			/* K, 1..SCOMM_TRAJ_MAX_GROUPS */
	int			degree;			/* d, 0..SCOMM_TRAJ_MAX_DEGREE */
	int			starts;			/* random starts, 1..SCOMM_TRAJ_MAX_STARTS */
	int			max_iter;		/* EM + Newton iterations per start */
	double		tol;			/* stop when an iteration gains <= tol */
	uint64_t	seed;
	double		lower;			/* cnorm censoring bounds; NaN = default */
	double		upper;
} scomm_traj_options;

/*
 * A fitted model.  Parameters live in the scaled time s = (t - tcenter) /
 * tscale (so that powers of s stay near 1); scomm_traj_model_coefficients
 * gives them in powers of t with standard errors.  Parameter vector (the
 * order of vcov): for each group k, beta_k[0..d] and then its extra
 * parameters (zip: the logit of the zero probability; cnorm: log sigma;
 * nbinom: log alpha; zinb: the logit of the zero probability, then log
 * alpha); then the membership parameters of groups 2..K against group 1:
 * without covariates theta_2..theta_K, share_k = exp(theta_k) / sum
 * exp(theta), theta_1 = 0; with ncov covariates x, for each group k >= 2 its
 * coefficients gamma_k[0..ncov] (intercept first, raw covariate units),
 * P(group k | x) = exp(gamma_k'(1, x)) / sum_l exp(gamma_l'(1, x)).
 */
typedef struct scomm_traj_model
{
	scomm_traj_family family;
	int			ngroups;		/* K */
	int			degree;			/* d */
	int			nextra;			/* extra parameters per group (0, 1 or 2) */
	int			ncov;			/* covariates of membership (0: shares) */
	int			npar;			/* K (d + 1 + nextra) + (K - 1) (ncov + 1) */
	int			ntimes;			/* curve points */
	double	   *share;			/* [K] (with covariates: mean probability) */
	double	   *beta;			/* [K * (d + 1)] scaled-time coefficients */
	double	   *extra;			/* [K * max(1, nextra)] (zeros for poisson) */
	double	   *gamma;			/* [(K - 1) * (ncov + 1)], NULL when ncov = 0 */
	double	   *vcov;			/* [npar * npar], all NaN if singular */
	double	   *avepp;			/* [K] mean posterior of the units assigned */
	double	   *occ;			/* [K] odds of correct classification */
	double	   *assigned;		/* [K] share of units whose modal group is k */
	double	   *times;			/* [ntimes] raw times of the curves */
	double		tcenter;
	double		tscale;
	double		lower;			/* cnorm bounds; NaN for the count families */
	double		upper;
	double		loglik;
	double		bic;			/* loglik - npar/2 log(units) (Nagin) */
	double		aic;			/* loglik - npar (Nagin) */
	double		units;
	double		nobs;
	double		tol;
	double		units_left_out; /* panel units without covariates, not fitted */
	int			iterations;		/* of the best start */
	int			converged;		/* best start met the tolerance */
	int			starts;
	int			starts_at_best;
	int			starts_failed;	/* draws that collapsed and were redrawn */
	int			max_iter;
	uint64_t	seed;
} scomm_traj_model;

/* family names: "poisson", "zip", "cnorm", "nbinom", "zinb" */
extern const char *scomm_traj_family_name(scomm_traj_family f);
extern scomm_status scomm_traj_family_parse(const char *s, size_t len,
											scomm_traj_family *f);

/* panel collector; encoders' outputs come from scomm_core_alloc */
extern scomm_status scomm_traj_panel_create(scomm_traj_panel **out);
extern void scomm_traj_panel_free(scomm_traj_panel *p);
extern scomm_status scomm_traj_panel_add(scomm_traj_panel *p, int64_t unit,
										 double t, double y, double exposure);
extern scomm_status scomm_traj_panel_merge(scomm_traj_panel *dst,
										   const scomm_traj_panel *src);
extern scomm_status scomm_traj_panel_copy(const scomm_traj_panel *src,
										  scomm_traj_panel **out);
extern scomm_status scomm_traj_panel_sort(scomm_traj_panel *p);
extern size_t scomm_traj_panel_nobs(const scomm_traj_panel *p);
extern scomm_status scomm_traj_panel_get(const scomm_traj_panel *p, size_t i,
										 int64_t *unit, double *t, double *y,
										 double *exposure);
extern int	scomm_traj_panel_equal(const scomm_traj_panel *a,
								   const scomm_traj_panel *b);

/*
 * Covariates of membership (risk factors): one vector of ncov values per
 * unit (1..SCOMM_TRAJ_MAX_COVARIATES, the same ncov for every unit of a
 * panel).  x NULL marks the unit's covariates missing: a fit leaves such
 * units out (and counts them), as it does units with observations but no
 * covariates when the panel has covariates.  A unit given two different
 * vectors is an error (SCOMM_EINVAL with *why "differ"); missing stays
 * missing.  *why (may be NULL) receives the reason of an EINVAL.
 */
extern scomm_status scomm_traj_panel_set_covariates(scomm_traj_panel *p,
													int64_t unit,
													const double *x, int ncov,
													const char **why);
extern int	scomm_traj_panel_ncov(const scomm_traj_panel *p);
/* covariate records (in canonical order after a sort): unit, values, missing */
extern size_t scomm_traj_panel_ncovunits(const scomm_traj_panel *p);
extern scomm_status scomm_traj_panel_get_covariates(const scomm_traj_panel *p,
													size_t i, int64_t *unit,
													const double **x,
													int *missing);
/* the unit and reason of the last covariate error (set_covariates, merge) */
extern scomm_status scomm_traj_panel_last_error(const scomm_traj_panel *p,
												int64_t *unit,
												const char **why);
/* the record of one unit: SCOMM_EINVAL when it has none */
extern scomm_status scomm_traj_panel_find_covariates(const scomm_traj_panel *p,
													 int64_t unit,
													 const double **x,
													 int *missing);

/*
 * Check that a panel can be fitted with a family: *bad receives the index
 * (in canonical order) of the first offending observation and *why a short
 * reason; SCOMM_EINVAL then.  The panel is sorted in place.
 */
extern scomm_status scomm_traj_panel_check(scomm_traj_panel *p,
										   scomm_traj_family family,
										   size_t *bad, const char **why);

/* the length of the binary encoding (version 1 when there are no covariates) */
extern size_t scomm_traj_panel_encoded_size(const scomm_traj_panel *p);
extern scomm_status scomm_traj_panel_to_bytes(const scomm_traj_panel *p,
											  unsigned char **out, size_t *len);
extern scomm_status scomm_traj_panel_from_bytes(const unsigned char *buf,
												size_t len,
												scomm_traj_panel **out);
extern scomm_status scomm_traj_panel_to_text(const scomm_traj_panel *p,
											 char **out, size_t *len);
extern scomm_status scomm_traj_panel_from_text(const char *s, size_t len,
											   scomm_traj_panel **out);

/* fit */
extern void scomm_traj_options_default(scomm_traj_options *o);
extern scomm_status scomm_traj_fit(const scomm_traj_panel *p,
								   const scomm_traj_options *o,
								   scomm_traj_model **out);
extern void scomm_traj_model_free(scomm_traj_model *m);

/* number of coefficient rows per group (d + 1 + nextra) and their names */
extern int	scomm_traj_model_nterms(const scomm_traj_model *m);
extern const char *scomm_traj_term_name(const scomm_traj_model *m, int term);

/*
 * Coefficients of group (0-based) in powers of raw t, then sigma (cnorm),
 * the zero probability (zip, zinb) and the dispersion alpha (nbinom, zinb),
 * with standard errors (NaN when the information matrix is singular):
 * est[nterms], se[nterms].
 */
extern scomm_status scomm_traj_model_coefficients(const scomm_traj_model *m,
												  int group, double *est,
												  double *se);

/*
 * Membership coefficients of group (0-based, 1..K-1; group 0 is the
 * reference) in raw covariate units: est[ncov + 1], se[ncov + 1], the
 * intercept first (without covariates: log(share_k / share_1)).
 */
extern scomm_status scomm_traj_model_risk(const scomm_traj_model *m, int group,
										  double *est, double *se);

/* expected y per unit of exposure of group (0-based) at time t */
extern scomm_status scomm_traj_model_expected(const scomm_traj_model *m,
											  int group, double t,
											  double *value);

/*
 * Posterior membership of every unit of panel p (sorted in place): arrays of
 * *nunits units (ascending), 1-based modal groups and their posteriors, from
 * scomm_core_alloc.  post_all, when not NULL, receives [nunits * K].  Under
 * a model with covariates the prior of a unit is its multinomial-logit
 * probability: the panel needs the model's number of covariates, and units
 * without covariates are left out (*left_out, when not NULL, counts them).
 */
extern scomm_status scomm_traj_membership(const scomm_traj_model *m,
										  scomm_traj_panel *p,
										  size_t *nunits, int64_t **units,
										  int **group, double **posterior,
										  double **post_all, size_t *left_out);

/* model encodings */
extern scomm_status scomm_traj_model_to_bytes(const scomm_traj_model *m,
											  unsigned char **out, size_t *len);
extern scomm_status scomm_traj_model_from_bytes(const unsigned char *buf,
												size_t len,
												scomm_traj_model **out);
extern scomm_status scomm_traj_model_to_text(const scomm_traj_model *m,
											 char **out, size_t *len);
extern scomm_status scomm_traj_model_from_text(const char *s, size_t len,
											   scomm_traj_model **out);

#endif
