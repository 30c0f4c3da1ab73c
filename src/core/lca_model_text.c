/*
 * lca_model_text.c: text encoding of a fitted model.
 *
 * {lca=1;J=4;R=2;K=2,2,2,2;share=0.72,0.28;probs=a,b/c,d/...|...;
 *  modal_share=..;avepp=..;loglik=..;...;seed=..}
 *
 * and in format 2 (scomm 1.1) "lca=2", ";P=.." after K, and after the seed
 * ;share_se=..;probs_se=..(as probs);coef=..;coef_se=..;accelerated=0|1;
 * starts_stopped=..
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

/* Write the response probabilities (or their standard errors). */
static void
PutProbs(ScommBuf *b, const scomm_lca_model *m, const char *name,
		 const double *probs)
{
	int			r,
				j,
				off;

	scomm_buf_str(b, name);
	for (r = 0; r < m->nclass; r++)
	{
		if (r > 0)
			scomm_buf_u8(b, '|');
		for (j = 0, off = 0; j < m->nitems; off += m->ncat[j], j++)
			PutList(b, j > 0 ? "/" : "",
					probs + (size_t) r * m->ncat_total + off, m->ncat[j]);
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
	scomm_buf_str(&b, m->format == 2 ? "{lca=2;J=" : "{lca=1;J=");
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
	if (m->format == 2)
	{
		scomm_buf_str(&b, ";P=");
		scomm_buf_long(&b, m->ncov);
	}
	PutList(&b, ";share=", m->share, m->nclass);
	PutProbs(&b, m, ";probs=", m->probs);
	PutList(&b, ";modal_share=", m->modal_share, m->nclass);
	PutList(&b, ";avepp=", m->avepp, m->nclass);
	PutScalars(&b, m);
	if (m->format == 2)
	{
		int			nb = (m->nclass - 1) * (m->ncov + 1);

		PutList(&b, ";share_se=", m->share_se, m->nclass);
		PutProbs(&b, m, ";probs_se=", m->probs_se);
		PutList(&b, ";coef=", m->coef, nb);
		PutList(&b, ";coef_se=", m->coef_se, nb);
		scomm_buf_str(&b, ";accelerated=");
		scomm_buf_long(&b, m->accelerated);
		scomm_buf_str(&b, ";starts_stopped=");
		scomm_buf_long(&b, m->starts_stopped);
	}
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

/* Read the response probabilities (or their standard errors). */
static void
GetProbs(ScommCursor *c, scomm_lca_model *m, const char *name, double *probs,
		 int nan_ok)
{
	int			r,
				j,
				off;

	scomm_expect(c, name);
	for (r = 0; r < m->nclass; r++)
	{
		if (r > 0)
			scomm_expect(c, "|");
		for (j = 0, off = 0; j < m->nitems; off += m->ncat[j], j++)
			GetList(c, j > 0 ? "/" : "",
					probs + (size_t) r * m->ncat_total + off, m->ncat[j], nan_ok);
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
}

/* Read the fields of format 2 after the seed (arrays allocated). */
static void
GetFormat2(ScommCursor *c, scomm_lca_model *m)
{
	int			nb = (m->nclass - 1) * (m->ncov + 1);

	GetList(c, ";share_se=", m->share_se, m->nclass, 1);
	GetProbs(c, m, ";probs_se=", m->probs_se, 1);
	GetList(c, ";coef=", m->coef, nb, 0);
	GetList(c, ";coef_se=", m->coef_se, nb, 1);
	scomm_expect(c, ";accelerated=");
	m->accelerated = (int) scomm_read_uint(c, 1);
	scomm_expect(c, ";starts_stopped=");
	m->starts_stopped = (int) scomm_read_uint(c, 0x7fffffff);
}

/* Read the header up to the categories (and P); 0 on error. */
static int
GetHeader(ScommCursor *c, int *format, int *nitems, int *nclass, int *ncat,
		  size_t *total, int *ncov)
{
	int			j;

	scomm_expect(c, "{lca=");
	*format = (int) scomm_read_uint(c, 2);
	scomm_expect(c, ";J=");
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
	*ncov = 0;
	if (*format == 2)
	{
		scomm_expect(c, ";P=");
		*ncov = (int) scomm_read_uint(c, SCOMM_LCA_MAX_COVARIATES);
	}
	/* every probability takes at least two characters: refuse early */
	return c->status == SCOMM_OK && *format >= 1 && *nitems >= 1 &&
		*nclass >= 1 && c->len - c->pos >= 2 * (size_t) *nclass * *total;
}

/* Decode a model from its text form (len bytes, no terminator needed). */
scomm_status
scomm_lca_model_from_text(const char *s, size_t len, scomm_lca_model **out)
{
	ScommCursor	c = {(const unsigned char *) s, len, 0, SCOMM_OK};
	int			ncat[SCOMM_LCA_MAX_ITEMS];
	int			format,
				nitems,
				nclass,
				ncov;
	size_t		total;
	scomm_lca_model *m;
	scomm_status st;

	*out = NULL;
	if (s == NULL)
		return SCOMM_EINVAL;
	if (!GetHeader(&c, &format, &nitems, &nclass, ncat, &total, &ncov))
		return SCOMM_ECORRUPT;
	if ((st = scomm_lca_model_alloc(nitems, nclass, ncat, &m)) != SCOMM_OK)
		return st;
	if (format == 2 && (st = scomm_lca_model_alloc_v2(m, ncov)) != SCOMM_OK)
	{
		scomm_lca_model_free(m);
		return st;
	}
	GetList(&c, ";share=", m->share, nclass, 0);
	GetProbs(&c, m, ";probs=", m->probs, 0);
	GetList(&c, ";modal_share=", m->modal_share, nclass, 0);
	GetList(&c, ";avepp=", m->avepp, nclass, 1);
	GetScalars(&c, m);
	if (format == 2)
		GetFormat2(&c, m);
	scomm_expect(&c, "}");
	scomm_expect_end(&c);
	st = c.status != SCOMM_OK ? c.status : scomm_lca_model_check(m);
	if (st != SCOMM_OK)
		scomm_lca_model_free(m);
	else
		*out = m;
	return st;
}
