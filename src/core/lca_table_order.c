/*
 * lca_table_order.c: accessors, canonical order and equality of pattern tables.
 *
 * The canonical order sorts patterns item by item (0 = missing first); the
 * encoders and the fit use it so that nothing depends on insertion order.
 */
#include <string.h>

#include "lca_int.h"

/* Compare two pattern keys of j bytes: <0, 0, >0. */
int
scomm_lca_pattern_cmp(const uint8_t *a, const uint8_t *b, int j)
{
	return memcmp(a, b, (size_t) j);
}

/* Merge sorted runs idx[lo, mid) and idx[mid, hi) through tmp. */
static void
MergeRuns(const scomm_lca_table *t, size_t *idx, size_t *tmp,
		  size_t lo, size_t mid, size_t hi)
{
	size_t		a = lo,
				b = mid,
				k = lo;

	while (a < mid && b < hi)
	{
		if (scomm_lca_pattern_cmp(LCA_PATTERN(t, idx[a]),
								  LCA_PATTERN(t, idx[b]), t->keylen) <= 0)
			tmp[k++] = idx[a++];
		else
			tmp[k++] = idx[b++];
	}
	while (a < mid)
		tmp[k++] = idx[a++];
	while (b < hi)
		tmp[k++] = idx[b++];
	memcpy(idx + lo, tmp + lo, (hi - lo) * sizeof(size_t));
}

/* Bottom-up merge sort of pattern indices (no context-free qsort needed). */
static void
SortIndex(const scomm_lca_table *t, size_t *idx, size_t *tmp)
{
	size_t		n = t->n;
	size_t		w,
				lo;

	for (w = 1; w < n; w *= 2)
		for (lo = 0; lo + w < n; lo += 2 * w)
			MergeRuns(t, idx, tmp, lo, lo + w, lo + 2 * w < n ? lo + 2 * w : n);
}

/* Indices of the patterns in canonical order (array from scomm_core_alloc). */
scomm_status
scomm_lca_table_sorted_index(const scomm_lca_table *t, size_t **out)
{
	size_t	   *idx;
	size_t	   *tmp;
	size_t		i;

	*out = NULL;
	idx = scomm_core_alloc(t->n * sizeof(size_t));
	tmp = scomm_core_alloc(t->n * sizeof(size_t));
	if (idx == NULL || tmp == NULL)
	{
		scomm_core_free(idx);
		scomm_core_free(tmp);
		return SCOMM_ENOMEM;
	}
	for (i = 0; i < t->n; i++)
		idx[i] = i;
	SortIndex(t, idx, tmp);
	scomm_core_free(tmp);
	*out = idx;
	return SCOMM_OK;
}

/* Put the stored patterns in canonical order (contents unchanged). */
scomm_status
scomm_lca_table_sort(scomm_lca_table *t)
{
	size_t	   *idx;
	uint8_t    *pat;
	double	   *count;
	size_t		i;
	scomm_status st;

	if (t == NULL)
		return SCOMM_EINVAL;
	if ((st = scomm_lca_table_sorted_index(t, &idx)) != SCOMM_OK)
		return st;
	pat = scomm_core_alloc(t->cap * (size_t) t->keylen);
	count = scomm_core_alloc(t->cap * sizeof(double));
	if (pat == NULL || count == NULL)
	{
		scomm_core_free(idx);
		scomm_core_free(pat);
		scomm_core_free(count);
		return SCOMM_ENOMEM;
	}
	for (i = 0; i < t->n; i++)
	{
		memcpy(pat + i * (size_t) t->keylen, LCA_PATTERN(t, idx[i]), t->keylen);
		count[i] = t->count[idx[i]];
	}
	scomm_core_free(idx);
	scomm_core_free(t->pat);
	scomm_core_free(t->count);
	t->pat = pat;
	t->count = count;
	scomm_lca_table_reindex(t);
	return SCOMM_OK;
}

/* Number of items J. */
int
scomm_lca_table_nitems(const scomm_lca_table *t)
{
	return t ? t->nitems : 0;
}

/* Number of distinct patterns. */
size_t
scomm_lca_table_npatterns(const scomm_lca_table *t)
{
	return t ? t->n : 0;
}

/* Sum of all counts. */
double
scomm_lca_table_total(const scomm_lca_table *t)
{
	return t ? t->total : 0.0;
}

/* Categories of item (0-based): the largest seen, 0 if never observed. */
int
scomm_lca_table_ncat(const scomm_lca_table *t, int item)
{
	if (t == NULL || item < 0 || item >= t->nitems)
		return -1;
	return t->maxcat[item];
}

/* Number of covariates P of each pattern. */
int
scomm_lca_table_ncov(const scomm_lca_table *t)
{
	return t ? t->ncov : 0;
}

/* Rows left out of the table for a NULL covariate. */
double
scomm_lca_table_skipped(const scomm_lca_table *t)
{
	return t ? t->skipped : 0.0;
}

/* Covariates of pattern i in storage order. */
scomm_status
scomm_lca_table_get_cov(const scomm_lca_table *t, size_t i, double *cov)
{
	int			k;

	if (t == NULL || i >= t->n || (cov == NULL && t->ncov > 0))
		return SCOMM_EINVAL;
	for (k = 0; k < t->ncov; k++)
		cov[k] = scomm_lca_cov_value(LCA_PATTERN(t, i) + t->nitems + 8 * k);
	return SCOMM_OK;
}

/* Pattern i in storage order (canonical after scomm_lca_table_sort). */
scomm_status
scomm_lca_table_get(const scomm_lca_table *t, size_t i, int *answers,
					double *count)
{
	int			j;

	if (t == NULL || i >= t->n)
		return SCOMM_EINVAL;
	for (j = 0; answers != NULL && j < t->nitems; j++)
		answers[j] = LCA_PATTERN(t, i)[j];
	if (count != NULL)
		*count = t->count[i];
	return SCOMM_OK;
}

/* Nonzero when both tables hold the same patterns with identical counts. */
int
scomm_lca_table_equal(const scomm_lca_table *a, const scomm_lca_table *b)
{
	size_t		i;

	if (a == NULL || b == NULL || a->nitems != b->nitems || a->n != b->n ||
		a->ncov != b->ncov || a->skipped != b->skipped)
		return 0;
	for (i = 0; i < a->n; i++)
	{
		long		k = scomm_lca_table_find(b, LCA_PATTERN(a, i));

		if (k < 0 || b->count[k] != a->count[i])
			return 0;
	}
	return 1;
}
