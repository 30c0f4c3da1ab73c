/*
 * fuzz_did.c: libFuzzer harness for the did_panel decoders of the core.
 * The first byte picks the form ('t' text, anything else binary); the rest
 * is the input.  Whatever decodes must re-encode to a value that decodes to
 * the same rows (text and binary), or the harness aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "did.h"

static void
Check(int cond)
{
	if (!cond)
		abort();
}

/* the binary encoding of c, canonical order */
static unsigned char *
Binary(scomm_did_collector *c, size_t *len)
{
	unsigned char *out = NULL;

	scomm_did_collector_sort(c);
	Check(scomm_did_encode_binary(c, &out, len) == SCOMM_OK);
	return out;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	scomm_did_collector *c = NULL,
			   *c2 = NULL;
	unsigned char *b1,
			   *b2;
	size_t		l1,
				l2;
	char	   *text = NULL;

	if (size < 1)
		return 0;
	if (data[0] == 't')
	{
		char	   *s = malloc(size);

		memcpy(s, data + 1, size - 1);
		s[size - 1] = '\0';
		if (scomm_did_decode_text(s, &c) != SCOMM_OK)
		{
			free(s);
			return 0;
		}
		free(s);
	}
	else if (scomm_did_decode_binary(data + 1, size - 1, &c) != SCOMM_OK)
		return 0;
	b1 = Binary(c, &l1);
	/* binary round trip */
	Check(scomm_did_decode_binary(b1, l1, &c2) == SCOMM_OK);
	b2 = Binary(c2, &l2);
	Check(l1 == l2 && memcmp(b1, b2, l1) == 0);
	scomm_did_collector_free(c2);
	scomm_core_free(b2);
	/* text round trip */
	Check(scomm_did_encode_text(c, &text) == SCOMM_OK);
	Check(scomm_did_decode_text(text, &c2) == SCOMM_OK);
	b2 = Binary(c2, &l2);
	Check(l1 == l2 && memcmp(b1, b2, l1) == 0);
	scomm_did_collector_free(c2);
	scomm_core_free(b2);
	scomm_core_free(text);
	scomm_core_free(b1);
	scomm_did_collector_free(c);
	return 0;
}
