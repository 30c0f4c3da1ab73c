/*
 * spatial_grid.c: a uniform grid over polygon features for point-in-polygon
 * queries and contiguity.
 *
 * Every cell lists the boundary segments whose bounding box touches it, and
 * for each feature with segments there whether the feature contains the
 * cell's reference point (a point of the cell on no segment).  A feature
 * that contains a whole cell is listed without segments.  A query point p
 * then needs only the segments of its cell: p is inside a feature when the
 * feature contains the reference point r and the segment r-p crosses the
 * feature's boundary an even number of times, or when it does not and the
 * count is odd (Zalik & Kolingerova, "A cell-based point-in-polygon
 * algorithm suitable for large sets of points", Computers & Geosciences
 * 27, 2001).  The reference points' states are found by walking each row of
 * a feature's bounding box from a point outside it, cell to cell.
 *
 * Crossings are counted with symbolic perturbation: a vertex exactly on the
 * line r-p counts as lying on its positive side, so the count's parity is
 * right also when the segment passes through vertices.  A point on a
 * boundary belongs to the feature (closed polygons).
 *
 * Two guards keep hostile layers bounded.  A segment is listed in every cell
 * of its bounding box, so long segments (a self-intersecting star, a huge
 * polygon among small ones) would list themselves in millions of cells: the
 * grid is made coarser until the lists hold at most a few entries per
 * segment.  And a cell in which no point off the segments can be found (a
 * feature a few units in the last place wide at large coordinates) is
 * marked degenerate: queries there test the whole features, and the walk
 * starts again after it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spatial.h"

/* twice the signed area of (a, b, q): > 0 when q is left of a->b */
static inline double
Orient(double ax, double ay, double bx, double by, double qx, double qy)
{
	return (bx - ax) * (qy - ay) - (by - ay) * (qx - ax);
}

/* q on the closed segment a-b */
static inline int
OnSegment(double ax, double ay, double bx, double by, double qx, double qy)
{
	return Orient(ax, ay, bx, by, qx, qy) == 0 &&
		qx >= fmin(ax, bx) && qx <= fmax(ax, bx) &&
		qy >= fmin(ay, by) && qy <= fmax(ay, by);
}

/*
 * Whether the path c-p crosses segment a-b, for c and p on no segment;
 * vertices on the line c-p count as on its positive side.
 */
static inline int
Crosses(double cx, double cy, double px, double py,
		double ax, double ay, double bx, double by)
{
	int			sa = Orient(cx, cy, px, py, ax, ay) >= 0;
	int			sb = Orient(cx, cy, px, py, bx, by) >= 0;
	double		oc,
				op;

	if (sa == sb)
		return 0;
	oc = Orient(ax, ay, bx, by, cx, cy);
	op = Orient(ax, ay, bx, by, px, py);
	return (oc > 0 && op < 0) || (oc < 0 && op > 0);
}

/* the column of x, clamped to the grid (NaN gives column 0) */
static inline int32_t
ColOf(const scomm_grid *g, double x)
{
	double		f = floor((x - g->x0) / g->cw);

	return !(f >= 0) ? 0 : f >= g->nx ? g->nx - 1 : (int32_t) f;
}

static inline int32_t
RowOf(const scomm_grid *g, double y)
{
	double		f = floor((y - g->y0) / g->ch);

	return !(f >= 0) ? 0 : f >= g->ny ? g->ny - 1 : (int32_t) f;
}

/* the cells of a segment's bounding box */
static inline void
SegCells(const scomm_grid *g, int64_t v, int32_t *c0, int32_t *c1, int32_t *r0, int32_t *r1)
{
	const double *x = g->polys->x,
			   *y = g->polys->y;

	*c0 = ColOf(g, fmin(x[v], x[v + 1]));
	*c1 = ColOf(g, fmax(x[v], x[v + 1]));
	*r0 = RowOf(g, fmin(y[v], y[v + 1]));
	*r1 = RowOf(g, fmax(y[v], y[v + 1]));
}

void
scomm_grid_free(scomm_grid *g)
{
	scomm_core_free(g->cell_seg);
	scomm_core_free(g->seg);
	scomm_core_free(g->seg_feat);
	scomm_core_free(g->cell_entry);
	scomm_core_free(g->ent_feat);
	scomm_core_free(g->ent_inside);
	scomm_core_free(g->ent_lo);
	scomm_core_free(g->ent_hi);
	scomm_core_free(g->ref_x);
	scomm_core_free(g->ref_y);
	scomm_core_free(g->degenerate);
	memset(g, 0, sizeof *g);
}

/* Cell width and height for nx x ny cells over a w x h box. */
static void
SetCells(scomm_grid *g, double w, double h)
{
	/* cells cover the box; a little wider, so the far edge is inside */
	g->cw = (w > 0 ? w : 1e-9) / g->nx * (1 + 1e-12);
	g->ch = (h > 0 ? h : 1e-9) / g->ny * (1 + 1e-12);
}

/*
 * How many (cell, segment) entries the lists would hold; stops counting
 * beyond limit.
 */
static int64_t
CountEntries(const scomm_grid *g, const scomm_polys *p, int64_t limit)
{
	int64_t		total = 0;
	int32_t		ring;

	for (ring = 0; ring < p->nring && total <= limit; ring++)
	{
		int64_t		v;

		for (v = p->ring_vert[ring]; v + 1 < p->ring_vert[ring + 1]; v++)
		{
			int32_t		c0,
						c1,
						r0,
						r1;

			SegCells(g, v, &c0, &c1, &r0, &r1);
			total += (int64_t) (c1 - c0 + 1) * (r1 - r0 + 1);
		}
	}
	return total;
}

/*
 * Size the grid: about cells_per_segment cells per segment over the box,
 * then coarser while the segment lists would exceed a few entries per
 * segment (long segments cross many cells).
 */
static void
SizeGrid(scomm_grid *g, const scomm_polys *p, double cells_per_segment)
{
	double		w,
				h,
				side,
				target;
	int64_t		v,
				budget = 8 * p->nvert + ((int64_t) 1 << 22);

	g->x0 = g->x1 = p->x[0];
	g->y0 = g->y1 = p->y[0];
	for (v = 1; v < p->nvert; v++)
	{
		g->x0 = fmin(g->x0, p->x[v]);
		g->x1 = fmax(g->x1, p->x[v]);
		g->y0 = fmin(g->y0, p->y[v]);
		g->y1 = fmax(g->y1, p->y[v]);
	}
	w = g->x1 - g->x0;
	h = g->y1 - g->y0;
	target = fmin(fmax(cells_per_segment * (double) p->nvert, 1), 16e6);
	side = sqrt(fmax(w * h, 1e-300) / target);
	if (!(side > 0) || !isfinite(side))
		side = fmax(fmax(w, h), 1e-9);
	g->nx = (int32_t) fmin(fmax(ceil(w / side), 1), 65536);
	g->ny = (int32_t) fmin(fmax(ceil(h / side), 1), 65536);
	while ((double) g->nx * g->ny > 16e6)
	{
		g->nx = g->nx / 2 + 1;
		g->ny = g->ny / 2 + 1;
	}
	SetCells(g, w, h);
	while ((g->nx > 1 || g->ny > 1) && CountEntries(g, p, budget) > budget)
	{
		g->nx = (g->nx + 1) / 2;
		g->ny = (g->ny + 1) / 2;
		SetCells(g, w, h);
	}
}

/* List every segment in the cells of its bounding box, in feature order. */
static scomm_status
BinSegments(scomm_grid *g)
{
	const scomm_polys *p = g->polys;
	int64_t		ncell = (int64_t) g->nx * g->ny;
	int64_t    *fill;
	int			pass;

	g->cell_seg = scomm_core_alloc(sizeof(int64_t) * (ncell + 1));
	fill = scomm_core_alloc(sizeof(int64_t) * (ncell + 1));
	if (g->cell_seg == NULL || fill == NULL)
	{
		scomm_core_free(fill);
		return SCOMM_ENOMEM;
	}
	/* pass 0 counts, pass 1 fills */
	for (pass = 0; pass < 2; pass++)
	{
		int32_t		f;

		for (f = 0; f < p->nfeat; f++)
		{
			int32_t		ring;

			for (ring = p->feat_ring[f]; ring < p->feat_ring[f + 1]; ring++)
			{
				int64_t		v;

				for (v = p->ring_vert[ring]; v + 1 < p->ring_vert[ring + 1]; v++)
				{
					int32_t		c0,
								c1,
								r0,
								r1,
								r,
								c;

					if ((v & 4095) == 0 && scomm_core_interrupted())
					{
						scomm_core_free(fill);
						return SCOMM_CANCELLED;
					}
					SegCells(g, v, &c0, &c1, &r0, &r1);
					for (r = r0; r <= r1; r++)
						for (c = c0; c <= c1; c++)
						{
							int64_t		cell = (int64_t) r * g->nx + c;

							if (pass == 0)
								g->cell_seg[cell + 1]++;
							else
							{
								g->seg[fill[cell]] = v;
								g->seg_feat[fill[cell]++] = f;
							}
						}
				}
			}
			if (scomm_core_interrupted())
			{
				scomm_core_free(fill);
				return SCOMM_CANCELLED;
			}
		}
		if (pass == 0)
		{
			int64_t		c;

			for (c = 0; c < ncell; c++)
				g->cell_seg[c + 1] += g->cell_seg[c];
			memcpy(fill, g->cell_seg, sizeof(int64_t) * (ncell + 1));
			g->nseg = g->cell_seg[ncell];
			g->seg = scomm_core_alloc(sizeof(int64_t) * (g->nseg + 1));
			g->seg_feat = scomm_core_alloc(sizeof(int32_t) * (g->nseg + 1));
			if (g->seg == NULL || g->seg_feat == NULL)
			{
				scomm_core_free(fill);
				return SCOMM_ENOMEM;
			}
		}
	}
	scomm_core_free(fill);
	return SCOMM_OK;
}

/* Whether (x, y) lies on a segment listed in the cell. */
static int
OnCellSegment(const scomm_grid *g, int64_t cell, double x, double y)
{
	const double *px = g->polys->x,
			   *py = g->polys->y;
	int64_t		k;

	for (k = g->cell_seg[cell]; k < g->cell_seg[cell + 1]; k++)
	{
		int64_t		v = g->seg[k];

		if (OnSegment(px[v], py[v], px[v + 1], py[v + 1], x, y))
			return 1;
	}
	return 0;
}

/*
 * Reference points: cell centres, moved where a centre is on a segment; a
 * cell without a point off its segments is marked degenerate.
 */
static scomm_status
PlaceReferencePoints(scomm_grid *g)
{
	int64_t		ncell = (int64_t) g->nx * g->ny;
	int64_t		cell;

	g->ref_x = scomm_core_alloc(sizeof(double) * ncell);
	g->ref_y = scomm_core_alloc(sizeof(double) * ncell);
	g->degenerate = scomm_core_alloc(ncell);
	if (g->ref_x == NULL || g->ref_y == NULL || g->degenerate == NULL)
		return SCOMM_ENOMEM;
	for (cell = 0; cell < ncell; cell++)
	{
		double		cx = g->x0 + (cell % g->nx) * g->cw,
					cy = g->y0 + (cell / g->nx) * g->ch,
					fx = 0.5,
					fy = 0.5;
		int			tries = 0;

		if ((cell & 4095) == 0 && scomm_core_interrupted())
			return SCOMM_CANCELLED;
		/* quasi-random points of the cell (golden ratio steps) until one
		 * is on no segment */
		while (OnCellSegment(g, cell, cx + fx * g->cw, cy + fy * g->ch))
		{
			if (++tries > 200)
			{
				g->degenerate[cell] = 1;
				fx = fy = 0.5;
				break;
			}
			fx = fmod(fx + 0.6180339887498949, 1.0) * 0.98 + 0.01;
			fy = fmod(fy + 0.7548776662466927, 1.0) * 0.98 + 0.01;
		}
		g->ref_x[cell] = cx + fx * g->cw;
		g->ref_y[cell] = cy + fy * g->ch;
	}
	return SCOMM_OK;
}

/*
 * Whether feature f contains (x, y), a point on none of f's segments, by
 * the parity of the crossings of a segment from a point left of f's
 * bounding box: a test of all of f's segments, for degenerate cells.
 */
static int
BrutePIP(const scomm_grid *g, int32_t f, double x, double y)
{
	const scomm_polys *p = g->polys;
	int64_t		v0 = p->ring_vert[p->feat_ring[f]],
				v1 = p->ring_vert[p->feat_ring[f + 1]],
				v;
	double		fx0 = INFINITY,
				ox;
	int32_t		ring;
	int			inside = 0;

	for (v = v0; v < v1; v++)
		fx0 = fmin(fx0, p->x[v]);
	ox = fx0 - fmax(1.0, fabs(fx0)) * 0x1p-20;
	for (ring = p->feat_ring[f]; ring < p->feat_ring[f + 1]; ring++)
		for (v = p->ring_vert[ring]; v + 1 < p->ring_vert[ring + 1]; v++)
			inside ^= Crosses(ox, y, x, y, p->x[v], p->y[v], p->x[v + 1], p->y[v + 1]);
	return inside;
}

/* The positions lo..hi-1 in the cell's segment list of feature f's segments. */
static void
FeatureRun(const scomm_grid *g, int64_t cell, int32_t f, int64_t *lo, int64_t *hi)
{
	int64_t		a = g->cell_seg[cell],
				b = g->cell_seg[cell + 1];

	/* binary search: the list is ordered by feature */
	while (a < b)
	{
		int64_t		m = a + (b - a) / 2;

		if (g->seg_feat[m] < f)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	b = g->cell_seg[cell + 1];
	while (a < b && g->seg_feat[a] == f)
		a++;
	*hi = a;
}

/* growable list of (cell, feature) of features that contain a whole cell */
typedef struct FullList
{
	int64_t    *cell;
	int32_t    *feat;
	int64_t		n;
	int64_t		cap;
} FullList;

static scomm_status
FullAdd(FullList *l, int64_t cell, int32_t f)
{
	if (l->n == l->cap)
	{
		int64_t		ncap = l->cap ? 2 * l->cap : 1024;
		int64_t    *nc = scomm_core_alloc(sizeof(int64_t) * ncap);
		int32_t    *nf = scomm_core_alloc(sizeof(int32_t) * ncap);

		if (nc == NULL || nf == NULL)
		{
			scomm_core_free(nc);
			scomm_core_free(nf);
			return SCOMM_ENOMEM;
		}
		if (l->n > 0)
		{
			memcpy(nc, l->cell, sizeof(int64_t) * l->n);
			memcpy(nf, l->feat, sizeof(int32_t) * l->n);
		}
		scomm_core_free(l->cell);
		scomm_core_free(l->feat);
		l->cell = nc;
		l->feat = nf;
		l->cap = ncap;
	}
	l->cell[l->n] = cell;
	l->feat[l->n++] = f;
	return SCOMM_OK;
}

/*
 * Walk the cells of feature f's bounding box row by row from a point left of
 * it (outside f), flipping f's state at each boundary crossing between
 * consecutive reference points.  The state is stored on the first segment of
 * f's run in a cell (inside_at), or the cell goes to the full list.
 */
static scomm_status
WalkFeature(const scomm_grid *g, int32_t f, uint8_t *inside_at, FullList *full)
{
	const scomm_polys *p = g->polys;
	double		fx0 = INFINITY,
				fx1 = -INFINITY,
				fy0 = INFINITY,
				fy1 = -INFINITY;
	int32_t		c0,
				c1,
				r0,
				r1,
				r,
				c;
	int64_t		v;

	if (p->feat_ring[f] == p->feat_ring[f + 1])
		return SCOMM_OK;		/* empty */
	for (v = p->ring_vert[p->feat_ring[f]]; v < p->ring_vert[p->feat_ring[f + 1]]; v++)
	{
		fx0 = fmin(fx0, p->x[v]);
		fx1 = fmax(fx1, p->x[v]);
		fy0 = fmin(fy0, p->y[v]);
		fy1 = fmax(fy1, p->y[v]);
	}
	c0 = ColOf(g, fx0);
	c1 = ColOf(g, fx1);
	r0 = RowOf(g, fy0);
	r1 = RowOf(g, fy1);
	for (r = r0; r <= r1; r++)
	{
		int64_t		prev = c0 > 0 ? (int64_t) r * g->nx + c0 - 1 : -1;
		double		qx = prev >= 0 ? g->ref_x[prev] : g->x0 - g->cw / 2,
					qy = prev >= 0 ? g->ref_y[prev] : g->y0 + (r + 0.5) * g->ch;
		int			state = 0,
					restart = prev >= 0 && g->degenerate[prev];

		if ((r & 15) == 0 && scomm_core_interrupted())
			return SCOMM_CANCELLED;
		for (c = c0; c <= c1; c++)
		{
			int64_t		cell = (int64_t) r * g->nx + c,
						lo,
						hi,
						k;
			double		rx = g->ref_x[cell],
						ry = g->ref_y[cell];

			FeatureRun(g, cell, f, &lo, &hi);
			if (g->degenerate[cell])
			{
				/* queries here test f whole; a cell f contains whole is
				 * listed as such (no segment of f is in it, so its centre
				 * is off f's boundary) */
				scomm_status st;

				if (lo < hi)
					inside_at[lo] = 0;
				else if (BrutePIP(g, f, rx, ry) && (st = FullAdd(full, cell, f)) != SCOMM_OK)
					return st;
				restart = 1;
				prev = cell;
				continue;
			}
			if (restart)
			{
				/* after a degenerate cell: f's state at this reference point */
				state = BrutePIP(g, f, rx, ry);
				restart = 0;
			}
			else
			{
				/* f's segments in this cell, and those in the previous
				 * cell that are not listed in this one too */
				for (k = lo; k < hi; k++)
				{
					int64_t		s = g->seg[k];

					state ^= Crosses(qx, qy, rx, ry, p->x[s], p->y[s], p->x[s + 1], p->y[s + 1]);
				}
				if (prev >= 0)
				{
					int64_t		plo,
								phi;

					FeatureRun(g, prev, f, &plo, &phi);
					for (k = plo; k < phi; k++)
					{
						int64_t		s = g->seg[k];

						if (ColOf(g, fmax(p->x[s], p->x[s + 1])) >= c)
							continue;	/* counted with this cell's */
						state ^= Crosses(qx, qy, rx, ry, p->x[s], p->y[s], p->x[s + 1], p->y[s + 1]);
					}
				}
			}
			if (lo < hi)
				inside_at[lo] = (uint8_t) state;
			else if (state)
			{
				scomm_status st = FullAdd(full, cell, f);

				if (st != SCOMM_OK)
					return st;
			}
			prev = cell;
			qx = rx;
			qy = ry;
		}
	}
	return SCOMM_OK;
}

/* The final entry lists: per cell, one entry per feature run, then the
 * features that contain the whole cell. */
static scomm_status
BuildEntries(scomm_grid *g, const uint8_t *inside_at, const FullList *full)
{
	int64_t		ncell = (int64_t) g->nx * g->ny;
	int64_t		cell,
				k,
				e;
	int64_t    *fill;

	g->cell_entry = scomm_core_alloc(sizeof(int64_t) * (ncell + 1));
	if (g->cell_entry == NULL)
		return SCOMM_ENOMEM;
	for (cell = 0; cell < ncell; cell++)
		for (k = g->cell_seg[cell]; k < g->cell_seg[cell + 1]; k++)
			if (k == g->cell_seg[cell] || g->seg_feat[k] != g->seg_feat[k - 1])
				g->cell_entry[cell + 1]++;
	for (k = 0; k < full->n; k++)
		g->cell_entry[full->cell[k] + 1]++;
	for (cell = 0; cell < ncell; cell++)
		g->cell_entry[cell + 1] += g->cell_entry[cell];
	g->nentry = g->cell_entry[ncell];
	g->ent_feat = scomm_core_alloc(sizeof(int32_t) * (g->nentry + 1));
	g->ent_inside = scomm_core_alloc(g->nentry + 1);
	g->ent_lo = scomm_core_alloc(sizeof(int64_t) * (g->nentry + 1));
	g->ent_hi = scomm_core_alloc(sizeof(int64_t) * (g->nentry + 1));
	fill = scomm_core_alloc(sizeof(int64_t) * (ncell + 1));
	if (g->ent_feat == NULL || g->ent_inside == NULL || g->ent_lo == NULL ||
		g->ent_hi == NULL || fill == NULL)
	{
		scomm_core_free(fill);
		return SCOMM_ENOMEM;
	}
	memcpy(fill, g->cell_entry, sizeof(int64_t) * (ncell + 1));
	for (cell = 0; cell < ncell; cell++)
		for (k = g->cell_seg[cell]; k < g->cell_seg[cell + 1]; k++)
		{
			if (k > g->cell_seg[cell] && g->seg_feat[k] == g->seg_feat[k - 1])
			{
				g->ent_hi[fill[cell] - 1] = k + 1;
				continue;
			}
			e = fill[cell]++;
			g->ent_feat[e] = g->seg_feat[k];
			g->ent_inside[e] = inside_at[k];
			g->ent_lo[e] = k;
			g->ent_hi[e] = k + 1;
		}
	for (k = 0; k < full->n; k++)
	{
		e = fill[full->cell[k]]++;
		g->ent_feat[e] = full->feat[k];
		g->ent_inside[e] = 1;
		g->ent_lo[e] = g->ent_hi[e] = 0;
	}
	scomm_core_free(fill);
	return SCOMM_OK;
}

scomm_status
scomm_grid_build(scomm_grid *g, const scomm_polys *p, double cells_per_segment)
{
	uint8_t    *inside_at = NULL;
	FullList	full = {NULL, NULL, 0, 0};
	scomm_status st;
	int32_t		f;

	memset(g, 0, sizeof *g);
	g->polys = p;
	if (p->nvert == 0)
	{
		/* nothing to find: one empty cell */
		g->nx = g->ny = 1;
		g->cw = g->ch = 1;
		g->x1 = g->y1 = -1;		/* an empty box: every query misses */
		g->cell_seg = scomm_core_alloc(sizeof(int64_t) * 2);
		g->cell_entry = scomm_core_alloc(sizeof(int64_t) * 2);
		return g->cell_seg && g->cell_entry ? SCOMM_OK : SCOMM_ENOMEM;
	}
	SizeGrid(g, p, cells_per_segment);
	if ((st = BinSegments(g)) != SCOMM_OK || (st = PlaceReferencePoints(g)) != SCOMM_OK)
		goto fail;
	inside_at = scomm_core_alloc(g->nseg + 1);
	if (inside_at == NULL)
	{
		st = SCOMM_ENOMEM;
		goto fail;
	}
	for (f = 0; f < p->nfeat; f++)
	{
		if ((st = WalkFeature(g, f, inside_at, &full)) != SCOMM_OK)
			goto fail;
		if ((f & 63) == 0 && scomm_core_interrupted())
		{
			st = SCOMM_CANCELLED;
			goto fail;
		}
	}
	st = BuildEntries(g, inside_at, &full);
fail:
	scomm_core_free(inside_at);
	scomm_core_free(full.cell);
	scomm_core_free(full.feat);
	if (st != SCOMM_OK)
		scomm_grid_free(g);
	return st;
}

int32_t
scomm_grid_find(const scomm_grid *g, double x, double y)
{
	const double *px = g->polys->x,
			   *py = g->polys->y;
	int64_t		cell,
				e;
	double		rx,
				ry;
	int32_t		best = -1;

	if (!(x >= g->x0 && x <= g->x1 && y >= g->y0 && y <= g->y1))
		return -1;
	cell = (int64_t) RowOf(g, y) * g->nx + ColOf(g, x);
	rx = g->ref_x[cell];
	ry = g->ref_y[cell];
	for (e = g->cell_entry[cell]; e < g->cell_entry[cell + 1]; e++)
	{
		int32_t		f = g->ent_feat[e];
		int			inside = g->ent_inside[e],
					on = 0;
		int64_t		k;

		if (best >= 0 && f >= best)
			continue;
		for (k = g->ent_lo[e]; k < g->ent_hi[e]; k++)
		{
			int64_t		s = g->seg[k];

			if (OnSegment(px[s], py[s], px[s + 1], py[s + 1], x, y))
			{
				on = 1;
				break;
			}
			inside ^= Crosses(rx, ry, x, y, px[s], py[s], px[s + 1], py[s + 1]);
		}
		if (on)
			inside = 1;
		else if (g->degenerate[cell] && g->ent_lo[e] < g->ent_hi[e])
			inside = BrutePIP(g, f, x, y);
		if (inside)
			best = f;
	}
	return best;
}
