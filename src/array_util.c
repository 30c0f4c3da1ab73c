/*
 * array_util.c: reading one-dimensional array arguments (array_util.h).
 */
#include "postgres.h"

#include "utils/array.h"
#include "utils/lsyscache.h"

#include "compat.h"
#include "array_util.h"
#include "arg_util.h"

Datum *
ScommArrayArg(FunctionCallInfo fcinfo, int argno, const char *name, int *n,
			  const char *null_hint)
{
	ArrayType  *arr;
	Datum	   *values;
	bool	   *nulls;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			i;

	ScommRequireArg(fcinfo, argno, name, NULL);
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("argument %s must be a one-dimensional array", name)));
	get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
	deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign, &values, &nulls, n);
	for (i = 0; i < *n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("element %d of %s is NULL", i + 1, name),
					 errhint("%s", null_hint)));
	return values;
}
