/*
 * test_lca_table.c: the pattern table's hash index for every pattern length
 * around its word boundaries (1..20 and 999..1000 items): the table holds
 * exactly the distinct rows with the right counts, checked against a plain
 * sort-and-count of the same rows; scomm_lca_table_add_bytes agrees with
 * scomm_lca_table_add and checks its arguments.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "lca.h"
#include "lca_testdata.h"

#define NROWS 3000

static int	sort_nitems;

static int
CmpRow(const void *a, const void *b)
{
	return memcmp(a, b, sort_nitems);
}

/* a deterministic generator (LCG), so the test does not depend on rand() */
static unsigned
Next(unsigned long long *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned) (*s >> 33);
}

/*
 * NROWS random rows of nitems items with few categories (many repeats);
 * only item `vary` takes more values, so patterns that differ in a single
 * byte at any position are frequent.
 */
static void
TestLength(int nitems)
{
	unsigned char *rows = malloc((size_t) NROWS * nitems);
	int		   *answers = malloc(sizeof(int) * nitems);
	scomm_lca_table *a = NULL,
			   *b = NULL;
	unsigned long long seed = 12345 + nitems;
	size_t		distinct = 0,
				i,
				k;
	int			j,
				ok = 1;
	char		name[128];

	for (i = 0; i < NROWS; i++)
	{
		int			vary = Next(&seed) % nitems;

		for (j = 0; j < nitems; j++)
			rows[i * nitems + j] = (unsigned char) (j == vary ? Next(&seed) % 256 : Next(&seed) % 2);
	}
	scomm_lca_table_create(nitems, &a);
	scomm_lca_table_create(nitems, &b);
	for (i = 0; i < NROWS; i++)
	{
		for (j = 0; j < nitems; j++)
			answers[j] = rows[i * nitems + j];
		ok &= scomm_lca_table_add(a, answers, nitems, 1.0) == SCOMM_OK;
		ok &= scomm_lca_table_add_bytes(b, rows + i * nitems, nitems, 1.0) == SCOMM_OK;
	}
	snprintf(name, sizeof(name), "J=%d: every row added", nitems);
	tap_ok(ok, name);

	/*
	 * the plain answer: sort the rows, count the runs; the sorted table
	 * (canonical order is byte order) must list the same runs
	 */
	sort_nitems = nitems;
	qsort(rows, NROWS, nitems, CmpRow);
	ok = scomm_lca_table_sort(a) == SCOMM_OK;
	for (i = 0; i < NROWS; i = k)
	{
		double		count = 0;

		for (k = i; k < NROWS && memcmp(rows + k * nitems, rows + i * nitems, nitems) == 0; k++)
			;
		ok &= scomm_lca_table_get(a, distinct, answers, &count) == SCOMM_OK;
		for (j = 0; ok && j < nitems; j++)
			ok &= answers[j] == rows[i * nitems + j];
		ok &= count == (double) (k - i);
		distinct++;
	}
	snprintf(name, sizeof(name), "J=%d: %zu distinct patterns with their counts", nitems, distinct);
	tap_ok(ok && scomm_lca_table_npatterns(a) == distinct && scomm_lca_table_total(a) == NROWS, name);
	snprintf(name, sizeof(name), "J=%d: add_bytes gives the same table as add", nitems);
	tap_ok(scomm_lca_table_equal(a, b), name);
	scomm_lca_table_free(a);
	scomm_lca_table_free(b);
	free(rows);
	free(answers);
}

static void
TestAddBytesArguments(void)
{
	scomm_lca_table *t = NULL;
	unsigned char row[3] = {1, 0, 255};

	scomm_lca_table_create(3, &t);
	tap_ok(scomm_lca_table_add_bytes(t, row, 2, 1) == SCOMM_EINVAL, "add_bytes: row of wrong length");
	tap_ok(scomm_lca_table_add_bytes(NULL, row, 3, 1) == SCOMM_EINVAL, "add_bytes: NULL table");
	tap_ok(scomm_lca_table_add_bytes(t, NULL, 3, 1) == SCOMM_EINVAL, "add_bytes: NULL row");
	tap_ok(scomm_lca_table_add_bytes(t, row, 3, -1) == SCOMM_EINVAL &&
		   scomm_lca_table_add_bytes(t, row, 3, NAN) == SCOMM_EINVAL &&
		   scomm_lca_table_add_bytes(t, row, 3, INFINITY) == SCOMM_EINVAL,
		   "add_bytes: negative, NaN, infinite count");
	tap_ok(scomm_lca_table_add_bytes(t, row, 3, 0) == SCOMM_OK && scomm_lca_table_npatterns(t) == 0,
		   "add_bytes: a zero count adds nothing");
	tap_ok(scomm_lca_table_add_bytes(t, row, 3, 2.5) == SCOMM_OK &&
		   scomm_lca_table_ncat(t, 2) == 255 && scomm_lca_table_total(t) == 2.5,
		   "add_bytes: category 255 and a fractional count");
	scomm_lca_table_free(t);
}

int
main(void)
{
	int			lengths[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 999, 1000};
	size_t		i;

	CountAllocations();
	for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++)
		TestLength(lengths[i]);
	TestAddBytesArguments();
	tap_ok(live_allocs == 0, "every core allocation was freed");
	return tap_done();
}
