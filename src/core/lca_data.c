/*
 * lca_data.c: turn a pattern table into the arrays the EM fit works on.
 *
 * Patterns are taken in canonical order, so sums (and the fit) never depend
 * on insertion order.  Patterns with no observed item are dropped and counted
 * (with covariates they are kept aside as units whose posterior is their
 * prior, as poLCA keeps them); each remaining pattern keeps only its
 * observed answers, as slots into the flat category vector of one class.
 */
#include <string.h>

#include "lca_int.h"
#include "mlogit.h"

/* Count used patterns and observed answers; check every item is observed. */
static scomm_status
CountUsed(const scomm_lca_table *t, LcaData *d, size_t *nobs)
{
	size_t		i;
	int			j;

	*nobs = 0;
	d->npat = 0;
	d->nempty = 0;
	for (i = 0; i < t->n; i++)
	{
		size_t		k = 0;

		for (j = 0; j < t->nitems; j++)
			k += LCA_PATTERN(t, i)[j] != 0;
		if (k > 0)
			d->npat++;
		else
			d->nempty++;
		*nobs += k;
	}
	if (d->ncov == 0)
		d->nempty = 0;
	if (d->npat == 0)
		return SCOMM_EEMPTY;
	for (j = 0; j < t->nitems; j++)
		if (t->maxcat[j] == 0)
			return SCOMM_EINVAL;
	return SCOMM_OK;
}

/* Allocate the arrays of d once its sizes are known. */
static scomm_status
AllocData(LcaData *d, size_t nobs)
{
	d->ncat = scomm_core_alloc(d->nitems * sizeof(int));
	d->off = scomm_core_alloc(d->nitems * sizeof(int));
	d->w = scomm_core_alloc(d->npat * sizeof(double));
	d->start = scomm_core_alloc((d->npat + 1) * sizeof(size_t));
	d->idx = scomm_core_alloc(nobs * sizeof(int));
	d->complete = scomm_core_alloc(d->npat);
	if (!d->ncat || !d->off || !d->w || !d->start || !d->idx || !d->complete)
		return SCOMM_ENOMEM;
	if (d->ncov > 0)
	{
		d->x = scomm_core_alloc(d->npat * d->ncov * sizeof(double));
		d->w_empty = scomm_core_alloc(d->nempty * sizeof(double));
		d->x_empty = scomm_core_alloc(d->nempty * d->ncov * sizeof(double));
		if (!d->x || !d->w_empty || !d->x_empty)
			return SCOMM_ENOMEM;
	}
	return SCOMM_OK;
}

/* Fill the used patterns from the table in canonical order. */
static void
FillPatterns(const scomm_lca_table *t, const size_t *order, LcaData *d)
{
	size_t		i,
				p = 0,
				e = 0,
				k = 0;
	int			j;

	for (i = 0; i < t->n; i++)
	{
		const uint8_t *pat = LCA_PATTERN(t, order[i]);
		double		c = t->count[order[i]];
		size_t		k0 = k;

		for (j = 0; j < t->nitems; j++)
			if (pat[j] != 0)
				d->idx[k++] = d->off[j] + pat[j] - 1;
		if (k == k0 && d->ncov > 0)
		{
			scomm_lca_table_get_cov(t, order[i], d->x_empty + e * d->ncov);
			d->w_empty[e++] = c;
			d->n_empty += c;
			continue;
		}
		if (k == k0)
		{
			d->n_dropped += c;
			continue;
		}
		if (d->ncov > 0)
			scomm_lca_table_get_cov(t, order[i], d->x + p * d->ncov);
		d->start[p] = k0;
		d->w[p] = c;
		d->complete[p] = (k - k0 == (size_t) t->nitems);
		d->n_used += c;
		if (d->complete[p])
			d->n_complete += c;
		p++;
	}
	d->start[p] = k;
}

/* Prepare the EM data of table t for nclass classes. */
scomm_status
scomm_lca_data_prepare(const scomm_lca_table *t, int nclass, LcaData *d)
{
	size_t		nobs;
	size_t	   *order = NULL;
	int			j;
	scomm_status st;

	memset(d, 0, sizeof(*d));
	d->nitems = t->nitems;
	d->nclass = nclass;
	d->ncov = t->ncov;
	if ((st = CountUsed(t, d, &nobs)) != SCOMM_OK)
		return st;
	if ((st = AllocData(d, nobs)) != SCOMM_OK ||
		(st = scomm_lca_table_sorted_index(t, &order)) != SCOMM_OK)
	{
		scomm_lca_data_free(d);
		return st;
	}
	for (j = 0; j < d->nitems; j++)
	{
		d->ncat[j] = t->maxcat[j];
		d->off[j] = d->ncat_total;
		d->ncat_total += d->ncat[j];
	}
	FillPatterns(t, order, d);
	d->n_dropped += t->skipped;
	scomm_core_free(order);
	return SCOMM_OK;
}

/* Free the arrays of d (not d itself). */
void
scomm_lca_data_free(LcaData *d)
{
	scomm_core_free(d->ncat);
	scomm_core_free(d->off);
	scomm_core_free(d->w);
	scomm_core_free(d->start);
	scomm_core_free(d->idx);
	scomm_core_free(d->complete);
	scomm_core_free(d->x);
	scomm_core_free(d->w_empty);
	scomm_core_free(d->x_empty);
	memset(d, 0, sizeof(*d));
}

/* Allocate the scratch space of an EM run. */
scomm_status
scomm_lca_work_alloc(const LcaData *d, LcaWork *w)
{
	size_t		rt = (size_t) d->nclass * d->ncat_total;
	int			i;

	w->logp = scomm_core_alloc(rt * sizeof(double));
	w->num = scomm_core_alloc(2 * rt * sizeof(double));	/* + probabilities */
	w->logshare = scomm_core_alloc(d->nclass * sizeof(double));
	w->post = scomm_core_alloc(d->nclass * sizeof(double));
	w->wsum = scomm_core_alloc(d->nclass * sizeof(double));
	if (!w->logp || !w->num || !w->logshare || !w->post || !w->wsum)
	{
		scomm_lca_work_free(w);
		return SCOMM_ENOMEM;
	}
	if (LCA_HAS_COV(d))
	{
		scomm_status st;

		w->postall = scomm_core_alloc(d->npat * d->nclass * sizeof(double));
		st = w->postall == NULL ? SCOMM_ENOMEM :
			scomm_mlogit_work_create(d->nclass, d->ncov, &w->mw);
		if (st != SCOMM_OK)
		{
			scomm_lca_work_free(w);
			return st;
		}
	}
	for (i = 0; i < 3; i++)
		if (scomm_lca_params_alloc(d, &w->sq[i]) != SCOMM_OK)
		{
			scomm_lca_work_free(w);
			return SCOMM_ENOMEM;
		}
	return SCOMM_OK;
}

/* Free the scratch space. */
void
scomm_lca_work_free(LcaWork *w)
{
	int			i;

	scomm_core_free(w->logp);
	scomm_core_free(w->num);
	scomm_core_free(w->logshare);
	scomm_core_free(w->post);
	scomm_core_free(w->wsum);
	scomm_core_free(w->postall);
	scomm_mlogit_work_free(w->mw);
	for (i = 0; i < 3; i++)
		scomm_lca_params_free(&w->sq[i]);
	memset(w, 0, sizeof(*w));
}

/* Allocate the arrays of one point of the fit. */
scomm_status
scomm_lca_params_alloc(const LcaData *d, LcaParams *p)
{
	memset(p, 0, sizeof(*p));
	p->share = scomm_core_alloc(d->nclass * sizeof(double));
	p->probs = scomm_core_alloc((size_t) d->nclass * d->ncat_total * sizeof(double));
	if (LCA_HAS_COV(d))
		p->beta = scomm_core_alloc(LCA_NBETA(d) * sizeof(double));
	if (!p->share || !p->probs || (LCA_HAS_COV(d) && !p->beta))
	{
		scomm_lca_params_free(p);
		return SCOMM_ENOMEM;
	}
	return SCOMM_OK;
}

void
scomm_lca_params_free(LcaParams *p)
{
	scomm_core_free(p->share);
	scomm_core_free(p->beta);
	scomm_core_free(p->probs);
	memset(p, 0, sizeof(*p));
}

void
scomm_lca_params_copy(const LcaData *d, const LcaParams *from, LcaParams *to)
{
	if (from == to)
		return;
	memcpy(to->share, from->share, d->nclass * sizeof(double));
	memcpy(to->probs, from->probs, (size_t) d->nclass * d->ncat_total * sizeof(double));
	if (LCA_HAS_COV(d))
		memcpy(to->beta, from->beta, LCA_NBETA(d) * sizeof(double));
}
