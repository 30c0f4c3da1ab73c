/*
 * array_util.h: reading one-dimensional array arguments in the glue.
 */
#ifndef SCOMM_ARRAY_UTIL_H
#define SCOMM_ARRAY_UTIL_H

#include "postgres.h"
#include "fmgr.h"

/*
 * The elements of array argument argno, which must be one-dimensional and
 * free of NULLs: ERROR 22004 for a NULL argument or element (with null_hint
 * as the hint for an element), 2202E for more dimensions.  *n gets the count.
 */
extern Datum *ScommArrayArg(FunctionCallInfo fcinfo, int argno, const char *name,
							int *n, const char *null_hint);

#endif
