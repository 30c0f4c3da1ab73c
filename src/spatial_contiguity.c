/*
 * spatial_contiguity.c: contiguity(), the pairs of counties whose
 * boundaries touch (queen contiguity), each pair in both directions.
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "compat.h"
#include "spatial_glue.h"

PG_FUNCTION_INFO_V1(scomm_contiguity);

typedef struct KeyPair
{
	int32		from;			/* key numbers: the first feature of the key */
	int32		to;
	int32		shares_edge;
} KeyPair;

static int
CompareKeyPair(const void *x, const void *y)
{
	const KeyPair *p = x,
			   *q = y;

	if (p->from != q->from)
		return p->from < q->from ? -1 : 1;
	if (p->to != q->to)
		return p->to < q->to ? -1 : 1;
	return 0;
}

/*
 * Feature pairs to directed key pairs, sorted by key: features with the same
 * key (several rows of one county) count as one, and their own pairs drop.
 */
static KeyPair *
KeyPairs(const SpatialLayer *layer, const scomm_pair *pairs, int64 npairs, int64 *nout)
{
	int32	   *first = palloc(sizeof(int32) * (layer->n + 1));
	KeyPair    *kp = palloc(sizeof(KeyPair) * (2 * npairs + 1));
	int64		k,
				m = 0,
				u = 0;
	int32		f;

	for (f = 0; f < layer->n; f++)
		first[f] = f > 0 && strcmp(layer->key[f], layer->key[f - 1]) == 0 ? first[f - 1] : f;
	for (k = 0; k < npairs; k++)
	{
		int32		a = first[pairs[k].a],
					b = first[pairs[k].b];

		if (a == b)
			continue;
		kp[m].from = a;
		kp[m].to = b;
		kp[m++].shares_edge = pairs[k].shares_edge;
		kp[m].from = b;
		kp[m].to = a;
		kp[m++].shares_edge = pairs[k].shares_edge;
	}
	qsort(kp, m, sizeof(KeyPair), CompareKeyPair);
	for (k = 0; k < m; k++)
	{
		if (u > 0 && kp[u - 1].from == kp[k].from && kp[u - 1].to == kp[k].to)
			kp[u - 1].shares_edge |= kp[k].shares_edge;
		else
			kp[u++] = kp[k];
	}
	pfree(first);
	*nout = u;
	return kp;
}

/* contiguity([counties regclass]) */
Datum
scomm_contiguity(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			relid = PG_NARGS() > 0 ? PG_GETARG_OID(0) : SpatialDefaultCounties(fcinfo, "contiguity");
	SpatialLayer *layer = SpatialLayerGet(fcinfo, relid, "contiguity");
	scomm_pair *pairs;
	KeyPair    *kp;
	int64		npairs,
				nkp,
				k;
	scomm_status st;

	st = scomm_grid_contiguity(&layer->grid, &pairs, &npairs);
	if (st != SCOMM_OK)
		SpatialStatusError(st, "contiguity");
	kp = KeyPairs(layer, pairs, npairs, &nkp);
	InitMaterializedSRF(fcinfo, 0);
	for (k = 0; k < nkp; k++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(layer->key[kp[k].from]);
		values[1] = CStringGetTextDatum(layer->key[kp[k].to]);
		values[2] = BoolGetDatum(kp[k].shares_edge != 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
