/*
 * prepost_state.c: text and binary I/O of scomm.prepost_state.
 *
 * Text form, keys in this order (doubles in the shortest form that reads
 * back to the same double, so the round trip is exact):
 *   {n_before=5,mean_before=11.2,m2_before=14.8,n_after=6,mean_after=16.5,m2_after=29.5}
 * and for a windowed state three more fields, the interval's parts:
 *   {...,m2_after=29.5,within_months=24,within_days=0,within_usecs=0}
 * Binary form: a format version byte, a kind byte (0 all rows, 1 windowed),
 * then per side (before, after) n as int64, mean and m2 as float8, then for
 * a windowed state months and days as int32 and microseconds as int64.
 */
#include "postgres.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "common/int.h"
#include "common/shortest_dec.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "compat.h"
#include "arg_util.h"
#include "prepost.h"

static const char *const SideKeys[2][3] = {
	{"n_before", "mean_before", "m2_before"},
	{"n_after", "mean_after", "m2_after"}
};

/* A state with no rows, of the given kind, in the given memory context. */
PrepostState *
prepost_state_new(MemoryContext cxt, PrepostKind kind, const Interval *within)
{
	PrepostState *s = MemoryContextAllocZero(cxt, sizeof(PrepostState));

	SET_VARSIZE(s, sizeof(PrepostState));
	s->kind = kind;
	if (kind == PREPOST_WITHIN)
		s->within = *within;
	return s;
}

/* Reject a state varlena of the wrong size or with impossible contents. */
void
prepost_state_check(const PrepostState *s)
{
	if (VARSIZE(s) != sizeof(PrepostState) ||
		(s->kind != PREPOST_ALL && s->kind != PREPOST_WITHIN) ||
		prepost_moments_check(&s->side[SIDE_BEFORE]) != SCOMM_OK ||
		prepost_moments_check(&s->side[SIDE_AFTER]) != SCOMM_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid prepost_state value of %u bytes", (unsigned) VARSIZE(s))));
}

/* "all rows" or "within <interval>", for messages */
char *
prepost_window_text(const PrepostState *s)
{
	if (s->kind != PREPOST_WITHIN)
		return pstrdup("all rows");
	return psprintf("within %s",
					DatumGetCString(DirectFunctionCall1(interval_out,
														IntervalPGetDatum(&s->within))));
}

static void
StateInvalid(const char *str, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type prepost_state: \"%s\"", str),
			 errdetail("%s", detail),
			 errhint("A prepost_state looks like {n_before=5,mean_before=11.2,m2_before=14.8,n_after=6,mean_after=16.5,m2_after=29.5}, optionally followed by ,within_months=24,within_days=0,within_usecs=0.")));
}

/* Expect "key=" at *p (after a comma unless first); advance past it. */
static bool
ParseKey(const char **p, const char *key, bool first)
{
	size_t		len = strlen(key);

	if (!first)
	{
		if (**p != ',')
			return false;
		(*p)++;
	}
	if (strncmp(*p, key, len) != 0 || (*p)[len] != '=')
		return false;
	*p += len + 1;
	return true;
}

/* Parse an int64 (optional minus sign, digits only) at *p. */
static bool
ParseInt64(const char **p, int64 *value)
{
	const char *s = *p;
	bool		neg = false;
	int64		v = 0;

	if (*s == '-')
	{
		neg = true;
		s++;
	}
	if (!isdigit((unsigned char) *s))
		return false;
	while (isdigit((unsigned char) *s))
	{
		if (pg_mul_s64_overflow(v, 10, &v) ||
			(neg ? pg_sub_s64_overflow(v, *s - '0', &v) : pg_add_s64_overflow(v, *s - '0', &v)))
			return false;
		s++;
	}
	*p = s;
	*value = v;
	return true;
}

/* Parse a finite double written in decimal ([-]digits[.digits][e[+-]digits]) at *p. */
static bool
ParseDouble(const char **p, double *value)
{
	const char *s = *p;
	size_t		len = strspn(s, "0123456789.eE+-");
	char		num[64];
	char	   *end;
	double		v;

	if (len == 0 || len >= sizeof(num) || !(isdigit((unsigned char) *s) || *s == '-' || *s == '.'))
		return false;
	memcpy(num, s, len);
	num[len] = '\0';
	errno = 0;
	v = strtod(num, &end);
	if (end != num + len || errno == ERANGE || !isfinite(v))
		return false;
	*p = s + len;
	*value = v;
	return true;
}

/* true when the interval is longer than zero (months counted as 30 days) */
bool
prepost_window_positive(const Interval *within)
{
	Interval	zero = {0, 0, 0};

	return DatumGetInt32(DirectFunctionCall2(interval_cmp, IntervalPGetDatum((Interval *) within),
											 IntervalPGetDatum(&zero))) > 0;
}

PG_FUNCTION_INFO_V1(prepost_state_in);
Datum
prepost_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	const char *p = str;
	PrepostState *s = prepost_state_new(CurrentMemoryContext, PREPOST_ALL, NULL);
	int			i;

	while (isspace((unsigned char) *p))
		p++;
	if (*p++ != '{')
		StateInvalid(str, "It must start with \"{\".");
	for (i = 0; i < 2; i++)
	{
		int64		n;

		if (!ParseKey(&p, SideKeys[i][0], i == 0) || !ParseInt64(&p, &n) ||
			!ParseKey(&p, SideKeys[i][1], false) || !ParseDouble(&p, &s->side[i].mean) ||
			!ParseKey(&p, SideKeys[i][2], false) || !ParseDouble(&p, &s->side[i].m2))
			StateInvalid(str, "The fields must be n_before, mean_before, m2_before, n_after, mean_after and m2_after, in that order, with integer counts and finite decimal numbers.");
		s->side[i].n = n;
		if (prepost_moments_check(&s->side[i]) != SCOMM_OK)
			StateInvalid(str, "Counts must not be negative, m2 must not be negative, and an empty side must have mean 0 and m2 0, a side with one value m2 0.");
	}
	if (*p == ',')
	{
		int64		months,
					days;

		if (!ParseKey(&p, "within_months", false) || !ParseInt64(&p, &months) ||
			!ParseKey(&p, "within_days", false) || !ParseInt64(&p, &days) ||
			!ParseKey(&p, "within_usecs", false) || !ParseInt64(&p, &s->within.time))
			StateInvalid(str, "A window must be given as within_months, within_days and within_usecs, in that order, as integers.");
		if (months < PG_INT32_MIN || months > PG_INT32_MAX || days < PG_INT32_MIN || days > PG_INT32_MAX)
			StateInvalid(str, "within_months and within_days must be 32-bit integers.");
		s->within.month = (int32) months;
		s->within.day = (int32) days;
		s->kind = PREPOST_WITHIN;
		if (!prepost_window_positive(&s->within))
			StateInvalid(str, "The window must be longer than zero.");
	}
	if (*p++ != '}')
		StateInvalid(str, "It must end with \"}\" after m2_after or within_usecs.");
	while (isspace((unsigned char) *p))
		p++;
	if (*p != '\0')
		StateInvalid(str, "Nothing may follow the closing \"}\".");
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(prepost_state_out);
Datum
prepost_state_out(PG_FUNCTION_ARGS)
{
	PrepostState *s = PG_GETARG_PREPOST_STATE_P(0);
	StringInfoData buf;
	char		mean[DOUBLE_SHORTEST_DECIMAL_LEN];
	char		m2[DOUBLE_SHORTEST_DECIMAL_LEN];
	int			i;

	prepost_state_check(s);
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (i = 0; i < 2; i++)
	{
		double_to_shortest_decimal_buf(s->side[i].mean, mean);
		double_to_shortest_decimal_buf(s->side[i].m2, m2);
		appendStringInfo(&buf, "%s%s=" INT64_FORMAT ",%s=%s,%s=%s", i ? "," : "",
						 SideKeys[i][0], (int64) s->side[i].n,
						 SideKeys[i][1], mean, SideKeys[i][2], m2);
	}
	if (s->kind == PREPOST_WITHIN)
		appendStringInfo(&buf, ",within_months=%d,within_days=%d,within_usecs=" INT64_FORMAT,
						 s->within.month, s->within.day, s->within.time);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

static void
BinaryInvalid(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary prepost_state: %s", what)));
}

PG_FUNCTION_INFO_V1(prepost_state_recv);
Datum
prepost_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	PrepostState *s = prepost_state_new(CurrentMemoryContext, PREPOST_ALL, NULL);
	int			version;
	int			kind;
	int			i;

	ScommRecvNeed(buf, 1, "prepost_state");
	version = pq_getmsgbyte(buf);

	if (version != PREPOST_FORMAT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported prepost_state binary format version %d", version),
				 errdetail("This version of scomm reads format version %d.", PREPOST_FORMAT_VERSION)));
	ScommRecvNeed(buf, 1 + 2 * 24, "prepost_state");
	kind = pq_getmsgbyte(buf);
	if (kind != PREPOST_ALL && kind != PREPOST_WITHIN)
		BinaryInvalid(psprintf("unknown kind %d", kind));
	s->kind = kind;
	for (i = 0; i < 2; i++)
	{
		s->side[i].n = pq_getmsgint64(buf);
		s->side[i].mean = pq_getmsgfloat8(buf);
		s->side[i].m2 = pq_getmsgfloat8(buf);
		if (prepost_moments_check(&s->side[i]) != SCOMM_OK)
			BinaryInvalid(psprintf("impossible moments for the %s side", i ? "after" : "before"));
	}
	if (kind == PREPOST_WITHIN)
	{
		ScommRecvNeed(buf, 16, "prepost_state");
		s->within.month = (int32) pq_getmsgint(buf, 4);
		s->within.day = (int32) pq_getmsgint(buf, 4);
		s->within.time = pq_getmsgint64(buf);
		if (!prepost_window_positive(&s->within))
			BinaryInvalid("the window is not longer than zero");
	}
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(prepost_state_send);
Datum
prepost_state_send(PG_FUNCTION_ARGS)
{
	PrepostState *s = PG_GETARG_PREPOST_STATE_P(0);
	StringInfoData buf;
	int			i;

	prepost_state_check(s);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, PREPOST_FORMAT_VERSION);
	pq_sendbyte(&buf, s->kind);
	for (i = 0; i < 2; i++)
	{
		pq_sendint64(&buf, s->side[i].n);
		pq_sendfloat8(&buf, s->side[i].mean);
		pq_sendfloat8(&buf, s->side[i].m2);
	}
	if (s->kind == PREPOST_WITHIN)
	{
		pq_sendint32(&buf, s->within.month);
		pq_sendint32(&buf, s->within.day);
		pq_sendint64(&buf, s->within.time);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
