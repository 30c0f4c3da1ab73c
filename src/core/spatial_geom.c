/*
 * spatial_geom.c: polygon features read from hex EWKB.
 *
 * EWKB is PostGIS's extended Well-Known Binary, and its hex text is what the
 * geometry type prints: a byte order byte (0 big-endian, 1 little-endian), a
 * 32-bit type with flags 0x80000000 (Z), 0x40000000 (M) and 0x20000000
 * (an SRID follows), then the coordinates.  ISO type codes (1003 = polygon
 * Z, 2003 = M, 3003 = ZM) are read too.
 */
#include <math.h>
#include <string.h>

#include "spatial.h"

/* a cursor over hex text, counted in bytes (two characters each) */
typedef struct HexReader
{
	const char *hex;
	size_t		nbytes;
	size_t		pos;
	int			bad;
} HexReader;

/* the value of a hex digit, or -1 (a table: the reader's inner loop) */
static const signed char HexValue[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,
	-1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
};

/* the next byte; sets bad at the end of the text or on a non-hex character */
static inline uint8_t
ReadByte(HexReader *r)
{
	int			hi,
				lo;

	if (r->bad || r->pos >= r->nbytes)
	{
		r->bad = 1;
		return 0;
	}
	hi = HexValue[(unsigned char) r->hex[2 * r->pos]];
	lo = HexValue[(unsigned char) r->hex[2 * r->pos + 1]];
	r->pos++;
	if ((hi | lo) < 0)
	{
		r->bad = 1;
		return 0;
	}
	return (uint8_t) (hi << 4 | lo);
}

static uint32_t
ReadU32(HexReader *r, int little)
{
	uint32_t	v = 0;
	int			k;

	for (k = 0; k < 4; k++)
	{
		uint32_t	b = ReadByte(r);

		v |= little ? b << (8 * k) : b << (8 * (3 - k));
	}
	return v;
}

static double
ReadF64(HexReader *r, int little)
{
	uint64_t	v = 0;
	double		d;
	int			k;

	for (k = 0; k < 8; k++)
	{
		uint64_t	b = ReadByte(r);

		v |= little ? b << (8 * k) : b << (8 * (7 - k));
	}
	memcpy(&d, &v, sizeof d);
	return d;
}

/* bytes left to read */
static size_t
Left(const HexReader *r)
{
	return r->bad ? 0 : r->nbytes - r->pos;
}

/* A geometry header: byte order, type, dimensions, optional SRID. */
typedef struct WkbHeader
{
	int			little;
	int			type;
	int			dims;			/* ordinates per point: 2, 3 or 4 */
	int32_t		srid;
} WkbHeader;

static scomm_status
ReadHeader(HexReader *r, WkbHeader *h)
{
	uint8_t		order = ReadByte(r);
	uint32_t	t;
	int			z,
				m,
				iso;

	if (r->bad || order > 1)
		return SCOMM_ECORRUPT;
	h->little = order;
	t = ReadU32(r, h->little);
	z = (t & 0x80000000u) != 0;
	m = (t & 0x40000000u) != 0;
	h->srid = 0;
	if (t & 0x20000000u)
		h->srid = (int32_t) ReadU32(r, h->little);
	t &= 0x0fffffffu;
	iso = (int) (t / 1000);
	if (iso == 1 || iso == 3)
		z = 1;
	if (iso == 2 || iso == 3)
		m = 1;
	h->type = (int) (t % 1000);
	h->dims = 2 + z + m;
	if (r->bad || iso > 3 || h->type < 1 || h->type > 7)
		return SCOMM_ECORRUPT;
	return SCOMM_OK;
}

void
scomm_polys_init(scomm_polys *p)
{
	memset(p, 0, sizeof *p);
}

void
scomm_polys_free(scomm_polys *p)
{
	scomm_core_free(p->feat_ring);
	scomm_core_free(p->ring_vert);
	scomm_core_free(p->x);
	scomm_core_free(p->y);
	scomm_polys_init(p);
}

/* Grow an array of elem-sized items to at least need items (doubling). */
static scomm_status
Grow(void **arr, int64_t *cap, int64_t need, size_t elem)
{
	int64_t		ncap;
	void	   *n;

	if (need <= *cap)
		return SCOMM_OK;
	ncap = *cap < 64 ? 64 : *cap;
	while (ncap < need)
		ncap *= 2;
	n = scomm_core_alloc((size_t) ncap * elem);
	if (n == NULL)
		return SCOMM_ENOMEM;
	if (*arr != NULL)
		memcpy(n, *arr, (size_t) *cap * elem);
	scomm_core_free(*arr);
	*arr = n;
	*cap = ncap;
	return SCOMM_OK;
}

static scomm_status
GrowFeat(scomm_polys *p, int64_t need)
{
	int64_t		cap = p->cap_feat;
	scomm_status st;

	if (need > INT32_MAX)
		return SCOMM_ENOMEM;
	st = Grow((void **) &p->feat_ring, &cap, need, sizeof(int32_t));
	p->cap_feat = (int32_t) cap;
	return st;
}

static scomm_status
GrowRing(scomm_polys *p, int64_t need)
{
	int64_t		cap = p->cap_ring;
	scomm_status st;

	if (need > INT32_MAX)
		return SCOMM_ENOMEM;
	st = Grow((void **) &p->ring_vert, &cap, need, sizeof(int64_t));
	p->cap_ring = (int32_t) cap;
	return st;
}

static scomm_status
GrowVert(scomm_polys *p, int64_t need)
{
	int64_t		cap = p->cap_vert;
	scomm_status st;

	st = Grow((void **) &p->x, &cap, need, sizeof(double));
	if (st != SCOMM_OK)
		return st;
	cap = p->cap_vert;
	st = Grow((void **) &p->y, &cap, need, sizeof(double));
	p->cap_vert = cap;
	return st;
}

/* Read one ring and append it (closing it when its ends differ). */
static scomm_status
ReadRing(HexReader *r, const WkbHeader *h, scomm_polys *p)
{
	uint32_t	npt = ReadU32(r, h->little);
	int64_t		start = p->nvert;
	uint32_t	k;
	scomm_status st;

	if (r->bad || (uint64_t) npt * h->dims * 8 > Left(r))
		return SCOMM_ECORRUPT;
	if (npt == 0)
		return SCOMM_OK;
	if (start + npt + 1 > SCOMM_SPATIAL_MAX_VERTICES)
		return SCOMM_ETOOBIG;
	if ((st = GrowVert(p, start + npt + 1)) != SCOMM_OK ||
		(st = GrowRing(p, (int64_t) p->nring + 2)) != SCOMM_OK)
		return st;
	for (k = 0; k < npt; k++)
	{
		int			d;

		p->x[start + k] = ReadF64(r, h->little);
		p->y[start + k] = ReadF64(r, h->little);
		for (d = 2; d < h->dims; d++)
			(void) ReadF64(r, h->little);
		/* (NaN and infinities fail these too) */
		if (!(fabs(p->x[start + k]) <= SCOMM_SPATIAL_MAX_COORD) ||
			!(fabs(p->y[start + k]) <= SCOMM_SPATIAL_MAX_COORD))
			return SCOMM_ERANGE;
	}
	p->nvert = start + npt;
	if (p->x[start] != p->x[p->nvert - 1] || p->y[start] != p->y[p->nvert - 1])
	{
		p->x[p->nvert] = p->x[start];
		p->y[p->nvert] = p->y[start];
		p->nvert++;
	}
	p->ring_vert[p->nring] = start;
	p->nring++;
	p->ring_vert[p->nring] = p->nvert;
	return SCOMM_OK;
}

static scomm_status
ReadPolygonBody(HexReader *r, const WkbHeader *h, scomm_polys *p)
{
	uint32_t	nring = ReadU32(r, h->little);
	uint32_t	k;
	scomm_status st;

	/* a ring takes at least its 4-byte point count */
	if (r->bad || (uint64_t) nring * 4 > Left(r))
		return SCOMM_ECORRUPT;
	for (k = 0; k < nring; k++)
		if ((st = ReadRing(r, h, p)) != SCOMM_OK)
			return st;
	return SCOMM_OK;
}

/* A polygon, or a multipolygon's polygons, appended as rings. */
static scomm_status
ReadPolygonal(HexReader *r, const WkbHeader *h, scomm_polys *p)
{
	uint32_t	ngeom,
				k;
	scomm_status st;

	if (h->type == SCOMM_WKB_POLYGON)
		return ReadPolygonBody(r, h, p);
	ngeom = ReadU32(r, h->little);
	if (r->bad || (uint64_t) ngeom * 9 > Left(r))
		return SCOMM_ECORRUPT;
	for (k = 0; k < ngeom; k++)
	{
		WkbHeader	part;

		if ((st = ReadHeader(r, &part)) != SCOMM_OK)
			return st;
		if (part.type != SCOMM_WKB_POLYGON)
			return SCOMM_ECORRUPT;
		if ((st = ReadPolygonBody(r, &part, p)) != SCOMM_OK)
			return st;
	}
	return SCOMM_OK;
}

scomm_status
scomm_polys_add_ewkb(scomm_polys *p, const char *hex, size_t len, int32_t *srid, int *type)
{
	HexReader	r = {hex, len / 2, 0, len % 2 != 0};
	WkbHeader	h;
	int32_t		nring0 = p->nring;
	int64_t		nvert0 = p->nvert;
	scomm_status st;

	if ((st = ReadHeader(&r, &h)) != SCOMM_OK)
		return st;
	*srid = h.srid;
	*type = h.type;
	if (h.type != SCOMM_WKB_POLYGON && h.type != SCOMM_WKB_MULTIPOLYGON)
		return SCOMM_EINVAL;
	if ((st = GrowFeat(p, (int64_t) p->nfeat + 2)) != SCOMM_OK ||
		(st = GrowRing(p, (int64_t) p->nring + 1)) != SCOMM_OK)
		return st;
	p->ring_vert[p->nring] = p->nvert;
	st = ReadPolygonal(&r, &h, p);
	if (st == SCOMM_OK && Left(&r) != 0)
		st = SCOMM_ECORRUPT;	/* trailing bytes */
	if (st != SCOMM_OK)
	{
		/* drop what was read of this feature */
		p->nring = nring0;
		p->nvert = nvert0;
		p->ring_vert[p->nring] = p->nvert;
		return st;
	}
	p->feat_ring[p->nfeat] = nring0;
	p->nfeat++;
	p->feat_ring[p->nfeat] = p->nring;
	return SCOMM_OK;
}

scomm_status
scomm_ewkb_point(const char *hex, size_t len, double *x, double *y, int32_t *srid, int *type)
{
	HexReader	r = {hex, len / 2, 0, len % 2 != 0};
	WkbHeader	h;
	int			d;
	scomm_status st;

	if ((st = ReadHeader(&r, &h)) != SCOMM_OK)
		return st;
	*srid = h.srid;
	*type = h.type;
	if (h.type != SCOMM_WKB_POINT)
		return SCOMM_EINVAL;
	*x = ReadF64(&r, h.little);
	*y = ReadF64(&r, h.little);
	for (d = 2; d < h.dims; d++)
		(void) ReadF64(&r, h.little);
	if (r.bad || Left(&r) != 0)
		return SCOMM_ECORRUPT;
	/* POINT EMPTY is written with NaN coordinates */
	if (isnan(*x) && isnan(*y))
		return SCOMM_EEMPTY;
	if (!isfinite(*x) || !isfinite(*y))
		return SCOMM_ERANGE;
	return SCOMM_OK;
}

const char *
scomm_wkb_type_name(int type)
{
	static const char *const names[] = {
		"UNKNOWN", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT",
		"MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"
	};

	return type >= 1 && type <= 7 ? names[type] : names[0];
}
