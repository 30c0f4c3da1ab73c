/*
 * lca_codec_write.c: the growable output buffer of the LCA encodings.
 *
 * Writers append to a buffer whose status sticks at the first error, so
 * encoders check it once, in scomm_lca_buf_finish.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lca_int.h"

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
