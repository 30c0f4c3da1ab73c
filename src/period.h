/*
 * period.h: calendar periods (year, quarter, month, day) numbered
 * consecutively, shared by event_time and the did_panel aggregate.
 *
 * Period numbers: a year is itself (2008); a quarter is year * 4 + (q - 1);
 * a month is year * 12 + (month - 1); a day is the date's day number
 * (days since 2000-01-01).  Consecutive periods differ by one.
 */
#ifndef SCOMM_PERIOD_H
#define SCOMM_PERIOD_H

#include "postgres.h"
#include "utils/date.h"

typedef enum PeriodUnit
{
	UNIT_YEAR,
	UNIT_QUARTER,
	UNIT_MONTH,
	UNIT_DAY
} PeriodUnit;

/* Parse a unit name (singular or plural, any case); ERROR 22023 otherwise. */
extern PeriodUnit ParsePeriodUnit(text *unit_text);

/* The number of the period containing a finite day. */
extern int64 PeriodIndex(DateADT day, PeriodUnit unit);

#endif
