/*
 * result_util.c: the float8 result policy (result_util.h).
 */
#include "postgres.h"

#include "compat.h"
#include "result_util.h"

void
ScommFloatOverflow(double x, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: result out of range (%s)", what, x > 0 ? "+Infinity" : "-Infinity"),
			 errdetail("The computation overflowed double precision, so no finite result can be given."),
			 errhint("Rescale the input values (e.g. thousands instead of units) or remove the extreme ones.")));
}
