/*
 * arg_util.h: argument checks shared by the glue.
 *
 * Functions that are not STRICT check their arguments here, so that a NULL
 * argument always gives the same ERROR (22004, "argument NAME must not be
 * NULL"), and sizes that an argument implies are bounded before anything is
 * allocated (54000 with a hint).
 */
#ifndef SCOMM_ARG_UTIL_H
#define SCOMM_ARG_UTIL_H

#include "postgres.h"

#include "fmgr.h"

/* ERROR 22004 when argument argno (named name) is NULL; hint may be NULL */
extern void ScommRequireArg(FunctionCallInfo fcinfo, int argno, const char *name,
							const char *hint);

/* ScommRequireArg for arguments first, first + 1, ... named by names[] (NULL-terminated) */
extern void ScommRequireArgs(FunctionCallInfo fcinfo, int first, const char *const *names);

/* ERROR 22004 naming the argument (when the caller has checked itself) */
extern void ScommNullArgError(const char *name, const char *hint) pg_attribute_noreturn();

/*
 * ERROR 54000 unless value <= limit: "what: <value> <unit> are more than the
 * limit of <limit>" with the hint.
 */
extern void ScommCheckLimit(const char *what, int64 value, int64 limit,
							const char *unit, const char *hint);

#endif
