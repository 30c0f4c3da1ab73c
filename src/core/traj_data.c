/*
 * traj_data.c: a sorted panel turned into the arrays the EM works on: units
 * with their observation ranges, distinct times with their polynomial basis
 * rows, per-unit constants and sums, observation classes and (zip) the
 * cells of zero observations sharing a time and an exposure.
 *
 * Time is scaled to s = (t - tcenter) / tscale, the midpoint and half-range
 * of the panel's times, so that the basis 1, s, ..., s^d stays in [-1, 1].
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "traj_int.h"

static int
DoubleCmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return x < y ? -1 : (x > y);
}

void
scomm_traj_data_free(TrajData *d)
{
	scomm_core_free(d->unit_id);
	scomm_core_free(d->ustart);
	scomm_core_free(d->y);
	scomm_core_free(d->e);
	scomm_core_free(d->tj);
	scomm_core_free(d->cls);
	scomm_core_free(d->cell);
	scomm_core_free(d->tval);
	scomm_core_free(d->x);
	scomm_core_free(d->ucst);
	scomm_core_free(d->usy);
	scomm_core_free(d->upos);
	scomm_core_free(d->cell_tj);
	scomm_core_free(d->cell_e);
	scomm_core_free(d->yval);
	scomm_core_free(d->ycell);
	scomm_core_free(d->nbscratch);
	scomm_core_free(d->nbL);
	scomm_core_free(d->nbkey);
	scomm_core_free(d->nbage);
	scomm_core_free(d->nbderiv);
	scomm_core_free(d->ux);
	scomm_core_free(d->xcenter);
	scomm_core_free(d->xscale);
	memset(d, 0, sizeof(*d));
}

/* Distinct times (sorted) and each observation's index among them. */
static scomm_status
Times(const scomm_traj_panel *pn, TrajData *d)
{
	size_t		i,
				n = pn->n,
				J = 0;

	d->tval = scomm_core_alloc(n * sizeof(double));
	d->tj = scomm_core_alloc(n * sizeof(int));
	if (!d->tval || !d->tj)
		return SCOMM_ENOMEM;
	memcpy(d->tval, pn->t, n * sizeof(double));
	qsort(d->tval, n, sizeof(double), DoubleCmp);
	for (i = 0; i < n; i++)
		if (J == 0 || d->tval[i] != d->tval[J - 1])
			d->tval[J++] = d->tval[i];
	if (J > (size_t) INT32_MAX)
		return SCOMM_EINVAL;
	d->ntimes = J;
	for (i = 0; i < n; i++)
	{
		size_t		lo = 0,
					hi = J - 1;

		while (lo < hi)
		{
			size_t		mid = lo + (hi - lo) / 2;

			if (d->tval[mid] < pn->t[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		d->tj[i] = (int) lo;
	}
	return SCOMM_OK;
}

/* The polynomial basis rows of the distinct times. */
static scomm_status
Basis(TrajData *d, double tcenter, double tscale)
{
	size_t		j;
	int			a;

	if (tscale > 0)
	{
		d->tcenter = tcenter;
		d->tscale = tscale;
	}
	else
	{
		double		lo = d->tval[0],
					hi = d->tval[d->ntimes - 1];

		d->tcenter = lo + 0.5 * (hi - lo);
		d->tscale = 0.5 * (hi - lo);
		if (!(d->tscale > 0) || !isfinite(d->tscale) || !isfinite(d->tcenter))
			d->tscale = 1.0;
	}
	d->x = scomm_core_alloc(d->ntimes * d->p * sizeof(double));
	if (d->x == NULL)
		return SCOMM_ENOMEM;
	for (j = 0; j < d->ntimes; j++)
	{
		double		s = (d->tval[j] - d->tcenter) / d->tscale;
		double		v = 1.0;

		for (a = 0; a < d->p; a++, v *= s)
			d->x[j * d->p + a] = v;
	}
	return SCOMM_OK;
}

/* Units: ids and observation ranges. */
static scomm_status
Units(const scomm_traj_panel *pn, TrajData *d)
{
	size_t		i,
				u = 0;

	for (i = 0; i < pn->n; i++)
		if (i == 0 || pn->unit[i] != pn->unit[i - 1])
			u++;
	d->nunits = u;
	d->unit_id = scomm_core_alloc(u * sizeof(int64_t));
	d->ustart = scomm_core_alloc((u + 1) * sizeof(size_t));
	d->ucst = scomm_core_alloc(u * sizeof(double));
	d->usy = scomm_core_alloc(u * d->p * sizeof(double));
	d->upos = scomm_core_alloc(u * sizeof(double));
	if (!d->unit_id || !d->ustart || !d->ucst || !d->usy || !d->upos)
		return SCOMM_ENOMEM;
	for (i = 0, u = 0; i < pn->n; i++)
		if (i == 0 || pn->unit[i] != pn->unit[i - 1])
		{
			d->unit_id[u] = pn->unit[i];
			d->ustart[u++] = i;
		}
	d->ustart[u] = pn->n;
	return SCOMM_OK;
}

/* zip: number the distinct (time, exposure) pairs of the zero observations */
static scomm_status
ZeroCells(TrajData *d)
{
	size_t		o,
				nz = 0,
				c;
	size_t	   *idx,
			   *tmp;

	for (o = 0; o < d->nobs; o++)
		nz += d->cls[o] == TRAJ_OBS_ZERO;
	d->cell_tj = scomm_core_alloc(nz * sizeof(int));
	d->cell_e = scomm_core_alloc(nz * sizeof(double));
	idx = scomm_core_alloc(2 * (nz + 1) * sizeof(size_t));
	if (!d->cell_tj || !d->cell_e || !idx)
	{
		scomm_core_free(idx);
		return SCOMM_ENOMEM;
	}
	tmp = idx + nz + 1;
	for (o = 0, c = 0; o < d->nobs; o++)
		if (d->cls[o] == TRAJ_OBS_ZERO)
			idx[c++] = o;
	/* merge sort of the zero observations by (time, exposure) */
	{
		size_t		width,
					lo,
					i;

		for (width = 1; width < nz; width *= 2)
		{
			for (lo = 0; lo < nz; lo += 2 * width)
			{
				size_t		mid = lo + width < nz ? lo + width : nz;
				size_t		hi = lo + 2 * width < nz ? lo + 2 * width : nz;
				size_t		a = lo,
							b = mid,
							k = lo;

				while (a < mid && b < hi)
				{
					size_t		oa = idx[a],
								ob = idx[b];
					int			after = d->tj[oa] != d->tj[ob] ? d->tj[oa] > d->tj[ob]
						: d->e[oa] > d->e[ob];

					tmp[k++] = after ? idx[b++] : idx[a++];
				}
				while (a < mid)
					tmp[k++] = idx[a++];
				while (b < hi)
					tmp[k++] = idx[b++];
			}
			for (i = 0; i < nz; i++)
				idx[i] = tmp[i];
		}
	}
	d->ncells = 0;
	for (c = 0; c < nz; c++)
	{
		size_t		oi = idx[c];

		if (d->ncells == 0 || d->cell_tj[d->ncells - 1] != d->tj[oi] ||
			d->cell_e[d->ncells - 1] != d->e[oi])
		{
			d->cell_tj[d->ncells] = d->tj[oi];
			d->cell_e[d->ncells] = d->e[oi];
			d->ncells++;
		}
		d->cell[oi] = (int) d->ncells - 1;
	}
	scomm_core_free(idx);
	return SCOMM_OK;
}

/* nbinom, zinb: the distinct positive counts and each observation's index */
static scomm_status
CountCells(TrajData *d)
{
	size_t		o,
				n = 0;

	d->yval = scomm_core_alloc((d->nobs + 1) * sizeof(double));
	d->ycell = scomm_core_alloc((d->nobs + 1) * sizeof(int));
	if (!d->yval || !d->ycell)
		return SCOMM_ENOMEM;
	for (o = 0; o < d->nobs; o++)
		if (d->y[o] > 0)
			d->yval[n++] = d->y[o];
	qsort(d->yval, n, sizeof(double), DoubleCmp);
	d->ny = 0;
	for (o = 0; o < n; o++)
		if (d->ny == 0 || d->yval[o] != d->yval[d->ny - 1])
			d->yval[d->ny++] = d->yval[o];
	if (d->ny > (size_t) INT32_MAX)
		return SCOMM_EINVAL;
	for (o = 0; o < d->nobs; o++)
	{
		size_t		lo = 0,
					hi = d->ny - 1;

		if (!(d->y[o] > 0))
		{
			d->ycell[o] = -1;
			continue;
		}
		while (lo < hi)
		{
			size_t		mid = lo + (hi - lo) / 2;

			if (d->yval[mid] < d->y[o])
				lo = mid + 1;
			else
				hi = mid;
		}
		d->ycell[o] = (int) lo;
	}
	return scomm_traj_nb_prepare(d);
}

/* Observation classes, per-unit constants and sums of y x. */
static scomm_status
Observations(const scomm_traj_panel *pn, TrajData *d)
{
	size_t		i,
				o;
	int			a;

	d->y = scomm_core_alloc(d->nobs * sizeof(double));
	d->e = scomm_core_alloc(d->nobs * sizeof(double));
	d->cls = scomm_core_alloc(d->nobs);
	d->cell = scomm_core_alloc(d->nobs * sizeof(int));
	if (!d->y || !d->e || !d->cls || !d->cell)
		return SCOMM_ENOMEM;
	memcpy(d->y, pn->y, d->nobs * sizeof(double));
	memcpy(d->e, pn->e, d->nobs * sizeof(double));
	for (o = 0; o < d->nobs; o++)
	{
		d->cell[o] = -1;
		if (d->family == SCOMM_TRAJ_CNORM)
			d->cls[o] = d->y[o] <= d->lower ? TRAJ_OBS_LOW :
				d->y[o] >= d->upper ? TRAJ_OBS_HIGH : TRAJ_OBS_MID;
		else
			d->cls[o] = d->y[o] > 0 ? TRAJ_OBS_POS : TRAJ_OBS_ZERO;
	}
	for (i = 0; i < d->nunits; i++)
		for (o = d->ustart[i]; o < d->ustart[i + 1]; o++)
		{
			const double *x = d->x + (size_t) d->tj[o] * d->p;

			if (d->family == SCOMM_TRAJ_CNORM)
			{
				d->upos[i] += d->cls[o] == TRAJ_OBS_MID;
				continue;
			}
			if (d->cls[o] == TRAJ_OBS_ZERO)
				continue;
			d->upos[i] += 1.0;
			d->ucst[i] += d->y[o] * log(d->e[o]) - lgamma(d->y[o] + 1.0);
			for (a = 0; a < d->p; a++)
				d->usy[i * d->p + a] += d->y[o] * x[a];
		}
	if (d->family == SCOMM_TRAJ_ZIP)
		return ZeroCells(d);
	if (d->family == SCOMM_TRAJ_NBINOM || d->family == SCOMM_TRAJ_ZINB)
		return CountCells(d);
	return SCOMM_OK;
}

/* cnorm bounds: as given, or trajeR's defaults min(y) - 1 and max(y) + 1 */
static scomm_status
Bounds(const scomm_traj_panel *pn, TrajData *d, double lower, double upper)
{
	double		lo = INFINITY,
				hi = -INFINITY;
	size_t		o;

	if (d->family != SCOMM_TRAJ_CNORM)
	{
		d->lower = d->upper = NAN;
		return SCOMM_OK;
	}
	for (o = 0; o < pn->n; o++)
	{
		lo = fmin(lo, pn->y[o]);
		hi = fmax(hi, pn->y[o]);
	}
	d->lower = isnan(lower) ? lo - 1.0 : lower;
	d->upper = isnan(upper) ? hi + 1.0 : upper;
	if (!(d->lower < d->upper) || d->lower == INFINITY || d->upper == -INFINITY)
		return SCOMM_EINVAL;
	return SCOMM_OK;
}

/*
 * Prepare the arrays of a sorted, checked panel.  tscale <= 0: scale time
 * from the data (a fit); else use tcenter and tscale (a fitted model).
 */
scomm_status
scomm_traj_data_prepare(const scomm_traj_panel *pn, scomm_traj_family family,
						int K, int degree, double lower, double upper,
						double tcenter, double tscale, TrajData *d)
{
	scomm_status st;

	memset(d, 0, sizeof(*d));
	if (pn == NULL || !pn->sorted)
		return SCOMM_EINVAL;
	if (pn->n == 0)
		return SCOMM_EEMPTY;
	d->family = family;
	d->K = K;
	d->p = degree + 1;
	d->nextra = scomm_traj_nextra(family);
	d->q = d->p + d->nextra;
	d->nobs = pn->n;
	if ((st = Bounds(pn, d, lower, upper)) != SCOMM_OK ||
		(st = Times(pn, d)) != SCOMM_OK ||
		(st = Basis(d, tcenter, tscale)) != SCOMM_OK ||
		(st = Units(pn, d)) != SCOMM_OK ||
		(st = Observations(pn, d)) != SCOMM_OK)
	{
		scomm_traj_data_free(d);
		return st;
	}
	return SCOMM_OK;
}

int
scomm_traj_npar(const TrajData *d)
{
	return d->K * d->q + (d->K - 1) * (d->ncov + 1);
}

scomm_status
scomm_traj_panel_with_covariates(const scomm_traj_panel *p,
								 scomm_traj_panel **out, size_t *left)
{
	scomm_traj_panel *c = NULL;
	scomm_status st;
	size_t		i = 0,
				j;

	*out = NULL;
	*left = 0;
	if (p == NULL || !p->sorted)
		return SCOMM_EINVAL;
	if ((st = scomm_traj_panel_create(&c)) != SCOMM_OK)
		return st;
	while (i < p->n)
	{
		const double *x = NULL;
		int			missing = 1;

		for (j = i; j < p->n && p->unit[j] == p->unit[i]; j++)
			;
		if (scomm_traj_panel_find_covariates(p, p->unit[i], &x, &missing) == SCOMM_OK &&
			!missing && x != NULL)
		{
			if ((st = scomm_traj_panel_reserve(c, c->n + (j - i))) != SCOMM_OK)
			{
				scomm_traj_panel_free(c);
				return st;
			}
			memcpy(c->unit + c->n, p->unit + i, (j - i) * sizeof(int64_t));
			memcpy(c->t + c->n, p->t + i, (j - i) * sizeof(double));
			memcpy(c->y + c->n, p->y + i, (j - i) * sizeof(double));
			memcpy(c->e + c->n, p->e + i, (j - i) * sizeof(double));
			c->n += j - i;
		}
		else
			(*left)++;
		i = j;
	}
	c->sorted = 1;
	*out = c;
	return SCOMM_OK;
}

scomm_status
scomm_traj_data_covariates(TrajData *d, const scomm_traj_panel *cov, int ncov,
						   const double *center, const double *scale)
{
	size_t		i;
	int			c;

	if (ncov < 1 || ncov > SCOMM_TRAJ_MAX_COVARIATES || cov == NULL ||
		cov->ncov != ncov)
		return SCOMM_EINVAL;
	d->ncov = ncov;
	d->ux = scomm_core_alloc(d->nunits * ncov * sizeof(double));
	d->xcenter = scomm_core_alloc(ncov * sizeof(double));
	d->xscale = scomm_core_alloc(ncov * sizeof(double));
	if (!d->ux || !d->xcenter || !d->xscale)
		return SCOMM_ENOMEM;
	for (i = 0; i < d->nunits; i++)
	{
		const double *x = NULL;
		int			missing = 1;

		if (scomm_traj_panel_find_covariates(cov, d->unit_id[i], &x, &missing) != SCOMM_OK ||
			missing || x == NULL)
			return SCOMM_EINVAL;
		memcpy(d->ux + i * ncov, x, ncov * sizeof(double));
	}
	for (c = 0; c < ncov; c++)
	{
		double		m = 0.0,
					v = 0.0;

		if (center != NULL)
		{
			d->xcenter[c] = center[c];
			d->xscale[c] = scale[c];
		}
		else
		{
			for (i = 0; i < d->nunits; i++)
				m += d->ux[i * ncov + c];
			m /= d->nunits;
			for (i = 0; i < d->nunits; i++)
				v += (d->ux[i * ncov + c] - m) * (d->ux[i * ncov + c] - m);
			v = sqrt(v / d->nunits);
			if (!(v > 1e-12 * fmax(1.0, fabs(m))) || !isfinite(v))
				return SCOMM_EINVAL;	/* constant over the units */
			d->xcenter[c] = m;
			d->xscale[c] = v;
		}
		for (i = 0; i < d->nunits; i++)
			d->ux[i * ncov + c] = (d->ux[i * ncov + c] - d->xcenter[c]) / d->xscale[c];
	}
	return SCOMM_OK;
}

void
scomm_traj_work_free(TrajWork *w)
{
	scomm_core_free(w->par);
	scomm_core_free(w->share);
	scomm_core_free(w->logshare);
	scomm_core_free(w->post);
	scomm_core_free(w->lf);
	scomm_core_free(w->tab);
	scomm_core_free(w->ck);
	scomm_core_free(w->stat);
	scomm_core_free(w->grad);
	scomm_core_free(w->hess);
	scomm_core_free(w->step);
	scomm_core_free(w->trial);
	scomm_core_free(w->ug);
	scomm_core_free(w->gamma);
	scomm_core_free(w->gamma_keep);
	scomm_core_free(w->lpri);
	scomm_mlogit_work_free(w->mw);
	memset(w, 0, sizeof(*w));
}

scomm_status
scomm_traj_work_alloc(const TrajData *d, TrajWork *w)
{
	size_t		K = d->K,
				np = scomm_traj_npar(d);

	memset(w, 0, sizeof(*w));
	w->nstat = scomm_traj_nstat(d);
	w->par = scomm_core_alloc(K * d->q * sizeof(double));
	w->share = scomm_core_alloc(K * sizeof(double));
	w->logshare = scomm_core_alloc(K * sizeof(double));
	w->post = scomm_core_alloc(d->nunits * K * sizeof(double));
	w->lf = scomm_core_alloc(d->nunits * K * sizeof(double));
	w->tab = scomm_core_alloc(K * d->ntimes * 3 * sizeof(double));
	w->ck = scomm_core_alloc((K * scomm_traj_ncache(d) + 1) * sizeof(double));
	w->stat = scomm_core_alloc(K * w->nstat * sizeof(double));
	w->grad = scomm_core_alloc(np * sizeof(double));
	w->hess = scomm_core_alloc(np * np * sizeof(double));
	w->step = scomm_core_alloc(np * sizeof(double));
	w->trial = scomm_core_alloc((K * d->q + K) * sizeof(double));
	w->ug = scomm_core_alloc((K * d->q + np) * sizeof(double));
	if (!w->par || !w->share || !w->logshare || !w->post || !w->lf ||
		!w->tab || !w->ck || !w->stat || !w->grad || !w->hess || !w->step ||
		!w->trial || !w->ug)
	{
		scomm_traj_work_free(w);
		return SCOMM_ENOMEM;
	}
	if (d->ncov > 0 && K > 1)
	{
		scomm_status st;

		w->ngamma = (int) (K - 1) * (d->ncov + 1);
		w->gamma = scomm_core_alloc(w->ngamma * sizeof(double));
		w->gamma_keep = scomm_core_alloc(w->ngamma * sizeof(double));
		w->lpri = scomm_core_alloc(d->nunits * K * sizeof(double));
		if (!w->gamma || !w->gamma_keep || !w->lpri)
		{
			scomm_traj_work_free(w);
			return SCOMM_ENOMEM;
		}
		if ((st = scomm_mlogit_work_create((int) K, d->ncov, &w->mw)) != SCOMM_OK)
		{
			scomm_traj_work_free(w);
			return st;
		}
	}
	return SCOMM_OK;
}
