/*
 * lca_model_text.c: text encoding of a fitted model.
 *
 * {lca=1;J=4;R=2;K=2,2,2,2;share=0.72,0.28;probs=a,b/c,d/...|...;
 *  modal_share=..;avepp=..;loglik=..;...;seed=..}
 *
 * (one line, no white space).  Lists are comma-separated; in probs the items
 * of a class are separated by '/', the classes by '|'.  Doubles are written
 * with the fewest digits that read back exactly; NaN is "NaN" (only where a
 * statistic may be undefined).  The fields come in a fixed order and the
 * decoded model must pass scomm_lca_model_check.
 */
#include "lca_int.h"

/* Write "name=" and count doubles separated by commas. */
static void
PutList(ScommBuf *b, const char *name, const double *v, int count)
{
	int			i;

	scomm_buf_str(b, name);
	for (i = 0; i < count; i++)
	{
		if (i > 0)
			scomm_buf_u8(b, ',');
		scomm_buf_double(b, v[i]);
	}
}

/* Write the response probabilities. */
static void
PutProbs(ScommBuf *b, const scomm_lca_model *m)
{
	int			r,
				j,
				off;

	scomm_buf_str(b, ";probs=");
	for (r = 0; r < m->nclass; r++)
	{
		if (r > 0)
			scomm_buf_u8(b, '|');
		for (j = 0, off = 0; j < m->nitems; off += m->ncat[j], j++)
			PutList(b, j > 0 ? "/" : "",
					m->probs + (size_t) r * m->ncat_total + off, m->ncat[j]);
	}
}

/* Write the scalar fields and the seed. */
static void
PutScalars(ScommBuf *b, const scomm_lca_model *m)
{
	int			i;

	for (i = 0; i < scomm_lca_ndouble_fields; i++)
	{
		scomm_buf_u8(b, ';');
		scomm_buf_str(b, scomm_lca_double_fields[i].name);
		scomm_buf_u8(b, '=');
		scomm_buf_double(b, *LCA_DFIELD(m, &scomm_lca_double_fields[i]));
	}
	for (i = 0; i < scomm_lca_nint_fields; i++)
	{
		scomm_buf_u8(b, ';');
		scomm_buf_str(b, scomm_lca_int_fields[i].name);
		scomm_buf_u8(b, '=');
		scomm_buf_long(b, *LCA_IFIELD(m, &scomm_lca_int_fields[i]));
	}
	scomm_buf_str(b, ";seed=");
	scomm_buf_ulong(b, m->seed);
}

/* Encode a model in its text form (NUL-terminated, *len without the NUL). */
scomm_status
scomm_lca_model_to_text(const scomm_lca_model *m, char **out, size_t *len)
{
	ScommBuf		b = {0};
	int			j;

	*out = NULL;
	*len = 0;
	if (m == NULL || scomm_lca_model_check(m) != SCOMM_OK)
		return SCOMM_EINVAL;
	scomm_buf_str(&b, "{lca=1;J=");
	scomm_buf_long(&b, m->nitems);
	scomm_buf_str(&b, ";R=");
	scomm_buf_long(&b, m->nclass);
	scomm_buf_str(&b, ";K=");
	for (j = 0; j < m->nitems; j++)
	{
		if (j > 0)
			scomm_buf_u8(&b, ',');
		scomm_buf_long(&b, m->ncat[j]);
	}
	PutList(&b, ";share=", m->share, m->nclass);
	PutProbs(&b, m);
	PutList(&b, ";modal_share=", m->modal_share, m->nclass);
	PutList(&b, ";avepp=", m->avepp, m->nclass);
	PutScalars(&b, m);
	scomm_buf_u8(&b, '}');
	return scomm_buf_finish(&b, 1, (unsigned char **) out, len);
}

/* Read "name=" and count comma-separated doubles. */
static void
GetList(ScommCursor *c, const char *name, double *v, int count, int nan_ok)
{
	int			i;

	scomm_expect(c, name);
	for (i = 0; i < count; i++)
	{
		if (i > 0)
			scomm_expect(c, ",");
		v[i] = scomm_read_double(c, nan_ok);
	}
}

/* Read the response probabilities. */
static void
GetProbs(ScommCursor *c, scomm_lca_model *m)
{
	int			r,
				j,
				off;

	scomm_expect(c, ";probs=");
	for (r = 0; r < m->nclass; r++)
	{
		if (r > 0)
			scomm_expect(c, "|");
		for (j = 0, off = 0; j < m->nitems; off += m->ncat[j], j++)
			GetList(c, j > 0 ? "/" : "",
					m->probs + (size_t) r * m->ncat_total + off, m->ncat[j], 0);
	}
}

/* Read the scalar fields, the seed and the closing brace. */
static void
GetScalars(ScommCursor *c, scomm_lca_model *m)
{
	int			i;

	for (i = 0; i < scomm_lca_ndouble_fields; i++)
	{
		const LcaField *f = &scomm_lca_double_fields[i];

		scomm_expect(c, ";");
		scomm_expect(c, f->name);
		scomm_expect(c, "=");
		*LCA_DFIELD(m, f) = scomm_read_double(c, f->nan_ok);
	}
	for (i = 0; i < scomm_lca_nint_fields; i++)
	{
		scomm_expect(c, ";");
		scomm_expect(c, scomm_lca_int_fields[i].name);
		scomm_expect(c, "=");
		*LCA_IFIELD(m, &scomm_lca_int_fields[i]) =
			(int) scomm_read_uint(c, 0x7fffffff);
	}
	scomm_expect(c, ";seed=");
	m->seed = scomm_read_uint(c, UINT64_MAX);
	scomm_expect(c, "}");
	scomm_expect_end(c);
}

/* Read the header up to the categories; 0 on error. */
static int
GetHeader(ScommCursor *c, int *nitems, int *nclass, int *ncat, size_t *total)
{
	int			j;

	scomm_expect(c, "{lca=1;J=");
	*nitems = (int) scomm_read_uint(c, SCOMM_LCA_MAX_ITEMS);
	scomm_expect(c, ";R=");
	*nclass = (int) scomm_read_uint(c, SCOMM_LCA_MAX_CLASSES);
	scomm_expect(c, ";K=");
	*total = 0;
	for (j = 0; j < *nitems && c->status == SCOMM_OK; j++)
	{
		if (j > 0)
			scomm_expect(c, ",");
		ncat[j] = (int) scomm_read_uint(c, SCOMM_LCA_MAX_CATEGORY);
		*total += ncat[j];
	}
	/* every probability takes at least two characters: refuse early */
	return c->status == SCOMM_OK && *nitems >= 1 && *nclass >= 1 &&
		c->len - c->pos >= 2 * (size_t) *nclass * *total;
}

/* Decode a model from its text form (len bytes, no terminator needed). */
scomm_status
scomm_lca_model_from_text(const char *s, size_t len, scomm_lca_model **out)
{
	ScommCursor	c = {(const unsigned char *) s, len, 0, SCOMM_OK};
	int			ncat[SCOMM_LCA_MAX_ITEMS];
	int			nitems,
				nclass;
	size_t		total;
	scomm_lca_model *m;
	scomm_status st;

	*out = NULL;
	if (s == NULL)
		return SCOMM_EINVAL;
	if (!GetHeader(&c, &nitems, &nclass, ncat, &total))
		return SCOMM_ECORRUPT;
	if ((st = scomm_lca_model_alloc(nitems, nclass, ncat, &m)) != SCOMM_OK)
		return st;
	GetList(&c, ";share=", m->share, nclass, 0);
	GetProbs(&c, m);
	GetList(&c, ";modal_share=", m->modal_share, nclass, 0);
	GetList(&c, ";avepp=", m->avepp, nclass, 1);
	GetScalars(&c, m);
	st = c.status != SCOMM_OK ? c.status : scomm_lca_model_check(m);
	if (st != SCOMM_OK)
		scomm_lca_model_free(m);
	else
		*out = m;
	return st;
}
