/*
 * ordinal_type.h: the btree and hash support functions of scomm's small
 * pass-by-value types, whose order is the order of their integer value
 * (criminality_level, activation_cohort).
 *
 * SCOMM_ORDINAL_SUPPORT(prefix, getarg) defines prefix_lt, _le, _eq, _ne,
 * _ge, _gt, _cmp, _hash and _hash_extended, reading arguments with getarg.
 */
#ifndef SCOMM_ORDINAL_TYPE_H
#define SCOMM_ORDINAL_TYPE_H

#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"

#define SCOMM_ORDINAL_OP(name, getarg, op) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(getarg(0) op getarg(1)); \
}

#define SCOMM_ORDINAL_SUPPORT(prefix, getarg) \
SCOMM_ORDINAL_OP(prefix##_lt, getarg, <) \
SCOMM_ORDINAL_OP(prefix##_le, getarg, <=) \
SCOMM_ORDINAL_OP(prefix##_eq, getarg, ==) \
SCOMM_ORDINAL_OP(prefix##_ne, getarg, !=) \
SCOMM_ORDINAL_OP(prefix##_ge, getarg, >=) \
SCOMM_ORDINAL_OP(prefix##_gt, getarg, >) \
PG_FUNCTION_INFO_V1(prefix##_cmp); \
Datum \
prefix##_cmp(PG_FUNCTION_ARGS) \
{ \
	int64		a = getarg(0); \
	int64		b = getarg(1); \
\
	PG_RETURN_INT32((a > b) - (a < b)); \
} \
PG_FUNCTION_INFO_V1(prefix##_hash); \
Datum \
prefix##_hash(PG_FUNCTION_ARGS) \
{ \
	return hash_uint32((uint32) getarg(0)); \
} \
PG_FUNCTION_INFO_V1(prefix##_hash_extended); \
Datum \
prefix##_hash_extended(PG_FUNCTION_ARGS) \
{ \
	return hash_uint32_extended((uint32) getarg(0), PG_GETARG_INT64(1)); \
}

#endif
