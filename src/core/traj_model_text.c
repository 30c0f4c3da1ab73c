/*
 * traj_model_text.c: text encoding of a fitted trajectory model (one line,
 * no white space, fields in this fixed order):
 *
 *   {traj=1;family=poisson;K=2;degree=2;ntimes=5;share=..;beta=b,b,b|b,b,b;
 *    extra=..;vcov=v,v,..|v,v,..;avepp=..;occ=..;assigned=..;times=..;
 *    tcenter=..;tscale=..;lower=..;upper=..;loglik=..;bic=..;aic=..;units=..;
 *    nobs=..;tol=..;npar=..;iterations=..;converged=..;starts=..;
 *    starts_at_best=..;starts_failed=..;max_iter=..;seed=..}
 *
 * Version 2 (what version 1 cannot hold: the families nbinom and zinb,
 * covariates of membership) begins {traj=2;..., has ";covariates=C" after
 * ntimes, "gamma=" (C > 0 and K > 1 only) after extra, and "units_left_out="
 * after tol.
 *
 * Lists are comma-separated; in beta '|' separates groups, in vcov rows, in
 * extra groups (zinb: two values per group) and in gamma groups.
 * Doubles are written with the fewest digits that read back exactly; NaN,
 * Infinity and -Infinity only where a field may hold them (vcov, avepp, occ,
 * lower, upper).  The decoded model must pass scomm_traj_model_check.
 */
#include "traj_int.h"

/* Write "name=" and count doubles, sep between every width of them. */
static void
PutList(ScommBuf *b, const char *name, const double *v, size_t count,
		size_t width)
{
	size_t		i;

	scomm_buf_str(b, name);
	for (i = 0; i < count; i++)
	{
		if (i > 0)
			scomm_buf_u8(b, i % width == 0 ? '|' : ',');
		scomm_buf_double(b, v[i]);
	}
}

scomm_status
scomm_traj_model_to_text(const scomm_traj_model *m, char **out, size_t *len)
{
	ScommBuf		b = {0};
	size_t		K,
				np,
				nx;
	int			i,
				version;

	*out = NULL;
	*len = 0;
	if (m == NULL || scomm_traj_model_check(m) != SCOMM_OK)
		return SCOMM_EINVAL;
	K = m->ngroups;
	np = m->npar;
	nx = scomm_traj_model_nextra_values(m);
	version = scomm_traj_model_version(m);
	scomm_buf_str(&b, version >= 2 ? "{traj=2;family=" : "{traj=1;family=");
	scomm_buf_str(&b, scomm_traj_family_name(m->family));
	scomm_buf_str(&b, ";K=");
	scomm_buf_long(&b, m->ngroups);
	scomm_buf_str(&b, ";degree=");
	scomm_buf_long(&b, m->degree);
	scomm_buf_str(&b, ";ntimes=");
	scomm_buf_long(&b, m->ntimes);
	if (version >= 2)
	{
		scomm_buf_str(&b, ";covariates=");
		scomm_buf_long(&b, m->ncov);
	}
	PutList(&b, ";share=", m->share, K, K);
	PutList(&b, ";beta=", m->beta, K * (m->degree + 1), m->degree + 1);
	PutList(&b, ";extra=", m->extra, nx, m->nextra > 1 ? (size_t) m->nextra : nx);
	if (scomm_traj_model_ngamma(m) > 0)
		PutList(&b, ";gamma=", m->gamma, scomm_traj_model_ngamma(m), m->ncov + 1);
	PutList(&b, ";vcov=", m->vcov, np * np, np);
	PutList(&b, ";avepp=", m->avepp, K, K);
	PutList(&b, ";occ=", m->occ, K, K);
	PutList(&b, ";assigned=", m->assigned, K, K);
	PutList(&b, ";times=", m->times, m->ntimes, m->ntimes);
	for (i = 0; i < (version >= 2 ? scomm_traj_ndouble_fields : scomm_traj_ndouble_fields_v1); i++)
	{
		scomm_buf_u8(&b, ';');
		scomm_buf_str(&b, scomm_traj_double_fields[i].name);
		scomm_buf_u8(&b, '=');
		scomm_buf_double(&b, *TRAJ_DFIELD(m, &scomm_traj_double_fields[i]));
	}
	for (i = 0; i < scomm_traj_nint_fields; i++)
	{
		scomm_buf_u8(&b, ';');
		scomm_buf_str(&b, scomm_traj_int_fields[i].name);
		scomm_buf_u8(&b, '=');
		scomm_buf_long(&b, *TRAJ_IFIELD(m, &scomm_traj_int_fields[i]));
	}
	scomm_buf_str(&b, ";seed=");
	scomm_buf_ulong(&b, m->seed);
	scomm_buf_u8(&b, '}');
	return scomm_buf_finish(&b, 1, (unsigned char **) out, len);
}

/* Read "name=" and count doubles, sep between every width of them. */
static void
GetList(ScommCursor *c, const char *name, double *v, size_t count, size_t width,
		int special)
{
	size_t		i;

	scomm_expect(c, name);
	for (i = 0; i < count && c->status == SCOMM_OK; i++)
	{
		if (i > 0)
			scomm_expect(c, i % width == 0 ? "|" : ",");
		v[i] = scomm_read_double(c, special);
	}
}

/* Read the family name up to ';'. */
static scomm_traj_family
GetFamily(ScommCursor *c)
{
	size_t		n = 0;
	scomm_traj_family f = SCOMM_TRAJ_POISSON;

	while (c->status == SCOMM_OK && c->pos + n < c->len && c->s[c->pos + n] != ';')
		n++;
	if (c->status == SCOMM_OK &&
		scomm_traj_family_parse((const char *) c->s + c->pos, n, &f) != SCOMM_OK)
		c->status = SCOMM_ECORRUPT;
	c->pos += c->status == SCOMM_OK ? n : 0;
	return f;
}

scomm_status
scomm_traj_model_from_text(const char *s, size_t len, scomm_traj_model **out)
{
	ScommCursor	c = {(const unsigned char *) s, len, 0, SCOMM_OK};
	scomm_traj_model *m = NULL;
	scomm_traj_family family;
	int			K,
				degree,
				ntimes,
				ncov = 0,
				version,
				ndouble,
				i;
	size_t		np,
				nx;
	scomm_status st;

	*out = NULL;
	if (s == NULL)
		return SCOMM_EINVAL;
	scomm_expect(&c, "{traj=");
	version = (int) scomm_read_uint(&c, SCOMM_TRAJ_MODEL_VERSION);
	scomm_expect(&c, ";family=");
	family = GetFamily(&c);
	scomm_expect(&c, ";K=");
	K = (int) scomm_read_uint(&c, SCOMM_TRAJ_MAX_GROUPS);
	scomm_expect(&c, ";degree=");
	degree = (int) scomm_read_uint(&c, SCOMM_TRAJ_MAX_DEGREE);
	scomm_expect(&c, ";ntimes=");
	ntimes = (int) scomm_read_uint(&c, SCOMM_TRAJ_MAX_CURVE_POINTS);
	if (version >= 2)
	{
		scomm_expect(&c, ";covariates=");
		ncov = (int) scomm_read_uint(&c, SCOMM_TRAJ_MAX_COVARIATES);
	}
	if (c.status != SCOMM_OK || version < 1 || K < 1 || ntimes < 1)
		return SCOMM_ECORRUPT;
	if ((st = scomm_traj_model_alloc(family, K, degree, ntimes, ncov, &m)) != SCOMM_OK)
		return st;
	if (version != scomm_traj_model_version(m))
	{
		scomm_traj_model_free(m);
		return SCOMM_ECORRUPT;
	}
	np = m->npar;
	nx = scomm_traj_model_nextra_values(m);
	ndouble = version >= 2 ? scomm_traj_ndouble_fields : scomm_traj_ndouble_fields_v1;
	GetList(&c, ";share=", m->share, K, K, 0);
	GetList(&c, ";beta=", m->beta, (size_t) K * (degree + 1), degree + 1, 0);
	GetList(&c, ";extra=", m->extra, nx, m->nextra > 1 ? (size_t) m->nextra : nx, 0);
	if (scomm_traj_model_ngamma(m) > 0)
		GetList(&c, ";gamma=", m->gamma, scomm_traj_model_ngamma(m), ncov + 1, 0);
	GetList(&c, ";vcov=", m->vcov, np * np, np, 1);
	GetList(&c, ";avepp=", m->avepp, K, K, 1);
	GetList(&c, ";occ=", m->occ, K, K, 1);
	GetList(&c, ";assigned=", m->assigned, K, K, 0);
	GetList(&c, ";times=", m->times, ntimes, ntimes, 0);
	for (i = 0; i < ndouble; i++)
	{
		const TrajField *f = &scomm_traj_double_fields[i];

		scomm_expect(&c, ";");
		scomm_expect(&c, f->name);
		scomm_expect(&c, "=");
		*TRAJ_DFIELD(m, f) = scomm_read_double(&c, f->nan_ok);
	}
	for (i = 0; i < scomm_traj_nint_fields; i++)
	{
		scomm_expect(&c, ";");
		scomm_expect(&c, scomm_traj_int_fields[i].name);
		scomm_expect(&c, "=");
		*TRAJ_IFIELD(m, &scomm_traj_int_fields[i]) =
			(int) scomm_read_uint(&c, INT32_MAX);
	}
	scomm_expect(&c, ";seed=");
	m->seed = scomm_read_uint(&c, UINT64_MAX);
	scomm_expect(&c, "}");
	scomm_expect_end(&c);
	st = c.status != SCOMM_OK ? c.status : scomm_traj_model_check(m);
	if (st != SCOMM_OK)
		scomm_traj_model_free(m);
	else
		*out = m;
	return st;
}
