/*
 * traj_model.c: the fitted model value: allocation, construction from the
 * best start (groups ordered by share, covariance, classification), and the
 * quantities read from it (coefficients in raw time, expected curves,
 * posterior membership of a panel's units).
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "traj_int.h"


void
scomm_traj_model_free(scomm_traj_model *m)
{
	if (m == NULL)
		return;
	scomm_core_free(m->share);
	scomm_core_free(m->beta);
	scomm_core_free(m->extra);
	scomm_core_free(m->gamma);
	scomm_core_free(m->vcov);
	scomm_core_free(m->avepp);
	scomm_core_free(m->occ);
	scomm_core_free(m->assigned);
	scomm_core_free(m->times);
	scomm_core_free(m);
}

/* entries of the extra array: K * max(1, nextra) */
size_t
scomm_traj_model_nextra_values(const scomm_traj_model *m)
{
	return (size_t) m->ngroups * (m->nextra > 1 ? m->nextra : 1);
}

/* entries of the gamma array: (K - 1) (ncov + 1) with covariates, else 0 */
size_t
scomm_traj_model_ngamma(const scomm_traj_model *m)
{
	return m->ncov > 0 ? (size_t) (m->ngroups - 1) * (m->ncov + 1) : 0;
}

/* A zeroed model with its arrays; sizes must be in range. */
scomm_status
scomm_traj_model_alloc(scomm_traj_family family, int K, int degree, int ntimes,
					   int ncov, scomm_traj_model **out)
{
	scomm_traj_model *m;
	size_t		np;

	*out = NULL;
	if ((int) family < 0 || (int) family >= SCOMM_TRAJ_NFAMILIES ||
		K < 1 || K > SCOMM_TRAJ_MAX_GROUPS || degree < 0 ||
		degree > SCOMM_TRAJ_MAX_DEGREE || ntimes < 1 ||
		ntimes > SCOMM_TRAJ_MAX_CURVE_POINTS || ncov < 0 ||
		ncov > SCOMM_TRAJ_MAX_COVARIATES)
		return SCOMM_EINVAL;
	m = scomm_core_alloc(sizeof(*m));
	if (m == NULL)
		return SCOMM_ENOMEM;
	m->family = family;
	m->ngroups = K;
	m->degree = degree;
	m->nextra = scomm_traj_nextra(family);
	m->ncov = ncov;
	m->npar = K * (degree + 1 + m->nextra) + (K - 1) * (ncov + 1);
	m->ntimes = ntimes;
	np = (size_t) m->npar;
	m->share = scomm_core_alloc(K * sizeof(double));
	m->beta = scomm_core_alloc((size_t) K * (degree + 1) * sizeof(double));
	m->extra = scomm_core_alloc(scomm_traj_model_nextra_values(m) * sizeof(double));
	m->gamma = scomm_core_alloc((scomm_traj_model_ngamma(m) + 1) * sizeof(double));
	m->vcov = scomm_core_alloc(np * np * sizeof(double));
	m->avepp = scomm_core_alloc(K * sizeof(double));
	m->occ = scomm_core_alloc(K * sizeof(double));
	m->assigned = scomm_core_alloc(K * sizeof(double));
	m->times = scomm_core_alloc(ntimes * sizeof(double));
	if (!m->share || !m->beta || !m->extra || !m->gamma || !m->vcov || !m->avepp ||
		!m->occ || !m->assigned || !m->times)
	{
		scomm_traj_model_free(m);
		return SCOMM_ENOMEM;
	}
	*out = m;
	return SCOMM_OK;
}

/*
 * Per group: the mean posterior of the units whose modal group it is
 * (avepp, NaN if none), the share of units assigned, and the odds of
 * correct classification (avepp / (1 - avepp)) / (share / (1 - share)),
 * with 1 - avepp and 1 - share summed from the other groups so that they
 * keep their precision when close to 0 (occ is +inf when no assigned unit
 * has any posterior elsewhere, NaN for K = 1 or no unit assigned).
 */
void
scomm_traj_classification(const TrajData *d, const TrajWork *w, double *avepp,
						  double *occ, double *assigned)
{
	int			K = d->K,
				k,
				l;
	size_t		i;
	double		sum[SCOMM_TRAJ_MAX_GROUPS] = {0},
				miss[SCOMM_TRAJ_MAX_GROUPS] = {0},
				cnt[SCOMM_TRAJ_MAX_GROUPS] = {0};

	for (i = 0; i < d->nunits; i++)
	{
		const double *post = w->post + i * K;
		int			g = 0;

		for (k = 1; k < K; k++)
			if (post[k] > post[g])
				g = k;
		cnt[g] += 1;
		sum[g] += post[g];
		for (l = 0; l < K; l++)
			if (l != g)
				miss[g] += post[l];
	}
	for (k = 0; k < K; k++)
	{
		double		other = 0.0;

		for (l = 0; l < K; l++)
			if (l != k)
				other += w->share[l];
		assigned[k] = cnt[k] / d->nunits;
		avepp[k] = cnt[k] > 0 ? sum[k] / cnt[k] : NAN;
		if (K == 1 || cnt[k] == 0)
			occ[k] = NAN;
		else
			occ[k] = (sum[k] / miss[k]) / (w->share[k] / other);
	}
}

/* Curve times: the distinct times, or an even grid when there are too many. */
static void
CurveTimes(const TrajData *d, scomm_traj_model *m)
{
	int			j;

	if (d->ntimes <= SCOMM_TRAJ_MAX_CURVE_POINTS)
	{
		memcpy(m->times, d->tval, d->ntimes * sizeof(double));
		return;
	}
	for (j = 0; j < m->ntimes; j++)
		m->times[j] = d->tval[0] + (d->tval[d->ntimes - 1] - d->tval[0]) * j /
			(m->ntimes - 1);
}

/*
 * The membership coefficients and their covariance from the standardised
 * covariates of the fit to raw units: with z = (x - c) / s, gamma_0 + sum
 * gamma_j z_j = (gamma_0 - sum gamma_j c_j / s_j) + sum (gamma_j / s_j) x_j,
 * a linear map T per group; vcov becomes A vcov A' with A the identity but
 * for the T blocks.
 */
static void
RawCovariates(const TrajData *d, scomm_traj_model *m)
{
	int			S = d->ncov + 1,
				np = m->npar,
				th = m->ngroups * (d->q),
				l,
				j,
				r;
	double		col[SCOMM_TRAJ_MAX_COVARIATES + 1];

	for (l = 0; l < m->ngroups - 1; l++)
	{
		double	   *g = m->gamma + l * S;
		int			o = th + l * S;

		for (j = 1; j < S; j++)
		{
			g[0] -= g[j] * d->xcenter[j - 1] / d->xscale[j - 1];
			g[j] /= d->xscale[j - 1];
		}
		/* rows of the block, then its columns */
		for (r = 0; r < np; r++)
		{
			for (j = 0; j < S; j++)
				col[j] = m->vcov[(size_t) (o + j) * np + r];
			for (j = 1; j < S; j++)
			{
				col[0] -= col[j] * d->xcenter[j - 1] / d->xscale[j - 1];
				col[j] /= d->xscale[j - 1];
			}
			for (j = 0; j < S; j++)
				m->vcov[(size_t) (o + j) * np + r] = col[j];
		}
		for (r = 0; r < np; r++)
		{
			double	   *row = m->vcov + (size_t) r * np + o;

			for (j = 1; j < S; j++)
			{
				row[0] -= row[j] * d->xcenter[j - 1] / d->xscale[j - 1];
				row[j] /= d->xscale[j - 1];
			}
		}
	}
}

/*
 * Build the model from the parameters and shares in w: groups ordered by
 * share (largest first, ties by earlier group; with covariates of
 * membership the coefficients are re-expressed against the new group 1),
 * E-step, covariance and classification at that point.
 */
scomm_status
scomm_traj_model_build(const TrajData *d, TrajWork *w, scomm_traj_model **out)
{
	int			K = d->K,
				q = d->q,
				p = d->p,
				order[SCOMM_TRAJ_MAX_GROUPS],
				k,
				l;
	double		share[SCOMM_TRAJ_MAX_GROUPS];
	double	   *par = w->trial;
	int			nt = d->ntimes <= SCOMM_TRAJ_MAX_CURVE_POINTS ? (int) d->ntimes
		: SCOMM_TRAJ_MAX_CURVE_POINTS;
	scomm_traj_model *m;
	scomm_status st;

	for (k = 0; k < K; k++)
		order[k] = k;
	for (k = 1; k < K; k++)		/* stable insertion sort, descending share */
	{
		int			v = order[k];

		for (l = k; l > 0 && w->share[order[l - 1]] < w->share[v]; l--)
			order[l] = order[l - 1];
		order[l] = v;
	}
	for (k = 0; k < K; k++)
	{
		memcpy(par + k * q, w->par + order[k] * q, q * sizeof(double));
		share[k] = w->share[order[k]];
	}
	memcpy(w->par, par, (size_t) K * q * sizeof(double));
	memcpy(w->share, share, K * sizeof(double));
	if (w->ngamma > 0)
	{
		int			S = d->ncov + 1,
					j;
		double	   *old = w->gamma_keep;

		memcpy(old, w->gamma, w->ngamma * sizeof(double));
		for (k = 1; k < K; k++)
			for (j = 0; j < S; j++)
			{
				double		a = order[k] == 0 ? 0.0 : old[(order[k] - 1) * S + j],
							b = order[0] == 0 ? 0.0 : old[(order[0] - 1) * S + j];

				w->gamma[(k - 1) * S + j] = a - b;
			}
	}
	if (!scomm_traj_estep(d, w))
		return SCOMM_ENOCONV;
	if ((st = scomm_traj_model_alloc(d->family, K, p - 1, nt, d->ncov, &m)) != SCOMM_OK)
		return st;
	for (k = 0; k < K; k++)
	{
		int			x;

		m->share[k] = w->share[k];
		memcpy(m->beta + k * p, w->par + k * q, p * sizeof(double));
		for (x = 0; x < d->nextra; x++)
			m->extra[k * d->nextra + x] = w->par[k * q + p + x];
	}
	scomm_traj_vcov(d, w, m->vcov);
	if (w->ngamma > 0)
	{
		memcpy(m->gamma, w->gamma, w->ngamma * sizeof(double));
		RawCovariates(d, m);
	}
	scomm_traj_classification(d, w, m->avepp, m->occ, m->assigned);
	CurveTimes(d, m);
	m->tcenter = d->tcenter;
	m->tscale = d->tscale;
	m->lower = d->lower;
	m->upper = d->upper;
	m->loglik = w->ll;
	m->units = (double) d->nunits;
	m->nobs = (double) d->nobs;
	m->units_left_out = (double) d->left_out;
	m->bic = w->ll - 0.5 * m->npar * log(m->units);
	m->aic = w->ll - m->npar;
	*out = m;
	return SCOMM_OK;
}

int
scomm_traj_model_nterms(const scomm_traj_model *m)
{
	return m->degree + 1 + m->nextra;
}

/*
 * "intercept", "t", "t^2", ..., then "sigma" (cnorm), "zero_prob" (zip,
 * zinb), "dispersion" (nbinom, zinb)
 */
const char *
scomm_traj_term_name(const scomm_traj_model *m, int term)
{
	static const char *const powers[SCOMM_TRAJ_MAX_DEGREE + 1] =
	{"intercept", "t", "t^2", "t^3", "t^4", "t^5"};

	if (m == NULL || term < 0 || term >= scomm_traj_model_nterms(m))
		return NULL;
	if (term <= m->degree)
		return powers[term];
	switch (m->family)
	{
		case SCOMM_TRAJ_CNORM:
			return "sigma";
		case SCOMM_TRAJ_NBINOM:
			return "dispersion";
		case SCOMM_TRAJ_ZINB:
			return term == m->degree + 1 ? "zero_prob" : "dispersion";
		default:
			return "zero_prob";
	}
}

/* binomial coefficient for small arguments */
static double
Choose(int n, int k)
{
	double		c = 1.0;
	int			i;

	for (i = 1; i <= k; i++)
		c = c * (n - k + i) / i;
	return c;
}

scomm_status
scomm_traj_model_coefficients(const scomm_traj_model *m, int group,
							  double *est, double *se)
{
	int			p,
				q,
				np,
				a,
				b,
				i,
				j,
				off;
	double		M[SCOMM_TRAJ_MAX_DEGREE + 1][SCOMM_TRAJ_MAX_DEGREE + 1];

	if (m == NULL || est == NULL || se == NULL || group < 0 || group >= m->ngroups)
		return SCOMM_EINVAL;
	p = m->degree + 1;
	q = p + m->nextra;
	np = m->npar;
	off = group * q;
	/* s^j = sum_i C(j, i) t^i (-c)^(j - i) / h^j: raw = M scaled */
	for (i = 0; i < p; i++)
		for (j = 0; j < p; j++)
			M[i][j] = j < i ? 0.0 : Choose(j, i) * pow(-m->tcenter, j - i) /
				pow(m->tscale, j);
	for (i = 0; i < p; i++)
	{
		double		v = 0.0;

		est[i] = 0.0;
		for (j = 0; j < p; j++)
			est[i] += M[i][j] * m->beta[group * p + j];
		for (a = 0; a < p; a++)
			for (b = 0; b < p; b++)
				v += M[i][a] * M[i][b] * m->vcov[(off + a) * np + off + b];
		se[i] = v >= 0 ? sqrt(v) : NAN;
	}
	for (a = 0; a < m->nextra; a++)
	{
		double		x = m->extra[group * m->nextra + a];
		double		v = m->vcov[(off + p + a) * np + off + p + a];
		double		sd = v >= 0 ? sqrt(v) : NAN;
		const char *name = scomm_traj_term_name(m, p + a);

		if (name[0] == 'z')		/* zero_prob = expit(nu) */
		{
			est[p + a] = x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));
			se[p + a] = est[p + a] * (1.0 - est[p + a]) * sd;
		}
		else					/* sigma, dispersion = exp(log) */
		{
			est[p + a] = exp(x);
			se[p + a] = est[p + a] * sd;
		}
	}
	return SCOMM_OK;
}

scomm_status
scomm_traj_model_risk(const scomm_traj_model *m, int group, double *est,
					  double *se)
{
	int			c,
				off;

	if (m == NULL || est == NULL || se == NULL || group < 1 || group >= m->ngroups)
		return SCOMM_EINVAL;
	off = m->ngroups * (m->degree + 1 + m->nextra) + (group - 1) * (m->ncov + 1);
	for (c = 0; c <= m->ncov; c++)
	{
		double		v = m->vcov[(size_t) (off + c) * m->npar + off + c];

		est[c] = m->ncov > 0 ? m->gamma[(group - 1) * (m->ncov + 1) + c]
			: log(m->share[group] / m->share[0]);
		se[c] = v >= 0 ? sqrt(v) : NAN;
	}
	return SCOMM_OK;
}

/* E[y] per unit of exposure for linear predictor eta and the extra parameters. */
double
scomm_traj_expected_value(scomm_traj_family f, double eta, const double *extra,
						  double lower, double upper)
{
	double		sigma,
				a,
				b,
				v;

	switch (f)
	{
		case SCOMM_TRAJ_POISSON:
		case SCOMM_TRAJ_NBINOM:
			return exp(eta);
		case SCOMM_TRAJ_ZIP:
		case SCOMM_TRAJ_ZINB:
			return exp(eta) / (1.0 + exp(extra[0]));
		case SCOMM_TRAJ_CNORM:
			sigma = exp(extra[0]);
			a = (lower - eta) / sigma;
			b = (upper - eta) / sigma;
			/* E[y] of the censored normal: bounds weighted by their mass */
			v = eta * (gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a)) +
				sigma * (gsl_ran_ugaussian_pdf(a) - gsl_ran_ugaussian_pdf(b));
			if (isfinite(lower))
				v += lower * gsl_cdf_ugaussian_P(a);
			if (isfinite(upper))
				v += upper * gsl_cdf_ugaussian_Q(b);
			return v;
	}
	return NAN;
}

scomm_status
scomm_traj_model_expected(const scomm_traj_model *m, int group, double t,
						  double *value)
{
	int			p,
				a;
	double		s,
				eta = 0.0,
				pw = 1.0;

	if (m == NULL || value == NULL || group < 0 || group >= m->ngroups ||
		!isfinite(t))
		return SCOMM_EINVAL;
	p = m->degree + 1;
	s = (t - m->tcenter) / m->tscale;
	for (a = 0; a < p; a++, pw *= s)
		eta += m->beta[group * p + a] * pw;
	*value = scomm_traj_expected_value(m->family, eta,
									   m->extra + group * (m->nextra > 1 ? m->nextra : 1),
									   m->lower, m->upper);
	return isfinite(*value) ? SCOMM_OK : SCOMM_EINVAL;
}

/* Posterior membership of the units of panel p under model m. */
scomm_status
scomm_traj_membership(const scomm_traj_model *m, scomm_traj_panel *p,
					  size_t *nunits, int64_t **units, int **group,
					  double **posterior, double **post_all, size_t *left_out)
{
	TrajData	d;
	TrajWork	w;
	scomm_status st;
	size_t		i;
	int			K,
				k;

	if (nunits)
		*nunits = 0;
	if (units)
		*units = NULL;
	if (group)
		*group = NULL;
	if (posterior)
		*posterior = NULL;
	if (post_all)
		*post_all = NULL;
	if (left_out)
		*left_out = 0;
	if (m == NULL || p == NULL || nunits == NULL || units == NULL ||
		group == NULL || posterior == NULL ||
		scomm_traj_model_check(m) != SCOMM_OK)
		return SCOMM_EINVAL;
	if ((st = scomm_traj_panel_check(p, m->family, NULL, NULL)) != SCOMM_OK)
		return st;
	K = m->ngroups;
	if (m->ncov > 0)
	{
		/* the units with covariates, their priors from the raw coefficients */
		scomm_traj_panel *with = NULL;
		double		zero[SCOMM_TRAJ_MAX_COVARIATES] = {0},
					one[SCOMM_TRAJ_MAX_COVARIATES];
		size_t		left = 0;

		for (k = 0; k < m->ncov; k++)
			one[k] = 1.0;
		if (scomm_traj_panel_ncov(p) != m->ncov)
			return SCOMM_EINVAL;
		if ((st = scomm_traj_panel_with_covariates(p, &with, &left)) != SCOMM_OK)
			return st;
		if (left_out)
			*left_out = left;
		st = scomm_traj_panel_nobs(with) == 0 ? SCOMM_EEMPTY :
			scomm_traj_data_prepare(with, m->family, K, m->degree, m->lower, m->upper,
									m->tcenter, m->tscale, &d);
		scomm_traj_panel_free(with);
		if (st == SCOMM_OK &&
			(st = scomm_traj_data_covariates(&d, p, m->ncov, zero, one)) != SCOMM_OK)
			scomm_traj_data_free(&d);
	}
	else
		st = scomm_traj_data_prepare(p, m->family, K, m->degree, m->lower, m->upper,
									 m->tcenter, m->tscale, &d);
	if (st != SCOMM_OK)
		return st;
	if ((st = scomm_traj_work_alloc(&d, &w)) != SCOMM_OK)
	{
		scomm_traj_data_free(&d);
		return st;
	}
	if (w.ngamma > 0)
		memcpy(w.gamma, m->gamma, w.ngamma * sizeof(double));
	for (k = 0; k < K; k++)
	{
		int			x;

		memcpy(w.par + k * d.q, m->beta + k * d.p, d.p * sizeof(double));
		for (x = 0; x < d.nextra; x++)
			w.par[k * d.q + d.p + x] = m->extra[k * d.nextra + x];
		w.share[k] = m->share[k];
	}
	if (!scomm_traj_estep(&d, &w))
		st = SCOMM_EINVAL;		/* a unit no group can produce */
	if (st == SCOMM_OK)
	{
		*units = scomm_core_alloc(d.nunits * sizeof(int64_t));
		*group = scomm_core_alloc(d.nunits * sizeof(int));
		*posterior = scomm_core_alloc(d.nunits * sizeof(double));
		if (post_all)
			*post_all = scomm_core_alloc(d.nunits * K * sizeof(double));
		if (!*units || !*group || !*posterior || (post_all && !*post_all))
			st = SCOMM_ENOMEM;
	}
	if (st == SCOMM_OK)
	{
		for (i = 0; i < d.nunits; i++)
		{
			const double *post = w.post + i * K;
			int			g = 0;

			for (k = 1; k < K; k++)
				if (post[k] > post[g])
					g = k;
			(*units)[i] = d.unit_id[i];
			(*group)[i] = g + 1;
			(*posterior)[i] = post[g];
		}
		if (post_all)
			memcpy(*post_all, w.post, d.nunits * K * sizeof(double));
		*nunits = d.nunits;
	}
	else
	{
		scomm_core_free(*units);
		scomm_core_free(*group);
		scomm_core_free(*posterior);
		*units = NULL;
		*group = NULL;
		*posterior = NULL;
		if (post_all)
		{
			scomm_core_free(*post_all);
			*post_all = NULL;
		}
	}
	scomm_traj_work_free(&w);
	scomm_traj_data_free(&d);
	return st;
}
