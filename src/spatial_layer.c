/*
 * spatial_layer.c: reading a polygon layer (a table or view with columns
 * fips and geom) into the spatial core, once per query.
 *
 * The geometries are read as the text the geometry type prints (hex EWKB),
 * so no PostGIS function is called and none has to be found on the search
 * path.  The layer lives in a memory context under fn_mcxt, referenced from
 * fn_extra, and is read again whenever the snapshot changes (the next
 * statement, also inside one PL/pgSQL block, where fn_extra outlives the
 * statement): a change to the table is seen by the next statement.  Rows are
 * fetched through a cursor in batches, so the text of a large layer is
 * never held at once.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "storage/proc.h"
#include "utils/snapmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "compat.h"
#include "core_status.h"
#include "spatial_glue.h"

SpatialCache *
SpatialCacheGet(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(SpatialCache));
	return (SpatialCache *) fcinfo->flinfo->fn_extra;
}

void
SpatialStatusError(scomm_status st, const char *what)
{
	if (st == SCOMM_ETOOBIG)
		ScommRaiseStatusHint(st, what,
							 "A layer holds at most 25,000,000 vertices and 5,000,000 pairs of touching polygons; simplify the polygons (ST_Simplify) or split the layer.");
	ScommRaiseStatus(st, what);
	pg_unreachable();
}

Oid
SpatialDefaultCounties(FunctionCallInfo fcinfo, const char *what)
{
	SpatialCache *cache = SpatialCacheGet(fcinfo);

	if (!OidIsValid(cache->default_relid))
	{
		cache->default_relid = RangeVarGetRelid(makeRangeVar("scomm_data", "county", -1), NoLock, true);
		if (!OidIsValid(cache->default_relid))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("relation \"scomm_data.county\" does not exist"),
					 errdetail("%s without a table argument reads the county boundaries that scripts/load loads into scomm_data.county.", what),
					 errhint("Load the data with scripts/load, or name a table or view with columns fips and geom as the last argument.")));
	}
	return cache->default_relid;
}

/* ERROR unless relation relid has column name */
static void
RequireColumn(Oid relid, const char *name, const char *what)
{
	if (get_attnum(relid, name) == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("relation \"%s\" has no column \"%s\"", get_rel_name(relid), name),
				 errhint("%s reads a table or view with a column fips (the key, as text) and a column geom (polygons); a view can rename your columns.", what)));
}

/* Add one row's geometry to the layer (in the layer's context). */
static void
AddFeature(SpatialLayer *layer, const char *key, const char *hex, const char *relname, const char *what)
{
	int32		srid;
	int			type;
	scomm_status st;
	MemoryContext old = MemoryContextSwitchTo(layer->cxt);

	st = scomm_polys_add_ewkb(&layer->polys, hex, strlen(hex), &srid, &type);
	MemoryContextSwitchTo(old);
	if (st == SCOMM_EINVAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the geometry of \"%s\" in \"%s\" is a %s, not a polygon",
						key, relname, scomm_wkb_type_name(type)),
				 errhint("%s needs polygons or multipolygons.", what)));
	if (st == SCOMM_ECORRUPT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("could not read the geometry of \"%s\" in \"%s\"", key, relname)));
	if (st == SCOMM_ERANGE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the geometry of \"%s\" in \"%s\" has a coordinate that is not a finite number of magnitude at most %g",
						key, relname, SCOMM_SPATIAL_MAX_COORD),
				 errhint("%s works with coordinates in degrees or in a projection's units; transform or repair that geometry.", what)));
	if (st != SCOMM_OK)
		SpatialStatusError(st, what);
	if (layer->n > 0 && srid != layer->srid)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the geometries of \"%s\" have different SRIDs (%d and %d)", relname, layer->srid, srid)));
	layer->srid = srid;
	layer->key[layer->n++] = MemoryContextStrdup(layer->cxt, key);
}

/* Read fips and geom of every row with a geometry, ordered by fips bytewise. */
static void
ReadLayer(SpatialLayer *layer, const char *what)
{
	char	   *relname = get_rel_name(layer->relid);
	char	   *nsp = get_namespace_name(get_rel_namespace(layer->relid));
	char	   *query;
	SPIPlanPtr	plan;
	Portal		portal;
	int64		cap = 1024;

	if (relname == NULL || nsp == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", layer->relid)));
	RequireColumn(layer->relid, "fips", what);
	RequireColumn(layer->relid, "geom", what);
	query = psprintf("SELECT (fips)::pg_catalog.text, geom FROM %s WHERE geom IS NOT NULL "
					 "ORDER BY (fips)::pg_catalog.text COLLATE pg_catalog.\"C\"",
					 quote_qualified_identifier(nsp, relname));
	if (SPI_connect() != SPI_OK_CONNECT)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("%s: could not connect to the server's query interface (SPI)", what)));
	plan = SPI_prepare(query, 0, NULL);
	if (plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: could not read \"%s\": %s", what, relname,
						SPI_result_code_string(SPI_result))));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	if (strcmp(SPI_gettype(portal->tupDesc, 2), "geometry") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"geom\" of \"%s\" is of type %s, not geometry",
						relname, SPI_gettype(portal->tupDesc, 2))));
	layer->key = MemoryContextAlloc(layer->cxt, sizeof(char *) * cap);
	for (;;)
	{
		uint64		k;

		SPI_cursor_fetch(portal, true, 1000);
		if (SPI_processed == 0)
			break;
		if (layer->n + (int64) SPI_processed >= cap)
		{
			while (layer->n + (int64) SPI_processed >= cap)
				cap *= 2;
			if (cap > PG_INT32_MAX / 2)
				SpatialStatusError(SCOMM_ETOOBIG, what);
			layer->key = repalloc(layer->key, sizeof(char *) * cap);
		}
		for (k = 0; k < SPI_processed; k++)
		{
			HeapTuple	tup = SPI_tuptable->vals[k];
			char	   *key = SPI_getvalue(tup, SPI_tuptable->tupdesc, 1);
			char	   *hex = SPI_getvalue(tup, SPI_tuptable->tupdesc, 2);

			CHECK_FOR_INTERRUPTS();
			if (key == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("relation \"%s\" has a row whose fips is NULL", relname)));
			AddFeature(layer, key, hex, relname, what);
			pfree(key);
			pfree(hex);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	SPI_finish();
}

/* Remember what the layer was read under: the transaction and snapshot. */
static void
NoteSnapshot(SpatialLayer *layer)
{
	Snapshot	snap = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;

	layer->lxid = MyProc->lxid;
	layer->has_snapshot = snap != NULL;
	if (snap != NULL)
	{
		layer->xmin = snap->xmin;
		layer->xmax = snap->xmax;
		layer->xcnt = snap->xcnt;
		layer->subxcnt = snap->subxcnt;
		layer->curcid = snap->curcid;
	}
}

/*
 * Whether the layer was read under the current snapshot: then the table's
 * visible rows are the same.  Another transaction that committed since, or
 * a command of this one, changes the snapshot (xmax, the in-progress count
 * or the command id), and the layer is read again.
 */
static bool
SameSnapshot(const SpatialLayer *layer)
{
	Snapshot	snap;

	if (!layer->has_snapshot || !ActiveSnapshotSet() || layer->lxid != MyProc->lxid)
		return false;
	snap = GetActiveSnapshot();
	return snap->xmin == layer->xmin && snap->xmax == layer->xmax &&
		snap->xcnt == layer->xcnt && snap->subxcnt == layer->subxcnt &&
		snap->curcid == layer->curcid;
}

SpatialLayer *
SpatialLayerGet(FunctionCallInfo fcinfo, Oid relid, const char *what)
{
	SpatialCache *cache = SpatialCacheGet(fcinfo);
	SpatialLayer *layer;
	MemoryContext cxt,
				old;
	scomm_status st;

	if (cache->layer != NULL && cache->layer->relid == relid && SameSnapshot(cache->layer))
		return cache->layer;
	if (cache->layer != NULL)
	{
		MemoryContextDelete(cache->layer->cxt);
		cache->layer = NULL;
	}
	cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "scomm spatial layer", ALLOCSET_DEFAULT_SIZES);
	layer = MemoryContextAllocZero(cxt, sizeof(SpatialLayer));
	layer->relid = relid;
	layer->cxt = cxt;
	scomm_polys_init(&layer->polys);
	NoteSnapshot(layer);
	ReadLayer(layer, what);
	old = MemoryContextSwitchTo(cxt);
	st = scomm_grid_build(&layer->grid, &layer->polys, 2);
	MemoryContextSwitchTo(old);
	if (st != SCOMM_OK)
		SpatialStatusError(st, what);
	cache->layer = layer;
	return layer;
}
