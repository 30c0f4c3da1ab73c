/*
 * spatial_contig.c: queen contiguity from the grid index.
 *
 * Two features are queen neighbours when their boundaries intersect: they
 * share a stretch of border or only a point (a "corner", as the four corners
 * of Arizona, Colorado, New Mexico and Utah).  Intersecting boundaries have
 * intersecting segments, and two intersecting segments share a grid cell,
 * so each cell's segments are compared pairwise.  The tests are exact for
 * the vertices of a clean coverage (shared vertices have identical
 * coordinates, so their orientations are exactly zero).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spatial.h"

static inline double
Orient(double ax, double ay, double bx, double by, double qx, double qy)
{
	return (bx - ax) * (qy - ay) - (by - ay) * (qx - ax);
}

/* q is in the bounding box of a-b (for q collinear with a-b: on it) */
static inline int
InBox(double ax, double ay, double bx, double by, double qx, double qy)
{
	return qx >= fmin(ax, bx) && qx <= fmax(ax, bx) &&
		qy >= fmin(ay, by) && qy <= fmax(ay, by);
}

/*
 * 0: the closed segments p1-p2 and q1-q2 are disjoint; 1: they meet; 2: they
 * overlap along a stretch of positive length.
 */
static int
SegmentsMeet(double p1x, double p1y, double p2x, double p2y,
			 double q1x, double q1y, double q2x, double q2y)
{
	double		d1 = Orient(q1x, q1y, q2x, q2y, p1x, p1y),
				d2 = Orient(q1x, q1y, q2x, q2y, p2x, p2y),
				d3 = Orient(p1x, p1y, p2x, p2y, q1x, q1y),
				d4 = Orient(p1x, p1y, p2x, p2y, q2x, q2y);

	if (d1 == 0 && d2 == 0 && d3 == 0 && d4 == 0)
	{
		/* collinear: overlap of the projections on the longer axis */
		int			use_x = fabs(p2x - p1x) + fabs(q2x - q1x) >= fabs(p2y - p1y) + fabs(q2y - q1y);
		double		a0 = use_x ? fmin(p1x, p2x) : fmin(p1y, p2y),
					a1 = use_x ? fmax(p1x, p2x) : fmax(p1y, p2y),
					b0 = use_x ? fmin(q1x, q2x) : fmin(q1y, q2y),
					b1 = use_x ? fmax(q1x, q2x) : fmax(q1y, q2y),
					lo = fmax(a0, b0),
					hi = fmin(a1, b1);

		return lo < hi ? 2 : lo == hi ? 1 : 0;
	}
	if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) &&
		((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
		return 1;
	return (d1 == 0 && InBox(q1x, q1y, q2x, q2y, p1x, p1y)) ||
		(d2 == 0 && InBox(q1x, q1y, q2x, q2y, p2x, p2y)) ||
		(d3 == 0 && InBox(p1x, p1y, p2x, p2y, q1x, q1y)) ||
		(d4 == 0 && InBox(p1x, p1y, p2x, p2y, q2x, q2y));
}

/*
 * The distinct pairs found so far, in a list and an open-addressing hash
 * table over it (slot holds list index + 1, 0 when empty), so that a pair
 * met in many cells is one entry, and a pair already known to share an edge
 * is not tested again.
 */
typedef struct PairSet
{
	scomm_pair *v;
	int64_t		n;
	int64_t		cap;
	int64_t    *slot;
	int64_t		nslot;			/* a power of two, at least 2 n */
} PairSet;

static inline uint64_t
PairHash(int32_t a, int32_t b)
{
	return scomm_mix64(((uint64_t) (uint32_t) a << 32) | (uint32_t) b);
}

/* the list index of (a, b), or -1 */
static int64_t
PairFind(const PairSet *set, int32_t a, int32_t b)
{
	uint64_t	mask = (uint64_t) set->nslot - 1,
				h;

	if (set->nslot == 0)
		return -1;
	for (h = PairHash(a, b) & mask;; h = (h + 1) & mask)
	{
		int64_t		k = set->slot[h] - 1;

		if (k < 0)
			return -1;
		if (set->v[k].a == a && set->v[k].b == b)
			return k;
	}
}

/* Put list entry k into the table. */
static void
PairSlot(PairSet *set, int64_t k)
{
	uint64_t	mask = (uint64_t) set->nslot - 1,
				h;

	for (h = PairHash(set->v[k].a, set->v[k].b) & mask; set->slot[h] != 0; h = (h + 1) & mask)
		;
	set->slot[h] = k + 1;
}

/* Room for one more pair: grow the list and the table (rehashing). */
static scomm_status
PairGrow(PairSet *set)
{
	if (set->n >= SCOMM_SPATIAL_MAX_PAIRS)
		return SCOMM_ETOOBIG;
	if (set->n == set->cap)
	{
		int64_t		ncap = set->cap ? 2 * set->cap : 1024;
		scomm_pair *nv = scomm_core_alloc_raw(sizeof(scomm_pair) * ncap);

		if (nv == NULL)
			return SCOMM_ENOMEM;
		if (set->n > 0)
			memcpy(nv, set->v, sizeof(scomm_pair) * set->n);
		scomm_core_free(set->v);
		set->v = nv;
		set->cap = ncap;
	}
	if (2 * (set->n + 1) > set->nslot)
	{
		int64_t		k;

		scomm_core_free(set->slot);
		set->nslot = set->nslot ? 2 * set->nslot : 4096;
		set->slot = scomm_core_alloc(sizeof(int64_t) * set->nslot);
		if (set->slot == NULL)
		{
			set->nslot = 0;
			return SCOMM_ENOMEM;
		}
		for (k = 0; k < set->n; k++)
			PairSlot(set, k);
	}
	return SCOMM_OK;
}

/* Add (a, b) with its shares_edge, or raise the existing pair's. */
static scomm_status
PairAdd(PairSet *set, int32_t a, int32_t b, int edge)
{
	int64_t		k = PairFind(set, a, b);
	scomm_status st;

	if (k >= 0)
	{
		set->v[k].shares_edge |= edge;
		return SCOMM_OK;
	}
	if ((st = PairGrow(set)) != SCOMM_OK)
		return st;
	set->v[set->n].a = a;
	set->v[set->n].b = b;
	set->v[set->n].shares_edge = edge;
	PairSlot(set, set->n);
	set->n++;
	return SCOMM_OK;
}

static int
ComparePair(const void *x, const void *y)
{
	const scomm_pair *p = x,
			   *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return 0;
}

/*
 * The pairs of features with meeting segments in one cell.  The cell's
 * segments are ordered by feature: each pair of runs is tested segment by
 * segment, unless the pair is already known to share an edge.  *work
 * counts segment tests for the interrupt checks.
 */
static scomm_status
CellPairs(const scomm_grid *g, int64_t cell, PairSet *set, int64_t *work)
{
	const double *x = g->polys->x,
			   *y = g->polys->y;
	int64_t		end = g->cell_seg[cell + 1],
				i0,
				i1,
				j0,
				j1;

	for (i0 = g->cell_seg[cell]; i0 < end; i0 = i1)
	{
		for (i1 = i0 + 1; i1 < end && g->seg_feat[i1] == g->seg_feat[i0]; i1++)
			;
		for (j0 = i1; j0 < end; j0 = j1)
		{
			int32_t		fa = g->seg_feat[i0],
						fb = g->seg_feat[j0];
			int64_t		known,
						i,
						j;
			int			meet = 0;

			for (j1 = j0 + 1; j1 < end && g->seg_feat[j1] == fb; j1++)
				;
			known = PairFind(set, fa, fb);
			if (known >= 0 && set->v[known].shares_edge)
				continue;		/* nothing left to learn */
			for (i = i0; i < i1 && meet < 2; i++)
			{
				int64_t		s = g->seg[i];

				for (j = j0; j < j1 && meet < 2; j++)
				{
					int64_t		t = g->seg[j];
					int			m = SegmentsMeet(x[s], y[s], x[s + 1], y[s + 1],
												 x[t], y[t], x[t + 1], y[t + 1]);

					if (m > meet)
						meet = m;
				}
				*work += j1 - j0;
				if (*work >= (1 << 20))
				{
					*work = 0;
					if (scomm_core_interrupted())
						return SCOMM_CANCELLED;
				}
			}
			if (meet > 0)
			{
				scomm_status st = PairAdd(set, fa, fb, meet == 2);

				if (st != SCOMM_OK)
					return st;
			}
		}
	}
	return SCOMM_OK;
}

scomm_status
scomm_grid_contiguity(const scomm_grid *g, scomm_pair **pairs, int64_t *npairs)
{
	PairSet		set = {NULL, 0, 0, NULL, 0};
	int64_t		ncell = (int64_t) g->nx * g->ny,
				cell,
				work = 0;
	scomm_status st = SCOMM_OK;

	*pairs = NULL;
	*npairs = 0;
	for (cell = 0; cell < ncell && st == SCOMM_OK; cell++)
	{
		st = CellPairs(g, cell, &set, &work);
		if (st == SCOMM_OK && (cell & 1023) == 0 && scomm_core_interrupted())
			st = SCOMM_CANCELLED;
	}
	scomm_core_free(set.slot);
	if (st != SCOMM_OK)
	{
		scomm_core_free(set.v);
		return st;
	}
	if (set.n > 1)
		qsort(set.v, set.n, sizeof(scomm_pair), ComparePair);
	*pairs = set.v;
	*npairs = set.n;
	return SCOMM_OK;
}
