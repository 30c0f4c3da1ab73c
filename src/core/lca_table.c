/*
 * lca_table.c: the pattern table, LCA's sufficient statistic.
 *
 * Distinct patterns are stored row by row (one byte per item) with a count,
 * and found again through an open-addressing hash index with linear probing,
 * so adding a row costs O(J) whatever the table size.  Hashing and comparing
 * read the pattern eight bytes at a time.
 */
#include <math.h>
#include <string.h>

#include "lca_int.h"

#define LCA_MIN_CAP 16
#define LCA_MAX_PATTERNS ((size_t) 0x7fffffff)

/* unaligned loads of 8 and 4 pattern bytes */
static inline uint64_t
Load8(const uint8_t *p)
{
	uint64_t	w;

	memcpy(&w, p, 8);
	return w;
}

static inline uint64_t
Load4(const uint8_t *p)
{
	uint32_t	w;

	memcpy(&w, p, 4);
	return w;
}

/*
 * Hash of a pattern of n items for the in-memory index (never stored).  The
 * bytes are read as 8-byte words, the last one ending at the pattern's end
 * (it may overlap the one before), so no byte loop and no read beyond the
 * pattern; each word is multiplied in, then a 64-bit avalanche mix.
 */
static inline uint64_t
HashPattern(const uint8_t *p, int n)
{
	uint64_t	h = UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t) n;
	int			j;

	if (n >= 8)
	{
		for (j = 0; j + 8 < n; j += 8)
			h = (h ^ Load8(p + j)) * UINT64_C(0xff51afd7ed558ccd);
		h = (h ^ Load8(p + n - 8)) * UINT64_C(0xff51afd7ed558ccd);
	}
	else if (n >= 4)
		h = (h ^ (Load4(p) | Load4(p + n - 4) << 32)) * UINT64_C(0xff51afd7ed558ccd);
	else
		h = (h ^ (p[0] | (uint64_t) p[n / 2] << 8 | (uint64_t) p[n - 1] << 16)) *
			UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 32;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 29;
	return h;
}

/* Nonzero when two patterns of n items are equal (same word reads). */
static inline int
SamePattern(const uint8_t *a, const uint8_t *b, int n)
{
	int			j;

	if (n >= 8)
	{
		for (j = 0; j + 8 < n; j += 8)
			if (Load8(a + j) != Load8(b + j))
				return 0;
		return Load8(a + n - 8) == Load8(b + n - 8);
	}
	if (n >= 4)
		return Load4(a) == Load4(b) && Load4(a + n - 4) == Load4(b + n - 4);
	return a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1];
}

/* Slot holding pattern p, or the empty slot where it would go. */
static inline size_t
FindSlot(const scomm_lca_table *t, const uint8_t *p)
{
	size_t		mask = t->nslots - 1;
	size_t		s = (size_t) HashPattern(p, t->keylen) & mask;

	while (t->slots[s] != 0 &&
		   !SamePattern(LCA_PATTERN(t, t->slots[s] - 1), p, t->keylen))
		s = (s + 1) & mask;
	return s;
}

/* Rebuild the hash index over all stored patterns. */
void
scomm_lca_table_reindex(scomm_lca_table *t)
{
	size_t		i;

	memset(t->slots, 0, t->nslots * sizeof(uint32_t));
	for (i = 0; i < t->n; i++)
		t->slots[FindSlot(t, LCA_PATTERN(t, i))] = (uint32_t) (i + 1);
}

/* Grow storage to hold at least cap patterns. */
static scomm_status
Grow(scomm_lca_table *t, size_t cap)
{
	uint8_t    *pat;
	double	   *count;
	uint32_t   *slots;

	if (cap > LCA_MAX_PATTERNS)
		return SCOMM_ENOMEM;
	pat = scomm_core_alloc(cap * (size_t) t->keylen);
	count = scomm_core_alloc(cap * sizeof(double));
	slots = scomm_core_alloc(4 * cap * sizeof(uint32_t));
	if (pat == NULL || count == NULL || slots == NULL)
	{
		scomm_core_free(pat);
		scomm_core_free(count);
		scomm_core_free(slots);
		return SCOMM_ENOMEM;
	}
	if (t->n > 0)
	{
		memcpy(pat, t->pat, t->n * (size_t) t->keylen);
		memcpy(count, t->count, t->n * sizeof(double));
	}
	scomm_core_free(t->pat);
	scomm_core_free(t->count);
	scomm_core_free(t->slots);
	t->pat = pat;
	t->count = count;
	t->slots = slots;
	t->cap = cap;
	t->nslots = 4 * cap;
	scomm_lca_table_reindex(t);
	return SCOMM_OK;
}

/* Storage index of pattern p, or -1 when absent. */
long
scomm_lca_table_find(const scomm_lca_table *t, const uint8_t *p)
{
	size_t		s = FindSlot(t, p);

	return t->slots[s] == 0 ? -1 : (long) t->slots[s] - 1;
}

/* Create an empty table of nitems items and ncov covariates. */
scomm_status
scomm_lca_table_create_cov(int nitems, int ncov, scomm_lca_table **out)
{
	scomm_lca_table *t;
	scomm_status st;

	*out = NULL;
	if (nitems < 1 || nitems > SCOMM_LCA_MAX_ITEMS || ncov < 0 ||
		ncov > SCOMM_LCA_MAX_COVARIATES)
		return SCOMM_EINVAL;
	t = scomm_core_alloc(sizeof(*t));
	if (t == NULL)
		return SCOMM_ENOMEM;
	t->nitems = nitems;
	t->ncov = ncov;
	t->keylen = nitems + 8 * ncov;
	t->maxcat = scomm_core_alloc(nitems);
	st = t->maxcat == NULL ? SCOMM_ENOMEM : Grow(t, LCA_MIN_CAP);
	if (st != SCOMM_OK)
	{
		scomm_lca_table_free(t);
		return st;
	}
	*out = t;
	return SCOMM_OK;
}

/* Create an empty table of nitems items (no covariates). */
scomm_status
scomm_lca_table_create(int nitems, scomm_lca_table **out)
{
	return scomm_lca_table_create_cov(nitems, 0, out);
}

/* Free a table; NULL is allowed. */
void
scomm_lca_table_free(scomm_lca_table *t)
{
	if (t == NULL)
		return;
	scomm_core_free(t->pat);
	scomm_core_free(t->count);
	scomm_core_free(t->slots);
	scomm_core_free(t->maxcat);
	scomm_core_free(t);
}

/* Store a new pattern whose empty slot is s (growing the table if needed). */
static scomm_status
AddNew(scomm_lca_table *t, const uint8_t *pat, double count, size_t s)
{
	size_t		i;
	int			j;
	scomm_status st;

	if (t->n == t->cap)
	{
		if ((st = Grow(t, 2 * t->cap)) != SCOMM_OK)
			return st;
		s = FindSlot(t, pat);
	}
	i = t->n++;
	memcpy(LCA_PATTERN(t, i), pat, t->keylen);
	t->count[i] = count;
	t->slots[s] = (uint32_t) (i + 1);
	t->total += count;
	for (j = 0; j < t->nitems; j++)
		if (pat[j] > t->maxcat[j])
			t->maxcat[j] = pat[j];
	return SCOMM_OK;
}

/*
 * Add count to an already validated pattern (count > 0, finite).  Inline in
 * this file, so that adding a row is one call from outside (an exported
 * function is called through the PLT and cannot be inlined in a -fPIC build).
 */
static inline scomm_status
AddRaw(scomm_lca_table *t, const uint8_t *pat, double count)
{
	size_t		s;

	if (!isfinite(t->total + count))
		return SCOMM_EINVAL;
	s = FindSlot(t, pat);
	if (t->slots[s] == 0)
		return AddNew(t, pat, count, s);
	t->count[t->slots[s] - 1] += count;
	t->total += count;
	return SCOMM_OK;
}

scomm_status
scomm_lca_table_add_raw(scomm_lca_table *t, const uint8_t *pat, double count)
{
	return AddRaw(t, pat, count);
}

/*
 * Add one row: nitems answers (0 = missing, 1..SCOMM_LCA_MAX_CATEGORY) with a
 * finite non-negative count (a zero count changes nothing).
 */
scomm_status
scomm_lca_table_add(scomm_lca_table *t, const int *answers, int nitems,
					double count)
{
	uint8_t		buf[SCOMM_LCA_MAX_ITEMS];
	int			j;

	if (t == NULL || answers == NULL || nitems != t->nitems || t->ncov != 0)
		return SCOMM_EINVAL;
	if (!isfinite(count) || count < 0.0)
		return SCOMM_EINVAL;
	for (j = 0; j < nitems; j++)
	{
		if (answers[j] < 0 || answers[j] > SCOMM_LCA_MAX_CATEGORY)
			return SCOMM_EINVAL;
		buf[j] = (uint8_t) answers[j];
	}
	if (count == 0.0)
		return SCOMM_OK;
	return AddRaw(t, buf, count);
}

/*
 * Add one row given as nitems category bytes (0 = missing, 1..255) with a
 * finite non-negative count: scomm_lca_table_add without the conversion.
 */
scomm_status
scomm_lca_table_add_bytes(scomm_lca_table *t, const unsigned char *answers,
						  int nitems, double count)
{
	if (t == NULL || answers == NULL || nitems != t->nitems || t->ncov != 0)
		return SCOMM_EINVAL;
	if (!isfinite(count) || count < 0.0)
		return SCOMM_EINVAL;
	if (count == 0.0)
		return SCOMM_OK;
	return AddRaw(t, answers, count);
}

void
scomm_lca_cov_key(double v, uint8_t *key)
{
	uint64_t	b;
	int			i;

	if (v == 0.0)
		v = 0.0;				/* -0 and 0 are one value */
	memcpy(&b, &v, sizeof(b));
	b = (b >> 63) ? ~b : b | (UINT64_C(1) << 63);
	for (i = 7; i >= 0; i--, b >>= 8)
		key[i] = (uint8_t) b;
}

double
scomm_lca_cov_value(const uint8_t *key)
{
	uint64_t	b = 0;
	double		v;
	int			i;

	for (i = 0; i < 8; i++)
		b = b << 8 | key[i];
	b = (b >> 63) ? b & ~(UINT64_C(1) << 63) : ~b;
	memcpy(&v, &b, sizeof(v));
	return v;
}

/*
 * Add one row of a table with covariates: nitems category bytes (0 =
 * missing) and ncov finite covariates, with a finite non-negative count.
 */
scomm_status
scomm_lca_table_add_cov(scomm_lca_table *t, const unsigned char *answers,
						int nitems, const double *cov, int ncov, double count)
{
	uint8_t		key[SCOMM_LCA_MAX_ITEMS + 8 * SCOMM_LCA_MAX_COVARIATES];
	int			k;

	if (t == NULL || answers == NULL || nitems != t->nitems ||
		ncov != t->ncov || (ncov > 0 && cov == NULL))
		return SCOMM_EINVAL;
	if (!isfinite(count) || count < 0.0)
		return SCOMM_EINVAL;
	for (k = 0; k < ncov; k++)
		if (!isfinite(cov[k]))
			return SCOMM_EINVAL;
	if (count == 0.0)
		return SCOMM_OK;
	memcpy(key, answers, nitems);
	for (k = 0; k < ncov; k++)
		scomm_lca_cov_key(cov[k], key + nitems + 8 * k);
	return AddRaw(t, key, count);
}

/*
 * Give a table without patterns (only skipped rows, or nothing) ncov
 * covariates; SCOMM_EINVAL when it already holds patterns.
 */
scomm_status
scomm_lca_table_set_ncov(scomm_lca_table *t, int ncov)
{
	if (t == NULL || t->n != 0 || ncov < 0 || ncov > SCOMM_LCA_MAX_COVARIATES)
		return SCOMM_EINVAL;
	if (ncov == t->ncov)
		return SCOMM_OK;
	t->ncov = ncov;
	t->keylen = t->nitems + 8 * ncov;
	scomm_core_free(t->pat);
	t->pat = scomm_core_alloc(t->cap * (size_t) t->keylen);
	return t->pat == NULL ? SCOMM_ENOMEM : SCOMM_OK;
}

/* Count rows left out of the table (a NULL covariate). */
scomm_status
scomm_lca_table_add_skipped(scomm_lca_table *t, double count)
{
	if (t == NULL || !isfinite(count) || count < 0.0 ||
		!isfinite(t->skipped + count))
		return SCOMM_EINVAL;
	t->skipped += count;
	return SCOMM_OK;
}

/* Add every pattern of src to dst; both must have the same items. */
scomm_status
scomm_lca_table_merge(scomm_lca_table *dst, const scomm_lca_table *src)
{
	size_t		i;
	scomm_status st;

	if (dst == NULL || src == NULL || dst->nitems != src->nitems)
		return SCOMM_EINVAL;
	/* a table that holds only skipped rows takes the other's covariates */
	if (dst->ncov != src->ncov && src->n == 0 && src->ncov == 0)
		return scomm_lca_table_add_skipped(dst, src->skipped);
	if (dst->ncov != src->ncov && dst->n == 0 && dst->ncov == 0)
	{
		if ((st = scomm_lca_table_set_ncov(dst, src->ncov)) != SCOMM_OK)
			return st;
	}
	if (dst->ncov != src->ncov)
		return SCOMM_EINVAL;
	if (!isfinite(dst->total + src->total) ||
		!isfinite(dst->skipped + src->skipped))
		return SCOMM_EINVAL;
	for (i = 0; i < src->n; i++)
		if ((st = AddRaw(dst, LCA_PATTERN(src, i), src->count[i])) != SCOMM_OK)
			return st;
	dst->skipped += src->skipped;
	return SCOMM_OK;
}

/* A new table with the same contents. */
scomm_status
scomm_lca_table_copy(const scomm_lca_table *src, scomm_lca_table **out)
{
	scomm_status st;

	*out = NULL;
	if (src == NULL)
		return SCOMM_EINVAL;
	if ((st = scomm_lca_table_create_cov(src->nitems, src->ncov, out)) != SCOMM_OK)
		return st;
	if ((st = scomm_lca_table_merge(*out, src)) != SCOMM_OK)
	{
		scomm_lca_table_free(*out);
		*out = NULL;
	}
	return st;
}
