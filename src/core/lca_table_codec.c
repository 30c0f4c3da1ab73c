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
	scomm_buf_u8(&b, SCOMM_LCA_TABLE_VERSION);
	scomm_buf_u32(&b, (uint32_t) t->nitems);
	scomm_buf_u64(&b, (uint64_t) t->n);
	for (i = 0; i < t->n; i++)
	{
		scomm_buf_bytes(&b, LCA_PATTERN(t, idx[i]), t->nitems);
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
	if (prev != NULL && scomm_lca_pattern_cmp(prev, pat, t->nitems) >= 0)
		return SCOMM_ECORRUPT;
	st = scomm_lca_table_add_raw(t, pat, count);
	return st == SCOMM_EINVAL ? SCOMM_ECORRUPT : st;
}

/* Decode the patterns that follow a binary header. */
static scomm_status
DecodeBinaryPatterns(ScommCursor *c, scomm_lca_table *t, uint64_t n)
{
	const uint8_t *pat;
	const uint8_t *prev = NULL;
	double		count;
	uint64_t	i;
	scomm_status st;

	for (i = 0; i < n; i++)
	{
		pat = scomm_get_bytes(c, (size_t) t->nitems);
		count = scomm_get_f64(c);
		if (c->status != SCOMM_OK)
			return c->status;
		if ((st = AddDecoded(t, pat, prev, count)) != SCOMM_OK)
			return st;
		prev = pat;
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
	uint32_t	nitems;
	uint64_t	n;
	scomm_status st;

	*out = NULL;
	if (buf == NULL)
		return SCOMM_EINVAL;
	if (scomm_get_u8(&c) != SCOMM_LCA_TABLE_VERSION)
		return SCOMM_ECORRUPT;
	nitems = scomm_get_u32(&c);
	n = scomm_get_u64(&c);
	if (c.status != SCOMM_OK || nitems < 1 || nitems > SCOMM_LCA_MAX_ITEMS)
		return SCOMM_ECORRUPT;
	if (n != (len - c.pos) / (nitems + 8) || (len - c.pos) % (nitems + 8) != 0)
		return SCOMM_ECORRUPT;
	if ((st = scomm_lca_table_create((int) nitems, out)) != SCOMM_OK)
		return st;
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
	for (i = 0; i < t->n && b.status == SCOMM_OK; i++)
	{
		const uint8_t *p = LCA_PATTERN(t, idx[i]);

		for (j = 0; j < t->nitems; j++)
		{
			scomm_buf_u8(&b, j == 0 ? ';' : ',');
			scomm_buf_long(&b, p[j]);
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
	uint8_t		pat[SCOMM_LCA_MAX_ITEMS];
	uint8_t		prev[SCOMM_LCA_MAX_ITEMS];
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
		scomm_expect(c, ":");
		count = scomm_read_double(c, 0);
		if (c->status != SCOMM_OK)
			return c->status;
		if ((st = AddDecoded(t, pat, have_prev ? prev : NULL, count)) != SCOMM_OK)
			return st;
		memcpy(prev, pat, t->nitems);
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
	uint64_t	nitems;
	scomm_status st;

	*out = NULL;
	if (s == NULL)
		return SCOMM_EINVAL;
	scomm_expect(&c, "{J=");
	nitems = scomm_read_uint(&c, SCOMM_LCA_MAX_ITEMS);
	if (c.status != SCOMM_OK || nitems < 1)
		return SCOMM_ECORRUPT;
	if ((st = scomm_lca_table_create((int) nitems, out)) != SCOMM_OK)
		return st;
	if ((st = DecodeTextPatterns(&c, *out)) != SCOMM_OK)
	{
		scomm_lca_table_free(*out);
		*out = NULL;
	}
	return st;
}
