/*
 * lca_glue.c: the helpers that the latent class glue files share
 * (response_patterns.c, lca_sql.c, lca_tests_sql.c): the core status of a
 * latent class call as an ERROR, reading an items array and a covariates
 * array, and shortening a long input string for an error message.
 *
 * They live here, not in one of their users, so that the users depend on
 * this file and not on each other in a cycle: lca_sql.c and lca_tests_sql.c
 * may use response_patterns.c (the pattern table of a datum), never the
 * reverse.
 */
#include "postgres.h"

#include <math.h>

#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "compat.h"
#include "core_status.h"
#include "lca_glue.h"

void
lca_check_status(scomm_status st, const char *what)
{
	if (st == SCOMM_OK)
		return;
	ScommRaiseCommon(st, what);
	switch (st)
	{
		case SCOMM_EEMPTY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("no row has an observed item"),
					 errdetail("Failed while %s.", what)));
			break;
		case SCOMM_ENOCONV:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("every random start collapsed (a class lost all its weight)"),
					 errdetail("Failed while %s.", what),
					 errhint("Fit fewer classes, or try more starts or another seed.")));
			break;
		case SCOMM_ECORRUPT:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("invalid stored value"),
					 errdetail("Failed while %s.", what)));
			break;
		case SCOMM_EINVAL:
		case SCOMM_ESINGULAR:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid argument: %s", scomm_status_message(st)),
					 errdetail("Failed while %s.", what)));
			break;
		default:
			break;
	}
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("unexpected status %d while %s", (int) st, what)));
}

/* Report the first element of data (no NULLs) outside 1..255. */
static void
CategoryOutOfRange(const char *data, const bits8 *bitmap, int n)
{
	int			j;

	for (j = 0; j < n; j++)
	{
		int32		v;

		if (bitmap != NULL && !(bitmap[j >> 3] & (1 << (j & 7))))
			continue;
		memcpy(&v, data, sizeof(v));
		data += sizeof(v);
		if (v < 1 || v > SCOMM_LCA_MAX_CATEGORY)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("category %d of item %d is out of range", v, j + 1),
					 errhint("Categories are 1 to %d; write a missing answer as NULL.",
							 SCOMM_LCA_MAX_CATEGORY)));
	}
}

/*
 * The array is read where it lies, also when it is stored with a short
 * (1-byte) header and therefore unaligned: the header fields and elements
 * are copied out with memcpy, so a small inline array costs no palloc.
 */
int
lca_read_items(Datum d, unsigned char *answers)
{
	struct varlena *raw = (struct varlena *) DatumGetPointer(d);
	const char *body;
	const char *data;
	const bits8 *bitmap;
	int32		ndim,
				dataoffset,
				n;
	uint32		bad = 0;
	int			j;

	if (VARATT_IS_EXTERNAL(raw) || VARATT_IS_COMPRESSED(raw))
		raw = (struct varlena *) DatumGetArrayTypeP(d);
	/* body + (offset - VARHDRSZ) is the field at offset of an ArrayType */
	body = VARDATA_ANY(raw);
	memcpy(&ndim, body + offsetof(ArrayType, ndim) - VARHDRSZ, sizeof(int32));
	memcpy(&dataoffset, body + offsetof(ArrayType, dataoffset) - VARHDRSZ, sizeof(int32));
	if (ndim == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("response pattern has no items"),
				 errhint("Pass the answers as an int[] with one element per item.")));
	if (ndim != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("response pattern must be a one-dimensional array, not %d-dimensional", ndim)));
	memcpy(&n, body + sizeof(ArrayType) - VARHDRSZ, sizeof(int32));
	if (n > SCOMM_LCA_MAX_ITEMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("response pattern has %d items; at most %d are supported", n, SCOMM_LCA_MAX_ITEMS)));
	if (dataoffset == 0)
	{
		/* no NULLs: one pass, range checked all at once */
		data = body + ARR_OVERHEAD_NONULLS(1) - VARHDRSZ;
		for (j = 0; j < n; j++)
		{
			int32		v;

			memcpy(&v, data + j * sizeof(int32), sizeof(int32));
			bad |= (uint32) v - 1u > (uint32) (SCOMM_LCA_MAX_CATEGORY - 1);
			answers[j] = (unsigned char) v;
		}
		if (bad)
			CategoryOutOfRange(data, NULL, n);
		return n;
	}
	bitmap = (const bits8 *) (body + sizeof(ArrayType) + 2 * sizeof(int) - VARHDRSZ);
	data = body + dataoffset - VARHDRSZ;
	{
		const char *p = data;

		for (j = 0; j < n; j++)
		{
			int32		v;

			if (!(bitmap[j >> 3] & (1 << (j & 7))))
			{
				answers[j] = 0;
				continue;
			}
			memcpy(&v, p, sizeof(int32));
			p += sizeof(int32);
			bad |= (uint32) v - 1u > (uint32) (SCOMM_LCA_MAX_CATEGORY - 1);
			answers[j] = (unsigned char) v;
		}
	}
	if (bad)
		CategoryOutOfRange(data, bitmap, n);
	return n;
}

int
lca_read_covariates(Datum d, double *cov)
{
	ArrayType  *a = DatumGetArrayTypeP(d);
	int			n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	const double *v = (const double *) ARR_DATA_PTR(a);
	int			k;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("covariates must be a one-dimensional array, not %d-dimensional", ARR_NDIM(a))));
	if (n > SCOMM_LCA_MAX_COVARIATES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%d covariates given; at most %d are supported", n, SCOMM_LCA_MAX_COVARIATES)));
	if (ARR_HASNULL(a))
		return -1;
	for (k = 0; k < n; k++)
	{
		if (!isfinite(v[k]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("covariate %d is %s", k + 1, float8out_internal(v[k])),
					 errhint("Covariates must be finite numbers; write an unknown value as NULL (the row is then left out and counted).")));
		cov[k] = v[k];
	}
	return n;
}

char *
lca_quote_input(const char *s)
{
	size_t		len = strlen(s);

	if (len <= 80)
		return pstrdup(s);
	return psprintf("%.*s...", (int) pg_mbcliplen(s, len, 77), s);
}
