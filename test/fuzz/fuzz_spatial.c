/*
 * fuzz_spatial.c: libFuzzer harness of the spatial core on hostile layers.
 *
 * The input is a layer: polygons whose coordinates come from the bytes,
 * written as hex EWKB and read by scomm_polys_add_ewkb, then indexed by the
 * grid and asked for points and for contiguity.  The first byte picks the
 * mode.  In exact mode coordinates are small integers (every orientation
 * test is exact), and the answers must equal brute force: the even-odd rule
 * with the boundary included for county_of, every pair of segments for
 * contiguity.  In hostile mode coordinates are any doubles (NaN, infinities,
 * 1e308, subnormals): only statuses may come back, no crash, no undefined
 * behaviour, no endless loop (libFuzzer's -timeout).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spatial.h"

static void
Check(int cond)
{
	if (!cond)
		abort();
}

/* a byte cursor over the input */
typedef struct In
{
	const unsigned char *p;
	size_t		n;
} In;

static unsigned
Byte(In *in)
{
	unsigned	b;

	if (in->n == 0)
		return 0;
	b = *in->p++;
	in->n--;
	return b;
}

static double
Coord(In *in, int exact)
{
	uint64_t	v = 0;
	double		d;
	int			k;

	if (exact)
		return (double) (Byte(in) % 16);
	for (k = 0; k < 8; k++)
		v = v << 8 | Byte(in);
	memcpy(&d, &v, sizeof d);
	return d;
}

/* hex EWKB writer */
typedef struct Hex
{
	char	   *s;
	size_t		n;
} Hex;

static void
PutByte(Hex *h, unsigned b)
{
	static const char digits[] = "0123456789ABCDEF";

	h->s[h->n++] = digits[(b >> 4) & 15];
	h->s[h->n++] = digits[b & 15];
}

static void
PutU32(Hex *h, uint32_t v)
{
	int			k;

	for (k = 0; k < 4; k++)
		PutByte(h, (v >> (8 * k)) & 255);
}

static void
PutF64(Hex *h, double d)
{
	uint64_t	v;
	int			k;

	memcpy(&v, &d, 8);
	for (k = 0; k < 8; k++)
		PutByte(h, (v >> (8 * k)) & 255);
}

#define MAX_VERT 24

/* Read one polygon of the input (1 or 2 rings) and add it to p. */
static scomm_status
AddPolygon(scomm_polys *p, In *in, int exact)
{
	char		buf[2 * (16 + 2 * 4 + 2 * MAX_VERT * 16) + 64];
	Hex			h = {buf, 0};
	int			rings = 1 + Byte(in) % 2,
				r,
				k;
	int32_t		srid;
	int			type;

	PutByte(&h, 1);
	PutU32(&h, 3);
	PutU32(&h, (uint32_t) rings);
	for (r = 0; r < rings; r++)
	{
		int			npt = 3 + Byte(in) % (MAX_VERT - 3);

		PutU32(&h, (uint32_t) npt);
		for (k = 0; k < npt; k++)
		{
			PutF64(&h, Coord(in, exact));
			PutF64(&h, Coord(in, exact));
		}
	}
	return scomm_polys_add_ewkb(p, buf, h.n, &srid, &type);
}

/* the sign of the orientation, exact for small integer coordinates */
static double
Orient(double ax, double ay, double bx, double by, double qx, double qy)
{
	return (bx - ax) * (qy - ay) - (by - ay) * (qx - ax);
}

static int
OnSeg(double ax, double ay, double bx, double by, double x, double y)
{
	return Orient(ax, ay, bx, by, x, y) == 0 &&
		x >= fmin(ax, bx) && x <= fmax(ax, bx) && y >= fmin(ay, by) && y <= fmax(ay, by);
}

/* even-odd rule, boundary included, by a ray to +x (exact coordinates) */
static int
Contains(const scomm_polys *p, int32_t f, double x, double y)
{
	int			inside = 0;
	int32_t		r;

	for (r = p->feat_ring[f]; r < p->feat_ring[f + 1]; r++)
	{
		int64_t		v;

		for (v = p->ring_vert[r]; v + 1 < p->ring_vert[r + 1]; v++)
		{
			double		ax = p->x[v],
						ay = p->y[v],
						bx = p->x[v + 1],
						by = p->y[v + 1];

			if (OnSeg(ax, ay, bx, by, x, y))
				return 1;
			/* a crossing of the ray y = const, x' > x (half-open in y) */
			if ((ay > y) != (by > y))
			{
				double		o = Orient(ax, ay, bx, by, x, y);

				if ((by > ay) ? o > 0 : o < 0)
					inside ^= 1;
			}
		}
	}
	return inside;
}

static int32_t
BruteFind(const scomm_polys *p, double x, double y)
{
	int32_t		f;

	for (f = 0; f < p->nfeat; f++)
		if (Contains(p, f, x, y))
			return f;
	return -1;
}

/* do the closed segments meet (exact coordinates)? */
static int
Meet(double p1x, double p1y, double p2x, double p2y, double q1x, double q1y, double q2x, double q2y)
{
	double		d1 = Orient(q1x, q1y, q2x, q2y, p1x, p1y),
				d2 = Orient(q1x, q1y, q2x, q2y, p2x, p2y),
				d3 = Orient(p1x, p1y, p2x, p2y, q1x, q1y),
				d4 = Orient(p1x, p1y, p2x, p2y, q2x, q2y);

	if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
		return 1;
	return OnSeg(q1x, q1y, q2x, q2y, p1x, p1y) || OnSeg(q1x, q1y, q2x, q2y, p2x, p2y) ||
		OnSeg(p1x, p1y, p2x, p2y, q1x, q1y) || OnSeg(p1x, p1y, p2x, p2y, q2x, q2y);
}

static int
FeaturesMeet(const scomm_polys *p, int32_t a, int32_t b)
{
	int64_t		u,
				v;
	int32_t		ra,
				rb;

	for (ra = p->feat_ring[a]; ra < p->feat_ring[a + 1]; ra++)
		for (u = p->ring_vert[ra]; u + 1 < p->ring_vert[ra + 1]; u++)
			for (rb = p->feat_ring[b]; rb < p->feat_ring[b + 1]; rb++)
				for (v = p->ring_vert[rb]; v + 1 < p->ring_vert[rb + 1]; v++)
					if (Meet(p->x[u], p->y[u], p->x[u + 1], p->y[u + 1],
							 p->x[v], p->y[v], p->x[v + 1], p->y[v + 1]))
						return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	In			in = {data, size};
	int			exact = Byte(&in) % 2 == 0,
				nfeat = 1 + Byte(&in) % 6,
				k;
	scomm_polys p;
	scomm_grid	g;
	scomm_pair *pairs = NULL;
	int64_t		npairs = 0;
	scomm_status st;

	scomm_polys_init(&p);
	for (k = 0; k < nfeat && in.n > 0; k++)
	{
		st = AddPolygon(&p, &in, exact);
		Check(st == SCOMM_OK || st == SCOMM_ERANGE || st == SCOMM_ECORRUPT);
		if (exact)
			Check(st == SCOMM_OK);
	}
	st = scomm_grid_build(&g, &p, 1 + Byte(&in) % 4);
	Check(st == SCOMM_OK);
	/* points: from the input, and every vertex */
	for (k = 0; k < 16; k++)
	{
		double		x = exact ? (Byte(&in) % 34) / 2.0 - 0.5 : Coord(&in, 0),
					y = exact ? (Byte(&in) % 34) / 2.0 - 0.5 : Coord(&in, 0);
		int32_t		f = scomm_grid_find(&g, x, y);

		Check(f >= -1 && f < p.nfeat);
		if (exact)
			Check(f == BruteFind(&p, x, y));
	}
	for (k = 0; k < p.nvert; k++)
	{
		int32_t		f = scomm_grid_find(&g, p.x[k], p.y[k]);

		Check(f >= 0 && f < p.nfeat);
		if (exact)
			Check(f == BruteFind(&p, p.x[k], p.y[k]));
	}
	st = scomm_grid_contiguity(&g, &pairs, &npairs);
	Check(st == SCOMM_OK);
	if (exact)
	{
		int32_t		a,
					b;
		int64_t		j = 0;

		for (a = 0; a < p.nfeat; a++)
			for (b = a + 1; b < p.nfeat; b++)
			{
				int			found = j < npairs && pairs[j].a == a && pairs[j].b == b;

				Check(found == FeaturesMeet(&p, a, b));
				if (found)
					j++;
			}
		Check(j == npairs);
	}
	scomm_core_free(pairs);
	scomm_grid_free(&g);
	scomm_polys_free(&p);
	return 0;
}
