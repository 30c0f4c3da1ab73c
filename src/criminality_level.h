/*
 * criminality_level.h: ICE criminality levels as a one-byte ordinal,
 * ordered by severity NC < L3 < L2 < L1.
 */
#ifndef SCOMM_CRIMINALITY_LEVEL_H
#define SCOMM_CRIMINALITY_LEVEL_H

#include "postgres.h"
#include "fmgr.h"

typedef enum CriminalityLevel
{
	LEVEL_NC = 0,				/* no criminal conviction */
	LEVEL_L3 = 1,				/* misdemeanors */
	LEVEL_L2 = 2,				/* one felony or three or more misdemeanors */
	LEVEL_L1 = 3				/* aggravated felony or two or more felonies */
} CriminalityLevel;

#define LEVEL_COUNT 4

#define DatumGetCriminalityLevel(d) ((CriminalityLevel) (unsigned char) DatumGetChar(d))
#define CriminalityLevelGetDatum(l) CharGetDatum((char) (l))
#define PG_GETARG_CRIMINALITY_LEVEL(n) DatumGetCriminalityLevel(PG_GETARG_DATUM(n))
#define PG_RETURN_CRIMINALITY_LEVEL(l) return CriminalityLevelGetDatum(l)

/* ERROR XX001 (data_corrupted) for a stored byte that is not a level */
extern void criminality_level_corrupt(int value) pg_attribute_noreturn();

/* argument n, checked: a level can only be damaged on disk */
static inline CriminalityLevel
criminality_level_arg(FunctionCallInfo fcinfo, int n)
{
	CriminalityLevel level = PG_GETARG_CRIMINALITY_LEVEL(n);

	if (unlikely((int) level >= LEVEL_COUNT))
		criminality_level_corrupt((int) level);
	return level;
}

#endif
