/*
 * traj_nbinom.c: the negative binomial families of the trajectory models.
 *
 * nbinom: y ~ NegBin(mean mu, variance mu + alpha mu^2), mu = e exp(eta),
 * one dispersion alpha = exp(s) per group (NB2, as Nagin's and Jones's
 * negative binomial trajectories); theta = 1 / alpha.  With u = mu / theta,
 * L = log1p(u) and D(y) = lgamma(y + theta) - lgamma(theta) - y log theta,
 *
 *   log f(y) = y log e - log y! + y eta + D(y) - (y + theta) L,
 *
 * and log f(0) = -theta L.  zinb: y = 0 with probability p = expit(nu),
 * else nbinom: log f(0) = log(p + (1 - p) f_nb(0)), log f(y > 0) =
 * log(1 - p) + the nbinom term.  Group parameters: beta[0..p), then (zinb)
 * nu, then s = log alpha.
 *
 * D, psi(y + theta) - psi(theta) and psi'(y + theta) - psi'(theta) depend
 * on y only through its value: they are tabled once per group and distinct
 * positive count (the "y-tables", exact finite sums for small counts,
 * asymptotic series beyond, written so that they keep their precision when
 * theta is large, near the Poisson limit).  Everything else costs one
 * log1p per observation and group.
 *
 * Derivatives per observation, with m = mu / (theta + mu) and the tables'
 * dg and tg (0 for y = 0):
 *
 *   d/deta       y (1 - m) - theta m
 *   d2/deta2     -(y + theta) m (1 - m)
 *   d/ds         -theta (dg - L + m) + y (1 - m)
 *   d2/ds2       theta^2 tg + theta m - (theta m - y (1 - m)) (1 - m)
 *                + theta (dg - L + m) - y (1 - m)
 *   d2/deta ds   (theta m - y (1 - m)) m
 *
 * and for a zinb zero, with a = -theta L (the nbinom zero) and r =
 * expit(a - nu) (the share of the zero's probability that the nbinom part
 * gives): d/dx = r a_x, d2/dx dy = r a_xy + r (1 - r) a_x a_y for x, y in
 * (eta, s), d/dnu = (1 - r) - p, d2/dnu2 = r (1 - r) - p (1 - p), d2/dnu dx =
 * -r (1 - r) a_x.  A zinb positive count adds log(1 - p): d/dnu = -p,
 * d2/dnu2 = -p (1 - p).
 *
 * The M-step statistics of a group are the posterior weights of its units:
 * the objective is a weighted sum over observations (it does not reduce to
 * per-time sums as the Poisson one does).
 */
#include <math.h>
#include <string.h>

#include "traj_int.h"

#define LOG_SQRT_2PI 0.91893853320467274178
#define ETA_MAX 700.0			/* exp() of more overflows */
#define SMALL_Y 20				/* counts up to this: exact finite sums */
#define SERIES_MIN 10.0			/* asymptotic series from this argument on */

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

/* lgamma(x) - ((x - 1/2) log x - x + log sqrt(2 pi)) for x >= 10 (error < 1e-15) */
static double
LgSeries(double x)
{
	double		r = 1.0 / x,
				r2 = r * r;

	return r * (1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680 +
				r2 * (1.0 / 1188 + r2 * (-691.0 / 360360 + r2 * (1.0 / 156)))))));
}

/* log x - 1/(2x) - psi(x) for x >= 10 */
static double
PsiSeries(double x)
{
	double		r2 = 1.0 / (x * x);

	return r2 * (1.0 / 12 + r2 * (-1.0 / 120 + r2 * (1.0 / 252 + r2 * (-1.0 / 240 +
				 r2 * (1.0 / 132 + r2 * (-691.0 / 32760 + r2 * (1.0 / 12)))))));
}

/* LgSeries(x) - 1 / (12 x) */
static double
LgTail(double x)
{
	double		r = 1.0 / x,
				r2 = r * r;

	return r * r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680 +
					 r2 * (1.0 / 1188 + r2 * (-691.0 / 360360 + r2 * (1.0 / 156))))));
}

/* psi'(x) - 1/x - 1/(2 x^2) - 1/(6 x^3) for x >= 10 */
static double
TrigammaTail(double x)
{
	double		r = 1.0 / x,
				r2 = r * r;

	return r * r2 * r2 * (-1.0 / 30 + r2 * (1.0 / 42 + r2 * (-1.0 / 30 + r2 * (5.0 / 66 +
						  r2 * (-691.0 / 2730 + r2 * (7.0 / 6))))));
}

/* psi'(x) for x >= 10 */
static double
TrigammaSeries(double x)
{
	double		r = 1.0 / x;

	return r + r * r * (0.5 + r / 6) + TrigammaTail(x);
}

/* log1p(r) - r for r >= 0 given l1 = log1p(r), without cancellation for small r */
static double
Log1pMinus(double r, double l1)
{
	if (r >= 0.01)
		return l1 - r;
	return r * r * (-1.0 / 2 + r * (1.0 / 3 + r * (-1.0 / 4 + r * (1.0 / 5 + r * (-1.0 / 6 +
				   r * (1.0 / 7 + r * (-1.0 / 8 + r * (1.0 / 9 - r / 10))))))));
}

/* psi(x), x > 0: recurrence up to 10, then the series */
static double
Digamma(double x)
{
	double		acc = 0.0;

	while (x < SERIES_MIN)
	{
		acc -= 1.0 / x;
		x += 1.0;
	}
	return acc + log(x) - 0.5 / x - PsiSeries(x);
}

/* psi'(x), x > 0 */
static double
Trigamma(double x)
{
	double		acc = 0.0;

	while (x < SERIES_MIN)
	{
		acc += 1.0 / (x * x);
		x += 1.0;
	}
	return acc + TrigammaSeries(x);
}

/*
 * The y-tables at theta: per distinct positive count, D(y) into lg, psi(y +
 * theta) - psi(theta) into dg and psi'(y + theta) - psi'(theta) into tg
 * (each may be NULL).
 */
void
scomm_traj_nb_ytables(const TrajData *d, double theta, double *lg, double *dg,
					  double *tg)
{
	size_t		c;
	double		lgt = 0.0,
				pst = 0.0,
				tgt = 0.0,
				lth = log(theta);
	int			big = theta >= SERIES_MIN;

	if (!big)
	{
		if (lg)
			lgt = lgamma(theta);
		if (dg)
			pst = Digamma(theta);
		if (tg)
			tgt = Trigamma(theta);
	}
	for (c = 0; c < d->ny; c++)
	{
		double		y = d->yval[c];

		if (y <= SMALL_Y)
		{
			double		sl = 0.0,
						sd = 0.0,
						st = 0.0;
			int			j,
						n = (int) y;

			for (j = 0; j < n; j++)
			{
				double		v = theta + j;

				if (lg && j > 0)
					sl += log1p(j / theta);
				sd += 1.0 / v;
				st -= 1.0 / (v * v);
			}
			if (lg)
				lg[c] = sl;
			if (dg)
				dg[c] = sd;
			if (tg)
				tg[c] = st;
			continue;
		}
		{
			double		x = y + theta;

			if (big)
			{
				/*
				 * differences of the series at x and theta written so that
				 * nothing cancels when y is small against theta: the
				 * leading terms' differences exactly, the rest directly
				 */
				double		r = y / theta,
							l1 = log1p(r),
							xt = x * theta;

				if (lg)
					lg[c] = theta * Log1pMinus(r, l1) + (y - 0.5) * l1 - y / (12.0 * xt) +
						LgTail(x) - LgTail(theta);
				if (dg)
					dg[c] = l1 + 0.5 * y / xt - PsiSeries(x) + PsiSeries(theta);
				if (tg)
					tg[c] = -y / xt - 0.5 * y * (x + theta) / (xt * xt) -
						y * (x * x + xt + theta * theta) / (6.0 * xt * xt * xt) +
						TrigammaTail(x) - TrigammaTail(theta);
			}
			else
			{
				double		lx = lg || dg ? log(x) : 0.0;

				if (lg)
					lg[c] = (x - 0.5) * lx - x + LOG_SQRT_2PI + LgSeries(x) - lgt - y * lth;
				if (dg)
					dg[c] = lx - 0.5 / x - PsiSeries(x) - pst;
				if (tg)
					tg[c] = TrigammaSeries(x) - tgt;
			}
		}
	}
}

/* theta = exp(-s) of a group, 0 when s is out of range */
static double
Theta(const TrajData *d, const double *par)
{
	double		s = par[d->q - 1];

	if (!(s >= TRAJ_NB_S_MIN && s <= TRAJ_NB_S_MAX))
		return 0.0;
	return exp(-s);
}

/* log1p(u), by log(1 + u) where that is as accurate (and faster) */
static inline double
Log1p(double u)
{
	return u < 1e-4 ? log1p(u) : log(1.0 + u);
}

/*
 * Scratch and the memo (TrajData); after CountCells.  A memo slot holds, for
 * one parameter vector of a group, log1p(mu / theta) of every observation
 * and the y-tables at its theta.
 */
scomm_status
scomm_traj_nb_prepare(TrajData *d)
{
	size_t		slots = (size_t) d->K + 2,
				per = d->nobs + 3 * d->ny;

	if (per > 0 && slots > TRAJ_NB_MEMO_DOUBLES / per)
		slots = TRAJ_NB_MEMO_DOUBLES / per;
	if (slots < 1)
		slots = 1;
	d->nbscratch = scomm_core_alloc((7 * d->ntimes + 1) * sizeof(double));
	d->nbL = scomm_core_alloc(slots * per * sizeof(double) + 1);
	d->nbkey = scomm_core_alloc(slots * TRAJ_MAX_Q * sizeof(double));
	d->nbage = scomm_core_alloc((slots + 1) * sizeof(unsigned long));
	d->nbderiv = scomm_core_alloc(slots);
	if (!d->nbscratch || !d->nbL || !d->nbkey || !d->nbage || !d->nbderiv)
		return SCOMM_ENOMEM;
	d->nbslots = (int) slots;
	return SCOMM_OK;
}

/* what a memo slot holds */
typedef struct NbMemo
{
	const double *L;			/* [nobs] log1p(mu / theta) */
	const double *lg;			/* [ny] the y-tables */
	const double *dg;
	const double *tg;
} NbMemo;

static void
SlotOf(const TrajData *d, int slot, NbMemo *mm)
{
	const double *base = d->nbL + (size_t) slot * (d->nobs + 3 * d->ny);

	mm->L = base;
	mm->lg = base + d->nobs;
	mm->dg = mm->lg + d->ny;
	mm->tg = mm->dg + d->ny;
}

/* Nonzero when slot s holds the parameters par. */
static int
SlotHolds(const TrajData *d, int s, const double *par)
{
	return s >= 0 && s < d->nbslots && d->nbage[s] != 0 &&
		memcmp(d->nbkey + (size_t) s * TRAJ_MAX_Q, par, d->q * sizeof(double)) == 0;
}

/*
 * The memo of the group parameters par (ex: exp(eta) per time), computed
 * when no slot holds it (the least recently used slot is replaced); hint,
 * when >= 0, is checked first; the derivative tables (dg, tg) only when
 * deriv asks for them.  Returns the slot.
 */
static int
Memo(const TrajData *d, const double *par, const double *ex, double theta,
	 int hint, int deriv, NbMemo *mm)
{
	unsigned long *age = d->nbage,
				clock = ++age[d->nbslots];
	int			s,
				best = 0;
	double	   *L;
	size_t		o;

	if (!SlotHolds(d, hint, par))
	{
		for (hint = -1, s = 0; s < d->nbslots && hint < 0; s++)
			if (SlotHolds(d, s, par))
				hint = s;
	}
	if (hint >= 0)
	{
		age[hint] = clock;
		SlotOf(d, hint, mm);
		if (deriv && !d->nbderiv[hint])
		{
			scomm_traj_nb_ytables(d, theta, NULL, (double *) mm->dg, (double *) mm->tg);
			d->nbderiv[hint] = 1;
		}
		return hint;
	}
	for (s = 1; s < d->nbslots; s++)
		if (age[s] < age[best])
			best = s;
	L = d->nbL + (size_t) best * (d->nobs + 3 * d->ny);
	for (o = 0; o < d->nobs; o++)
		L[o] = Log1p(d->e[o] * ex[d->tj[o]] / theta);
	scomm_traj_nb_ytables(d, theta, L + d->nobs, deriv ? L + d->nobs + d->ny : NULL,
						  deriv ? L + d->nobs + 2 * d->ny : NULL);
	d->nbderiv[best] = deriv ? 1 : 0;
	memcpy(d->nbkey + (size_t) best * TRAJ_MAX_Q, par, d->q * sizeof(double));
	age[best] = clock;
	SlotOf(d, best, mm);
	return best;
}

/* the memo at the parameters of a group whose tables (and slot in ck) are given */
static void
MemoOfTables(const TrajData *d, const double *par, const double *tab,
			 const double *ck, double theta, int deriv, NbMemo *mm)
{
	double	   *ex = d->nbscratch + 6 * d->ntimes;
	int			hint = (int) ck[0];
	size_t		j;

	if (SlotHolds(d, hint, par) && (!deriv || d->nbderiv[hint]))
	{
		SlotOf(d, hint, mm);
		return;
	}
	for (j = 0; j < d->ntimes; j++)
		ex[j] = TRAJ_TAB(tab, d, j)[1];
	Memo(d, par, ex, theta, hint, deriv, mm);
}

/* Per-time values (eta, exp(eta)) of a group and its memo slot (ck[0]); 0 when out of range. */
int
scomm_traj_nb_tables(const TrajData *d, const double *par, double *tab,
					 double *ck)
{
	double		theta = Theta(d, par);
	size_t		j;
	double	   *ex = d->nbscratch + 6 * d->ntimes;
	NbMemo		mm;

	if (theta == 0.0 || (d->family == SCOMM_TRAJ_ZINB && !isfinite(par[d->p])))
		return 0;
	for (j = 0; j < d->ntimes; j++)
	{
		double	   *t = TRAJ_TAB(tab, d, j);
		double		eta = 0.0;
		int			a;

		for (a = 0; a < d->p; a++)
			eta += d->x[j * d->p + a] * par[a];
		if (!(eta < ETA_MAX))	/* also catches NaN */
			return 0;
		t[0] = eta;
		t[1] = ex[j] = exp(eta);
		t[2] = 0.0;
	}
	ck[0] = Memo(d, par, ex, theta, (int) ck[0], 0, &mm);	/* where the units find their values */
	return 1;
}

/*
 * log f of one observation without y log e - log y! (in ucst): lg the
 * y-table value (0 for y = 0), eta, L = log1p(mu / theta), theta; logp and
 * log1mp for zinb.
 */
static inline double
ObsLogf(const TrajData *d, double y, double lgv, double eta, double L,
		double theta, double logp, double log1mp)
{
	if (y > 0)
		return log1mp + y * eta + lgv - (y + theta) * L;
	if (d->family == SCOMM_TRAJ_ZINB)
		return LogAddExp(logp, log1mp - theta * L);
	return -theta * L;
}

double
scomm_traj_nb_unit_logf(const TrajData *d, size_t i, const double *par,
						const double *tab, const double *ck)
{
	double		theta = exp(-par[d->q - 1]);
	double		logp = 0.0,
				log1mp = 0.0,
				ll = d->ucst[i];
	NbMemo		mm;
	size_t		o;

	MemoOfTables(d, par, tab, ck, theta, 0, &mm);
	if (d->family == SCOMM_TRAJ_ZINB)
	{
		logp = -Softplus(-par[d->p]);
		log1mp = -Softplus(par[d->p]);
	}
	for (o = d->ustart[i]; o < d->ustart[i + 1]; o++)
	{
		int			c = d->ycell[o];

		ll += ObsLogf(d, d->y[o], c >= 0 ? mm.lg[c] : 0.0, TRAJ_TAB(tab, d, d->tj[o])[0],
					  mm.L[o], theta, logp, log1mp);
	}
	return ll;
}

/* derivatives of one observation's log f in (eta, nu, s) */
typedef struct ObsDerivs
{
	double		e,				/* d/deta */
				n,				/* d/dnu */
				s,				/* d/ds */
				ee,
				ss,
				nn,
				es,
				en,
				ns;
} ObsDerivs;

/*
 * Derivatives of one observation (count y with y-table values dgv, tgv; 0
 * for y = 0); second derivatives only when want2.
 */
static inline void
ObsDeriv(const TrajData *d, double y, double dgv, double tgv, double mu,
		 double L, double theta, double pz, double nu, int want2, ObsDerivs *r)
{
	double		u = mu / theta;
	double		m = u / (1.0 + u);
	double		q = 1.0 - m;
	double		tm = theta * m;
	double		b = tm - y * q;	/* theta m - y (1 - m) */

	r->e = y * q - tm;
	r->s = -theta * (dgv - L + m) + y * q;
	r->n = 0.0;
	if (want2)
	{
		r->ee = -(y + theta) * m * q;
		r->ss = theta * theta * tgv + tm - b * q + theta * (dgv - L + m) - y * q;
		r->es = b * m;
		r->nn = r->en = r->ns = 0.0;
	}
	if (d->family != SCOMM_TRAJ_ZINB)
		return;
	if (y > 0)
	{
		r->n = -pz;
		if (want2)
			r->nn = -pz * (1.0 - pz);
		return;
	}
	{
		/* the zero: a = -theta L with a_e = r->e, a_s = r->s (y = 0) */
		double		a = -theta * L;
		double		w = Expit(a - nu);	/* the nbinom share of the zero */
		double		v = w * (1.0 - w);
		double		ae = r->e,
					as = r->s;

		r->e = w * ae;
		r->s = w * as;
		r->n = (1.0 - w) - pz;
		if (want2)
		{
			r->ee = w * r->ee + v * ae * ae;
			r->ss = w * r->ss + v * as * as;
			r->es = w * r->es + v * ae * as;
			r->nn = v - pz * (1.0 - pz);
			r->en = -v * ae;
			r->ns = -v * as;
		}
	}
}

void
scomm_traj_nb_unit_grad(const TrajData *d, size_t i, const double *par,
						const double *tab, const double *ck, double *g)
{
	double		theta = exp(-par[d->q - 1]);
	double		nu = d->family == SCOMM_TRAJ_ZINB ? par[d->p] : 0.0;
	double		pz = d->family == SCOMM_TRAJ_ZINB ? Expit(nu) : 0.0;
	NbMemo		mm;
	int			p = d->p,
				a;
	size_t		o;

	MemoOfTables(d, par, tab, ck, theta, 1, &mm);
	memset(g, 0, d->q * sizeof(double));
	for (o = d->ustart[i]; o < d->ustart[i + 1]; o++)
	{
		const double *x = d->x + (size_t) d->tj[o] * p;
		int			c = d->ycell[o];
		ObsDerivs	r;

		ObsDeriv(d, d->y[o], c >= 0 ? mm.dg[c] : 0.0, 0.0,
				 d->e[o] * TRAJ_TAB(tab, d, d->tj[o])[1], mm.L[o], theta, pz, nu, 0, &r);
		for (a = 0; a < p; a++)
			g[a] += r.e * x[a];
		g[d->q - 1] += r.s;
		if (d->family == SCOMM_TRAJ_ZINB)
			g[p] += r.n;
	}
}

/* eta per time into et[ntimes], exp(eta) into ex[ntimes]; 0 when out of range */
static int
Etas(const TrajData *d, const double *par, double *et, double *ex)
{
	size_t		j;
	int			a;

	for (j = 0; j < d->ntimes; j++)
	{
		double		eta = 0.0;

		for (a = 0; a < d->p; a++)
			eta += d->x[j * d->p + a] * par[a];
		if (!(eta < ETA_MAX))
			return 0;
		et[j] = eta;
		ex[j] = exp(eta);
	}
	return 1;
}

/* The M-step objective of a group (without constants); -inf if invalid. */
double
scomm_traj_nb_group_q(const TrajData *d, const double *stat, const double *par)
{
	double		theta = Theta(d, par);
	double	   *et = d->nbscratch,
			   *ex = et + d->ntimes;
	double		logp = 0.0,
				log1mp = 0.0,
				qv = 0.0;
	NbMemo		mm;
	size_t		i,
				o;

	if (theta == 0.0 || !Etas(d, par, et, ex))
		return -INFINITY;
	if (d->family == SCOMM_TRAJ_ZINB)
	{
		if (!isfinite(par[d->p]))
			return -INFINITY;
		logp = -Softplus(-par[d->p]);
		log1mp = -Softplus(par[d->p]);
	}
	Memo(d, par, ex, theta, -1, 0, &mm);
	for (i = 0; i < d->nunits; i++)
	{
		double		w = stat[i],
					s = 0.0;

		if (!(w > 0))
			continue;
		for (o = d->ustart[i]; o < d->ustart[i + 1]; o++)
		{
			int			c = d->ycell[o];
			double		eta = et[d->tj[o]];

			s += ObsLogf(d, d->y[o], c >= 0 ? mm.lg[c] : 0.0, eta, mm.L[o], theta, logp, log1mp);
		}
		qv += w * s;
	}
	return isfinite(qv) ? qv : -INFINITY;
}

/*
 * Gradient g[q] and Hessian h[q * q] of the M-step objective of a group:
 * per-observation derivatives summed per time, then multiplied out with the
 * basis rows.  0 when the parameters are out of range.
 */
int
scomm_traj_nb_group_q_derivs(const TrajData *d, const double *stat,
							 const double *par, double *g, double *h)
{
	double		theta = Theta(d, par);
	size_t		J = d->ntimes,
				i,
				o,
				j;
	double	   *et = d->nbscratch,
			   *ex = et + J,
			   *A = ex + J,		/* per time: sum w d/deta */
			   *B = A + J,		/* sum w d2/deta2 */
			   *Cs = B + J,		/* sum w d2/deta ds */
			   *Cn = Cs + J;	/* sum w d2/deta dnu */
	double		pz = 0.0,
				gs = 0.0,
				gn = 0.0,
				hss = 0.0,
				hnn = 0.0,
				hns = 0.0;
	int			p = d->p,
				q = d->q,
				is = q - 1,
				in = p,
				zinb = d->family == SCOMM_TRAJ_ZINB,
				a,
				b2;
	NbMemo		mm;

	memset(g, 0, q * sizeof(double));
	memset(h, 0, (size_t) q * q * sizeof(double));
	if (theta == 0.0 || !Etas(d, par, et, ex))
		return 0;
	if (zinb)
	{
		if (!isfinite(par[p]))
			return 0;
		pz = Expit(par[p]);
	}
	Memo(d, par, ex, theta, -1, 1, &mm);
	memset(A, 0, 4 * J * sizeof(double));
	for (i = 0; i < d->nunits; i++)
	{
		double		w = stat[i];

		if (!(w > 0))
			continue;
		for (o = d->ustart[i]; o < d->ustart[i + 1]; o++)
		{
			int			c = d->ycell[o];
			size_t		tj = d->tj[o];
			ObsDerivs	r;

			ObsDeriv(d, d->y[o], c >= 0 ? mm.dg[c] : 0.0, c >= 0 ? mm.tg[c] : 0.0,
					 d->e[o] * ex[tj], mm.L[o], theta, pz, par[zinb ? p : 0], 1, &r);
			A[tj] += w * r.e;
			B[tj] += w * r.ee;
			Cs[tj] += w * r.es;
			gs += w * r.s;
			hss += w * r.ss;
			if (zinb)
			{
				Cn[tj] += w * r.en;
				gn += w * r.n;
				hnn += w * r.nn;
				hns += w * r.ns;
			}
		}
	}
	for (j = 0; j < J; j++)
	{
		const double *x = d->x + j * p;

		for (a = 0; a < p; a++)
		{
			g[a] += A[j] * x[a];
			h[a * q + is] += Cs[j] * x[a];
			if (zinb)
				h[a * q + in] += Cn[j] * x[a];
			for (b2 = 0; b2 <= a; b2++)
				h[a * q + b2] += B[j] * x[a] * x[b2];
		}
	}
	g[is] = gs;
	h[is * q + is] = hss;
	if (zinb)
	{
		g[in] = gn;
		h[in * q + in] = hnn;
		h[in * q + is] = h[is * q + in] = hns;
	}
	for (a = 0; a < q; a++)
		for (b2 = 0; b2 < a; b2++)
		{
			if (a < p)			/* the beta block was filled below the diagonal */
				h[b2 * q + a] = h[a * q + b2];
			else
				h[a * q + b2] = h[b2 * q + a];
		}
	for (a = 0; a < q; a++)
	{
		if (!isfinite(g[a]))
			return 0;
		for (b2 = 0; b2 < q; b2++)
			if (!isfinite(h[a * q + b2]))
				return 0;
	}
	return 1;
}

/*
 * Starting parameters of a group from its weights: the rate of the
 * weighted counts, the dispersion by the method of moments (within
 * [0.01, 10]); for zinb a zero probability of 0.1.
 */
void
scomm_traj_nb_group_start(const TrajData *d, const double *stat, double *par)
{
	double		sy = 0.0,
				se = 0.0,
				v = 0.0,
				m2 = 0.0,
				rate,
				alpha,
				pz = 0.1;
	size_t		i,
				o;

	memset(par, 0, d->q * sizeof(double));
	for (i = 0; i < d->nunits; i++)
		for (o = d->ustart[i]; o < d->ustart[i + 1]; o++)
		{
			sy += stat[i] * d->y[o];
			se += stat[i] * d->e[o];
		}
	rate = sy > 0 && se > 0 ? sy / se : 1e-3;
	for (i = 0; i < d->nunits; i++)
		for (o = d->ustart[i]; o < d->ustart[i + 1]; o++)
		{
			double		mu = d->e[o] * rate,
						r = d->y[o] - mu;

			v += stat[i] * (r * r - d->y[o]);
			m2 += stat[i] * mu * mu;
		}
	alpha = m2 > 0 ? v / m2 : 0.1;
	alpha = fmin(fmax(alpha, 0.01), 10.0);
	if (d->family == SCOMM_TRAJ_ZINB)
	{
		par[d->p] = log(pz / (1.0 - pz));
		rate /= 1.0 - pz;
	}
	par[0] = log(rate);
	par[d->q - 1] = log(alpha);
}
