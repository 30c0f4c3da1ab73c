/*
 * did_glue.h: what the did_panel type (did_panel.c) offers the estimator
 * functions (did_estimators.c).
 */
#ifndef SCOMM_DID_GLUE_H
#define SCOMM_DID_GLUE_H

#include "postgres.h"

#include "fmgr.h"

#include "did.h"

/* A private copy of the rows of a did_panel datum (flat or expanded). */
extern scomm_did_collector *DidPanelRows(Datum panel);

/* the did settings (scomm.did_fit_cache), defined at load time */
extern void DidDefineSettings(void);

/*
 * Shared with the robustness estimators (did_robust.c); defined in
 * did_estimators.c.
 */
/* option text equal to name, ignoring case, '_', '-' and spaces */
extern bool OptionIs(const char *value, const char *name);
extern scomm_did_control ParseControl(text *t);
/* unbalanced => 'error' (true) or 'drop' (false), for estimators that need a balanced panel */
extern bool ParseTwfeUnbalanced(text *t);
extern double CheckAlpha(double alpha);
extern int	CheckAnticipation(int32 anticipation);
/* ERROR for a failed core call; diag (may be NULL) names the unit */
extern void DidError(scomm_status st, const scomm_did_diag *diag, const char *what);
/* finalize a balanced panel, with a NOTICE for dropped incomplete units */
extern scomm_did_panel *FinalizePanel(Datum panel, bool strict, const char *what);
/* the balanced, outcomes-only panel of argument 0, unbalanced => argument unbalanced_arg */
extern scomm_did_panel *TwfePanel(FunctionCallInfo fcinfo, int unbalanced_arg, const char *what);
/* ATT(g,t) of a panel, with the NOTICEs did would print as warnings */
typedef struct DidFit
{
	scomm_did_panel *panel;
	scomm_did_attgt *attgt;
	MemoryContext cxt;			/* holds both; NULL: they were palloc'd */
	bool		cached;			/* cxt belongs to the cache */
} DidFit;
extern DidFit FitAttGt(Datum panel, const scomm_did_options *opt,
					   scomm_did_unbalanced ub, scomm_did_sampling sampling,
					   const char *what);
extern void FreeFit(DidFit *f);
/* a float8 result column: ScommSetFloat8 (NULL for NaN, ERROR for infinity) */
extern void SetFloat(Datum *values, bool *nulls, int i, double v);

#endif
