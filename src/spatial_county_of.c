/*
 * spatial_county_of.c: county_of, the county (fips) that contains a point.
 *
 * The first call of a query reads the county polygons into the grid index
 * of the spatial core (spatial_layer.c); each call after that is a lookup in
 * one grid cell.  A point on a border between counties belongs to both;
 * county_of returns the lowest fips (bytewise) of them.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "compat.h"
#include "spatial_glue.h"

PG_FUNCTION_INFO_V1(scomm_county_of_lonlat);
PG_FUNCTION_INFO_V1(scomm_county_of_geom);

/* the key of the feature that contains (x, y), or NULL */
static Datum
Find(FunctionCallInfo fcinfo, const SpatialLayer *layer, double x, double y)
{
	int32		f = scomm_grid_find(&layer->grid, x, y);

	if (f < 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(layer->key[f]));
}

/* the relation of the optional last argument, or scomm_data.county */
static SpatialLayer *
Layer(FunctionCallInfo fcinfo, int argno)
{
	Oid			relid = PG_NARGS() > argno ? PG_GETARG_OID(argno) : SpatialDefaultCounties(fcinfo, "county_of");

	return SpatialLayerGet(fcinfo, relid, "county_of");
}

/* county_of(lon float8, lat float8 [, counties regclass]) */
Datum
scomm_county_of_lonlat(PG_FUNCTION_ARGS)
{
	float8		lon = PG_GETARG_FLOAT8(0);
	float8		lat = PG_GETARG_FLOAT8(1);
	SpatialLayer *layer;

	if (!isfinite(lon) || lon < -180 || lon > 180)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("longitude must be a number from -180 to 180: %g", lon),
				 errhint("county_of(lon, lat) takes degrees of longitude and latitude (WGS 84), longitude first.")));
	if (!isfinite(lat) || lat < -90 || lat > 90)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("latitude must be a number from -90 to 90: %g", lat),
				 errhint("county_of(lon, lat) takes degrees of longitude and latitude (WGS 84), longitude first.")));
	layer = Layer(fcinfo, 2);
	if (layer->srid != 0 && layer->srid != 4326)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the polygons of \"%s\" are in SRID %d, not longitude/latitude (4326)",
						get_rel_name(layer->relid), layer->srid),
				 errhint("Pass a point geometry in SRID %d instead, or a view of the table with ST_Transform(geom, 4326).",
						 layer->srid)));
	return Find(fcinfo, layer, lon, lat);
}

/* county_of(point geometry [, counties regclass]) */
Datum
scomm_county_of_geom(PG_FUNCTION_ARGS)
{
	SpatialCache *cache = SpatialCacheGet(fcinfo);
	SpatialLayer *layer;
	char	   *hex;
	double		x,
				y;
	int32		srid;
	int			type;
	scomm_status st;

	if (!OidIsValid(cache->out_type))
	{
		Oid			outfn;
		bool		isvarlena;

		cache->out_type = get_fn_expr_argtype(fcinfo->flinfo, 0);
		if (!OidIsValid(cache->out_type))
			ereport(ERROR,
					(errcode(ERRCODE_INDETERMINATE_DATATYPE),
					 errmsg("county_of could not determine the type of its point argument")));
		getTypeOutputInfo(cache->out_type, &outfn, &isvarlena);
		fmgr_info_cxt(outfn, &cache->out, fcinfo->flinfo->fn_mcxt);
	}
	hex = OutputFunctionCall(&cache->out, PG_GETARG_DATUM(0));
	st = scomm_ewkb_point(hex, strlen(hex), &x, &y, &srid, &type);
	pfree(hex);
	if (st == SCOMM_EEMPTY)
		PG_RETURN_NULL();
	if (st == SCOMM_EINVAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("county_of needs a point, not a %s", scomm_wkb_type_name(type)),
				 errhint("For a line or polygon, pass ST_PointOnSurface(geom), a point inside it, or join on the largest overlap (README, \"Counties on the map\").")));
	if (st == SCOMM_ERANGE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("county_of needs a point with finite coordinates, not (%g, %g)", x, y),
				 errhint("Filter out points with NaN or infinite coordinates.")));
	if (st != SCOMM_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("could not read the point geometry")));
	layer = Layer(fcinfo, 1);
	if (srid != 0 && layer->srid != 0 && srid != layer->srid)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the point is in SRID %d, the polygons of \"%s\" in SRID %d",
						srid, get_rel_name(layer->relid), layer->srid),
				 errhint("Transform the point first: ST_Transform(point, %d).", layer->srid)));
	return Find(fcinfo, layer, x, y);
}
