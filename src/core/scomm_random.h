/*
 * scomm_random.h: the core's one source of random numbers (PostgreSQL-free).
 *
 * Every random draw of scomm comes from a private Mersenne Twister
 * (gsl_rng_mt19937) whose state lives in scomm_core_alloc memory, seeded in
 * one of two ways from the user's 64-bit seed:
 *
 *   fit seed     (seed ^ seed >> 32) & 0xffffffff: one stream per call, used
 *                by the random starts of the latent class and trajectory fits
 *                (the draws of scomm 1.0);
 *   stream seed  fold(mix64(seed ^ mix64(key))): one stream per key (a
 *                county's FIPS hash, a unit, a bootstrap draw), so results
 *                depend neither on the order of the input nor on what else is
 *                drawn (simulators, Moran permutations, bootstrap draws).
 *
 * MT19937 maps the seed 0 to its default 4357, as GSL does.  mix64 is the
 * splitmix64 finalizer (Steele, Lea & Flood 2014); keys of text ids come
 * from scomm_hash_text (64-bit FNV-1a), the same on every machine.
 */
#ifndef SCOMM_RANDOM_H
#define SCOMM_RANDOM_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "scomm_core.h"

/* the 32-bit generator seed of a fit: (seed ^ seed >> 32) & 0xffffffff */
extern uint32_t scomm_seed_fold(uint64_t seed);

/* splitmix64 finalizer: a bijective 64-bit mix */
extern uint64_t scomm_mix64(uint64_t x);

/* the 32-bit generator seed of stream `key` of a user seed */
extern uint32_t scomm_seed_stream(uint64_t seed, uint64_t key);

/* 64-bit FNV-1a hash of a NUL-terminated string (stream keys of ids) */
extern uint64_t scomm_hash_text(const char *s);

/*
 * A new MT19937 generator seeded with s32 (state and handle from
 * scomm_core_alloc; free it with scomm_rng_free, never gsl_rng_free).
 */
extern scomm_status scomm_rng_create(uint32_t s32, gsl_rng **out);

/* the generator of a fit: scomm_rng_create(scomm_seed_fold(seed)) */
extern scomm_status scomm_rng_for_fit(uint64_t seed, gsl_rng **out);

/* the generator of one stream: scomm_rng_create(scomm_seed_stream(seed, key)) */
extern scomm_status scomm_rng_for_stream(uint64_t seed, uint64_t key,
										 gsl_rng **out);

/* reseed an existing generator for another stream of the same seed */
extern void scomm_rng_set_stream(gsl_rng *r, uint64_t seed, uint64_t key);

/* free a generator of scomm_rng_create (NULL allowed) */
extern void scomm_rng_free(gsl_rng *r);

#endif
