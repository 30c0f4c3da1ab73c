/*
 * traj_model_check.c: the list of a model's scalar fields and the validation
 * every decoded model passes before anyone uses it.
 */
#include <math.h>
#include <stddef.h>

#include "traj_int.h"

#define SUM_TOL 1e-9			/* shares must sum to 1 within this */
#define STAT_TOL 1e-9			/* BIC and AIC must match their formulas */

const TrajField scomm_traj_double_fields[] = {
	{"tcenter", offsetof(scomm_traj_model, tcenter), 0},
	{"tscale", offsetof(scomm_traj_model, tscale), 0},
	{"lower", offsetof(scomm_traj_model, lower), 1},
	{"upper", offsetof(scomm_traj_model, upper), 1},
	{"loglik", offsetof(scomm_traj_model, loglik), 0},
	{"bic", offsetof(scomm_traj_model, bic), 0},
	{"aic", offsetof(scomm_traj_model, aic), 0},
	{"units", offsetof(scomm_traj_model, units), 0},
	{"nobs", offsetof(scomm_traj_model, nobs), 0},
	{"tol", offsetof(scomm_traj_model, tol), 0},
	{"units_left_out", offsetof(scomm_traj_model, units_left_out), 0},
};
const int	scomm_traj_ndouble_fields =
sizeof(scomm_traj_double_fields) / sizeof(scomm_traj_double_fields[0]);
/* version 1 has every double field but the last (units_left_out) */
const int	scomm_traj_ndouble_fields_v1 =
sizeof(scomm_traj_double_fields) / sizeof(scomm_traj_double_fields[0]) - 1;

const TrajField scomm_traj_int_fields[] = {
	{"npar", offsetof(scomm_traj_model, npar), 0},
	{"iterations", offsetof(scomm_traj_model, iterations), 0},
	{"converged", offsetof(scomm_traj_model, converged), 0},
	{"starts", offsetof(scomm_traj_model, starts), 0},
	{"starts_at_best", offsetof(scomm_traj_model, starts_at_best), 0},
	{"starts_failed", offsetof(scomm_traj_model, starts_failed), 0},
	{"max_iter", offsetof(scomm_traj_model, max_iter), 0},
};
const int	scomm_traj_nint_fields =
sizeof(scomm_traj_int_fields) / sizeof(scomm_traj_int_fields[0]);

static int
IsProb(double v)
{
	return isfinite(v) && v >= 0.0 && v <= 1.0;
}

/* Shares, coefficients, covariance, classification and curve times. */
static int
CheckArrays(const scomm_traj_model *m)
{
	int			K = m->ngroups,
				p = m->degree + 1,
				k,
				j;
	size_t		a,
				np2 = (size_t) m->npar * m->npar;
	double		s = 0.0;

	for (a = 0; a < scomm_traj_model_nextra_values(m); a++)
		if (!isfinite(m->extra[a]) || (m->nextra == 0 && m->extra[a] != 0.0))
			return 0;
	for (a = 0; a < scomm_traj_model_ngamma(m); a++)
		if (!isfinite(m->gamma[a]))
			return 0;
	/* the negative binomial's log alpha, last extra of a group, in range */
	if (m->family == SCOMM_TRAJ_NBINOM || m->family == SCOMM_TRAJ_ZINB)
		for (k = 0; k < K; k++)
		{
			double		s = m->extra[k * m->nextra + m->nextra - 1];

			if (!(s >= TRAJ_NB_S_MIN && s <= TRAJ_NB_S_MAX))
				return 0;
		}
	for (k = 0; k < K; k++)
	{
		if (!IsProb(m->share[k]) || m->share[k] == 0.0 ||
			!(isnan(m->avepp[k]) || IsProb(m->avepp[k])) ||
			!(isnan(m->occ[k]) || m->occ[k] >= 0.0) || !IsProb(m->assigned[k]))
			return 0;
		s += m->share[k];
		for (j = 0; j < p; j++)
			if (!isfinite(m->beta[k * p + j]))
				return 0;
	}
	if (fabs(s - 1.0) > SUM_TOL)
		return 0;
	for (a = 0; a < np2; a++)
		if (isinf(m->vcov[a]))
			return 0;
	for (j = 0; j < m->ntimes; j++)
		if (!isfinite(m->times[j]) || (j > 0 && !(m->times[j] > m->times[j - 1])))
			return 0;
	return 1;
}

/* Scalars: finite where required, formulas and run bookkeeping consistent. */
static int
CheckScalars(const scomm_traj_model *m)
{
	int			i;
	double		bic,
				aic;

	for (i = 0; i < scomm_traj_ndouble_fields; i++)
	{
		double		v = *TRAJ_DFIELD(m, &scomm_traj_double_fields[i]);

		if (!isfinite(v) && !scomm_traj_double_fields[i].nan_ok)
			return 0;
	}
	if (m->family == SCOMM_TRAJ_CNORM)
	{
		if (isnan(m->lower) || isnan(m->upper) || !(m->lower < m->upper) ||
			m->lower == INFINITY || m->upper == -INFINITY)
			return 0;
	}
	else if (!isnan(m->lower) || !isnan(m->upper) || m->loglik > 0.0)
		return 0;
	if (!(m->tscale > 0) || m->units < 1 || m->units != floor(m->units) ||
		m->nobs < m->units || m->nobs != floor(m->nobs) || m->units > 1e15 ||
		m->nobs > 1e15 || m->units_left_out < 0 || m->units_left_out > 1e15 ||
		m->units_left_out != floor(m->units_left_out) ||
		(m->ncov == 0 && m->units_left_out != 0))
		return 0;
	bic = m->loglik - 0.5 * m->npar * log(m->units);
	aic = m->loglik - m->npar;
	if (fabs(m->bic - bic) > STAT_TOL * (1.0 + fabs(bic)) ||
		fabs(m->aic - aic) > STAT_TOL * (1.0 + fabs(aic)))
		return 0;
	return m->tol >= 0.0 && m->max_iter >= 1 && m->iterations >= 0 &&
		m->iterations <= m->max_iter && (m->converged == 0 || m->converged == 1) &&
		m->starts >= 1 && m->starts_at_best >= 1 &&
		m->starts_at_best <= m->starts && m->starts_failed >= 0;
}

/* SCOMM_OK when m is a model a fit could have produced, else ECORRUPT. */
scomm_status
scomm_traj_model_check(const scomm_traj_model *m)
{
	if (m == NULL || (int) m->family < 0 || (int) m->family >= SCOMM_TRAJ_NFAMILIES ||
		m->ngroups < 1 || m->ngroups > SCOMM_TRAJ_MAX_GROUPS ||
		m->degree < 0 || m->degree > SCOMM_TRAJ_MAX_DEGREE ||
		m->ncov < 0 || m->ncov > SCOMM_TRAJ_MAX_COVARIATES ||
		m->nextra != scomm_traj_nextra(m->family) ||
		m->npar != m->ngroups * (m->degree + 1 + m->nextra) +
		(m->ngroups - 1) * (m->ncov + 1) ||
		m->ntimes < 1 || m->ntimes > SCOMM_TRAJ_MAX_CURVE_POINTS ||
		(double) m->ntimes > m->nobs)
		return SCOMM_ECORRUPT;
	if (!CheckArrays(m) || !CheckScalars(m))
		return SCOMM_ECORRUPT;
	return SCOMM_OK;
}
