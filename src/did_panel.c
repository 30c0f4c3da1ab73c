/*
 * did_panel.c: scomm.did_panel, the storable state of the did_panel
 * aggregate (the rows unit, period, first_period, outcome of a panel), its
 * text and binary I/O, and the transition and combine functions.
 *
 * Stored, a did_panel is a varlena: a format version, the row count and the
 * rows as the core's scomm_did_row array (24 bytes, host byte order), so it
 * is read without copying.  Its binary send/receive form is the core's
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
#include "period.h"

#define DID_FLAT_VERSION 1

typedef struct DidPanelFlat
{
	int32		vl_len_;		/* varlena header */
	uint16		version;
	uint16		flags;			/* 0 */
	uint64		n_rows;
	scomm_did_row rows[FLEXIBLE_ARRAY_MEMBER];
} DidPanelFlat;

#define FLAT_SIZE(n) (offsetof(DidPanelFlat, rows) + (Size) (n) * sizeof(scomm_did_row))
#define MAX_FLAT_ROWS ((MaxAllocSize - offsetof(DidPanelFlat, rows)) / sizeof(scomm_did_row))

StaticAssertDecl(sizeof(scomm_did_row) == 24, "scomm_did_row must be 24 bytes");
StaticAssertDecl(offsetof(DidPanelFlat, rows) % 8 == 0, "rows must be 8-byte aligned");

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
} DidPanelExpanded;

/* a run of consecutive rows */
typedef struct RowSpan
{
	const scomm_did_row *rows;
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
	MemoryContext cxt = AllocSetContextCreate(parent, "did_panel",
											  ALLOCSET_DEFAULT_SIZES);
	DidPanelExpanded *p = MemoryContextAllocZero(cxt, sizeof(DidPanelExpanded));

	EOH_init_header(&p->hdr, &DidPanelMethods, cxt);
	return p;
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

static Size
DidPanelFlatSize(ExpandedObjectHeader *eohptr)
{
	DidPanelExpanded *p = (DidPanelExpanded *) eohptr;

	CheckPanelSize(p->n_rows);
	return FLAT_SIZE(p->n_rows);
}

static void
DidPanelFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	DidPanelExpanded *p = (DidPanelExpanded *) eohptr;
	DidPanelFlat *flat = (DidPanelFlat *) result;
	scomm_did_row *dst = flat->rows;
	int			b;

	Assert(allocated_size == FLAT_SIZE(p->n_rows));
	SET_VARSIZE(flat, allocated_size);
	flat->version = DID_FLAT_VERSION;
	flat->flags = 0;
	flat->n_rows = p->n_rows;
	for (b = 0; b < p->n_blocks; b++)
	{
		memcpy(dst, p->blocks[b], BlockRows(p, b) * sizeof(scomm_did_row));
		dst += BlockRows(p, b);
	}
}

/* A flat did_panel made from rows (sorted first: stored values are canonical). */
static DidPanelFlat *
FlatFromCollector(scomm_did_collector *c)
{
	DidPanelFlat *flat;

	CheckPanelSize(c->n_rows);
	scomm_did_collector_sort(c);
	flat = palloc(FLAT_SIZE(c->n_rows));
	SET_VARSIZE(flat, FLAT_SIZE(c->n_rows));
	flat->version = DID_FLAT_VERSION;
	flat->flags = 0;
	flat->n_rows = c->n_rows;
	if (c->n_rows > 0)
		memcpy(flat->rows, c->rows, c->n_rows * sizeof(scomm_did_row));
	return flat;
}

/* Check a stored did_panel: header and size, and finite outcomes if asked. */
static DidPanelFlat *
CheckFlat(struct varlena *v, bool check_values)
{
	DidPanelFlat *flat = (DidPanelFlat *) v;
	Size		size = VARSIZE(v);
	uint64		i;

	if (size < offsetof(DidPanelFlat, rows) || flat->version != DID_FLAT_VERSION ||
		flat->flags != 0 || flat->n_rows > MAX_FLAT_ROWS || size != FLAT_SIZE(flat->n_rows))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid did_panel value of %zu bytes", (size_t) size)));
	for (i = 0; check_values && i < flat->n_rows; i++)
		if (!isfinite(flat->rows[i].y))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("invalid did_panel value: outcome of unit " INT64_FORMAT " is not finite",
							flat->rows[i].unit)));
	return flat;
}

/* Is this datum one of our expanded panels (read-write or read-only)? */
static DidPanelExpanded *
AsExpanded(Datum d)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		ExpandedObjectHeader *eoh = DatumGetEOHP(d);

		if (eoh->eoh_methods == &DidPanelMethods)
			return (DidPanelExpanded *) eoh;
	}
	return NULL;
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
		*spans = palloc(sizeof(RowSpan) * Max(p->n_blocks, 1));
		for (b = 0; b < p->n_blocks; b++)
		{
			(*spans)[b].rows = p->blocks[b];
			(*spans)[b].n = BlockRows(p, b);
		}
		return p->n_blocks;
	}
	else
	{
		DidPanelFlat *flat = CheckFlat(PG_DETOAST_DATUM(d), check_values);

		*spans = palloc(sizeof(RowSpan));
		(*spans)[0].rows = flat->rows;
		(*spans)[0].n = flat->n_rows;
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

		view.n_rows = view.capacity = spans[i].n;
		view.rows = (scomm_did_row *) spans[i].rows;
		st = scomm_did_collector_merge(c, &view);
		if (st != SCOMM_OK)
			PanelStatusError(st, "copy");
	}
	pfree(spans);
	return c;
}

/* Append rows to an expanded panel, filling its last block and adding new ones. */
static void
AppendRows(DidPanelExpanded *p, const scomm_did_row *rows, size_t n)
{
	CheckPanelSize(p->n_rows + n);
	while (n > 0)
	{
		size_t		used = p->n_blocks > 0 ? BlockRows(p, p->n_blocks - 1) : BLOCK_ROWS;
		size_t		k;

		if (used == BLOCK_ROWS)
		{
			if (p->n_blocks == p->max_blocks)
			{
				int			m = p->max_blocks < 16 ? 16 : p->max_blocks * 2;

				p->blocks = p->blocks == NULL ?
					MemoryContextAlloc(p->hdr.eoh_context, m * sizeof(scomm_did_row *)) :
					repalloc(p->blocks, m * sizeof(scomm_did_row *));
				p->max_blocks = m;
			}
			p->blocks[p->n_blocks++] =
				MemoryContextAlloc(p->hdr.eoh_context, BLOCK_ROWS * sizeof(scomm_did_row));
			used = 0;
		}
		k = Min(n, BLOCK_ROWS - used);
		memcpy(p->blocks[p->n_blocks - 1] + used, rows, k * sizeof(scomm_did_row));
		p->n_rows += k;
		rows += k;
		n -= k;
	}
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
		AppendRows(dst, spans[i].rows, spans[i].n);
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
 * the read-write expanded panel this function made, so it is used at once.
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
	DidPanelExpanded *p;
	int			kind = AggCheckCallContext(fcinfo, &aggcxt);

	if (kind == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("did_panel transition functions can only be called by the did_panel aggregate")));
	if (kind == AGG_CONTEXT_WINDOW)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("did_panel cannot be used as a window function"),
				 errhint("Use GROUP BY to collect one panel per group.")));
	if (!PG_ARGISNULL(0))
	{
		Datum		d = PG_GETARG_DATUM(0);

		p = AsExpanded(d);
		if (p != NULL && DatumIsReadWriteExpandedObject(d, false, -1) &&
			MemoryContextGetParent(p->hdr.eoh_context) == aggcxt)
			return p;
		p = NewExpandedPanel(aggcxt);
		MergeInto(p, d);
		return p;
	}
	return NewExpandedPanel(aggcxt);
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
	if (likely(p->n_rows % BLOCK_ROWS != 0))
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

static void
RequireArg(FunctionCallInfo fcinfo, int arg, const char *name)
{
	if (PG_ARGISNULL(arg))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("did_panel %s must not be NULL", name)));
}

/* did_panel(unit bigint, period int, outcome float8, first_period int) */
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
		AddRow(p, PG_GETARG_INT64(1), PG_GETARG_INT32(2),
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
 *           unit_of_time text): periods numbered as scomm.period_of does.
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

		AddRow(p, id, PeriodNumber(PG_GETARG_DATEADT(2), unit, "date", id),
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
