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
#define SCOMM_TRAJ_PANEL_VERSION 1
#define SCOMM_TRAJ_MODEL_VERSION 1

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
	SCOMM_TRAJ_CNORM = 2
} scomm_traj_family;

#define SCOMM_TRAJ_NFAMILIES 3

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
 * order of vcov): for each group k, beta_k[0..d] and then extra_k (zip: the
 * logit of the zero probability; cnorm: log sigma); then theta_1..theta_{K-1},
 * share_k = exp(theta_k) / sum exp(theta), theta_0 = 0.
 */
typedef struct scomm_traj_model
{
	scomm_traj_family family;
	int			ngroups;		/* K */
	int			degree;			/* d */
	int			nextra;			/* 1 for zip and cnorm, 0 for poisson */
	int			npar;			/* K (d + 1 + nextra) + K - 1 */
	int			ntimes;			/* curve points */
	double	   *share;			/* [K] */
	double	   *beta;			/* [K * (d + 1)] scaled-time coefficients */
	double	   *extra;			/* [K] (all zero for poisson) */
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
	int			iterations;		/* of the best start */
	int			converged;		/* best start met the tolerance */
	int			starts;
	int			starts_at_best;
	int			starts_failed;	/* draws that collapsed and were redrawn */
	int			max_iter;
	uint64_t	seed;
} scomm_traj_model;

/* family names: "poisson", "zip", "cnorm" */
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
 * Check that a panel can be fitted with a family: *bad receives the index
 * (in canonical order) of the first offending observation and *why a short
 * reason; SCOMM_EINVAL then.  The panel is sorted in place.
 */
extern scomm_status scomm_traj_panel_check(scomm_traj_panel *p,
										   scomm_traj_family family,
										   size_t *bad, const char **why);

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
 * Coefficients of group (0-based) in powers of raw t, then sigma (cnorm) or
 * the zero probability (zip), with standard errors (NaN when the information
 * matrix is singular): est[nterms], se[nterms].
 */
extern scomm_status scomm_traj_model_coefficients(const scomm_traj_model *m,
												  int group, double *est,
												  double *se);

/* expected y per unit of exposure of group (0-based) at time t */
extern scomm_status scomm_traj_model_expected(const scomm_traj_model *m,
											  int group, double t,
											  double *value);

/*
 * Posterior membership of every unit of panel p (sorted in place): arrays of
 * *nunits units (ascending), 1-based modal groups and their posteriors, from
 * scomm_core_alloc.  post_all, when not NULL, receives [nunits * K].
 */
extern scomm_status scomm_traj_membership(const scomm_traj_model *m,
										  scomm_traj_panel *p,
										  size_t *nunits, int64_t **units,
										  int **group, double **posterior,
										  double **post_all);

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
