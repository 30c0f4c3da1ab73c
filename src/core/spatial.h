/*
 * spatial.h: the PostgreSQL-free spatial core of scomm.
 *
 * - scomm_polys: polygon features (a polygon or multipolygon each) as closed
 *   rings of longitude/latitude vertices, read from hex EWKB (the text form
 *   of a PostGIS geometry).
 * - scomm_grid: a uniform grid over the features, each cell listing the
 *   boundary segments that touch it and which features contain the cell's
 *   reference point; it answers "which feature contains this point" with a
 *   few segment tests, and finds the pairs of features whose boundaries
 *   touch (queen contiguity).
 * - Moran's I, global and local (LISA), with permutation tests.
 *
 * Conventions of scomm_core.h: plain arrays, status codes, memory through
 * scomm_core_alloc, long loops poll scomm_core_interrupted().
 */
#ifndef SCOMM_SPATIAL_H
#define SCOMM_SPATIAL_H

#include <stddef.h>
#include <stdint.h>

#include "scomm_random.h"
#include "scomm_core.h"

/* ---------------------------------------------------------------------- */
/* Polygon features */

typedef struct scomm_polys
{
	int32_t		nfeat;			/* features */
	int32_t		nring;			/* rings of all features */
	int64_t		nvert;			/* vertices of all rings */
	int32_t    *feat_ring;		/* nfeat + 1: first ring of each feature */
	int64_t    *ring_vert;		/* nring + 1: first vertex of each ring */
	double	   *x;				/* vertices; every ring is closed */
	double	   *y;
	int32_t		cap_feat;		/* allocated sizes */
	int32_t		cap_ring;
	int64_t		cap_vert;
} scomm_polys;

/*
 * Coordinates are at most this large in magnitude (any CRS: degrees,
 * metres, feet), so that the products of the exact orientation tests
 * cannot overflow; SCOMM_ERANGE beyond it.
 */
#define SCOMM_SPATIAL_MAX_COORD 1e100

/* at most this many vertices in one layer (SCOMM_ETOOBIG beyond): 400 MB */
#define SCOMM_SPATIAL_MAX_VERTICES 25000000

/* at most this many pairs of touching features (SCOMM_ETOOBIG beyond) */
#define SCOMM_SPATIAL_MAX_PAIRS 5000000

/* geometry types of (E)WKB */
#define SCOMM_WKB_POINT			1
#define SCOMM_WKB_LINESTRING	2
#define SCOMM_WKB_POLYGON		3
#define SCOMM_WKB_MULTIPOINT	4
#define SCOMM_WKB_MULTILINE		5
#define SCOMM_WKB_MULTIPOLYGON	6
#define SCOMM_WKB_COLLECTION	7

extern void scomm_polys_init(scomm_polys *p);
extern void scomm_polys_free(scomm_polys *p);

/*
 * Append one feature from hex EWKB text (len characters).  Polygons and
 * multipolygons are accepted (an empty one gives a feature without rings);
 * Z and M ordinates are dropped.  *srid is the SRID (0 when there is none),
 * *type the geometry type; SCOMM_EINVAL when the type is not polygonal (the
 * feature is not added), SCOMM_ECORRUPT for malformed text, SCOMM_ERANGE
 * for a coordinate beyond SCOMM_SPATIAL_MAX_COORD (or not finite), SCOMM_ETOOBIG beyond
 * SCOMM_SPATIAL_MAX_VERTICES vertices.
 */
extern scomm_status scomm_polys_add_ewkb(scomm_polys *p, const char *hex, size_t len,
										 int32_t *srid, int *type);

/*
 * Read a point from hex EWKB: SCOMM_EINVAL when it is not a point (*type
 * says what it is), SCOMM_EEMPTY for POINT EMPTY, SCOMM_ERANGE for an
 * infinite or NaN coordinate.
 */
extern scomm_status scomm_ewkb_point(const char *hex, size_t len, double *x, double *y,
									 int32_t *srid, int *type);

/* the name of a WKB geometry type ("POLYGON"), or "UNKNOWN" */
extern const char *scomm_wkb_type_name(int type);

/* ---------------------------------------------------------------------- */
/* Grid index */

typedef struct scomm_grid
{
	const scomm_polys *polys;
	double		x0,
				y0,				/* lower left corner */
				cw,
				ch;				/* cell width and height */
	int32_t		nx,
				ny;
	double		x1,
				y1;				/* upper right corner of the features' box */
	/* the segments that touch each cell, by bounding box (a segment is the
	 * index of its first vertex): cell c has seg[cell_seg[c]] ..
	 * seg[cell_seg[c + 1] - 1], ordered by feature, seg_feat their features */
	int64_t    *cell_seg;
	int64_t    *seg;
	int32_t    *seg_feat;
	/* cell c lists entries cell_entry[c] .. cell_entry[c + 1] - 1; entry e
	 * is feature ent_feat[e] with its segments seg[ent_lo[e]] ..
	 * seg[ent_hi[e] - 1] in the cell and whether it contains the cell's
	 * reference point (ent_inside[e]); an entry without segments is a
	 * feature that contains the whole cell */
	int64_t    *cell_entry;
	int32_t    *ent_feat;
	uint8_t    *ent_inside;
	int64_t    *ent_lo;
	int64_t    *ent_hi;
	double	   *ref_x;			/* reference point of each cell: not on */
	double	   *ref_y;			/* any segment that touches the cell */
	/* cells where every point tried lies on a segment (features far smaller
	 * than their coordinates' precision): answered by whole-feature tests */
	uint8_t    *degenerate;
	int64_t		nentry;
	int64_t		nseg;
} scomm_grid;

/*
 * Build the index over the features of p (which must outlive it), with about
 * cells_per_segment cells per boundary segment (4 is a good choice).  The
 * grid is made coarser where long segments would list themselves in too
 * many cells, so memory stays proportional to the number of segments.
 */
extern scomm_status scomm_grid_build(scomm_grid *g, const scomm_polys *p, double cells_per_segment);
extern void scomm_grid_free(scomm_grid *g);

/*
 * The lowest-numbered feature whose closed area (boundary included)
 * contains (x, y), or -1.
 */
extern int32_t scomm_grid_find(const scomm_grid *g, double x, double y);

/* a pair of features whose boundaries touch; a < b */
typedef struct scomm_pair
{
	int32_t		a;
	int32_t		b;
	int32_t		shares_edge;	/* 1: a common stretch of boundary, 0: points only */
} scomm_pair;

/*
 * Queen contiguity: every pair of features whose boundaries intersect,
 * sorted by (a, b), in a new array (free with scomm_core_free).
 */
extern scomm_status scomm_grid_contiguity(const scomm_grid *g, scomm_pair **pairs, int64_t *npairs);

/* ---------------------------------------------------------------------- */
/* Moran's I */

typedef enum scomm_weight_style
{
	SCOMM_WEIGHTS_ROW,			/* row-standardised: 1 / number of neighbours */
	SCOMM_WEIGHTS_BINARY		/* 1 for each neighbour */
} scomm_weight_style;

/* spatial weights in compressed rows: unit i's neighbours are
 * col[row[i]] .. col[row[i + 1] - 1] with weights w[...] */
typedef struct scomm_weights
{
	int32_t		n;
	int32_t    *row;			/* n + 1 */
	int32_t    *col;
	double	   *w;
	double		s0;				/* sum of all weights */
	int32_t		islands;		/* units without neighbours */
} scomm_weights;

/*
 * Weights from npair directed pairs (from[k], to[k]) of unit indexes in
 * 0..n-1.  SCOMM_EINVAL for an index out of range, a unit paired with itself
 * or a pair given twice (*bad is then the offending pair's position).
 */
extern scomm_status scomm_weights_build(scomm_weights *w, int32_t n, int64_t npair,
										const int32_t *from, const int32_t *to,
										scomm_weight_style style, int64_t *bad);
extern void scomm_weights_free(scomm_weights *w);

typedef struct scomm_moran
{
	double		i;				/* Moran's I */
	double		expected;		/* -1 / (n - 1) */
	double		variance;		/* under randomization; NaN when n < 4 */
	double		z;
	double		p_normal;		/* two-sided, normal approximation */
	int32_t		permutations;
	double		p_permutation;	/* pseudo p-value; NaN without permutations */
	double		mean_permuted;	/* mean and sd of I over the permutations */
	double		sd_permuted;
} scomm_moran;

/*
 * Global Moran's I of x (n values) with weights w and a permutation test
 * drawn from seed.  SCOMM_EINVAL when n < 3, a value is not finite, all
 * values are equal or the weights sum to zero.
 */
extern scomm_status scomm_moran_global(const double *x, const scomm_weights *w,
									   int32_t permutations, uint64_t seed, scomm_moran *out);

#define SCOMM_QUADRANT_NONE		0	/* no neighbours */
#define SCOMM_QUADRANT_HH		1
#define SCOMM_QUADRANT_LH		2
#define SCOMM_QUADRANT_LL		3
#define SCOMM_QUADRANT_HL		4

typedef struct scomm_lisa
{
	double		lag;			/* sum of w_ij x_j (NaN without neighbours) */
	double		i;				/* local Moran's I */
	double		p_permutation;	/* pseudo p-value (NaN without neighbours or permutations) */
	int32_t		quadrant;
} scomm_lisa;

/*
 * Local Moran's I of each unit, each with its own conditional permutation
 * test (the unit's value fixed, its neighbours drawn from the other units)
 * from the stream (seed, key[i]), so a unit's result does not depend on the
 * order of the units.  Errors as scomm_moran_global.
 */
extern scomm_status scomm_moran_local(const double *x, const scomm_weights *w,
									  int32_t permutations, uint64_t seed, const uint64_t *key,
									  scomm_lisa *out);

#endif
