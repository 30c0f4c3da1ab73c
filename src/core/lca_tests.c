/*
 * lca_tests.c: how many classes, and class means of an outcome.
 *
 * Likelihood-ratio tests of k - 1 against k classes:
 *
 * - the Vuong-Lo-Mendell-Rubin test (Lo, Mendell & Rubin 2001; Mplus
 *   TECH11): 2 (LL_k - LL_{k-1}) is referred to the weighted sum of
 *   chi-squares sum_i lambda_i chi2_1 of Vuong (1989, theorem 3.3), the
 *   lambda the eigenvalues of W = V Q with V the covariance of the two
 *   models' per-row scores (s_k, -s_{k-1}) and Q = blockdiag(I_k^-1,
 *   -I_{k-1}^-1), I the observed information per row (lca_se.c's
 *   parameters, Louis's identity); the p-value by Imhof's (1961)
 *   integral.  The adjusted test divides the statistic by 1 + 1 / (d log N),
 *   d the difference in parameters (LMR's ad hoc correction, their eq. 15,
 *   with d in place of the normal mixture's count), and uses the same
 *   distribution;
 * - the parametric bootstrap likelihood-ratio test (McLachlan 1987; Mplus
 *   TECH14): tables of the data's size, missing answers and covariates are
 *   drawn from the (k - 1)-class model, both models refitted to each (each
 *   fit also starts from the data's estimates), p = (1 + #{LR_b >= LR}) /
 *   (1 + B).  Draw b uses random stream b of the seed, so draws do not
 *   depend on each other.
 *
 * Class means of an outcome corrected for classification error (Bolck,
 * Croon & Hagenaars 2004; Vermunt 2010; Bakk & Vermunt 2016; Mplus BCH): with
 * D[t][s] = P(modal class s | class t) estimated from the posteriors, each
 * row assigned to s weighs (D^-1)[s][t] in class t; the mean of class t is
 * the weighted mean of the outcome, its standard error the sandwich
 * sqrt(sum w^2 (y - mean)^2) / sum w (weights taken as known).  Everything
 * is a sum over rows, so the aggregate state is a fixed array.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "lca_int.h"
#include "mlogit.h"
#include "scomm_random.h"
#include "symmat.h"

/* Nonzero when model m was fitted with the covariates of table t (one class: none). */
static int
SameCovariates(const scomm_lca_table *t, const scomm_lca_model *m)
{
	return m->ncov == (m->nclass > 1 ? t->ncov : 0);
}

/* ---------------------------------------------------------------------- */
/* Imhof's integral */

/* integrand sin(theta(u)) / (u rho(u)) and log rho(u) */
static double
ImhofTerm(const double *lam, int m, double x, double u, double *logrho)
{
	double		theta = -0.5 * x * u,
				lr = 0.0;
	int			i;

	for (i = 0; i < m; i++)
	{
		theta += 0.5 * atan(lam[i] * u);
		lr += 0.25 * log1p(lam[i] * lam[i] * u * u);
	}
	*logrho = lr;
	return sin(theta) / (u * exp(lr));
}

/*
 * P(sum lam_i Z_i^2 > x) by Imhof's formula, integrated with 8-point
 * Gauss-Legendre panels of at most a quarter radian of the integrand's
 * phase until the tail bound 2 / (m rho(U) pi) is below 1e-9 (or 2e6
 * panels).  lam: the m nonzero weights.
 */
double
scomm_lca_imhof(const double *lam, int m, double x)
{
	static const double gx[8] = {-0.9602898564975363, -0.7966664774136267,
		-0.5255324099163290, -0.1834346424956498, 0.1834346424956498,
	0.5255324099163290, 0.7966664774136267, 0.9602898564975363};
	static const double gw[8] = {0.1012285362903763, 0.2223810344533745,
		0.3137066458778873, 0.3626837833783620, 0.3626837833783620,
	0.3137066458778873, 0.2223810344533745, 0.1012285362903763};
	double		sum = 0.0,
				slope = fabs(x),
				lmax = 0.0,
				h,
				a = 0.0;
	long		panel;
	int			i;

	if (m < 1)
		return x < 0 ? 1.0 : 0.0;
	for (i = 0; i < m; i++)
	{
		slope += fabs(lam[i]);
		lmax = fmax(lmax, fabs(lam[i]));
	}
	h = 0.5 / (0.5 * slope);
	for (panel = 0; panel < 2000000; panel++)
	{
		double		lr = 0.0,
					part = 0.0;

		for (i = 0; i < 8; i++)
			part += gw[i] * ImhofTerm(lam, m, x, a + h * (1 + gx[i]) / 2, &lr);
		sum += part * h / 2;
		a += h;
		ImhofTerm(lam, m, x, a, &lr);
		if (2.0 / (m * exp(lr) * M_PI) < 1e-9 && lmax * a > 1.0)
			break;
		/* the phase slows once lam u >> 1: widen the panels */
		h = fmax(h, 0.05 * a);
		if (h > 0.5 / (0.5 * fabs(x) + 0.5 * m / (a + 1e-300)))
			h = fmax(0.5 / (0.5 * fabs(x) + 0.5 * m / (a + 1e-300)), 0.5 / (0.5 * slope));
	}
	return fmin(1.0, fmax(0.0, 0.5 + sum / M_PI));
}

/* ---------------------------------------------------------------------- */
/* Vuong-Lo-Mendell-Rubin */

/* scores and information of one model over the data */
typedef struct ModelScores
{
	const LcaData *d;			/* the data prepared for this model's classes */
	const scomm_lca_model *m;
	LcaSeLayout L;
	double	   *logp;			/* [T * R] slot-major */
	double	   *s;				/* [npar] current pattern's score */
	double	   *cs;				/* [npar] scratch */
	double	   *info;			/* [npar^2] minus the Hessian sum, then its pseudo-inverse */
	double		prior[SCOMM_LCA_MAX_CLASSES];
	double		post[SCOMM_LCA_MAX_CLASSES];
} ModelScores;

static void
ScoresFree(ModelScores *ms)
{
	scomm_lca_se_layout_free(&ms->L);
	scomm_core_free(ms->logp);
	scomm_core_free(ms->s);
	scomm_core_free(ms->cs);
	scomm_core_free(ms->info);
}

static scomm_status
ScoresInit(const LcaData *d, const scomm_lca_model *m, ModelScores *ms)
{
	double	   *logshare;
	scomm_status st;

	memset(ms, 0, sizeof(*ms));
	ms->d = d;
	ms->m = m;
	if ((st = scomm_lca_se_layout(d, m, &ms->L)) != SCOMM_OK)
		return st;
	if (ms->L.npar > SCOMM_LCA_MAX_SE_PARAMS ||
		(double) d->npat * m->nclass * ms->L.npar * ms->L.npar > SCOMM_LCA_MAX_SE_WORK)
		return SCOMM_ETOOBIG;
	ms->logp = scomm_core_alloc((size_t) m->nclass * m->ncat_total * sizeof(double));
	logshare = scomm_core_alloc(m->nclass * sizeof(double));
	ms->s = scomm_core_alloc(ms->L.npar * sizeof(double));
	ms->cs = scomm_core_alloc(ms->L.npar * sizeof(double));
	ms->info = scomm_core_alloc((size_t) ms->L.npar * ms->L.npar * sizeof(double));
	if (!ms->logp || !logshare || !ms->s || !ms->cs || !ms->info)
	{
		scomm_core_free(logshare);
		return SCOMM_ENOMEM;
	}
	scomm_lca_log_params(d, m->share, m->probs, logshare, ms->logp);
	scomm_core_free(logshare);
	return SCOMM_OK;
}

/*
 * The eigenvalues of Vuong's W for the models of ms[0] (k classes) and
 * ms[1] (k - 1) over the data: lam[n0 + n1], *m receives the count of
 * those not negligible.
 */
static scomm_status
VuongWeights(const LcaData *d, ModelScores *ms, double *lam, int *m)
{
	int			n0 = ms[0].L.npar,
				n1 = ms[1].L.npar,
				n = n0 + n1,
				a,
				b,
				c,
				k;
	double	   *V = scomm_core_alloc((size_t) n * n * sizeof(double));
	double	   *z = scomm_core_alloc(n * sizeof(double));
	double	   *U = scomm_core_alloc((size_t) n * n * sizeof(double));
	double	   *M = scomm_core_alloc((size_t) n * n * sizeof(double));
	double		N = LCA_N(d),
				lmax = 0.0;
	size_t		p;
	scomm_status st = SCOMM_OK;

	if (!V || !z || !U || !M)
		st = SCOMM_ENOMEM;
	for (p = 0; st == SCOMM_OK && p < d->npat; p++)
	{
		if ((p & 1023) == 1023 && scomm_core_interrupted())
			st = SCOMM_CANCELLED;
		for (k = 0; k < 2; k++)
		{
			scomm_lca_pattern_score(ms[k].d, ms[k].m, &ms[k].L, ms[k].logp, p,
									ms[k].prior, ms[k].post, ms[k].s);
			scomm_lca_pattern_hessian(ms[k].d, ms[k].m, &ms[k].L, p, ms[k].prior,
									  ms[k].post, ms[k].s, -d->w[p], ms[k].cs,
									  ms[k].info);
		}
		memcpy(z, ms[0].s, n0 * sizeof(double));
		for (a = 0; a < n1; a++)
			z[n0 + a] = -ms[1].s[a];
		for (a = 0; a < n; a++)
			for (b = 0; b <= a; b++)
				V[(size_t) a * n + b] += d->w[p] * z[a] * z[b];
	}
	/* V = U diag(e) U'; the symmetric square root F = U diag(sqrt e) U' */
	if (st == SCOMM_OK)
	{
		scomm_symmat_fill_upper(n, V);
		for (a = 0; a < n * n; a++)
			V[a] /= N;
		for (k = 0; k < 2 && st == SCOMM_OK; k++)
		{
			scomm_symmat_fill_upper(ms[k].L.npar, ms[k].info);
			for (a = 0; a < ms[k].L.npar * ms[k].L.npar; a++)
				ms[k].info[a] /= N;
			st = scomm_symmat_pinv(ms[k].L.npar, ms[k].info, ms[k].info, NULL);
		}
	}
	if (st == SCOMM_OK)
		st = scomm_symmat_sqrt(n, V, U);
	if (st == SCOMM_OK)
	{
		/* G = F Q with Q = blockdiag(I_0^-1, -I_1^-1), then M = G F */
		for (a = 0; a < n && st == SCOMM_OK; a++)
			for (c = 0; c < n; c++)
			{
				double		v = 0.0;
				int			e;

				if (c == 0 && scomm_core_interrupted())
					st = SCOMM_CANCELLED;

				if (c < n0)
					for (e = 0; e < n0; e++)
						v += U[(size_t) a * n + e] * ms[0].info[(size_t) e * n0 + c];
				else
					for (e = 0; e < n1; e++)
						v -= U[(size_t) a * n + n0 + e] * ms[1].info[(size_t) e * n1 + c - n0];
				V[(size_t) a * n + c] = v;
			}
		for (a = 0; a < n && st == SCOMM_OK; a++)
		{
			if (scomm_core_interrupted())
				st = SCOMM_CANCELLED;
			for (b = 0; b < n; b++)
			{
				double		v = 0.0;

				for (c = 0; c < n; c++)
					v += V[(size_t) a * n + c] * U[(size_t) c * n + b];
				M[(size_t) a * n + b] = v;
			}
		}
		/* symmetric up to rounding */
		for (a = 0; a < n; a++)
			for (b = 0; b < a; b++)
				M[(size_t) a * n + b] = M[(size_t) b * n + a] =
					(M[(size_t) a * n + b] + M[(size_t) b * n + a]) / 2;
		if (st == SCOMM_OK)
			st = scomm_symmat_eigenvalues(n, M, lam);
	}
	*m = 0;
	if (st == SCOMM_OK)
	{
		for (a = 0; a < n; a++)
			lmax = fmax(lmax, fabs(lam[a]));
		for (a = 0; a < n; a++)
			if (fabs(lam[a]) > 1e-8 * lmax)
				lam[(*m)++] = lam[a];
	}
	scomm_core_free(V);
	scomm_core_free(z);
	scomm_core_free(U);
	scomm_core_free(M);
	return st;
}

/*
 * The Vuong-Lo-Mendell-Rubin tests of m0 (k - 1 classes) against m1 (k)
 * fitted to table t: lr = 2 (LL_k - LL_{k-1}), its p-value, the adjusted
 * statistic and its p-value.  SCOMM_ETOOBIG beyond SCOMM_LCA_MAX_SE_PARAMS
 * parameters per model.
 */
scomm_status
scomm_lca_lmr(const scomm_lca_table *t, const scomm_lca_model *m0,
			  const scomm_lca_model *m1, scomm_lca_lrt *out)
{
	LcaData		d0,
				d1;
	ModelScores ms[2];
	double	   *lam = NULL;
	int			m = 0,
				dpar;
	scomm_status st;

	out->lr = out->vlmr_p = out->lmr_lr = out->lmr_p = NAN;
	if (t == NULL || m0 == NULL || m1 == NULL || m1->nclass != m0->nclass + 1 ||
		m0->nitems != t->nitems || m1->nitems != t->nitems ||
		!SameCovariates(t, m0) || !SameCovariates(t, m1))
		return SCOMM_EINVAL;
	memset(ms, 0, sizeof(ms));
	memset(&d0, 0, sizeof(d0));
	memset(&d1, 0, sizeof(d1));
	/* the data as each model sees it (the same rows, the same categories) */
	st = scomm_lca_data_prepare(t, m1->nclass, &d1);
	if (st == SCOMM_OK)
		st = scomm_lca_data_prepare(t, m0->nclass, &d0);
	if (st == SCOMM_OK && (d1.ncat_total != m1->ncat_total || d0.npat != d1.npat))
		st = SCOMM_EINVAL;
	if (st == SCOMM_OK)
		st = ScoresInit(&d1, m1, &ms[0]);
	if (st == SCOMM_OK)
		st = ScoresInit(&d0, m0, &ms[1]);
	if (st == SCOMM_OK)
	{
		lam = scomm_core_alloc((ms[0].L.npar + ms[1].L.npar) * sizeof(double));
		st = lam ? VuongWeights(&d1, ms, lam, &m) : SCOMM_ENOMEM;
	}
	if (st == SCOMM_OK)
	{
		dpar = m1->npar - m0->npar;
		out->lr = 2.0 * (m1->loglik - m0->loglik);
		out->vlmr_p = scomm_lca_imhof(lam, m, out->lr);
		out->lmr_lr = out->lr / (1.0 + 1.0 / (dpar * log(m1->n)));
		out->lmr_p = scomm_lca_imhof(lam, m, out->lmr_lr);
	}
	scomm_core_free(lam);
	ScoresFree(&ms[0]);
	ScoresFree(&ms[1]);
	scomm_lca_data_free(&d0);
	scomm_lca_data_free(&d1);
	return st;
}

/* ---------------------------------------------------------------------- */
/* Bootstrap likelihood-ratio test */

/* Nonzero when every count of t is a whole number (of at most 2^31 rows). */
static int
WholeCounts(const scomm_lca_table *t)
{
	size_t		i;

	if (!(t->total <= 2147483647.0))
		return 0;
	for (i = 0; i < t->n; i++)
		if (t->count[i] != floor(t->count[i]))
			return 0;
	return 1;
}

/* Draw category k (1-based) from probabilities p[K]. */
static int
DrawCategory(gsl_rng *r, const double *p, int K)
{
	double		u = gsl_rng_uniform(r),
				c = 0.0;
	int			k;

	for (k = 0; k < K - 1; k++)
	{
		c += p[k];
		if (u < c)
			return k + 1;
	}
	return K;
}

/*
 * A table like t (the same rows, the same answered items, the same
 * covariates) with answers drawn from model m.
 */
static scomm_status
SimulateTable(const scomm_lca_table *t, const scomm_lca_model *m, gsl_rng *rng,
			  scomm_lca_table **out)
{
	double		cov[SCOMM_LCA_MAX_COVARIATES],
				prior[SCOMM_LCA_MAX_CLASSES];
	unsigned char y[SCOMM_LCA_MAX_ITEMS];
	int			off[SCOMM_LCA_MAX_ITEMS];
	size_t		i;
	long		drawn = 0;
	int			j;
	scomm_status st;

	if ((st = scomm_lca_table_create_cov(t->nitems, t->ncov, out)) != SCOMM_OK)
		return st;
	(*out)->skipped = t->skipped;
	for (j = 0; j < t->nitems; j++)
		off[j] = j == 0 ? 0 : off[j - 1] + m->ncat[j - 1];
	for (i = 0; i < t->n && st == SCOMM_OK; i++)
	{
		const uint8_t *pat = LCA_PATTERN(t, i);
		long		u,
					c = (long) t->count[i];

		scomm_lca_table_get_cov(t, i, cov);
		if ((st = scomm_lca_prior(m, cov, m->ncov, prior)) != SCOMM_OK)
			break;
		for (u = 0; u < c && st == SCOMM_OK; u++)
		{
			int			r = DrawCategory(rng, prior, m->nclass) - 1;
			const double *pr = m->probs + (size_t) r * m->ncat_total;

			for (j = 0; j < t->nitems; j++)
				y[j] = pat[j] == 0 ? 0 : (unsigned char) DrawCategory(rng, pr + off[j], m->ncat[j]);
			st = scomm_lca_table_add_cov(*out, y, t->nitems, cov, t->ncov, 1.0);
			if ((++drawn & 65535) == 0 && scomm_core_interrupted())
				st = SCOMM_CANCELLED;
		}
	}
	if (st != SCOMM_OK)
	{
		scomm_lca_table_free(*out);
		*out = NULL;
	}
	return st;
}

/* Fit R classes to table b, starting first from model start when it fits b. */
static scomm_status
RefitFrom(const scomm_lca_table *b, const scomm_lca_model *start,
		  const scomm_lca_options *base, uint64_t seed, double *ll)
{
	scomm_lca_options o = *base;
	scomm_lca_model *m = NULL;
	int			j,
				same = 1;
	scomm_status st;

	o.nclass = start->nclass;
	o.seed = seed;
	o.se = 0;
	for (j = 0; j < b->nitems; j++)
		same &= b->maxcat[j] == start->ncat[j];
	if (same)
	{
		o.start_probs = start->probs;
		o.start_share = start->share;
		o.start_coef = start->ncov > 0 ? start->coef : NULL;
	}
	st = scomm_lca_fit_opts(b, &o, &m);
	if (st == SCOMM_OK)
		*ll = m->loglik;
	scomm_lca_model_free(m);
	return st;
}

/*
 * The bootstrap likelihood-ratio test of m0 (k - 1 classes) against m1 (k)
 * fitted to t, with `draws` tables drawn from m0 and refitted with the
 * options o (starts, tolerance, acceleration) plus the data's estimates as
 * first starts.  *p = (1 + #{LR_b >= LR}) / (1 + used), *used the draws
 * whose both fits finished (NaN p when none).  Needs whole counts.
 */
scomm_status
scomm_lca_blrt(const scomm_lca_table *t, const scomm_lca_model *m0,
			   const scomm_lca_model *m1, const scomm_lca_options *o,
			   int draws, uint64_t seed, double *p, int *used)
{
	double		lr = 2.0 * (m1->loglik - m0->loglik);
	int			b,
				above = 0;
	gsl_rng    *rng = NULL;
	scomm_status st = SCOMM_OK;

	*p = NAN;
	*used = 0;
	if (t == NULL || m0 == NULL || m1 == NULL || o == NULL ||
		m1->nclass != m0->nclass + 1 || draws < 0 ||
		draws > SCOMM_LCA_MAX_DRAWS || !SameCovariates(t, m0) || !SameCovariates(t, m1))
		return SCOMM_EINVAL;
	if (!WholeCounts(t))
		return SCOMM_EINVAL;
	if ((st = scomm_rng_create(0, &rng)) != SCOMM_OK)
		return st;
	for (b = 0; b < draws && st == SCOMM_OK; b++)
	{
		scomm_lca_table *tb = NULL;
		double		ll0 = NAN,
					ll1 = NAN;
		uint64_t	fseed = scomm_mix64(seed ^ scomm_mix64((uint64_t) b + 1));
		scomm_status s0,
					s1;

		scomm_rng_set_stream(rng, seed, (uint64_t) b + 1);
		if ((st = SimulateTable(t, m0, rng, &tb)) != SCOMM_OK)
			break;
		s0 = RefitFrom(tb, m0, o, fseed, &ll0);
		s1 = s0 == SCOMM_OK ? RefitFrom(tb, m1, o, fseed + 1, &ll1) : s0;
		scomm_lca_table_free(tb);
		if (s0 == SCOMM_CANCELLED || s1 == SCOMM_CANCELLED ||
			s0 == SCOMM_ENOMEM || s1 == SCOMM_ENOMEM)
			st = s0 != SCOMM_OK ? s0 : s1;
		else if (s0 == SCOMM_OK && s1 == SCOMM_OK)
		{
			(*used)++;
			above += 2.0 * (ll1 - ll0) >= lr;
		}
	}
	scomm_rng_free(rng);
	if (st == SCOMM_OK && *used > 0)
		*p = (1.0 + above) / (1.0 + *used);
	return st;
}

/* ---------------------------------------------------------------------- */
/* BCH class means of an outcome */

/* state: [0] R, then n[R], sum y[R], sum y^2[R] per modal class, D[R*R], P[R] */
#define BCH_N(R) 1
#define BCH_S(R) (1 + (R))
#define BCH_Q(R) (1 + 2 * (R))
#define BCH_D(R) (1 + 3 * (R))
#define BCH_P(R) (1 + 3 * (R) + (R) * (R))

int
scomm_lca_bch_size(int R)
{
	return 1 + 4 * R + R * R;
}

scomm_status
scomm_lca_bch_add(double *st, int R, const double *post, double y)
{
	int			t,
				s = 0;

	if (st == NULL || post == NULL || R < 1 || R > SCOMM_LCA_MAX_CLASSES ||
		st[0] != R || !isfinite(y))
		return SCOMM_EINVAL;
	for (t = 0; t < R; t++)
	{
		if (!(post[t] >= 0.0 && post[t] <= 1.0 + 1e-9))
			return SCOMM_EINVAL;
		if (post[t] > post[s])
			s = t;
	}
	st[BCH_N(R) + s] += 1.0;
	st[BCH_S(R) + s] += y;
	st[BCH_Q(R) + s] += y * y;
	for (t = 0; t < R; t++)
	{
		st[BCH_D(R) + t * R + s] += post[t];
		st[BCH_P(R) + t] += post[t];
	}
	return SCOMM_OK;
}

/*
 * Modal-assignment and BCH means of each class with their standard errors
 * from a state of scomm_lca_bch_add.  A class no row is assigned to has
 * NaN modal numbers; a singular D gives NaN BCH numbers.
 */
scomm_status
scomm_lca_bch(const double *st, int R, scomm_lca_bch_row *rows)
{
	double	   *D,
			   *Dinv;
	int			s,
				t;
	scomm_status rc;

	if (st == NULL || rows == NULL || R < 1 || R > SCOMM_LCA_MAX_CLASSES || st[0] != R)
		return SCOMM_EINVAL;
	for (s = 0; s < R; s++)
	{
		double		n = st[BCH_N(R) + s],
					mean = st[BCH_S(R) + s] / n;

		rows[s].modal_n = n;
		rows[s].modal_mean = n > 0 ? mean : NAN;
		rows[s].modal_se = n > 1 ?
			sqrt(fmax(st[BCH_Q(R) + s] - n * mean * mean, 0.0) / (n - 1) / n) : NAN;
		rows[s].bch_mean = rows[s].bch_se = rows[s].bch_n = NAN;
	}
	D = scomm_core_alloc((size_t) R * R * sizeof(double));
	Dinv = scomm_core_alloc((size_t) R * R * sizeof(double));
	if (D == NULL || Dinv == NULL)
	{
		scomm_core_free(D);
		scomm_core_free(Dinv);
		return SCOMM_ENOMEM;
	}
	for (t = 0; t < R; t++)
		for (s = 0; s < R; s++)
			D[t * R + s] = st[BCH_P(R) + t] > 0 ? st[BCH_D(R) + t * R + s] / st[BCH_P(R) + t] : NAN;
	rc = scomm_matrix_inverse(R, D, Dinv);
	if (rc == SCOMM_OK)
		for (t = 0; t < R; t++)
		{
			double		sw = 0.0,
						swy = 0.0,
						mean,
						v = 0.0;

			for (s = 0; s < R; s++)
			{
				sw += Dinv[s * R + t] * st[BCH_N(R) + s];
				swy += Dinv[s * R + t] * st[BCH_S(R) + s];
			}
			mean = swy / sw;
			for (s = 0; s < R; s++)
				v += Dinv[s * R + t] * Dinv[s * R + t] *
					(st[BCH_Q(R) + s] - 2 * mean * st[BCH_S(R) + s] + mean * mean * st[BCH_N(R) + s]);
			rows[t].bch_n = sw;
			rows[t].bch_mean = sw > 0 ? mean : NAN;
			rows[t].bch_se = sw > 0 ? sqrt(fmax(v, 0.0)) / sw : NAN;
		}
	scomm_core_free(D);
	scomm_core_free(Dinv);
	return rc == SCOMM_ESINGULAR ? SCOMM_OK : rc;
}
