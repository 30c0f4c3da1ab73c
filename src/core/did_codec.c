/*
 * did_codec.c: binary and text encodings of a did panel collector.
 *
 * Binary (all integers big-endian, no struct is copied):
 *   "SCDP" | u16 version (1) | u16 flags (0) | u64 row count |
 *   rows of 24 bytes: i64 unit | i32 period | i32 first_period (2147483647 =
 *   never) | u64 IEEE-754 bits of the outcome.
 * The length must be exactly 16 + 24 * count.
 *
 * Text: "did_panel:1:<count>" then ";<unit>,<period>,<first>,<y>" per row,
 * first a decimal integer or "never", y printed with %.17g (exact round
 * trip).  No spaces, no trailing characters; every number is checked.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "did.h"

#define BIN_HEADER 16
#define BIN_ROW 24
#define TEXT_TAG "did_panel:1:"

static void
PutU64(unsigned char *p, uint64_t v)
{
	int			i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char) (v & 0xff);
}

static uint64_t
GetU64(const unsigned char *p)
{
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static void
PutU32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

static uint32_t
GetU32(const unsigned char *p)
{
	return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) |
		((uint32_t) p[2] << 8) | p[3];
}

/* The bits of a double, and back, without aliasing a struct. */
static uint64_t
DoubleBits(double d)
{
	uint64_t	u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static double
BitsDouble(uint64_t u)
{
	double		d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

scomm_status
scomm_did_encode_binary(const scomm_did_collector *c, unsigned char **out,
						size_t *len)
{
	unsigned char *buf,
			   *p;
	size_t		i;

	if (c == NULL || out == NULL || len == NULL ||
		c->n_rows > (((size_t) -1) - BIN_HEADER) / BIN_ROW)
		return SCOMM_EINVAL;
	*len = BIN_HEADER + c->n_rows * BIN_ROW;
	if ((buf = scomm_core_alloc(*len)) == NULL)
		return SCOMM_ENOMEM;
	memcpy(buf, "SCDP", 4);
	buf[4] = 0;
	buf[5] = SCOMM_DID_CODEC_VERSION;
	buf[6] = buf[7] = 0;
	PutU64(buf + 8, (uint64_t) c->n_rows);
	for (i = 0, p = buf + BIN_HEADER; i < c->n_rows; i++, p += BIN_ROW)
	{
		PutU64(p, (uint64_t) c->rows[i].unit);
		PutU32(p + 8, (uint32_t) c->rows[i].period);
		PutU32(p + 12, (uint32_t) c->rows[i].first_period);
		PutU64(p + 16, DoubleBits(c->rows[i].y));
	}
	*out = buf;
	return SCOMM_OK;
}

scomm_status
scomm_did_decode_binary(const unsigned char *buf, size_t len,
						scomm_did_collector **out)
{
	scomm_did_collector *c;
	uint64_t	n,
				i;
	const unsigned char *p;

	if (out == NULL)
		return SCOMM_EINVAL;
	*out = NULL;
	if (buf == NULL || len < BIN_HEADER || memcmp(buf, "SCDP", 4) != 0 ||
		buf[4] != 0 || buf[5] != SCOMM_DID_CODEC_VERSION ||
		buf[6] != 0 || buf[7] != 0)
		return SCOMM_ECORRUPT;
	n = GetU64(buf + 8);
	if (n > (len - BIN_HEADER) / BIN_ROW || len != BIN_HEADER + n * BIN_ROW)
		return SCOMM_ECORRUPT;
	if ((c = scomm_did_collector_create()) == NULL)
		return SCOMM_ENOMEM;
	for (i = 0, p = buf + BIN_HEADER; i < n; i++, p += BIN_ROW)
	{
		scomm_status st = scomm_did_collector_add(c, (int64_t) GetU64(p),
												  (int32_t) GetU32(p + 8),
												  (int32_t) GetU32(p + 12),
												  BitsDouble(GetU64(p + 16)),
												  NULL);

		if (st != SCOMM_OK)
		{
			scomm_did_collector_free(c);
			return st == SCOMM_EINVAL ? SCOMM_ECORRUPT : st;
		}
	}
	*out = c;
	return SCOMM_OK;
}

/* Append one formatted row to buf at *pos (room is guaranteed). */
static void
PutTextRow(char *buf, size_t *pos, size_t cap, const scomm_did_row *r)
{
	char		first[16];

	if (r->first_period == SCOMM_DID_NEVER)
		strcpy(first, "never");
	else
		snprintf(first, sizeof(first), "%d", (int) r->first_period);
	*pos += snprintf(buf + *pos, cap - *pos, ";%lld,%d,%s,%.17g",
					 (long long) r->unit, (int) r->period, first, r->y);
}

scomm_status
scomm_did_encode_text(const scomm_did_collector *c, char **out)
{
	/* ';' + 20 + ',' + 11 + ',' + 11 + ',' + 24 digits of %.17g */
	const size_t row_max = 72;
	size_t		cap,
				pos,
				i;
	char	   *buf;

	if (c == NULL || out == NULL || c->n_rows > ((size_t) -1) / 2 / row_max)
		return SCOMM_EINVAL;
	cap = 64 + c->n_rows * row_max;
	if ((buf = scomm_core_alloc(cap)) == NULL)
		return SCOMM_ENOMEM;
	pos = snprintf(buf, cap, "%s%llu", TEXT_TAG, (unsigned long long) c->n_rows);
	for (i = 0; i < c->n_rows; i++)
		PutTextRow(buf, &pos, cap, &c->rows[i]);
	*out = buf;
	return SCOMM_OK;
}

/* Parse a decimal integer in [lo, hi] at *s; advance *s.  0 on failure. */
static int
ParseInt(const char **s, int64_t lo, int64_t hi, int64_t *v)
{
	const char *p = *s;
	int			neg = 0,
				digits = 0;
	uint64_t	acc = 0,
				lim;

	if (*p == '-')
	{
		neg = 1;
		p++;
	}
	lim = neg ? (uint64_t) (-(lo + 1)) + 1 : (uint64_t) hi;
	while (*p >= '0' && *p <= '9')
	{
		unsigned	d = *p++ - '0';

		if (++digits > 20 || acc > (lim - d) / 10)
			return 0;
		acc = acc * 10 + d;
	}
	if (digits == 0 || (neg && lo >= 0))
		return 0;
	*v = neg ? (acc == (uint64_t) 1 << 63 ? INT64_MIN : -(int64_t) acc) :
		(int64_t) acc;
	*s = p;
	return 1;
}

/* Parse a finite double written with [0-9+-.eE] only; advance *s. */
static int
ParseDouble(const char **s, double *v)
{
	char		tok[48];
	const char *p = *s;
	char	   *end;
	size_t		n = 0;

	while (p[n] != '\0' && strchr("0123456789+-.eE", p[n]) != NULL)
		if (++n >= sizeof(tok))
			return 0;
	if (n == 0)
		return 0;
	memcpy(tok, p, n);
	tok[n] = '\0';
	errno = 0;
	*v = strtod(tok, &end);
	if (end != tok + n || !isfinite(*v) || (errno == ERANGE && *v != 0.0 &&
											fabs(*v) > 1.0))
		return 0;
	*s = p + n;
	return 1;
}

/* Parse ";unit,period,first,y" at *s into the collector. */
static int
ParseRow(const char **s, scomm_did_collector *c)
{
	int64_t		unit,
				period,
				first;
	double		y;

	if (**s != ';')
		return 0;
	(*s)++;
	if (!ParseInt(s, INT64_MIN, INT64_MAX, &unit) || *(*s)++ != ',' ||
		!ParseInt(s, INT32_MIN, INT32_MAX, &period) || *(*s)++ != ',')
		return 0;
	if (strncmp(*s, "never", 5) == 0)
	{
		first = SCOMM_DID_NEVER;
		*s += 5;
	}
	else if (!ParseInt(s, INT32_MIN, INT32_MAX, &first))
		return 0;
	if (*(*s)++ != ',' || !ParseDouble(s, &y))
		return 0;
	return scomm_did_collector_add(c, unit, (int32_t) period, (int32_t) first,
								   y, NULL) == SCOMM_OK;
}

scomm_status
scomm_did_decode_text(const char *str, scomm_did_collector **out)
{
	scomm_did_collector *c;
	const char *s = str;
	int64_t		n,
				i;

	if (out == NULL)
		return SCOMM_EINVAL;
	*out = NULL;
	if (str == NULL || strncmp(s, TEXT_TAG, strlen(TEXT_TAG)) != 0)
		return SCOMM_ECORRUPT;
	s += strlen(TEXT_TAG);
	/* every row takes at least 8 characters: bound the count first */
	if (!ParseInt(&s, 0, INT64_MAX, &n) || (uint64_t) n > strlen(s) / 8)
		return SCOMM_ECORRUPT;
	if ((c = scomm_did_collector_create()) == NULL)
		return SCOMM_ENOMEM;
	for (i = 0; i < n; i++)
		if (!ParseRow(&s, c))
			break;
	if (i < n || *s != '\0')
	{
		scomm_did_collector_free(c);
		return SCOMM_ECORRUPT;
	}
	*out = c;
	return SCOMM_OK;
}
