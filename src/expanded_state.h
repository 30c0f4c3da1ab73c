/*
 * expanded_state.h: the one policy for the expanded aggregate states
 * (did_panel, trajectory_panel, response_patterns).
 *
 * While an aggregate runs, its state is an expanded object: a header
 * (ExpandedObjectHeader) at the start of a struct allocated in a memory
 * context of its own, a child of the aggregate context, which holds all of
 * the object's memory.  A transition or combine function updates the state
 * in place when, and only when, its first argument is a read-write pointer
 * to an object of its own type whose context is a child of this call's
 * aggregate context: then the executor owns it and nobody else can see it.
 * In every other case (NULL, a stored value, a read-only pointer, an object
 * of another owner, a call outside an aggregate) the function works on a
 * new object (in the aggregate context, or outside an aggregate in the
 * current one) made from the argument, so the caller's value is untouched.
 * The object is flattened (the type's stored form) only when PostgreSQL
 * stores it or ships it, e.g. from a parallel worker to the leader: its
 * flat form is byte for byte the stored value.
 */
#ifndef SCOMM_EXPANDED_STATE_H
#define SCOMM_EXPANDED_STATE_H

#include "postgres.h"

#include "access/detoast.h"
#include "fmgr.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

/*
 * A new expanded object of type, zeroed, with its header initialised, in a
 * new context named name (a string constant) under parent; the last
 * arguments are the context's sizes (ALLOCSET_DEFAULT_SIZES, ...).
 */
#define SCOMM_EXPANDED_NEW(type, parent, name, methods, ...) \
	((type *) ScommExpandedCreate(AllocSetContextCreate((parent), (name), __VA_ARGS__), \
								  (methods), sizeof(type)))

/* a zeroed object of size bytes (header first) in cxt, header initialised */
extern ExpandedObjectHeader *ScommExpandedCreate(MemoryContext cxt,
												 const ExpandedObjectMethods *methods,
												 Size size);

/* The expanded object behind d when it has these methods, else NULL. */
static inline ExpandedObjectHeader *
ScommExpandedOf(Datum d, const ExpandedObjectMethods *methods)
{
	varatt_expanded ptr;

	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		return NULL;
	/* DatumGetEOHP(d), inline: this runs once per row */
	VARATT_EXTERNAL_GET_POINTER(ptr, DatumGetPointer(d));
	return ptr.eohptr->eoh_methods == methods ? ptr.eohptr : NULL;
}

/*
 * The writable-state decision.  Returns AggCheckCallContext's kind (0
 * outside an aggregate, *aggcxt then NULL) and sets *state to the object of
 * argument 0 when the function may update it in place (see above), else
 * NULL: the caller then makes a new object.
 */
extern int	ScommExpandedState(FunctionCallInfo fcinfo,
							   const ExpandedObjectMethods *methods,
							   MemoryContext *aggcxt,
							   ExpandedObjectHeader **state);

/* A flat copy of an expanded object in the current memory context. */
extern Datum ScommExpandedFlatCopy(ExpandedObjectHeader *eoh);

#endif
