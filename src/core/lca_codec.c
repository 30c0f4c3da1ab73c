/*
 * lca_codec.c: byte and text buffers and strict cursors for the LCA encodings.
 *
 * Writers append to a growable buffer whose status sticks at the first error;
 * readers never read past the given length and set SCOMM_ECORRUPT on anything
 * unexpected, so decoders check the status once at the end of each section.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lca_int.h"

#define LCA_NUM_MAX 64			/* longest number accepted in text */

/* Make room for n more bytes. */
static int
BufReserve(LcaBuf *b, size_t n)
{
	unsigned char *p;
	size_t		cap;

	if (b->status != SCOMM_OK)
		return 0;
	if (b->len + n + 1 <= b->cap)
		return 1;
	cap = b->cap ? b->cap : 64;
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
scomm_lca_buf_bytes(LcaBuf *b, const void *p, size_t n)
{
	if (!BufReserve(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

/* Append one byte. */
void
scomm_lca_buf_u8(LcaBuf *b, unsigned v)
{
	unsigned char c = (unsigned char) v;

	scomm_lca_buf_bytes(b, &c, 1);
}

/* Append a big-endian 32-bit integer. */
void
scomm_lca_buf_u32(LcaBuf *b, uint32_t v)
{
	unsigned char c[4];
	int			i;

	for (i = 0; i < 4; i++)
		c[i] = (unsigned char) (v >> (24 - 8 * i));
	scomm_lca_buf_bytes(b, c, 4);
}

/* Append a big-endian 64-bit integer. */
void
scomm_lca_buf_u64(LcaBuf *b, uint64_t v)
{
	unsigned char c[8];
	int			i;

	for (i = 0; i < 8; i++)
		c[i] = (unsigned char) (v >> (56 - 8 * i));
	scomm_lca_buf_bytes(b, c, 8);
}

/* Append a double as its IEEE-754 bit pattern, big-endian. */
void
scomm_lca_buf_f64(LcaBuf *b, double v)
{
	uint64_t	u;

	memcpy(&u, &v, sizeof(u));
	scomm_lca_buf_u64(b, u);
}

/* Append a C string without its terminator. */
void
scomm_lca_buf_str(LcaBuf *b, const char *s)
{
	scomm_lca_buf_bytes(b, s, strlen(s));
}

/* Append a signed integer in decimal. */
void
scomm_lca_buf_long(LcaBuf *b, long long v)
{
	char		tmp[32];

	snprintf(tmp, sizeof(tmp), "%lld", v);
	scomm_lca_buf_str(b, tmp);
}

/* Append an unsigned 64-bit integer in decimal. */
void
scomm_lca_buf_ulong(LcaBuf *b, uint64_t v)
{
	char		tmp[32];

	snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long) v);
	scomm_lca_buf_str(b, tmp);
}

/*
 * Append a double with the fewest of 15, 16 or 17 significant digits that
 * read back exactly; NaN is written "NaN"; infinities are an error.
 */
void
scomm_lca_buf_double(LcaBuf *b, double v)
{
	char		tmp[LCA_NUM_MAX];
	int			prec;

	if (isnan(v))
	{
		scomm_lca_buf_str(b, "NaN");
		return;
	}
	if (!isfinite(v))
	{
		if (b->status == SCOMM_OK)
			b->status = SCOMM_EINVAL;
		return;
	}
	for (prec = 15; prec <= 17; prec++)
	{
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	scomm_lca_buf_str(b, tmp);
}

/* Hand the buffer over (optionally NUL-terminated), or free it on error. */
scomm_status
scomm_lca_buf_finish(LcaBuf *b, int nul, unsigned char **out, size_t *len)
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
scomm_lca_get_bytes(LcaCursor *c, size_t n)
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

/* Read one byte. */
unsigned
scomm_lca_get_u8(LcaCursor *c)
{
	const unsigned char *p = scomm_lca_get_bytes(c, 1);

	return p ? p[0] : 0;
}

/* Read a big-endian 32-bit integer. */
uint32_t
scomm_lca_get_u32(LcaCursor *c)
{
	const unsigned char *p = scomm_lca_get_bytes(c, 4);
	uint32_t	v = 0;
	int			i;

	for (i = 0; p != NULL && i < 4; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Read a big-endian 64-bit integer. */
uint64_t
scomm_lca_get_u64(LcaCursor *c)
{
	const unsigned char *p = scomm_lca_get_bytes(c, 8);
	uint64_t	v = 0;
	int			i;

	for (i = 0; p != NULL && i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Read a big-endian IEEE-754 double. */
double
scomm_lca_get_f64(LcaCursor *c)
{
	uint64_t	u = scomm_lca_get_u64(c);
	double		v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

/* Nonzero when the next character is ch. */
int
scomm_lca_peek(LcaCursor *c, char ch)
{
	return c->status == SCOMM_OK && c->pos < c->len &&
		c->s[c->pos] == (unsigned char) ch;
}

/* Consume the literal lit, or fail. */
void
scomm_lca_expect(LcaCursor *c, const char *lit)
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
DigitRun(const LcaCursor *c, size_t pos)
{
	size_t		n = 0;

	while (pos + n < c->len && c->s[pos + n] >= '0' && c->s[pos + n] <= '9')
		n++;
	return n;
}

/* Read a decimal integer without sign or leading zeros, at most max. */
uint64_t
scomm_lca_read_uint(LcaCursor *c, uint64_t max)
{
	size_t		n;
	size_t		i;
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
		unsigned	d = c->s[c->pos + i] - '0';

		if (d > max || v > (max - d) / 10)
		{
			c->status = SCOMM_ECORRUPT;
			return 0;
		}
		v = v * 10 + d;
	}
	c->pos += n;
	return v;
}

/* Length of a number -?D+(.D+)?([eE][+-]?D+)? at the cursor, 0 if none. */
static size_t
NumberSpan(const LcaCursor *c)
{
	size_t		p = c->pos;
	size_t		d;

	if (p < c->len && c->s[p] == '-')
		p++;
	if ((d = DigitRun(c, p)) == 0)
		return 0;
	p += d;
	if (p < c->len && c->s[p] == '.')
	{
		if ((d = DigitRun(c, p + 1)) == 0)
			return 0;
		p += 1 + d;
	}
	if (p < c->len && (c->s[p] == 'e' || c->s[p] == 'E'))
	{
		p++;
		if (p < c->len && (c->s[p] == '+' || c->s[p] == '-'))
			p++;
		if ((d = DigitRun(c, p)) == 0)
			return 0;
		p += d;
	}
	return p - c->pos;
}

/* Read a finite decimal number (or "NaN" when allowed). */
double
scomm_lca_read_double(LcaCursor *c, int allow_nan)
{
	char		tmp[LCA_NUM_MAX];
	size_t		n;
	char	   *end;
	double		v;

	if (c->status != SCOMM_OK)
		return 0.0;
	if (allow_nan && c->len - c->pos >= 3 && memcmp(c->s + c->pos, "NaN", 3) == 0)
	{
		c->pos += 3;
		return NAN;
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
scomm_lca_expect_end(LcaCursor *c)
{
	if (c->status == SCOMM_OK && c->pos != c->len)
		c->status = SCOMM_ECORRUPT;
}
