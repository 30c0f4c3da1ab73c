/*
 * test_prepost.c: unit tests of the prepost core (moments and Welch's test).
 *
 * Reference values: the sleep data (Cushny and Peebles, R's datasets::sleep),
 * for which R's t.test(extra ~ group, data = sleep) prints t = -1.8608,
 * df = 17.776, p-value = 0.07939, 95% CI -3.3654832 0.2054832; the full
 * digits and the other cases were computed independently in exact rational
 * arithmetic with mpmath (40 digits; the t tail by the regularized
 * incomplete beta function).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "tap.h"
#include "prepost_core.h"

static const double sleep1[] = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
static const double sleep2[] = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};
static const double small_before[] = {10, 12, 9, 14, 11};
static const double small_after[] = {15, 13, 18, 16, 20, 17};

static prepost_moments
Moments(const double *x, int n)
{
	prepost_moments m = {0, 0, 0};
	int			i;

	for (i = 0; i < n; i++)
		prepost_moments_add(&m, x[i]);
	return m;
}

/* Welch test of after - before */
static scomm_status
Welch(prepost_moments before, prepost_moments after, prepost_test *out)
{
	double		coef[2] = {-1, 1};
	int64_t		n[2] = {before.n, after.n};
	double		mean[2] = {before.mean, after.mean};
	double		var[2] = {prepost_moments_var(&before), prepost_moments_var(&after)};

	return prepost_contrast(2, coef, n, mean, var, 0.05, out);
}

static void
TestMoments(void)
{
	prepost_moments a = Moments(sleep1, 10);
	prepost_moments b,
				c,
				whole;
	prepost_moments big = {0, 0, 0};
	prepost_moments empty = {0, 0, 0};
	double		shifted[4] = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
	int			i;

	tap_ok(a.n == 10, "n of sleep group 1");
	tap_close(a.mean, 0.75, 1e-15, "mean of sleep group 1");
	tap_close(sqrt(prepost_moments_var(&a)), 1.7890096577591624, 1e-14, "sd of sleep group 1");
	tap_ok(isnan(prepost_moments_var(&empty)), "variance of no values is NaN");
	b = Moments(sleep1, 1);
	tap_ok(isnan(prepost_moments_var(&b)), "variance of one value is NaN");

	/* Chan's merge of any split equals one pass */
	for (i = 0; i <= 10; i++)
	{
		b = Moments(sleep1, i);
		c = Moments(sleep1 + i, 10 - i);
		prepost_moments_merge(&b, &c);
		if (b.n != 10 || fabs(b.mean - a.mean) > 1e-15 || fabs(b.m2 - a.m2) > 1e-12)
			break;
	}
	tap_ok(i == 11, "merge of every split of sleep group 1 equals one pass");
	b = Moments(sleep1, 4);
	prepost_moments_merge(&b, &empty);
	c = Moments(sleep1, 4);
	tap_ok(b.n == c.n && b.mean == c.mean && b.m2 == c.m2, "merging an empty group changes nothing");

	/* a large offset: variance of {4, 7, 13, 16} is 30 (sums of squares would lose it) */
	whole = Moments(shifted, 4);
	tap_close(prepost_moments_var(&whole), 30, 1e-6, "variance with offset 1e9 (Welford)");
	b = Moments(shifted, 2);
	c = Moments(shifted + 2, 2);
	prepost_moments_merge(&b, &c);
	tap_close(prepost_moments_var(&b), 30, 1e-6, "variance with offset 1e9 (Chan merge)");
	for (i = 0; i < 1000000; i++)
		prepost_moments_add(&big, 1e8 + (i % 2 ? 1 : -1));
	tap_close(big.mean, 1e8, 1e-6, "mean of a million values around 1e8");
	tap_close(prepost_moments_var(&big), 1000000.0 / 999999.0, 1e-9, "variance of a million values around 1e8");

	tap_ok(prepost_moments_check(&a) == SCOMM_OK, "check accepts real moments");
	b = (prepost_moments) {-1, 0, 0};
	tap_ok(prepost_moments_check(&b) == SCOMM_ECORRUPT, "check refuses a negative count");
	b = (prepost_moments) {0, 1, 0};
	tap_ok(prepost_moments_check(&b) == SCOMM_ECORRUPT, "check refuses a mean without values");
	b = (prepost_moments) {1, 1, 2};
	tap_ok(prepost_moments_check(&b) == SCOMM_ECORRUPT, "check refuses spread in one value");
	b = (prepost_moments) {3, 1, -2};
	tap_ok(prepost_moments_check(&b) == SCOMM_ECORRUPT, "check refuses a negative m2");
	b = (prepost_moments) {3, NAN, 2};
	tap_ok(prepost_moments_check(&b) == SCOMM_ECORRUPT, "check refuses a NaN mean");
	b = (prepost_moments) {3, 1, INFINITY};
	tap_ok(prepost_moments_check(&b) == SCOMM_ECORRUPT, "check refuses an infinite m2");
}

static void
TestWelch(void)
{
	prepost_test r;
	scomm_status s;

	/* R: t.test(extra ~ group, data = sleep), i.e. group 1 minus group 2 */
	s = Welch(Moments(sleep2, 10), Moments(sleep1, 10), &r);
	tap_ok(s == SCOMM_OK, "sleep: status ok");
	tap_close(r.estimate, -1.58, 1e-14, "sleep: difference of means");
	tap_close(r.t, -1.8608134674868531, 1e-12, "sleep: t (R -1.8608)");
	tap_close(r.df, 17.77647351617849, 1e-10, "sleep: df (R 17.776)");
	tap_close(r.p_value, 0.079394140187358138, 1e-10, "sleep: p (R 0.07939)");
	tap_close(r.ci_low, -3.365483230711711, 1e-9, "sleep: CI low (R -3.3654832)");
	tap_close(r.ci_high, 0.20548323071171097, 1e-9, "sleep: CI high (R 0.2054832)");

	s = Welch(Moments(small_before, 5), Moments(small_after, 6), &r);
	tap_ok(s == SCOMM_OK, "small: status ok");
	tap_close(r.estimate, 5.3, 1e-14, "small: change");
	tap_close(r.t, 4.0373018931462533, 1e-12, "small: t");
	tap_close(r.df, 8.9917580569198681, 1e-10, "small: df");
	tap_close(r.p_value, 0.002946040030419218, 1e-11, "small: p");
	tap_close(r.ci_low, 2.3299203028717021, 1e-9, "small: CI low");
	tap_close(r.ci_high, 8.2700796971282979, 1e-9, "small: CI high");

	/* undefined cases */
	s = Welch(Moments(small_before, 1), Moments(small_after, 6), &r);
	tap_ok(s == SCOMM_EEMPTY && r.estimate == 16.5 - 10 && isnan(r.t) && isnan(r.p_value),
		   "one value before: change known, test undefined");
	s = Welch(Moments(small_before, 0), Moments(small_after, 6), &r);
	tap_ok(s == SCOMM_EEMPTY && isnan(r.estimate), "no value before: nothing defined");
	{
		double		same[3] = {2, 2, 2};
		double		other[3] = {5, 5, 5};

		s = Welch(Moments(same, 3), Moments(other, 3), &r);
		tap_ok(s == SCOMM_ESINGULAR && r.estimate == 3 && isnan(r.t) && isnan(r.ci_low),
			   "constant groups: change known, test undefined");
	}
}

static void
TestDiD(void)
{
	/* (after_A - before_A) - (after_B - before_B) with A = small, B = sleep 2 -> 1 */
	prepost_moments g[4];
	double		coef[4] = {1, -1, -1, 1};
	int64_t		n[4];
	double		mean[4],
				var[4];
	prepost_test r;
	int			i;

	g[0] = Moments(small_after, 6);
	g[1] = Moments(small_before, 5);
	g[2] = Moments(sleep1, 10);
	g[3] = Moments(sleep2, 10);
	for (i = 0; i < 4; i++)
	{
		n[i] = g[i].n;
		mean[i] = g[i].mean;
		var[i] = prepost_moments_var(&g[i]);
	}
	tap_ok(prepost_contrast(4, coef, n, mean, var, 0.05, &r) == SCOMM_OK, "DiD: status ok");
	tap_close(r.estimate, 6.88, 1e-13, "DiD: difference of changes");
	tap_close(r.se, 1.5634221723158748, 1e-12, "DiD: standard error");
	tap_close(r.t, 4.4006028069876704, 1e-11, "DiD: t");
	tap_close(r.df, 16.61773243258064, 1e-10, "DiD: Welch-Satterthwaite df");
	tap_close(r.p_value, 0.00041071346983546012, 1e-12, "DiD: p");
	tap_close(r.ci_low, 3.5756779583204864, 1e-9, "DiD: CI low");
	tap_close(r.ci_high, 10.184322041679514, 1e-9, "DiD: CI high");
	tap_ok(prepost_contrast(0, coef, n, mean, var, 0.05, &r) == SCOMM_EINVAL, "no groups: EINVAL");
	tap_ok(prepost_contrast(4, coef, n, mean, var, 1.5, &r) == SCOMM_EINVAL, "alpha outside (0,1): EINVAL");
}

int
main(void)
{
	TestMoments();
	TestWelch();
	TestDiD();
	return tap_done();
}
