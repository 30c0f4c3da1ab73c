/*
 * multistart.c: random starts, redraws on collapse, best log-likelihood and
 * the count of starts tied with it (see multistart.h).
 */
#include <math.h>

#include "multistart.h"
#include "scomm_random.h"

void
scomm_multistart_init(scomm_multistart *ms)
{
	ms->starts = 1;
	ms->redraws = 10;
	ms->tie_tol = 1e-6;
	ms->seed = 1;
}

/* Starts whose final log-likelihood is within the tie tolerance of the best. */
static int
CountAtBest(const double *lls, int starts, double best, double tie_tol)
{
	double		tol = tie_tol * fmax(1.0, fabs(best));
	int			s,
				n = 0;

	for (s = 0; s < starts; s++)
		if (!isnan(lls[s]) && fabs(lls[s] - best) <= tol)
			n++;
	return n;
}

/* One start: attempts until one does not collapse; *ll NaN if all did. */
static scomm_status
OneStart(const scomm_multistart_ops *ops, void *ctx, gsl_rng *rng,
		 scomm_multistart *ms, scomm_start_result *res)
{
	scomm_status st = SCOMM_ENOCONV;
	int			a;

	for (a = 0; a < ms->redraws && st == SCOMM_ENOCONV; a++)
	{
		if (scomm_core_interrupted())
			return SCOMM_CANCELLED;
		res->ll = NAN;
		res->iterations = 0;
		res->converged = 0;
		res->stopped_early = 0;
		st = ops->run(ctx, rng, ms->best_ll, res);
		if (st == SCOMM_ENOCONV)
			ms->failed++;
	}
	if (st == SCOMM_ENOCONV)
		res->ll = NAN;
	else if (st == SCOMM_OK && isnan(res->ll))
		return SCOMM_EINVAL;
	return st == SCOMM_ENOCONV ? SCOMM_OK : st;
}

scomm_status
scomm_multistart_run(const scomm_multistart_ops *ops, void *ctx,
					 scomm_multistart *ms)
{
	gsl_rng    *rng = NULL;
	double	   *lls;
	scomm_status st = SCOMM_OK;
	int			s;

	ms->best_ll = -INFINITY;
	ms->best_start = -1;
	ms->best_iterations = 0;
	ms->best_converged = 0;
	ms->finished = ms->at_best = ms->failed = ms->stopped_early = 0;
	if (ops == NULL || ops->run == NULL || ops->keep == NULL ||
		ms->starts < 1 || ms->starts > SCOMM_MULTISTART_MAX_STARTS ||
		ms->redraws < 1 || !(ms->tie_tol >= 0.0))
		return SCOMM_EINVAL;
	lls = scomm_core_alloc((size_t) ms->starts * sizeof(double));
	if (lls == NULL || (st = scomm_rng_for_fit(ms->seed, &rng)) != SCOMM_OK)
	{
		scomm_core_free(lls);
		return lls == NULL ? SCOMM_ENOMEM : st;
	}
	for (s = 0; s < ms->starts && st == SCOMM_OK; s++)
	{
		scomm_start_result res;

		st = OneStart(ops, ctx, rng, ms, &res);
		if (st != SCOMM_OK)
			break;
		lls[s] = res.ll;
		if (isnan(res.ll))
			continue;
		ms->finished++;
		ms->stopped_early += res.stopped_early != 0;
		if (res.ll > ms->best_ll)
		{
			ms->best_ll = res.ll;
			ms->best_start = s;
			ms->best_iterations = res.iterations;
			ms->best_converged = res.converged;
			ops->keep(ctx);
		}
	}
	if (st == SCOMM_OK && ms->best_start >= 0)
		ms->at_best = CountAtBest(lls, ms->starts, ms->best_ll, ms->tie_tol);
	scomm_rng_free(rng);
	scomm_core_free(lls);
	return st;
}
