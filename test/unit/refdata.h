/*
 * refdata.h: open a reference data file of the repository's data/reference/
 * (provenance in data/SOURCES.md and data/reference/README.md), plain or
 * gzip-compressed.  $SCOMM_REFERENCE_DIR overrides the folder; the default
 * is the data/reference/ of the tree the test was built in.
 */
#ifndef SCOMM_REFDATA_H
#define SCOMM_REFDATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SCOMM_REFERENCE_DEFAULT
#define SCOMM_REFERENCE_DEFAULT "data/reference"
#endif

/* the FILE of the last RefOpen that reads through gzip, for RefClose */
static FILE *ref_gzip_file;

/* Open dir/rel, or gzip -dc dir/rel.gz when only that exists; NULL if neither. */
static inline FILE *
RefOpen(const char *rel)
{
	const char *dir = getenv("SCOMM_REFERENCE_DIR");
	char		path[1024],
				cmd[1100];
	FILE	   *f;

	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : SCOMM_REFERENCE_DEFAULT, rel);
	if ((f = fopen(path, "r")) != NULL)
		return f;
	strncat(path, ".gz", sizeof(path) - strlen(path) - 1);
	if (access(path, R_OK) != 0 || strchr(path, '\'') != NULL)
		return NULL;
	snprintf(cmd, sizeof(cmd), "gzip -dc '%s'", path);
	ref_gzip_file = popen(cmd, "r");
	return ref_gzip_file;
}

static inline void
RefClose(FILE *f)
{
	if (f != NULL && f == ref_gzip_file)
	{
		pclose(f);
		ref_gzip_file = NULL;
	}
	else if (f != NULL)
		fclose(f);
}

#endif
