/*
 * prepost_core.h: before/after statistics without PostgreSQL — running
 * moments (Welford's update, Chan's merge) and Welch's unequal-variance
 * t-test for a linear contrast of independent group means.
 */
#ifndef SCOMM_PREPOST_CORE_H
#define SCOMM_PREPOST_CORE_H

#include <stdint.h>

#include "scomm_core.h"

/* count, mean and sum of squared deviations from the mean of one group */
typedef struct prepost_moments
{
	int64_t		n;
	double		mean;
	double		m2;
} prepost_moments;

/* a contrast, its standard error and Welch's test; NaN where undefined */
typedef struct prepost_test
{
	double		estimate;
	double		se;
	double		t;
	double		df;
	double		p_value;		/* two-sided */
	double		ci_low;
	double		ci_high;
} prepost_test;

/*
 * Add one finite value (Welford 1962): with delta = x - mean,
 * mean += delta / n and m2 += delta * (x - new mean).  No sums of squares,
 * so no cancellation.  Inline: it runs once per row.
 */
static inline void
prepost_moments_add(prepost_moments *m, double x)
{
	double		delta;

	m->n++;
	delta = x - m->mean;
	m->mean += delta / (double) m->n;
	m->m2 += delta * (x - m->mean);
}

/* fold b into a (Chan, Golub and LeVeque 1979) */
extern void prepost_moments_merge(prepost_moments *a, const prepost_moments *b);

/* sample variance (n - 1 in the denominator); NaN when n < 2 */
extern double prepost_moments_var(const prepost_moments *m);

/* SCOMM_OK when n, mean and m2 describe a possible group, else SCOMM_ECORRUPT */
extern scomm_status prepost_moments_check(const prepost_moments *m);

/*
 * Welch's test of sum_i coef[i] * mean[i] = 0 for k independent groups with
 * sizes n[i] and sample variances var[i]: se^2 = sum var[i]/n[i], Welch-
 * Satterthwaite df = se^4 / sum (var[i]/n[i])^2 / (n[i] - 1), two-sided p
 * and a (1 - alpha) confidence interval from the t distribution.  Returns
 * SCOMM_EEMPTY (estimate set, the rest NaN) when some group has fewer than
 * two values, SCOMM_ESINGULAR (likewise) when se = 0, SCOMM_EINVAL on bad
 * arguments.
 */
extern scomm_status prepost_contrast(int k, const double *coef, const int64_t *n,
									 const double *mean, const double *var,
									 double alpha, prepost_test *out);

#endif
