/*
 * text_util.h: small text helpers shared by the type input functions.
 */
#ifndef SCOMM_TEXT_UTIL_H
#define SCOMM_TEXT_UTIL_H

#include <ctype.h>
#include <string.h>

/* The part of s without leading and trailing white space: *start and *len. */
static inline void
scomm_trim(const char *s, size_t *start, size_t *len)
{
	size_t		b = 0,
				e = strlen(s);

	while (b < e && isspace((unsigned char) s[b]))
		b++;
	while (e > b && isspace((unsigned char) s[e - 1]))
		e--;
	*start = b;
	*len = e - b;
}

#endif
