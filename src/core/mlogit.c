/*
 * mlogit.c: multinomial logit of membership on covariates (see mlogit.h).
 *
 * Newton-Raphson on the weighted multinomial log-likelihood of fractional
 * responses: the information sum_i f_i m_i (diag(p_i) - p_i p_i') ⊗ x~ x~'
 * (m_i = sum_k y_ik) is the negative Hessian, positive semi-definite, so a
 * halved step always gains once it is small enough unless the point is
 * already optimal.
 */
#include <math.h>
#include <string.h>

#include "mlogit.h"
#include "symmat.h"

/*
 * A step is kept when the objective does not fall by more than its rounding
 * error (a sum over many units), so that the small steps near the optimum
 * are not refused for noise.
 */
#define MLOGIT_NOISE 1e-12

struct scomm_mlogit_work
{
	int			K;
	int			p;
	int			npar;
	double	   *grad;			/* [npar] at the current point */
	double	   *info;			/* [npar * npar] */
	double	   *grad2;			/* [npar] at the trial point */
	double	   *info2;			/* [npar * npar] */
	double	   *step;			/* [npar] */
	double	   *trial;			/* [npar] */
	double	   *prob;			/* [K] */
	double	   *g1;				/* [npar] one unit's score */
	double		ll;				/* objective accumulated by add_unit */
};

/* Linear predictors eta[K] (eta[0] = 0) of one unit. */
static void
Eta(int K, int p, const double *beta, const double *x, double *eta)
{
	int			k,
				s;

	eta[0] = 0.0;
	for (k = 1; k < K; k++)
	{
		const double *b = beta + (size_t) (k - 1) * (p + 1);
		double		e = b[0];

		for (s = 0; s < p; s++)
			e += b[s + 1] * x[s];
		eta[k] = e;
	}
}

/* log sum exp of v[K] */
static double
LogSumExp(int K, const double *v)
{
	double		m = v[0],
				s = 0.0;
	int			k;

	for (k = 1; k < K; k++)
		if (v[k] > m)
			m = v[k];
	if (!isfinite(m))
		return m;
	for (k = 0; k < K; k++)
		s += exp(v[k] - m);
	return m + log(s);
}

void
scomm_mlogit_logprobs(int K, int p, const double *beta, const double *x,
					  double *logprob)
{
	double		lse;
	int			k;

	Eta(K, p, beta, x, logprob);
	lse = LogSumExp(K, logprob);
	for (k = 0; k < K; k++)
		logprob[k] -= lse;
}

/* log probabilities and probabilities of one unit, K exps and one log */
static void
LogProbsAndProbs(int K, int p, const double *beta, const double *x,
				 double *logprob, double *prob)
{
	double		m,
				s = 0.0,
				ls;
	int			k;

	Eta(K, p, beta, x, logprob);
	m = logprob[0];
	for (k = 1; k < K; k++)
		if (logprob[k] > m)
			m = logprob[k];
	for (k = 0; k < K; k++)
		s += (prob[k] = exp(logprob[k] - m));
	ls = log(s);
	for (k = 0; k < K; k++)
	{
		logprob[k] -= m + ls;
		prob[k] /= s;
	}
}

void
scomm_mlogit_probs(int K, int p, const double *beta, const double *x,
				   double *prob)
{
	int			k;

	scomm_mlogit_logprobs(K, p, beta, x, prob);
	for (k = 0; k < K; k++)
		prob[k] = exp(prob[k]);
}

double
scomm_mlogit_loglik(int K, int p, const double *beta, size_t n,
					const double *x, const double *y, const double *f)
{
	double		lp[SCOMM_MLOGIT_MAX_CLASSES];
	double		ll = 0.0;
	size_t		i;
	int			k;

	for (i = 0; i < n; i++)
	{
		const double *yi = y + i * K;
		double		li = 0.0;

		scomm_mlogit_logprobs(K, p, beta, p > 0 ? x + i * p : NULL, lp);
		for (k = 0; k < K; k++)
			if (yi[k] != 0.0)
				li += yi[k] * lp[k];
		ll += (f != NULL ? f[i] : 1.0) * li;
	}
	return ll;
}

void
scomm_mlogit_score(int K, int p, const double *x, const double *y,
				   const double *prob, double *g)
{
	int			k,
				s;

	for (k = 1; k < K; k++)
	{
		double		r = y[k] - prob[k];
		double	   *gk = g + (size_t) (k - 1) * (p + 1);

		gk[0] = r;
		for (s = 0; s < p; s++)
			gk[s + 1] = r * x[s];
	}
}

/* x~ x~' (S x S) of a unit's covariates into xx */
static void
OuterX(int p, const double *x, double *xx)
{
	int			S = p + 1,
				s,
				t;

	for (s = 0; s < S; s++)
	{
		double		xs = s == 0 ? 1.0 : x[s - 1];

		for (t = 0; t < S; t++)
			xx[s * S + t] = xs * (t == 0 ? 1.0 : x[t - 1]);
	}
}

/* H += a_kl xx for the blocks (k, l) of classes 1..K-1, a = A restricted */
static void
AddBlocks(int K, int S, const double *a, const double *xx, double *H)
{
	int			npar = (K - 1) * S,
				k,
				l,
				s,
				t;

	for (k = 1; k < K; k++)
		for (l = 1; l < K; l++)
		{
			double		akl = a[(k - 1) * (K - 1) + l - 1];

			if (akl == 0.0)
				continue;
			for (s = 0; s < S; s++)
			{
				double	   *row = H + (size_t) ((k - 1) * S + s) * npar + (l - 1) * S;
				const double *xr = xx + s * S;

				for (t = 0; t < S; t++)
					row[t] += akl * xr[t];
			}
		}
}

/*
 * The lower triangle only of AddBlocks with a = w (diag(prob) - prob prob')
 * (the fit fills the upper triangle once per pass)
 */
static void
InfoAddLower(int K, int p, const double *x, const double *prob, double w,
			 double *H)
{
	double		xx[(SCOMM_MLOGIT_MAX_COVARIATES + 1) * (SCOMM_MLOGIT_MAX_COVARIATES + 1)];
	int			S = p + 1,
				npar = (K - 1) * S,
				k,
				l,
				s,
				t;

	OuterX(p, x, xx);
	for (k = 1; k < K; k++)
		for (l = 1; l <= k; l++)
		{
			double		akl = w * ((k == l ? prob[k] : 0.0) - prob[k] * prob[l]);

			for (s = 0; s < S; s++)
			{
				double	   *row = H + (size_t) ((k - 1) * S + s) * npar + (l - 1) * S;
				const double *xr = xx + s * S;
				int			tmax = k == l ? s + 1 : S;

				for (t = 0; t < tmax; t++)
					row[t] += akl * xr[t];
			}
		}
}

/* Copy the lower triangle of an n x n matrix to the upper. */
static void
FillUpper(int n, double *H)
{
	int			i,
				j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			H[(size_t) i * n + j] = H[(size_t) j * n + i];
}

void
scomm_mlogit_kron_add(int K, int p, const double *x, const double *A,
					  double w, double *H)
{
	double		xx[(SCOMM_MLOGIT_MAX_COVARIATES + 1) * (SCOMM_MLOGIT_MAX_COVARIATES + 1)];
	double		a[(SCOMM_MLOGIT_MAX_CLASSES - 1) * (SCOMM_MLOGIT_MAX_CLASSES - 1)];
	int			k,
				l;

	OuterX(p, x, xx);
	for (k = 1; k < K; k++)
		for (l = 1; l < K; l++)
			a[(k - 1) * (K - 1) + l - 1] = w * A[(size_t) k * K + l];
	AddBlocks(K, p + 1, a, xx, H);
}

void
scomm_mlogit_info_add(int K, int p, const double *x, const double *prob,
					  double w, double *H)
{
	double		xx[(SCOMM_MLOGIT_MAX_COVARIATES + 1) * (SCOMM_MLOGIT_MAX_COVARIATES + 1)];
	double		a[(SCOMM_MLOGIT_MAX_CLASSES - 1) * (SCOMM_MLOGIT_MAX_CLASSES - 1)];
	int			k,
				l;

	OuterX(p, x, xx);
	for (k = 1; k < K; k++)
		for (l = 1; l < K; l++)
			a[(k - 1) * (K - 1) + l - 1] = w * ((k == l ? prob[k] : 0.0) - prob[k] * prob[l]);
	AddBlocks(K, p + 1, a, xx, H);
}

scomm_status
scomm_mlogit_work_create(int K, int p, scomm_mlogit_work **out)
{
	scomm_mlogit_work *w;
	int			npar;

	*out = NULL;
	if (K < 2 || K > SCOMM_MLOGIT_MAX_CLASSES || p < 0 ||
		p > SCOMM_MLOGIT_MAX_COVARIATES)
		return SCOMM_EINVAL;
	npar = SCOMM_MLOGIT_NPAR(K, p);
	if (npar > SCOMM_SYMMAT_MAX_N)
		return SCOMM_ETOOBIG;
	w = scomm_core_alloc(sizeof(*w));
	if (w == NULL)
		return SCOMM_ENOMEM;
	w->K = K;
	w->p = p;
	w->npar = npar;
	w->grad = scomm_core_alloc((size_t) npar * sizeof(double));
	w->info = scomm_core_alloc((size_t) npar * npar * sizeof(double));
	w->grad2 = scomm_core_alloc((size_t) npar * sizeof(double));
	w->info2 = scomm_core_alloc((size_t) npar * npar * sizeof(double));
	w->step = scomm_core_alloc((size_t) npar * sizeof(double));
	w->trial = scomm_core_alloc((size_t) npar * sizeof(double));
	w->prob = scomm_core_alloc((size_t) K * sizeof(double));
	w->g1 = scomm_core_alloc((size_t) npar * sizeof(double));
	if (!w->grad || !w->info || !w->grad2 || !w->info2 || !w->step || !w->trial ||
		!w->prob || !w->g1)
	{
		scomm_mlogit_work_free(w);
		return SCOMM_ENOMEM;
	}
	*out = w;
	return SCOMM_OK;
}

void
scomm_mlogit_work_free(scomm_mlogit_work *w)
{
	if (w == NULL)
		return;
	scomm_core_free(w->grad);
	scomm_core_free(w->info);
	scomm_core_free(w->grad2);
	scomm_core_free(w->info2);
	scomm_core_free(w->step);
	scomm_core_free(w->trial);
	scomm_core_free(w->prob);
	scomm_core_free(w->g1);
	scomm_core_free(w);
}

/*
 * Objective, gradient and information at beta in one pass over the units
 * (into grad and info, which may be the work's second pair).
 */
static double
GradInfo(scomm_mlogit_work *w, size_t n, const double *x, const double *y,
		 const double *f, const double *beta, double *grad, double *info)
{
	int			K = w->K,
				p = w->p,
				npar = w->npar;
	double		lp[SCOMM_MLOGIT_MAX_CLASSES];
	double		ll = 0.0;
	size_t		i;
	int			k,
				c;

	memset(grad, 0, (size_t) npar * sizeof(double));
	memset(info, 0, (size_t) npar * npar * sizeof(double));
	for (i = 0; i < n; i++)
	{
		const double *yi = y + i * K;
		const double *xi = p > 0 ? x + i * p : NULL;
		double		m = 0.0,
					li = 0.0,
					fi = f != NULL ? f[i] : 1.0;

		for (k = 0; k < K; k++)
			m += yi[k];
		if (fi == 0.0 || m == 0.0)
			continue;
		LogProbsAndProbs(K, p, beta, xi, lp, w->prob);
		for (k = 0; k < K; k++)
			if (yi[k] != 0.0)
				li += yi[k] * lp[k];
		ll += fi * li;
		/* score of y against m * prob */
		for (k = 0; k < K; k++)
			w->prob[k] *= m;
		scomm_mlogit_score(K, p, xi, yi, w->prob, w->g1);
		for (c = 0; c < npar; c++)
			grad[c] += fi * w->g1[c];
		for (k = 0; k < K; k++)
			w->prob[k] /= m;
		InfoAddLower(K, p, xi, w->prob, fi * m, info);
	}
	FillUpper(npar, info);
	return ll;
}

void
scomm_mlogit_begin(scomm_mlogit_work *w)
{
	memset(w->grad, 0, (size_t) w->npar * sizeof(double));
	memset(w->info, 0, (size_t) w->npar * w->npar * sizeof(double));
	w->ll = 0.0;
}

void
scomm_mlogit_add_unit(scomm_mlogit_work *w, const double *x, const double *y,
					  double f, const double *logprob)
{
	int			K = w->K,
				p = w->p,
				k,
				c;
	double		m = 0.0,
				li = 0.0;

	for (k = 0; k < K; k++)
		m += y[k];
	if (f == 0.0 || m == 0.0)
		return;
	for (k = 0; k < K; k++)
	{
		if (y[k] != 0.0)
			li += y[k] * logprob[k];
		w->prob[k] = m * exp(logprob[k]);
	}
	w->ll += f * li;
	scomm_mlogit_score(K, p, x, y, w->prob, w->g1);
	for (c = 0; c < w->npar; c++)
		w->grad[c] += f * w->g1[c];
	for (k = 0; k < K; k++)
		w->prob[k] /= m;
	InfoAddLower(K, p, x, w->prob, f * m, w->info);
}

/* Newton direction: info^-1 grad, or the pseudo-inverse's when singular. */
static scomm_status
Direction(scomm_mlogit_work *w)
{
	int			npar = w->npar;
	scomm_status st = scomm_symmat_solve(npar, w->info, w->grad, w->step);
	int			a,
				b;

	if (st != SCOMM_ESINGULAR)
		return st;
	if ((st = scomm_symmat_pinv(npar, w->info, w->info, NULL)) != SCOMM_OK)
		return st;
	for (a = 0; a < npar; a++)
	{
		double		s = 0.0;

		for (b = 0; b < npar; b++)
			s += w->info[(size_t) a * npar + b] * w->grad[b];
		w->step[a] = s;
	}
	return SCOMM_OK;
}

/* Check the sizes and that every input is finite. */
static int
ValidData(const scomm_mlogit_work *w, size_t n, const double *x,
		  const double *y, const double *f, const double *beta)
{
	size_t		i;
	int			c;

	if (w == NULL || (x == NULL && w->p > 0) || y == NULL || beta == NULL)
		return 0;
	for (c = 0; c < w->npar; c++)
		if (!isfinite(beta[c]))
			return 0;
	for (i = 0; i < n * w->p; i++)
		if (!isfinite(x[i]))
			return 0;
	for (i = 0; i < n * w->K; i++)
		if (!isfinite(y[i]) || y[i] < 0.0)
			return 0;
	if (f != NULL)
		for (i = 0; i < n; i++)
			if (!isfinite(f[i]) || f[i] < 0.0)
				return 0;
	return 1;
}

/* Newton steps from beta, whose objective, gradient and information are in w. */
static scomm_status
Iterate(scomm_mlogit_work *w, size_t n, const double *x, const double *y,
		const double *f, int max_iter, double tol, double *beta, double *loglik,
		int *iterations)
{
	double		ll = w->ll;
	int			it = 0;
	scomm_status st = SCOMM_OK;

	if (!isfinite(ll))
		return SCOMM_ENOCONV;
	while (it < max_iter)
	{
		double		dec = 0.0,
					t = 1.0,
					lt = -INFINITY,
					floor;
		int			c,
					h;

		if ((st = Direction(w)) != SCOMM_OK)
			break;
		for (c = 0; c < w->npar; c++)
			dec += w->grad[c] * w->step[c];
		if (it > 0 && !(dec / 2.0 > tol))
			break;
		floor = ll - MLOGIT_NOISE * (1.0 + fabs(ll));
		for (h = 0; h <= 40; h++, t /= 2.0)
		{
			for (c = 0; c < w->npar; c++)
				w->trial[c] = beta[c] + t * w->step[c];
			/* the trial's gradient and information come with its objective */
			lt = GradInfo(w, n, x, y, f, w->trial, w->grad2, w->info2);
			if (lt >= floor)
				break;
		}
		if (!(lt >= floor))
			break;
		memcpy(beta, w->trial, (size_t) w->npar * sizeof(double));
		memcpy(w->grad, w->grad2, (size_t) w->npar * sizeof(double));
		memcpy(w->info, w->info2, (size_t) w->npar * w->npar * sizeof(double));
		ll = lt;
		it++;
	}
	if (loglik != NULL)
		*loglik = ll;
	if (iterations != NULL)
		*iterations = it;
	return st;
}

scomm_status
scomm_mlogit_fit(scomm_mlogit_work *w, size_t n, const double *x,
				 const double *y, const double *f, int max_iter, double tol,
				 double *beta, double *loglik, int *iterations)
{
	if (iterations != NULL)
		*iterations = 0;
	if (!ValidData(w, n, x, y, f, beta) || max_iter < 0 || !(tol >= 0.0))
		return SCOMM_EINVAL;
	w->ll = GradInfo(w, n, x, y, f, beta, w->grad, w->info);
	return Iterate(w, n, x, y, f, max_iter, tol, beta, loglik, iterations);
}

scomm_status
scomm_mlogit_fit_continue(scomm_mlogit_work *w, size_t n, const double *x,
						  const double *y, const double *f, int max_iter,
						  double tol, double *beta, double *loglik,
						  int *iterations)
{
	if (iterations != NULL)
		*iterations = 0;
	if (!ValidData(w, n, x, y, f, beta) || max_iter < 0 || !(tol >= 0.0))
		return SCOMM_EINVAL;
	FillUpper(w->npar, w->info);
	return Iterate(w, n, x, y, f, max_iter, tol, beta, loglik, iterations);
}
