/*
 * core_status.h: the one mapping of the numerical core's statuses to ERRORs.
 *
 * Every glue file turns a failed core call into an ERROR through this table
 * (status -> SQLSTATE, message, hint), so that one status means one SQLSTATE
 * everywhere; in particular a corrupt stored value is always XX001
 * (data_corrupted) and nothing is ever XX000.  docs/architecture.md lists
 * the table.
 */
#ifndef SCOMM_CORE_STATUS_H
#define SCOMM_CORE_STATUS_H

#include "postgres.h"

#include "scomm_core.h"

/*
 * ERROR for any status but SCOMM_OK (which returns): "<what>: <message>"
 * with the status's SQLSTATE and hint.  A cancelled computation raises the
 * pending interrupt itself (57014, or the termination).
 */
extern void ScommRaiseStatus(scomm_status st, const char *what);

/* the same with the caller's hint instead of the table's (NULL: none) */
extern void ScommRaiseStatusHint(scomm_status st, const char *what, const char *hint);

/*
 * ERROR for the statuses every module shares (cancelled, out of memory,
 * beyond a size limit, out of range); returns for the others, which the
 * caller maps to messages of its own first.
 */
extern void ScommRaiseCommon(scomm_status st, const char *what);

/* the SQLSTATE of a status (ERRCODE_SUCCESSFUL_COMPLETION for SCOMM_OK) */
extern int	ScommStatusSqlstate(scomm_status st);

#endif
