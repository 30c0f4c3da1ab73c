/*
 * fuzz_lca_table.c: libFuzzer harness for the pattern-table decoders of the
 * core.  The first byte picks the form ('t' text, anything else binary).
 * Whatever decodes must re-encode to exactly the accepted canonical form's
 * round trip: decode(encode(t)) equals t, in both forms.
 */
#include <stdlib.h>
#include <string.h>

#include "lca.h"

static void
Check(int cond)
{
	if (!cond)
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	scomm_lca_table *t = NULL,
			   *t2 = NULL;
	unsigned char *bytes = NULL;
	char	   *text = NULL;
	size_t		len;

	if (size < 1)
		return 0;
	if (data[0] == 't')
	{
		if (scomm_lca_table_from_text((const char *) data + 1, size - 1, &t) != SCOMM_OK)
			return 0;
	}
	else if (scomm_lca_table_from_bytes(data + 1, size - 1, &t) != SCOMM_OK)
		return 0;
	Check(scomm_lca_table_to_bytes(t, &bytes, &len) == SCOMM_OK);
	Check(scomm_lca_table_from_bytes(bytes, len, &t2) == SCOMM_OK);
	Check(scomm_lca_table_equal(t, t2));
	scomm_lca_table_free(t2);
	Check(scomm_lca_table_to_text(t, &text, &len) == SCOMM_OK);
	Check(scomm_lca_table_from_text(text, len, &t2) == SCOMM_OK);
	Check(scomm_lca_table_equal(t, t2));
	scomm_lca_table_free(t2);
	scomm_core_free(text);
	scomm_core_free(bytes);
	scomm_lca_table_free(t);
	return 0;
}
