/*
 * multistart.h: the one multi-start driver of the mixture fits (latent
 * classes, trajectory groups), PostgreSQL-free.
 *
 * A fit runs `starts` starts from one generator (scomm_rng_for_fit(seed)).
 * Each start calls ops->run, which draws start values from the generator
 * and iterates them; a start that collapses (ops->run returns SCOMM_ENOCONV)
 * is redrawn, up to `redraws` attempts, each collapse counted in `failed`.
 * The start with the highest final log-likelihood wins (ops->keep is called
 * when a start beats the best so far; ties keep the earlier start), and
 * `at_best` counts the finished starts whose final log-likelihood is within
 * tie_tol * max(1, |best|) of the best.  ops->run receives the best
 * log-likelihood so far (-inf before any), so it may abandon a start that
 * cannot reach it; such a start finishes with the log-likelihood where it
 * stopped (below the best) and is counted in `stopped_early` when the run
 * sets res->stopped_early.  The interrupt hook is polled before every
 * attempt.
 */
#ifndef SCOMM_MULTISTART_H
#define SCOMM_MULTISTART_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "scomm_core.h"

#define SCOMM_MULTISTART_MAX_STARTS 100000

/* what one start reports */
typedef struct scomm_start_result
{
	double		ll;				/* final log-likelihood */
	int			iterations;
	int			converged;
	int			stopped_early;	/* abandoned as unable to reach best_ll */
} scomm_start_result;

typedef struct scomm_multistart_ops
{
	/*
	 * Draw start values from rng and run them.  SCOMM_OK with *res filled,
	 * SCOMM_ENOCONV when the start collapsed (redrawn), anything else stops
	 * the fit with that status.
	 */
	scomm_status (*run) (void *ctx, gsl_rng *rng, double best_ll,
						 scomm_start_result *res);
	/* the start just run is the best so far: keep its parameters */
	void		(*keep) (void *ctx);
} scomm_multistart_ops;

/* settings (in) and results (out) of a multi-start fit */
typedef struct scomm_multistart
{
	/* in */
	int			starts;			/* 1..SCOMM_MULTISTART_MAX_STARTS */
	int			redraws;		/* attempts per start, >= 1 */
	double		tie_tol;		/* relative tolerance of a tie with the best */
	uint64_t	seed;
	/* out */
	double		best_ll;		/* -inf when every start collapsed */
	int			best_start;		/* 0-based, -1 when none */
	int			best_iterations;
	int			best_converged;
	int			finished;		/* starts that ended without collapsing */
	int			at_best;		/* finished starts tied with the best */
	int			failed;			/* collapsed attempts (redrawn) */
	int			stopped_early;	/* finished starts abandoned as hopeless */
} scomm_multistart;

/*
 * Run the starts.  SCOMM_OK also when every start collapsed (best_ll is
 * then -inf: the caller decides); SCOMM_EINVAL for bad settings, or the
 * first status other than SCOMM_OK / SCOMM_ENOCONV that ops->run returned
 * (SCOMM_CANCELLED when the interrupt hook said stop).
 */
extern scomm_status scomm_multistart_run(const scomm_multistart_ops *ops,
										 void *ctx, scomm_multistart *ms);

/* a fresh settings block: 1 start, 10 redraws, tie_tol 1e-6, seed 1 */
extern void scomm_multistart_init(scomm_multistart *ms);

#endif
