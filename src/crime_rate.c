/*
 * crime_rate.c: crime_rate, offenses per a number of residents.
 */
#include "postgres.h"

#include "fmgr.h"

#include "compat.h"
#include "result_util.h"

/* offenses per "per" residents (default 100,000) */
PG_FUNCTION_INFO_V1(scomm_crime_rate);
Datum
scomm_crime_rate(PG_FUNCTION_ARGS)
{
	int64		offenses = PG_GETARG_INT64(0);
	int64		population = PG_GETARG_INT64(1);
	int32		per = PG_GETARG_INT32(2);

	if (offenses < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("offenses must not be negative: " INT64_FORMAT, offenses)));
	if (population <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("population must be positive: " INT64_FORMAT, population),
				 errhint("A crime rate needs the number of residents the offenses occurred among.")));
	if (per <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("per must be positive: %d", per)));
	SCOMM_RETURN_FLOAT8((double) offenses / (double) population * (double) per, "crime_rate");
}
