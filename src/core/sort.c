/*
 * sort.c: a stable bottom-up merge sort of index arrays (sort.h).
 */
#include <string.h>

#include "sort.h"

void
scomm_sort_index(size_t *idx, size_t *tmp, size_t n, scomm_after_fn after, const void *ctx)
{
	size_t		width,
				lo;

	for (width = 1; width < n; width *= 2)
	{
		for (lo = 0; lo < n; lo += 2 * width)
		{
			size_t		mid = lo + width < n ? lo + width : n;
			size_t		hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t		a = lo,
						b = mid,
						k = lo;

			/* take from the right run only when its head must come first */
			while (a < mid && b < hi)
				tmp[k++] = after(idx[a], idx[b], ctx) ? idx[b++] : idx[a++];
			while (a < mid)
				tmp[k++] = idx[a++];
			while (b < hi)
				tmp[k++] = idx[b++];
		}
		memcpy(idx, tmp, n * sizeof(size_t));
	}
}
