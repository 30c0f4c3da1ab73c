/*
 * spatial_contiguity.c: contiguity(), the pairs of counties whose
 * boundaries touch (queen contiguity), each pair in both directions.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
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
 * A counting sort by the first key, then each key's short list by the
 * second, so that millions of pairs are sorted in linear time with room for
 * cancel checks.
 */
static KeyPair *
KeyPairs(const SpatialLayer *layer, const scomm_pair *pairs, int64 npairs, int64 *nout)
{
	int32	   *first = palloc(sizeof(int32) * (layer->n + 1));
	int64	   *start = palloc0(sizeof(int64) * (layer->n + 2));
	KeyPair    *kp = palloc_extended(sizeof(KeyPair) * (2 * npairs + 1), MCXT_ALLOC_HUGE);
	int64		k,
				u = 0;
	int32		f;

	for (f = 0; f < layer->n; f++)
		first[f] = f > 0 && strcmp(layer->key[f], layer->key[f - 1]) == 0 ? first[f - 1] : f;
	/* count the pairs by first key, then place them */
	for (k = 0; k < npairs; k++)
	{
		int32		a = first[pairs[k].a],
					b = first[pairs[k].b];

		if (a == b)
			continue;
		start[a + 1]++;
		start[b + 1]++;
	}
	for (f = 0; f < layer->n; f++)
		start[f + 1] += start[f];
	for (k = 0; k < npairs; k++)
	{
		int32		a = first[pairs[k].a],
					b = first[pairs[k].b];
		KeyPair    *p;

		if (a == b)
			continue;
		p = &kp[start[a]++];
		p->from = a;
		p->to = b;
		p->shares_edge = pairs[k].shares_edge;
		p = &kp[start[b]++];
		p->from = b;
		p->to = a;
		p->shares_edge = pairs[k].shares_edge;
	}
	/* start[f] is now the end of f's list: sort each list, merge repeats */
	for (f = 0, k = 0; f < layer->n; f++)
	{
		int64		end = start[f],
					j;

		if ((f & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		if (end - k > 1)
			qsort(kp + k, end - k, sizeof(KeyPair), CompareKeyPair);
		for (j = k; j < end; j++)
		{
			if (u > 0 && kp[u - 1].from == kp[j].from && kp[u - 1].to == kp[j].to)
				kp[u - 1].shares_edge |= kp[j].shares_edge;
			else
				kp[u++] = kp[j];
		}
		k = end;
	}
	pfree(first);
	pfree(start);
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

		if ((k & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = CStringGetTextDatum(layer->key[kp[k].from]);
		values[1] = CStringGetTextDatum(layer->key[kp[k].to]);
		values[2] = BoolGetDatum(kp[k].shares_edge != 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
