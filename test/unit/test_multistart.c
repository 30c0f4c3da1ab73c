/*
 * test_multistart.c: the random-stream module (src/core/scomm_random.c)
 * and the multi-start driver (src/core/multistart.c): seeds against their
 * definitions and published constants, generators against GSL's own, and
 * the driver's bookkeeping on scripted starts.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "tap.h"
#include "multistart.h"
#include "scomm_random.h"

static long live = 0;
static void *CAlloc(size_t n) { live++; return malloc(n); }
static void CFree(void *p) { live--; free(p); }
static int	interrupt_after = -1;
static int
Interrupt(void)
{
	return interrupt_after >= 0 && interrupt_after-- == 0;
}

/* Seeds and hashes. */
static void
TestSeeds(void)
{
	gsl_rng    *a = NULL,
			   *b = gsl_rng_alloc(gsl_rng_mt19937);
	int			i,
				same = 1;

	tap_ok(scomm_seed_fold(5) == 5 && scomm_seed_fold(UINT64_C(1) << 32 | 5) == 4 &&
		   scomm_seed_fold(UINT64_MAX) == 0, "fit seed folds the two halves");
	/* splitmix64's first output from state 0 (Steele, Lea & Flood 2014) */
	tap_ok(scomm_mix64(0) == UINT64_C(0xe220a8397b1dcdaf), "mix64(0) = splitmix64's first output");
	tap_ok(scomm_seed_stream(7, 9) == scomm_seed_fold(scomm_mix64(7 ^ scomm_mix64(9))),
		   "stream seed = fold(mix64(seed ^ mix64(key)))");
	/* 64-bit FNV-1a: the offset basis for "", published value for "a" */
	tap_ok(scomm_hash_text("") == UINT64_C(0xcbf29ce484222325) &&
		   scomm_hash_text("a") == UINT64_C(0xaf63dc4c8601ec8c), "FNV-1a of \"\" and \"a\"");
	/* the generator draws what GSL's own MT19937 draws from the same seed */
	tap_ok(scomm_rng_for_fit(UINT64_C(0x123456789), &a) == SCOMM_OK, "generator of a fit");
	gsl_rng_set(b, (0x123456789 ^ 0x1) & 0xffffffff);
	for (i = 0; i < 1000; i++)
		same &= gsl_rng_get(a) == gsl_rng_get(b);
	tap_ok(same, "its draws are MT19937's from the folded seed");
	scomm_rng_set_stream(a, 3, 4);
	gsl_rng_set(b, scomm_seed_stream(3, 4));
	for (i = 0; i < 100; i++)
		same &= gsl_rng_uniform(a) == gsl_rng_uniform(b);
	tap_ok(same, "a reseeded stream draws MT19937's from the stream seed");
	scomm_rng_free(a);
	/* seed 0 is GSL's default seed 4357 */
	scomm_rng_create(0, &a);
	gsl_rng_set(b, 4357);
	tap_ok(gsl_rng_get(a) == gsl_rng_get(b), "seed 0 is MT19937's default 4357");
	scomm_rng_free(a);
	scomm_rng_free(NULL);
	gsl_rng_free(b);
}

/* scripted starts: each attempt returns the next entry */
typedef struct Script
{
	const double *lls;			/* NaN = collapse, -1e300 = hard error */
	int			n;
	int			next;
	int			kept[16];
	int			nkept;
	double		seen_best[16];
	double		first_draw[16];
} Script;

static scomm_status
ScriptRun(void *ctx, gsl_rng *rng, double best_ll, scomm_start_result *res)
{
	Script	   *s = ctx;
	double		v;

	if (s->next >= s->n)
		return SCOMM_EINVAL;
	s->seen_best[s->next] = best_ll;
	s->first_draw[s->next] = gsl_rng_uniform(rng);
	v = s->lls[s->next++];
	if (isnan(v))
		return SCOMM_ENOCONV;
	if (v == -1e300)
		return SCOMM_ENOMEM;
	res->ll = v;
	res->iterations = s->next * 10;
	res->converged = s->next % 2;
	res->stopped_early = v < -150;
	return SCOMM_OK;
}

static void
ScriptKeep(void *ctx)
{
	Script	   *s = ctx;

	s->kept[s->nkept++] = s->next - 1;
}

static const scomm_multistart_ops ScriptOps = {ScriptRun, ScriptKeep};

static void
TestDriver(void)
{
	/* start 0: -120; start 1: collapse, then -100; start 2: -100 + 5e-5 (a tie
	 * within 1e-6 * 100); start 3: -200 (abandoned); start 4: -100 exactly */
	const double lls[] = {-120, NAN, -100, -100 + 5e-5, -200, -100, -99.9999};
	Script		s = {.lls = lls, .n = 6};
	scomm_multistart ms;
	gsl_rng    *r = gsl_rng_alloc(gsl_rng_mt19937);
	int			ok;

	scomm_multistart_init(&ms);
	ms.starts = 5;
	ms.seed = 42;
	tap_ok(scomm_multistart_run(&ScriptOps, &s, &ms) == SCOMM_OK, "five scripted starts");
	tap_ok(ms.best_start == 2 && ms.best_ll == -100 + 5e-5, "best: the highest final log-likelihood");
	tap_ok(ms.best_iterations == 40 && ms.best_converged == 0, "iterations and convergence of the best");
	tap_ok(ms.finished == 5 && ms.failed == 1 && ms.stopped_early == 1,
		   "5 finished, 1 collapse redrawn, 1 abandoned");
	tap_ok(ms.at_best == 3, "3 starts within 1e-6 * |LL| of the best");
	tap_ok(s.nkept == 3 && s.kept[0] == 0 && s.kept[1] == 2 && s.kept[2] == 3,
		   "keep called on each new best only");
	tap_ok(isinf(s.seen_best[0]) && s.seen_best[3] == -100 && s.seen_best[5] == -100 + 5e-5,
		   "each start sees the best so far");
	/* the draws are one MT19937 stream from the folded seed */
	gsl_rng_set(r, scomm_seed_fold(42));
	ok = 1;
	for (int i = 0; i < 6; i++)
		ok &= s.first_draw[i] == gsl_rng_uniform(r);
	tap_ok(ok, "starts draw in turn from MT19937(fold(seed))");
	gsl_rng_free(r);
}

static void
TestDriverEdges(void)
{
	const double collapse[] = {NAN, NAN, NAN, NAN};
	const double err[] = {-5, -1e300, -3};
	const double tie[] = {-10, -10, -10};
	Script		s1 = {.lls = collapse, .n = 4},
				s2 = {.lls = err, .n = 3},
				s3 = {.lls = tie, .n = 3},
				s4 = {.lls = tie, .n = 3};
	scomm_multistart ms;

	scomm_multistart_init(&ms);
	ms.starts = 2;
	ms.redraws = 2;
	tap_ok(scomm_multistart_run(&ScriptOps, &s1, &ms) == SCOMM_OK && ms.best_start == -1 &&
		   isinf(ms.best_ll) && ms.failed == 4 && ms.finished == 0 && ms.at_best == 0,
		   "every attempt collapsed: OK with best -inf, 4 failures");
	ms.starts = 3;
	tap_ok(scomm_multistart_run(&ScriptOps, &s2, &ms) == SCOMM_ENOMEM, "an error of a start stops the fit");
	tap_ok(scomm_multistart_run(&ScriptOps, &s3, &ms) == SCOMM_OK && ms.best_start == 0 &&
		   ms.at_best == 3 && s3.nkept == 1, "exact ties keep the earliest start");
	interrupt_after = 1;
	scomm_core_interrupt_hook = Interrupt;
	tap_ok(scomm_multistart_run(&ScriptOps, &s4, &ms) == SCOMM_CANCELLED && s4.next == 1,
		   "the interrupt hook is polled before each attempt");
	scomm_core_interrupt_hook = NULL;
	ms.starts = 0;
	tap_ok(scomm_multistart_run(&ScriptOps, &s4, &ms) == SCOMM_EINVAL, "starts 0 refused");
	ms.starts = SCOMM_MULTISTART_MAX_STARTS + 1;
	tap_ok(scomm_multistart_run(&ScriptOps, &s4, &ms) == SCOMM_EINVAL, "starts above the limit refused");
	ms.starts = 1;
	ms.redraws = 0;
	tap_ok(scomm_multistart_run(&ScriptOps, &s4, &ms) == SCOMM_EINVAL, "redraws 0 refused");
}

int
main(void)
{
	gsl_set_error_handler_off();
	scomm_core_alloc_hook = CAlloc;
	scomm_core_free_hook = CFree;
	TestSeeds();
	TestDriver();
	TestDriverEdges();
	tap_ok(live == 0, "every core allocation freed");
	return tap_done();
}
