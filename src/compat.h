/*
 * compat.h: every PG_VERSION_NUM test of scomm lives here.
 */
#ifndef SCOMM_COMPAT_H
#define SCOMM_COMPAT_H

#include "postgres.h"

#if PG_VERSION_NUM < 150000
#error "scomm requires PostgreSQL 15 or later"
#endif

#endif
