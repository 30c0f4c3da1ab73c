/*
 * scomm_core.c: memory and interrupt hooks of the PostgreSQL-free core.
 */
#include <stdlib.h>
#include <string.h>

#include "scomm_core.h"

scomm_alloc_fn scomm_core_alloc_hook = NULL;
scomm_free_fn scomm_core_free_hook = NULL;
scomm_interrupt_fn scomm_core_interrupt_hook = NULL;

/* Allocate n zeroed bytes through the hook, or calloc. */
void *
scomm_core_alloc(size_t n)
{
	void	   *p;

	if (n == 0)
		n = 1;
	if (scomm_core_alloc_hook == NULL)
		return calloc(1, n);
	p = scomm_core_alloc_hook(n);
	if (p != NULL)
		memset(p, 0, n);
	return p;
}

/* Allocate n bytes without zeroing them (for buffers filled at once). */
void *
scomm_core_alloc_raw(size_t n)
{
	if (n == 0)
		n = 1;
	if (scomm_core_alloc_hook == NULL)
		return malloc(n);
	return scomm_core_alloc_hook(n);
}

/* Free memory from scomm_core_alloc; NULL is allowed. */
void
scomm_core_free(void *p)
{
	if (p == NULL)
		return;
	if (scomm_core_free_hook == NULL)
		free(p);
	else
		scomm_core_free_hook(p);
}

/* Nonzero when the caller asked long computations to stop. */
int
scomm_core_interrupted(void)
{
	return scomm_core_interrupt_hook != NULL && scomm_core_interrupt_hook();
}

const char *
scomm_status_message(scomm_status status)
{
	switch (status)
	{
		case SCOMM_OK:
			return "success";
		case SCOMM_EINVAL:
			return "invalid argument";
		case SCOMM_ENOMEM:
			return "out of memory";
		case SCOMM_ESINGULAR:
			return "singular matrix";
		case SCOMM_ENOCONV:
			return "did not converge";
		case SCOMM_EEMPTY:
			return "no usable data";
		case SCOMM_ECORRUPT:
			return "malformed serialized state";
		case SCOMM_CANCELLED:
			return "cancelled";
		case SCOMM_ETOOBIG:
			return "request too large";
		case SCOMM_ERANGE:
			return "value out of range";
	}
	return "unknown status";
}
