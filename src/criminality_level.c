/*
 * criminality_level.c: the scomm.criminality_level base type — I/O,
 * comparison, hashing, casts and descriptive functions.
 */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "compat.h"
#include "criminality_level.h"
#include "ordinal_type.h"
#include "text_util.h"

static const char *const LevelNames[LEVEL_COUNT] = {"NC", "L3", "L2", "L1"};

static const char *const LevelLabels[LEVEL_COUNT] = {
	"Non-criminal: no criminal conviction (immigration violator)",
	"Level 3: convicted of misdemeanors",
	"Level 2: convicted of one felony or three or more misdemeanors",
	"Level 1: convicted of an aggravated felony or two or more felonies"
};

void
criminality_level_corrupt(int value)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid criminality_level value %d", value),
			 errdetail("A criminality_level is stored as one byte from 0 to 3; this one was damaged.")));
}

/* Accepted spellings after trimming and lower-casing, with their level. */
static const struct
{
	const char *spelling;
	CriminalityLevel level;
}			LevelSpellings[] = {
	{"l1", LEVEL_L1}, {"level 1", LEVEL_L1}, {"level1", LEVEL_L1}, {"1", LEVEL_L1},
	{"l2", LEVEL_L2}, {"level 2", LEVEL_L2}, {"level2", LEVEL_L2}, {"2", LEVEL_L2},
	{"l3", LEVEL_L3}, {"level 3", LEVEL_L3}, {"level3", LEVEL_L3}, {"3", LEVEL_L3},
	{"nc", LEVEL_NC}, {"non-criminal", LEVEL_NC}, {"noncriminal", LEVEL_NC},
	{"non criminal", LEVEL_NC}, {"none", LEVEL_NC}
};

/* Parse a level spelling; false when it is not one. */
static bool
ParseLevel(const char *str, CriminalityLevel *level)
{
	char		buf[32];
	size_t		start,
				len,
				i;

	scomm_trim(str, &start, &len);
	if (len >= sizeof(buf))
		return false;
	for (i = 0; i < len; i++)
		buf[i] = pg_tolower((unsigned char) str[start + i]);
	buf[len] = '\0';

	for (i = 0; i < lengthof(LevelSpellings); i++)
	{
		if (strcmp(buf, LevelSpellings[i].spelling) == 0)
		{
			*level = LevelSpellings[i].level;
			return true;
		}
	}
	return false;
}

PG_FUNCTION_INFO_V1(criminality_level_in);
Datum
criminality_level_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	CriminalityLevel level;

	if (!ParseLevel(str, &level))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type criminality_level: \"%s\"", str),
				 errhint("Valid levels are L1, L2, L3 and NC; \"Level 1\", \"level1\" and \"1\" "
						 "(likewise 2 and 3) and \"non-criminal\", \"noncriminal\", "
						 "\"non criminal\" and \"none\" are accepted too, in any case.")));
	PG_RETURN_CRIMINALITY_LEVEL(level);
}

PG_FUNCTION_INFO_V1(criminality_level_out);
Datum
criminality_level_out(PG_FUNCTION_ARGS)
{
	CriminalityLevel level = criminality_level_arg(fcinfo, 0);

	PG_RETURN_CSTRING(pstrdup(LevelNames[level]));
}

PG_FUNCTION_INFO_V1(criminality_level_recv);
Datum
criminality_level_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			value = pq_getmsgbyte(buf);

	if (value < 0 || value >= LEVEL_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary value for type criminality_level: %d", value),
				 errdetail("The binary form is one byte: 0 = NC, 1 = L3, 2 = L2, 3 = L1.")));
	PG_RETURN_CRIMINALITY_LEVEL((CriminalityLevel) value);
}

PG_FUNCTION_INFO_V1(criminality_level_send);
Datum
criminality_level_send(PG_FUNCTION_ARGS)
{
	CriminalityLevel level = criminality_level_arg(fcinfo, 0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, (uint8) level);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

SCOMM_ORDINAL_SUPPORT(criminality_level, PG_GETARG_CRIMINALITY_LEVEL)

/*
 * Integer casts use the level's number: 1, 2, 3 for L1, L2, L3 and 0 for NC.
 */
PG_FUNCTION_INFO_V1(criminality_level_to_int4);
Datum
criminality_level_to_int4(PG_FUNCTION_ARGS)
{
	CriminalityLevel level = criminality_level_arg(fcinfo, 0);

	PG_RETURN_INT32(level == LEVEL_NC ? 0 : LEVEL_COUNT - (int) level);
}

PG_FUNCTION_INFO_V1(criminality_level_from_int4);
Datum
criminality_level_from_int4(PG_FUNCTION_ARGS)
{
	int32		n = PG_GETARG_INT32(0);

	if (n < 0 || n > 3)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("integer %d is out of range for type criminality_level", n),
				 errhint("Use 1, 2 or 3 for levels L1, L2 and L3, and 0 for NC.")));
	PG_RETURN_CRIMINALITY_LEVEL(n == 0 ? LEVEL_NC : (CriminalityLevel) (LEVEL_COUNT - n));
}

/* 1, 2, 3 for L1, L2, L3; NULL for NC */
PG_FUNCTION_INFO_V1(criminality_level_number);
Datum
criminality_level_number(PG_FUNCTION_ARGS)
{
	CriminalityLevel level = criminality_level_arg(fcinfo, 0);

	if (level == LEVEL_NC)
		PG_RETURN_NULL();
	PG_RETURN_INT32(LEVEL_COUNT - (int) level);
}

PG_FUNCTION_INFO_V1(criminality_level_is_criminal);
Datum
criminality_level_is_criminal(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(criminality_level_arg(fcinfo, 0) != LEVEL_NC);
}

PG_FUNCTION_INFO_V1(criminality_level_label);
Datum
criminality_level_label(PG_FUNCTION_ARGS)
{
	CriminalityLevel level = criminality_level_arg(fcinfo, 0);

	PG_RETURN_TEXT_P(cstring_to_text(LevelLabels[level]));
}

PG_FUNCTION_INFO_V1(criminality_level_larger);
Datum
criminality_level_larger(PG_FUNCTION_ARGS)
{
	CriminalityLevel a = PG_GETARG_CRIMINALITY_LEVEL(0);
	CriminalityLevel b = PG_GETARG_CRIMINALITY_LEVEL(1);

	PG_RETURN_CRIMINALITY_LEVEL(a > b ? a : b);
}

PG_FUNCTION_INFO_V1(criminality_level_smaller);
Datum
criminality_level_smaller(PG_FUNCTION_ARGS)
{
	CriminalityLevel a = PG_GETARG_CRIMINALITY_LEVEL(0);
	CriminalityLevel b = PG_GETARG_CRIMINALITY_LEVEL(1);

	PG_RETURN_CRIMINALITY_LEVEL(a < b ? a : b);
}
