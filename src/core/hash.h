/*
 * hash.h: portable hashing and stream seeds of the core.
 *
 * Random streams that must not depend on the order of the input (one per
 * county, unit or permutation test) are seeded from the user's seed and a
 * key: scomm_stream_seed(seed, key).  Keys of text ids come from
 * scomm_hash_text.  Both give the same numbers on every machine.
 */
#ifndef SCOMM_HASH_H
#define SCOMM_HASH_H

#include <stddef.h>
#include <stdint.h>

/* splitmix64's finalizer (Steele, Lea & Flood 2014): 64-bit mixing */
extern uint64_t scomm_mix64(uint64_t x);

/* FNV-1a hash of a NUL-terminated string (e.g. a FIPS code) */
extern uint64_t scomm_hash_text(const char *s);

/* the 32-bit seed of stream key of a user's seed, for gsl_rng_set */
extern uint64_t scomm_stream_seed(uint64_t seed, uint64_t key);

#endif
