/*
 * simulate_panel.c: a generic staggered-adoption panel with a known effect,
 * for tests and benchmarks of the difference-in-differences estimators.
 *
 * outcome(i, t) = a_i + b_t + att(e) + noise, with unit effects a_i ~ N(0,1),
 * period effects b_t = 0.05 t + N(0, 0.5), e = t - first_period(i), and
 * att(e) = effect + effect_growth * e from e = 0 on (zero before).  Cohorts'
 * first periods are spread evenly over 2..periods; a share of units is never
 * treated.  Each unit draws from its own stream, so any size is reproducible.
 */
#include "postgres.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "funcapi.h"
#include "miscadmin.h"

#include "compat.h"
#include "simulate.h"
#include "arg_util.h"
#include "result_util.h"

/* period effects are held in memory: 80 MB at most */
#define MAX_PERIODS 10000000

PG_FUNCTION_INFO_V1(scomm_simulate_panel);
Datum
scomm_simulate_panel(PG_FUNCTION_ARGS)
{
	static const char *const names[] = {"units", "periods", "seed", "cohorts", "never_share",
	"effect", "effect_growth", "noise", NULL};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int32		units;
	int32		periods;
	int64		seed;
	int32		cohorts;
	double		never_share;
	double		effect;
	double		growth;
	double		noise;
	double	   *period_effect;
	gsl_rng    *rng;

	ScommRequireArgs(fcinfo, 0, names);
	units = PG_GETARG_INT32(0);
	periods = PG_GETARG_INT32(1);
	seed = PG_GETARG_INT64(2);
	cohorts = PG_GETARG_INT32(3);
	never_share = PG_GETARG_FLOAT8(4);
	effect = PG_GETARG_FLOAT8(5);
	growth = PG_GETARG_FLOAT8(6);
	noise = PG_GETARG_FLOAT8(7);

	if (units < 1 || periods < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a panel needs at least one unit and two periods (got %d and %d)", units, periods)));
	if ((int64) units * periods > 500000000)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a panel of %d units and %d periods is too large", units, periods),
				 errhint("simulate_panel returns at most 500,000,000 rows.")));
	ScommCheckLimit("simulate_panel", periods, MAX_PERIODS, "periods",
					"Simulate at most 10,000,000 periods.");
	if (cohorts < 1 || cohorts > periods - 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cohorts must be between 1 and periods - 1 = %d: %d", periods - 1, cohorts)));
	if (!(never_share >= 0 && never_share < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("never_share must be at least 0 and below 1: %g", never_share)));
	if (!isfinite(effect) || !isfinite(growth) || !isfinite(noise) || noise < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("effect, effect_growth and noise must be finite, and noise not negative")));

	period_effect = palloc(sizeof(double) * (periods + 1));
	rng = SimRng();
	PG_TRY();
	{
		int32		i,
					t;

		SimSeed(rng, seed, UINT64CONST(0xFFFFFFFFFFFF));
		for (t = 1; t <= periods; t++)
			period_effect[t] = 0.05 * t + gsl_ran_gaussian(rng, 0.5);
		InitMaterializedSRF(fcinfo, 0);
		for (i = 1; i <= units; i++)
		{
			double		a;
			int32		g = 0;

			if ((i & 1023) == 0)
				CHECK_FOR_INTERRUPTS();
			SimSeed(rng, seed, (uint64) i);
			a = gsl_ran_gaussian(rng, 1.0);
			if (gsl_rng_uniform(rng) >= never_share)
			{
				int32		j = (int32) gsl_rng_uniform_int(rng, cohorts);

				g = 2 + (int32) ((int64) j * (periods - 1) / cohorts);
			}
			for (t = 1; t <= periods; t++)
			{
				Datum		values[5];
				bool		nulls[5] = {0};
				double		att = (g > 0 && t >= g) ? effect + growth * (t - g) : 0.0;
				double		y = a + period_effect[t] + att + gsl_ran_gaussian(rng, noise);

				if ((t & 4095) == 0)
					CHECK_FOR_INTERRUPTS();
				values[0] = Int64GetDatum(i);
				values[1] = Int32GetDatum(t);
				values[2] = Int32GetDatum(g);
				nulls[2] = (g == 0);
				values[3] = Float8GetDatum(ScommRequireFinite(y, "simulate_panel outcome"));
				values[4] = Float8GetDatum(ScommRequireFinite(att, "simulate_panel true_att"));
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
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
