/*
 * core_status.c: ERRORs for the statuses shared by the whole core.
 */
#include "postgres.h"

#include "miscadmin.h"

#include "compat.h"
#include "core_status.h"

void
ScommRaiseCommon(scomm_status st, const char *what)
{
	switch (st)
	{
		case SCOMM_CANCELLED:
			/* the core stopped because an interrupt is pending: raise it */
			CHECK_FOR_INTERRUPTS();
			ereport(ERROR,
					(errcode(ERRCODE_QUERY_CANCELED),
					 errmsg("%s was cancelled", what)));
			break;
		case SCOMM_ENOMEM:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory in %s", what)));
			break;
		case SCOMM_ETOOBIG:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s: request too large", what)));
			break;
		default:
			break;
	}
}
