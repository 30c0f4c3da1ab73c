/*
 * activation_cohort.c: the scomm.activation_cohort base type — I/O,
 * comparison, hashing and the cast from date.
 */
#include "postgres.h"

#include <ctype.h>

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include "compat.h"
#include "arg_util.h"
#include "activation_cohort.h"
#include "ordinal_type.h"
#include "text_util.h"

/* Parse exactly "YYYY-MM-DD" (a real calendar date); false otherwise. */
static bool
ParseIsoDate(const char *s, size_t len, DateADT *result)
{
	int			y,
				m,
				d;
	size_t		i;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < len; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char) s[i]))
			return false;
	y = atoi(s);
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1 ||
		d > day_tab[isleap(y)][m - 1])
		return false;
	*result = date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
	return true;
}

PG_FUNCTION_INFO_V1(activation_cohort_in);
Datum
activation_cohort_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	size_t		start,
				len;
	DateADT		date;

	scomm_trim(str, &start, &len);
	if (len == 5 && pg_strncasecmp(str + start, "never", 5) == 0)
		PG_RETURN_ACTIVATION_COHORT(COHORT_NEVER);
	if (!ParseIsoDate(str + start, len, &date))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type activation_cohort: \"%s\"", str),
				 errhint("An activation cohort is a date written YYYY-MM-DD, or \"never\".")));
	PG_RETURN_ACTIVATION_COHORT(date);
}

PG_FUNCTION_INFO_V1(activation_cohort_out);
Datum
activation_cohort_out(PG_FUNCTION_ARGS)
{
	ActivationCohort c = PG_GETARG_ACTIVATION_COHORT(0);
	int			y,
				m,
				d;

	if (c == COHORT_NEVER)
		PG_RETURN_CSTRING(pstrdup("never"));
	j2date(c + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	PG_RETURN_CSTRING(psprintf("%04d-%02d-%02d", y, m, d));
}

/* True for never and for day numbers of years 1 to 9999. */
static bool
CohortInRange(int32 value)
{
	return value == COHORT_NEVER ||
		(value >= date2j(1, 1, 1) - POSTGRES_EPOCH_JDATE &&
		 value <= date2j(9999, 12, 31) - POSTGRES_EPOCH_JDATE);
}

PG_FUNCTION_INFO_V1(activation_cohort_recv);
Datum
activation_cohort_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		value;

	ScommRecvNeed(buf, 4, "activation_cohort");
	value = pq_getmsgint(buf, 4);

	if (!CohortInRange(value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary value for type activation_cohort: %d", value),
				 errdetail("The binary form is a date's day number from 2000-01-01, "
						   "between years 1 and 9999, or %d for never.", COHORT_NEVER)));
	PG_RETURN_ACTIVATION_COHORT(value);
}

PG_FUNCTION_INFO_V1(activation_cohort_send);
Datum
activation_cohort_send(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, PG_GETARG_ACTIVATION_COHORT(0));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

SCOMM_ORDINAL_SUPPORT(activation_cohort, PG_GETARG_ACTIVATION_COHORT)

/* date -> activation_cohort; the infinities are not activation dates */
PG_FUNCTION_INFO_V1(activation_cohort_from_date);
Datum
activation_cohort_from_date(PG_FUNCTION_ARGS)
{
	DateADT		date = PG_GETARG_DATEADT(0);

	if (DATE_NOT_FINITE(date))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("date \"%s\" is not a valid activation date",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(date)))),
				 errhint("Use the activation_cohort literal 'never' for a locality that was never activated.")));
	if (!CohortInRange(date))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("date \"%s\" is out of range for type activation_cohort",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(date)))),
				 errhint("Activation dates lie between years 1 and 9999.")));
	PG_RETURN_ACTIVATION_COHORT(date);
}
