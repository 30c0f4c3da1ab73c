/*
 * fuzz_traj_panel.c: libFuzzer harness for the trajectory panel decoders of
 * the core.  The first byte picks the form ('t' text, anything else binary).
 * Whatever decodes must re-encode, in both forms, to an encoding that decodes
 * to the same panel, and the binary form of an accepted binary input is the
 * input itself (one encoding per panel).
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
	scomm_traj_panel *p = NULL,
			   *q = NULL;
	unsigned char *b = NULL;
	char	   *text = NULL;
	size_t		bl,
				tl;

	if (size < 1)
		return 0;
	if (data[0] == 't')
	{
		if (scomm_traj_panel_from_text((const char *) data + 1, size - 1, &p) != SCOMM_OK)
			return 0;
	}
	else if (scomm_traj_panel_from_bytes(data + 1, size - 1, &p) != SCOMM_OK)
		return 0;
	Check(scomm_traj_panel_to_bytes(p, &b, &bl) == SCOMM_OK);
	if (data[0] != 't')
		Check(bl == size - 1 && memcmp(b, data + 1, bl) == 0);
	Check(scomm_traj_panel_from_bytes(b, bl, &q) == SCOMM_OK && scomm_traj_panel_equal(p, q));
	scomm_traj_panel_free(q);
	Check(scomm_traj_panel_to_text(p, &text, &tl) == SCOMM_OK);
	Check(scomm_traj_panel_from_text(text, tl, &q) == SCOMM_OK && scomm_traj_panel_equal(p, q));
	scomm_traj_panel_free(q);
	scomm_core_free(text);
	scomm_core_free(b);
	scomm_traj_panel_free(p);
	return 0;
}
