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
	double	   *share;			/* [R] current start */
	double	   *probs;			/* [R * T] */
	double	   *best_share;
	double	   *best_probs;
	int			max_iter;
	double		tol;
} LcaRun;

/* Draw start values: equal shares, uniform probabilities normalised. */
static void
RandomStart(LcaRun *run, gsl_rng *rng)
{
	const LcaData *d = &run->d;
	int			r,
				j,
				k;

	for (r = 0; r < d->nclass; r++)
		run->share[r] = 1.0 / d->nclass;
	for (j = 0; j < d->nitems; j++)
		for (r = 0; r < d->nclass; r++)
		{
			double	   *p = run->probs + (size_t) r * d->ncat_total + d->off[j];
			double		s = 0.0;

			for (k = 0; k < d->ncat[j]; k++)
				s += (p[k] = gsl_rng_uniform_pos(rng));
			for (k = 0; k < d->ncat[j]; k++)
				p[k] /= s;
		}
}

/* Free everything a run holds. */
static void
RunFree(LcaRun *run)
{
	scomm_lca_work_free(&run->w);
	scomm_lca_data_free(&run->d);
	scomm_core_free(run->share);
	scomm_core_free(run->probs);
	scomm_core_free(run->best_share);
	scomm_core_free(run->best_probs);
}

/* Prepare data and scratch space of a run. */
static scomm_status
RunInit(LcaRun *run, const scomm_lca_table *t, int nclass, int max_iter,
		double tol)
{
	size_t		rt;
	scomm_status st;

	memset(run, 0, sizeof(*run));
	run->max_iter = max_iter;
	run->tol = tol;
	if ((st = scomm_lca_data_prepare(t, nclass, &run->d)) != SCOMM_OK)
		return st;
	if ((size_t) nclass > run->d.npat)
		return SCOMM_EINVAL;
	if ((st = scomm_lca_work_alloc(&run->d, &run->w)) != SCOMM_OK)
		return st;
	rt = (size_t) nclass * run->d.ncat_total;
	run->share = scomm_core_alloc(nclass * sizeof(double));
	run->probs = scomm_core_alloc(rt * sizeof(double));
	run->best_share = scomm_core_alloc(nclass * sizeof(double));
	run->best_probs = scomm_core_alloc(rt * sizeof(double));
	if (!run->share || !run->probs || !run->best_share || !run->best_probs)
		return SCOMM_ENOMEM;
	return SCOMM_OK;
}

/* multi-start callback: draw a start and run EM from it */
static scomm_status
RunStart(void *ctx, gsl_rng *rng, double best_ll, scomm_start_result *res)
{
	LcaRun	   *run = ctx;

	RandomStart(run, rng);
	return scomm_lca_em_run(&run->d, &run->w, run->share, run->probs,
							run->max_iter, run->tol, &res->ll,
							&res->iterations, &res->converged);
}

/* multi-start callback: the start just run is the best so far */
static void
KeepStart(void *ctx)
{
	LcaRun	   *run = ctx;

	memcpy(run->best_share, run->share, run->d.nclass * sizeof(double));
	memcpy(run->best_probs, run->probs,
		   (size_t) run->d.nclass * run->d.ncat_total * sizeof(double));
}

static const scomm_multistart_ops LcaStartOps = {RunStart, KeepStart};

/* Fill the run bookkeeping of the model. */
static void
SetRunInfo(scomm_lca_model *m, const scomm_multistart *ms, int max_iter,
		   double tol)
{
	m->starts = ms->finished;
	m->starts_at_best = ms->at_best;
	m->starts_failed = ms->failed;
	m->iterations = ms->best_iterations;
	m->converged = ms->best_converged;
	m->max_iter = max_iter;
	m->tol = tol;
	m->seed = ms->seed;
}

/*
 * Fit an nclass latent class model to table t with the given number of
 * random starts; *out receives the best model (free with
 * scomm_lca_model_free).
 */
scomm_status
scomm_lca_fit(const scomm_lca_table *t, int nclass, int starts, uint64_t seed,
			  int max_iter, double tol, scomm_lca_model **out)
{
	LcaRun		run;
	scomm_multistart ms;
	scomm_status st;

	*out = NULL;
	if (t == NULL || nclass < 1 || nclass > SCOMM_LCA_MAX_CLASSES ||
		starts < 1 || max_iter < 1 || !isfinite(tol) || tol < 0.0)
		return SCOMM_EINVAL;
	if (starts > SCOMM_LCA_MAX_STARTS)
		return SCOMM_ETOOBIG;
	scomm_multistart_init(&ms);
	ms.starts = starts;
	ms.redraws = LCA_REDRAWS;
	ms.tie_tol = SCOMM_LCA_TIE_TOL;
	ms.seed = seed;
	st = RunInit(&run, t, nclass, max_iter, tol);
	if (st == SCOMM_OK)
		st = scomm_multistart_run(&LcaStartOps, &run, &ms);
	if (st == SCOMM_OK && !isfinite(ms.best_ll))
		st = SCOMM_ENOCONV;
	if (st == SCOMM_OK)
		st = scomm_lca_model_build(&run.d, run.best_share, run.best_probs, out);
	if (st == SCOMM_OK)
		SetRunInfo(*out, &ms, max_iter, tol);
	RunFree(&run);
	return st;
}
