/*
 * result_util.h: the one policy for float8 results.
 *
 * A float8 result column or return value is
 *   - the number, when it is finite;
 *   - NULL, when it is NaN: the quantity is not estimable from the data
 *     (a standard deviation of one value, a ratio over a zero baseline);
 *   - an ERROR 22003 (numeric_value_out_of_range), when it is +-Infinity:
 *     the computation overflowed double precision, and no number is right.
 * Every glue file sets float8 results through these helpers.  The one
 * exception, values read back from a stored trajectory_model, is
 * ScommSetFloat8Stored below.
 */
#ifndef SCOMM_RESULT_UTIL_H
#define SCOMM_RESULT_UTIL_H

#include "postgres.h"

#include <math.h>

#include "fmgr.h"

/* ERROR 22003 naming what overflowed; x is the infinite value */
extern void ScommFloatOverflow(double x, const char *what) pg_attribute_noreturn();

/* column i of a result row: x, NULL for NaN, an ERROR for +-Infinity */
static inline void
ScommSetFloat8(Datum *values, bool *nulls, int i, double x, const char *what)
{
	if (isnan(x))
	{
		values[i] = (Datum) 0;
		nulls[i] = true;
		return;
	}
	if (unlikely(isinf(x)))
		ScommFloatOverflow(x, what);
	values[i] = Float8GetDatum(x);
	nulls[i] = false;
}

/* x if finite; an ERROR for +-Infinity (NaN is the caller's to handle) */
static inline double
ScommCheckFinite(double x, const char *what)
{
	if (unlikely(isinf(x)))
		ScommFloatOverflow(x, what);
	return x;
}

/*
 * x if finite; an ERROR 22003 for +-Infinity and for NaN, where a NaN can
 * only come from an overflow (Infinity - Infinity) and means no estimate
 */
static inline double
ScommRequireFinite(double x, const char *what)
{
	if (unlikely(!isfinite(x)))
		ScommFloatOverflow(isnan(x) ? INFINITY : x, what);
	return x;
}

/*
 * The one exception to the policy: a value read from a stored
 * trajectory_model or computed from one (trajectory_shares,
 * trajectory_coefficients, trajectory_curves, trajectory_risk_factors).  A
 * model that scomm 1.0 stored may hold an infinite estimate or standard
 * error, and its curves may overflow, which 1.0 returned as Infinity; 1.0
 * calls keep their 1.0 answers, so an infinite value comes out as Infinity
 * (NaN is NULL, as everywhere).
 */
static inline void
ScommSetFloat8Stored(Datum *values, bool *nulls, int i, double x)
{
	if (isnan(x))
	{
		values[i] = (Datum) 0;
		nulls[i] = true;
		return;
	}
	values[i] = Float8GetDatum(x);
	nulls[i] = false;
}

/* return x from a float8 function: NULL for NaN, an ERROR for +-Infinity */
#define SCOMM_RETURN_FLOAT8(x, what) \
	do { \
		double		scomm_r_ = (x); \
		if (isnan(scomm_r_)) \
			PG_RETURN_NULL(); \
		PG_RETURN_FLOAT8(ScommCheckFinite(scomm_r_, (what))); \
	} while (0)

#endif
