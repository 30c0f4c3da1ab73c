/*
 * spatial_glue.h: shared pieces of the spatial SQL functions.
 */
#ifndef SCOMM_SPATIAL_GLUE_H
#define SCOMM_SPATIAL_GLUE_H

#include "postgres.h"
#include "fmgr.h"

#include "spatial.h"

/* the polygons of a table or view with columns fips and geom */
typedef struct SpatialLayer
{
	Oid			relid;
	MemoryContext cxt;			/* everything below lives here */
	int32		n;				/* features, sorted by key (bytewise) */
	char	  **key;			/* fips of each feature */
	int32		srid;			/* SRID of the geometries (0 when none) */
	scomm_polys polys;
	scomm_grid	grid;
	/* what it was read under (spatial_layer.c, SameSnapshot) */
	LocalTransactionId lxid;
	bool		has_snapshot;
	TransactionId xmin;
	TransactionId xmax;
	uint32		xcnt;
	int32		subxcnt;
	CommandId	curcid;
} SpatialLayer;

/* what a spatial function keeps in fn_extra for the rest of the query */
typedef struct SpatialCache
{
	SpatialLayer *layer;		/* NULL until read */
	Oid			default_relid;	/* scomm_data.county once looked up */
	Oid			out_type;		/* type of a geometry argument */
	FmgrInfo	out;			/* and its output function */
} SpatialCache;

extern SpatialCache *SpatialCacheGet(FunctionCallInfo fcinfo);

/*
 * The layer of relation relid, read on the first call of the query (and
 * again when relid changes) and kept in fn_extra.  what names the calling
 * function in messages.
 */
extern SpatialLayer *SpatialLayerGet(FunctionCallInfo fcinfo, Oid relid, const char *what);

/* the relation scomm_data.county (looked up once a query), or an error */
extern Oid	SpatialDefaultCounties(FunctionCallInfo fcinfo, const char *what);

/* ERROR for a failed core status other than the caller's own cases */
extern void SpatialStatusError(scomm_status st, const char *what) pg_attribute_noreturn();

#endif
