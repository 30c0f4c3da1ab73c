/*
 * fuzz_traj_model.c: libFuzzer harness for the trajectory model decoders of
 * the core.  The first byte picks the form ('t' text, anything else binary).
 * Whatever decodes must re-encode, in both forms, to bytes that decode and
 * re-encode to the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "traj.h"

static void
Check(int cond)
{
	if (!cond)
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	scomm_traj_model *m = NULL,
			   *m2 = NULL;
	unsigned char *b1 = NULL,
			   *b2 = NULL;
	char	   *text = NULL;
	size_t		l1,
				l2,
				tl;

	if (size < 1)
		return 0;
	if (data[0] == 't')
	{
		if (scomm_traj_model_from_text((const char *) data + 1, size - 1, &m) != SCOMM_OK)
			return 0;
	}
	else if (scomm_traj_model_from_bytes(data + 1, size - 1, &m) != SCOMM_OK)
		return 0;
	Check(scomm_traj_model_to_bytes(m, &b1, &l1) == SCOMM_OK);
	if (data[0] != 't')
		Check(l1 == size - 1 && memcmp(b1, data + 1, l1) == 0);
	Check(scomm_traj_model_from_bytes(b1, l1, &m2) == SCOMM_OK);
	Check(scomm_traj_model_to_bytes(m2, &b2, &l2) == SCOMM_OK);
	Check(l1 == l2 && memcmp(b1, b2, l1) == 0);
	scomm_traj_model_free(m2);
	scomm_core_free(b2);
	Check(scomm_traj_model_to_text(m, &text, &tl) == SCOMM_OK);
	Check(scomm_traj_model_from_text(text, tl, &m2) == SCOMM_OK);
	Check(scomm_traj_model_to_bytes(m2, &b2, &l2) == SCOMM_OK);
	Check(l1 == l2 && memcmp(b1, b2, l1) == 0);
	scomm_traj_model_free(m2);
	scomm_core_free(b2);
	scomm_core_free(text);
	scomm_core_free(b1);
	scomm_traj_model_free(m);
	return 0;
}
