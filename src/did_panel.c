/*
 * did_panel.c: scomm.did_panel, the storable state of the did_panel
 * aggregate (the rows unit, period, first_period, outcome of a panel), its
 * text and binary I/O, and the transition and combine functions.
 *
 * On disk a did_panel is a varlena holding the core's binary encoding
 * (docs/did_core.md: "SCDP", version, row count, 24-byte big-endian rows in
 * canonical unit/period order).  While an aggregate runs, the state is an
 * expanded object owned by the aggregate's memory context: rows are appended
 * in place, and the object is flattened (sorted and encoded) only when it
 * has to leave the aggregate — stored, sent to the leader by a parallel
 * worker, or printed.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "compat.h"
#include "activation_cohort.h"
#include "did_glue.h"
#include "period.h"

/* bytes of the binary encoding before the rows, and per row */
#define DID_CODEC_HEADER 16
#define DID_CODEC_ROW 24

typedef struct DidPanelExpanded
{
	ExpandedObjectHeader hdr;
	scomm_did_collector *rows;	/* in hdr.eoh_context */
	unsigned char *flat;		/* encoding cached by get_flat_size */
	size_t		flat_len;
} DidPanelExpanded;

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
	if (st == SCOMM_ENOMEM)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory while %s a did_panel", what)));
	ereport(ERROR,
			(errcode(ERRCODE_INTERNAL_ERROR),
			 errmsg("could not %s a did_panel: %s", what, scomm_status_message(st))));
}

/* A new, empty expanded panel whose memory lives under parent. */
static DidPanelExpanded *
NewExpandedPanel(MemoryContext parent)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "did_panel",
											  ALLOCSET_DEFAULT_SIZES);
	DidPanelExpanded *p = MemoryContextAllocZero(cxt, sizeof(DidPanelExpanded));
	MemoryContext old;

	EOH_init_header(&p->hdr, &DidPanelMethods, cxt);
	old = MemoryContextSwitchTo(cxt);
	p->rows = scomm_did_collector_create();
	MemoryContextSwitchTo(old);
	if (p->rows == NULL)
		PanelStatusError(SCOMM_ENOMEM, "creating");
	return p;
}

/* Drop a cached flat encoding (the rows are about to change). */
static void
ForgetFlat(DidPanelExpanded *p)
{
	if (p->flat != NULL)
	{
		pfree(p->flat);
		p->flat = NULL;
		p->flat_len = 0;
	}
}

/* Refuse panels whose flat form would exceed the 1 GB value limit. */
static void
CheckPanelSize(size_t rows)
{
	if (rows > (MaxAllocSize - VARHDRSZ - DID_CODEC_HEADER) / DID_CODEC_ROW)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("did_panel would exceed %zu rows",
						(size_t) ((MaxAllocSize - VARHDRSZ - DID_CODEC_HEADER) / DID_CODEC_ROW)),
				 errdetail("A stored value is limited to 1 GB."),
				 errhint("Collect the panel per group of units, or aggregate rows first (e.g. by month).")));
}

static Size
DidPanelFlatSize(ExpandedObjectHeader *eohptr)
{
	DidPanelExpanded *p = (DidPanelExpanded *) eohptr;
	MemoryContext old;
	scomm_status st;

	if (p->flat == NULL)
	{
		CheckPanelSize(p->rows->n_rows);
		old = MemoryContextSwitchTo(p->hdr.eoh_context);
		scomm_did_collector_sort(p->rows);
		st = scomm_did_encode_binary(p->rows, &p->flat, &p->flat_len);
		MemoryContextSwitchTo(old);
		if (st != SCOMM_OK)
			PanelStatusError(st, "encode");
	}
	return VARHDRSZ + p->flat_len;
}

static void
DidPanelFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	DidPanelExpanded *p = (DidPanelExpanded *) eohptr;

	Assert(p->flat != NULL && allocated_size == VARHDRSZ + p->flat_len);
	SET_VARSIZE(result, allocated_size);
	memcpy(VARDATA(result), p->flat, p->flat_len);
}

/* Decode a flat did_panel into a collector in the current context. */
static scomm_did_collector *
DecodeFlat(struct varlena *flat)
{
	scomm_did_collector *c = NULL;
	scomm_status st;

	st = scomm_did_decode_binary((const unsigned char *) VARDATA_ANY(flat),
								 VARSIZE_ANY_EXHDR(flat), &c);
	if (st == SCOMM_ECORRUPT || st == SCOMM_EINVAL)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid did_panel value of %zu bytes",
						(size_t) VARSIZE_ANY_EXHDR(flat))));
	if (st != SCOMM_OK)
		PanelStatusError(st, "decode");
	return c;
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

/* The rows of a did_panel datum, in the current memory context (read only). */
scomm_did_collector *
DidPanelRows(Datum d)
{
	DidPanelExpanded *p = AsExpanded(d);

	if (p != NULL)
		return p->rows;
	return DecodeFlat(PG_DETOAST_DATUM(d));
}

/* Append the rows of a did_panel datum to an expanded panel. */
static void
MergeInto(DidPanelExpanded *dst, Datum src)
{
	DidPanelExpanded *e = AsExpanded(src);
	scomm_did_collector *rows;
	MemoryContext old;
	scomm_status st;

	if (e == dst)
		elog(ERROR, "cannot merge a did_panel into itself");
	rows = e ? e->rows : DecodeFlat(PG_DETOAST_DATUM(src));
	CheckPanelSize(dst->rows->n_rows + rows->n_rows);
	ForgetFlat(dst);
	old = MemoryContextSwitchTo(dst->hdr.eoh_context);
	st = scomm_did_collector_merge(dst->rows, rows);
	MemoryContextSwitchTo(old);
	if (st != SCOMM_OK)
		PanelStatusError(st, "merge");
	if (e == NULL)
		scomm_did_collector_free(rows);
}

/*
 * The aggregate state to update in place: our read-write expanded object
 * in this aggregate's context, or a new one (empty, or a copy of a stored
 * panel).  did_panel is a plain aggregate: window use is refused.
 */
static DidPanelExpanded *
StateForUpdate(FunctionCallInfo fcinfo)
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

/* Add one row to an expanded panel; a NULL outcome leaves the row out. */
static void
AddRow(DidPanelExpanded *p, int64 unit, int32 period, int32 first_period,
	   double y)
{
	scomm_did_diag diag;
	MemoryContext old;
	scomm_status st;

	if (unlikely(p->rows->n_rows >= p->rows->capacity))
		CheckPanelSize(p->rows->n_rows + 1);
	ForgetFlat(p);
	old = MemoryContextSwitchTo(p->hdr.eoh_context);
	st = scomm_did_collector_add(p->rows, unit, period, first_period, y, &diag);
	MemoryContextSwitchTo(old);
	if (unlikely(st != SCOMM_OK))
	{
		if (st == SCOMM_EINVAL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("did_panel outcome of unit " INT64_FORMAT " in period %d is %s",
							unit, period, isnan(y) ? "NaN" : "infinite"),
					 errhint("Outcomes must be finite numbers; leave a missing outcome NULL.")));
		PanelStatusError(st, "grow");
	}
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

static struct varlena *
FlatFromCollector(scomm_did_collector *c)
{
	unsigned char *bytes;
	size_t		len;
	struct varlena *v;
	scomm_status st;

	CheckPanelSize(c->n_rows);
	scomm_did_collector_sort(c);
	st = scomm_did_encode_binary(c, &bytes, &len);
	if (st != SCOMM_OK)
		PanelStatusError(st, "encode");
	v = palloc(VARHDRSZ + len);
	SET_VARSIZE(v, VARHDRSZ + len);
	memcpy(VARDATA(v), bytes, len);
	pfree(bytes);
	return v;
}

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
	Datum		d = PG_GETARG_DATUM(0);
	DidPanelExpanded *e = AsExpanded(d);
	scomm_did_collector *c = e ? e->rows : DecodeFlat(PG_DETOAST_DATUM(d));
	char	   *text = NULL;
	scomm_status st;

	if (e != NULL)
	{
		/* sorting changes no value, only the order the rows are kept in */
		MemoryContext old = MemoryContextSwitchTo(e->hdr.eoh_context);

		scomm_did_collector_sort(c);
		MemoryContextSwitchTo(old);
	}
	else
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
	struct varlena *flat = PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	bytea	   *out = palloc(VARSIZE_ANY(flat));

	/* the stored form is the binary encoding, already canonical */
	SET_VARSIZE(out, VARSIZE_ANY(flat));
	memcpy(VARDATA(out), VARDATA_ANY(flat), VARSIZE_ANY_EXHDR(flat));
	PG_RETURN_BYTEA_P(out);
}

/* rows, units and periods of a panel, for a quick look */
PG_FUNCTION_INFO_V1(did_panel_rows);
Datum
did_panel_rows(PG_FUNCTION_ARGS)
{
	scomm_did_collector *c = DidPanelRows(PG_GETARG_DATUM(0));

	PG_RETURN_INT64((int64) c->n_rows);
}
