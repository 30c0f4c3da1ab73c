/*
 * core_status.c: the one table of core statuses and their ERRORs
 * (core_status.h).
 */
#include "postgres.h"

#include "miscadmin.h"

#include "compat.h"
#include "core_status.h"

typedef struct StatusError
{
	scomm_status st;
	int			sqlstate;
	const char *message;
	const char *hint;
} StatusError;

/* status -> SQLSTATE, message and hint: the whole mapping */
static const StatusError StatusTable[] = {
	{SCOMM_EINVAL, ERRCODE_INVALID_PARAMETER_VALUE, "invalid argument", NULL},
	{SCOMM_ENOMEM, ERRCODE_OUT_OF_MEMORY, "out of memory",
	"Ask for less at once (fewer rows, units, classes or draws), or raise the server's memory."},
	{SCOMM_ESINGULAR, ERRCODE_DATA_EXCEPTION, "the design is singular",
	"Some parameters cannot be told apart in these data: use fewer of them."},
	{SCOMM_ENOCONV, ERRCODE_INVALID_PARAMETER_VALUE, "the fit did not converge",
	"Fit a smaller model, or try more starts or another seed."},
	{SCOMM_EEMPTY, ERRCODE_INVALID_PARAMETER_VALUE, "no usable data", NULL},
	{SCOMM_ECORRUPT, ERRCODE_DATA_CORRUPTED, "corrupt stored value",
	"The value was damaged on disk or in transit; restore it from a backup or compute it again."},
	{SCOMM_CANCELLED, ERRCODE_QUERY_CANCELED, "cancelled", NULL},
	{SCOMM_ETOOBIG, ERRCODE_PROGRAM_LIMIT_EXCEEDED, "request too large",
	"The README's section \"Reliability and security\" lists the limits; split the work into smaller pieces."},
	{SCOMM_ERANGE, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "value out of range",
	"The numbers are too large in magnitude for double precision; rescale them (e.g. thousands instead of units)."}
};

static const StatusError *
Lookup(scomm_status st)
{
	int			i;

	for (i = 0; i < lengthof(StatusTable); i++)
		if (StatusTable[i].st == st)
			return &StatusTable[i];
	return NULL;
}

int
ScommStatusSqlstate(scomm_status st)
{
	const StatusError *e = Lookup(st);

	if (st == SCOMM_OK)
		return ERRCODE_SUCCESSFUL_COMPLETION;
	return e ? e->sqlstate : ERRCODE_DATA_EXCEPTION;
}

void
ScommRaiseStatusHint(scomm_status st, const char *what, const char *hint)
{
	const StatusError *e = Lookup(st);

	if (st == SCOMM_OK)
		return;
	if (st == SCOMM_CANCELLED)
		CHECK_FOR_INTERRUPTS(); /* the pending interrupt itself */
	if (e == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: unknown status %d of the numerical core", what, (int) st)));
	ereport(ERROR,
			(errcode(e->sqlstate),
			 errmsg("%s: %s", what, e->message),
			 hint ? errhint("%s", hint) : 0));
}

void
ScommRaiseStatus(scomm_status st, const char *what)
{
	const StatusError *e = Lookup(st);

	ScommRaiseStatusHint(st, what, e ? e->hint : NULL);
}

void
ScommRaiseCommon(scomm_status st, const char *what)
{
	if (st == SCOMM_CANCELLED || st == SCOMM_ENOMEM || st == SCOMM_ETOOBIG ||
		st == SCOMM_ERANGE)
		ScommRaiseStatus(st, what);
}
