/*
 * lca_fit.c: the latent class fit: random starts, best log-likelihood.
 *
 * Like poLCA, each start draws every class's response probabilities for an
 * item as uniform numbers normalised to sum to one, with equal class shares,
 * and runs EM; a start that collapses (a class loses all weight) is redrawn.
 * The start with the highest final log-likelihood wins; ties keep the first.
 * Random numbers come from a private MT19937 seeded from the caller's seed,
 * and are drawn in an order that depends only on J, the K_j and R.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "lca_int.h"

#define LCA_REDRAWS 10			/* attempts per start before giving up on it */

/* the state of a multi-start fit */
typedef struct LcaRun
{
	LcaData		d;
	LcaWork		w;
	gsl_rng    *rng;
	double	   *share;			/* [R] current start */
	double	   *probs;			/* [R * T] */
	double	   *best_share;
	double	   *best_probs;
	double	   *lls;			/* [starts] final log-likelihoods, NaN = failed */
	double		best_ll;
	int			best_iter;
	int			best_conv;
	int			failed;
} LcaRun;

/* Draw start values: equal shares, uniform probabilities normalised. */
static void
RandomStart(LcaRun *run)
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
				s += (p[k] = gsl_rng_uniform_pos(run->rng));
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
	if (run->rng != NULL)
		gsl_rng_free(run->rng);
	scomm_core_free(run->share);
	scomm_core_free(run->probs);
	scomm_core_free(run->best_share);
	scomm_core_free(run->best_probs);
	scomm_core_free(run->lls);
}

/* Prepare data, scratch space and generator of a run. */
static scomm_status
RunInit(LcaRun *run, const scomm_lca_table *t, int nclass, int starts,
		uint64_t seed)
{
	size_t		rt;
	scomm_status st;

	memset(run, 0, sizeof(*run));
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
	run->lls = scomm_core_alloc(starts * sizeof(double));
	run->rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!run->share || !run->probs || !run->best_share || !run->best_probs ||
		!run->lls || !run->rng)
		return SCOMM_ENOMEM;
	gsl_rng_set(run->rng, (unsigned long) ((seed ^ (seed >> 32)) & 0xffffffffUL));
	run->best_ll = -INFINITY;
	return SCOMM_OK;
}

/* One start (with redraws on collapse); keeps it when it beats the best. */
static scomm_status
RunStart(LcaRun *run, int s, int max_iter, double tol)
{
	size_t		rt = (size_t) run->d.nclass * run->d.ncat_total;
	double		ll = NAN;
	int			iter,
				conv,
				a;
	scomm_status st = SCOMM_ENOCONV;

	for (a = 0; a < LCA_REDRAWS && st == SCOMM_ENOCONV; a++)
	{
		RandomStart(run);
		st = scomm_lca_em_run(&run->d, &run->w, run->share, run->probs,
							  max_iter, tol, &ll, &iter, &conv);
		if (st == SCOMM_ENOCONV)
			run->failed++;
	}
	if (st == SCOMM_CANCELLED)
		return st;
	run->lls[s] = (st == SCOMM_OK) ? ll : NAN;
	if (st == SCOMM_OK && ll > run->best_ll)
	{
		run->best_ll = ll;
		run->best_iter = iter;
		run->best_conv = conv;
		memcpy(run->best_share, run->share, run->d.nclass * sizeof(double));
		memcpy(run->best_probs, run->probs, rt * sizeof(double));
	}
	return SCOMM_OK;
}

/* Starts whose final log-likelihood is within SCOMM_LCA_TIE_TOL of the best. */
static int
CountAtBest(const LcaRun *run, int starts, int *finished)
{
	double		tol = SCOMM_LCA_TIE_TOL * fmax(1.0, fabs(run->best_ll));
	int			s,
				n = 0;

	*finished = 0;
	for (s = 0; s < starts; s++)
	{
		if (isnan(run->lls[s]))
			continue;
		(*finished)++;
		if (fabs(run->lls[s] - run->best_ll) <= tol)
			n++;
	}
	return n;
}

/* Fill the run bookkeeping of the model. */
static void
SetRunInfo(scomm_lca_model *m, const LcaRun *run, int starts, uint64_t seed,
		   int max_iter, double tol)
{
	m->starts_at_best = CountAtBest(run, starts, &m->starts);
	m->starts_failed = run->failed;
	m->iterations = run->best_iter;
	m->converged = run->best_conv;
	m->max_iter = max_iter;
	m->tol = tol;
	m->seed = seed;
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
	scomm_status st;
	int			s;

	*out = NULL;
	if (t == NULL || nclass < 1 || nclass > SCOMM_LCA_MAX_CLASSES ||
		starts < 1 || max_iter < 1 || !isfinite(tol) || tol < 0.0)
		return SCOMM_EINVAL;
	if (starts > SCOMM_LCA_MAX_STARTS)
		return SCOMM_ETOOBIG;
	st = RunInit(&run, t, nclass, starts, seed);
	for (s = 0; s < starts && st == SCOMM_OK; s++)
		st = RunStart(&run, s, max_iter, tol);
	if (st == SCOMM_OK && !isfinite(run.best_ll))
		st = SCOMM_ENOCONV;
	if (st == SCOMM_OK)
		st = scomm_lca_model_build(&run.d, run.best_share, run.best_probs, out);
	if (st == SCOMM_OK)
		SetRunInfo(*out, &run, starts, seed, max_iter, tol);
	RunFree(&run);
	return st;
}
