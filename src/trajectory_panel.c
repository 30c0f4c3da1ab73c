/*
 * trajectory_panel.c: scomm.trajectory_panel, the storable, mergeable value
 * that the trajectory_panel aggregate collects (observations unit, t, y,
 * exposure, and optionally covariates of membership per unit), with text and
 * binary I/O, the transition and combine functions.
 *
 * On disk and on the wire the value is the core's binary panel encoding
 * (src/core/traj.h) in a varlena; its text form is the core's text form,
 * e.g. {n=2;1,2006,0,1;1,2007,3,1}.  While an aggregate runs, the state is
 * an expanded object (the core's growable panel) owned by the aggregate
 * context, so each row is appended in place; it is flattened (sorted into
 * canonical order) only when stored, sent to another process or printed.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/array.h"
#include "utils/float.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "compat.h"
#include "core_status.h"
#include "expanded_state.h"
#include "text_util.h"
#include "trajectory.h"

/* the expanded form: the core panel, allocated in the object's context */
typedef struct TrajPanelEO
{
	ExpandedObjectHeader hdr;
	scomm_traj_panel *panel;
} TrajPanelEO;

static Size PanelFlatSize(ExpandedObjectHeader *eohptr);
static void PanelFlatten(ExpandedObjectHeader *eohptr, void *result, Size size);

static const ExpandedObjectMethods PanelMethods = {PanelFlatSize, PanelFlatten};

void
trajectory_raise(scomm_status st, const char *what)
{
	if (st == SCOMM_OK)
		return;
	ScommRaiseCommon(st, what);
	switch (st)
	{
		case SCOMM_ECORRUPT:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("corrupted value in %s", what)));
			break;
		case SCOMM_EEMPTY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: the panel is empty", what)));
			break;
		case SCOMM_ENOCONV:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: every start collapsed (a group lost all its units)", what),
					 errhint("Fit fewer groups or a lower degree.")));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: %s", what, scomm_status_message(st))));
	}
}

/* A new, empty expanded panel in a child context of parent. */
static TrajPanelEO *
NewPanelEO(MemoryContext parent)
{
	TrajPanelEO *eo = SCOMM_EXPANDED_NEW(TrajPanelEO, parent, "trajectory_panel",
										 &PanelMethods, ALLOCSET_DEFAULT_SIZES);
	MemoryContext old;
	scomm_status st;

	old = MemoryContextSwitchTo(eo->hdr.eoh_context);
	st = scomm_traj_panel_create(&eo->panel);
	MemoryContextSwitchTo(old);
	trajectory_raise(st, "trajectory_panel");
	return eo;
}

static Size
PanelFlatSize(ExpandedObjectHeader *eohptr)
{
	TrajPanelEO *eo = (TrajPanelEO *) eohptr;

	return VARHDRSZ + scomm_traj_panel_encoded_size(eo->panel);
}

/* Write the binary encoding (canonical order) into result. */
static void
PanelFlatten(ExpandedObjectHeader *eohptr, void *result, Size size)
{
	TrajPanelEO *eo = (TrajPanelEO *) eohptr;
	unsigned char *bytes = NULL;
	size_t		len = 0;
	scomm_status st;

	st = scomm_traj_panel_to_bytes(eo->panel, &bytes, &len);
	trajectory_raise(st, "trajectory_panel");
	if (VARHDRSZ + len != size)
		elog(ERROR, "trajectory_panel flat size mismatch");
	SET_VARSIZE(result, size);
	memcpy(VARDATA(result), bytes, len);
	scomm_core_free(bytes);
}

/* Nonzero when d is an expanded trajectory_panel. */
static bool
IsPanelEO(Datum d)
{
	return ScommExpandedOf(d, &PanelMethods) != NULL;
}

/* Decode a flat value; corrupted storage is an error. */
static scomm_traj_panel *
DecodeFlat(Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM(d);
	scomm_traj_panel *p = NULL;
	scomm_status st;

	st = scomm_traj_panel_from_bytes((const unsigned char *) VARDATA_ANY(v),
									 VARSIZE_ANY_EXHDR(v), &p);
	if (st == SCOMM_ECORRUPT)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid trajectory_panel value of %u bytes",
						(unsigned) VARSIZE_ANY(v))));
	trajectory_raise(st, "trajectory_panel");
	return p;
}

scomm_traj_panel *
trajectory_panel_from_datum(Datum d, bool *owned)
{
	if (IsPanelEO(d))
	{
		*owned = false;
		return ((TrajPanelEO *) DatumGetEOHP(d))->panel;
	}
	*owned = true;
	return DecodeFlat(d);
}

/* "{x1,x2,...}" of a covariate vector (palloc'd), or NULL for missing */
static char *
VectorText(const double *x, int n)
{
	StringInfoData b;
	int			j;

	if (x == NULL)
		return pstrdup("NULL");
	initStringInfo(&b);
	appendStringInfoChar(&b, '{');
	for (j = 0; j < n; j++)
		appendStringInfo(&b, "%s%s", j ? "," : "", float8out_internal(x[j]));
	appendStringInfoChar(&b, '}');
	return b.data;
}

/* The error of a covariate conflict that the core reported for panel p. */
static void
CovariateError(const scomm_traj_panel *p, const double *given, int ngiven)
{
	int64_t		unit = 0;
	const char *why = NULL;
	const double *had = NULL;
	int			missing = 1;

	if (scomm_traj_panel_last_error(p, &unit, &why) != SCOMM_OK)
		return;
	scomm_traj_panel_find_covariates(p, unit, &had, &missing);
	if (strstr(why, "differ"))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_panel: unit " INT64_FORMAT " has different covariates in two rows", (int64) unit),
				 given ? errdetail("One row gives %s, an earlier one %s.", VectorText(given, ngiven),
								   VectorText(had, scomm_traj_panel_ncov(p))) :
				 errdetail("Two merged parts give it %s and another vector.",
						   VectorText(had, scomm_traj_panel_ncov(p))),
				 errhint("Covariates of membership are traits of a unit, constant over its rows: take them from one year or aggregate them per unit first.")));
	if (strstr(why, "same number"))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_panel: unit " INT64_FORMAT " has %d covariates, other units %d",
						(int64) unit, given ? ngiven : -1, scomm_traj_panel_ncov(p)),
				 errhint("Every unit needs the same covariates in the same order.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("trajectory_panel: covariates of unit " INT64_FORMAT ": %s", (int64) unit, why),
			 given ? errdetail("Covariates %s.", VectorText(given, ngiven)) : 0,
			 errhint("Give 1 to %d finite covariates per unit; NULL (or a NULL element) leaves the unit out of fits.",
					 SCOMM_TRAJ_MAX_COVARIATES)));
}

/* Append src's observations to eo's panel (in eo's context). */
static void
MergeInto(TrajPanelEO *eo, const scomm_traj_panel *src)
{
	MemoryContext old = MemoryContextSwitchTo(eo->hdr.eoh_context);
	scomm_status st = scomm_traj_panel_merge(eo->panel, src);

	MemoryContextSwitchTo(old);
	if (st == SCOMM_EINVAL)
		CovariateError(eo->panel, NULL, 0);
	trajectory_raise(st, "trajectory_panel");
}

/* Merge the panel datum d into eo. */
static void
MergeDatum(TrajPanelEO *eo, Datum d)
{
	bool		owned;
	scomm_traj_panel *p = trajectory_panel_from_datum(d, &owned);

	MergeInto(eo, p);
	if (owned)
		scomm_traj_panel_free(p);
}

/*
 * The state to update (expanded_state.h): in aggregate context an expanded
 * object owned by it (the state itself from the second row on), otherwise a
 * scratch copy.  *direct tells the caller to return a flat value.
 */
static TrajPanelEO *
WritableState(FunctionCallInfo fcinfo, bool *direct)
{
	MemoryContext aggcxt;
	ExpandedObjectHeader *state;
	TrajPanelEO *eo;

	*direct = !ScommExpandedState(fcinfo, &PanelMethods, &aggcxt, &state);
	if (state != NULL)
		return (TrajPanelEO *) state;
	eo = NewPanelEO(*direct ? CurrentMemoryContext : aggcxt);
	if (!PG_ARGISNULL(0))
		MergeDatum(eo, PG_GETARG_DATUM(0));
	return eo;
}

static Datum
Result(TrajPanelEO *eo, bool direct)
{
	if (direct)
		return ScommExpandedFlatCopy(&eo->hdr);
	return EOHPGetRWDatum(&eo->hdr);
}

/*
 * The covariates in argument argno into x[SCOMM_TRAJ_MAX_COVARIATES]: their
 * count, or 0 when the array or one of its elements is NULL (missing).
 */
static int
CovariatesArg(FunctionCallInfo fcinfo, int argno, int64 unit, double *x)
{
	ArrayType  *arr;
	int			n;

	if (PG_ARGISNULL(argno))
		return 0;
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("trajectory_panel covariates must be a one-dimensional array (unit " INT64_FORMAT ")", unit)));
	n = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
	if (n < 1 || n > SCOMM_TRAJ_MAX_COVARIATES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_panel takes 1 to %d covariates per unit, not %d (unit " INT64_FORMAT ")",
						SCOMM_TRAJ_MAX_COVARIATES, n, unit),
				 errhint("Pass NULL covariates to leave a unit out of fits; without risk factors use trajectory_panel(unit, t, y, exposure).")));
	if (ARR_HASNULL(arr))
		return 0;
	memcpy(x, ARR_DATA_PTR(arr), n * sizeof(double));
	return n;
}

/*
 * transition: add one observation (unit, t, y, exposure[, covariates]); y
 * NULL is skipped (the whole row)
 */
PG_FUNCTION_INFO_V1(trajectory_panel_accum);
Datum
trajectory_panel_accum(PG_FUNCTION_ARGS)
{
	TrajPanelEO *eo;
	bool		direct;
	int64		unit;
	double		t,
				y,
				e = 1.0;
	MemoryContext old;
	scomm_status st;

	if (PG_ARGISNULL(3))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("trajectory_panel unit and t must not be NULL"),
				 errhint("Filter out rows without a unit or a time; rows with y NULL are skipped as missing observations.")));
	unit = PG_GETARG_INT64(1);
	t = PG_GETARG_FLOAT8(2);
	y = PG_GETARG_FLOAT8(3);
	if (PG_NARGS() > 4 && !PG_ARGISNULL(4))
		e = PG_GETARG_FLOAT8(4);
	if (!isfinite(t) || !isfinite(y))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_panel t and y must be finite: unit " INT64_FORMAT ", t %s, y %s",
						unit, float8out_internal(t), float8out_internal(y)),
				 errhint("Turn NaN and infinite values of y into NULL with NULLIF to skip them.")));
	if (!isfinite(e) || !(e > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_panel exposure must be finite and positive: unit " INT64_FORMAT ", t %s, exposure %s",
						unit, float8out_internal(t), float8out_internal(e)),
				 errhint("Leave out units without exposure (e.g. population 0); NULL means exposure 1.")));
	if (PG_NARGS() > 5)
	{
		double		x[SCOMM_TRAJ_MAX_COVARIATES];
		int			n = CovariatesArg(fcinfo, 5, unit, x);

		eo = WritableState(fcinfo, &direct);
		old = MemoryContextSwitchTo(eo->hdr.eoh_context);
		st = scomm_traj_panel_set_covariates(eo->panel, unit, n ? x : NULL, n, NULL);
		MemoryContextSwitchTo(old);
		if (st == SCOMM_EINVAL)
			CovariateError(eo->panel, x, n);
		trajectory_raise(st, "trajectory_panel");
	}
	else
		eo = WritableState(fcinfo, &direct);
	old = MemoryContextSwitchTo(eo->hdr.eoh_context);
	st = scomm_traj_panel_add(eo->panel, unit, t, y, e);
	MemoryContextSwitchTo(old);
	trajectory_raise(st, "trajectory_panel");
	PG_RETURN_DATUM(Result(eo, direct));
}

/* combine: the observations of both panels (either may be NULL) */
PG_FUNCTION_INFO_V1(trajectory_panel_merge);
Datum
trajectory_panel_merge(PG_FUNCTION_ARGS)
{
	TrajPanelEO *eo;
	bool		direct;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	eo = WritableState(fcinfo, &direct);
	MergeDatum(eo, PG_GETARG_DATUM(1));
	PG_RETURN_DATUM(Result(eo, direct));
}

/* a varlena holding the binary encoding of p */
static Datum
FlatOf(const scomm_traj_panel *p)
{
	unsigned char *bytes = NULL;
	size_t		len = 0;
	struct varlena *v;
	scomm_status st = scomm_traj_panel_to_bytes(p, &bytes, &len);

	trajectory_raise(st, "trajectory_panel");
	v = palloc(VARHDRSZ + len);
	SET_VARSIZE(v, VARHDRSZ + len);
	memcpy(VARDATA(v), bytes, len);
	scomm_core_free(bytes);
	return PointerGetDatum(v);
}

PG_FUNCTION_INFO_V1(trajectory_panel_in);
Datum
trajectory_panel_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	size_t		start,
				len;
	scomm_traj_panel *p = NULL;
	scomm_status st;
	Datum		d;

	scomm_trim(str, &start, &len);
	st = scomm_traj_panel_from_text(str + start, len, &p);
	if (st == SCOMM_ECORRUPT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type trajectory_panel: \"%s\"", str),
				 errdetail("Expected {n=N;unit,t,y,exposure;...} with exactly N observations in canonical order (unit, t, y, exposure ascending), finite numbers and positive exposures, optionally followed by ;covariates=C;units=M;unit:x1,...,xC (or unit:NULL) for M units in ascending order."),
				 errhint("A trajectory_panel looks like {n=2;1,2006,0,1;1,2007,3,1}.")));
	trajectory_raise(st, "trajectory_panel input");
	d = FlatOf(p);
	scomm_traj_panel_free(p);
	PG_RETURN_DATUM(d);
}

PG_FUNCTION_INFO_V1(trajectory_panel_out);
Datum
trajectory_panel_out(PG_FUNCTION_ARGS)
{
	bool		owned;
	scomm_traj_panel *p = trajectory_panel_from_datum(PG_GETARG_DATUM(0), &owned);
	char	   *s = NULL,
			   *r;
	size_t		len = 0;
	scomm_status st = scomm_traj_panel_to_text(p, &s, &len);

	if (owned)
		scomm_traj_panel_free(p);
	trajectory_raise(st, "trajectory_panel output");
	r = pnstrdup(s, len);
	scomm_core_free(s);
	PG_RETURN_CSTRING(r);
}

PG_FUNCTION_INFO_V1(trajectory_panel_recv);
Datum
trajectory_panel_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	const char *bytes = pq_getmsgbytes(buf, buf->len - buf->cursor);
	scomm_traj_panel *p = NULL;
	scomm_status st;
	Datum		d;

	st = scomm_traj_panel_from_bytes((const unsigned char *) bytes,
									 buf->len - (bytes - buf->data), &p);
	if (st == SCOMM_ECORRUPT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary trajectory_panel"),
				 errdetail("Expected version 1 or 2, the observation count and exactly that many observations in canonical order (version 2: then the covariate records).")));
	trajectory_raise(st, "trajectory_panel receive");
	d = FlatOf(p);
	scomm_traj_panel_free(p);
	PG_RETURN_DATUM(d);
}

PG_FUNCTION_INFO_V1(trajectory_panel_send);
Datum
trajectory_panel_send(PG_FUNCTION_ARGS)
{
	bool		owned;
	scomm_traj_panel *p = trajectory_panel_from_datum(PG_GETARG_DATUM(0), &owned);
	unsigned char *bytes = NULL;
	size_t		len = 0;
	scomm_status st = scomm_traj_panel_to_bytes(p, &bytes, &len);
	StringInfoData buf;

	if (owned)
		scomm_traj_panel_free(p);
	trajectory_raise(st, "trajectory_panel send");
	pq_begintypsend(&buf);
	pq_sendbytes(&buf, (const char *) bytes, len);
	scomm_core_free(bytes);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
