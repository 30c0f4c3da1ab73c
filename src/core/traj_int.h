/*
 * traj_int.h: internals shared by the traj*.c files (not part of the API).
 */
#ifndef SCOMM_TRAJ_INT_H
#define SCOMM_TRAJ_INT_H

#include <stddef.h>
#include <stdint.h>

#include "codec_io.h"
#include "mlogit.h"
#include "traj.h"

/*
 * observations as parallel arrays; canonical order is (unit, t, y, exposure).
 * Covariate records (one per unit that was given covariates) beside them,
 * canonical order by unit, found through an open-addressing hash of the
 * units (built on demand).
 */
struct scomm_traj_panel
{
	size_t		n;
	size_t		cap;
	int64_t    *unit;
	double	   *t;
	double	   *y;
	double	   *e;
	int			sorted;			/* storage is in canonical order */
	int			ncov;			/* covariates per unit; 0 before the first vector */
	size_t		nc;				/* covariate records */
	size_t		ccap;
	int64_t    *cu;				/* [nc] units */
	unsigned char *cmiss;		/* [nc] 1: covariates missing */
	double	   *cx;				/* [ccap * ncov] values */
	int			csorted;		/* records in unit order */
	size_t	   *hash;			/* [hcap] record index + 1, 0 = empty */
	size_t		hcap;			/* 0: no hash built */
	int64_t		err_unit;		/* the unit of the last covariate error */
	const char *err_why;
};

/* observation classes */
#define TRAJ_OBS_ZERO 0			/* count families: y = 0 */
#define TRAJ_OBS_POS 1			/* count families: y > 0 */
#define TRAJ_OBS_MID 0			/* cnorm: lower < y < upper */
#define TRAJ_OBS_LOW 1			/* cnorm: y <= lower */
#define TRAJ_OBS_HIGH 2			/* cnorm: y >= upper */

/* the arrays a fit or a posterior works on (units in ascending order) */
typedef struct TrajData
{
	scomm_traj_family family;
	int			K;				/* groups */
	int			p;				/* d + 1 */
	int			q;				/* parameters per group: p + nextra */
	int			nextra;
	size_t		nunits;
	size_t		nobs;
	size_t		ntimes;			/* distinct times */
	int64_t    *unit_id;		/* [nunits] */
	size_t	   *ustart;			/* [nunits + 1] */
	double	   *y;				/* [nobs] */
	double	   *e;				/* [nobs] */
	int		   *tj;				/* [nobs] index of the distinct time */
	unsigned char *cls;			/* [nobs] TRAJ_OBS_* */
	int		   *cell;			/* [nobs] zip zero cell, else -1 */
	double	   *tval;			/* [ntimes] distinct raw times */
	double	   *x;				/* [ntimes * p] powers of the scaled time */
	double	   *ucst;			/* [nunits] constant of log f (log y!, ...) */
	double	   *usy;			/* [nunits * p] sum of y x over counted obs */
	double	   *upos;			/* [nunits] zip: positive obs; cnorm: mid obs */
	size_t		ncells;			/* zip zero cells: distinct (time, exposure) */
	int		   *cell_tj;		/* [ncells] */
	double	   *cell_e;			/* [ncells] */
	double		tcenter;
	double		tscale;
	double		lower;
	double		upper;
	/* nbinom, zinb: the distinct positive counts */
	size_t		ny;
	double	   *yval;			/* [ny] ascending */
	int		   *ycell;			/* [nobs] index into yval; -1 for y = 0 */
	double	   *nbscratch;		/* [7 ntimes] scratch of the group functions */
	/*
	 * memo of log1p(mu / theta) per observation for the last parameter
	 * vectors a group function saw (nbslots slots, least recently used
	 * replaced): the E-step, the M-step's derivatives and the next E-step
	 * then share one pass of logarithms
	 */
	int			nbslots;
	double	   *nbL;			/* [nbslots * (nobs + 3 ny)]: L, then the y-tables */
	double	   *nbkey;			/* [nbslots * TRAJ_MAX_Q] parameters of each slot */
	unsigned long *nbage;		/* [nbslots + 1] last use; the clock last */
	unsigned char *nbderiv;		/* [nbslots] the slot's dg and tg are computed */
	/*
	 * covariates of membership (ncov > 0): per unit (x - xcenter) / xscale,
	 * the multinomial logit's rows (its intercept implicit); the fit
	 * standardises them, the membership of a fitted model takes them raw
	 * (center 0, scale 1)
	 */
	int			ncov;
	double	   *ux;				/* [nunits * ncov] */
	double	   *xcenter;		/* [ncov] */
	double	   *xscale;			/* [ncov] */
	size_t		left_out;		/* units of the panel left out: no covariates */
} TrajData;

/* the largest parameter count of a group: d + 1 + extras */
#define TRAJ_MAX_Q SCOMM_TRAJ_MAX_TERMS

/* group parameters and scratch of one EM run */
typedef struct TrajWork
{
	double	   *par;			/* [K * q] beta_k then extra_k */
	double	   *share;			/* [K] */
	double	   *logshare;		/* [K] */
	double	   *post;			/* [nunits * K] posteriors */
	double	   *lf;				/* [nunits * K] log f_ik + log share_k */
	double	   *tab;			/* [K * ntimes * 3] per-time values (TRAJ_TAB) */
	double	   *ck;				/* [K * ncache]: zip: log P(y = 0) per cell;
								 * nbinom/zinb: y-tables (TRAJ_NB_*) */
	double	   *stat;			/* [K * nstat] M-step sufficient statistics */
	size_t		nstat;
	double	   *grad;			/* [npar] */
	double	   *hess;			/* [npar * npar] */
	double	   *step;			/* [npar] */
	double	   *trial;			/* [K * q + K] */
	double	   *ug;				/* [K * q] per-unit gradients */
	double		ll;
	/* membership with covariates (d->ncov > 0 and K > 1) */
	int			ngamma;			/* (K - 1) (ncov + 1), 0 without */
	double	   *gamma;			/* [ngamma] mlogit coefficients (standardised) */
	double	   *gamma_keep;		/* [ngamma] saved by the Newton line search */
	double	   *lpri;			/* [nunits * K] log prior of each unit */
	scomm_mlogit_work *mw;
} TrajWork;

/* panel internals */
extern scomm_status scomm_traj_panel_reserve(scomm_traj_panel *p, size_t n);
extern scomm_status scomm_traj_panel_reserve_records(scomm_traj_panel *p,
													 size_t n);
/* append a record that sorts after the last (decoders); values may be NULL */
extern void scomm_traj_panel_push_record(scomm_traj_panel *p, int64_t unit,
										 const double *x, int missing);
extern int	scomm_traj_obs_cmp(int64_t ua, double ta, double ya, double ea,
							   int64_t ub, double tb, double yb, double eb);

/* data preparation: from a sorted panel; scaling from the data when
 * tscale <= 0, else the given one (posterior of a fitted model) */
extern scomm_status scomm_traj_data_prepare(const scomm_traj_panel *p,
											scomm_traj_family family, int K,
											int degree, double lower,
											double upper, double tcenter,
											double tscale, TrajData *d);
extern void scomm_traj_data_free(TrajData *d);
/*
 * Covariates of the units of d from the records of panel cov (every unit
 * must have a record with values): standardised with their mean and
 * standard deviation when center is NULL (a fit; SCOMM_EINVAL when one is
 * constant over the units), else with center and scale.
 */
extern scomm_status scomm_traj_data_covariates(TrajData *d,
											   const scomm_traj_panel *cov,
											   int ncov, const double *center,
											   const double *scale);
/* the observations of the units of p that have covariates; *left the others */
extern scomm_status scomm_traj_panel_with_covariates(const scomm_traj_panel *p,
													 scomm_traj_panel **out,
													 size_t *left);
extern scomm_status scomm_traj_work_alloc(const TrajData *d, TrajWork *w);
extern void scomm_traj_work_free(TrajWork *w);

/* EM pieces (traj_em.c) */
extern int	scomm_traj_npar(const TrajData *d);
extern int	scomm_traj_estep(const TrajData *d, TrajWork *w);
extern int	scomm_traj_mstep(const TrajData *d, TrajWork *w, int newton_iter);
extern int	scomm_traj_init_group(const TrajData *d, TrajWork *w, int k);
extern void scomm_traj_init_membership(const TrajData *d, TrajWork *w);
extern int	scomm_traj_group_stats(const TrajData *d, TrajWork *w);
extern int	scomm_traj_chol_solve(double *A, int n, const double *b, double *x);
extern int	scomm_traj_ascent_step(const double *h, const double *g, int q,
								   double *step, double *scratch);

/* full-likelihood derivatives and Newton (traj_newton.c) */
extern int	scomm_traj_full_derivs(const TrajData *d, TrajWork *w);
extern scomm_status scomm_traj_run(const TrajData *d, TrajWork *w,
								   int max_iter, double tol, double best_ll,
								   int *iterations, int *converged,
								   int *stopped);
extern int	scomm_traj_vcov(const TrajData *d, TrajWork *w, double *vcov);

/*
 * per-family pieces (traj_family.c).  tab holds, per time j, 3 values:
 * poisson/zip/nbinom/zinb: eta_j, exp(eta_j), unused; cnorm: m_j, log Phi of
 * the lower bound's standardised distance, log Phi of the upper one's.
 */
#define TRAJ_TAB(tab, d, j) ((tab) + (size_t) (j) * 3)
extern size_t scomm_traj_nstat(const TrajData *d);
extern size_t scomm_traj_ncache(const TrajData *d);
extern int	scomm_traj_nextra(scomm_traj_family f);
extern int	scomm_traj_group_tables(const TrajData *d, const double *par,
									double *tab, double *ck);
extern double scomm_traj_unit_logf(const TrajData *d, size_t i,
								   const double *par, const double *tab,
								   const double *ck);
extern void scomm_traj_unit_grad(const TrajData *d, size_t i,
								 const double *par, const double *tab,
								 const double *ck, double *g);
extern void scomm_traj_accum_stats(const TrajData *d, size_t i, double w,
								   double *stat);
extern double scomm_traj_group_q(const TrajData *d, const double *stat,
								 const double *par);
extern int	scomm_traj_group_q_derivs(const TrajData *d, const double *stat,
									  const double *par, double *g, double *h);
extern void scomm_traj_group_start(const TrajData *d, const double *stat,
								   double *par);
extern double scomm_traj_expected_value(scomm_traj_family f, double eta,
										const double *extra, double lower,
										double upper);
extern double scomm_traj_log_phi(double x);

/*
 * negative binomial families (traj_nbinom.c).  Group parameters: beta, then
 * (zinb) nu = logit of the zero probability, then s = log alpha; theta =
 * 1/alpha.  The y-tables hold per distinct positive count y: lgamma(y +
 * theta) - lgamma(theta) - y log theta, psi(y + theta) - psi(theta) and
 * psi'(y + theta) - psi'(theta); they and log1p(mu / theta) of every
 * observation live in the memo (TrajData), whose slot of a group's
 * parameters is its ck[0].  The M-step statistics of a group are its units'
 * posterior weights (nstat = nunits).
 */
#define TRAJ_NB_S_MIN (-30.0)	/* log alpha below: treated as out of range */
#define TRAJ_NB_S_MAX 30.0
#define TRAJ_NB_MEMO_DOUBLES (1 << 24)	/* memory of the log1p memo (128 MB) */
extern scomm_status scomm_traj_nb_prepare(TrajData *d);
extern int	scomm_traj_nb_tables(const TrajData *d, const double *par,
								 double *tab, double *ck);
extern double scomm_traj_nb_unit_logf(const TrajData *d, size_t i,
									  const double *par, const double *tab,
									  const double *ck);
extern void scomm_traj_nb_unit_grad(const TrajData *d, size_t i,
									const double *par, const double *tab,
									const double *ck, double *g);
extern double scomm_traj_nb_group_q(const TrajData *d, const double *stat,
									const double *par);
extern int	scomm_traj_nb_group_q_derivs(const TrajData *d, const double *stat,
										 const double *par, double *g,
										 double *h);
extern void scomm_traj_nb_group_start(const TrajData *d, const double *stat,
									  double *par);
/* special functions of the tables (exposed for the unit tests) */
extern void scomm_traj_nb_ytables(const TrajData *d, double theta, double *lg,
								  double *dg, double *tg);

/* model internals */
extern scomm_status scomm_traj_model_alloc(scomm_traj_family family, int K,
										   int degree, int ntimes, int ncov,
										   scomm_traj_model **out);
extern size_t scomm_traj_model_nextra_values(const scomm_traj_model *m);
extern size_t scomm_traj_model_ngamma(const scomm_traj_model *m);
extern int	scomm_traj_model_version(const scomm_traj_model *m);
extern scomm_status scomm_traj_model_check(const scomm_traj_model *m);
extern scomm_status scomm_traj_model_build(const TrajData *d, TrajWork *w,
										   scomm_traj_model **out);
extern void scomm_traj_classification(const TrajData *d, const TrajWork *w,
									  double *avepp, double *occ,
									  double *assigned);

/* scalar model fields, in encoding order */
typedef struct TrajField
{
	const char *name;
	size_t		off;
	int			nan_ok;
} TrajField;

extern const TrajField scomm_traj_double_fields[];
extern const int scomm_traj_ndouble_fields;
extern const int scomm_traj_ndouble_fields_v1;
extern const TrajField scomm_traj_int_fields[];
extern const int scomm_traj_nint_fields;

#define TRAJ_DFIELD(m, f) ((double *) ((char *) (m) + (f)->off))
#define TRAJ_IFIELD(m, f) ((int *) ((char *) (m) + (f)->off))

#endif
