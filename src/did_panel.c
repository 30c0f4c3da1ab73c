/*
 * did_panel.c: scomm.did_panel, the storable state of the did_panel
 * aggregate (the rows unit, period, first_period, outcome of a panel, and
 * since 1.1 optionally a weight, a cluster and covariates per row), its
 * text and binary I/O, and the transition and combine functions.
 *
 * Stored, a did_panel is a varlena: a format version, the row count and the
 * rows as the core's scomm_did_row array (24 bytes, host byte order), so it
 * is read without copying.  Version 2 (1.1) adds the number of covariates
 * to the header and, after the rows, the weights (NaN: NULL), the clusters
 * (INT64_MIN: NULL) and the covariates, one array each.  A panel without
 * weights, clusters or covariates is stored as version 1, byte for byte as
 * 1.0 stored it; both versions are read.  Its binary send/receive form is the core's
 * portable big-endian encoding and its text form the core's text encoding
 * (docs/did_core.md), both in canonical unit/period order.  While an
 * aggregate runs, the state is an expanded object owned by the aggregate's
 * memory context: rows are appended in place, and the object is flattened
 * only when it leaves the aggregate (stored, or sent by a parallel worker).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "nodes/execnodes.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "compat.h"
#include "activation_cohort.h"
#include "core_status.h"
#include "did_glue.h"
#include "expanded_state.h"
#include "period.h"

#include "catalog/pg_type_d.h"
#include "utils/array.h"

#define DID_FLAT_VERSION 1
#define DID_FLAT_VERSION_EXTRA 2

typedef struct DidPanelFlat
{
	int32		vl_len_;		/* varlena header */
	uint16		version;
	uint16		flags;			/* 0 */
	uint64		n_rows;
	scomm_did_row rows[FLEXIBLE_ARRAY_MEMBER];
} DidPanelFlat;

/* version 2: the number of covariates before the rows, extras after them */
typedef struct DidPanelFlat2
{
	int32		vl_len_;
	uint16		version;
	uint16		flags;			/* 0 */
	uint64		n_rows;
	uint32		n_cov;
	uint32		pad;			/* 0 */
	scomm_did_row rows[FLEXIBLE_ARRAY_MEMBER];
	/* then double weight[n_rows], int64 cluster[n_rows], double cov[n_rows * n_cov] */
} DidPanelFlat2;

#define FLAT_SIZE(n) (offsetof(DidPanelFlat, rows) + (Size) (n) * sizeof(scomm_did_row))
#define MAX_FLAT_ROWS ((MaxAllocSize - offsetof(DidPanelFlat, rows)) / sizeof(scomm_did_row))
#define ROW_BYTES2(k) (sizeof(scomm_did_row) + 16 + 8 * (Size) (k))
#define FLAT2_SIZE(n, k) (offsetof(DidPanelFlat2, rows) + (Size) (n) * ROW_BYTES2(k))
#define MAX_FLAT2_ROWS(k) ((MaxAllocSize - offsetof(DidPanelFlat2, rows)) / ROW_BYTES2(k))

StaticAssertDecl(sizeof(scomm_did_row) == 24, "scomm_did_row must be 24 bytes");
StaticAssertDecl(offsetof(DidPanelFlat, rows) % 8 == 0, "rows must be 8-byte aligned");
StaticAssertDecl(offsetof(DidPanelFlat2, rows) % 8 == 0, "rows must be 8-byte aligned");

/*
 * The expanded form keeps rows in blocks of BLOCK_ROWS, so that growing never
 * copies what was collected; flattening copies each row once.
 */
#define BLOCK_ROWS 4096

typedef struct DidPanelExpanded
{
	ExpandedObjectHeader hdr;
	uint64		n_rows;
	int			n_blocks;		/* blocks in use; all but the last are full */
	int			max_blocks;
	scomm_did_row **blocks;		/* in hdr.eoh_context */
	/* 1.1: rows with a weight, a cluster and n_cov covariates */
	bool		has_extra;
	int			n_cov;
	bool		has_content;	/* some weight or cluster not NULL, or n_cov > 0 */
	double	  **wblocks;		/* parallel to blocks */
	int64	  **cblocks;
	double	  **xblocks;		/* BLOCK_ROWS * n_cov each */
} DidPanelExpanded;

/* a run of consecutive rows (and their extras, NULL when there are none) */
typedef struct RowSpan
{
	const scomm_did_row *rows;
	const double *weight;
	const int64 *cluster;
	const double *cov;
	int			n_cov;
	size_t		n;
} RowSpan;

static Size DidPanelFlatSize(ExpandedObjectHeader *eohptr);
static void DidPanelFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size);

static const ExpandedObjectMethods DidPanelMethods = {
	DidPanelFlatSize,
	DidPanelFlatten
};

/* ERROR for a failed core call on the panel rows */
static void
PanelStatusError(scomm_status st, const char *what)
{
	ScommRaiseStatus(st, psprintf("could not %s a did_panel", what));
}

/* A new, empty expanded panel whose memory lives under parent. */
static DidPanelExpanded *
NewExpandedPanel(MemoryContext parent)
{
	return SCOMM_EXPANDED_NEW(DidPanelExpanded, parent, "did_panel",
							  &DidPanelMethods, ALLOCSET_DEFAULT_SIZES);
}

/* rows in block b of an expanded panel */
static inline size_t
BlockRows(const DidPanelExpanded *p, int b)
{
	return b < p->n_blocks - 1 ? BLOCK_ROWS : p->n_rows - (uint64) b * BLOCK_ROWS;
}

/* Refuse panels whose stored form would exceed the 1 GB value limit. */
static void
CheckPanelSize(size_t rows)
{
	if (rows > MAX_FLAT_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("did_panel would exceed %zu rows", (size_t) MAX_FLAT_ROWS),
				 errdetail("A stored value is limited to 1 GB."),
				 errhint("Collect the panel per group of units, or aggregate rows first (e.g. by month).")));
}

/* Refuse panels with extras whose stored form would exceed 1 GB. */
static void
CheckPanelSize2(size_t rows, int k)
{
	if (rows > MAX_FLAT2_ROWS(k))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("did_panel with %d covariates would exceed %zu rows", k,
						(size_t) MAX_FLAT2_ROWS(k)),
				 errdetail("A stored value is limited to 1 GB."),
				 errhint("Collect the panel per group of units, or use fewer covariates.")));
}

static Size
DidPanelFlatSize(ExpandedObjectHeader *eohptr)
{
	DidPanelExpanded *p = (DidPanelExpanded *) eohptr;

	if (p->has_content)
	{
		CheckPanelSize2(p->n_rows, p->n_cov);
		return FLAT2_SIZE(p->n_rows, p->n_cov);
	}
	CheckPanelSize(p->n_rows);
	return FLAT_SIZE(p->n_rows);
}

static void
DidPanelFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	DidPanelExpanded *p = (DidPanelExpanded *) eohptr;
	DidPanelFlat *flat = (DidPanelFlat *) result;
	DidPanelFlat2 *flat2 = (DidPanelFlat2 *) result;
	scomm_did_row *dst = p->has_content ? flat2->rows : flat->rows;
	int			b;

	SET_VARSIZE(flat, allocated_size);
	flat->version = p->has_content ? DID_FLAT_VERSION_EXTRA : DID_FLAT_VERSION;
	flat->flags = 0;
	flat->n_rows = p->n_rows;
	for (b = 0; b < p->n_blocks; b++)
	{
		memcpy(dst, p->blocks[b], BlockRows(p, b) * sizeof(scomm_did_row));
		dst += BlockRows(p, b);
	}
	if (p->has_content)
	{
		double	   *w = (double *) dst;
		int64	   *cl = (int64 *) (w + p->n_rows);
		double	   *x = (double *) (cl + p->n_rows);

		flat2->n_cov = p->n_cov;
		flat2->pad = 0;
		for (b = 0; b < p->n_blocks; b++)
		{
			size_t		n = BlockRows(p, b);

			memcpy(w, p->wblocks[b], n * sizeof(double));
			memcpy(cl, p->cblocks[b], n * sizeof(int64));
			if (p->n_cov > 0)
				memcpy(x, p->xblocks[b], n * p->n_cov * sizeof(double));
			w += n;
			cl += n;
			x += n * p->n_cov;
		}
	}
}

/* A flat did_panel made from rows (sorted first: stored values are canonical). */
static struct varlena *
FlatFromCollector(scomm_did_collector *c)
{
	DidPanelFlat *flat;
	DidPanelFlat2 *flat2;
	Size		size;
	double	   *w;
	int64	   *cl;

	scomm_did_collector_sort(c);
	if (!scomm_did_collector_has_content(c))
	{
		CheckPanelSize(c->n_rows);
		flat = palloc(FLAT_SIZE(c->n_rows));
		SET_VARSIZE(flat, FLAT_SIZE(c->n_rows));
		flat->version = DID_FLAT_VERSION;
		flat->flags = 0;
		flat->n_rows = c->n_rows;
		if (c->n_rows > 0)
			memcpy(flat->rows, c->rows, c->n_rows * sizeof(scomm_did_row));
		return (struct varlena *) flat;
	}
	CheckPanelSize2(c->n_rows, c->n_cov);
	size = FLAT2_SIZE(c->n_rows, c->n_cov);
	flat2 = palloc(size);
	SET_VARSIZE(flat2, size);
	flat2->version = DID_FLAT_VERSION_EXTRA;
	flat2->flags = 0;
	flat2->n_rows = c->n_rows;
	flat2->n_cov = c->n_cov;
	flat2->pad = 0;
	memcpy(flat2->rows, c->rows, c->n_rows * sizeof(scomm_did_row));
	w = (double *) (flat2->rows + c->n_rows);
	cl = (int64 *) (w + c->n_rows);
	memcpy(w, c->weight, c->n_rows * sizeof(double));
	memcpy(cl, c->cluster, c->n_rows * sizeof(int64));
	if (c->n_cov > 0)
		memcpy(cl + c->n_rows, c->cov, c->n_rows * c->n_cov * sizeof(double));
	return (struct varlena *) flat2;
}

/* ERROR for a stored value that is not a did_panel this library can read */
static void
CorruptFlat(Size size, int version)
{
	if (version > DID_FLAT_VERSION_EXTRA)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("did_panel value of format version %d cannot be read", version),
				 errdetail("This version of scomm reads did_panel format versions 1 and 2."),
				 errhint("Update scomm to the version that stored the value.")));
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid did_panel value of %zu bytes", (size_t) size)));
}

/*
 * Check a stored did_panel (either version): header and size, and finite
 * outcomes, weights and covariates if asked.  Fills span with its rows.
 */
static void
CheckFlat(struct varlena *v, bool check_values, RowSpan *span)
{
	DidPanelFlat *flat = (DidPanelFlat *) v;
	DidPanelFlat2 *flat2 = (DidPanelFlat2 *) v;
	Size		size = VARSIZE(v);
	uint64		i;

	memset(span, 0, sizeof(*span));
	if (size < offsetof(DidPanelFlat, rows) || flat->flags != 0)
		CorruptFlat(size, 0);
	if (flat->version == DID_FLAT_VERSION)
	{
		if (flat->n_rows > MAX_FLAT_ROWS || size != FLAT_SIZE(flat->n_rows))
			CorruptFlat(size, 0);
		span->rows = flat->rows;
		span->n = flat->n_rows;
	}
	else if (flat->version == DID_FLAT_VERSION_EXTRA)
	{
		if (size < offsetof(DidPanelFlat2, rows) || flat2->pad != 0 ||
			flat2->n_cov > SCOMM_DID_MAX_COV || flat2->n_rows > MAX_FLAT2_ROWS(flat2->n_cov) ||
			size != FLAT2_SIZE(flat2->n_rows, flat2->n_cov))
			CorruptFlat(size, 0);
		span->rows = flat2->rows;
		span->n = flat2->n_rows;
		span->n_cov = flat2->n_cov;
		span->weight = (const double *) (flat2->rows + flat2->n_rows);
		span->cluster = (const int64 *) (span->weight + flat2->n_rows);
		span->cov = (const double *) (span->cluster + flat2->n_rows);
	}
	else
		CorruptFlat(size, flat->version);
	for (i = 0; check_values && i < span->n; i++)
	{
		bool		bad = !isfinite(span->rows[i].y);
		int			j;

		if (span->weight != NULL)
		{
			bad |= !isnan(span->weight[i]) && !(isfinite(span->weight[i]) && span->weight[i] >= 0);
			for (j = 0; j < span->n_cov; j++)
				bad |= !isfinite(span->cov[i * span->n_cov + j]);
		}
		if (bad)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("invalid did_panel value: a value of unit " INT64_FORMAT " is not finite",
							span->rows[i].unit)));
	}
}

/* Is this datum one of our expanded panels (read-write or read-only)? */
static DidPanelExpanded *
AsExpanded(Datum d)
{
	return (DidPanelExpanded *) ScommExpandedOf(d, &DidPanelMethods);
}

/*
 * The rows of a did_panel datum (expanded or stored) as runs, without
 * copying them: one run for a stored panel, one per block otherwise.
 * Returns the number of runs; *spans is palloc'd.
 */
static int
GetSpans(Datum d, bool check_values, RowSpan **spans)
{
	DidPanelExpanded *p = AsExpanded(d);
	int			b;

	if (p != NULL)
	{
		*spans = palloc0(sizeof(RowSpan) * Max(p->n_blocks, 1));
		for (b = 0; b < p->n_blocks; b++)
		{
			RowSpan    *sp = &(*spans)[b];

			sp->rows = p->blocks[b];
			sp->n = BlockRows(p, b);
			if (p->has_extra)
			{
				sp->weight = p->wblocks[b];
				sp->cluster = p->cblocks[b];
				sp->cov = p->n_cov > 0 ? p->xblocks[b] : NULL;
				sp->n_cov = p->n_cov;
			}
		}
		return p->n_blocks;
	}
	else
	{
		*spans = palloc(sizeof(RowSpan));
		CheckFlat(PG_DETOAST_DATUM(d), check_values, &(*spans)[0]);
		return 1;
	}
}

/* A private copy of the rows of a did_panel datum, to sort and finalize. */
scomm_did_collector *
DidPanelRows(Datum d)
{
	RowSpan    *spans;
	int			n = GetSpans(d, true, &spans),
				i;
	scomm_did_collector *c = scomm_did_collector_create();

	if (c == NULL)
		PanelStatusError(SCOMM_ENOMEM, "copying");
	for (i = 0; i < n; i++)
	{
		scomm_did_collector view;
		scomm_status st;

		memset(&view, 0, sizeof(view));
		view.n_rows = view.capacity = spans[i].n;
		view.rows = (scomm_did_row *) spans[i].rows;
		if (spans[i].weight != NULL)
		{
			view.has_extra = 1;
			view.n_cov = spans[i].n_cov;
			view.weight = (double *) spans[i].weight;
			view.cluster = (int64_t *) spans[i].cluster;
			view.cov = (double *) spans[i].cov;
		}
		st = scomm_did_collector_merge(c, &view);
		if (st != SCOMM_OK)
			PanelStatusError(st, "copy");
	}
	pfree(spans);
	return c;
}

/* ERROR: rows with n covariates meet rows with k */
static void
CovariateCountError(int64 unit, int n, int k)
{
	ereport(ERROR,
			(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
			 errmsg("did_panel covariates of unit " INT64_FORMAT " have %d elements, other rows have %d",
					unit, n, k),
			 errhint("Every row of a panel has the same covariates, in the same order; NULL means none.")));
}

/* Allocate the extra blocks of block b (weights and clusters NULL). */
static void
AllocExtraBlock(DidPanelExpanded *p, int b)
{
	int			i;

	p->wblocks[b] = MemoryContextAlloc(p->hdr.eoh_context, BLOCK_ROWS * sizeof(double));
	p->cblocks[b] = MemoryContextAlloc(p->hdr.eoh_context, BLOCK_ROWS * sizeof(int64));
	p->xblocks[b] = p->n_cov > 0 ?
		MemoryContextAlloc(p->hdr.eoh_context, (Size) BLOCK_ROWS * p->n_cov * sizeof(double)) : NULL;
	for (i = 0; i < BLOCK_ROWS; i++)
	{
		p->wblocks[b][i] = NAN;
		p->cblocks[b][i] = SCOMM_DID_NO_CLUSTER;
	}
}

/*
 * Make p hold rows with k covariates and extras: an empty panel takes k; a
 * panel of plain rows gets NULL weights and clusters (only with k = 0).
 */
static void
EnsureShape(DidPanelExpanded *p, int k, int64 unit)
{
	int			b;

	if (p->has_extra)
	{
		if (k != p->n_cov)
			CovariateCountError(unit, k, p->n_cov);
		return;
	}
	if (p->n_rows > 0 && k > 0)
		CovariateCountError(unit, k, 0);
	p->has_extra = true;
	p->n_cov = k;
	if (p->max_blocks > 0)
	{
		p->wblocks = MemoryContextAlloc(p->hdr.eoh_context, p->max_blocks * sizeof(double *));
		p->cblocks = MemoryContextAlloc(p->hdr.eoh_context, p->max_blocks * sizeof(int64 *));
		p->xblocks = MemoryContextAlloc(p->hdr.eoh_context, p->max_blocks * sizeof(double *));
	}
	for (b = 0; b < p->n_blocks; b++)
		AllocExtraBlock(p, b);
}

/* Start a new block (and its extra blocks). */
static void
NewBlock(DidPanelExpanded *p)
{
	if (p->n_blocks == p->max_blocks)
	{
		int			m = p->max_blocks < 16 ? 16 : p->max_blocks * 2;
		MemoryContext cxt = p->hdr.eoh_context;

		p->blocks = p->blocks == NULL ? MemoryContextAlloc(cxt, m * sizeof(scomm_did_row *)) :
			repalloc(p->blocks, m * sizeof(scomm_did_row *));
		if (p->has_extra)
		{
			p->wblocks = p->wblocks == NULL ? MemoryContextAlloc(cxt, m * sizeof(double *)) :
				repalloc(p->wblocks, m * sizeof(double *));
			p->cblocks = p->cblocks == NULL ? MemoryContextAlloc(cxt, m * sizeof(int64 *)) :
				repalloc(p->cblocks, m * sizeof(int64 *));
			p->xblocks = p->xblocks == NULL ? MemoryContextAlloc(cxt, m * sizeof(double *)) :
				repalloc(p->xblocks, m * sizeof(double *));
		}
		p->max_blocks = m;
	}
	p->blocks[p->n_blocks] =
		MemoryContextAlloc(p->hdr.eoh_context, BLOCK_ROWS * sizeof(scomm_did_row));
	if (p->has_extra)
		AllocExtraBlock(p, p->n_blocks);
	p->n_blocks++;
}

/*
 * Append a run of rows (and their extras, when the span has them) to an
 * expanded panel, filling its last block and adding new ones.
 */
static void
AppendSpan(DidPanelExpanded *p, const RowSpan *sp)
{
	size_t		n = sp->n,
				off = 0;

	if (n == 0)
		return;
	if (sp->weight != NULL || p->has_extra)
		EnsureShape(p, sp->weight != NULL ? sp->n_cov : 0, sp->rows[0].unit);
	if (p->has_extra)
		CheckPanelSize2(p->n_rows + n, p->n_cov);
	else
		CheckPanelSize(p->n_rows + n);
	while (off < n)
	{
		size_t		used = p->n_blocks > 0 ? BlockRows(p, p->n_blocks - 1) : BLOCK_ROWS;
		size_t		k,
					i;
		int			b;

		if (used == BLOCK_ROWS)
		{
			NewBlock(p);
			used = 0;
		}
		b = p->n_blocks - 1;
		k = Min(n - off, BLOCK_ROWS - used);
		memcpy(p->blocks[b] + used, sp->rows + off, k * sizeof(scomm_did_row));
		if (sp->weight != NULL)
		{
			memcpy(p->wblocks[b] + used, sp->weight + off, k * sizeof(double));
			memcpy(p->cblocks[b] + used, sp->cluster + off, k * sizeof(int64));
			if (p->n_cov > 0)
				memcpy(p->xblocks[b] + used * p->n_cov, sp->cov + off * p->n_cov,
					   k * p->n_cov * sizeof(double));
			for (i = 0; i < k && !p->has_content; i++)
				p->has_content = p->n_cov > 0 || !isnan(sp->weight[off + i]) ||
					sp->cluster[off + i] != SCOMM_DID_NO_CLUSTER;
		}
		p->n_rows += k;
		off += k;
	}
}

/* Append rows without extras. */
static void
AppendRows(DidPanelExpanded *p, const scomm_did_row *rows, size_t n)
{
	RowSpan		sp;

	memset(&sp, 0, sizeof(sp));
	sp.rows = rows;
	sp.n = n;
	AppendSpan(p, &sp);
}

/* Append the rows of a did_panel datum to an expanded panel. */
static void
MergeInto(DidPanelExpanded *dst, Datum src)
{
	RowSpan    *spans;
	int			n,
				i;

	if (AsExpanded(src) == dst)
		elog(ERROR, "cannot merge a did_panel into itself");
	n = GetSpans(src, true, &spans);
	for (i = 0; i < n; i++)
		AppendSpan(dst, &spans[i]);
	pfree(spans);
}

/*
 * The aggregate state to update in place: our read-write expanded object
 * in this aggregate's context, or a new one (empty, or a copy of a stored
 * panel).  did_panel is a plain aggregate: window use is refused.
 */
static DidPanelExpanded *StateForUpdateSlow(FunctionCallInfo fcinfo);

/*
 * Every row but the first: in a plain aggregate the transition value is
 * the read-write expanded panel this function made, so it is used at once
 * (the shortcut of ScommExpandedState's decision, expanded_state.h).
 */
static inline DidPanelExpanded *
StateForUpdate(FunctionCallInfo fcinfo)
{
	if (likely(!PG_ARGISNULL(0) && fcinfo->context != NULL &&
			   IsA(fcinfo->context, AggState)))
	{
		struct varlena *v = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(0));

		if (likely(VARATT_IS_EXTERNAL_EXPANDED_RW(v)))
		{
			varatt_expanded ptr;

			memcpy(&ptr, VARDATA_EXTERNAL(v), sizeof(ptr));
			if (likely(ptr.eohptr->eoh_methods == &DidPanelMethods))
				return (DidPanelExpanded *) ptr.eohptr;
		}
	}
	return StateForUpdateSlow(fcinfo);
}

static pg_noinline DidPanelExpanded *
StateForUpdateSlow(FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt;
	ExpandedObjectHeader *state;
	DidPanelExpanded *p;
	int			kind = ScommExpandedState(fcinfo, &DidPanelMethods, &aggcxt, &state);

	if (kind == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("did_panel transition functions can only be called by the did_panel aggregate")));
	if (kind == AGG_CONTEXT_WINDOW)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("did_panel cannot be used as a window function"),
				 errhint("Use GROUP BY to collect one panel per group.")));
	if (state != NULL)
		return (DidPanelExpanded *) state;
	p = NewExpandedPanel(aggcxt);
	if (!PG_ARGISNULL(0))
		MergeInto(p, PG_GETARG_DATUM(0));
	return p;
}

/* Add one row to an expanded panel (the outcome is not NULL). */
static inline void
AddRow(DidPanelExpanded *p, int64 unit, int32 period, int32 first_period,
	   double y)
{
	scomm_did_row row;

	if (unlikely(!isfinite(y)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("did_panel outcome of unit " INT64_FORMAT " in period %d is %s",
						unit, period, isnan(y) ? "NaN" : "infinite"),
				 errhint("Outcomes must be finite numbers; leave a missing outcome NULL.")));
	if (likely(p->n_rows % BLOCK_ROWS != 0 && !p->has_extra))
	{
		scomm_did_row *r = p->blocks[p->n_blocks - 1] + p->n_rows % BLOCK_ROWS;

		r->unit = unit;
		r->period = period;
		r->first_period = first_period;
		r->y = y;
		p->n_rows++;
		return;
	}
	row.unit = unit;
	row.period = period;
	row.first_period = first_period;
	row.y = y;
	AppendRows(p, &row, 1);
}

/*
 * Add one row with its weight (NaN: NULL), cluster and k covariates to an
 * expanded panel (the outcome is not NULL).
 */
static void
AddRowEx(DidPanelExpanded *p, int64 unit, int32 period, int32 first_period,
		 double y, double w, int64 cluster, const double *x, int k)
{
	RowSpan		sp;
	scomm_did_row row;
	int			j;

	if (!isnan(w) && !(isfinite(w) && w >= 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("did_panel weight %g of unit " INT64_FORMAT " in period %d is %s",
						w, unit, period, w < 0 ? "negative" : "not finite"),
				 errhint("Weights are finite and not negative; NULL in every row means 1.")));
	for (j = 0; j < k; j++)
		if (!isfinite(x[j]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("did_panel covariate %d of unit " INT64_FORMAT " in period %d is %s",
							j + 1, unit, period, isnan(x[j]) ? "NaN" : "infinite"),
					 errhint("Covariates must be finite numbers.")));
	if (unlikely(!isfinite(y)))
		AddRow(p, unit, period, first_period, y);	/* its error */
	row.unit = unit;
	row.period = period;
	row.first_period = first_period;
	row.y = y;
	memset(&sp, 0, sizeof(sp));
	sp.rows = &row;
	sp.weight = &w;
	sp.cluster = &cluster;
	sp.cov = x;
	sp.n_cov = k;
	sp.n = 1;
	AppendSpan(p, &sp);
}

/*
 * The covariates argument: NULL (none, *k = 0) or a one-dimensional float8
 * array without NULLs, read in place; ERROR otherwise, naming the unit.
 */
static const double *
CovariatesArg(FunctionCallInfo fcinfo, int arg, int64 unit, int *k)
{
	ArrayType  *arr;
	int			n;

	*k = 0;
	if (PG_ARGISNULL(arg))
		return NULL;
	arr = PG_GETARG_ARRAYTYPE_P(arg);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("did_panel covariates of unit " INT64_FORMAT " must be a one-dimensional array", unit)));
	if (ARR_ELEMTYPE(arr) != FLOAT8OID)
		elog(ERROR, "did_panel covariates must be float8[]");
	n = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
	if (n > SCOMM_DID_MAX_COV)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("did_panel covariates of unit " INT64_FORMAT " have %d elements, more than %d",
						unit, n, SCOMM_DID_MAX_COV)));
	if (ARR_HASNULL(arr))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("did_panel covariates of unit " INT64_FORMAT " contain a NULL", unit),
				 errhint("Leave out rows whose covariates are missing, or fill them in.")));
	*k = n;
	return (const double *) ARR_DATA_PTR(arr);
}

static void
RequireArg(FunctionCallInfo fcinfo, int arg, const char *name)
{
	if (PG_ARGISNULL(arg))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("did_panel %s must not be NULL", name)));
}

/*
 * Add a row, with the 1.1 arguments covariates float8[], weight float8 and
 * cluster bigint at arg, arg + 1, arg + 2 when the call has them.
 */
static void
AddRowArgs(FunctionCallInfo fcinfo, DidPanelExpanded *p, int arg, int64 unit,
		   int32 period, int32 first_period, double y)
{
	const double *x;
	int			k;

	if (PG_NARGS() < arg + 3)
	{
		AddRow(p, unit, period, first_period, y);
		return;
	}
	x = CovariatesArg(fcinfo, arg, unit, &k);
	if (!PG_ARGISNULL(arg + 2) && PG_GETARG_INT64(arg + 2) == SCOMM_DID_NO_CLUSTER)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cluster " INT64_FORMAT " of unit " INT64_FORMAT " is reserved",
						(int64) SCOMM_DID_NO_CLUSTER, unit),
				 errhint("A unit without a cluster has cluster NULL.")));
	AddRowEx(p, unit, period, first_period, y,
			 PG_ARGISNULL(arg + 1) ? NAN : PG_GETARG_FLOAT8(arg + 1),
			 PG_ARGISNULL(arg + 2) ? SCOMM_DID_NO_CLUSTER : PG_GETARG_INT64(arg + 2),
			 x, k);
}

/*
 * did_panel(unit bigint, period int, outcome float8, first_period int
 *           [, covariates float8[], weight float8, cluster bigint])
 */
PG_FUNCTION_INFO_V1(did_panel_accum);
Datum
did_panel_accum(PG_FUNCTION_ARGS)
{
	DidPanelExpanded *p = StateForUpdate(fcinfo);

	RequireArg(fcinfo, 1, "unit");
	RequireArg(fcinfo, 2, "period");
	if (unlikely(!PG_ARGISNULL(4) && PG_GETARG_INT32(4) == SCOMM_DID_NEVER))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("first_period %d of unit " INT64_FORMAT " is reserved",
						SCOMM_DID_NEVER, PG_GETARG_INT64(1)),
				 errhint("A never-treated unit has first_period NULL.")));
	if (!PG_ARGISNULL(3))
		AddRowArgs(fcinfo, p, 5, PG_GETARG_INT64(1), PG_GETARG_INT32(2),
				   PG_ARGISNULL(4) ? SCOMM_DID_NEVER : PG_GETARG_INT32(4),
				   PG_GETARG_FLOAT8(3));
	PG_RETURN_DATUM(EOHPGetRWDatum(&p->hdr));
}

/* a period number as int32, or ERROR */
static int32
PeriodNumber(DateADT day, PeriodUnit unit, const char *what, int64 unit_id)
{
	int64		n;

	if (DATE_NOT_FINITE(day))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("did_panel %s of unit " INT64_FORMAT " is an infinite date",
						what, unit_id)));
	n = PeriodIndex(day, unit);
	if (n >= SCOMM_DID_NEVER || n < PG_INT32_MIN)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("did_panel %s of unit " INT64_FORMAT " is out of range", what, unit_id)));
	return (int32) n;
}

/* the unit of time of the dated did_panel, parsed once per aggregate */
typedef struct UnitCache
{
	PeriodUnit	unit;
	int			len;
	char		name[FLEXIBLE_ARRAY_MEMBER];
} UnitCache;

static PeriodUnit
CachedPeriodUnit(FunctionCallInfo fcinfo, int arg)
{
	text	   *t = PG_GETARG_TEXT_PP(arg);
	int			len = VARSIZE_ANY_EXHDR(t);
	UnitCache  *c = (UnitCache *) fcinfo->flinfo->fn_extra;

	if (c != NULL && c->len == len && memcmp(c->name, VARDATA_ANY(t), len) == 0)
		return c->unit;
	if (c != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("did_panel unit of time changes from \"%.*s\" to \"%s\"",
						c->len, c->name, text_to_cstring(t)),
				 errhint("One panel has one unit of time.")));
	c = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, offsetof(UnitCache, name) + len);
	c->unit = ParsePeriodUnit(t);
	c->len = len;
	memcpy(c->name, VARDATA_ANY(t), len);
	fcinfo->flinfo->fn_extra = c;
	return c->unit;
}

/*
 * did_panel(unit bigint, at date, outcome float8, cohort activation_cohort,
 *           unit_of_time text [, covariates float8[], weight float8,
 *           cluster bigint]): periods numbered as scomm.period_of does.
 */
PG_FUNCTION_INFO_V1(did_panel_accum_dated);
Datum
did_panel_accum_dated(PG_FUNCTION_ARGS)
{
	DidPanelExpanded *p = StateForUpdate(fcinfo);
	PeriodUnit	unit;
	int64		id;

	RequireArg(fcinfo, 1, "unit");
	RequireArg(fcinfo, 2, "date");
	RequireArg(fcinfo, 4, "activation cohort");
	RequireArg(fcinfo, 5, "unit of time");
	unit = CachedPeriodUnit(fcinfo, 5);
	id = PG_GETARG_INT64(1);
	if (!PG_ARGISNULL(3))
	{
		ActivationCohort c = PG_GETARG_ACTIVATION_COHORT(4);

		AddRowArgs(fcinfo, p, 6, id, PeriodNumber(PG_GETARG_DATEADT(2), unit, "date", id),
				   c == COHORT_NEVER ? SCOMM_DID_NEVER :
				   PeriodNumber(c, unit, "activation date", id),
				   PG_GETARG_FLOAT8(3));
	}
	PG_RETURN_DATUM(EOHPGetRWDatum(&p->hdr));
}

/* combine, and the aggregate over stored panels: append the second panel */
PG_FUNCTION_INFO_V1(did_panel_merge);
Datum
did_panel_merge(PG_FUNCTION_ARGS)
{
	DidPanelExpanded *p;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	p = StateForUpdate(fcinfo);
	MergeInto(p, PG_GETARG_DATUM(1));
	PG_RETURN_DATUM(EOHPGetRWDatum(&p->hdr));
}

/* ---- I/O ---------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(did_panel_in);
Datum
did_panel_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	scomm_did_collector *c = NULL;
	scomm_status st = scomm_did_decode_text(str, &c);

	if (st == SCOMM_ECORRUPT || st == SCOMM_EINVAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type did_panel: \"%.60s%s\"", str,
						strlen(str) > 60 ? "..." : ""),
				 errhint("A did_panel looks like did_panel:1:2;7,2004,2006,1.5;7,2005,2006,1.25 "
						 "(row count, then unit,period,first_period or never,outcome per row).")));
	if (st != SCOMM_OK)
		PanelStatusError(st, "read");
	PG_RETURN_POINTER(FlatFromCollector(c));
}

PG_FUNCTION_INFO_V1(did_panel_out);
Datum
did_panel_out(PG_FUNCTION_ARGS)
{
	scomm_did_collector *c = DidPanelRows(PG_GETARG_DATUM(0));
	char	   *text = NULL;
	scomm_status st;

	scomm_did_collector_sort(c);
	st = scomm_did_encode_text(c, &text);
	if (st != SCOMM_OK)
		PanelStatusError(st, "print");
	PG_RETURN_CSTRING(text);
}

PG_FUNCTION_INFO_V1(did_panel_recv);
Datum
did_panel_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	scomm_did_collector *c = NULL;
	scomm_status st;

	st = scomm_did_decode_binary((const unsigned char *) buf->data + buf->cursor,
								 buf->len - buf->cursor, &c);
	if (st == SCOMM_ECORRUPT || st == SCOMM_EINVAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary did_panel of %d bytes", buf->len - buf->cursor),
				 errdetail("Expected \"SCDP\", format version %d, a row count and 24 bytes per row.",
						   SCOMM_DID_CODEC_VERSION)));
	if (st != SCOMM_OK)
		PanelStatusError(st, "read");
	buf->cursor = buf->len;
	PG_RETURN_POINTER(FlatFromCollector(c));
}

PG_FUNCTION_INFO_V1(did_panel_send);
Datum
did_panel_send(PG_FUNCTION_ARGS)
{
	scomm_did_collector *c = DidPanelRows(PG_GETARG_DATUM(0));
	unsigned char *bytes;
	size_t		len;
	bytea	   *out;
	scomm_status st;

	scomm_did_collector_sort(c);
	st = scomm_did_encode_binary(c, &bytes, &len);
	if (st != SCOMM_OK)
		PanelStatusError(st, "encode");
	out = palloc(VARHDRSZ + len);
	SET_VARSIZE(out, VARHDRSZ + len);
	memcpy(VARDATA(out), bytes, len);
	PG_RETURN_BYTEA_P(out);
}

/* rows, units and periods of a panel, for a quick look */
PG_FUNCTION_INFO_V1(did_panel_rows);
Datum
did_panel_rows(PG_FUNCTION_ARGS)
{
	RowSpan    *spans;
	int			n = GetSpans(PG_GETARG_DATUM(0), false, &spans),
				i;
	int64		rows = 0;

	for (i = 0; i < n; i++)
		rows += spans[i].n;
	PG_RETURN_INT64(rows);
}
