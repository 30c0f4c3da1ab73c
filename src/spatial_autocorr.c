/*
 * spatial_autocorr.c: morans_i and local_morans_i, Moran's I of a value per
 * unit with neighbour pairs (as contiguity() returns them).
 *
 * Units are sorted by id inside, so results do not depend on the order of
 * the arrays: the global test permutes the values over the sorted units, and
 * each unit's local test draws from its own stream (the seed and the id).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "compat.h"
#include "arg_util.h"
#include "array_util.h"
#include "core_status.h"
#include "scomm_random.h"
#include "result_util.h"
#include "spatial_glue.h"

#define NULL_UNIT_HINT "Leave out the units without a value (WHERE x IS NOT NULL); their pairs are then ignored."

PG_FUNCTION_INFO_V1(scomm_morans_i);
PG_FUNCTION_INFO_V1(scomm_local_morans_i);

#define MAX_PERMUTATIONS 1000000

/* one unit: its id, value and position in the input */
typedef struct Unit
{
	char	   *id;
	double		x;
	int32		pos;
} Unit;

typedef struct MoranInput
{
	int32		n;
	Unit	   *unit;			/* sorted by id */
	scomm_weights w;
	int64		pairs;			/* pairs used */
	int32		permutations;
	int64		seed;
} MoranInput;

static int
CompareUnit(const void *a, const void *b)
{
	return strcmp(((const Unit *) a)->id, ((const Unit *) b)->id);
}

/* the sorted position of id, or -1 */
static int32
FindUnit(const MoranInput *in, const char *id)
{
	int32		lo = 0,
				hi = in->n - 1;

	while (lo <= hi)
	{
		int32		mid = lo + (hi - lo) / 2;
		int			c = strcmp(in->unit[mid].id, id);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static scomm_weight_style
WeightStyle(FunctionCallInfo fcinfo, int argno)
{
	char	   *s;

	ScommRequireArg(fcinfo, argno, "weights", "Use 'row' or 'binary'.");
	s = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	if (pg_strcasecmp(s, "row") == 0)
		return SCOMM_WEIGHTS_ROW;
	if (pg_strcasecmp(s, "binary") == 0)
		return SCOMM_WEIGHTS_BINARY;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown weights \"%s\"", s),
			 errhint("Use 'row' (each neighbour weighs 1 / number of neighbours) or 'binary' (each neighbour weighs 1).")));
	return SCOMM_WEIGHTS_ROW;	/* not reached */
}

/* Units from arguments 0 (units) and 1 (x), sorted, checked. */
static void
ReadUnits(FunctionCallInfo fcinfo, MoranInput *in)
{
	int			nid,
				nval,
				i;
	Datum	   *id = ScommArrayArg(fcinfo, 0, "units", &nid, NULL_UNIT_HINT);
	Datum	   *val = ScommArrayArg(fcinfo, 1, "x", &nval, NULL_UNIT_HINT);

	if (nid != nval)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("units and x must have the same length (%d and %d)", nid, nval)));
	if (nid < 3)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Moran's I needs at least 3 units, got %d", nid)));
	in->n = nid;
	in->unit = palloc(sizeof(Unit) * nid);
	for (i = 0; i < nid; i++)
	{
		in->unit[i].id = TextDatumGetCString(id[i]);
		in->unit[i].x = DatumGetFloat8(val[i]);
		in->unit[i].pos = i;
		if (!isfinite(in->unit[i].x))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the value of \"%s\" is not a finite number: %g", in->unit[i].id, in->unit[i].x)));
	}
	qsort(in->unit, nid, sizeof(Unit), CompareUnit);
	for (i = 1; i < nid; i++)
		if (strcmp(in->unit[i].id, in->unit[i - 1].id) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("unit \"%s\" is given more than once", in->unit[i].id)));
}

/* Pairs from arguments 2 and 3 between known units; weights. */
static void
ReadPairs(FunctionCallInfo fcinfo, MoranInput *in, scomm_weight_style style)
{
	int			na,
				nb,
				k;
	Datum	   *a = ScommArrayArg(fcinfo, 2, "neighbor_of", &na, NULL_UNIT_HINT);
	Datum	   *b = ScommArrayArg(fcinfo, 3, "neighbor", &nb, NULL_UNIT_HINT);
	int32	   *from = palloc(sizeof(int32) * (na + 1));
	int32	   *to = palloc(sizeof(int32) * (na + 1));
	int64		bad;
	scomm_status st;

	if (na != nb)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("neighbor_of and neighbor must have the same length (%d and %d)", na, nb)));
	in->pairs = 0;
	for (k = 0; k < na; k++)
	{
		char	   *sa = TextDatumGetCString(a[k]);
		char	   *sb = TextDatumGetCString(b[k]);
		int32		ia = FindUnit(in, sa),
					ib = FindUnit(in, sb);

		if (ia >= 0 && ia == ib)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unit \"%s\" is paired with itself", sa)));
		if (ia < 0 || ib < 0)
			continue;			/* a unit without a value */
		from[in->pairs] = ia;
		to[in->pairs++] = ib;
	}
	if (in->pairs == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no pair of neighbours among the %d units", in->n),
				 errhint("neighbor_of and neighbor hold pairs of ids, as contiguity() returns them; pairs with an id not in units are ignored.")));
	st = scomm_weights_build(&in->w, in->n, in->pairs, from, to, style, &bad);
	if (st == SCOMM_EINVAL)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("the pair (\"%s\", \"%s\") is given more than once",
						in->unit[from[bad]].id, in->unit[to[bad]].id)));
	if (st != SCOMM_OK)
		SpatialStatusError(st, "morans_i");
}

/* Everything morans_i and local_morans_i take. */
static void
ReadInput(FunctionCallInfo fcinfo, MoranInput *in)
{
	ScommRequireArg(fcinfo, 4, "permutations", "Use 0 for no permutation test.");
	ScommRequireArg(fcinfo, 5, "seed", NULL);
	in->permutations = PG_GETARG_INT32(4);
	in->seed = PG_GETARG_INT64(5);
	if (in->permutations < 0 || in->permutations > MAX_PERMUTATIONS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("permutations must be from 0 to %d: %d", MAX_PERMUTATIONS, in->permutations)));
	ReadUnits(fcinfo, in);
	ReadPairs(fcinfo, in, WeightStyle(fcinfo, 6));
}

/* the values in sorted order */
static double *
SortedValues(const MoranInput *in)
{
	double	   *x = palloc(sizeof(double) * in->n);
	int32		i;

	for (i = 0; i < in->n; i++)
		x[i] = in->unit[i].x;
	return x;
}

static void
MoranError(scomm_status st, const char *what)
{
	if (st == SCOMM_EINVAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: all values are equal, so Moran's I is undefined", what)));
	SpatialStatusError(st, what);
}

/* morans_i(units, x, neighbor_of, neighbor, permutations, seed, weights) */
Datum
scomm_morans_i(PG_FUNCTION_ARGS)
{
	MoranInput	in;
	scomm_moran m;
	TupleDesc	tupdesc;
	Datum		values[11];
	bool		nulls[11] = {0};
	scomm_status st;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	ReadInput(fcinfo, &in);
	st = scomm_moran_global(SortedValues(&in), &in.w, in.permutations, (uint64) in.seed, &m);
	if (st != SCOMM_OK)
		MoranError(st, "morans_i");
	values[0] = Int32GetDatum(in.n);
	values[1] = Int64GetDatum(in.pairs);
	values[2] = Int32GetDatum(in.w.islands);
	ScommSetFloat8(values, nulls, 3, m.i, "morans_i");
	ScommSetFloat8(values, nulls, 4, m.expected, "morans_i");
	ScommSetFloat8(values, nulls, 5, m.variance, "morans_i");
	ScommSetFloat8(values, nulls, 6, m.z, "morans_i");
	ScommSetFloat8(values, nulls, 7, m.p_normal, "morans_i");
	ScommSetFloat8(values, nulls, 8, m.p_permutation, "morans_i");
	ScommSetFloat8(values, nulls, 9, m.mean_permuted, "morans_i");
	ScommSetFloat8(values, nulls, 10, m.sd_permuted, "morans_i");
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

static const char *const QuadrantName[] = {NULL, "high-high", "low-high", "low-low", "high-low"};

/* local_morans_i(...): one row per unit, in the order of units */
Datum
scomm_local_morans_i(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MoranInput	in;
	scomm_lisa *out;
	uint64	   *key;
	int32	   *order;
	int32		i;
	scomm_status st;

	ReadInput(fcinfo, &in);
	key = palloc(sizeof(uint64) * in.n);
	out = palloc(sizeof(scomm_lisa) * in.n);
	order = palloc(sizeof(int32) * in.n);
	for (i = 0; i < in.n; i++)
	{
		key[i] = scomm_hash_text(in.unit[i].id);
		order[in.unit[i].pos] = i;
	}
	st = scomm_moran_local(SortedValues(&in), &in.w, in.permutations, (uint64) in.seed, key, out);
	if (st != SCOMM_OK)
		MoranError(st, "local_morans_i");
	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < in.n; i++)
	{
		int32		u = order[i];
		Datum		values[7];
		bool		nulls[7] = {0};

		values[0] = CStringGetTextDatum(in.unit[u].id);
		values[1] = Float8GetDatum(in.unit[u].x);
		ScommSetFloat8(values, nulls, 2, out[u].lag, "local_morans_i");
		ScommSetFloat8(values, nulls, 3, out[u].i, "local_morans_i");
		ScommSetFloat8(values, nulls, 4, out[u].p_permutation, "local_morans_i");
		nulls[5] = QuadrantName[out[u].quadrant] == NULL;
		values[5] = nulls[5] ? (Datum) 0 : CStringGetTextDatum(QuadrantName[out[u].quadrant]);
		values[6] = Int32GetDatum(in.w.row[u + 1] - in.w.row[u]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
