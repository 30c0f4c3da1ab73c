/*
 * did_glue.h: what the did_panel type (did_panel.c) offers the estimator
 * functions (did_estimators.c).
 */
#ifndef SCOMM_DID_GLUE_H
#define SCOMM_DID_GLUE_H

#include "postgres.h"

#include "did.h"

/* A private copy of the rows of a did_panel datum (flat or expanded). */
extern scomm_did_collector *DidPanelRows(Datum panel);

/* the did settings (scomm.did_fit_cache), defined at load time */
extern void DidDefineSettings(void);

#endif
