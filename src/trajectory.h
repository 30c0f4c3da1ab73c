/*
 * trajectory.h: shared pieces of the SQL glue of the trajectory models
 * (src/trajectory_panel.c, src/trajectory_model.c).
 */
#ifndef SCOMM_TRAJECTORY_H
#define SCOMM_TRAJECTORY_H

#include "postgres.h"

#include "fmgr.h"

#include "traj.h"

/* a panel from a datum (flat or expanded); *owned when the caller frees it */
extern scomm_traj_panel *trajectory_panel_from_datum(Datum d, bool *owned);

/* raise the PostgreSQL error of a core status (what: the operation) */
extern void trajectory_raise(scomm_status st, const char *what);

#endif
