/*
 * lca_model_codec.c: binary encoding of a fitted model.
 *
 * uint8 version (1 or 2) | uint32 J | uint32 R | J x uint8 K_j | binary64
 * share[R], probs[R * sum K] (class, item, category), modal_share[R],
 * avepp[R] | the scalar doubles of scomm_lca_double_fields | the scalar
 * integers of scomm_lca_int_fields as uint32 | uint64 seed, and in version
 * 2: uint32 P, accelerated, starts_stopped | binary64 share_se[R],
 * probs_se[R * sum K], coef[(R-1)(P+1)], coef_se[(R-1)(P+1)].  Big-endian
 * throughout; the length must match exactly and the decoded model must pass
 * scomm_lca_model_check.  A model of format 1 (scomm 1.0) is written as
 * version 1, byte for byte as 1.0 wrote it.
 */
#include <limits.h>

#include "lca_int.h"

/* Write count doubles. */
static void
PutDoubles(ScommBuf *b, const double *v, size_t count)
{
	size_t		i;

	for (i = 0; i < count; i++)
		scomm_buf_f64(b, v[i]);
}

/* Encode a model in its binary form. */
scomm_status
scomm_lca_model_to_bytes(const scomm_lca_model *m, unsigned char **out,
						 size_t *len)
{
	ScommBuf		b = {0};
	int			i;

	*out = NULL;
	*len = 0;
	if (m == NULL || scomm_lca_model_check(m) != SCOMM_OK)
		return SCOMM_EINVAL;
	scomm_buf_u8(&b, (unsigned) m->format);
	scomm_buf_u32(&b, (uint32_t) m->nitems);
	scomm_buf_u32(&b, (uint32_t) m->nclass);
	for (i = 0; i < m->nitems; i++)
		scomm_buf_u8(&b, (unsigned) m->ncat[i]);
	PutDoubles(&b, m->share, m->nclass);
	PutDoubles(&b, m->probs, (size_t) m->nclass * m->ncat_total);
	PutDoubles(&b, m->modal_share, m->nclass);
	PutDoubles(&b, m->avepp, m->nclass);
	for (i = 0; i < scomm_lca_ndouble_fields; i++)
		scomm_buf_f64(&b, *LCA_DFIELD(m, &scomm_lca_double_fields[i]));
	for (i = 0; i < scomm_lca_nint_fields; i++)
		scomm_buf_u32(&b, (uint32_t) *LCA_IFIELD(m, &scomm_lca_int_fields[i]));
	scomm_buf_u64(&b, m->seed);
	if (m->format == 2)
	{
		size_t		nb = (size_t) (m->nclass - 1) * (m->ncov + 1);

		scomm_buf_u32(&b, (uint32_t) m->ncov);
		scomm_buf_u32(&b, (uint32_t) m->accelerated);
		scomm_buf_u32(&b, (uint32_t) m->starts_stopped);
		PutDoubles(&b, m->share_se, m->nclass);
		PutDoubles(&b, m->probs_se, (size_t) m->nclass * m->ncat_total);
		PutDoubles(&b, m->coef, nb);
		PutDoubles(&b, m->coef_se, nb);
	}
	return scomm_buf_finish(&b, 0, out, len);
}

/* Read count doubles. */
static void
GetDoubles(ScommCursor *c, double *v, size_t count)
{
	size_t		i;

	for (i = 0; i < count; i++)
		v[i] = scomm_get_f64(c);
}

/* Read everything after the header into m. */
static scomm_status
DecodeBody(ScommCursor *c, scomm_lca_model *m)
{
	int			i;

	GetDoubles(c, m->share, m->nclass);
	GetDoubles(c, m->probs, (size_t) m->nclass * m->ncat_total);
	GetDoubles(c, m->modal_share, m->nclass);
	GetDoubles(c, m->avepp, m->nclass);
	for (i = 0; i < scomm_lca_ndouble_fields; i++)
		*LCA_DFIELD(m, &scomm_lca_double_fields[i]) = scomm_get_f64(c);
	for (i = 0; i < scomm_lca_nint_fields; i++)
	{
		uint32_t	v = scomm_get_u32(c);

		if (v > INT_MAX)
			return SCOMM_ECORRUPT;
		*LCA_IFIELD(m, &scomm_lca_int_fields[i]) = (int) v;
	}
	m->seed = scomm_get_u64(c);
	if (m->format == 2)
	{
		size_t		nb;
		uint32_t	ncov = scomm_get_u32(c);
		scomm_status st;

		if (c->status != SCOMM_OK || ncov > SCOMM_LCA_MAX_COVARIATES)
			return SCOMM_ECORRUPT;
		if ((st = scomm_lca_model_alloc_v2(m, (int) ncov)) != SCOMM_OK)
			return st;
		m->accelerated = (int) (scomm_get_u32(c) & 0x7fffffff);
		m->starts_stopped = (int) (scomm_get_u32(c) & 0x7fffffff);
		nb = (size_t) (m->nclass - 1) * (m->ncov + 1);
		if (c->status != SCOMM_OK || c->len - c->pos != 8 * (m->nclass +
															  (size_t) m->nclass * m->ncat_total + 2 * nb))
			return SCOMM_ECORRUPT;
		GetDoubles(c, m->share_se, m->nclass);
		GetDoubles(c, m->probs_se, (size_t) m->nclass * m->ncat_total);
		GetDoubles(c, m->coef, nb);
		GetDoubles(c, m->coef_se, nb);
	}
	scomm_expect_end(c);
	if (c->status != SCOMM_OK)
		return c->status;
	return scomm_lca_model_check(m);
}

/* Decode a model from its binary form. */
scomm_status
scomm_lca_model_from_bytes(const unsigned char *buf, size_t len,
						   scomm_lca_model **out)
{
	ScommCursor	c = {buf, len, 0, SCOMM_OK};
	int			ncat[SCOMM_LCA_MAX_ITEMS];
	uint32_t	nitems,
				nclass;
	size_t		total = 0,
				need;
	uint32_t	j;
	unsigned	version;
	scomm_status st;

	*out = NULL;
	if (buf == NULL)
		return SCOMM_EINVAL;
	version = scomm_get_u8(&c);
	if (version != 1 && version != 2)
		return SCOMM_ECORRUPT;
	nitems = scomm_get_u32(&c);
	nclass = scomm_get_u32(&c);
	if (c.status != SCOMM_OK || nitems < 1 || nitems > SCOMM_LCA_MAX_ITEMS ||
		nclass < 1 || nclass > SCOMM_LCA_MAX_CLASSES)
		return SCOMM_ECORRUPT;
	for (j = 0; j < nitems; j++)
		total += (size_t) (ncat[j] = (int) scomm_get_u8(&c));
	need = 8 * (3 * (size_t) nclass + nclass * total +
				scomm_lca_ndouble_fields + 1) + 4 * scomm_lca_nint_fields;
	if (c.status != SCOMM_OK || (version == 1 ? len - c.pos != need : len - c.pos < need + 12))
		return SCOMM_ECORRUPT;
	if ((st = scomm_lca_model_alloc(nitems, nclass, ncat, out)) != SCOMM_OK)
		return st;
	(*out)->format = (int) version;
	if ((st = DecodeBody(&c, *out)) != SCOMM_OK)
	{
		scomm_lca_model_free(*out);
		*out = NULL;
	}
	return st;
}
