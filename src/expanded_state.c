/*
 * expanded_state.c: the expanded aggregate states' shared helpers; the
 * policy is described in expanded_state.h.
 */
#include "postgres.h"

#include "expanded_state.h"

ExpandedObjectHeader *
ScommExpandedCreate(MemoryContext cxt, const ExpandedObjectMethods *methods, Size size)
{
	ExpandedObjectHeader *eoh = MemoryContextAllocZero(cxt, size);

	EOH_init_header(eoh, methods, cxt);
	return eoh;
}

int
ScommExpandedState(FunctionCallInfo fcinfo, const ExpandedObjectMethods *methods,
				   MemoryContext *aggcxt, ExpandedObjectHeader **state)
{
	int			kind = AggCheckCallContext(fcinfo, aggcxt);
	ExpandedObjectHeader *eoh;

	*state = NULL;
	if (kind == 0)
	{
		*aggcxt = NULL;
		return 0;
	}
	if (PG_ARGISNULL(0) ||
		!VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(PG_GETARG_DATUM(0))))
		return kind;
	eoh = ScommExpandedOf(PG_GETARG_DATUM(0), methods);
	if (eoh != NULL && MemoryContextGetParent(eoh->eoh_context) == *aggcxt)
		*state = eoh;
	return kind;
}

Datum
ScommExpandedFlatCopy(ExpandedObjectHeader *eoh)
{
	Size		size = EOH_get_flat_size(eoh);
	void	   *v = palloc(size);

	EOH_flatten_into(eoh, v, size);
	return PointerGetDatum(v);
}
