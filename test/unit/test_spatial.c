/*
 * test_spatial.c: unit tests of the spatial core (EWKB reading, the grid
 * point-in-polygon index, queen contiguity, Moran's I).
 *
 * The point-in-polygon answers are checked against a brute-force winding
 * number test written here; Moran's I against hand computations on a 3 x 3
 * grid (worked out in the comments) and against the exact mean and variance
 * over all 9! = 362,880 permutations of the values.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "spatial.h"

/* ---------------------------------------------------------------------- */
/* EWKB writing (hex), independent of the reader */

typedef struct Hex
{
	char		s[1 << 16];
	size_t		n;
	int			little;
} Hex;

static void
PutByte(Hex *h, unsigned b)
{
	static const char digits[] = "0123456789ABCDEF";

	h->s[h->n++] = digits[(b >> 4) & 15];
	h->s[h->n++] = digits[b & 15];
	h->s[h->n] = '\0';
}

static void
PutU32(Hex *h, uint32_t v)
{
	int			k;

	for (k = 0; k < 4; k++)
		PutByte(h, h->little ? (v >> (8 * k)) & 255 : (v >> (8 * (3 - k))) & 255);
}

static void
PutF64(Hex *h, double d)
{
	uint64_t	v;
	int			k;

	memcpy(&v, &d, 8);
	for (k = 0; k < 8; k++)
		PutByte(h, h->little ? (v >> (8 * k)) & 255 : (v >> (8 * (7 - k))) & 255);
}

static void
PutHeader(Hex *h, uint32_t type, int32_t srid)
{
	PutByte(h, h->little);
	PutU32(h, type | (srid ? 0x20000000u : 0));
	if (srid)
		PutU32(h, (uint32_t) srid);
}

/* a rectangle as one ring, counter-clockwise */
static void
PutRectRing(Hex *h, double x0, double y0, double x1, double y1)
{
	PutU32(h, 5);
	PutF64(h, x0); PutF64(h, y0);
	PutF64(h, x1); PutF64(h, y0);
	PutF64(h, x1); PutF64(h, y1);
	PutF64(h, x0); PutF64(h, y1);
	PutF64(h, x0); PutF64(h, y0);
}

static void
RectPolygon(Hex *h, int little, double x0, double y0, double x1, double y1)
{
	h->n = 0;
	h->little = little;
	PutHeader(h, 3, 4326);
	PutU32(h, 1);
	PutRectRing(h, x0, y0, x1, y1);
}

/* add a rectangle feature to p */
static void
AddRect(scomm_polys *p, double x0, double y0, double x1, double y1)
{
	Hex			h;
	int32_t		srid;
	int			type;

	RectPolygon(&h, 1, x0, y0, x1, y1);
	if (scomm_polys_add_ewkb(p, h.s, h.n, &srid, &type) != SCOMM_OK)
		abort();
}

/* add a polygon with one ring of n points (closed by the reader) */
static void
AddRing(scomm_polys *p, const double *x, const double *y, int n)
{
	Hex			h = {.n = 0, .little = 1};
	int32_t		srid;
	int			type,
				k;

	PutHeader(&h, 3, 0);
	PutU32(&h, 1);
	PutU32(&h, (uint32_t) n);
	for (k = 0; k < n; k++)
	{
		PutF64(&h, x[k]);
		PutF64(&h, y[k]);
	}
	if (scomm_polys_add_ewkb(p, h.s, h.n, &srid, &type) != SCOMM_OK)
		abort();
}

static void
TestEwkb(void)
{
	scomm_polys p;
	Hex			h;
	int32_t		srid;
	int			type;
	double		x,
				y;
	scomm_status st;

	scomm_polys_init(&p);
	RectPolygon(&h, 1, 0, 0, 2, 1);
	st = scomm_polys_add_ewkb(&p, h.s, h.n, &srid, &type);
	tap_ok(st == SCOMM_OK && srid == 4326 && type == 3 && p.nfeat == 1 && p.nring == 1 && p.nvert == 5,
		   "little-endian polygon with SRID: 1 feature, 1 ring, 5 vertices");
	tap_ok(p.x[2] == 2 && p.y[2] == 1, "vertex coordinates read back");
	RectPolygon(&h, 0, 10, 10, 11, 12);
	st = scomm_polys_add_ewkb(&p, h.s, h.n, &srid, &type);
	tap_ok(st == SCOMM_OK && p.nfeat == 2 && p.x[p.ring_vert[1] + 2] == 11 && p.y[p.ring_vert[1] + 2] == 12,
		   "big-endian polygon");

	/* multipolygon of two squares, the second with a hole; Z ordinates */
	h.n = 0;
	h.little = 1;
	PutHeader(&h, 6 | 0x80000000u, 4326);
	PutU32(&h, 2);
	PutHeader(&h, 3 | 0x80000000u, 0);
	PutU32(&h, 1);
	PutU32(&h, 4);
	PutF64(&h, 0); PutF64(&h, 0); PutF64(&h, 7);
	PutF64(&h, 1); PutF64(&h, 0); PutF64(&h, 7);
	PutF64(&h, 0); PutF64(&h, 1); PutF64(&h, 7);
	PutF64(&h, 0); PutF64(&h, 0); PutF64(&h, 7);
	PutHeader(&h, 3 | 0x80000000u, 0);
	PutU32(&h, 2);
	PutU32(&h, 5);
	PutF64(&h, 5); PutF64(&h, 5); PutF64(&h, 0);
	PutF64(&h, 9); PutF64(&h, 5); PutF64(&h, 0);
	PutF64(&h, 9); PutF64(&h, 9); PutF64(&h, 0);
	PutF64(&h, 5); PutF64(&h, 9); PutF64(&h, 0);
	PutF64(&h, 5); PutF64(&h, 5); PutF64(&h, 0);
	PutU32(&h, 4);
	PutF64(&h, 6); PutF64(&h, 6); PutF64(&h, 0);
	PutF64(&h, 6); PutF64(&h, 7); PutF64(&h, 0);
	PutF64(&h, 7); PutF64(&h, 6); PutF64(&h, 0);
	PutF64(&h, 6); PutF64(&h, 6); PutF64(&h, 0);
	st = scomm_polys_add_ewkb(&p, h.s, h.n, &srid, &type);
	tap_ok(st == SCOMM_OK && type == 6 && p.nfeat == 3 && p.feat_ring[3] - p.feat_ring[2] == 3,
		   "multipolygon Z: one feature of 3 rings");
	tap_ok(p.x[p.ring_vert[2] + 1] == 1 && p.y[p.ring_vert[2] + 1] == 0, "Z ordinate skipped");

	/* malformed text: nothing is added */
	RectPolygon(&h, 1, 0, 0, 1, 1);
	tap_ok(scomm_polys_add_ewkb(&p, h.s, h.n - 2, &srid, &type) == SCOMM_ECORRUPT, "truncated: corrupt");
	tap_ok(scomm_polys_add_ewkb(&p, h.s, h.n - 1, &srid, &type) == SCOMM_ECORRUPT, "odd length: corrupt");
	h.s[20] = 'G';
	tap_ok(scomm_polys_add_ewkb(&p, h.s, h.n, &srid, &type) == SCOMM_ECORRUPT, "non-hex character: corrupt");
	RectPolygon(&h, 1, 0, 0, 1, 1);
	h.s[1] = '7';
	tap_ok(scomm_polys_add_ewkb(&p, h.s, h.n, &srid, &type) == SCOMM_ECORRUPT, "byte order 7: corrupt");
	RectPolygon(&h, 1, 0, 0, 1, 1);
	PutByte(&h, 0);
	tap_ok(scomm_polys_add_ewkb(&p, h.s, h.n, &srid, &type) == SCOMM_ECORRUPT, "trailing byte: corrupt");
	h.n = 0;
	PutHeader(&h, 3, 0);
	PutU32(&h, 1);
	PutU32(&h, 0x7fffffff);
	tap_ok(scomm_polys_add_ewkb(&p, h.s, h.n, &srid, &type) == SCOMM_ECORRUPT,
		   "a point count beyond the text: corrupt (no huge allocation)");
	h.n = 0;
	PutHeader(&h, 3, 0);
	PutU32(&h, 1);
	PutU32(&h, 1);
	PutF64(&h, NAN);
	PutF64(&h, 0);
	tap_ok(scomm_polys_add_ewkb(&p, h.s, h.n, &srid, &type) == SCOMM_ERANGE, "NaN vertex: out of range");
	h.n = 0;
	PutHeader(&h, 3, 0);
	PutU32(&h, 1);
	PutU32(&h, 1);
	PutF64(&h, 0);
	PutF64(&h, -1e308);
	tap_ok(scomm_polys_add_ewkb(&p, h.s, h.n, &srid, &type) == SCOMM_ERANGE,
		   "vertex beyond 1e100: out of range");
	tap_ok(p.nfeat == 3 && p.nring == 5 && p.ring_vert[p.nring] == p.nvert, "failed reads added nothing");

	/* other types */
	h.n = 0;
	PutHeader(&h, 2, 0);
	PutU32(&h, 0);
	tap_ok(scomm_polys_add_ewkb(&p, h.s, h.n, &srid, &type) == SCOMM_EINVAL && type == 2,
		   "linestring: not polygonal, type reported");
	h.n = 0;
	PutHeader(&h, 1, 4269);
	PutF64(&h, -95.5);
	PutF64(&h, 29.75);
	st = scomm_ewkb_point(h.s, h.n, &x, &y, &srid, &type);
	tap_ok(st == SCOMM_OK && x == -95.5 && y == 29.75 && srid == 4269, "point with SRID");
	h.n = 0;
	PutHeader(&h, 1, 0);
	PutF64(&h, NAN);
	PutF64(&h, NAN);
	tap_ok(scomm_ewkb_point(h.s, h.n, &x, &y, &srid, &type) == SCOMM_EEMPTY, "POINT EMPTY");
	h.n = 0;
	PutHeader(&h, 1, 0);
	PutF64(&h, INFINITY);
	PutF64(&h, 0);
	tap_ok(scomm_ewkb_point(h.s, h.n, &x, &y, &srid, &type) == SCOMM_ERANGE, "infinite point: out of range");
	RectPolygon(&h, 1, 0, 0, 1, 1);
	tap_ok(scomm_ewkb_point(h.s, h.n, &x, &y, &srid, &type) == SCOMM_EINVAL && type == 3,
		   "a polygon is not a point");
	h.n = 0;
	PutHeader(&h, 6, 0);
	PutU32(&h, 0);
	st = scomm_polys_add_ewkb(&p, h.s, h.n, &srid, &type);
	tap_ok(st == SCOMM_OK && p.feat_ring[p.nfeat] == p.feat_ring[p.nfeat - 1], "empty multipolygon: a feature without rings");
	tap_ok(strcmp(scomm_wkb_type_name(6), "MULTIPOLYGON") == 0 && strcmp(scomm_wkb_type_name(99), "UNKNOWN") == 0,
		   "type names");
	scomm_polys_free(&p);
}

/* ---------------------------------------------------------------------- */
/* Brute force: winding number of every ring, boundary included */

static int
OnSeg(double ax, double ay, double bx, double by, double x, double y)
{
	return (bx - ax) * (y - ay) - (by - ay) * (x - ax) == 0 &&
		x >= fmin(ax, bx) && x <= fmax(ax, bx) && y >= fmin(ay, by) && y <= fmax(ay, by);
}

static int
BruteContains(const scomm_polys *p, int32_t f, double x, double y)
{
	int			wn = 0;
	int32_t		r;

	for (r = p->feat_ring[f]; r < p->feat_ring[f + 1]; r++)
	{
		int64_t		v;
		int			w = 0;

		for (v = p->ring_vert[r]; v + 1 < p->ring_vert[r + 1]; v++)
		{
			double		ax = p->x[v],
						ay = p->y[v],
						bx = p->x[v + 1],
						by = p->y[v + 1],
						o = (bx - ax) * (y - ay) - (by - ay) * (x - ax);

			if (OnSeg(ax, ay, bx, by, x, y))
				return 1;
			if (ay <= y && by > y && o > 0)
				w++;
			else if (ay > y && by <= y && o < 0)
				w--;
		}
		/* rings of either orientation: a hole inside a shell cancels it */
		wn += w != 0;
	}
	return wn % 2 == 1;
}

static int32_t
BruteFind(const scomm_polys *p, double x, double y)
{
	int32_t		f;

	for (f = 0; f < p->nfeat; f++)
		if (BruteContains(p, f, x, y))
			return f;
	return -1;
}

static uint64_t rng_state = 12345;

static double
Uniform(void)
{
	rng_state = rng_state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return (rng_state >> 11) * (1.0 / 9007199254740992.0);
}

/* a 3 x 3 grid of unit squares, feature 3 * row + col */
static void
Grid3(scomm_polys *p)
{
	int			r,
				c;

	scomm_polys_init(p);
	for (r = 0; r < 3; r++)
		for (c = 0; c < 3; c++)
			AddRect(p, c, r, c + 1, r + 1);
}

static void
TestFindGrid(void)
{
	scomm_polys p;
	scomm_grid	g;
	int			bad = 0,
				k;

	Grid3(&p);
	tap_ok(scomm_grid_build(&g, &p, 4) == SCOMM_OK, "grid index of a 3 x 3 grid");
	tap_ok(scomm_grid_find(&g, 0.5, 0.5) == 0 && scomm_grid_find(&g, 2.5, 2.5) == 8 &&
		   scomm_grid_find(&g, 1.5, 1.5) == 4, "cell centres");
	tap_ok(scomm_grid_find(&g, 1, 0.5) == 0 && scomm_grid_find(&g, 2, 1.5) == 4,
		   "on a shared edge: the lower feature");
	tap_ok(scomm_grid_find(&g, 1, 1) == 0 && scomm_grid_find(&g, 2, 2) == 4,
		   "on a corner of four squares: the lowest feature");
	tap_ok(scomm_grid_find(&g, 3, 3) == 8 && scomm_grid_find(&g, 0, 0) == 0 && scomm_grid_find(&g, 3, 1.5) == 5,
		   "on the outer boundary: inside");
	tap_ok(scomm_grid_find(&g, -0.001, 1) == -1 && scomm_grid_find(&g, 3.000001, 1) == -1 &&
		   scomm_grid_find(&g, 1, 17) == -1 && scomm_grid_find(&g, NAN, 1) == -1,
		   "outside: -1");
	for (k = 0; k < 20000; k++)
	{
		double		x = Uniform() * 3.4 - 0.2,
					y = Uniform() * 3.4 - 0.2;

		/* also points exactly on grid lines */
		if (k % 4 == 1)
			x = floor(x * 4) / 4;
		if (k % 4 == 2)
			y = floor(y * 2) / 2;
		bad += scomm_grid_find(&g, x, y) != BruteFind(&p, x, y);
	}
	tap_ok(bad == 0, "20,000 points (a quarter on grid lines) as brute force");
	scomm_grid_free(&g);
	scomm_polys_free(&p);
}

/* irregular polygons: a jittered coverage of quadrilaterals, an enclave, a
 * polygon with a hole, a comb, spikes; with each grid density */
static void
TestFindIrregular(void)
{
	enum
	{
	N = 12};
	double		vx[N + 1][N + 1],
				vy[N + 1][N + 1];
	scomm_polys p;
	int			i,
				j,
				k,
				density,
				bad = 0;
	double		combx[] = {20, 30, 30, 28, 28, 26, 26, 24, 24, 22, 22, 20},
				comby[] = {0, 0, 10, 10, 2, 2, 10, 10, 2, 2, 10, 10};
	double		starx[36],
				stary[36];

	scomm_polys_init(&p);
	for (i = 0; i <= N; i++)
		for (j = 0; j <= N; j++)
		{
			vx[i][j] = j + (j > 0 && j < N ? (Uniform() - 0.5) * 0.6 : 0);
			vy[i][j] = i + (i > 0 && i < N ? (Uniform() - 0.5) * 0.6 : 0);
		}
	for (i = 0; i < N; i++)
		for (j = 0; j < N; j++)
		{
			double		x[4] = {vx[i][j], vx[i][j + 1], vx[i + 1][j + 1], vx[i + 1][j]};
			double		y[4] = {vy[i][j], vy[i][j + 1], vy[i + 1][j + 1], vy[i + 1][j]};

			AddRing(&p, x, y, 4);
		}
	AddRing(&p, combx, comby, 12);
	for (k = 0; k < 36; k++)
	{
		double		r = k % 2 ? 1.5 : 4;

		starx[k] = 40 + r * cos(2 * M_PI * k / 36);
		stary[k] = 5 + r * sin(2 * M_PI * k / 36);
	}
	AddRing(&p, starx, stary, 36);
	/* square with a square hole, and an island in the hole */
	{
		Hex			h = {.n = 0, .little = 1};
		int32_t		srid;
		int			type;

		PutHeader(&h, 3, 0);
		PutU32(&h, 2);
		PutRectRing(&h, 50, 0, 60, 10);
		PutRectRing(&h, 52, 2, 58, 8);
		if (scomm_polys_add_ewkb(&p, h.s, h.n, &srid, &type) != SCOMM_OK)
			abort();
		AddRect(&p, 54, 4, 56, 6);
	}
	for (density = 0; density < 3; density++)
	{
		scomm_grid	g;
		double		cps[] = {0.05, 1, 16};

		if (scomm_grid_build(&g, &p, cps[density]) != SCOMM_OK)
			abort();
		for (k = 0; k < 30000; k++)
		{
			double		x = Uniform() * 62 - 1,
						y = Uniform() * 14 - 1;

			if (k % 5 == 0)
			{
				/* a vertex */
				int64_t		v = (int64_t) (Uniform() * p.nvert);

				x = p.x[v];
				y = p.y[v];
			}
			else if (k % 5 == 1)
			{
				/* on a horizontal or vertical line through vertices */
				int64_t		v = (int64_t) (Uniform() * p.nvert);

				if (k % 2)
					x = p.x[v];
				else
					y = p.y[v];
			}
			bad += scomm_grid_find(&g, x, y) != BruteFind(&p, x, y);
		}
		scomm_grid_free(&g);
	}
	tap_ok(bad == 0, "90,000 points (vertices, lines through vertices) in irregular polygons, holes and spikes, three grid densities, as brute force");
	tap_ok(BruteFind(&p, 55, 5) == p.nfeat - 1 && BruteFind(&p, 53, 5) == -1 && BruteFind(&p, 51, 5) == p.nfeat - 2,
		   "brute force itself: island, hole, ring");
	scomm_polys_free(&p);
}

static void
TestEmpty(void)
{
	scomm_polys p;
	scomm_grid	g;
	scomm_pair *pairs;
	int64_t		n;

	scomm_polys_init(&p);
	tap_ok(scomm_grid_build(&g, &p, 4) == SCOMM_OK && scomm_grid_find(&g, 0, 0) == -1,
		   "no features: every point is outside");
	tap_ok(scomm_grid_contiguity(&g, &pairs, &n) == SCOMM_OK && n == 0, "no features: no pairs");
	scomm_core_free(pairs);
	scomm_grid_free(&g);
	scomm_polys_free(&p);
}

/* ---------------------------------------------------------------------- */
/* Contiguity */

static void
TestContiguity(void)
{
	scomm_polys p;
	scomm_grid	g;
	scomm_pair *pairs;
	int64_t		n,
				k;
	int			edges = 0,
				corners = 0,
				want_ok = 1;
	double		dx[] = {5, 5.5, 5, 4.5},
				dy[] = {1, 1.5, 2, 1.5};

	Grid3(&p);
	scomm_grid_build(&g, &p, 4);
	scomm_grid_contiguity(&g, &pairs, &n);
	for (k = 0; k < n; k++)
	{
		int			ra = pairs[k].a / 3,
					ca = pairs[k].a % 3,
					rb = pairs[k].b / 3,
					cb = pairs[k].b % 3,
					rook = abs(ra - rb) + abs(ca - cb) == 1;

		edges += pairs[k].shares_edge;
		corners += !pairs[k].shares_edge;
		want_ok &= pairs[k].shares_edge == rook && abs(ra - rb) <= 1 && abs(ca - cb) <= 1 && pairs[k].a < pairs[k].b;
	}
	/* 3 x 3 queen grid: 6 horizontal + 6 vertical edges, 2 diagonals in each
	 * of the 4 blocks of 2 x 2 */
	tap_ok(n == 20 && edges == 12 && corners == 8 && want_ok, "3 x 3 grid: 20 pairs, 12 edges, 8 corners");
	scomm_core_free(pairs);
	scomm_grid_free(&g);
	scomm_polys_free(&p);

	/* T-junction: 1 and 2 meet at (1, 1) on feature 0's edge, which has no
	 * vertex there; the diamond 3 touches 0's top edge only at (5, 1) */
	scomm_polys_init(&p);
	AddRect(&p, 0, 0, 8, 1);
	AddRect(&p, 0, 1, 1, 2);
	AddRect(&p, 1, 1, 2, 2);
	AddRing(&p, dx, dy, 4);
	AddRect(&p, 20, 20, 21, 21);
	scomm_grid_build(&g, &p, 4);
	scomm_grid_contiguity(&g, &pairs, &n);
	tap_ok(n == 4 &&
		   pairs[0].a == 0 && pairs[0].b == 1 && pairs[0].shares_edge &&
		   pairs[1].a == 0 && pairs[1].b == 2 && pairs[1].shares_edge &&
		   pairs[2].a == 0 && pairs[2].b == 3 && !pairs[2].shares_edge &&
		   pairs[3].a == 1 && pairs[3].b == 2 && pairs[3].shares_edge,
		   "T-junction and a point touch on an edge; the far square has no neighbour");
	scomm_core_free(pairs);
	scomm_grid_free(&g);
	scomm_polys_free(&p);
}

/* ---------------------------------------------------------------------- */
/* Moran's I on the 3 x 3 grid with values 1..9 row by row */

static scomm_weights
GridWeights(scomm_weight_style style)
{
	int32_t		from[40],
				to[40];
	int64_t		n = 0,
				bad;
	int			a,
				b;
	scomm_weights w;

	for (a = 0; a < 9; a++)
		for (b = 0; b < 9; b++)
			if (a != b && abs(a / 3 - b / 3) <= 1 && abs(a % 3 - b % 3) <= 1)
			{
				from[n] = a;
				to[n++] = b;
			}
	if (n != 40 || scomm_weights_build(&w, 9, n, from, to, style, &bad) != SCOMM_OK)
		abort();
	return w;
}

/* exact mean and variance of I over all permutations (Heap's algorithm) */
static void
AllPermutations(const scomm_weights *w, const double *x, double *mean, double *var)
{
	double		v[9],
				sum = 0,
				sum2 = 0;
	int			c[9] = {0},
				i = 0,
				count = 0;
	scomm_moran m;

	memcpy(v, x, sizeof v);
	scomm_moran_global(v, w, 0, 1, &m);
	sum += m.i;
	sum2 += m.i * m.i;
	count++;
	while (i < 9)
	{
		if (c[i] < i)
		{
			int			j = i % 2 == 0 ? 0 : c[i];
			double		t = v[j];

			v[j] = v[i];
			v[i] = t;
			scomm_moran_global(v, w, 0, 1, &m);
			sum += m.i;
			sum2 += m.i * m.i;
			count++;
			c[i]++;
			i = 0;
		}
		else
			c[i++] = 0;
	}
	*mean = sum / count;
	*var = sum2 / count - *mean * *mean;
	tap_ok(count == 362880, "9! permutations enumerated");
}

static void
TestMoranHand(void)
{
	double		x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	scomm_weights wb = GridWeights(SCOMM_WEIGHTS_BINARY),
				wr = GridWeights(SCOMM_WEIGHTS_ROW);
	scomm_moran m;
	scomm_lisa	l[9];
	uint64_t	key[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	double		mean,
				var;

	tap_ok(wb.s0 == 40 && wr.s0 == 9 && wb.islands == 0, "S0: 40 binary, 9 row-standardised");

	/*
	 * z = x - 5 = -4..4, sum z^2 = 60.  Queen pairs (unordered) and their
	 * products z_i z_j: rows 12 + 6, 0 + 0, 6 + 12 = 36; columns 4 - 2,
	 * 0 + 0, -2 + 4 = 4; diagonals 0 + 3, -3 + 0, -3 + 0, 0 + 3 = 0: total
	 * 40, both directions 80.  Binary: I = 9 / 40 * 80 / 60 = 0.3.
	 */
	tap_ok(scomm_moran_global(x, &wb, 0, 1, &m) == SCOMM_OK, "global, binary weights");
	tap_close(m.i, 0.3, 1e-14, "binary I = 0.3 (hand)");
	tap_close(m.expected, -0.125, 1e-15, "E[I] = -1/8");

	/*
	 * Row-standardised: z_i times the mean of its neighbours' z: corners
	 * (-4)(-4/3) = 16/3 and (-2)(-2/3) = 4/3, edges (-3)(-6/5) = 18/5 and
	 * (-1)(-2/5) = 2/5, the same again on the other side, centre 0: sum
	 * 2 (16/3 + 4/3 + 18/5 + 2/5) = 64/3.  I = 9 / 9 * (64/3) / 60 = 16/45.
	 */
	scomm_moran_global(x, &wr, 0, 1, &m);
	tap_close(m.i, 16.0 / 45, 1e-14, "row-standardised I = 16/45 (hand)");

	/* local: m2 = 60/9, I_i = z_i lag_i / m2: corner 0 = (16/3) (9/60) = 0.8,
	 * edge 1 = (18/5) (9/60) = 0.54, edge 3 = (2/5) (9/60) = 0.06 */
	tap_ok(scomm_moran_local(x, &wr, 0, 1, key, l) == SCOMM_OK, "local, row-standardised");
	tap_close(l[0].i, 0.8, 1e-14, "I_0 = 0.8 (hand)");
	tap_close(l[1].i, 0.54, 1e-14, "I_1 = 0.54 (hand)");
	tap_close(l[3].i, 0.06, 1e-14, "I_3 = 0.06 (hand)");
	tap_close(l[4].i, 0, 1e-14, "I_4 = 0 (centre, z = 0)");
	tap_close(l[0].lag, (2 + 4 + 5) / 3.0, 1e-14, "lag of unit 0: mean of 2, 4, 5");
	tap_ok(l[0].quadrant == SCOMM_QUADRANT_LL && l[8].quadrant == SCOMM_QUADRANT_HH &&
		   l[2].quadrant == SCOMM_QUADRANT_LL && l[6].quadrant == SCOMM_QUADRANT_HH,
		   "quadrants: low corners low-low, high corners high-high");
	{
		double		s = 0;
		int			i;

		for (i = 0; i < 9; i++)
			s += l[i].i;
		tap_close(s, 9 * 16.0 / 45, 1e-13, "sum of local I = n I (row-standardised)");
	}

	/* exact permutation distribution against E[I] and Cliff & Ord's variance */
	scomm_moran_global(x, &wb, 0, 1, &m);
	AllPermutations(&wb, x, &mean, &var);
	tap_close(mean, -1.0 / 8, 1e-12, "binary: mean of I over all permutations = -1/(n-1)");
	tap_close(var, m.variance, 1e-12, "binary: variance over all permutations = randomization variance");
	scomm_moran_global(x, &wr, 0, 1, &m);
	AllPermutations(&wr, x, &mean, &var);
	tap_close(mean, -1.0 / 8, 1e-12, "row-standardised: mean over all permutations = -1/(n-1)");
	tap_close(var, m.variance, 1e-12, "row-standardised: variance over all permutations = randomization variance");
	tap_close(m.z, (16.0 / 45 + 0.125) / sqrt(m.variance), 1e-12, "z = (I - E[I]) / sd");

	/* permutation test: only the permutations with I >= 16/45 count */
	scomm_moran_global(x, &wr, 9999, 7, &m);
	tap_ok(m.p_permutation > 0 && m.p_permutation < 0.05, "clustered grid: permutation p < 0.05");
	tap_close(m.mean_permuted, -0.125, 4 * m.sd_permuted / sqrt(9999.0), "mean of 9,999 permuted I within 4 standard errors of -1/8");
	{
		scomm_moran m2;

		scomm_moran_global(x, &wr, 9999, 7, &m2);
		tap_ok(m2.p_permutation == m.p_permutation && m2.mean_permuted == m.mean_permuted, "same seed, same test");
		scomm_moran_global(x, &wr, 9999, 8, &m2);
		tap_ok(m2.mean_permuted != m.mean_permuted, "another seed, other permutations");
	}
	scomm_weights_free(&wb);
	scomm_weights_free(&wr);
}

/* local test: a unit's p depends on its key and the set of units, not the order */
static void
TestLocalOrder(void)
{
	enum
	{
	R = 12, N = R * R};
	int32_t		from[16 * N],
				to[16 * N],
				perm[N],
				inv[N];
	double		x[N],
				xp[N];
	uint64_t	key[N],
				keyp[N];
	scomm_lisa	a[N],
				b[N];
	scomm_weights w,
				wp;
	int64_t		n = 0,
				np = 0,
				bad;
	int			i,
				j,
				same = 1,
				sig = 0;

	for (i = 0; i < N; i++)
	{
		x[i] = (i / R < R / 2 && i % R < R / 2 ? 10 : 0) + Uniform();
		key[i] = 1000 + i;
		perm[i] = i;
	}
	for (i = N - 1; i > 0; i--)
	{
		int			k = (int) (Uniform() * (i + 1)),
					t = perm[i];

		perm[i] = perm[k];
		perm[k] = t;
	}
	for (i = 0; i < N; i++)
	{
		inv[perm[i]] = i;
		xp[i] = x[perm[i]];
		keyp[i] = key[perm[i]];
	}
	for (i = 0; i < N; i++)
		for (j = 0; j < N; j++)
			if (i != j && abs(i / R - j / R) <= 1 && abs(i % R - j % R) <= 1)
			{
				from[n] = i;
				to[n++] = j;
			}
	for (i = 0; i < N; i++)
		for (j = 0; j < N; j++)
			if (i != j && abs(perm[i] / R - perm[j] / R) <= 1 && abs(perm[i] % R - perm[j] % R) <= 1)
			{
				/* the same neighbours, in the order of the original units */
				from[n + np] = i;
				to[n + np++] = j;
			}
	scomm_weights_build(&w, N, n, from, to, SCOMM_WEIGHTS_ROW, &bad);
	scomm_weights_build(&wp, N, np, from + n, to + n, SCOMM_WEIGHTS_ROW, &bad);
	scomm_moran_local(x, &w, 999, 3, key, a);
	scomm_moran_local(xp, &wp, 999, 3, keyp, b);
	for (i = 0; i < N; i++)
	{
		int			k = inv[i];

		/* neighbours sorted by index differ in order between the two, so the
		 * draws differ: compare only the statistics */
		same &= fabs(a[i].i - b[k].i) < 1e-12 && a[i].quadrant == b[k].quadrant;
		sig += a[i].p_permutation <= 0.05 && a[i].quadrant == SCOMM_QUADRANT_HH;
	}
	tap_ok(same, "local statistics do not depend on the order of the units");
	tap_ok(sig >= 10, "high block: at least 10 significant high-high units");
	scomm_weights_free(&w);
	scomm_weights_free(&wp);
}

static void
TestMoranErrors(void)
{
	int32_t		from[] = {0, 1, 1, 2},
				to[] = {1, 0, 2, 1},
				dup_to[] = {1, 0, 0, 1},
				self_to[] = {1, 1, 2, 1},
				far_to[] = {1, 0, 2, 3};
	double		x[] = {1, 2, 3},
				flat[] = {2, 2, 2},
				bad_x[] = {1, NAN, 3};
	uint64_t	key[] = {1, 2, 3};
	scomm_lisa	l[3];
	scomm_weights w;
	scomm_moran m;
	int64_t		bad;

	tap_ok(scomm_weights_build(&w, 3, 4, from, dup_to, SCOMM_WEIGHTS_ROW, &bad) == SCOMM_EINVAL && bad == 2,
		   "a pair given twice: invalid, its position");
	tap_ok(scomm_weights_build(&w, 3, 4, from, self_to, SCOMM_WEIGHTS_ROW, &bad) == SCOMM_EINVAL && bad == 1,
		   "a unit paired with itself: invalid");
	tap_ok(scomm_weights_build(&w, 3, 4, from, far_to, SCOMM_WEIGHTS_ROW, &bad) == SCOMM_EINVAL && bad == 3,
		   "an index out of range: invalid");
	scomm_weights_build(&w, 3, 4, from, to, SCOMM_WEIGHTS_ROW, &bad);
	tap_ok(scomm_moran_global(x, &w, 9, 1, &m) == SCOMM_OK && isnan(m.variance) && isnan(m.z),
		   "n = 3: I, but no variance");
	tap_ok(scomm_moran_global(flat, &w, 9, 1, &m) == SCOMM_EINVAL, "equal values: invalid");
	tap_ok(scomm_moran_global(bad_x, &w, 9, 1, &m) == SCOMM_EINVAL, "NaN value: invalid");
	tap_ok(scomm_moran_global(x, &w, -1, 1, &m) == SCOMM_EINVAL, "negative permutations: invalid");
	tap_ok(scomm_moran_local(flat, &w, 9, 1, key, l) == SCOMM_EINVAL, "local, equal values: invalid");
	scomm_weights_free(&w);
	scomm_weights_build(&w, 2, 2, from, to, SCOMM_WEIGHTS_ROW, &bad);
	tap_ok(scomm_moran_global(x, &w, 9, 1, &m) == SCOMM_EINVAL, "n = 2: invalid");
	scomm_weights_free(&w);
	scomm_weights_build(&w, 3, 0, from, to, SCOMM_WEIGHTS_ROW, &bad);
	tap_ok(w.islands == 3 && scomm_moran_global(x, &w, 9, 1, &m) == SCOMM_EINVAL, "no pairs: invalid");
	scomm_weights_free(&w);
	/* an island: no lag, no p, no quadrant */
	{
		int32_t		f4[] = {0, 1, 1, 2},
					t4[] = {1, 0, 2, 1};
		double		x4[] = {1, 5, 2, 8};
		uint64_t	k4[] = {1, 2, 3, 4};
		scomm_lisa	l4[4];

		scomm_weights_build(&w, 4, 4, f4, t4, SCOMM_WEIGHTS_ROW, &bad);
		tap_ok(w.islands == 1 && w.s0 == 3 && scomm_moran_local(x4, &w, 99, 1, k4, l4) == SCOMM_OK &&
			   isnan(l4[3].lag) && isnan(l4[3].p_permutation) && l4[3].quadrant == SCOMM_QUADRANT_NONE &&
			   l4[3].i == 0 && !isnan(l4[0].p_permutation),
			   "an island: no lag, p or quadrant; S0 counts the others");
		scomm_weights_free(&w);
	}
}

/* ---------------------------------------------------------------------- */
/* Hostile layers: long segments, features below the coordinates' precision */

/* even-odd rule by the crossings of a ray to +x (boundary included) */
static int
ParityContains(const scomm_polys *p, int32_t f, double x, double y)
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
			if ((ay > y) != (by > y) && x < (bx - ax) * (y - ay) / (by - ay) + ax)
				inside ^= 1;
		}
	}
	return inside;
}

static void
TestHostileLayers(void)
{
	scomm_polys p;
	scomm_grid	g;
	scomm_pair *pairs;
	int64_t		n,
				k,
				brute = 0;
	int			bad = 0,
				i,
				j,
				nstar;
	double	   *sx,
			   *sy;
	double		t0 = 1e15;

	/* a star polygon {40001/20000}: every segment spans the whole box */
	nstar = 40001;
	sx = malloc(sizeof(double) * (nstar + 1));
	sy = malloc(sizeof(double) * (nstar + 1));
	for (k = 0; k <= nstar; k++)
	{
		double		a = 2 * M_PI * (double) ((k * 20000) % nstar) / nstar;

		sx[k] = cos(a);
		sy[k] = sin(a);
	}
	scomm_polys_init(&p);
	p.nfeat = p.nring = 1;
	p.nvert = nstar + 1;
	p.feat_ring = calloc(2, sizeof(int32_t));
	p.ring_vert = calloc(2, sizeof(int64_t));
	p.feat_ring[1] = 1;
	p.ring_vert[1] = p.nvert;
	p.x = sx;
	p.y = sy;
	tap_ok(scomm_grid_build(&g, &p, 2) == SCOMM_OK, "self-intersecting star of 40,001 vertices: index built");
	tap_ok(g.nseg <= 8 * p.nvert + ((int64_t) 1 << 22),
		   "segment lists bounded by a few entries per segment (unbounded: over 1e9)");
	for (k = 0; k < 300; k++)
	{
		double		x = Uniform() * 2.2 - 1.1,
					y = Uniform() * 2.2 - 1.1;

		bad += (scomm_grid_find(&g, x, y) == 0) != ParityContains(&p, 0, x, y);
	}
	tap_ok(bad == 0, "star: 300 points as the even-odd rule by brute force");
	scomm_grid_free(&g);
	free(p.feat_ring);
	free(p.ring_vert);
	free(sx);
	free(sy);

	/* a square one unit in the last place wide at 1e15 (the whole interior
	 * lies on the boundary), beside an ordinary one */
	scomm_polys_init(&p);
	AddRect(&p, t0, t0, t0 + 0.125, t0 + 0.125);
	AddRect(&p, t0 + 0.125, t0, t0 + 64, t0 + 64);
	tap_ok(scomm_grid_build(&g, &p, 4) == SCOMM_OK, "square below the coordinates' precision: index built");
	tap_ok(scomm_grid_find(&g, t0, t0) == 0 && scomm_grid_find(&g, t0 + 0.125, t0 + 0.0625) == 0 &&
		   scomm_grid_find(&g, t0 + 0.25, t0 + 0.0625) == 1 && scomm_grid_find(&g, t0 + 32, t0 + 63) == 1 &&
		   scomm_grid_find(&g, t0 - 0.125, t0) == -1 && scomm_grid_find(&g, t0 + 1, t0 + 65) == -1,
		   "its corners and edges, the neighbour, outside");
	bad = 0;
	for (k = 0; k < 3000; k++)
	{
		double		x = t0 - 1 + floor(Uniform() * 66 * 8) / 8,
					y = t0 - 1 + floor(Uniform() * 66 * 8) / 8;

		bad += scomm_grid_find(&g, x, y) != BruteFind(&p, x, y);
	}
	tap_ok(bad == 0, "3,000 representable points there as brute force");
	scomm_grid_free(&g);
	scomm_polys_free(&p);

	/* 150 overlapping squares: contiguity against every pair of segments */
	scomm_polys_init(&p);
	for (i = 0; i < 150; i++)
	{
		double		x = floor(Uniform() * 40) / 4,
					y = floor(Uniform() * 40) / 4;

		AddRect(&p, x, y, x + 5, y + 5);
	}
	scomm_grid_build(&g, &p, 2);
	tap_ok(scomm_grid_contiguity(&g, &pairs, &n) == SCOMM_OK, "150 overlapping squares: contiguity");
	bad = 0;
	k = 0;
	for (i = 0; i < p.nfeat; i++)
		for (j = i + 1; j < p.nfeat; j++)
		{
			/* closed boundaries of two axis-parallel squares meet unless
			 * they are apart or one lies strictly inside the other */
			double		ax0 = p.x[p.ring_vert[i]],
						ay0 = p.y[p.ring_vert[i]],
						bx0 = p.x[p.ring_vert[j]],
						by0 = p.y[p.ring_vert[j]];
			double		dx = fabs(ax0 - bx0),
						dy = fabs(ay0 - by0);
			int			meet = dx <= 5 && dy <= 5;
			int			edge = ((dx == 0 || dx == 5) && dy < 5) || ((dy == 0 || dy == 5) && dx < 5);

			brute += meet;
			if (meet)
			{
				while (k < n && (pairs[k].a < i || (pairs[k].a == i && pairs[k].b < j)))
				{
					bad++;
					k++;
				}
				if (k < n && pairs[k].a == i && pairs[k].b == j)
				{
					bad += pairs[k].shares_edge != edge;
					k++;
				}
				else
					bad++;
			}
		}
	tap_ok(bad == 0 && n == brute, "the same pairs and shared edges as a brute-force test");
	scomm_core_free(pairs);
	scomm_grid_free(&g);
	scomm_polys_free(&p);
}

/* Moran's I does not depend on the values' location or scale */
static void
TestMoranScale(void)
{
	int32_t		from[6] = {0, 1, 1, 2, 2, 3},
				to[6] = {1, 0, 2, 1, 3, 2};
	double		x01[4] = {0, 1, 0, 0},
				xbig[4],
				xhuge[4] = {1e300, -1e300, 1e300, -1e300},
				xpm[4] = {1, -1, 1, -1};
	int64_t		bad;
	scomm_weights w;
	scomm_moran a,
				b;

	xbig[0] = xbig[2] = xbig[3] = 1e8;
	xbig[1] = 1e8 + 1e-8;
	scomm_weights_build(&w, 4, 6, from, to, SCOMM_WEIGHTS_BINARY, &bad);
	scomm_moran_global(x01, &w, 0, 1, &a);
	tap_close(a.i, -5.0 / 9, 1e-12, "chain 0,1,0,0, binary weights: I = -5/9 (by hand)");
	tap_ok(scomm_moran_global(xbig, &w, 0, 1, &b) == SCOMM_OK, "1e8 and 1e8 + 1e-8: defined");
	tap_close(b.i, a.i, 1e-9, "1e8 and 1e8 + 1e-8: the I of 0, 1, 0, 0");
	tap_close(b.variance, a.variance, 1e-9, "and its variance");
	tap_ok(b.variance > 0, "a positive variance");
	scomm_moran_global(xpm, &w, 0, 1, &a);
	tap_ok(scomm_moran_global(xhuge, &w, 0, 1, &b) == SCOMM_OK, "+-1e300: defined");
	tap_close(b.i, a.i, 1e-12, "+-1e300: the I of +-1");
	tap_close(b.variance, a.variance, 1e-12, "and its variance");
	scomm_weights_free(&w);
}

int
main(void)
{
	TestEwkb();
	TestFindGrid();
	TestFindIrregular();
	TestEmpty();
	TestContiguity();
	TestMoranHand();
	TestLocalOrder();
	TestMoranErrors();
	TestHostileLayers();
	TestMoranScale();
	return tap_done();
}
