/*
 * period.c: calendar period units and consecutive period numbers (period.h),
 * and the SQL functions period_of and period_start.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include "compat.h"
#include "period.h"
#include "text_util.h"

/* Parse a period unit name (singular or plural, any case). */
PeriodUnit
ParsePeriodUnit(text *unit_text)
{
	char	   *unit = text_to_cstring(unit_text);
	char	   *s;
	size_t		start,
				len;

	scomm_trim(unit, &start, &len);
	s = unit + start;
	if (len > 1 && (s[len - 1] == 's' || s[len - 1] == 'S'))
		len--;
	if (len == 4 && pg_strncasecmp(s, "year", 4) == 0)
		return UNIT_YEAR;
	if (len == 7 && pg_strncasecmp(s, "quarter", 7) == 0)
		return UNIT_QUARTER;
	if (len == 5 && pg_strncasecmp(s, "month", 5) == 0)
		return UNIT_MONTH;
	if (len == 3 && pg_strncasecmp(s, "day", 3) == 0)
		return UNIT_DAY;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown period unit \"%s\"", unit),
			 errhint("Valid units are year, quarter, month and day.")));
	return UNIT_YEAR;			/* keep compiler quiet */
}

/* The index of the period that contains a day (consecutive across years). */
int64
PeriodIndex(DateADT day, PeriodUnit unit)
{
	int			y,
				m,
				d;

	if (unit == UNIT_DAY)
		return day;
	j2date(day + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	switch (unit)
	{
		case UNIT_YEAR:
			return y;
		case UNIT_QUARTER:
			return (int64) y * 4 + (m - 1) / 3;
		case UNIT_MONTH:
			return (int64) y * 12 + (m - 1);
		default:
			return 0;
	}
}


/* The number of the period containing "at" (see period.h). */
PG_FUNCTION_INFO_V1(scomm_period_of);
Datum
scomm_period_of(PG_FUNCTION_ARGS)
{
	DateADT		at = PG_GETARG_DATEADT(0);
	PeriodUnit	unit = ParsePeriodUnit(PG_GETARG_TEXT_PP(1));

	if (DATE_NOT_FINITE(at))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("an infinite date has no period")));
	PG_RETURN_INT32((int32) PeriodIndex(at, unit));
}

/* floor division, for period numbers before year 0 */
static int64
FloorDiv(int64 a, int64 b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* The first day of a numbered period: the inverse of period_of. */
PG_FUNCTION_INFO_V1(scomm_period_start);
Datum
scomm_period_start(PG_FUNCTION_ARGS)
{
	int64		p = PG_GETARG_INT32(0);
	PeriodUnit	unit = ParsePeriodUnit(PG_GETARG_TEXT_PP(1));
	int64		y = p,
				m = 1;

	switch (unit)
	{
		case UNIT_DAY:
			if (p < (int64) (DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE) ||
				p >= (int64) (DATE_END_JULIAN - POSTGRES_EPOCH_JDATE))
				ereport(ERROR,
						(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
						 errmsg("day period %d is out of the range of dates", (int) p)));
			PG_RETURN_DATEADT((DateADT) p);
		case UNIT_YEAR:
			break;
		case UNIT_QUARTER:
			y = FloorDiv(p, 4);
			m = (p - 4 * y) * 3 + 1;
			break;
		case UNIT_MONTH:
			y = FloorDiv(p, 12);
			m = p - 12 * y + 1;
			break;
	}
	if (!IS_VALID_JULIAN((int) y, (int) m, 1) ||
		date2j((int) y, (int) m, 1) >= DATE_END_JULIAN)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("period %d is out of the range of dates", (int) p)));
	PG_RETURN_DATEADT(date2j((int) y, (int) m, 1) - POSTGRES_EPOCH_JDATE);
}
