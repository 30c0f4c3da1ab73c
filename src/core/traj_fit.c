/*
 * traj_fit.c: the trajectory fit: random starts, best log-likelihood.
 *
 * A start sorts the units along a random direction in the plane of two
 * standardised summaries of each unit (mean level and slope of y, on the log
 * scale for counts, plus noise), cuts that order into K runs at random
 * quantiles, gives each unit posterior 0.8 for its run (the rest spread
 * evenly), and fits each group to those weights; then EM and Newton run to
 * convergence.  A start that collapses (a group loses all weight or its
 * parameters overflow) is redrawn, up to 10 times.  The highest final
 * log-likelihood wins; ties keep the earlier start.  The starts run through
 * the shared multi-start driver (multistart.c), whose private MT19937 is
 * seeded from the caller's seed (scomm_random.h); draws come in an order
 * that depends only on the number of units and K.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "multistart.h"
#include "sort.h"
#include "traj_int.h"

#define TRAJ_REDRAWS 10
#define ASSIGNED_POST 0.8

typedef struct TrajRun
{
	TrajData	d;
	TrajWork	w;
	const scomm_traj_options *o;
	double	   *feat;			/* [nunits * 2] standardised summaries */
	double	   *proj;			/* [nunits] */
	size_t	   *order;			/* [2 * nunits] */
	double	   *best_par;
	double	   *best_share;
	double	   *best_gamma;		/* membership coefficients (covariates) */
	size_t		left_out;		/* units without covariates */
} TrajRun;

void
scomm_traj_options_default(scomm_traj_options *o)
{
	memset(o, 0, sizeof(*o));
	o->family = SCOMM_TRAJ_POISSON;
	o->groups = 1;
	o->degree = SCOMM_TRAJ_DEFAULT_DEGREE;
	o->starts = SCOMM_TRAJ_DEFAULT_STARTS;
	o->max_iter = SCOMM_TRAJ_DEFAULT_MAX_ITER;
	o->tol = SCOMM_TRAJ_DEFAULT_TOL;
	o->seed = 1;
	o->lower = NAN;
	o->upper = NAN;
}

/* Standardise column c of the features over the units. */
static void
Standardise(TrajRun *run, int c)
{
	size_t		i,
				n = run->d.nunits;
	double		m = 0.0,
				v = 0.0;

	for (i = 0; i < n; i++)
		m += run->feat[2 * i + c];
	m /= n;
	for (i = 0; i < n; i++)
		v += (run->feat[2 * i + c] - m) * (run->feat[2 * i + c] - m);
	v = n > 1 ? sqrt(v / (n - 1)) : 0.0;
	for (i = 0; i < n; i++)
		run->feat[2 * i + c] = v > 0 ? (run->feat[2 * i + c] - m) / v : 0.0;
}

/* Each unit's mean level and least-squares slope in the scaled time. */
static void
Features(TrajRun *run)
{
	const TrajData *d = &run->d;
	size_t		i,
				o;

	for (i = 0; i < d->nunits; i++)
	{
		double		n = 0,
					sv = 0,
					ss = 0,
					sss = 0,
					ssv = 0;

		for (o = d->ustart[i]; o < d->ustart[i + 1]; o++)
		{
			double		s = d->p > 1 ? d->x[(size_t) d->tj[o] * d->p + 1]
				: (d->tval[d->tj[o]] - d->tcenter) / d->tscale;
			double		v = d->family == SCOMM_TRAJ_CNORM ? d->y[o]
				: log((d->y[o] + 0.5) / d->e[o]);

			n += 1;
			sv += v;
			ss += s;
			sss += s * s;
			ssv += s * v;
		}
		run->feat[2 * i] = sv / n;
		run->feat[2 * i + 1] = sss * n - ss * ss > 1e-12 * n * n ?
			(n * ssv - ss * sv) / (n * sss - ss * ss) : 0.0;
	}
	Standardise(run, 0);
	Standardise(run, 1);
}

/* scomm_sort_index's order: unit b before unit a when its projection is smaller */
static int
ProjAfter(size_t a, size_t b, const void *ctx)
{
	const double *proj = ctx;

	return proj[b] < proj[a];
}

/* Draw a start: posteriors from a random ordered partition, then M-step. */
static int
RandomStart(TrajRun *run, gsl_rng *rng)
{
	const TrajData *d = &run->d;
	TrajWork   *w = &run->w;
	size_t		n = d->nunits,
				i;
	int			K = d->K,
				k;
	double		angle = 2.0 * M_PI * gsl_rng_uniform(rng);
	double		cut[SCOMM_TRAJ_MAX_GROUPS];

	for (i = 0; i < n; i++)
	{
		run->proj[i] = cos(angle) * run->feat[2 * i] +
			sin(angle) * run->feat[2 * i + 1] + gsl_ran_gaussian(rng, 0.3);
		run->order[i] = i;
	}
	for (k = 0; k < K - 1; k++)
		cut[k] = gsl_rng_uniform(rng);
	for (k = 1; k < K - 1; k++)	/* insertion sort of the cuts */
	{
		double		v = cut[k];
		int			j = k;

		for (; j > 0 && cut[j - 1] > v; j--)
			cut[j] = cut[j - 1];
		cut[j] = v;
	}
	scomm_sort_index(run->order, run->order + n, n, ProjAfter, run->proj);
	for (i = 0; i < n; i++)
	{
		double		q = (i + 0.5) / n;
		int			g = 0;

		while (g < K - 1 && q > cut[g])
			g++;
		for (k = 0; k < K; k++)
			w->post[run->order[i] * K + k] = K == 1 ? 1.0 :
				(k == g ? ASSIGNED_POST : (1.0 - ASSIGNED_POST) / (K - 1));
	}
	for (k = 0; k < K; k++)
	{
		double		s = 0.0;

		for (i = 0; i < n; i++)
			s += w->post[i * K + k];
		w->share[k] = s / n;
	}
	scomm_traj_group_stats(d, w);
	for (k = 0; k < K; k++)
		if (!scomm_traj_init_group(d, w, k))
			return 0;
	scomm_traj_init_membership(d, w);
	return 1;
}

static void
RunFree(TrajRun *run)
{
	scomm_traj_work_free(&run->w);
	scomm_traj_data_free(&run->d);
	scomm_core_free(run->feat);
	scomm_core_free(run->proj);
	scomm_core_free(run->order);
	scomm_core_free(run->best_par);
	scomm_core_free(run->best_share);
	scomm_core_free(run->best_gamma);
}

static scomm_status
RunInit(TrajRun *run, const scomm_traj_panel *sorted,
		const scomm_traj_options *o)
{
	scomm_status st;
	size_t		n;

	memset(run, 0, sizeof(*run));
	run->o = o;
	if (scomm_traj_panel_ncovunits(sorted) > 0)
	{
		/* covariates of membership: the units that have them */
		scomm_traj_panel *with = NULL;

		if ((st = scomm_traj_panel_with_covariates(sorted, &with, &run->left_out)) != SCOMM_OK)
			return st;
		if (scomm_traj_panel_nobs(with) == 0 || scomm_traj_panel_ncov(sorted) == 0)
		{
			scomm_traj_panel_free(with);
			return SCOMM_EEMPTY;
		}
		st = scomm_traj_data_prepare(with, o->family, o->groups, o->degree,
									 o->lower, o->upper, 0.0, 0.0, &run->d);
		scomm_traj_panel_free(with);
		if (st == SCOMM_OK)
			st = scomm_traj_data_covariates(&run->d, sorted, scomm_traj_panel_ncov(sorted),
											NULL, NULL);
		run->d.left_out = run->left_out;
	}
	else
		st = scomm_traj_data_prepare(sorted, o->family, o->groups, o->degree,
									 o->lower, o->upper, 0.0, 0.0, &run->d);
	if (st != SCOMM_OK)
		return st;
	if (run->d.nunits < (size_t) o->groups || run->d.ntimes < (size_t) run->d.p)
		return SCOMM_EINVAL;
	if ((st = scomm_traj_work_alloc(&run->d, &run->w)) != SCOMM_OK)
		return st;
	n = run->d.nunits;
	run->feat = scomm_core_alloc(2 * n * sizeof(double));
	run->proj = scomm_core_alloc(n * sizeof(double));
	run->order = scomm_core_alloc(2 * n * sizeof(size_t));
	run->best_par = scomm_core_alloc((size_t) o->groups * run->d.q * sizeof(double));
	run->best_share = scomm_core_alloc(o->groups * sizeof(double));
	run->best_gamma = scomm_core_alloc((run->w.ngamma + 1) * sizeof(double));
	if (!run->feat || !run->proj || !run->order || !run->best_par ||
		!run->best_share || !run->best_gamma)
		return SCOMM_ENOMEM;
	Features(run);
	return SCOMM_OK;
}

/* multi-start callback: draw a start, then EM and Newton from it */
static scomm_status
RunStart(void *ctx, gsl_rng *rng, double best_ll, scomm_start_result *res)
{
	TrajRun    *run = ctx;
	scomm_status st;

	if (!RandomStart(run, rng))
		return SCOMM_ENOCONV;
	st = scomm_traj_run(&run->d, &run->w, run->o->max_iter, run->o->tol, best_ll,
						&res->iterations, &res->converged, &res->stopped_early);
	res->ll = run->w.ll;
	return st;
}

/* multi-start callback: the start just run is the best so far */
static void
KeepStart(void *ctx)
{
	TrajRun    *run = ctx;

	memcpy(run->best_par, run->w.par, (size_t) run->d.K * run->d.q * sizeof(double));
	memcpy(run->best_share, run->w.share, run->d.K * sizeof(double));
	if (run->w.ngamma > 0)
		memcpy(run->best_gamma, run->w.gamma, run->w.ngamma * sizeof(double));
}

static const scomm_multistart_ops TrajStartOps = {RunStart, KeepStart};

/* Nonzero when the options are in range. */
static int
ValidOptions(const scomm_traj_options *o)
{
	return o != NULL && (int) o->family >= 0 && (int) o->family < SCOMM_TRAJ_NFAMILIES &&
		o->groups >= 1 && o->groups <= SCOMM_TRAJ_MAX_GROUPS &&
		o->degree >= 0 && o->degree <= SCOMM_TRAJ_MAX_DEGREE &&
		o->starts >= 1 && o->starts <= SCOMM_TRAJ_MAX_STARTS &&
		o->max_iter >= 1 && isfinite(o->tol) && o->tol >= 0.0 &&
		(o->family != SCOMM_TRAJ_CNORM ||
		 ((isnan(o->lower) || o->lower < INFINITY) &&
		  (isnan(o->upper) || o->upper > -INFINITY) &&
		  (isnan(o->lower) || isnan(o->upper) || o->lower < o->upper)));
}

/*
 * Fit a trajectory model to panel p (any order); *out receives the best
 * model (free with scomm_traj_model_free).
 */
scomm_status
scomm_traj_fit(const scomm_traj_panel *p, const scomm_traj_options *o,
			   scomm_traj_model **out)
{
	TrajRun		run;
	scomm_traj_panel *sorted = NULL;
	scomm_multistart ms;
	scomm_status st;

	if (out == NULL)
		return SCOMM_EINVAL;
	*out = NULL;
	if (p == NULL || !ValidOptions(o))
		return SCOMM_EINVAL;
	if ((st = scomm_traj_panel_copy(p, &sorted)) != SCOMM_OK)
		return st;
	st = scomm_traj_panel_check(sorted, o->family, NULL, NULL);
	if (st != SCOMM_OK)
	{
		scomm_traj_panel_free(sorted);
		return st;
	}
	st = RunInit(&run, sorted, o);
	scomm_traj_panel_free(sorted);
	scomm_multistart_init(&ms);
	ms.starts = o->starts;
	ms.redraws = TRAJ_REDRAWS;
	ms.tie_tol = SCOMM_TRAJ_TIE_TOL;
	ms.seed = o->seed;
	if (st == SCOMM_OK)
		st = scomm_multistart_run(&TrajStartOps, &run, &ms);
	if (st == SCOMM_OK && !isfinite(ms.best_ll))
		st = SCOMM_ENOCONV;
	if (st == SCOMM_OK)
	{
		memcpy(run.w.par, run.best_par, (size_t) run.d.K * run.d.q * sizeof(double));
		memcpy(run.w.share, run.best_share, run.d.K * sizeof(double));
		if (run.w.ngamma > 0)
			memcpy(run.w.gamma, run.best_gamma, run.w.ngamma * sizeof(double));
		st = scomm_traj_model_build(&run.d, &run.w, out);
	}
	if (st == SCOMM_OK)
	{
		scomm_traj_model *m = *out;

		m->starts = ms.finished;
		m->starts_at_best = ms.at_best;
		m->starts_failed = ms.failed;
		m->iterations = ms.best_iterations;
		m->converged = ms.best_converged;
		m->max_iter = o->max_iter;
		m->tol = o->tol;
		m->seed = o->seed;
	}
	RunFree(&run);
	return st;
}
