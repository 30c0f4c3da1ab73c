/*
 * traj_model_codec.c: binary encoding of a fitted trajectory model.
 *
 * Big-endian; doubles as IEEE-754 bit patterns.  Version 1 (scomm 1.0;
 * families poisson, zip, cnorm, no covariates):
 *
 *   uint8 version (1) | uint8 family | uint32 K | uint32 degree |
 *   uint32 ntimes | binary64 share[K], beta[K (d + 1)], extra[K],
 *   vcov[npar^2], avepp[K], occ[K], assigned[K], times[ntimes] |
 *   binary64 tcenter, tscale, lower, upper, loglik, bic, aic, units, nobs,
 *   tol | uint32 npar, iterations, converged, starts, starts_at_best,
 *   starts_failed, max_iter | uint64 seed
 *
 * Version 2 (any family, covariates of membership):
 *
 *   uint8 version (2) | uint8 family | uint32 K | uint32 degree |
 *   uint32 ntimes | uint32 ncov | binary64 share[K], beta[K (d + 1)],
 *   extra[K max(1, nextra)], gamma[(K - 1) (ncov + 1) if ncov > 0],
 *   vcov[npar^2], avepp[K], occ[K], assigned[K], times[ntimes] | binary64
 *   tcenter, tscale, lower, upper, loglik, bic, aic, units, nobs, tol,
 *   units_left_out | the uint32 fields and the seed as in version 1
 *
 * The encoder writes version 1 whenever the model fits in it.  The length
 * must match exactly and the model must pass scomm_traj_model_check.
 */
#include "traj_int.h"

/* the arrays of a model in encoding order, with their lengths */
typedef struct ModelArray
{
	double	   *v;
	size_t		n;
} ModelArray;

#define NARRAYS 9

static int
Arrays(const scomm_traj_model *m, ModelArray *a)
{
	size_t		K = m->ngroups;

	a[0] = (ModelArray) {m->share, K};
	a[1] = (ModelArray) {m->beta, K * (m->degree + 1)};
	a[2] = (ModelArray) {m->extra, scomm_traj_model_nextra_values(m)};
	a[3] = (ModelArray) {m->gamma, scomm_traj_model_ngamma(m)};
	a[4] = (ModelArray) {m->vcov, (size_t) m->npar * m->npar};
	a[5] = (ModelArray) {m->avepp, K};
	a[6] = (ModelArray) {m->occ, K};
	a[7] = (ModelArray) {m->assigned, K};
	a[8] = (ModelArray) {m->times, (size_t) m->ntimes};
	return NARRAYS;
}

/* the format version a model needs: 1 unless it has what 1.0 did not know */
int
scomm_traj_model_version(const scomm_traj_model *m)
{
	return (int) m->family < SCOMM_TRAJ_V1_FAMILIES && m->ncov == 0 ? 1 : 2;
}

scomm_status
scomm_traj_model_to_bytes(const scomm_traj_model *m, unsigned char **out,
						  size_t *len)
{
	ScommBuf		b = {0};
	ModelArray	a[NARRAYS];
	int			na,
				i,
				version;
	size_t		j;

	*out = NULL;
	*len = 0;
	if (m == NULL || scomm_traj_model_check(m) != SCOMM_OK)
		return SCOMM_EINVAL;
	version = scomm_traj_model_version(m);
	scomm_buf_u8(&b, (unsigned) version);
	scomm_buf_u8(&b, (unsigned) m->family);
	scomm_buf_u32(&b, (uint32_t) m->ngroups);
	scomm_buf_u32(&b, (uint32_t) m->degree);
	scomm_buf_u32(&b, (uint32_t) m->ntimes);
	if (version >= 2)
		scomm_buf_u32(&b, (uint32_t) m->ncov);
	na = Arrays(m, a);
	for (i = 0; i < na; i++)
		for (j = 0; j < a[i].n; j++)
			scomm_buf_f64(&b, a[i].v[j]);
	for (i = 0; i < (version >= 2 ? scomm_traj_ndouble_fields : scomm_traj_ndouble_fields_v1); i++)
		scomm_buf_f64(&b, *TRAJ_DFIELD(m, &scomm_traj_double_fields[i]));
	for (i = 0; i < scomm_traj_nint_fields; i++)
		scomm_buf_u32(&b, (uint32_t) *TRAJ_IFIELD(m, &scomm_traj_int_fields[i]));
	scomm_buf_u64(&b, m->seed);
	return scomm_buf_finish(&b, 0, out, len);
}

scomm_status
scomm_traj_model_from_bytes(const unsigned char *buf, size_t len,
							scomm_traj_model **out)
{
	ScommCursor	c = {buf, len, 0, SCOMM_OK};
	scomm_traj_model *m = NULL;
	ModelArray	a[NARRAYS];
	unsigned	family,
				version;
	uint32_t	K,
				degree,
				ntimes,
				ncov = 0;
	size_t		need,
				j;
	int			na,
				i,
				ndouble;
	scomm_status st;

	*out = NULL;
	if (buf == NULL)
		return SCOMM_EINVAL;
	version = scomm_get_u8(&c);
	if (version < 1 || version > SCOMM_TRAJ_MODEL_VERSION)
		return SCOMM_ECORRUPT;
	family = scomm_get_u8(&c);
	K = scomm_get_u32(&c);
	degree = scomm_get_u32(&c);
	ntimes = scomm_get_u32(&c);
	if (version >= 2)
		ncov = scomm_get_u32(&c);
	if (c.status != SCOMM_OK || family >= SCOMM_TRAJ_NFAMILIES || K < 1 ||
		K > SCOMM_TRAJ_MAX_GROUPS || degree > SCOMM_TRAJ_MAX_DEGREE ||
		ntimes < 1 || ntimes > SCOMM_TRAJ_MAX_CURVE_POINTS ||
		ncov > SCOMM_TRAJ_MAX_COVARIATES ||
		(version == 1 && family >= SCOMM_TRAJ_V1_FAMILIES))
		return SCOMM_ECORRUPT;
	st = scomm_traj_model_alloc((scomm_traj_family) family, (int) K, (int) degree,
								(int) ntimes, (int) ncov, &m);
	if (st != SCOMM_OK)
		return st;
	/* one encoding per model: version 2 only for what version 1 cannot hold */
	if ((int) version != scomm_traj_model_version(m))
	{
		scomm_traj_model_free(m);
		return SCOMM_ECORRUPT;
	}
	ndouble = version >= 2 ? scomm_traj_ndouble_fields : scomm_traj_ndouble_fields_v1;
	na = Arrays(m, a);
	need = 0;
	for (i = 0; i < na; i++)
		need += a[i].n * 8;
	need += ndouble * 8 + scomm_traj_nint_fields * 4 + 8;
	if (len - c.pos != need)
	{
		scomm_traj_model_free(m);
		return SCOMM_ECORRUPT;
	}
	for (i = 0; i < na; i++)
		for (j = 0; j < a[i].n; j++)
			a[i].v[j] = scomm_get_f64(&c);
	for (i = 0; i < ndouble; i++)
		*TRAJ_DFIELD(m, &scomm_traj_double_fields[i]) = scomm_get_f64(&c);
	for (i = 0; i < scomm_traj_nint_fields; i++)
	{
		uint32_t	v = scomm_get_u32(&c);

		if (v > INT32_MAX)
			c.status = SCOMM_ECORRUPT;
		*TRAJ_IFIELD(m, &scomm_traj_int_fields[i]) = (int) v;
	}
	m->seed = scomm_get_u64(&c);
	scomm_expect_end(&c);
	st = c.status != SCOMM_OK ? c.status : scomm_traj_model_check(m);
	if (st != SCOMM_OK)
		scomm_traj_model_free(m);
	else
		*out = m;
	return st;
}
