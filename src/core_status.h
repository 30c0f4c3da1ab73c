/*
 * core_status.h: the errors every part of the numerical core can return,
 * raised once for all the glue files.
 */
#ifndef SCOMM_CORE_STATUS_H
#define SCOMM_CORE_STATUS_H

#include "postgres.h"

#include "scomm_core.h"

/*
 * ERROR for a cancelled computation (the pending interrupt itself, else
 * 57014), an allocation that failed (53200) and a request beyond a size
 * limit (54000); returns for every other status, which the caller maps.
 */
extern void ScommRaiseCommon(scomm_status st, const char *what);

#endif
