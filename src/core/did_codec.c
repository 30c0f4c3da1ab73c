/*
 * did_codec.c: binary and text encodings of a did panel collector, on the
 * shared output buffer and bounded input cursor of codec_io.c.
 *
 * Binary (all integers big-endian, no struct is copied):
 *   version 1: "SCDP" | u16 1 | u16 flags (0) | u64 row count |
 *     rows of 24 bytes: i64 unit | i32 period | i32 first_period
 *     (2147483647 = never) | f64 outcome;
 *     the length must be exactly 16 + 24 * count.
 *   version 2 (1.1, rows with weight, cluster or covariates): "SCDP" | u16 2 |
 *     u16 flags (0) | u64 row count | u32 covariates k |
 *     rows of 40 + 8k bytes: the version 1 row | f64 weight (NaN = NULL) |
 *     i64 cluster (-2^63 = NULL) | k x f64 covariates;
 *     the length must be exactly 20 + (40 + 8k) * count.
 *
 * Text:
 *   version 1: "did_panel:1:<count>" then ";<unit>,<period>,<first>,<y>" per
 *     row, first a decimal integer or "never", y printed with %.17g (as 1.0
 *     printed it: values stored by 1.0 print the same).
 *   version 2: "did_panel:2:<k>:<count>" then
 *     ";<unit>,<period>,<first>,<y>,<weight>,<cluster>,<x1>,...,<xk>" per row,
 *     weight and cluster empty for NULL, numbers with the fewest of 15-17
 *     digits that read back exactly.
 * No spaces, no trailing characters; every number is checked.  A collector
 * without weights, clusters or covariates is always written as version 1.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_io.h"
#include "did.h"

#define BIN_HEADER1 16
#define BIN_HEADER2 20
#define BIN_ROW1 24
#define BIN_ROW2(k) (40 + 8 * (size_t) (k))

/* Does the collector need format version 2? */
static int
NeedsV2(const scomm_did_collector *c)
{
	return scomm_did_collector_has_content(c);
}

/* Append a row's first four fields in binary. */
static void
PutRowBin(ScommBuf *b, const scomm_did_row *r)
{
	scomm_buf_u64(b, (uint64_t) r->unit);
	scomm_buf_u32(b, (uint32_t) r->period);
	scomm_buf_u32(b, (uint32_t) r->first_period);
	scomm_buf_f64(b, r->y);
}

scomm_status
scomm_did_encode_binary(const scomm_did_collector *c, unsigned char **out,
						size_t *len)
{
	ScommBuf	b;
	int			v2;
	size_t		i;
	int			j;

	if (c == NULL || out == NULL || len == NULL ||
		c->n_rows > (((size_t) -1) - BIN_HEADER2) / BIN_ROW2(SCOMM_DID_MAX_COV))
		return SCOMM_EINVAL;
	memset(&b, 0, sizeof(b));
	v2 = NeedsV2(c);
	scomm_buf_bytes(&b, "SCDP", 4);
	scomm_buf_u8(&b, 0);
	scomm_buf_u8(&b, v2 ? SCOMM_DID_CODEC_VERSION_EXTRA : SCOMM_DID_CODEC_VERSION);
	scomm_buf_u8(&b, 0);
	scomm_buf_u8(&b, 0);
	scomm_buf_u64(&b, (uint64_t) c->n_rows);
	if (v2)
		scomm_buf_u32(&b, (uint32_t) c->n_cov);
	for (i = 0; i < c->n_rows; i++)
	{
		PutRowBin(&b, &c->rows[i]);
		if (!v2)
			continue;
		scomm_buf_f64(&b, c->weight[i]);
		scomm_buf_u64(&b, (uint64_t) c->cluster[i]);
		for (j = 0; j < c->n_cov; j++)
			scomm_buf_f64(&b, c->cov[i * c->n_cov + j]);
	}
	return scomm_buf_finish(&b, 0, out, len);
}

/* Add one decoded row to c; a value the collector refuses is corrupt. */
static void
AddDecoded(ScommCursor *cur, scomm_did_collector *c, int v2, int64_t unit,
		   int32_t period, int32_t first, double y, double w, int64_t cl,
		   const double *x, int k)
{
	scomm_status st;

	if (cur->status != SCOMM_OK)
		return;
	st = v2 ? scomm_did_collector_add_ex(c, unit, period, first, y, w, cl, x, k, NULL) :
		scomm_did_collector_add(c, unit, period, first, y, NULL);
	if (st != SCOMM_OK)
		cur->status = st == SCOMM_EINVAL ? SCOMM_ECORRUPT : st;
}

scomm_status
scomm_did_decode_binary(const unsigned char *buf, size_t len,
						scomm_did_collector **out)
{
	ScommCursor cur;
	scomm_did_collector *c;
	uint64_t	n,
				i;
	unsigned	version;
	uint32_t	k = 0;
	double		x[SCOMM_DID_MAX_COV];

	if (out == NULL)
		return SCOMM_EINVAL;
	*out = NULL;
	if (buf == NULL)
		return SCOMM_ECORRUPT;
	memset(&cur, 0, sizeof(cur));
	cur.s = buf;
	cur.len = len;
	scomm_expect(&cur, "SCDP");
	version = scomm_get_u8(&cur) << 8;
	version |= scomm_get_u8(&cur);
	if (scomm_get_u8(&cur) != 0 || scomm_get_u8(&cur) != 0 ||
		(version != SCOMM_DID_CODEC_VERSION && version != SCOMM_DID_CODEC_VERSION_EXTRA))
		return SCOMM_ECORRUPT;
	n = scomm_get_u64(&cur);
	if (version == SCOMM_DID_CODEC_VERSION_EXTRA)
		k = scomm_get_u32(&cur);
	if (cur.status != SCOMM_OK || k > SCOMM_DID_MAX_COV)
		return SCOMM_ECORRUPT;
	/* the length is exact: check it before allocating anything */
	{
		size_t		head = version == SCOMM_DID_CODEC_VERSION ? BIN_HEADER1 : BIN_HEADER2,
					row = version == SCOMM_DID_CODEC_VERSION ? BIN_ROW1 : BIN_ROW2(k);

		if (n > (len - head) / row || len != head + n * row)
			return SCOMM_ECORRUPT;
	}
	if ((c = scomm_did_collector_create()) == NULL)
		return SCOMM_ENOMEM;
	for (i = 0; i < n && cur.status == SCOMM_OK; i++)
	{
		int64_t		unit = (int64_t) scomm_get_u64(&cur);
		int32_t		period = (int32_t) scomm_get_u32(&cur),
					first = (int32_t) scomm_get_u32(&cur);
		double		y = scomm_get_f64(&cur),
					w = NAN;
		int64_t		cl = SCOMM_DID_NO_CLUSTER;
		uint32_t	j;

		if (version == SCOMM_DID_CODEC_VERSION_EXTRA)
		{
			w = scomm_get_f64(&cur);
			cl = (int64_t) scomm_get_u64(&cur);
			for (j = 0; j < k; j++)
				x[j] = scomm_get_f64(&cur);
		}
		AddDecoded(&cur, c, version == SCOMM_DID_CODEC_VERSION_EXTRA, unit, period,
				   first, y, w, cl, x, (int) k);
	}
	if (cur.status == SCOMM_OK)
		scomm_expect_end(&cur);
	if (cur.status != SCOMM_OK)
	{
		scomm_did_collector_free(c);
		return cur.status;
	}
	*out = c;
	return SCOMM_OK;
}

/* Append ";unit,period,first," of a row. */
static void
PutRowHead(ScommBuf *b, const scomm_did_row *r)
{
	scomm_buf_str(b, ";");
	scomm_buf_long(b, (long long) r->unit);
	scomm_buf_str(b, ",");
	scomm_buf_long(b, (long long) r->period);
	scomm_buf_str(b, ",");
	if (r->first_period == SCOMM_DID_NEVER)
		scomm_buf_str(b, "never");
	else
		scomm_buf_long(b, (long long) r->first_period);
	scomm_buf_str(b, ",");
}

scomm_status
scomm_did_encode_text(const scomm_did_collector *c, char **out)
{
	ScommBuf	b;
	char		num[40];
	size_t		i,
				len;
	int			j,
				v2;
	scomm_status st;

	if (c == NULL || out == NULL)
		return SCOMM_EINVAL;
	memset(&b, 0, sizeof(b));
	v2 = NeedsV2(c);
	if (v2)
	{
		scomm_buf_str(&b, "did_panel:2:");
		scomm_buf_long(&b, c->n_cov);
		scomm_buf_str(&b, ":");
	}
	else
		scomm_buf_str(&b, "did_panel:1:");
	scomm_buf_ulong(&b, (uint64_t) c->n_rows);
	for (i = 0; i < c->n_rows; i++)
	{
		PutRowHead(&b, &c->rows[i]);
		if (!v2)
		{
			snprintf(num, sizeof(num), "%.17g", c->rows[i].y);
			scomm_buf_str(&b, num);
			continue;
		}
		scomm_buf_double(&b, c->rows[i].y);
		scomm_buf_str(&b, ",");
		if (!isnan(c->weight[i]))
			scomm_buf_double(&b, c->weight[i]);
		scomm_buf_str(&b, ",");
		if (c->cluster[i] != SCOMM_DID_NO_CLUSTER)
			scomm_buf_long(&b, (long long) c->cluster[i]);
		for (j = 0; j < c->n_cov; j++)
		{
			scomm_buf_str(&b, ",");
			scomm_buf_double(&b, c->cov[i * c->n_cov + j]);
		}
	}
	st = scomm_buf_finish(&b, 1, (unsigned char **) out, &len);
	return st;
}

/* Read an int64 that must fit [lo, hi]. */
static int64_t
ReadRange(ScommCursor *cur, int64_t lo, int64_t hi)
{
	int64_t		v = scomm_read_int64(cur);

	if (cur->status == SCOMM_OK && (v < lo || v > hi))
		cur->status = SCOMM_ECORRUPT;
	return v;
}

/* Parse one text row into c. */
static void
ParseRow(ScommCursor *cur, scomm_did_collector *c, int v2, int k)
{
	int64_t		unit,
				period,
				first,
				cl = SCOMM_DID_NO_CLUSTER;
	double		y,
				w = NAN,
				x[SCOMM_DID_MAX_COV];
	int			j;

	scomm_expect(cur, ";");
	unit = scomm_read_int64(cur);
	scomm_expect(cur, ",");
	period = ReadRange(cur, INT32_MIN, INT32_MAX);
	scomm_expect(cur, ",");
	if (cur->status == SCOMM_OK && cur->len - cur->pos >= 5 &&
		memcmp(cur->s + cur->pos, "never", 5) == 0)
	{
		cur->pos += 5;
		first = SCOMM_DID_NEVER;
	}
	else
		first = ReadRange(cur, INT32_MIN, INT32_MAX);
	scomm_expect(cur, ",");
	y = scomm_read_double(cur, 0);
	if (v2)
	{
		scomm_expect(cur, ",");
		if (!scomm_peek(cur, ','))
			w = scomm_read_double(cur, 0);
		scomm_expect(cur, ",");
		if (!scomm_peek(cur, ',') && !scomm_peek(cur, ';') && cur->pos < cur->len)
		{
			cl = scomm_read_int64(cur);
			if (cl == SCOMM_DID_NO_CLUSTER)
				cur->status = SCOMM_ECORRUPT;
		}
		for (j = 0; j < k; j++)
		{
			scomm_expect(cur, ",");
			x[j] = scomm_read_double(cur, 0);
		}
	}
	AddDecoded(cur, c, v2, unit, (int32_t) period, (int32_t) first, y, w, cl, x, k);
}

scomm_status
scomm_did_decode_text(const char *str, scomm_did_collector **out)
{
	ScommCursor cur;
	scomm_did_collector *c;
	uint64_t	n,
				i,
				k = 0;
	int			v2;

	if (out == NULL)
		return SCOMM_EINVAL;
	*out = NULL;
	if (str == NULL)
		return SCOMM_ECORRUPT;
	memset(&cur, 0, sizeof(cur));
	cur.s = (const unsigned char *) str;
	cur.len = strlen(str);
	scomm_expect(&cur, "did_panel:");
	v2 = scomm_peek(&cur, '2');
	scomm_expect(&cur, v2 ? "2:" : "1:");
	if (v2)
	{
		k = scomm_read_uint(&cur, SCOMM_DID_MAX_COV);
		scomm_expect(&cur, ":");
	}
	/* every row takes at least 8 characters: bound the count first */
	n = scomm_read_uint(&cur, UINT64_MAX);
	if (cur.status != SCOMM_OK || n > (cur.len - cur.pos) / 8)
		return SCOMM_ECORRUPT;
	if ((c = scomm_did_collector_create()) == NULL)
		return SCOMM_ENOMEM;
	for (i = 0; i < n && cur.status == SCOMM_OK; i++)
		ParseRow(&cur, c, v2, (int) k);
	scomm_expect_end(&cur);
	if (cur.status != SCOMM_OK)
	{
		scomm_did_collector_free(c);
		return cur.status;
	}
	*out = c;
	return SCOMM_OK;
}
