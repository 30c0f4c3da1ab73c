/*
 * traj_testdata.h: read the trajectory reference CSVs into panels, count
 * core allocations, and simulate panels with known groups.
 *
 * Files live in data/reference/ (refdata.h; $SCOMM_REFERENCE_DIR instead
 * when set).  trajeR's files are wide: Id, Y1..Yn,
 * T1..Tn, ...; crimCV's TO1adj has one row per offender and one column per
 * age 8..38 (Offense8..Offense38).
 */
#ifndef SCOMM_TRAJ_TESTDATA_H
#define SCOMM_TRAJ_TESTDATA_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "refdata.h"
#include "traj.h"

static long live_allocs = 0;
static long fail_after = -1;	/* allocations until one fails; -1 never */

static inline void *
CountingAlloc(size_t n)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	live_allocs++;
	return malloc(n);
}

static inline void
CountingFree(void *p)
{
	live_allocs--;
	free(p);
}

static inline void
CountAllocations(void)
{
	scomm_core_alloc_hook = CountingAlloc;
	scomm_core_free_hook = CountingFree;
}

static inline double
Now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Split a CSV line into at most max numeric fields; returns the count. */
static inline int
SplitCsv(char *line, double *v, int max)
{
	int			n = 0;
	char	   *f = line;

	while (n < max)
	{
		char	   *comma = strchr(f, ',');

		v[n++] = atof(f);
		if (comma == NULL)
			break;
		f = comma + 1;
	}
	return n;
}

/* trajeR's wide file: unit = Id, y = Y1..Yperiods, t = T1..Tperiods. */
static inline scomm_traj_panel *
ReadTrajeR(const char *name, int periods)
{
	char		line[4096];
	double		v[64];
	FILE	   *fp = RefOpen(name);
	scomm_traj_panel *p = NULL;

	if (fp == NULL)
		return NULL;
	if (scomm_traj_panel_create(&p) != SCOMM_OK || fgets(line, sizeof(line), fp) == NULL)
	{
		RefClose(fp);
		scomm_traj_panel_free(p);
		return NULL;
	}
	while (fgets(line, sizeof(line), fp) != NULL)
	{
		int			n = SplitCsv(line, v, 64),
					j;

		if (n < 1 + 2 * periods)
			break;
		for (j = 0; j < periods; j++)
			scomm_traj_panel_add(p, (int64_t) v[0], v[1 + periods + j], v[1 + j], 1.0);
	}
	RefClose(fp);
	return p;
}

/* crimCV's TO1adj: unit = row number, t = age 8..38, y = offences. */
static inline scomm_traj_panel *
ReadCrimCV(void)
{
	char		line[4096];
	double		v[64];
	FILE	   *fp = RefOpen("crimCV_TO1adj.csv");
	scomm_traj_panel *p = NULL;
	int64_t		row = 0;

	if (fp == NULL)
		return NULL;
	if (scomm_traj_panel_create(&p) != SCOMM_OK || fgets(line, sizeof(line), fp) == NULL)
	{
		RefClose(fp);
		scomm_traj_panel_free(p);
		return NULL;
	}
	while (fgets(line, sizeof(line), fp) != NULL)
	{
		int			n = SplitCsv(line, v, 64),
					j;

		row++;
		for (j = 0; j < n; j++)
			scomm_traj_panel_add(p, row, 8 + j, v[j], 1.0);
	}
	RefClose(fp);
	return p;
}

/*
 * Simulate units x periods observations from K groups with the given shares
 * and quadratic coefficients beta[k][3] in t = 0..periods-1 (scaled to
 * [-1, 1]); truth[u] receives the group of unit u (0-based).
 */
static inline scomm_traj_panel *
Simulate(scomm_traj_family f, int units, int periods, int K,
		 const double *share, const double (*beta)[3], const double *extra,
		 int with_exposure, uint64_t seed, int *truth)
{
	gsl_rng    *rng = gsl_rng_alloc(gsl_rng_mt19937);
	scomm_traj_panel *p = NULL;
	int			u,
				j,
				k;

	gsl_rng_set(rng, (unsigned long) seed);
	scomm_traj_panel_create(&p);
	for (u = 0; u < units; u++)
	{
		double		r = gsl_rng_uniform(rng),
					c = 0;
		double		e = with_exposure ? exp(gsl_ran_flat(rng, -1.0, 1.0)) : 1.0;

		for (k = 0; k < K - 1; k++)
			if (r < (c += share[k]))
				break;
		truth[u] = k;
		for (j = 0; j < periods; j++)
		{
			double		s = periods > 1 ? 2.0 * j / (periods - 1) - 1.0 : 0.0;
			double		eta = beta[k][0] + beta[k][1] * s + beta[k][2] * s * s;
			double		y;

			if (f == SCOMM_TRAJ_CNORM)
			{
				y = eta + gsl_ran_gaussian(rng, extra[k]);
				scomm_traj_panel_add(p, 1000 + u, j, y, 1.0);
				continue;
			}
			if (f == SCOMM_TRAJ_ZIP && gsl_rng_uniform(rng) < extra[k])
				y = 0;
			else
				y = gsl_ran_poisson(rng, e * exp(eta));
			scomm_traj_panel_add(p, 1000 + u, j, y, e);
		}
	}
	gsl_rng_free(rng);
	return p;
}

/*
 * Negative binomial trajectories (mean exposure exp(quadratic in the scaled
 * t as Simulate), variance mu + alpha[k] mu^2), zero-inflated with
 * probability pz[k] when pz is not NULL.  Membership: shares, or when ncov >
 * 0 a multinomial logit on covariates drawn per unit (x[u * ncov + c]:
 * standard normal times xscale[c] plus xshift[c]; gamma[(k - 1) (ncov + 1)
 * + s] in raw units, group 0 the reference), attached to the panel.
 * Exposures e = exp(U(-1, 1)) * escale when with_exposure.
 */
static inline scomm_traj_panel *
SimulateNbRisk(int units, int periods, int K, const double *share,
			   const double (*beta)[3], const double *alpha, const double *pz,
			   int with_exposure, double escale, int ncov, const double *gamma,
			   const double *xscale, const double *xshift, uint64_t seed,
			   int *truth, double *xout)
{
	gsl_rng    *rng = gsl_rng_alloc(gsl_rng_mt19937);
	scomm_traj_panel *p = NULL;
	int			u,
				j,
				k,
				c;

	gsl_rng_set(rng, (unsigned long) seed);
	scomm_traj_panel_create(&p);
	for (u = 0; u < units; u++)
	{
		double		r,
					acc = 0,
					x[20],
					pr[20],
					tot = 0;
		double		e = with_exposure ? escale * exp(gsl_ran_flat(rng, -1.0, 1.0)) : 1.0;

		for (c = 0; c < ncov; c++)
			x[c] = xshift[c] + xscale[c] * gsl_ran_gaussian(rng, 1.0);
		for (k = 0; k < K; k++)
		{
			double		v = 0.0;

			if (ncov == 0)
				pr[k] = share[k];
			else
			{
				if (k > 0)
				{
					v = gamma[(k - 1) * (ncov + 1)];
					for (c = 0; c < ncov; c++)
						v += gamma[(k - 1) * (ncov + 1) + 1 + c] * x[c];
				}
				pr[k] = exp(v);
			}
			tot += pr[k];
		}
		r = gsl_rng_uniform(rng) * tot;
		for (k = 0; k < K - 1; k++)
			if (r < (acc += pr[k]))
				break;
		truth[u] = k;
		if (ncov > 0)
		{
			scomm_traj_panel_set_covariates(p, 1000 + u, x, ncov, NULL);
			if (xout)
				memcpy(xout + (size_t) u * ncov, x, ncov * sizeof(double));
		}
		for (j = 0; j < periods; j++)
		{
			double		s = periods > 1 ? 2.0 * j / (periods - 1) - 1.0 : 0.0;
			double		mu = e * exp(beta[k][0] + beta[k][1] * s + beta[k][2] * s * s);
			double		th = 1.0 / alpha[k];
			double		y = (double) gsl_ran_negative_binomial(rng, th / (th + mu), th);

			if (pz != NULL && gsl_rng_uniform(rng) < pz[k])
				y = 0;
			scomm_traj_panel_add(p, 1000 + u, j, y, e);
		}
	}
	gsl_rng_free(rng);
	return p;
}

static inline scomm_traj_panel *
SimulateNb(int units, int periods, int K, const double *share,
		   const double (*beta)[3], const double *alpha, const double *pz,
		   int with_exposure, uint64_t seed, int *truth)
{
	return SimulateNbRisk(units, periods, K, share, beta, alpha, pz, with_exposure,
						  1.0, 0, NULL, NULL, NULL, seed, truth, NULL);
}

#endif
