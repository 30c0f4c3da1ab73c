/*
 * sort.h: the core's one stable sort.
 *
 * scomm_sort_index orders an array of indexes (into the caller's data) with
 * a bottom-up merge sort: stable, O(n log n) in the worst case, with a
 * comparison that takes a context (qsort's does not), and no recursion.
 */
#ifndef SCOMM_SORT_H
#define SCOMM_SORT_H

#include <stddef.h>

/* nonzero when the item of index a must come after the item of index b */
typedef int (*scomm_after_fn) (size_t a, size_t b, const void *ctx);

/*
 * Sort idx[0..n) so that no element comes after one it must follow; equal
 * elements keep their order.  tmp is scratch space of n elements.
 */
extern void scomm_sort_index(size_t *idx, size_t *tmp, size_t n,
							 scomm_after_fn after, const void *ctx);

#endif
