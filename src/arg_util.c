/*
 * arg_util.c: argument checks shared by the glue (arg_util.h).
 */
#include "postgres.h"

#include "compat.h"
#include "arg_util.h"

void
ScommNullArgError(const char *name, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("argument %s must not be NULL", name),
			 hint ? errhint("%s", hint) : 0));
}

void
ScommRequireArg(FunctionCallInfo fcinfo, int argno, const char *name, const char *hint)
{
	if (PG_ARGISNULL(argno))
		ScommNullArgError(name, hint);
}

void
ScommRequireArgs(FunctionCallInfo fcinfo, int first, const char *const *names)
{
	int			i;

	for (i = 0; names[i] != NULL; i++)
		ScommRequireArg(fcinfo, first + i, names[i], NULL);
}

void
ScommCheckLimit(const char *what, int64 value, int64 limit, const char *unit,
				const char *hint)
{
	if (value > limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: " INT64_FORMAT " %s are more than the limit of " INT64_FORMAT,
						what, value, unit, limit),
				 hint ? errhint("%s", hint) : 0));
}
