/*
 * hash.c: portable hashing and stream seeds (hash.h).
 */
#include "hash.h"

uint64_t
scomm_mix64(uint64_t x)
{
	x += UINT64_C(0x9E3779B97F4A7C15);
	x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
	return x ^ (x >> 31);
}

uint64_t
scomm_hash_text(const char *s)
{
	uint64_t	h = UINT64_C(0xcbf29ce484222325);

	for (; *s; s++)
		h = (h ^ (unsigned char) *s) * UINT64_C(0x100000001b3);
	return h;
}

uint64_t
scomm_stream_seed(uint64_t seed, uint64_t key)
{
	uint64_t	h = scomm_mix64(seed ^ scomm_mix64(key));

	return (h ^ (h >> 32)) & 0xffffffffu;
}
