/*
 * test_glue_core.c: unit tests of the core's shared helpers: the stream
 * seeds and text hash (hash.c), the stable index sort (sort.c) and Poisson
 * draws in bounded time (poisson.c).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "tap.h"
#include "scomm_random.h"
#include "poisson.h"
#include "sort.h"

/* ---------------------------------------------------------------------- */

static void
TestHash(void)
{
	/* FNV-1a test vectors (Fowler, Noll and Vo's reference list) */
	tap_ok(scomm_hash_text("") == UINT64_C(0xcbf29ce484222325), "FNV-1a of the empty string");
	tap_ok(scomm_hash_text("a") == UINT64_C(0xaf63dc4c8601ec8c), "FNV-1a of \"a\"");
	tap_ok(scomm_hash_text("foobar") == UINT64_C(0x85944171f73967e8), "FNV-1a of \"foobar\"");
	/* splitmix64's first output from state 0 (Vigna's reference code) */
	tap_ok(scomm_mix64(0) == UINT64_C(0xe220a8397b1dcdaf), "splitmix64 of 0");
	tap_ok(scomm_seed_stream(1, 2) != scomm_seed_stream(2, 1) &&
		   scomm_seed_stream(1, 2) == scomm_seed_stream(1, 2), "stream seeds: keyed, repeatable");
}

/* ---------------------------------------------------------------------- */

typedef struct Item
{
	int			key;
	int			pos;
} Item;

static int
ItemAfter(size_t a, size_t b, const void *ctx)
{
	const Item *it = ctx;

	return it[a].key > it[b].key;
}

static void
TestSort(void)
{
	size_t		n,
				i;
	int			ok = 1;

	for (n = 0; n <= 1000; n += n < 20 ? 1 : 97)
	{
		Item	   *it = malloc(sizeof(Item) * (n + 1));
		size_t	   *idx = malloc(sizeof(size_t) * (n + 1)),
				   *tmp = malloc(sizeof(size_t) * (n + 1));

		for (i = 0; i < n; i++)
		{
			it[i].key = (int) ((i * 7919) % 13);
			it[i].pos = (int) i;
			idx[i] = i;
		}
		scomm_sort_index(idx, tmp, n, ItemAfter, it);
		for (i = 1; i < n; i++)
		{
			const Item *a = &it[idx[i - 1]],
					   *b = &it[idx[i]];

			/* ordered by key, and stable: equal keys keep their order */
			if (a->key > b->key || (a->key == b->key && a->pos > b->pos))
				ok = 0;
		}
		free(it);
		free(idx);
		free(tmp);
	}
	tap_ok(ok, "stable merge sort of index arrays, n = 0..1000");
}

/* ---------------------------------------------------------------------- */

static void
TestPoisson(void)
{
	gsl_rng    *a = gsl_rng_alloc(gsl_rng_mt19937),
			   *b = gsl_rng_alloc(gsl_rng_mt19937);
	double		means[] = {0, 1e-3, 0.5, 3, 10, 11, 250.5, 1e5, 1e9, 2.1e9};
	double		k,
				sum = 0,
				sum2 = 0,
				mu = 1e12;
	int			i,
				j,
				same = 1,
				n = 20000;
	clock_t		t0;

	/* below 2^31 the very draws of gsl_ran_poisson (seeded simulations
	 * keep their numbers) */
	gsl_rng_set(a, 42);
	gsl_rng_set(b, 42);
	for (i = 0; i < 200; i++)
		for (j = 0; j < (int) (sizeof(means) / sizeof(means[0])); j++)
		{
			unsigned int want = gsl_ran_poisson(b, means[j]);

			if (scomm_ran_poisson(a, means[j], &k) != SCOMM_OK || k != (double) want)
				same = 0;
		}
	tap_ok(same, "means below 2^31: the draws of gsl_ran_poisson");

	/* above: mean and variance mu (z-tests at 4 standard errors) */
	for (i = 0; i < n; i++)
	{
		scomm_ran_poisson(a, mu, &k);
		sum += k - mu;
		sum2 += (k - mu) * (k - mu);
	}
	tap_ok(fabs(sum / n) < 4 * sqrt(mu / n), "mean 1e12: sample mean within 4 standard errors");
	tap_ok(fabs(sum2 / n / mu - 1) < 4 * sqrt(2.0 / n), "mean 1e12: sample variance within 4 standard errors");
	tap_ok(scomm_ran_poisson(a, 5e9, &k) == SCOMM_OK && k == floor(k) && k > 4.99e9 && k < 5.01e9,
		   "mean 5e9 (beyond GSL's unsigned int): an integer near it");

	/* bounded time for any finite mean */
	t0 = clock();
	for (i = 0; i < 1000; i++)
		scomm_ran_poisson(a, 1e300 * (1 + i), &k);
	tap_ok((double) (clock() - t0) / CLOCKS_PER_SEC < 1.0 && isfinite(k) && k > 1e300,
		   "1,000 draws of means near 1e300 in under a second");
	tap_ok(scomm_ran_poisson(a, INFINITY, &k) == SCOMM_ERANGE &&
		   scomm_ran_poisson(a, NAN, &k) == SCOMM_ERANGE &&
		   scomm_ran_poisson(a, -1, &k) == SCOMM_ERANGE,
		   "infinite, NaN and negative means: out of range");
	tap_ok(scomm_ran_poisson(a, 1.7e308, &k) == SCOMM_OK && isfinite(k), "mean 1.7e308: a finite draw");
	gsl_rng_free(a);
	gsl_rng_free(b);
}

int
main(void)
{
	TestHash();
	TestSort();
	TestPoisson();
	return tap_done();
}
