/*
 * scomm_core.h: conventions shared by the PostgreSQL-free numerical core.
 *
 * Files in src/core/ include no PostgreSQL header.  They take plain arrays,
 * return an scomm_status, and allocate through scomm_core_alloc/free so that
 * the glue can route memory to palloc (unit tests use malloc).  Long loops
 * poll scomm_core_interrupted() and return SCOMM_CANCELLED when it says so;
 * the glue then raises the pending PostgreSQL interrupt.
 */
#ifndef SCOMM_CORE_H
#define SCOMM_CORE_H

#include <stddef.h>

typedef enum scomm_status
{
	SCOMM_OK = 0,
	SCOMM_EINVAL,				/* invalid argument or data */
	SCOMM_ENOMEM,				/* allocation failed */
	SCOMM_ESINGULAR,			/* singular design / matrix */
	SCOMM_ENOCONV,				/* iteration did not converge */
	SCOMM_EEMPTY,				/* no usable data */
	SCOMM_ECORRUPT,				/* malformed serialized state */
	SCOMM_CANCELLED,			/* interrupted by the caller */
	SCOMM_ETOOBIG,				/* request beyond a documented size limit */
	SCOMM_ERANGE				/* a result or value beyond double precision */
} scomm_status;

/* Memory and interrupt hooks; defaults are malloc/free and "never". */
typedef void *(*scomm_alloc_fn) (size_t size);
typedef void (*scomm_free_fn) (void *ptr);
typedef int (*scomm_interrupt_fn) (void);

extern scomm_alloc_fn scomm_core_alloc_hook;
extern scomm_free_fn scomm_core_free_hook;
extern scomm_interrupt_fn scomm_core_interrupt_hook;

/* allocate n bytes (zeroed); NULL on failure */
extern void *scomm_core_alloc(size_t n);
/* allocate n bytes, not zeroed; NULL on failure */
extern void *scomm_core_alloc_raw(size_t n);
extern void scomm_core_free(void *p);
extern int	scomm_core_interrupted(void);

/* a short English description of a status */
extern const char *scomm_status_message(scomm_status status);

#endif
