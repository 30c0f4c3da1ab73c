/*
 * prepost.h: scomm.prepost_state, the storable state of the prepost
 * aggregates: the running moments of the values before and after activation
 * and, for the windowed variant, the window.
 */
#ifndef SCOMM_PREPOST_H
#define SCOMM_PREPOST_H

#include "postgres.h"
#include "datatype/timestamp.h"
#include "fmgr.h"

#include "prepost_core.h"

#define PREPOST_FORMAT_VERSION 1

typedef enum PrepostKind
{
	PREPOST_ALL = 0,			/* every row counts */
	PREPOST_WITHIN = 1			/* only rows within a window around activation */
} PrepostKind;

enum
{
	SIDE_BEFORE = 0,
	SIDE_AFTER = 1
};

typedef struct PrepostState
{
	int32		vl_len_;		/* varlena header */
	int32		kind;			/* a PrepostKind */
	prepost_moments side[2];	/* before, after */
	Interval	within;			/* the window; all zero for PREPOST_ALL */
} PrepostState;

#define PG_GETARG_PREPOST_STATE_P(n) ((PrepostState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

extern PrepostState *prepost_state_new(MemoryContext cxt, PrepostKind kind, const Interval *within);
extern void prepost_state_check(const PrepostState *s);
extern bool prepost_window_positive(const Interval *within);
extern char *prepost_window_text(const PrepostState *s);

#endif
