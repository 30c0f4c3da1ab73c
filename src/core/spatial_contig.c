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

/* growable array of pairs */
typedef struct PairList
{
	scomm_pair *v;
	int64_t		n;
	int64_t		cap;
} PairList;

/* Add (a, b) or raise its shares_edge; the cell's own pairs start at from. */
static scomm_status
AddPair(PairList *l, int64_t from, int32_t a, int32_t b, int edge)
{
	int64_t		k;

	for (k = from; k < l->n; k++)
		if (l->v[k].a == a && l->v[k].b == b)
		{
			l->v[k].shares_edge |= edge;
			return SCOMM_OK;
		}
	if (l->n == l->cap)
	{
		int64_t		ncap = l->cap ? 2 * l->cap : 1024;
		scomm_pair *nv = scomm_core_alloc(sizeof(scomm_pair) * ncap);

		if (nv == NULL)
			return SCOMM_ENOMEM;
		if (l->n > 0)
			memcpy(nv, l->v, sizeof(scomm_pair) * l->n);
		scomm_core_free(l->v);
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n].a = a;
	l->v[l->n].b = b;
	l->v[l->n++].shares_edge = edge;
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

/* The pairs of features with meeting segments in one cell. */
static scomm_status
CellPairs(const scomm_grid *g, int64_t cell, PairList *l)
{
	const double *x = g->polys->x,
			   *y = g->polys->y;
	int64_t		from = l->n,
				i,
				j;

	for (i = g->cell_seg[cell]; i < g->cell_seg[cell + 1]; i++)
	{
		int64_t		s = g->seg[i];

		/* the list is ordered by feature: later features start after i's run */
		for (j = i + 1; j < g->cell_seg[cell + 1]; j++)
		{
			int64_t		t = g->seg[j];
			int			meet;
			scomm_status st;

			if (g->seg_feat[j] == g->seg_feat[i])
				continue;
			meet = SegmentsMeet(x[s], y[s], x[s + 1], y[s + 1], x[t], y[t], x[t + 1], y[t + 1]);
			if (meet && (st = AddPair(l, from, g->seg_feat[i], g->seg_feat[j], meet == 2)) != SCOMM_OK)
				return st;
		}
	}
	return SCOMM_OK;
}

scomm_status
scomm_grid_contiguity(const scomm_grid *g, scomm_pair **pairs, int64_t *npairs)
{
	PairList	l = {NULL, 0, 0};
	int64_t		ncell = (int64_t) g->nx * g->ny,
				cell,
				k,
				m;
	scomm_status st;

	*pairs = NULL;
	*npairs = 0;
	for (cell = 0; cell < ncell; cell++)
	{
		if ((st = CellPairs(g, cell, &l)) != SCOMM_OK)
		{
			scomm_core_free(l.v);
			return st;
		}
		if ((cell & 1023) == 0 && scomm_core_interrupted())
		{
			scomm_core_free(l.v);
			return SCOMM_CANCELLED;
		}
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(scomm_pair), ComparePair);
	/* merge the pairs found in several cells */
	for (k = 0, m = 0; k < l.n; k++)
	{
		if (m > 0 && l.v[m - 1].a == l.v[k].a && l.v[m - 1].b == l.v[k].b)
			l.v[m - 1].shares_edge |= l.v[k].shares_edge;
		else
			l.v[m++] = l.v[k];
	}
	*pairs = l.v;
	*npairs = m;
	return SCOMM_OK;
}
