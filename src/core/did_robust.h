/*
 * did_robust.h: heterogeneity-robust estimators and diagnostics on the
 * balanced did panel (did.h), without PostgreSQL:
 *   Sun & Abraham (2021) interaction-weighted event study, as fixest's
 *     sunab() with unit-clustered standard errors;
 *   the Goodman-Bacon (2021) decomposition of the two-way fixed-effects
 *     coefficient, as bacondecomp::bacon();
 *   the imputation estimator of Borusyak, Jaravel & Spiess (2024) with its
 *     conservative standard errors.
 * See docs/did_robust.md.
 */
#ifndef SCOMM_DID_ROBUST_H
#define SCOMM_DID_ROBUST_H

#include "did.h"

/* flags of the results */
#define SCOMM_DID_ROBUST_LAST_COHORT_CONTROL 0x1	/* no never-treated units */
#define SCOMM_DID_ROBUST_DROPPED_ALWAYS 0x2 /* units treated by the first period */

/* ---- Sun & Abraham ------------------------------------------------------ */

typedef struct scomm_did_sunab_coef
{
	int32_t		cohort;
	int32_t		event_time;		/* relative period e = t - cohort */
	double		est;
	double		se;
	int			n_obs;			/* observations with this indicator */
} scomm_did_sunab_coef;

typedef struct scomm_did_sunab
{
	int			n_cp;			/* cohort x relative period coefficients */
	scomm_did_sunab_coef *cp;	/* by cohort, then relative period */
	int			n_period;		/* aggregated per relative period */
	scomm_did_sunab_coef *period;	/* cohort = 0 */
	scomm_did_sunab_coef att;	/* all post-treatment coefficients */
	int			n_obs;
	int			n_clusters;
	int			dof_k;			/* parameters counted by the small-sample factor */
	int			flags;
	int			n_dropped_always;
	int32_t		control_cohort; /* the last cohort when it is the control */
} scomm_did_sunab;

/*
 * y ~ sum over treated cohorts g and relative periods e != -1 of
 * 1{cohort = g, t - g = e} | unit + period, never-treated units as the
 * reference cohort (else the last cohort, with the periods from its start
 * left out); units treated by the first period are left out as fixest
 * does.  Standard errors clustered by unit with fixest's default
 * small-sample factor G/(G-1) (n-1)/(n-K), K = coefficients + periods.
 */
extern scomm_status scomm_did_sunab_fit(const scomm_did_panel *p, scomm_did_sunab **out,
									scomm_did_diag *diag);
extern void scomm_did_sunab_free(scomm_did_sunab *s);

/* ---- Goodman-Bacon decomposition ---------------------------------------- */

typedef enum scomm_did_bacon_type
{
	SCOMM_BACON_TREATED_VS_UNTREATED = 0,
	SCOMM_BACON_EARLIER_VS_LATER,
	SCOMM_BACON_LATER_VS_EARLIER,
	SCOMM_BACON_LATER_VS_ALWAYS
} scomm_did_bacon_type;

typedef struct scomm_did_bacon_term
{
	scomm_did_bacon_type type;
	int32_t		treated;		/* first treated period of the treated group */
	int32_t		untreated;		/* of the comparison group; SCOMM_DID_NEVER */
	double		estimate;		/* the 2x2 difference in differences */
	double		weight;			/* sums to 1 over the terms */
} scomm_did_bacon_term;

typedef struct scomm_did_bacon
{
	int			n;
	scomm_did_bacon_term *terms;	/* by type, treated, untreated */
	double		total;			/* sum of weight * estimate (= the TWFE coefficient) */
} scomm_did_bacon;

extern scomm_status scomm_did_bacon_decompose(const scomm_did_panel *p, scomm_did_bacon **out,
									scomm_did_diag *diag);
extern void scomm_did_bacon_free(scomm_did_bacon *b);

/* ---- imputation estimator ----------------------------------------------- */

typedef struct scomm_did_impute_est
{
	int32_t		event_time;		/* e >= 0; ignored for the overall effect */
	double		est;
	double		se;
	int			n_obs;			/* treated observations averaged */
} scomm_did_impute_est;

typedef struct scomm_did_impute
{
	scomm_did_impute_est overall;	/* every treated observation */
	int			n_e;
	scomm_did_impute_est *by_e; /* per event time, ascending */
	int			n_units;
	int			n_untreated_obs;
	int			flags;
	int			n_dropped_always;
	int32_t		control_cohort;
} scomm_did_impute;

/*
 * Unit and period effects fitted on the untreated observations (never
 * treated units, and treated units before their first treated period),
 * the untreated outcome of every treated observation imputed, effects
 * averaged with equal weights by event time and overall.  Standard errors
 * of BJS Theorem 3: sum over units of (sum_t v_it e_it)^2, v the implied
 * weights of the estimator, e the untreated residuals and, for treated
 * observations, the effects minus their cohort x event-time means.
 */
extern scomm_status scomm_did_impute_fit(const scomm_did_panel *p, scomm_did_impute **out,
									 scomm_did_diag *diag);
extern void scomm_did_impute_free(scomm_did_impute *m);

/* ---- the sample shared by Sun & Abraham and the imputation estimator ---- */

/*
 * Units ordered by role: treated cohorts ascending, then the controls;
 * always-treated units left out; without never-treated units the last
 * cohort becomes the control and the periods from its start are left out.
 */
typedef struct scomm_did_design
{
	int			n_units;		/* units kept */
	int			n_periods;		/* periods kept (a prefix of the panel's) */
	const int32_t *periods;
	int		   *row;			/* panel row of each kept unit */
	int			n_cohorts;		/* treated cohorts */
	int32_t    *cohort;			/* their first treated periods */
	int		   *cohort_start;	/* n_cohorts + 1 offsets; controls after */
	int		   *first_idx;		/* per cohort: index of its first treated period */
	int			n_control;
	int			flags;
	int			n_dropped_always;
	int32_t		control_cohort;
} scomm_did_design;

extern scomm_status scomm_did_design_build(const scomm_did_panel *p, scomm_did_design *d,
										   scomm_did_diag *diag);
extern void scomm_did_design_free(scomm_did_design *d);

#endif
