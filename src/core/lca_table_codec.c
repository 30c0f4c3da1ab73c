/*
 * lca_table_codec.c: binary and text encodings of the pattern table.
 *
 * Both forms list the patterns in canonical order; the decoders insist on it
 * (strictly ascending, hence no duplicates), check every length, category and
 * count, and reject trailing input.  See lca.h for the grammar.
 */
#include <math.h>
#include <string.h>

#include "lca_int.h"

/* version 2 carries covariates and skipped rows; version 1 otherwise */
#define LCA_TABLE_V2(t) ((t)->ncov > 0 || (t)->skipped != 0.0)

/* Encode the table in its binary form. */
scomm_status
scomm_lca_table_to_bytes(const scomm_lca_table *t, unsigned char **out,
						 size_t *len)
{
	ScommBuf		b = {0};
	size_t	   *idx;
	size_t		i;
	scomm_status st;

	*out = NULL;
	*len = 0;
	if (t == NULL)
		return SCOMM_EINVAL;
	if ((st = scomm_lca_table_sorted_index(t, &idx)) != SCOMM_OK)
		return st;
	scomm_buf_u8(&b, LCA_TABLE_V2(t) ? 2 : 1);
	scomm_buf_u32(&b, (uint32_t) t->nitems);
	if (LCA_TABLE_V2(t))
	{
		scomm_buf_u32(&b, (uint32_t) t->ncov);
		scomm_buf_f64(&b, t->skipped);
	}
	scomm_buf_u64(&b, (uint64_t) t->n);
	for (i = 0; i < t->n; i++)
	{
		const uint8_t *p = LCA_PATTERN(t, idx[i]);
		int			k;

		scomm_buf_bytes(&b, p, t->nitems);
		for (k = 0; k < t->ncov; k++)
			scomm_buf_f64(&b, scomm_lca_cov_value(p + t->nitems + 8 * k));
		scomm_buf_f64(&b, t->count[idx[i]]);
	}
	scomm_core_free(idx);
	return scomm_buf_finish(&b, 0, out, len);
}

/* Check and add one decoded pattern that must follow prev in order. */
static scomm_status
AddDecoded(scomm_lca_table *t, const uint8_t *pat, const uint8_t *prev,
		   double count)
{
	scomm_status st;

	/* every byte is a valid category: SCOMM_LCA_MAX_CATEGORY is 255 */
	if (!isfinite(count) || !(count > 0.0))
		return SCOMM_ECORRUPT;
	if (prev != NULL && scomm_lca_pattern_cmp(prev, pat, t->keylen) >= 0)
		return SCOMM_ECORRUPT;
	st = scomm_lca_table_add_raw(t, pat, count);
	return st == SCOMM_EINVAL ? SCOMM_ECORRUPT : st;
}

/* Decode the patterns that follow a binary header. */
static scomm_status
DecodeBinaryPatterns(ScommCursor *c, scomm_lca_table *t, uint64_t n)
{
	uint8_t		key[2][SCOMM_LCA_MAX_ITEMS + 8 * SCOMM_LCA_MAX_COVARIATES];
	const uint8_t *items;
	double		count;
	uint64_t	i;
	int			k;
	scomm_status st;

	for (i = 0; i < n; i++)
	{
		uint8_t    *pat = key[i % 2];

		items = scomm_get_bytes(c, (size_t) t->nitems);
		if (c->status != SCOMM_OK)
			return c->status;
		memcpy(pat, items, t->nitems);
		for (k = 0; k < t->ncov; k++)
		{
			double		v = scomm_get_f64(c);

			if (!isfinite(v))
				return SCOMM_ECORRUPT;
			scomm_lca_cov_key(v, pat + t->nitems + 8 * k);
		}
		count = scomm_get_f64(c);
		if (c->status != SCOMM_OK)
			return c->status;
		if ((st = AddDecoded(t, pat, i > 0 ? key[(i + 1) % 2] : NULL, count)) != SCOMM_OK)
			return st;
	}
	scomm_expect_end(c);
	return c->status;
}

/* Decode a table from its binary form. */
scomm_status
scomm_lca_table_from_bytes(const unsigned char *buf, size_t len,
						   scomm_lca_table **out)
{
	ScommCursor	c = {buf, len, 0, SCOMM_OK};
	unsigned	version;
	uint32_t	nitems,
				ncov = 0;
	uint64_t	n,
				rowlen;
	double		skipped = 0.0;
	scomm_status st;

	*out = NULL;
	if (buf == NULL)
		return SCOMM_EINVAL;
	version = scomm_get_u8(&c);
	if (version != 1 && version != 2)
		return SCOMM_ECORRUPT;
	nitems = scomm_get_u32(&c);
	if (version == 2)
	{
		ncov = scomm_get_u32(&c);
		skipped = scomm_get_f64(&c);
		/* canonical: version 2 only for what version 1 cannot hold */
		if (ncov > SCOMM_LCA_MAX_COVARIATES || !isfinite(skipped) ||
			skipped < 0.0 || (ncov == 0 && skipped == 0.0))
			return SCOMM_ECORRUPT;
	}
	n = scomm_get_u64(&c);
	if (c.status != SCOMM_OK || nitems < 1 || nitems > SCOMM_LCA_MAX_ITEMS)
		return SCOMM_ECORRUPT;
	rowlen = nitems + 8 * (uint64_t) ncov + 8;
	if (n != (len - c.pos) / rowlen || (len - c.pos) % rowlen != 0)
		return SCOMM_ECORRUPT;
	if ((st = scomm_lca_table_create_cov((int) nitems, (int) ncov, out)) != SCOMM_OK)
		return st;
	(*out)->skipped = skipped;
	if ((st = DecodeBinaryPatterns(&c, *out, n)) != SCOMM_OK)
	{
		scomm_lca_table_free(*out);
		*out = NULL;
	}
	return st;
}

/* Encode the table in its text form. */
scomm_status
scomm_lca_table_to_text(const scomm_lca_table *t, char **out, size_t *len)
{
	ScommBuf		b = {0};
	size_t	   *idx;
	size_t		i;
	int			j;
	scomm_status st;

	*out = NULL;
	*len = 0;
	if (t == NULL)
		return SCOMM_EINVAL;
	if ((st = scomm_lca_table_sorted_index(t, &idx)) != SCOMM_OK)
		return st;
	scomm_buf_str(&b, "{J=");
	scomm_buf_long(&b, t->nitems);
	if (LCA_TABLE_V2(t))
	{
		scomm_buf_str(&b, ";P=");
		scomm_buf_long(&b, t->ncov);
		scomm_buf_str(&b, ";skipped=");
		scomm_buf_double(&b, t->skipped);
	}
	for (i = 0; i < t->n && b.status == SCOMM_OK; i++)
	{
		const uint8_t *p = LCA_PATTERN(t, idx[i]);

		for (j = 0; j < t->nitems; j++)
		{
			scomm_buf_u8(&b, j == 0 ? ';' : ',');
			scomm_buf_long(&b, p[j]);
		}
		for (j = 0; j < t->ncov; j++)
		{
			scomm_buf_u8(&b, j == 0 ? '|' : ',');
			scomm_buf_double(&b, scomm_lca_cov_value(p + t->nitems + 8 * j));
		}
		scomm_buf_u8(&b, ':');
		scomm_buf_double(&b, t->count[idx[i]]);
	}
	scomm_buf_u8(&b, '}');
	scomm_core_free(idx);
	return scomm_buf_finish(&b, 1, (unsigned char **) out, len);
}

/* Decode the ";pattern:count" entries of the text form, up to the '}'. */
static scomm_status
DecodeTextPatterns(ScommCursor *c, scomm_lca_table *t)
{
	uint8_t		pat[SCOMM_LCA_MAX_ITEMS + 8 * SCOMM_LCA_MAX_COVARIATES];
	uint8_t		prev[SCOMM_LCA_MAX_ITEMS + 8 * SCOMM_LCA_MAX_COVARIATES];
	int			have_prev = 0;
	int			j;
	double		count;
	scomm_status st;

	while (scomm_peek(c, ';'))
	{
		for (j = 0; j < t->nitems; j++)
		{
			scomm_expect(c, j == 0 ? ";" : ",");
			pat[j] = (uint8_t) scomm_read_uint(c, SCOMM_LCA_MAX_CATEGORY);
		}
		for (j = 0; j < t->ncov; j++)
		{
			scomm_expect(c, j == 0 ? "|" : ",");
			scomm_lca_cov_key(scomm_read_double(c, 0), pat + t->nitems + 8 * j);
		}
		scomm_expect(c, ":");
		count = scomm_read_double(c, 0);
		if (c->status != SCOMM_OK)
			return c->status;
		if ((st = AddDecoded(t, pat, have_prev ? prev : NULL, count)) != SCOMM_OK)
			return st;
		memcpy(prev, pat, t->keylen);
		have_prev = 1;
	}
	scomm_expect(c, "}");
	scomm_expect_end(c);
	return c->status;
}

/* Decode a table from its text form (len bytes, no terminator needed). */
scomm_status
scomm_lca_table_from_text(const char *s, size_t len, scomm_lca_table **out)
{
	ScommCursor	c = {(const unsigned char *) s, len, 0, SCOMM_OK};
	uint64_t	nitems,
				ncov = 0;
	double		skipped = 0.0;
	scomm_status st;

	*out = NULL;
	if (s == NULL)
		return SCOMM_EINVAL;
	scomm_expect(&c, "{J=");
	nitems = scomm_read_uint(&c, SCOMM_LCA_MAX_ITEMS);
	if (c.status == SCOMM_OK && c.pos + 1 < c.len && c.s[c.pos] == ';' &&
		c.s[c.pos + 1] == 'P')
	{
		scomm_expect(&c, ";P=");
		ncov = scomm_read_uint(&c, SCOMM_LCA_MAX_COVARIATES);
		scomm_expect(&c, ";skipped=");
		skipped = scomm_read_double(&c, 0);
		if (c.status == SCOMM_OK && (skipped < 0.0 || (ncov == 0 && skipped == 0.0)))
			return SCOMM_ECORRUPT;
	}
	if (c.status != SCOMM_OK || nitems < 1)
		return SCOMM_ECORRUPT;
	if ((st = scomm_lca_table_create_cov((int) nitems, (int) ncov, out)) != SCOMM_OK)
		return st;
	(*out)->skipped = skipped + 0.0;
	if ((st = DecodeTextPatterns(&c, *out)) != SCOMM_OK)
	{
		scomm_lca_table_free(*out);
		*out = NULL;
	}
	return st;
}
