/*
 * level_tally.c: scomm.level_tally, the storable state of the level_counts
 * aggregate (counts of L1, L2, L3 and NC), with text and binary I/O, the
 * transition, inverse and combine functions, and the final function.
 *
 * Text form: {L1=12,L2=3,L3=40,NC=7}.  Binary form: a format version byte
 * followed by the four counts as int64 in the order L1, L2, L3, NC.
 */
#include "postgres.h"

#include <ctype.h>

#include "access/htup_details.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "compat.h"
#include "criminality_level.h"
#include "result_util.h"

#define TALLY_FORMAT_VERSION 1

typedef struct LevelTally
{
	int32		vl_len_;		/* varlena header */
	int32		padding;
	int64		count[LEVEL_COUNT]; /* indexed by CriminalityLevel */
} LevelTally;

#define PG_GETARG_LEVEL_TALLY_P(n) ((LevelTally *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

/* Output order of the text and binary forms: L1, L2, L3, NC. */
static const CriminalityLevel TallyOrder[LEVEL_COUNT] = {LEVEL_L1, LEVEL_L2, LEVEL_L3, LEVEL_NC};
static const char *const TallyKeys[LEVEL_COUNT] = {"L1", "L2", "L3", "NC"};

/* A zeroed tally in the given memory context. */
static LevelTally *
NewTally(MemoryContext cxt)
{
	LevelTally *t = MemoryContextAllocZero(cxt, sizeof(LevelTally));

	SET_VARSIZE(t, sizeof(LevelTally));
	return t;
}

/* Reject a corrupted tally: the wrong size or a negative count. */
static void
CheckTallySize(LevelTally *t)
{
	int			i;

	if (VARSIZE(t) != sizeof(LevelTally))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid level_tally value of %u bytes", (unsigned) VARSIZE(t))));
	for (i = 0; i < LEVEL_COUNT; i++)
		if (t->count[i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("invalid level_tally value with a negative count " INT64_FORMAT,
							t->count[i])));
}

static int64
AddCount(int64 a, int64 b)
{
	int64		r;

	if (pg_add_s64_overflow(a, b, &r))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("level_tally count out of range")));
	return r;
}

static void
TallyInvalid(const char *str, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type level_tally: \"%s\"", str),
			 errdetail("%s", detail),
			 errhint("A level_tally looks like {L1=12,L2=3,L3=40,NC=7}.")));
}

/* Parse one non-negative int64 without leading zeros at *p; advance *p. */
static bool
ParseCount(const char **p, int64 *value)
{
	const char *s = *p;
	int64		v = 0;

	if (!isdigit((unsigned char) *s) || (s[0] == '0' && isdigit((unsigned char) s[1])))
		return false;
	while (isdigit((unsigned char) *s))
	{
		if (pg_mul_s64_overflow(v, 10, &v) || pg_add_s64_overflow(v, *s - '0', &v))
			return false;
		s++;
	}
	*p = s;
	*value = v;
	return true;
}

PG_FUNCTION_INFO_V1(level_tally_in);
Datum
level_tally_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	const char *p = str;
	LevelTally *t = NewTally(CurrentMemoryContext);
	int			i;

	while (isspace((unsigned char) *p))
		p++;
	if (*p++ != '{')
		TallyInvalid(str, "It must start with \"{\".");
	for (i = 0; i < LEVEL_COUNT; i++)
	{
		if (i > 0 && *p++ != ',')
			TallyInvalid(str, "Counts must be separated by commas.");
		if (strncmp(p, TallyKeys[i], 2) != 0 || p[2] != '=')
			TallyInvalid(str, "The counts must be L1=, L2=, L3= and NC=, in that order, with these upper-case keys.");
		p += 3;
		if (!ParseCount(&p, &t->count[TallyOrder[i]]))
			TallyInvalid(str, "Each count must be a non-negative 64-bit integer written without leading zeros.");
	}
	if (*p++ != '}')
		TallyInvalid(str, "It must end with \"}\" after the NC count.");
	while (isspace((unsigned char) *p))
		p++;
	if (*p != '\0')
		TallyInvalid(str, "Nothing may follow the closing \"}\".");
	PG_RETURN_POINTER(t);
}

PG_FUNCTION_INFO_V1(level_tally_out);
Datum
level_tally_out(PG_FUNCTION_ARGS)
{
	LevelTally *t = PG_GETARG_LEVEL_TALLY_P(0);
	StringInfoData buf;
	int			i;

	CheckTallySize(t);
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (i = 0; i < LEVEL_COUNT; i++)
		appendStringInfo(&buf, "%s%s=" INT64_FORMAT, i ? "," : "", TallyKeys[i],
						 t->count[TallyOrder[i]]);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(level_tally_recv);
Datum
level_tally_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	LevelTally *t = NewTally(CurrentMemoryContext);
	int			version = pq_getmsgbyte(buf);
	int			i;

	if (version != TALLY_FORMAT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported level_tally binary format version %d", version),
				 errdetail("This version of scomm reads format version %d.", TALLY_FORMAT_VERSION)));
	for (i = 0; i < LEVEL_COUNT; i++)
	{
		int64		v = pq_getmsgint64(buf);

		if (v < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("negative count " INT64_FORMAT " for %s in binary level_tally",
							v, TallyKeys[i])));
		t->count[TallyOrder[i]] = v;
	}
	PG_RETURN_POINTER(t);
}

PG_FUNCTION_INFO_V1(level_tally_send);
Datum
level_tally_send(PG_FUNCTION_ARGS)
{
	LevelTally *t = PG_GETARG_LEVEL_TALLY_P(0);
	StringInfoData buf;
	int			i;

	CheckTallySize(t);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, TALLY_FORMAT_VERSION);
	for (i = 0; i < LEVEL_COUNT; i++)
		pq_sendint64(&buf, t->count[TallyOrder[i]]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* the key of a level in the text form */
static const char *
LevelName(CriminalityLevel level)
{
	int			i;

	for (i = 0; i < LEVEL_COUNT; i++)
		if (TallyOrder[i] == level)
			return TallyKeys[i];
	return "?";
}

/*
 * The state to update: in aggregate context the state itself (allocated on
 * the first call), otherwise a copy so that the caller's value is untouched.
 */
static LevelTally *
WritableState(FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt;
	LevelTally *t;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		aggcxt = NULL;
	if (PG_ARGISNULL(0))
		return NewTally(aggcxt ? aggcxt : CurrentMemoryContext);
	t = PG_GETARG_LEVEL_TALLY_P(0);
	CheckTallySize(t);
	if (aggcxt == NULL)
	{
		LevelTally *copy = NewTally(CurrentMemoryContext);

		memcpy(copy->count, t->count, sizeof(t->count));
		return copy;
	}
	return t;
}

/*
 * transition: count one level (NULL levels are ignored).  In a window the
 * state is never NULL, not even before the first level: PostgreSQL's
 * moving-aggregate mode does not allow a NULL state, and a frame of NULL
 * levels counts nothing.  In a plain aggregate NULL levels alone leave the
 * state NULL, as before.
 */
PG_FUNCTION_INFO_V1(level_tally_accum);
Datum
level_tally_accum(PG_FUNCTION_ARGS)
{
	LevelTally *t;
	CriminalityLevel level;

	if (PG_ARGISNULL(1))
	{
		if (!PG_ARGISNULL(0))
			PG_RETURN_DATUM(PG_GETARG_DATUM(0));
		if (AggCheckCallContext(fcinfo, NULL) == AGG_CONTEXT_WINDOW)
			PG_RETURN_POINTER(WritableState(fcinfo));
		PG_RETURN_NULL();
	}
	level = criminality_level_arg(fcinfo, 1);
	t = WritableState(fcinfo);
	t->count[level] = AddCount(t->count[level], 1);
	PG_RETURN_POINTER(t);
}

/* inverse transition for moving window frames: uncount one level */
PG_FUNCTION_INFO_V1(level_tally_retract);
Datum
level_tally_retract(PG_FUNCTION_ARGS)
{
	LevelTally *t;
	CriminalityLevel level;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	level = criminality_level_arg(fcinfo, 1);
	t = WritableState(fcinfo);
	if (t->count[level] <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot remove one %s from a level_tally that counts no %s",
						LevelName(level), LevelName(level)),
				 errhint("level_tally_retract is the inverse transition of level_counts in moving window frames: it removes only levels that were counted.")));
	t->count[level]--;
	PG_RETURN_POINTER(t);
}

/* combine: add the second tally to the first (either may be NULL) */
PG_FUNCTION_INFO_V1(level_tally_merge);
Datum
level_tally_merge(PG_FUNCTION_ARGS)
{
	LevelTally *t;
	LevelTally *other;
	int			i;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	other = PG_GETARG_LEVEL_TALLY_P(1);
	CheckTallySize(other);
	t = WritableState(fcinfo);
	for (i = 0; i < LEVEL_COUNT; i++)
		t->count[i] = AddCount(t->count[i], other->count[i]);
	PG_RETURN_POINTER(t);
}

/* final: the counts and shares as a level_counts_result row */
PG_FUNCTION_INFO_V1(level_tally_counts);
Datum
level_tally_counts(PG_FUNCTION_ARGS)
{
	static const CriminalityLevel order[LEVEL_COUNT] = {LEVEL_L1, LEVEL_L2, LEVEL_L3, LEVEL_NC};
	TupleDesc	tupdesc;
	Datum		values[1 + 2 * LEVEL_COUNT];
	bool		nulls[1 + 2 * LEVEL_COUNT] = {0};
	int64		count[LEVEL_COUNT] = {0};
	int64		n = 0;
	int			i;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (!PG_ARGISNULL(0))
	{
		LevelTally *t = PG_GETARG_LEVEL_TALLY_P(0);

		CheckTallySize(t);
		for (i = 0; i < LEVEL_COUNT; i++)
		{
			count[i] = t->count[order[i]];
			n = AddCount(n, count[i]);
		}
	}
	values[0] = Int64GetDatum(n);
	for (i = 0; i < LEVEL_COUNT; i++)
	{
		values[1 + i] = Int64GetDatum(count[i]);
		if (n > 0)
			ScommSetFloat8(values, nulls, 1 + LEVEL_COUNT + i, (double) count[i] / (double) n, "counts");
		else
			nulls[1 + LEVEL_COUNT + i] = true;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
