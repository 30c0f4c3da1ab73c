/*
 * codec_io.h: the output buffer and strict bounded input cursors shared by
 * the core's binary and text encodings (codec_io.c).
 *
 * Writers append to a buffer whose status sticks at the first error, so an
 * encoder checks it once at the end.  Readers never read past the given
 * length and set SCOMM_ECORRUPT on anything unexpected (the status sticks
 * too).  Binary integers are big-endian; doubles are their IEEE-754 bits
 * with one canonical NaN; text doubles use the fewest of 15, 16 or 17
 * significant digits that read back exactly.
 */
#ifndef SCOMM_CODEC_IO_H
#define SCOMM_CODEC_IO_H

#include <stddef.h>
#include <stdint.h>

#include "scomm_core.h"

#define SCOMM_CODEC_NUM_MAX 64	/* longest number written or accepted in text */

/* growable output buffer (scomm_core_alloc memory) */
typedef struct ScommBuf
{
	unsigned char *data;
	size_t		len;
	size_t		cap;
	scomm_status status;
} ScommBuf;

/* bounded input cursor */
typedef struct ScommCursor
{
	const unsigned char *s;
	size_t		len;
	size_t		pos;
	scomm_status status;
} ScommCursor;

/* output buffer */
extern void scomm_buf_bytes(ScommBuf *b, const void *p, size_t n);
extern void scomm_buf_u8(ScommBuf *b, unsigned v);
extern void scomm_buf_u32(ScommBuf *b, uint32_t v);
extern void scomm_buf_u64(ScommBuf *b, uint64_t v);
extern void scomm_buf_f64(ScommBuf *b, double v);
extern void scomm_buf_str(ScommBuf *b, const char *s);
extern void scomm_buf_long(ScommBuf *b, long long v);
extern void scomm_buf_ulong(ScommBuf *b, uint64_t v);
extern void scomm_buf_double(ScommBuf *b, double v);
/* hand the buffer over (optionally NUL-terminated), or free it on error */
extern scomm_status scomm_buf_finish(ScommBuf *b, int nul,
									 unsigned char **out, size_t *len);

/* binary reading */
extern const unsigned char *scomm_get_bytes(ScommCursor *c, size_t n);
extern unsigned scomm_get_u8(ScommCursor *c);
extern uint32_t scomm_get_u32(ScommCursor *c);
extern uint64_t scomm_get_u64(ScommCursor *c);
extern double scomm_get_f64(ScommCursor *c);

/* text reading */
extern int	scomm_peek(ScommCursor *c, char ch);
extern void scomm_expect(ScommCursor *c, const char *lit);
extern uint64_t scomm_read_uint(ScommCursor *c, uint64_t max);
extern int64_t scomm_read_int64(ScommCursor *c);
/* a finite decimal number; with allow_special also NaN, Infinity, -Infinity */
extern double scomm_read_double(ScommCursor *c, int allow_special);
extern void scomm_expect_end(ScommCursor *c);

#endif
