/*
 * lca_fit.c: the latent class fit: random starts, best log-likelihood.
 *
 * Like poLCA, each start draws every class's response probabilities for an
 * item as uniform numbers normalised to sum to one, with equal class shares,
 * and runs EM; a start that collapses (a class loses all weight) is redrawn.
 * The start with the highest final log-likelihood wins; ties keep the first.
 * The starts run through the shared multi-start driver (multistart.c), whose
 * private MT19937 is seeded from the caller's seed (scomm_random.h); draws
 * come in an order that depends only on J, the K_j and R.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "lca_int.h"
#include "multistart.h"

#define LCA_REDRAWS 10			/* attempts per start before giving up on it */

/* the state of a multi-start fit */
typedef struct LcaRun
{
	LcaData		d;
	LcaWork		w;
	LcaParams	cur;			/* the current start */
	LcaParams	best;
	const scomm_lca_options *o;
	int			given_start;	/* the first start is o->start_* */
} LcaRun;

/* Draw start values: equal shares, zero coefficients, uniform probabilities normalised. */
static void
RandomStart(LcaRun *run, gsl_rng *rng)
{
	const LcaData *d = &run->d;
	int			r,
				j,
				k;

	for (r = 0; r < d->nclass; r++)
		run->cur.share[r] = 1.0 / d->nclass;
	if (LCA_HAS_COV(d))
		memset(run->cur.beta, 0, LCA_NBETA(d) * sizeof(double));
	for (j = 0; j < d->nitems; j++)
		for (r = 0; r < d->nclass; r++)
		{
			double	   *p = run->cur.probs + (size_t) r * d->ncat_total + d->off[j];
			double		s = 0.0;

			for (k = 0; k < d->ncat[j]; k++)
				s += (p[k] = gsl_rng_uniform_pos(rng));
			for (k = 0; k < d->ncat[j]; k++)
				p[k] /= s;
		}
}

/* The given start values (checked by the caller). */
static void
GivenStart(LcaRun *run)
{
	const LcaData *d = &run->d;
	const scomm_lca_options *o = run->o;
	int			r;

	for (r = 0; r < d->nclass; r++)
		run->cur.share[r] = o->start_share ? o->start_share[r] : 1.0 / d->nclass;
	if (LCA_HAS_COV(d))
	{
		if (o->start_coef)
			memcpy(run->cur.beta, o->start_coef, LCA_NBETA(d) * sizeof(double));
		else
			memset(run->cur.beta, 0, LCA_NBETA(d) * sizeof(double));
	}
	memcpy(run->cur.probs, o->start_probs,
		   (size_t) d->nclass * d->ncat_total * sizeof(double));
}

/* Free everything a run holds. */
static void
RunFree(LcaRun *run)
{
	scomm_lca_work_free(&run->w);
	scomm_lca_params_free(&run->cur);
	scomm_lca_params_free(&run->best);
	scomm_lca_data_free(&run->d);
}

/* Prepare data and scratch space of a run. */
static scomm_status
RunInit(LcaRun *run, const scomm_lca_table *t, const scomm_lca_options *o)
{
	scomm_status st;

	memset(run, 0, sizeof(*run));
	run->o = o;
	run->given_start = o->start_probs != NULL;
	if ((st = scomm_lca_data_prepare(t, o->nclass, &run->d)) != SCOMM_OK)
		return st;
	if ((size_t) o->nclass > run->d.npat)
		return SCOMM_EINVAL;
	if ((st = scomm_lca_work_alloc(&run->d, &run->w)) != SCOMM_OK ||
		(st = scomm_lca_params_alloc(&run->d, &run->cur)) != SCOMM_OK ||
		(st = scomm_lca_params_alloc(&run->d, &run->best)) != SCOMM_OK)
		return st;
	return SCOMM_OK;
}

/* multi-start callback: draw a start (or take the given one) and run EM */
static scomm_status
RunStart(void *ctx, gsl_rng *rng, double best_ll, scomm_start_result *res)
{
	LcaRun	   *run = ctx;
	LcaEmOptions eo;

	if (run->given_start)
	{
		run->given_start = 0;
		GivenStart(run);
	}
	else
		RandomStart(run, rng);
	eo.max_iter = run->o->max_iter;
	eo.tol = run->o->tol;
	eo.accelerate = run->o->accelerate;
	eo.best_ll = best_ll;
	eo.best = isfinite(best_ll) ? &run->best : NULL;
	return scomm_lca_em_run(&run->d, &run->w, &run->cur, &eo, res);
}

/* multi-start callback: the start just run is the best so far */
static void
KeepStart(void *ctx)
{
	LcaRun	   *run = ctx;

	scomm_lca_params_copy(&run->d, &run->cur, &run->best);
}

static const scomm_multistart_ops LcaStartOps = {RunStart, KeepStart};

/* Fill the run bookkeeping of the model. */
static void
SetRunInfo(scomm_lca_model *m, const scomm_multistart *ms,
		   const scomm_lca_options *o)
{
	m->starts = ms->finished;
	m->starts_at_best = ms->at_best;
	m->starts_failed = ms->failed;
	m->iterations = ms->best_iterations;
	m->converged = ms->best_converged;
	m->max_iter = o->max_iter;
	m->tol = o->tol;
	m->seed = ms->seed;
	m->accelerated = o->accelerate != 0;
	m->starts_stopped = ms->stopped_early;
}

/* Nonzero when the given start values are probabilities of the right shape. */
static int
ValidGiven(const scomm_lca_options *o)
{
	int			r;

	if (o->start_probs == NULL)
		return o->start_share == NULL && o->start_coef == NULL;
	for (r = 0; o->start_share != NULL && r < o->nclass; r++)
		if (!(o->start_share[r] > 0.0 && o->start_share[r] <= 1.0))
			return 0;
	return 1;
}

void
scomm_lca_options_default(scomm_lca_options *o)
{
	memset(o, 0, sizeof(*o));
	o->nclass = 2;
	o->starts = SCOMM_LCA_DEFAULT_STARTS;
	o->seed = 1;
	o->max_iter = SCOMM_LCA_DEFAULT_MAX_ITER;
	o->tol = SCOMM_LCA_DEFAULT_TOL;
	o->se = 1;
}

/*
 * Fit a latent class model to table t; *out receives the best model (free
 * with scomm_lca_model_free).
 */
scomm_status
scomm_lca_fit_opts(const scomm_lca_table *t, const scomm_lca_options *o,
				   scomm_lca_model **out)
{
	LcaRun		run;
	scomm_multistart ms;
	scomm_status st;

	if (out == NULL)
		return SCOMM_EINVAL;
	*out = NULL;
	if (t == NULL || o == NULL || o->nclass < 1 ||
		o->nclass > SCOMM_LCA_MAX_CLASSES || o->starts < 1 || o->max_iter < 1 ||
		!isfinite(o->tol) || o->tol < 0.0 || !ValidGiven(o))
		return SCOMM_EINVAL;
	if (o->starts > SCOMM_LCA_MAX_STARTS)
		return SCOMM_ETOOBIG;
	scomm_multistart_init(&ms);
	ms.starts = o->starts;
	ms.redraws = LCA_REDRAWS;
	ms.tie_tol = SCOMM_LCA_TIE_TOL;
	ms.seed = o->seed;
	st = RunInit(&run, t, o);
	if (st == SCOMM_OK)
		st = scomm_multistart_run(&LcaStartOps, &run, &ms);
	if (st == SCOMM_OK && !isfinite(ms.best_ll))
		st = SCOMM_ENOCONV;
	if (st == SCOMM_OK)
		st = scomm_lca_model_build(&run.d, &run.best, o->se, out);
	if (st == SCOMM_OK)
		SetRunInfo(*out, &ms, o);
	RunFree(&run);
	return st;
}

/* scomm_lca_fit_opts with plain EM and standard errors */
scomm_status
scomm_lca_fit(const scomm_lca_table *t, int nclass, int starts, uint64_t seed,
			  int max_iter, double tol, scomm_lca_model **out)
{
	scomm_lca_options o;

	scomm_lca_options_default(&o);
	o.nclass = nclass;
	o.starts = starts;
	o.seed = seed;
	o.max_iter = max_iter;
	o.tol = tol;
	return scomm_lca_fit_opts(t, &o, out);
}
