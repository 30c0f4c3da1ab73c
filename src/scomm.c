/*
 * scomm.c: module magic and load-time set-up.
 *
 * GSL's default error handler aborts the process, which would take the
 * server down; it is switched off here, and every GSL return code is checked
 * by the numerical core.  The core allocates through palloc in the current
 * memory context and polls for pending interrupts without throwing.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"

#include <gsl/gsl_errno.h>

#include "compat.h"
#include "did_glue.h"
#include "scomm_core.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* palloc that reports failure instead of throwing (the core checks NULL) */
static void *
CoreAlloc(size_t size)
{
	return palloc_extended(size, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

static void
CoreFree(void *ptr)
{
	pfree(ptr);
}

/*
 * nonzero when a query cancel or termination is pending; other pending
 * interrupts (e.g. the idle statistics timeout, which can fire during a
 * query) must not stop the computation, and wait for the next
 * CHECK_FOR_INTERRUPTS()
 */
static int
CoreInterrupted(void)
{
	return INTERRUPTS_PENDING_CONDITION() &&
		(QueryCancelPending || ProcDiePending || ClientConnectionLost) ? 1 : 0;
}

void
_PG_init(void)
{
	gsl_set_error_handler_off();
	scomm_core_alloc_hook = CoreAlloc;
	scomm_core_free_hook = CoreFree;
	scomm_core_interrupt_hook = CoreInterrupted;
	DidDefineSettings();
}
