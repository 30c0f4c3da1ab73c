/*
 * test_traj_codec.c: the panel collector (add, merge, copy, canonical order,
 * equality, family checks) and the panel and model encodings: exact round
 * trips, one encoding per value, and rejection of every malformed input
 * written by hand.  Random mutations are in test_traj_fuzz.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "tap.h"
#include "traj.h"
#include "traj_testdata.h"

/* Nonzero when text s decodes as a panel. */
static int
PanelTextOk(const char *s)
{
	scomm_traj_panel *p = NULL;
	scomm_status st = scomm_traj_panel_from_text(s, strlen(s), &p);

	scomm_traj_panel_free(p);
	return st == SCOMM_OK;
}

/* text -> panel -> text gives s back */
static int
PanelTextStable(const char *s)
{
	scomm_traj_panel *p = NULL;
	char	   *t = NULL;
	size_t		l;
	int			ok = scomm_traj_panel_from_text(s, strlen(s), &p) == SCOMM_OK &&
		scomm_traj_panel_to_text(p, &t, &l) == SCOMM_OK && l == strlen(s) &&
		strcmp(t, s) == 0;

	scomm_core_free(t);
	scomm_traj_panel_free(p);
	return ok;
}

static void
TestPanelBasics(void)
{
	scomm_traj_panel *a = NULL,
			   *b = NULL,
			   *c = NULL;
	char	   *s = NULL;
	size_t		l;
	int64_t		u;
	double		t,
				y,
				e;

	tap_ok(scomm_traj_panel_create(&a) == SCOMM_OK && scomm_traj_panel_create(&b) == SCOMM_OK,
		   "create panels");
	tap_ok(scomm_traj_panel_add(a, 1, 0, 1, NAN) == SCOMM_EINVAL &&
		   scomm_traj_panel_add(a, 1, NAN, 1, 1) == SCOMM_EINVAL &&
		   scomm_traj_panel_add(a, 1, 0, INFINITY, 1) == SCOMM_EINVAL &&
		   scomm_traj_panel_add(a, 1, 0, 1, 0) == SCOMM_EINVAL &&
		   scomm_traj_panel_add(a, 1, 0, 1, -2) == SCOMM_EINVAL &&
		   scomm_traj_panel_nobs(a) == 0,
		   "add rejects NaN/infinite values and exposure <= 0");
	scomm_traj_panel_add(a, 7, 2, 3, 1);
	scomm_traj_panel_add(a, -3, 1, -0.0, 2.5);
	scomm_traj_panel_add(a, 7, 1, 0, 1);
	scomm_traj_panel_add(b, INT64_MIN, -1e300, 1e-300, 1e300);
	scomm_traj_panel_add(b, INT64_MAX, 0.1, 0.3, 0.7);
	scomm_traj_panel_add(b, 7, 2, 3, 1);
	tap_ok(scomm_traj_panel_to_text(a, &s, &l) == SCOMM_OK &&
		   strcmp(s, "{n=3;-3,1,0,2.5;7,1,0,1;7,2,3,1}") == 0,
		   "text form in canonical order, -0 stored as 0");
	scomm_core_free(s);
	tap_ok(scomm_traj_panel_copy(a, &c) == SCOMM_OK && scomm_traj_panel_merge(c, b) == SCOMM_OK &&
		   scomm_traj_panel_merge(b, a) == SCOMM_OK && scomm_traj_panel_equal(b, c) &&
		   scomm_traj_panel_nobs(c) == 6, "merge in either order gives the same multiset");
	tap_ok(scomm_traj_panel_to_text(c, &s, &l) == SCOMM_OK &&
		   strcmp(s, "{n=6;-9223372036854775808,-1e+300,1e-300,1e+300;-3,1,0,2.5;7,1,0,1;"
				  "7,2,3,1;7,2,3,1;9223372036854775807,0.1,0.3,0.7}") == 0, "extreme values and a repeated observation");
	scomm_core_free(s);
	tap_ok(PanelTextStable("{n=6;-9223372036854775808,-1e+300,1e-300,1e+300;-3,1,0,2.5;7,1,0,1;"
						   "7,2,3,1;7,2,3,1;9223372036854775807,0.1,0.3,0.7}") && PanelTextStable("{n=0}"),
		   "text round trip is exact");
	scomm_traj_panel_sort(c);
	tap_ok(scomm_traj_panel_get(c, 1, &u, &t, &y, &e) == SCOMM_OK && u == -3 && t == 1 &&
		   y == 0 && !signbit(y) && e == 2.5 && scomm_traj_panel_get(c, 6, &u, &t, &y, &e) == SCOMM_EINVAL,
		   "get in canonical order after sort; out of range rejected");
	tap_ok(scomm_traj_panel_merge(c, c) == SCOMM_EINVAL && scomm_traj_panel_merge(NULL, c) == SCOMM_EINVAL,
		   "merge with itself or NULL rejected");
	scomm_traj_panel_free(a);
	scomm_traj_panel_free(b);
	scomm_traj_panel_free(c);
}

/* panel_check with the given text and family: the status and reason */
static int
CheckSays(const char *s, scomm_traj_family f, scomm_status want, size_t want_bad,
		  const char *want_why)
{
	scomm_traj_panel *p = NULL;
	size_t		bad = 99;
	const char *why = NULL;
	scomm_status st;
	int			ok;

	if (scomm_traj_panel_from_text(s, strlen(s), &p) != SCOMM_OK)
		return 0;
	st = scomm_traj_panel_check(p, f, &bad, &why);
	ok = st == want && (want == SCOMM_OK || (bad == want_bad && why && strstr(why, want_why)));
	scomm_traj_panel_free(p);
	return ok;
}

static void
TestPanelCheck(void)
{
	tap_ok(CheckSays("{n=2;1,1,0,1;1,2,3,2}", SCOMM_TRAJ_POISSON, SCOMM_OK, 0, ""),
		   "counts with exposure fit poisson");
	tap_ok(CheckSays("{n=2;1,1,0,1;1,2,-3,1}", SCOMM_TRAJ_ZIP, SCOMM_EINVAL, 1, "negative"),
		   "negative count rejected (first offending observation)");
	tap_ok(CheckSays("{n=2;1,1,0.5,1;1,2,3,1}", SCOMM_TRAJ_POISSON, SCOMM_EINVAL, 0, "whole"),
		   "fractional count rejected");
	tap_ok(CheckSays("{n=1;1,1,1e16,1}", SCOMM_TRAJ_POISSON, SCOMM_EINVAL, 0, "too large"),
		   "count above 1e15 rejected");
	tap_ok(CheckSays("{n=3;1,1,0,1;1,2,3,1;1,2,4,1}", SCOMM_TRAJ_CNORM, SCOMM_EINVAL, 2, "same time"),
		   "two observations of a unit at one time rejected");
	tap_ok(CheckSays("{n=2;1,1,-0.5,1;1,2,3,2}", SCOMM_TRAJ_CNORM, SCOMM_EINVAL, 1, "exposure"),
		   "cnorm with an exposure rejected");
	tap_ok(CheckSays("{n=2;1,1,-0.5,1;1,2,3.25,1}", SCOMM_TRAJ_CNORM, SCOMM_OK, 0, ""),
		   "real values fit cnorm");
	tap_ok(CheckSays("{n=0}", SCOMM_TRAJ_CNORM, SCOMM_EEMPTY, 0, "empty"), "empty panel: EEMPTY");
}

static void
TestPanelTextStrict(void)
{
	static const char *const bad[] = {
		"", "{", "{n=0", "{n=0}x", " {n=0}", "{n=0} ", "{n=00}", "{n=-1}", "{n=1}",
		"{n=1;1,1,1,1;2,2,2,2}", "{n=2;1,1,1,1}", "{n=1;1,1,1,0}", "{n=1;1,1,1,-1}",
		"{n=1;1,NaN,1,1}", "{n=1;1,1,inf,1}", "{n=1;1,1,1e999,1}", "{n=1;+1,1,1,1}",
		"{n=1;01,1,1,1}", "{n=1;-0,1,1,1}", "{n=1;1,-0,1,1}", "{n=1;1,1,-0,1}",
		"{n=1;1,.5,1,1}", "{n=1;1,5.,1,1}", "{n=1;1,0x10,1,1}", "{n=1;1, 1,1,1}",
		"{n=1;9223372036854775808,1,1,1}", "{n=1;-9223372036854775809,1,1,1}",
		"{n=2;2,1,1,1;1,1,1,1}", "{n=2;1,2,1,1;1,1,1,1}", "{n=2;1,1,2,1;1,1,1,1}",
		"{n=2;1,1,1,2;1,1,1,1}", "{n=1;1,1,1,1,1}", "{N=0}", "{n=99999999999999999999}",
		"{n=18446744073709551615;1,1,1,1}",
	};
	size_t		i;
	int			rejected = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		if (!PanelTextOk(bad[i]))
			rejected++;
		else
			printf("# accepted: %s\n", bad[i]);
	}
	tap_ok(rejected == (int) (sizeof(bad) / sizeof(bad[0])), "malformed panel texts rejected");
	tap_ok(PanelTextOk("{n=2;1,1.0,2E1,1;1,1.0,2E1,1}") && !PanelTextStable("{n=2;1,1.0,2E1,1;1,1.0,2E1,1}") &&
		   PanelTextStable("{n=2;1,1,20,1;1,1,20,1}"),
		   "hand-written 1.0 and 2E1 accepted, re-encoded as 1 and 20");
}

/* Binary form: round trip and every hand-made corruption rejected. */
static void
TestPanelBinary(void)
{
	scomm_traj_panel *p = NULL,
			   *q = NULL;
	unsigned char *b = NULL,
				buf[256];
	size_t		l;
	int			ok = 1;

	scomm_traj_panel_from_text("{n=2;-3,1,0,2.5;7,2,3,1}", 24, &p);
	tap_ok(p && scomm_traj_panel_to_bytes(p, &b, &l) == SCOMM_OK && l == 1 + 8 + 64 &&
		   b[0] == 1 && b[8] == 2 && scomm_traj_panel_from_bytes(b, l, &q) == SCOMM_OK &&
		   scomm_traj_panel_equal(p, q), "binary round trip, layout version|n|obs");
	scomm_traj_panel_free(q);
	q = NULL;
	if (b == NULL)
		return;
	memcpy(buf, b, l);
#define REJECT(mod) do { memcpy(buf, b, l); mod; \
	if (scomm_traj_panel_from_bytes(buf, blen, &q) == SCOMM_OK) { ok = 0; scomm_traj_panel_free(q); q = NULL; } } while (0)
	{
		size_t		blen = l;
		double		v;

		REJECT(buf[0] = 2);
		REJECT(buf[8] = 3);
		REJECT(buf[8] = 1);
		REJECT(blen = l - 1);
		REJECT(blen = l + 1; buf[l] = 0);
		REJECT(blen = 5);
		REJECT(blen = 0);
		REJECT(buf[1] = 0x80);
		v = NAN;
		REJECT(for (int i = 0; i < 8; i++) buf[9 + 8 + i] = 0xff);
		REJECT(buf[9 + 16] = 0x80);	/* y = -0 */
		REJECT(buf[9 + 24] ^= 0x80);	/* exposure negative */
		REJECT(memset(buf + 9 + 24, 0, 8));	/* exposure 0 */
		REJECT(buf[9 + 32 + 7] = 0xf0);	/* second unit sorts first */
		(void) v;
	}
#undef REJECT
	tap_ok(ok, "corrupted binary panels rejected (version, length, NaN, -0, exposure, order)");
	scomm_core_free(b);
	scomm_traj_panel_free(p);
}

/* text of a panel (static buffer) */
static const char *
TextOf(const scomm_traj_panel *p)
{
	static char buf[4096];
	char	   *s = NULL;
	size_t		l;

	buf[0] = '\0';
	if (scomm_traj_panel_to_text(p, &s, &l) == SCOMM_OK && l < sizeof(buf))
		memcpy(buf, s, l + 1);
	scomm_core_free(s);
	return buf;
}

/* Covariate records: consistency within a unit, missing, merges, encodings. */
static void
TestPanelCovariates(void)
{
	static const char *const bad[] = {
		"{n=1;1,1,1,1;covariates=1;units=0}", "{n=1;1,1,1,1;covariates=1;units=1;1:NaN}",
		"{n=1;1,1,1,1;covariates=1;units=1;1:-0}", "{n=1;1,1,1,1;covariates=1;units=1;1:1e16}",
		"{n=1;1,1,1,1;covariates=2;units=1;1:1}", "{n=1;1,1,1,1;covariates=1;units=1;1:1,2}",
		"{n=1;1,1,1,1;covariates=1;units=2;2:1;1:1}", "{n=1;1,1,1,1;covariates=1;units=2;1:1;1:2}",
		"{n=1;1,1,1,1;covariates=0;units=1;1:1}", "{n=1;1,1,1,1;covariates=21;units=1;1:NULL}",
		"{n=1;1,1,1,1;covariates=1;units=1;1:null}", "{n=1;1,1,1,1;covariates=1;units=1;1:}",
		"{n=1;1,1,1,1;covariates=1;units=9;1:1}", "{n=1;1,1,1,1;covariates=1}",
		"{n=1;1,1,1,1;covariates=01;units=1;1:1}", "{n=1;1,1,1,1;units=1;covariates=1;1:1}",
	};
	scomm_traj_panel *a = NULL,
			   *b = NULL,
			   *c = NULL,
			   *d = NULL;
	double		x1[2] = {0.5, 3},
				x2[2] = {0.5, 4},
				x3[3] = {1, 2, 3},
				xn[2] = {NAN, 1};
	const char *why = NULL;
	const double *xv = NULL;
	int			missing = -1,
				rejected = 0;
	int64_t		u = 0;
	unsigned char *bytes = NULL;
	size_t		l = 0,
				i;

	scomm_traj_panel_create(&a);
	scomm_traj_panel_add(a, 2, 1, 1, 1);
	scomm_traj_panel_add(a, 1, 1, 0, 1);
	scomm_traj_panel_add(a, 1, 2, 3, 1);
	tap_ok(scomm_traj_panel_to_bytes(a, &bytes, &l) == SCOMM_OK && bytes[0] == 1 &&
		   l == scomm_traj_panel_encoded_size(a) && l == 9 + 3 * 32,
		   "a panel without covariates is written in version 1");
	scomm_core_free(bytes);
	tap_ok(scomm_traj_panel_set_covariates(a, 2, x1, 2, &why) == SCOMM_OK &&
		   scomm_traj_panel_set_covariates(a, 2, x1, 2, &why) == SCOMM_OK &&
		   scomm_traj_panel_set_covariates(a, 1, NULL, 0, &why) == SCOMM_OK &&
		   scomm_traj_panel_set_covariates(a, 1, x2, 2, &why) == SCOMM_OK &&
		   scomm_traj_panel_ncov(a) == 2 && scomm_traj_panel_ncovunits(a) == 2,
		   "covariates: the same vector again, missing stays missing");
	tap_ok(scomm_traj_panel_set_covariates(a, 2, x2, 2, &why) == SCOMM_EINVAL && why &&
		   strstr(why, "differ") && scomm_traj_panel_last_error(a, &u, NULL) == SCOMM_OK && u == 2,
		   "a unit with two different vectors is an error naming the unit");
	tap_ok(scomm_traj_panel_set_covariates(a, 3, x3, 3, &why) == SCOMM_EINVAL && strstr(why, "same number") &&
		   scomm_traj_panel_set_covariates(a, 3, xn, 2, &why) == SCOMM_EINVAL && strstr(why, "finite") &&
		   scomm_traj_panel_set_covariates(a, 3, x3, 0, &why) == SCOMM_EINVAL &&
		   scomm_traj_panel_set_covariates(a, 3, x3, 21, &why) == SCOMM_EINVAL,
		   "another count, NaN, 0 or 21 covariates rejected");
	tap_ok(strcmp(TextOf(a), "{n=3;1,1,0,1;1,2,3,1;2,1,1,1;covariates=2;units=2;1:NULL;2:0.5,3}") == 0,
		   "text form: records by unit after the observations");
	tap_ok(scomm_traj_panel_find_covariates(a, 2, &xv, &missing) == SCOMM_OK && missing == 0 &&
		   xv[1] == 3 && scomm_traj_panel_find_covariates(a, 1, &xv, &missing) == SCOMM_OK &&
		   missing == 1 && xv == NULL && scomm_traj_panel_find_covariates(a, 5, &xv, &missing) == SCOMM_EINVAL,
		   "find a unit's record");
	tap_ok(PanelTextStable("{n=3;1,1,0,1;1,2,3,1;2,1,1,1;covariates=2;units=2;1:NULL;2:0.5,3}") &&
		   PanelTextStable("{n=1;1,1,1,1;covariates=0;units=1;1:NULL}") &&
		   PanelTextStable("{n=0;covariates=1;units=1;-5:-1e+15}"),
		   "text round trips with records (all missing; no observations)");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		if (!PanelTextOk(bad[i]))
			rejected++;
		else
			printf("# accepted: %s\n", bad[i]);
	}
	tap_ok(rejected == (int) (sizeof(bad) / sizeof(bad[0])), "malformed covariate records rejected");
	/* binary */
	tap_ok(scomm_traj_panel_to_bytes(a, &bytes, &l) == SCOMM_OK && bytes[0] == 2 &&
		   l == scomm_traj_panel_encoded_size(a) && l == 9 + 3 * 32 + 4 + 8 + 9 + 9 + 16 &&
		   scomm_traj_panel_from_bytes(bytes, l, &b) == SCOMM_OK && scomm_traj_panel_equal(a, b),
		   "binary version 2 round trip and its size");
	if (bytes)
	{
		unsigned char *buf = malloc(l + 1);
		scomm_traj_panel *q = NULL;
		int			ok = 1;
		size_t		rec = 9 + 3 * 32;	/* the covariate count */

		memcpy(buf, bytes, l);
		ok &= scomm_traj_panel_from_bytes(buf, l - 1, &q) == SCOMM_ECORRUPT;
		buf[l] = 0;
		ok &= scomm_traj_panel_from_bytes(buf, l + 1, &q) == SCOMM_ECORRUPT;
		buf[0] = 1;
		ok &= scomm_traj_panel_from_bytes(buf, l, &q) == SCOMM_ECORRUPT;
		buf[0] = 3;
		ok &= scomm_traj_panel_from_bytes(buf, l, &q) == SCOMM_ECORRUPT;
		memcpy(buf, bytes, l);
		buf[rec + 3] = 3;		/* ncov 3: lengths no longer match */
		ok &= scomm_traj_panel_from_bytes(buf, l, &q) == SCOMM_ECORRUPT;
		memcpy(buf, bytes, l);
		buf[rec + 4 + 8 + 8] = 2;	/* missing flag 2 */
		ok &= scomm_traj_panel_from_bytes(buf, l, &q) == SCOMM_ECORRUPT;
		memcpy(buf, bytes, l);
		buf[rec + 4 + 8 + 9 + 7] = 1;	/* second record's unit = first's */
		ok &= scomm_traj_panel_from_bytes(buf, l, &q) == SCOMM_ECORRUPT;
		memcpy(buf, bytes, l);
		memset(buf + rec + 4 + 8 + 9 + 9, 0xff, 8);	/* a NaN covariate */
		ok &= scomm_traj_panel_from_bytes(buf, l, &q) == SCOMM_ECORRUPT;
		memcpy(buf, bytes, l);
		memset(buf + rec + 4, 0, 8);	/* no records in version 2 */
		ok &= scomm_traj_panel_from_bytes(buf, rec + 12, &q) == SCOMM_ECORRUPT;
		tap_ok(ok && q == NULL, "corrupted binary covariate records rejected");
		free(buf);
	}
	scomm_core_free(bytes);
	/* merges: either order, conflicts found across parts */
	scomm_traj_panel_create(&c);
	scomm_traj_panel_add(c, 3, 1, 5, 1);
	scomm_traj_panel_set_covariates(c, 3, x2, 2, NULL);
	scomm_traj_panel_set_covariates(c, 2, x1, 2, NULL);
	scomm_traj_panel_copy(c, &d);
	tap_ok(scomm_traj_panel_merge(c, a) == SCOMM_OK && scomm_traj_panel_merge(b, d) == SCOMM_OK &&
		   scomm_traj_panel_equal(b, c) && strcmp(TextOf(b), TextOf(c)) == 0,
		   "merging panels with records in either order gives the same panel");
	scomm_traj_panel_free(d);
	d = NULL;
	scomm_traj_panel_create(&d);
	scomm_traj_panel_add(d, 2, 5, 5, 1);
	scomm_traj_panel_set_covariates(d, 2, x2, 2, NULL);
	scomm_traj_panel_free(c);
	scomm_traj_panel_copy(a, &c);
	tap_ok(scomm_traj_panel_merge(c, d) == SCOMM_EINVAL &&
		   scomm_traj_panel_last_error(c, &u, &why) == SCOMM_OK && u == 2 && strstr(why, "differ"),
		   "a conflict between merged parts names the unit");
	scomm_traj_panel_free(a);
	scomm_traj_panel_free(b);
	scomm_traj_panel_free(c);
	scomm_traj_panel_free(d);
	/* many units: the hash keeps up */
	{
		scomm_traj_panel *big = NULL,
				   *back = NULL;
		int			k,
					ok = 1;

		scomm_traj_panel_create(&big);
		for (k = 0; k < 5000; k++)
		{
			double		x = (k * 7919) % 1000;
			int64_t		unit = (int64_t) ((k * 104729) % 5000) - 2500;

			scomm_traj_panel_add(big, unit, 1, 1, 1);
			ok &= scomm_traj_panel_set_covariates(big, unit, &x, 1, NULL) == SCOMM_OK;
		}
		for (k = 0; k < 5000; k++)
		{
			double		x = (k * 7919) % 1000;
			int64_t		unit = (int64_t) ((k * 104729) % 5000) - 2500;

			ok &= scomm_traj_panel_set_covariates(big, unit, &x, 1, NULL) == SCOMM_OK;
			x += 1;
			ok &= scomm_traj_panel_set_covariates(big, unit, &x, 1, NULL) == SCOMM_EINVAL;
		}
		ok &= scomm_traj_panel_ncovunits(big) == 5000 &&
			scomm_traj_panel_to_bytes(big, &bytes, &l) == SCOMM_OK &&
			scomm_traj_panel_from_bytes(bytes, l, &back) == SCOMM_OK &&
			scomm_traj_panel_equal(big, back);
		tap_ok(ok, "5,000 units with covariates: every repeat checked, round trip");
		scomm_core_free(bytes);
		scomm_traj_panel_free(big);
		scomm_traj_panel_free(back);
	}
}

/* A small fitted model for the model codec tests. */
static scomm_traj_model *
SmallModel(scomm_traj_family f)
{
	static const double share[2] = {0.6, 0.4};
	static const double beta[2][3] = {{1.0, 0.5, -0.3}, {2.0, -0.4, 0.2}};
	static const double zip_extra[2] = {0.3, 0.1};
	static const double cn_extra[2] = {0.5, 0.8};
	static const double alpha[2] = {0.3, 0.2};
	int			truth[200];
	scomm_traj_panel *p = f == SCOMM_TRAJ_NBINOM || f == SCOMM_TRAJ_ZINB ?
		SimulateNb(200, 6, 2, share, beta, alpha, f == SCOMM_TRAJ_ZINB ? zip_extra : NULL, 0, 5, truth) :
		Simulate(f, 200, 6, 2, share, beta, f == SCOMM_TRAJ_ZIP ? zip_extra : cn_extra, 0, 5, truth);
	scomm_traj_options o;
	scomm_traj_model *m = NULL;

	scomm_traj_options_default(&o);
	o.family = f;
	o.groups = 2;
	o.starts = 3;
	scomm_traj_fit(p, &o, &m);
	scomm_traj_panel_free(p);
	return m;
}

static int
ModelTextOk(const char *s)
{
	scomm_traj_model *m = NULL;
	scomm_status st = scomm_traj_model_from_text(s, strlen(s), &m);

	scomm_traj_model_free(m);
	return st == SCOMM_OK;
}

/* Replace the first occurrence of from in s by to (into out). */
static const char *
Edit(const char *s, const char *from, const char *to, char *out, size_t cap)
{
	const char *at = strstr(s, from);

	if (at == NULL || strlen(s) - strlen(from) + strlen(to) + 1 > cap)
		return "";
	memcpy(out, s, at - s);
	strcpy(out + (at - s), to);
	strcat(out, at + strlen(from));
	return out;
}

static void
TestModelCodecs(void)
{
	scomm_traj_family fams[5] = {SCOMM_TRAJ_POISSON, SCOMM_TRAJ_ZIP, SCOMM_TRAJ_CNORM,
	SCOMM_TRAJ_NBINOM, SCOMM_TRAJ_ZINB};
	int			f;

	for (f = 0; f < 5; f++)
	{
		scomm_traj_model *m = SmallModel(fams[f]),
				   *u = NULL,
				   *v = NULL;
		char	   *s = NULL,
				   *s2 = NULL;
		unsigned char *b = NULL,
				   *b2 = NULL;
		size_t		ls,
					ls2,
					lb,
					lb2;
		char		name[128];

		snprintf(name, sizeof(name), "%s model: text and binary round trips are exact",
				 scomm_traj_family_name(fams[f]));
		tap_ok(m && scomm_traj_model_to_text(m, &s, &ls) == SCOMM_OK &&
			   scomm_traj_model_from_text(s, ls, &u) == SCOMM_OK &&
			   scomm_traj_model_to_text(u, &s2, &ls2) == SCOMM_OK && strcmp(s, s2) == 0 &&
			   scomm_traj_model_to_bytes(m, &b, &lb) == SCOMM_OK &&
			   scomm_traj_model_from_bytes(b, lb, &v) == SCOMM_OK &&
			   scomm_traj_model_to_bytes(v, &b2, &lb2) == SCOMM_OK && lb == lb2 &&
			   memcmp(b, b2, lb) == 0 && u->loglik == m->loglik && v->vcov[3] == m->vcov[3],
			   name);
		snprintf(name, sizeof(name), "%s model: format version %d", scomm_traj_family_name(fams[f]),
				 f < 3 ? 1 : 2);
		tap_ok(b && s && b[0] == (f < 3 ? 1 : 2) &&
			   strncmp(s, f < 3 ? "{traj=1;" : "{traj=2;", 8) == 0, name);
		if (f == 4 && s != NULL)
		{
			char		buf[65536],
						buf2[65536];
			static const char *const edits[][2] = {
				{"{traj=2;", "{traj=1;"}, {";covariates=0", ""}, {";covariates=0", ";covariates=1"},
				{";units_left_out=0", ""}, {";units_left_out=0", ";units_left_out=1"},
				{"family=zinb", "family=zip"}, {";extra=", ";extra=0,"},
			};
			size_t		i;
			int			rejected = 0;

			for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++)
			{
				const char *e = Edit(s, edits[i][0], edits[i][1], buf, sizeof(buf));

				if (*e == '\0' || !ModelTextOk(e))
					rejected++;
				else
					printf("# accepted edit %s -> %s\n", edits[i][0], edits[i][1]);
			}
			tap_ok(rejected == (int) (sizeof(edits) / sizeof(edits[0])),
				   "zinb model text: version-2 edits that break a rule are rejected");
			/* a model that version 1 can hold must not come as version 2 */
			{
				scomm_traj_model *pm = SmallModel(SCOMM_TRAJ_POISSON);
				char	   *ps = NULL;
				size_t		pl;
				const char *e;

				scomm_traj_model_to_text(pm, &ps, &pl);
				e = Edit(ps ? ps : "", "{traj=1;", "{traj=2;", buf, sizeof(buf));
				e = Edit(e, ";share=", ";covariates=0;share=", buf2, sizeof(buf2));
				e = Edit(e, ";npar=", ";units_left_out=0;npar=", buf, sizeof(buf));
				tap_ok(ps && ModelTextOk(ps) && *e && !ModelTextOk(e),
					   "a poisson model written as version 2 is rejected (one encoding per model)");
				scomm_core_free(ps);
				scomm_traj_model_free(pm);
			}
		}
		if (f == 0 && s != NULL)
		{
			char		buf[65536];
			static const char *const edits[][2] = {
				{"{traj=1;", "{traj=2;"}, {"family=poisson", "family=Poisson"},
				{"K=2", "K=3"}, {"K=2", "K=0"}, {"K=2", "K=21"}, {"degree=2", "degree=6"},
				{"ntimes=6", "ntimes=7"}, {"ntimes=6", "ntimes=0"}, {"share=0.", "share=NaN,0."},
				{"share=0.", "share=1.0"}, {";loglik=-", ";loglik=-1"}, {";bic=-", ";bic=-1"},
				{";aic=-", ";aic=-1"}, {";npar=", ";npar=1"}, {";converged=", ";converged=2"},
				{";tscale=", ";tscale=-"}, {";lower=NaN", ";lower=0"}, {";units=", ";units=0."},
				{";seed=", ";seed=-"}, {"}", "};"}, {";times=0,", ";times=0,0,"},
				{";starts_at_best=", ";starts_at_best=0"}, {";tol=", ";tol=-"},
				{";extra=0,0", ";extra=0,1"}, {";avepp=", ";avepp=2"}, {";assigned=", ";assigned=-"},
			};
			size_t		i;
			int			rejected = 0;

			for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++)
			{
				const char *e = Edit(s, edits[i][0], edits[i][1], buf, sizeof(buf));

				if (*e == '\0' || !ModelTextOk(e))
					rejected++;
				else
					printf("# accepted edit %s -> %s\n", edits[i][0], edits[i][1]);
			}
			tap_ok(rejected == (int) (sizeof(edits) / sizeof(edits[0])),
				   "model text edits that break a rule are rejected");
			tap_ok(ModelTextOk(s) && !ModelTextOk(Edit(s, "}", "} ", buf, sizeof(buf))),
				   "trailing characters rejected");
		}
		if (f == 0 && b != NULL)
		{
			unsigned char *c = malloc(lb + 8);
			scomm_traj_model *w = NULL;
			int			ok = 1;

			memcpy(c, b, lb);
			ok &= scomm_traj_model_from_bytes(c, lb - 1, &w) == SCOMM_ECORRUPT;
			c[lb] = 0;
			ok &= scomm_traj_model_from_bytes(c, lb + 1, &w) == SCOMM_ECORRUPT;
			c[0] = 9;
			ok &= scomm_traj_model_from_bytes(c, lb, &w) == SCOMM_ECORRUPT;
			c[0] = b[0];
			c[1] = 3;
			ok &= scomm_traj_model_from_bytes(c, lb, &w) == SCOMM_ECORRUPT;
			c[1] = b[1];
			c[5] = 21;
			ok &= scomm_traj_model_from_bytes(c, lb, &w) == SCOMM_ECORRUPT;
			c[5] = b[5];
			memset(c + 14, 0xff, 8);	/* share[0] = NaN */
			ok &= scomm_traj_model_from_bytes(c, lb, &w) == SCOMM_ECORRUPT;
			tap_ok(ok && w == NULL, "corrupted binary models rejected");
			{
				/* lower (NaN for poisson): after the header and the arrays, tcenter, tscale */
				size_t		off = 14 + 8 * (size_t) (m->ngroups * (1 + m->degree + 1 + 1 + 3) +
													 m->npar * m->npar + m->ntimes) + 16;

				memcpy(c, b, lb);
				ok = c[off] == 0x7f && c[off + 1] == 0xf8 &&
					scomm_traj_model_from_bytes(c, lb, &w) == SCOMM_OK;
				scomm_traj_model_free(w);
				w = NULL;
				c[off + 7] = 1;	/* a NaN with a payload */
				ok &= scomm_traj_model_from_bytes(c, lb, &w) == SCOMM_ECORRUPT;
				c[off + 7] = 0;
				c[off] = 0xff;	/* a negative NaN */
				ok &= scomm_traj_model_from_bytes(c, lb, &w) == SCOMM_ECORRUPT;
				tap_ok(ok && w == NULL, "binary models carry one NaN: other NaN bit patterns rejected");
			}
			free(c);
		}
		scomm_core_free(s);
		scomm_core_free(s2);
		scomm_core_free(b);
		scomm_core_free(b2);
		scomm_traj_model_free(m);
		scomm_traj_model_free(u);
		scomm_traj_model_free(v);
	}
}

int
main(void)
{
	gsl_set_error_handler_off();
	CountAllocations();
	TestPanelBasics();
	TestPanelCheck();
	TestPanelTextStrict();
	TestPanelBinary();
	TestPanelCovariates();
	TestModelCodecs();
	tap_ok(live_allocs == 0, "every core allocation was freed");
	return tap_done();
}
