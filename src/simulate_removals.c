/*
 * simulate_removals.c: removals through Secure Communities by county, month
 * and criminality level, calibrated to published national figures.
 *
 * Counties belong to three latent classes with different enforcement
 * profiles: 1 = active participation (many removals per non-citizen
 * resident, a high non-criminal share), 2 = moderate, 3 = limited.  A
 * county's monthly volume is proportional to its non-citizen population,
 * its class and a county factor, from its activation date on; the level of
 * each removal follows the county's own profile, drawn around its class
 * profile.  Two calibration steps make the expected national figures match
 * the published ones for October 2008 to March 2011: the volume scale gives
 * the expected total ("total", default 100,000), and the level profiles of
 * all counties are raked so that the expected national shares are L1 28%,
 * L2 11%, L3 32% and NC 29% (ICE's Secure Communities monthly statistics;
 * see README, "Calibration").
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
#include "criminality_level.h"
#include "simulate.h"
#include "arg_util.h"
#include "poisson.h"

#define NCLASS 3
#define NLEVEL 4
#define RAKE_ROUNDS 50

/* class shares, volume multipliers and level profiles in order L1, L2, L3, NC */
static const double ClassShare[NCLASS] = {0.20, 0.45, 0.35};
static const double ClassVolume[NCLASS] = {3.0, 1.0, 0.35};
static const double ClassProfile[NCLASS][NLEVEL] = {
	{0.18, 0.08, 0.30, 0.44},
	{0.32, 0.12, 0.33, 0.23},
	{0.40, 0.14, 0.32, 0.14}
};
static const double TargetShare[NLEVEL] = {0.28, 0.11, 0.32, 0.29};
static const CriminalityLevel LevelOf[NLEVEL] = {LEVEL_L1, LEVEL_L2, LEVEL_L3, LEVEL_NC};

/* the program's first month and the end of the calibration window */
#define PROGRAM_START_YEAR 2008
#define PROGRAM_START_MONTH 10
#define CALIBRATION_MONTHS 30	/* 2008-10 .. 2011-03 */

typedef struct CountyDraw
{
	int			klass;			/* 0-based */
	double		intensity;		/* before the national scale */
	double		window_volume;	/* expected calibration-window volume, unscaled */
	double		profile[NLEVEL];
} CountyDraw;

/* months since 2008-10 of a day number */
static int
MonthIndex(DateADT day)
{
	int			y,
				m,
				d;

	j2date(day + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	return (y - PROGRAM_START_YEAR) * 12 + (m - PROGRAM_START_MONTH);
}

/* Share of month "mi" during which the county was active (0..1). */
static double
ActiveFraction(int32 cohort, int mi)
{
	int			y,
				m,
				d,
				first,
				days;

	if (cohort == COHORT_NEVER)
		return 0.0;
	first = MonthIndex(cohort);
	if (mi < first)
		return 0.0;
	if (mi > first)
		return 1.0;
	j2date(cohort + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	days = day_tab[isleap(y)][m - 1];
	return (double) (days - d + 1) / days;
}

/* Draw a county's class, intensity factor and level profile. */
static void
DrawCounty(gsl_rng *rng, const SimCounty *c, CountyDraw *out)
{
	double		u = gsl_rng_uniform(rng);
	double		alpha[NLEVEL];
	int			k,
				l;

	for (k = 0; k < NCLASS - 1 && u >= ClassShare[k]; k++)
		u -= ClassShare[k];
	out->klass = k;
	out->intensity = c->weight * ClassVolume[k] * gsl_ran_lognormal(rng, -0.045, 0.3);
	for (l = 0; l < NLEVEL; l++)
		alpha[l] = 20.0 * ClassProfile[k][l];
	gsl_ran_dirichlet(rng, NLEVEL, alpha, out->profile);
}

/* Expected calibration-window volume of a county (before the scale). */
static double
WindowVolume(const SimCounty *c, const CountyDraw *d)
{
	double		months = 0.0;
	int			mi;

	for (mi = 0; mi < CALIBRATION_MONTHS; mi++)
		months += ActiveFraction(c->cohort, mi);
	return d->intensity * months;
}

/* Rake all profiles so the volume-weighted national shares hit the targets. */
static void
RakeProfiles(CountyDraw *d, int n)
{
	int			round,
				i,
				l;

	for (round = 0; round < RAKE_ROUNDS; round++)
	{
		double		share[NLEVEL] = {0};
		double		total = 0.0;

		for (i = 0; i < n; i++)
		{
			double		v = d[i].window_volume;

			for (l = 0; l < NLEVEL; l++)
				share[l] += v * d[i].profile[l];
			total += v;
		}
		if (total <= 0)
			return;
		for (i = 0; i < n; i++)
		{
			double		sum = 0.0;

			for (l = 0; l < NLEVEL; l++)
			{
				d[i].profile[l] *= TargetShare[l] / (share[l] / total);
				sum += d[i].profile[l];
			}
			for (l = 0; l < NLEVEL; l++)
				d[i].profile[l] /= sum;
		}
	}
}

/*
 * A Poisson count of removals of mean lambda (bounded time for any mean); an
 * ERROR when it does not fit in the int4 column.
 */
static int32
DrawRemovals(gsl_rng *rng, double lambda, const char *fips, int y, int m)
{
	double		k;

	if (scomm_ran_poisson(rng, lambda, &k) != SCOMM_OK || k > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("simulate_removals: the removals of county \"%s\" in %04d-%02d (expected %g) are out of range for type integer",
						fips, y, m, lambda),
				 errhint("Give a smaller total: removals are counted per county, month and level in int4.")));
	return (int32) k;
}

PG_FUNCTION_INFO_V1(scomm_simulate_removals);
Datum
scomm_simulate_removals(PG_FUNCTION_ARGS)
{
	static const char *const names[] = {"seed", "through", "total", NULL};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		seed;
	DateADT		through;
	double		total;
	SimCounty  *c;
	CountyDraw *d;
	gsl_rng    *rng;
	double		scale = 0.0;
	int			n,
				i,
				months;

	ScommRequireArgs(fcinfo, 3, names);
	seed = PG_GETARG_INT64(3);
	through = PG_GETARG_DATEADT(4);
	total = PG_GETARG_FLOAT8(5);
	if (DATE_NOT_FINITE(through) || MonthIndex(through) < 0 || MonthIndex(through) > 12 * 30)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("through must lie between 2008-10-01 and 2038-09-30")));
	if (!isfinite(total) || total <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("total must be a positive number of removals: %g", total)));
	c = SimReadCounties(fcinfo, "noncitizens", &n);
	d = palloc(sizeof(CountyDraw) * n);
	rng = SimRng();
	for (i = 0; i < n; i++)
	{
		SimSeed(rng, seed, scomm_hash_text(c[i].fips));
		DrawCounty(rng, &c[i], &d[i]);
		d[i].window_volume = WindowVolume(&c[i], &d[i]);
		scale += d[i].window_volume;
	}
	if (scale <= 0)
	{
		gsl_rng_free(rng);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no county was active with non-citizen residents between 2008-10 and 2011-03"),
				 errhint("The volume is calibrated on that window; give counties activated in it.")));
	}
	scale = total / scale;
	RakeProfiles(d, n);

	PG_TRY();
	{
		InitMaterializedSRF(fcinfo, 0);
		months = MonthIndex(through) + 1;
		for (i = 0; i < n; i++)
		{
			int			mi;

			/* a second stream for the counts, so the draws above stay fixed */
			SimSeed(rng, seed, scomm_hash_text(c[i].fips) ^ UINT64CONST(0xA5A5A5A5));
			for (mi = 0; mi < months; mi++)
			{
				double		active = ActiveFraction(c[i].cohort, mi);
				int			l;

				if (active <= 0)
					continue;
				CHECK_FOR_INTERRUPTS();
				for (l = 0; l < NLEVEL; l++)
				{
					Datum		values[5];
					bool		nulls[5] = {0};
					int			y = PROGRAM_START_YEAR + (PROGRAM_START_MONTH - 1 + mi) / 12;
					int			m = (PROGRAM_START_MONTH - 1 + mi) % 12 + 1;
					double		lambda = scale * d[i].intensity * active * d[i].profile[l];

					values[0] = CStringGetTextDatum(c[i].fips);
					values[1] = DateADTGetDatum(date2j(y, m, 1) - POSTGRES_EPOCH_JDATE);
					values[2] = CriminalityLevelGetDatum(LevelOf[l]);
					values[3] = Int32GetDatum(DrawRemovals(rng, lambda, c[i].fips, y, m));
					values[4] = Int32GetDatum(d[i].klass + 1);
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
