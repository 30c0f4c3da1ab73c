/*
 * lca_glue.h: what the latent class SQL glue files share (response_patterns.c,
 * lca_sql.c): reading a response_patterns datum, reading an items array, and
 * turning a core status into an ERROR with a specific SQLSTATE.
 */
#ifndef SCOMM_LCA_GLUE_H
#define SCOMM_LCA_GLUE_H

#include "postgres.h"

#include "fmgr.h"

#include "lca.h"

/*
 * The pattern table of a response_patterns datum, read-only: the expanded
 * object's own table, or a table decoded in CurrentMemoryContext (*owned set;
 * free it with scomm_lca_table_free).  A stored value that is not a valid
 * encoding: ERROR XX001.
 */
extern scomm_lca_table *lca_patterns_table(Datum d, bool *owned);

/*
 * Read an int[] of answers (NULL element = missing = 0, categories 1..255)
 * into answers[SCOMM_LCA_MAX_ITEMS], one byte each; returns the number of
 * items.  An empty
 * or multi-dimensional array, too many items or a category out of range:
 * ERROR 22023 (54000 for too many items).
 */
extern int	lca_read_items(Datum d, unsigned char *answers);

/* ERROR with the SQLSTATE of a core status (returns on SCOMM_OK). */
extern void lca_check_status(scomm_status st, const char *what);

/* Shorten a long input string for an error message. */
extern char *lca_quote_input(const char *s);

#endif
