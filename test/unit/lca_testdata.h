/*
 * lca_testdata.h: read the poLCA reference CSVs into pattern tables.
 *
 * Files live in data/reference/lca/ (refdata.h; $SCOMM_REFERENCE_DIR/lca/
 * instead when set), plain or gzip-compressed.  The first nitems columns are the items
 * (empty field = missing); with has_freq the last column is a count.
 */
#ifndef SCOMM_LCA_TESTDATA_H
#define SCOMM_LCA_TESTDATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lca.h"
#include "refdata.h"

/* allocation balance, to catch leaks on success, error and cancel paths */
static long live_allocs = 0;

static inline void *
CountingAlloc(size_t n)
{
	live_allocs++;
	return malloc(n);
}

static inline void
CountingFree(void *p)
{
	live_allocs--;
	free(p);
}

/* Route core allocations through the counters. */
static inline void
CountAllocations(void)
{
	scomm_core_alloc_hook = CountingAlloc;
	scomm_core_free_hook = CountingFree;
}

/* Seconds on a monotonic clock. */
static inline double
Now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Parse one CSV line into answers[nitems] and *count; 0 on a bad line. */
static inline int
ParseCsvLine(char *line, int nitems, int has_freq, int *answers, double *count)
{
	char	   *f = line;
	char	   *last = line;
	int			j = 0;

	*count = 1.0;
	for (;;)
	{
		char	   *comma = strchr(f, ',');

		if (j < nitems)
			answers[j++] = (*f == ',' || *f == '\n' || *f == '\0') ? 0 : atoi(f);
		last = f;
		if (comma == NULL)
			break;
		f = comma + 1;
	}
	if (has_freq)
		*count = atof(last);
	return j == nitems;
}

/* Read a reference CSV into a new table; NULL when the file is missing. */
static inline scomm_lca_table *
ReadCsvTable(const char *name, int nitems, int has_freq)
{
	char		rel[256];
	char		line[4096];
	int			answers[SCOMM_LCA_MAX_ITEMS];
	double		count;
	FILE	   *fp;
	scomm_lca_table *t = NULL;

	snprintf(rel, sizeof(rel), "lca/%s", name);
	if ((fp = RefOpen(rel)) == NULL)
		return NULL;
	if (scomm_lca_table_create(nitems, &t) != SCOMM_OK ||
		fgets(line, sizeof(line), fp) == NULL)
	{
		RefClose(fp);
		scomm_lca_table_free(t);
		return NULL;
	}
	while (fgets(line, sizeof(line), fp) != NULL)
		if (!ParseCsvLine(line, nitems, has_freq, answers, &count) ||
			scomm_lca_table_add(t, answers, nitems, count) != SCOMM_OK)
		{
			scomm_lca_table_free(t);
			t = NULL;
			break;
		}
	RefClose(fp);
	return t;
}

#endif
