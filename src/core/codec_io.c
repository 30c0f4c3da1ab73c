/*
 * codec_io.c: the output buffer and the strict bounded input cursors of the
 * core's encodings (pattern tables, latent class and trajectory models,
 * trajectory panels; binary and text).
 *
 * Writers append to a buffer whose status sticks at the first error, so
 * encoders check it once at the end.  Readers never read past the given
 * length and set SCOMM_ECORRUPT on anything unexpected (the status then
 * sticks), so decoders check it once per section.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_io.h"

/* Make room for n more bytes (and a terminator). */
static int
BufReserve(ScommBuf *b, size_t n)
{
	unsigned char *p;
	size_t		cap;

	if (b->status != SCOMM_OK)
		return 0;
	if (n > SIZE_MAX / 4 - b->len)
	{
		b->status = SCOMM_ENOMEM;
		return 0;
	}
	if (b->len + n + 1 <= b->cap)
		return 1;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1)
		cap *= 2;
	p = scomm_core_alloc(cap);
	if (p == NULL)
	{
		b->status = SCOMM_ENOMEM;
		return 0;
	}
	if (b->len > 0)
		memcpy(p, b->data, b->len);
	scomm_core_free(b->data);
	b->data = p;
	b->cap = cap;
	return 1;
}

/* Append n raw bytes. */
void
scomm_buf_bytes(ScommBuf *b, const void *p, size_t n)
{
	if (!BufReserve(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void
scomm_buf_u8(ScommBuf *b, unsigned v)
{
	unsigned char c = (unsigned char) v;

	scomm_buf_bytes(b, &c, 1);
}

/* Append a big-endian 32-bit integer. */
void
scomm_buf_u32(ScommBuf *b, uint32_t v)
{
	unsigned char c[4];
	int			i;

	for (i = 0; i < 4; i++)
		c[i] = (unsigned char) (v >> (24 - 8 * i));
	scomm_buf_bytes(b, c, 4);
}

/* Append a big-endian 64-bit integer. */
void
scomm_buf_u64(ScommBuf *b, uint64_t v)
{
	unsigned char c[8];
	int			i;

	for (i = 0; i < 8; i++)
		c[i] = (unsigned char) (v >> (56 - 8 * i));
	scomm_buf_bytes(b, c, 8);
}

/* the one NaN the encodings carry (a quiet NaN, sign clear, no payload) */
#define CANONICAL_NAN UINT64_C(0x7ff8000000000000)

/* Append a double as its IEEE-754 bit pattern, big-endian (NaN canonical). */
void
scomm_buf_f64(ScommBuf *b, double v)
{
	uint64_t	u;

	memcpy(&u, &v, sizeof(u));
	if (isnan(v))
		u = CANONICAL_NAN;
	scomm_buf_u64(b, u);
}

void
scomm_buf_str(ScommBuf *b, const char *s)
{
	scomm_buf_bytes(b, s, strlen(s));
}

void
scomm_buf_long(ScommBuf *b, long long v)
{
	char		tmp[32];

	snprintf(tmp, sizeof(tmp), "%lld", v);
	scomm_buf_str(b, tmp);
}

void
scomm_buf_ulong(ScommBuf *b, uint64_t v)
{
	char		tmp[32];

	snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long) v);
	scomm_buf_str(b, tmp);
}

/*
 * Append a double with the fewest of 15, 16 or 17 significant digits that
 * read back exactly; NaN is "NaN", infinities "Infinity" and "-Infinity"
 * (the decoders accept those only where a field allows them).
 */
void
scomm_buf_double(ScommBuf *b, double v)
{
	char		tmp[SCOMM_CODEC_NUM_MAX];
	int			prec;

	if (isnan(v))
	{
		scomm_buf_str(b, "NaN");
		return;
	}
	if (isinf(v))
	{
		scomm_buf_str(b, v > 0 ? "Infinity" : "-Infinity");
		return;
	}
	for (prec = 15; prec <= 17; prec++)
	{
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	scomm_buf_str(b, tmp);
}

/* Hand the buffer over (optionally NUL-terminated), or free it on error. */
scomm_status
scomm_buf_finish(ScommBuf *b, int nul, unsigned char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (BufReserve(b, 1) && nul)
		b->data[b->len] = '\0';
	if (b->status != SCOMM_OK)
	{
		scomm_core_free(b->data);
		b->data = NULL;
		return b->status;
	}
	*out = b->data;
	*len = b->len;
	b->data = NULL;
	return SCOMM_OK;
}

/* Take n bytes, or fail. */
const unsigned char *
scomm_get_bytes(ScommCursor *c, size_t n)
{
	const unsigned char *p;

	if (c->status != SCOMM_OK || c->len - c->pos < n)
	{
		c->status = SCOMM_ECORRUPT;
		return NULL;
	}
	p = c->s + c->pos;
	c->pos += n;
	return p;
}

unsigned
scomm_get_u8(ScommCursor *c)
{
	const unsigned char *p = scomm_get_bytes(c, 1);

	return p ? p[0] : 0;
}

uint32_t
scomm_get_u32(ScommCursor *c)
{
	const unsigned char *p = scomm_get_bytes(c, 4);
	uint32_t	v = 0;
	int			i;

	for (i = 0; p != NULL && i < 4; i++)
		v = (v << 8) | p[i];
	return v;
}

uint64_t
scomm_get_u64(ScommCursor *c)
{
	const unsigned char *p = scomm_get_bytes(c, 8);
	uint64_t	v = 0;
	int			i;

	for (i = 0; p != NULL && i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Read a big-endian IEEE-754 double; a NaN other than the canonical one is corrupt. */
double
scomm_get_f64(ScommCursor *c)
{
	uint64_t	u = scomm_get_u64(c);
	double		v;

	memcpy(&v, &u, sizeof(v));
	if (isnan(v) && u != CANONICAL_NAN)
		c->status = SCOMM_ECORRUPT;
	return v;
}

/* Nonzero when the next character is ch. */
int
scomm_peek(ScommCursor *c, char ch)
{
	return c->status == SCOMM_OK && c->pos < c->len &&
		c->s[c->pos] == (unsigned char) ch;
}

/* Consume the literal lit, or fail. */
void
scomm_expect(ScommCursor *c, const char *lit)
{
	size_t		n = strlen(lit);

	if (c->status != SCOMM_OK)
		return;
	if (c->len - c->pos < n || memcmp(c->s + c->pos, lit, n) != 0)
	{
		c->status = SCOMM_ECORRUPT;
		return;
	}
	c->pos += n;
}

/* Length of the run of decimal digits at position pos. */
static size_t
DigitRun(const ScommCursor *c, size_t pos)
{
	size_t		n = 0;

	while (pos + n < c->len && c->s[pos + n] >= '0' && c->s[pos + n] <= '9')
		n++;
	return n;
}

/* Read a decimal integer without sign or leading zeros, at most max. */
uint64_t
scomm_read_uint(ScommCursor *c, uint64_t max)
{
	size_t		n,
				i;
	uint64_t	v = 0;

	if (c->status != SCOMM_OK)
		return 0;
	n = DigitRun(c, c->pos);
	if (n == 0 || n > 20 || (n > 1 && c->s[c->pos] == '0'))
	{
		c->status = SCOMM_ECORRUPT;
		return 0;
	}
	for (i = 0; i < n; i++)
	{
		unsigned	dg = c->s[c->pos + i] - '0';

		if (dg > max || v > (max - dg) / 10)
		{
			c->status = SCOMM_ECORRUPT;
			return 0;
		}
		v = v * 10 + dg;
	}
	c->pos += n;
	return v;
}

/* Read a decimal int64: optional '-', no leading zeros, no "-0". */
int64_t
scomm_read_int64(ScommCursor *c)
{
	int			neg = scomm_peek(c, '-');
	uint64_t	v;

	if (neg)
		c->pos++;
	v = scomm_read_uint(c, neg ? (uint64_t) INT64_MAX + 1 : (uint64_t) INT64_MAX);
	if (c->status != SCOMM_OK)
		return 0;
	if (neg && v == 0)
	{
		c->status = SCOMM_ECORRUPT;
		return 0;
	}
	if (neg)
		return v == (uint64_t) INT64_MAX + 1 ? INT64_MIN : -(int64_t) v;
	return (int64_t) v;
}

/* Length of a number -?D+(.D+)?([eE][+-]?D+)? at the cursor, 0 if none. */
static size_t
NumberSpan(const ScommCursor *c)
{
	size_t		p = c->pos;
	size_t		dg;

	if (p < c->len && c->s[p] == '-')
		p++;
	if ((dg = DigitRun(c, p)) == 0)
		return 0;
	p += dg;
	if (p < c->len && c->s[p] == '.')
	{
		if ((dg = DigitRun(c, p + 1)) == 0)
			return 0;
		p += 1 + dg;
	}
	if (p < c->len && (c->s[p] == 'e' || c->s[p] == 'E'))
	{
		p++;
		if (p < c->len && (c->s[p] == '+' || c->s[p] == '-'))
			p++;
		if ((dg = DigitRun(c, p)) == 0)
			return 0;
		p += dg;
	}
	return p - c->pos;
}

/* Consume lit when it comes next; nonzero if it did. */
static int
TakeWord(ScommCursor *c, const char *lit)
{
	size_t		n = strlen(lit);

	if (c->status != SCOMM_OK || c->len - c->pos < n ||
		memcmp(c->s + c->pos, lit, n) != 0)
		return 0;
	c->pos += n;
	return 1;
}

/*
 * Read a finite decimal number; with allow_special also "NaN", "Infinity"
 * and "-Infinity".
 */
double
scomm_read_double(ScommCursor *c, int allow_special)
{
	char		tmp[SCOMM_CODEC_NUM_MAX];
	size_t		n;
	char	   *end;
	double		v;

	if (c->status != SCOMM_OK)
		return 0.0;
	if (allow_special)
	{
		if (TakeWord(c, "NaN"))
			return NAN;
		if (TakeWord(c, "Infinity"))
			return INFINITY;
		if (TakeWord(c, "-Infinity"))
			return -INFINITY;
	}
	n = NumberSpan(c);
	if (n == 0 || n >= sizeof(tmp))
	{
		c->status = SCOMM_ECORRUPT;
		return 0.0;
	}
	memcpy(tmp, c->s + c->pos, n);
	tmp[n] = '\0';
	v = strtod(tmp, &end);
	if (end != tmp + n || !isfinite(v))
	{
		c->status = SCOMM_ECORRUPT;
		return 0.0;
	}
	c->pos += n;
	return v;
}

/* Fail unless the whole input has been consumed. */
void
scomm_expect_end(ScommCursor *c)
{
	if (c->status == SCOMM_OK && c->pos != c->len)
		c->status = SCOMM_ECORRUPT;
}
