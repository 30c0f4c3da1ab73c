/*
 * tap.h: minimal TAP output for the unit tests of the PostgreSQL-free core.
 * Each check prints "ok N - name" or "not ok N - name"; tap_done() prints the
 * plan and returns the exit status (non-zero when anything failed).
 */
#ifndef SCOMM_TAP_H
#define SCOMM_TAP_H

#include <math.h>
#include <stdio.h>

static int	tap_n = 0;
static int	tap_failed = 0;

static inline void
tap_ok(int cond, const char *name)
{
	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
}

/* |got - want| <= tol, or both NaN */
static inline void
tap_close(double got, double want, double tol, const char *name)
{
	int			ok = (isnan(got) && isnan(want)) || fabs(got - want) <= tol;

	tap_ok(ok, name);
	if (!ok)
		printf("#   got %.12g, want %.12g (tolerance %g)\n", got, want, tol);
}

/* relative closeness: |got - want| <= rtol * |want| */
static inline void
tap_rclose(double got, double want, double rtol, const char *name)
{
	int			ok = fabs(got - want) <= rtol * fabs(want);

	tap_ok(ok, name);
	if (!ok)
		printf("#   got %.12g, want %.12g (relative tolerance %g)\n", got, want, rtol);
}

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
