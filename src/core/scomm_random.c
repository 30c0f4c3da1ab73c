/*
 * scomm_random.c: seeds, stream seeds and private MT19937 generators (see
 * scomm_random.h).
 */
#include "scomm_random.h"

uint32_t
scomm_seed_fold(uint64_t seed)
{
	return (uint32_t) ((seed ^ (seed >> 32)) & UINT64_C(0xffffffff));
}

uint64_t
scomm_mix64(uint64_t x)
{
	x += UINT64_C(0x9E3779B97F4A7C15);
	x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
	return x ^ (x >> 31);
}

uint32_t
scomm_seed_stream(uint64_t seed, uint64_t key)
{
	return scomm_seed_fold(scomm_mix64(seed ^ scomm_mix64(key)));
}

uint64_t
scomm_hash_text(const char *s)
{
	uint64_t	h = UINT64_C(0xcbf29ce484222325);

	for (; *s; s++)
		h = (h ^ (unsigned char) *s) * UINT64_C(0x100000001b3);
	return h;
}

/* A generator whose handle and state come from scomm_core_alloc. */
scomm_status
scomm_rng_create(uint32_t s32, gsl_rng **out)
{
	gsl_rng    *r = scomm_core_alloc(sizeof(gsl_rng));

	*out = NULL;
	if (r == NULL)
		return SCOMM_ENOMEM;
	r->type = gsl_rng_mt19937;
	r->state = scomm_core_alloc(gsl_rng_mt19937->size);
	if (r->state == NULL)
	{
		scomm_core_free(r);
		return SCOMM_ENOMEM;
	}
	gsl_rng_set(r, (unsigned long) s32);
	*out = r;
	return SCOMM_OK;
}

scomm_status
scomm_rng_for_fit(uint64_t seed, gsl_rng **out)
{
	return scomm_rng_create(scomm_seed_fold(seed), out);
}

scomm_status
scomm_rng_for_stream(uint64_t seed, uint64_t key, gsl_rng **out)
{
	return scomm_rng_create(scomm_seed_stream(seed, key), out);
}

void
scomm_rng_set_stream(gsl_rng *r, uint64_t seed, uint64_t key)
{
	gsl_rng_set(r, (unsigned long) scomm_seed_stream(seed, key));
}

void
scomm_rng_free(gsl_rng *r)
{
	if (r == NULL)
		return;
	scomm_core_free(r->state);
	scomm_core_free(r);
}
