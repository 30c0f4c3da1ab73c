/*
 * simulate_crime.c: a county crime panel (yearly counts of the FBI offences)
 * with county effects, the national trend of 2006-2016, overdispersed counts
 * and a configurable true effect of activation.
 *
 * Expected count = population / 100,000 * national rate of the offence in
 * that year * county factor * (1 + effect when activated).  National rates
 * per 100,000 are the sums of the FBI's state estimates (50 states and DC)
 * in data/fbi_ucr_state_crime_1979_2020.csv.gz (rape: legacy definition).
 * County factors are log-normal with mean one: a shared crime level (sd 0.6),
 * an offence deviation (sd 0.3; 0.9 for murder, which concentrates in few
 * counties, so that about half of all county-years have no murder, as in the
 * FBI county data) and a county trend (sd 0.01 per year).  Counts are
 * negative binomial (gamma-Poisson, shape 5).
 */
#include "postgres.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include "compat.h"
#include "activation_cohort.h"
#include "simulate.h"
#include "arg_util.h"
#include "poisson.h"
#include "result_util.h"

#define FIRST_YEAR 2006
#define LAST_YEAR 2016
#define NYEARS (LAST_YEAR - FIRST_YEAR + 1)
#define NOFFENSE 8
#define NB_SHAPE 5.0

static const char *const OffenseName[NOFFENSE] = {
	"murder", "rape", "robbery", "aggravated assault",
	"burglary", "larceny", "motor vehicle theft", "arson"
};

/* national rate per 100,000 by year 2006..2016 (FBI state estimates summed) */
static const double NationalRate[NOFFENSE][NYEARS] = {
	{5.95, 5.84, 5.61, 5.24, 5.01, 5.01, 4.99, 4.75, 4.60, 5.07, 5.54},
	{31.2, 30.2, 29.5, 28.7, 27.4, 26.7, 26.8, 25.7, 26.3, 28.2, 29.7},
	{149.8, 148.1, 145.8, 133.4, 120.0, 114.6, 113.8, 109.7, 101.7, 102.4, 102.8},
	{289.1, 284.5, 274.9, 262.4, 250.6, 239.6, 240.8, 227.8, 227.5, 236.4, 246.8},
	{729.1, 722.4, 729.8, 714.5, 698.3, 698.3, 669.3, 608.0, 535.0, 492.2, 466.5},
	{2193.8, 2166.7, 2149.0, 2048.0, 1990.5, 1960.2, 1952.4, 1889.7, 1810.6, 1772.0, 1734.3},
	{397.9, 362.7, 313.6, 258.1, 238.4, 229.1, 229.6, 220.5, 214.4, 221.1, 235.9},
	{24.0, 22.3, 21.4, 19.3, 17.9, 17.3, 17.4, 14.7, 14.3, 13.6, 14.0}
};

/* sd of the county deviation of each offence, on the log scale */
static const double OffenseSd[NOFFENSE] = {0.9, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3};

static void
CheckYears(int32 first, int32 last)
{
	if (first < FIRST_YEAR || last > LAST_YEAR || first > last)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("years %d to %d are outside the calibrated range %d to %d",
						first, last, FIRST_YEAR, LAST_YEAR)));
}

/*
 * A Poisson count of mean lambda (bounded time for any mean); an ERROR when
 * it does not fit in bigint.
 */
static int64
DrawCount(gsl_rng *rng, double lambda, double mu, const SimCounty *c, int year, int o)
{
	double		k;

	if (scomm_ran_poisson(rng, lambda, &k) != SCOMM_OK || k >= 9223372036854775808.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("simulate_crime: the %s count of county \"%s\" in %d (expected %g) is out of range for type bigint",
						OffenseName[o], c->fips, year, mu),
				 errhint("Give populations and an effect that imply counts below 9.2e18.")));
	return (int64) k;
}

PG_FUNCTION_INFO_V1(scomm_simulate_crime);
Datum
scomm_simulate_crime(PG_FUNCTION_ARGS)
{
	static const char *const names[] = {"seed", "effect", "first_year", "last_year", NULL};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		seed;
	double		effect;
	int32		first;
	int32		last;
	SimCounty  *c;
	gsl_rng    *rng;
	int			n;

	ScommRequireArgs(fcinfo, 3, names);
	seed = PG_GETARG_INT64(3);
	effect = PG_GETARG_FLOAT8(4);
	first = PG_GETARG_INT32(5);
	last = PG_GETARG_INT32(6);
	CheckYears(first, last);
	if (!isfinite(effect) || effect <= -1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("effect must be a proportional change greater than -1: %g", effect),
				 errhint("effect = -0.1 means 10%% fewer offences after activation.")));
	c = SimReadCounties(fcinfo, "population", &n);
	rng = SimRng();
	PG_TRY();
	{
		int			i;

		InitMaterializedSRF(fcinfo, 0);
		for (i = 0; i < n; i++)
		{
			double		level,
						trend,
						dev[NOFFENSE];
			int			y,
						o,
						act_year = 0;

			CHECK_FOR_INTERRUPTS();
			SimSeed(rng, seed, scomm_hash_text(c[i].fips) ^ UINT64CONST(0xC0FFEE));
			level = gsl_ran_gaussian(rng, 0.6);
			trend = gsl_ran_gaussian(rng, 0.01);
			for (o = 0; o < NOFFENSE; o++)
				dev[o] = gsl_ran_gaussian(rng, OffenseSd[o]);
			if (c[i].cohort != COHORT_NEVER)
			{
				int			m,
							d;

				j2date(c[i].cohort + POSTGRES_EPOCH_JDATE, &act_year, &m, &d);
			}
			for (y = first; y <= last; y++)
			{
				bool		treated = c[i].cohort != COHORT_NEVER && y >= act_year;

				for (o = 0; o < NOFFENSE; o++)
				{
					Datum		values[7];
					bool		nulls[7] = {0};
					double		mu = c[i].weight / 1e5 * NationalRate[o][y - FIRST_YEAR] *
						exp(level + dev[o] + trend * (y - FIRST_YEAR) -
							0.5 * (0.36 + OffenseSd[o] * OffenseSd[o])) *
						(treated ? 1.0 + effect : 1.0);
					double		lambda;

					values[4] = Float8GetDatum(ScommRequireFinite(mu, "simulate_crime expected"));
					lambda = mu > 0 ? gsl_ran_gamma(rng, NB_SHAPE, mu / NB_SHAPE) : 0.0;
					values[0] = CStringGetTextDatum(c[i].fips);
					values[1] = Int32GetDatum(y);
					values[2] = CStringGetTextDatum(OffenseName[o]);
					values[3] = Int64GetDatum(DrawCount(rng, lambda, mu, &c[i], y, o));
					values[5] = BoolGetDatum(treated);
					values[6] = Float8GetDatum(treated ? effect : 0.0);
					tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
				}
			}
		}
	}
	PG_FINALLY();
	{
		gsl_rng_free(rng);
	}
	PG_END_TRY();
	return (Datum) 0;
}
