/*
 * traj_family.c: what depends on the family: per-time tables of a group's
 * parameters, a unit's log-likelihood in a group and its gradient, the
 * M-step's sufficient statistics and the group objective with its exact
 * gradient and Hessian.
 *
 * Parameters of a group: beta[0..p) (polynomial in the scaled time), then
 * for zip nu = logit of the zero probability, for cnorm s = log sigma.
 *
 * Per observation (eta = x'beta, mu = exposure exp(eta)):
 *   poisson  y eta + y log e - mu - log y!
 *   zip      y > 0: log(1 - p) + the Poisson term;  y = 0: log(p + (1 - p) e^-mu)
 *   cnorm    mid: -log(2 pi)/2 - s - z^2/2 with z = (y - m)/sigma;
 *            y <= lower: log Phi((lower - m)/sigma);
 *            y >= upper: log Phi((m - upper)/sigma)
 *   nbinom, zinb: traj_nbinom.c
 * The M-step objective of group k is the posterior-weighted sum of these,
 * which depends on the data only through per-time sums (and, for zip zeros,
 * per (time, exposure) cell sums): those are the statistics below.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_sf_erf.h>

#include "traj_int.h"

#define LOG_SQRT_2PI 0.91893853320467274178
#define ETA_MAX 700.0			/* exp() of more overflows */

/* log(1 + exp(x)) without overflow */
static double
Softplus(double x)
{
	return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* log(exp(a) + exp(b)) */
static double
LogAddExp(double a, double b)
{
	double		m = a > b ? a : b;

	if (m == -INFINITY)
		return -INFINITY;
	return m + log1p(exp(-fabs(a - b)));
}

/* 1 / (1 + exp(-x)) */
static double
Expit(double x)
{
	return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));
}

/* log of the standard normal distribution function, accurate in both tails */
double
scomm_traj_log_phi(double x)
{
	if (x > -5.0)
		return log1p(-0.5 * erfc(x / M_SQRT2));
	return gsl_sf_log_erfc(-x / M_SQRT2) - M_LN2;
}

/* phi(x) / Phi(x), the inverse Mills ratio of the lower tail */
static double
MillsLow(double x)
{
	return gsl_sf_hazard(-x);
}

static double
Dot(const double *a, const double *b, int n)
{
	double		s = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

/* extra parameters per group of a family */
int
scomm_traj_nextra(scomm_traj_family f)
{
	switch (f)
	{
		case SCOMM_TRAJ_POISSON:
			return 0;
		case SCOMM_TRAJ_ZIP:
		case SCOMM_TRAJ_CNORM:
		case SCOMM_TRAJ_NBINOM:
			return 1;
		case SCOMM_TRAJ_ZINB:
			return 2;
	}
	return 0;
}

static int
IsNb(const TrajData *d)
{
	return d->family == SCOMM_TRAJ_NBINOM || d->family == SCOMM_TRAJ_ZINB;
}

size_t
scomm_traj_nstat(const TrajData *d)
{
	switch (d->family)
	{
		case SCOMM_TRAJ_POISSON:
			return 2 * d->ntimes;
		case SCOMM_TRAJ_ZIP:
			return 2 * d->ntimes + 1 + d->ncells;
		case SCOMM_TRAJ_CNORM:
			return 5 * d->ntimes;
		case SCOMM_TRAJ_NBINOM:
		case SCOMM_TRAJ_ZINB:
			return d->nunits;	/* the units' weights */
	}
	return 0;
}

/* per-group cache values beside the per-time table (ck) */
size_t
scomm_traj_ncache(const TrajData *d)
{
	if (d->family == SCOMM_TRAJ_ZIP)
		return d->ncells;
	if (IsNb(d))
		return 1;				/* the memo slot of the group's parameters */
	return 0;
}

/*
 * Per-time values of one group (tab[ntimes * 3]) and, for zip, log P(y = 0)
 * per zero cell (ck[ncells]).  0 when the parameters overflow.
 */
int
scomm_traj_group_tables(const TrajData *d, const double *par, double *tab,
						double *ck)
{
	size_t		j,
				c;

	if (IsNb(d))
		return scomm_traj_nb_tables(d, par, tab, ck);
	if (d->family == SCOMM_TRAJ_CNORM)
	{
		double		sigma = exp(par[d->p]);

		if (!isfinite(sigma) || sigma <= 0.0)
			return 0;
		for (j = 0; j < d->ntimes; j++)
		{
			double	   *t = TRAJ_TAB(tab, d, j);
			double		m = Dot(d->x + j * d->p, par, d->p);

			if (!isfinite(m))
				return 0;
			t[0] = m;
			t[1] = isfinite(d->lower) ? scomm_traj_log_phi((d->lower - m) / sigma) : 0.0;
			t[2] = isfinite(d->upper) ? scomm_traj_log_phi((m - d->upper) / sigma) : 0.0;
		}
		return 1;
	}
	for (j = 0; j < d->ntimes; j++)
	{
		double	   *t = TRAJ_TAB(tab, d, j);
		double		eta = Dot(d->x + j * d->p, par, d->p);

		if (!(eta < ETA_MAX))	/* also catches NaN */
			return 0;
		t[0] = eta;
		t[1] = exp(eta);
		t[2] = 0.0;
	}
	if (d->family == SCOMM_TRAJ_ZIP)
	{
		double		nu = par[d->p];
		double		logp = -Softplus(-nu);
		double		log1mp = -Softplus(nu);

		if (!isfinite(nu))
			return 0;
		for (c = 0; c < d->ncells; c++)
			ck[c] = LogAddExp(logp, log1mp - d->cell_e[c] *
							  TRAJ_TAB(tab, d, d->cell_tj[c])[1]);
	}
	return 1;
}

/* log f of unit i in the group whose tables are given (without the share) */
double
scomm_traj_unit_logf(const TrajData *d, size_t i, const double *par,
					 const double *tab, const double *ck)
{
	size_t		o,
				o0 = d->ustart[i],
				o1 = d->ustart[i + 1];
	double		ll = 0.0;

	switch (d->family)
	{
		case SCOMM_TRAJ_NBINOM:
		case SCOMM_TRAJ_ZINB:
			ll = scomm_traj_nb_unit_logf(d, i, par, tab, ck);
			break;
		case SCOMM_TRAJ_POISSON:
			ll = d->ucst[i] + Dot(d->usy + i * d->p, par, d->p);
			for (o = o0; o < o1; o++)
				ll -= d->e[o] * TRAJ_TAB(tab, d, d->tj[o])[1];
			break;
		case SCOMM_TRAJ_ZIP:
			ll = d->ucst[i] + Dot(d->usy + i * d->p, par, d->p) -
				d->upos[i] * Softplus(par[d->p]);
			for (o = o0; o < o1; o++)
			{
				if (d->cls[o] == TRAJ_OBS_POS)
					ll -= d->e[o] * TRAJ_TAB(tab, d, d->tj[o])[1];
				else
					ll += ck[d->cell[o]];
			}
			break;
		case SCOMM_TRAJ_CNORM:
			{
				double		s = par[d->p];
				double		h = 0.5 * exp(-2.0 * s);
				double		sq = 0.0;

				ll = -d->upos[i] * (LOG_SQRT_2PI + s);
				for (o = o0; o < o1; o++)
				{
					const double *t = TRAJ_TAB(tab, d, d->tj[o]);

					if (d->cls[o] == TRAJ_OBS_MID)
					{
						double		r = d->y[o] - t[0];

						sq += r * r;
					}
					else
						ll += t[d->cls[o] == TRAJ_OBS_LOW ? 1 : 2];
				}
				ll -= h * sq;
			}
			break;
	}
	return ll;
}

/* Gradient g[q] of unit i's log f in a group (tables of that group given). */
void
scomm_traj_unit_grad(const TrajData *d, size_t i, const double *par,
					 const double *tab, const double *ck, double *g)
{
	size_t		o,
				o0 = d->ustart[i],
				o1 = d->ustart[i + 1];
	int			p = d->p,
				a;

	if (IsNb(d))
	{
		scomm_traj_nb_unit_grad(d, i, par, tab, ck, g);
		return;
	}
	memset(g, 0, d->q * sizeof(double));
	if (d->family != SCOMM_TRAJ_CNORM)
	{
		double		nu = d->family == SCOMM_TRAJ_ZIP ? par[p] : 0.0;
		double		pz = Expit(nu);

		memcpy(g, d->usy + i * p, p * sizeof(double));
		for (o = o0; o < o1; o++)
		{
			const double *x = d->x + (size_t) d->tj[o] * p;
			double		mu = d->e[o] * TRAJ_TAB(tab, d, d->tj[o])[1];
			double		c;

			if (d->family == SCOMM_TRAJ_POISSON || d->cls[o] == TRAJ_OBS_POS)
				c = -mu;
			else
			{
				double		r = Expit(-nu - mu);	/* P(Poisson zero | y = 0) */
				double		q0 = exp(-mu);

				c = -r * mu;
				g[p] += (1.0 - pz) * (1.0 - q0) * (1.0 - r);
			}
			for (a = 0; a < p; a++)
				g[a] += c * x[a];
		}
		if (d->family == SCOMM_TRAJ_ZIP)
			g[p] -= d->upos[i] * pz;
		return;
	}
	{
		double		sigma = exp(par[p]);

		for (o = o0; o < o1; o++)
		{
			const double *x = d->x + (size_t) d->tj[o] * p;
			const double *t = TRAJ_TAB(tab, d, d->tj[o]);
			double		cb,
						cs;

			if (d->cls[o] == TRAJ_OBS_MID)
			{
				double		z = (d->y[o] - t[0]) / sigma;

				cb = z / sigma;
				cs = z * z - 1.0;
			}
			else if (d->cls[o] == TRAJ_OBS_LOW)
			{
				double		av = (d->lower - t[0]) / sigma;
				double		lam = MillsLow(av);

				cb = -lam / sigma;
				cs = -lam * av;
			}
			else
			{
				double		cv = (t[0] - d->upper) / sigma;
				double		lam = MillsLow(cv);

				cb = lam / sigma;
				cs = -lam * cv;
			}
			for (a = 0; a < p; a++)
				g[a] += cb * x[a];
			g[p] += cs;
		}
	}
}

/* Add unit i's observations with weight w to a group's statistics. */
void
scomm_traj_accum_stats(const TrajData *d, size_t i, double w, double *stat)
{
	size_t		o,
				o0 = d->ustart[i],
				o1 = d->ustart[i + 1],
				J = d->ntimes;

	switch (d->family)
	{
		case SCOMM_TRAJ_NBINOM:
		case SCOMM_TRAJ_ZINB:
			stat[i] += w;
			break;
		case SCOMM_TRAJ_POISSON:
			for (o = o0; o < o1; o++)
			{
				stat[d->tj[o]] += w * d->y[o];
				stat[J + d->tj[o]] += w * d->e[o];
			}
			break;
		case SCOMM_TRAJ_ZIP:
			for (o = o0; o < o1; o++)
			{
				if (d->cls[o] == TRAJ_OBS_POS)
				{
					stat[d->tj[o]] += w * d->y[o];
					stat[J + d->tj[o]] += w * d->e[o];
				}
				else
					stat[2 * J + 1 + d->cell[o]] += w;
			}
			stat[2 * J] += w * d->upos[i];
			break;
		case SCOMM_TRAJ_CNORM:
			for (o = o0; o < o1; o++)
			{
				size_t		j = d->tj[o];

				if (d->cls[o] == TRAJ_OBS_MID)
				{
					stat[j] += w;
					stat[J + j] += w * d->y[o];
					stat[2 * J + j] += w * d->y[o] * d->y[o];
				}
				else
					stat[(d->cls[o] == TRAJ_OBS_LOW ? 3 : 4) * J + j] += w;
			}
			break;
	}
}

/* Add c x x' to the leading p x p block of h (row stride q), c x to g. */
static void
AddOuter(double *h, int q, const double *x, int p, double c)
{
	int			a,
				b;

	for (a = 0; a < p; a++)
		for (b = 0; b < p; b++)
			h[a * q + b] += c * x[a] * x[b];
}

/* The M-step objective of a group (without constants); -inf if invalid. */
double
scomm_traj_group_q(const TrajData *d, const double *stat, const double *par)
{
	size_t		j,
				J = d->ntimes;
	int			p = d->p;
	double		qv = 0.0;

	if (IsNb(d))
		return scomm_traj_nb_group_q(d, stat, par);
	if (d->family == SCOMM_TRAJ_CNORM)
	{
		double		s = par[p];
		double		sigma = exp(s);
		double		h = 0.5 * exp(-2.0 * s);

		if (!isfinite(sigma) || sigma <= 0.0 || !isfinite(h))
			return -INFINITY;
		for (j = 0; j < J; j++)
		{
			double		m = Dot(d->x + j * p, par, p);
			double		w = stat[j],
						sy = stat[J + j],
						syy = stat[2 * J + j];

			if (w > 0)
				qv -= w * s + h * fmax(0.0, syy - 2 * m * sy + m * m * w);
			if (stat[3 * J + j] > 0)
				qv += stat[3 * J + j] * scomm_traj_log_phi((d->lower - m) / sigma);
			if (stat[4 * J + j] > 0)
				qv += stat[4 * J + j] * scomm_traj_log_phi((m - d->upper) / sigma);
		}
		return isfinite(qv) ? qv : -INFINITY;
	}
	for (j = 0; j < J; j++)
	{
		double		eta = Dot(d->x + j * p, par, p);

		if (!(eta < ETA_MAX))
			return -INFINITY;
		qv += stat[j] * eta - stat[J + j] * exp(eta);
	}
	if (d->family == SCOMM_TRAJ_ZIP)
	{
		double		nu = par[p];
		double		logp = -Softplus(-nu),
					log1mp = -Softplus(nu);
		size_t		c;

		qv += stat[2 * J] * log1mp;
		for (c = 0; c < d->ncells; c++)
		{
			double		w = stat[2 * J + 1 + c];

			if (w > 0)
				qv += w * LogAddExp(logp, log1mp - d->cell_e[c] *
									exp(Dot(d->x + (size_t) d->cell_tj[c] * p, par, p)));
		}
	}
	return isfinite(qv) ? qv : -INFINITY;
}

/* Censored-normal terms of one time: weight wt at a bound, standardised v. */
static void
CensoredTerm(double wt, double v, double sign, const double *x, int p, int q,
			 double sigma, double *g, double *h)
{
	double		lam = MillsLow(v);
	double		curv = -lam * (v + lam);	/* second derivative of log Phi */
	int			a;

	/* v = sign (bound - m) / sigma: dv/dbeta = -sign x / sigma, dv/ds = -v */
	for (a = 0; a < p; a++)
	{
		g[a] += wt * lam * (-sign) * x[a] / sigma;
		h[a * q + p] += wt * (curv * (-sign * x[a] / sigma) * (-v) +
							  lam * sign * x[a] / sigma);
	}
	AddOuter(h, q, x, p, wt * curv / (sigma * sigma));
	g[p] += wt * lam * (-v);
	h[p * q + p] += wt * (curv * v * v + lam * v);
}

/*
 * Gradient g[q] and Hessian h[q * q] of the M-step objective of a group.
 * 0 when the parameters are out of range.
 */
int
scomm_traj_group_q_derivs(const TrajData *d, const double *stat,
						  const double *par, double *g, double *h)
{
	size_t		j,
				J = d->ntimes;
	int			p = d->p,
				q = d->q,
				a,
				b;

	if (IsNb(d))
		return scomm_traj_nb_group_q_derivs(d, stat, par, g, h);
	memset(g, 0, q * sizeof(double));
	memset(h, 0, (size_t) q * q * sizeof(double));
	if (d->family == SCOMM_TRAJ_CNORM)
	{
		double		s = par[p];
		double		sigma = exp(s);
		double		v2 = exp(-2.0 * s);

		if (!isfinite(sigma) || sigma <= 0.0 || !isfinite(v2))
			return 0;
		for (j = 0; j < J; j++)
		{
			const double *x = d->x + j * p;
			double		m = Dot(x, par, p);
			double		w = stat[j];

			if (w > 0)
			{
				double		r = stat[J + j] - m * w;	/* weighted residual sum */
				double		s2 = fmax(0.0, stat[2 * J + j] - 2 * m * stat[J + j] + m * m * w);

				for (a = 0; a < p; a++)
				{
					g[a] += r * v2 * x[a];
					h[a * q + p] += -2.0 * r * v2 * x[a];
				}
				g[p] += -w + s2 * v2;
				h[p * q + p] += -2.0 * s2 * v2;
				AddOuter(h, q, x, p, -w * v2);
			}
			if (stat[3 * J + j] > 0)
				CensoredTerm(stat[3 * J + j], (d->lower - m) / sigma, 1.0, x, p, q, sigma, g, h);
			if (stat[4 * J + j] > 0)
				CensoredTerm(stat[4 * J + j], (m - d->upper) / sigma, -1.0, x, p, q, sigma, g, h);
		}
	}
	else
	{
		for (j = 0; j < J; j++)
		{
			const double *x = d->x + j * p;
			double		eta = Dot(x, par, p);
			double		bm;

			if (!(eta < ETA_MAX))
				return 0;
			bm = stat[J + j] * exp(eta);
			for (a = 0; a < p; a++)
				g[a] += (stat[j] - bm) * x[a];
			AddOuter(h, q, x, p, -bm);
		}
		if (d->family == SCOMM_TRAJ_ZIP)
		{
			double		nu = par[p];
			double		pz = Expit(nu);
			size_t		c;

			g[p] -= stat[2 * J] * pz;
			h[p * q + p] -= stat[2 * J] * pz * (1.0 - pz);
			for (c = 0; c < d->ncells; c++)
			{
				double		w = stat[2 * J + 1 + c];
				const double *x = d->x + (size_t) d->cell_tj[c] * p;
				double		mu,
							r,
							u,
							q0;

				if (!(w > 0))
					continue;
				mu = d->cell_e[c] * exp(Dot(x, par, p));
				r = Expit(-nu - mu);	/* Poisson share of the zeros */
				u = 1.0 - r;
				q0 = exp(-mu);
				for (a = 0; a < p; a++)
				{
					g[a] += w * (-r * mu) * x[a];
					h[a * q + p] += w * mu * r * u * x[a];
				}
				AddOuter(h, q, x, p, -w * mu * r * (1.0 - mu * u));
				g[p] += w * (1.0 - pz) * (1.0 - q0) * u;
				h[p * q + p] += w * (1.0 - q0) * (1.0 - pz) * u *
					((1.0 - 2.0 * pz) - (1.0 - pz) * u * (1.0 - q0));
			}
		}
	}
	/* mirror the extra parameter's column into its row */
	for (a = 0; a < p && q > p; a++)
		h[p * q + a] = h[a * q + p];
	for (a = 0; a < q; a++)
	{
		if (!isfinite(g[a]))
			return 0;
		for (b = 0; b < q; b++)
			if (!isfinite(h[a * q + b]))
				return 0;
	}
	return 1;
}

/* Starting parameters of a group from its statistics (crude moments). */
void
scomm_traj_group_start(const TrajData *d, const double *stat, double *par)
{
	size_t		j,
				J = d->ntimes,
				c;
	double		s0 = 0,
				s1 = 0,
				s2 = 0;

	if (IsNb(d))
	{
		scomm_traj_nb_group_start(d, stat, par);
		return;
	}
	memset(par, 0, d->q * sizeof(double));
	if (d->family == SCOMM_TRAJ_CNORM)
	{
		for (j = 0; j < J; j++)
		{
			s0 += stat[j];
			s1 += stat[J + j];
			s2 += stat[2 * J + j];
		}
		if (s0 > 0)
		{
			double		m = s1 / s0;
			double		v = s2 / s0 - m * m;

			par[0] = m;
			par[d->p] = 0.5 * log(fmax(v, 1e-8 * (1.0 + m * m)));
		}
		else
		{
			double		lo = isfinite(d->lower) ? d->lower : d->upper - 1.0;
			double		hi = isfinite(d->upper) ? d->upper : d->lower + 1.0;

			par[0] = 0.5 * (lo + hi);
			par[d->p] = log(fmax(hi - lo, 1e-8));
		}
		return;
	}
	for (j = 0; j < J; j++)
	{
		s0 += stat[j];
		s1 += stat[J + j];
	}
	if (d->family == SCOMM_TRAJ_ZIP)
	{
		double		zeros = 0.0,
					rate,
					pz,
					share;

		for (c = 0; c < d->ncells; c++)
		{
			zeros += stat[2 * J + 1 + c];
			s1 += stat[2 * J + 1 + c] * d->cell_e[c];
		}
		rate = s0 > 0 && s1 > 0 ? s0 / s1 : 1e-3;
		share = zeros + stat[2 * J] > 0 ? zeros / (zeros + stat[2 * J]) : 0.5;
		pz = exp(-rate * (s1 / fmax(zeros + stat[2 * J], 1e-300)));
		share = pz < 1 ? (share - pz) / (1 - pz) : 0.5;
		share = fmin(fmax(share, 0.05), 0.9);
		par[0] = log(rate / (1 - share));
		par[d->p] = log(share / (1 - share));
		return;
	}
	par[0] = log(s0 > 0 && s1 > 0 ? s0 / s1 : 1e-3);
}
