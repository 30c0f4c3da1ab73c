/*
 * lca_codec_read.c: strict bounded cursors for the LCA decoders.
 *
 * Readers never read past the given length and set SCOMM_ECORRUPT on
 * anything unexpected (the status then sticks), so decoders check it once at
 * the end of each section.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lca_int.h"

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
