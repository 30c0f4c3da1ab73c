/*
 * traj_panel.c: the panel collector of the trajectory models: observations
 * (unit, t, y, exposure) appended, merged, copied, put in canonical order and
 * checked against a family.
 *
 * A panel is a multiset: two panels are equal when they hold the same
 * observations in any order.  The canonical order sorts by unit, then t, y
 * and exposure (all finite; -0 is stored as 0), which gives every panel
 * exactly one encoding of each kind.
 *
 * Covariates of membership are kept once per unit (a record: the unit, its
 * values or "missing"), found through a hash of the units, so that every
 * row of a unit can be checked against the first as it arrives.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sort.h"
#include "traj_int.h"

static const char *const family_names[SCOMM_TRAJ_NFAMILIES] =
{"poisson", "zip", "cnorm", "nbinom", "zinb"};

const char *
scomm_traj_family_name(scomm_traj_family f)
{
	if ((int) f < 0 || (int) f >= SCOMM_TRAJ_NFAMILIES)
		return "unknown";
	return family_names[f];
}

/* The family named exactly s[0..len). */
scomm_status
scomm_traj_family_parse(const char *s, size_t len, scomm_traj_family *f)
{
	int			i;

	if (s == NULL || f == NULL)
		return SCOMM_EINVAL;
	for (i = 0; i < SCOMM_TRAJ_NFAMILIES; i++)
		if (strlen(family_names[i]) == len && memcmp(s, family_names[i], len) == 0)
		{
			*f = (scomm_traj_family) i;
			return SCOMM_OK;
		}
	return SCOMM_EINVAL;
}

scomm_status
scomm_traj_panel_create(scomm_traj_panel **out)
{
	scomm_traj_panel *p;

	if (out == NULL)
		return SCOMM_EINVAL;
	*out = NULL;
	p = scomm_core_alloc(sizeof(*p));
	if (p == NULL)
		return SCOMM_ENOMEM;
	p->sorted = 1;
	p->csorted = 1;
	*out = p;
	return SCOMM_OK;
}

void
scomm_traj_panel_free(scomm_traj_panel *p)
{
	if (p == NULL)
		return;
	scomm_core_free(p->unit);
	scomm_core_free(p->t);
	scomm_core_free(p->y);
	scomm_core_free(p->e);
	scomm_core_free(p->cu);
	scomm_core_free(p->cmiss);
	scomm_core_free(p->cx);
	scomm_core_free(p->hash);
	scomm_core_free(p);
}

/* Grow the arrays to hold at least n observations. */
scomm_status
scomm_traj_panel_reserve(scomm_traj_panel *p, size_t n)
{
	size_t		cap = p->cap ? p->cap : 16;
	int64_t    *u;
	double	   *t,
			   *y,
			   *e;

	if (n <= p->cap)
		return SCOMM_OK;
	while (cap < n)
	{
		if (cap > SIZE_MAX / 2 / sizeof(double))
			return SCOMM_ENOMEM;
		cap *= 2;
	}
	u = scomm_core_alloc(cap * sizeof(int64_t));
	t = scomm_core_alloc(cap * sizeof(double));
	y = scomm_core_alloc(cap * sizeof(double));
	e = scomm_core_alloc(cap * sizeof(double));
	if (!u || !t || !y || !e)
	{
		scomm_core_free(u);
		scomm_core_free(t);
		scomm_core_free(y);
		scomm_core_free(e);
		return SCOMM_ENOMEM;
	}
	if (p->n > 0)
	{
		memcpy(u, p->unit, p->n * sizeof(int64_t));
		memcpy(t, p->t, p->n * sizeof(double));
		memcpy(y, p->y, p->n * sizeof(double));
		memcpy(e, p->e, p->n * sizeof(double));
	}
	scomm_core_free(p->unit);
	scomm_core_free(p->t);
	scomm_core_free(p->y);
	scomm_core_free(p->e);
	p->unit = u;
	p->t = t;
	p->y = y;
	p->e = e;
	p->cap = cap;
	return SCOMM_OK;
}

/* Order of two observations: unit, then t, y, exposure. */
int
scomm_traj_obs_cmp(int64_t ua, double ta, double ya, double ea,
				   int64_t ub, double tb, double yb, double eb)
{
	if (ua != ub)
		return ua < ub ? -1 : 1;
	if (ta != tb)
		return ta < tb ? -1 : 1;
	if (ya != yb)
		return ya < yb ? -1 : 1;
	if (ea != eb)
		return ea < eb ? -1 : 1;
	return 0;
}

/* Nonzero when observation i of p sorts after observation j. */
static int
After(const scomm_traj_panel *p, size_t i, size_t j)
{
	return scomm_traj_obs_cmp(p->unit[i], p->t[i], p->y[i], p->e[i],
							  p->unit[j], p->t[j], p->y[j], p->e[j]) > 0;
}

/* Append one observation: t and y finite, exposure finite and > 0. */
scomm_status
scomm_traj_panel_add(scomm_traj_panel *p, int64_t unit, double t, double y,
					 double exposure)
{
	scomm_status st;

	if (p == NULL || !isfinite(t) || !isfinite(y) || !isfinite(exposure) ||
		exposure <= 0.0)
		return SCOMM_EINVAL;
	if ((st = scomm_traj_panel_reserve(p, p->n + 1)) != SCOMM_OK)
		return st;
	p->unit[p->n] = unit;
	p->t[p->n] = t + 0.0;		/* -0 becomes 0 */
	p->y[p->n] = y + 0.0;
	p->e[p->n] = exposure;
	if (p->n > 0 && After(p, p->n - 1, p->n))
		p->sorted = 0;
	p->n++;
	return SCOMM_OK;
}

/* ---- covariate records ---- */

static size_t
HashOf(int64_t u)
{
	uint64_t	x = (uint64_t) u * UINT64_C(0x9E3779B97F4A7C15);

	return (size_t) (x ^ (x >> 29));
}

/* Grow the record arrays to hold at least n records. */
scomm_status
scomm_traj_panel_reserve_records(scomm_traj_panel *p, size_t n)
{
	size_t		cap = p->ccap ? p->ccap : 16;
	int64_t    *u;
	unsigned char *mi;
	double	   *x = NULL;

	if (n <= p->ccap)
		return SCOMM_OK;
	while (cap < n)
	{
		if (cap > SIZE_MAX / 4 / (sizeof(double) * (SCOMM_TRAJ_MAX_COVARIATES + 1)))
			return SCOMM_ENOMEM;
		cap *= 2;
	}
	u = scomm_core_alloc(cap * sizeof(int64_t));
	mi = scomm_core_alloc(cap);
	if (p->ncov > 0)
		x = scomm_core_alloc(cap * p->ncov * sizeof(double));
	if (!u || !mi || (p->ncov > 0 && !x))
	{
		scomm_core_free(u);
		scomm_core_free(mi);
		scomm_core_free(x);
		return SCOMM_ENOMEM;
	}
	if (p->nc > 0)
	{
		memcpy(u, p->cu, p->nc * sizeof(int64_t));
		memcpy(mi, p->cmiss, p->nc);
		if (p->ncov > 0)
			memcpy(x, p->cx, p->nc * p->ncov * sizeof(double));
	}
	scomm_core_free(p->cu);
	scomm_core_free(p->cmiss);
	scomm_core_free(p->cx);
	p->cu = u;
	p->cmiss = mi;
	p->cx = x;
	p->ccap = cap;
	return SCOMM_OK;
}

/* (Re)build the hash of the record units. */
static scomm_status
BuildHash(scomm_traj_panel *p)
{
	size_t		cap = 16,
				i;

	while (cap < 2 * p->nc + 2)
		cap *= 2;
	scomm_core_free(p->hash);
	p->hash = scomm_core_alloc(cap * sizeof(size_t));
	p->hcap = 0;
	if (p->hash == NULL)
		return SCOMM_ENOMEM;
	p->hcap = cap;
	for (i = 0; i < p->nc; i++)
	{
		size_t		h = HashOf(p->cu[i]) & (cap - 1);

		while (p->hash[h] != 0)
			h = (h + 1) & (cap - 1);
		p->hash[h] = i + 1;
	}
	return SCOMM_OK;
}

/* Index of the record of unit u, or SIZE_MAX; the hash must be current. */
static size_t
FindRecord(const scomm_traj_panel *p, int64_t u)
{
	size_t		h;

	if (p->hcap == 0)
		return SIZE_MAX;
	for (h = HashOf(u) & (p->hcap - 1); p->hash[h] != 0; h = (h + 1) & (p->hcap - 1))
		if (p->cu[p->hash[h] - 1] == u)
			return p->hash[h] - 1;
	return SIZE_MAX;
}

/* Append a record (room reserved; values copied when not missing). */
void
scomm_traj_panel_push_record(scomm_traj_panel *p, int64_t unit,
							 const double *x, int missing)
{
	int			j;

	if (p->nc > 0 && unit < p->cu[p->nc - 1])
		p->csorted = 0;
	p->cu[p->nc] = unit;
	p->cmiss[p->nc] = missing ? 1 : 0;
	for (j = 0; j < p->ncov; j++)
		p->cx[p->nc * p->ncov + j] = missing ? 0.0 : x[j] + 0.0;
	p->nc++;
}

static scomm_status
CovError(scomm_traj_panel *p, int64_t unit, const char *why, const char **out)
{
	p->err_unit = unit;
	p->err_why = why;
	if (out)
		*out = why;
	return SCOMM_EINVAL;
}

scomm_status
scomm_traj_panel_set_covariates(scomm_traj_panel *p, int64_t unit,
								const double *x, int ncov, const char **why)
{
	size_t		r;
	int			j;
	scomm_status st;

	if (why)
		*why = NULL;
	if (p == NULL)
		return SCOMM_EINVAL;
	if (x != NULL)
	{
		if (ncov < 1 || ncov > SCOMM_TRAJ_MAX_COVARIATES)
			return CovError(p, unit, "a unit needs 1 to 20 covariates", why);
		for (j = 0; j < ncov; j++)
			if (!isfinite(x[j]) || fabs(x[j]) > SCOMM_TRAJ_MAX_COVARIATE)
				return CovError(p, unit, "covariates must be finite (at most 1e15 in absolute value)", why);
		if (p->ncov == 0)
		{
			/* the first vector fixes the count; earlier records are all missing */
			double	   *cx = scomm_core_alloc((p->ccap + 1) * ncov * sizeof(double));

			if (cx == NULL)
				return SCOMM_ENOMEM;
			scomm_core_free(p->cx);
			p->cx = cx;
			p->ncov = ncov;
		}
		else if (p->ncov != ncov)
			return CovError(p, unit, "every unit needs the same number of covariates", why);
	}
	if (p->hcap == 0 && (st = BuildHash(p)) != SCOMM_OK)
		return st;
	r = FindRecord(p, unit);
	if (r != SIZE_MAX)
	{
		if (p->cmiss[r])
			return SCOMM_OK;	/* missing stays missing */
		if (x == NULL)
		{
			p->cmiss[r] = 1;
			memset(p->cx + r * p->ncov, 0, p->ncov * sizeof(double));
			return SCOMM_OK;
		}
		for (j = 0; j < ncov; j++)
			if (p->cx[r * ncov + j] != x[j] + 0.0)
				return CovError(p, unit, "the covariates of a unit differ between its rows", why);
		return SCOMM_OK;
	}
	if ((st = scomm_traj_panel_reserve_records(p, p->nc + 1)) != SCOMM_OK)
		return st;
	scomm_traj_panel_push_record(p, unit, x, x == NULL);
	if (2 * p->nc + 2 > p->hcap)
		return BuildHash(p);
	{
		size_t		h = HashOf(unit) & (p->hcap - 1);

		while (p->hash[h] != 0)
			h = (h + 1) & (p->hcap - 1);
		p->hash[h] = p->nc;
	}
	return SCOMM_OK;
}

int
scomm_traj_panel_ncov(const scomm_traj_panel *p)
{
	return p ? p->ncov : 0;
}

size_t
scomm_traj_panel_ncovunits(const scomm_traj_panel *p)
{
	return p ? p->nc : 0;
}

scomm_status
scomm_traj_panel_get_covariates(const scomm_traj_panel *p, size_t i,
								int64_t *unit, const double **x, int *missing)
{
	if (p == NULL || i >= p->nc)
		return SCOMM_EINVAL;
	if (unit)
		*unit = p->cu[i];
	if (x)
		*x = p->cmiss[i] || p->ncov == 0 ? NULL : p->cx + i * p->ncov;
	if (missing)
		*missing = p->cmiss[i];
	return SCOMM_OK;
}

scomm_status
scomm_traj_panel_find_covariates(const scomm_traj_panel *p, int64_t unit,
								 const double **x, int *missing)
{
	size_t		r;

	if (p == NULL)
		return SCOMM_EINVAL;
	if (p->hcap == 0 && p->nc > 0 && BuildHash((scomm_traj_panel *) p) != SCOMM_OK)
		return SCOMM_ENOMEM;
	r = FindRecord(p, unit);
	if (r == SIZE_MAX)
		return SCOMM_EINVAL;
	return scomm_traj_panel_get_covariates(p, r, NULL, x, missing);
}

/* the unit and reason of the last covariate error of p (set_covariates, merge) */
scomm_status
scomm_traj_panel_last_error(const scomm_traj_panel *p, int64_t *unit,
							const char **why)
{
	if (p == NULL || p->err_why == NULL)
		return SCOMM_EINVAL;
	if (unit)
		*unit = p->err_unit;
	if (why)
		*why = p->err_why;
	return SCOMM_OK;
}

/* Sort the records by unit (stable merge sort of an index). */
static scomm_status
SortRecords(scomm_traj_panel *p)
{
	size_t	   *idx,
			   *tmp,
				width,
				lo,
				i;
	scomm_traj_panel t = {0};
	scomm_status st;

	if (p->csorted || p->nc == 0)
	{
		p->csorted = 1;
		return SCOMM_OK;
	}
	idx = scomm_core_alloc(2 * p->nc * sizeof(size_t));
	if (idx == NULL)
		return SCOMM_ENOMEM;
	tmp = idx + p->nc;
	for (i = 0; i < p->nc; i++)
		idx[i] = i;
	for (width = 1; width < p->nc; width *= 2)
	{
		for (lo = 0; lo < p->nc; lo += 2 * width)
		{
			size_t		mid = lo + width < p->nc ? lo + width : p->nc;
			size_t		hi = lo + 2 * width < p->nc ? lo + 2 * width : p->nc;
			size_t		a = lo,
						b = mid,
						k = lo;

			while (a < mid && b < hi)
				tmp[k++] = p->cu[idx[b]] < p->cu[idx[a]] ? idx[b++] : idx[a++];
			while (a < mid)
				tmp[k++] = idx[a++];
			while (b < hi)
				tmp[k++] = idx[b++];
		}
		for (i = 0; i < p->nc; i++)
			idx[i] = tmp[i];
	}
	t.ncov = p->ncov;
	if ((st = scomm_traj_panel_reserve_records(&t, p->nc)) != SCOMM_OK)
	{
		scomm_core_free(idx);
		return st;
	}
	for (i = 0; i < p->nc; i++)
		scomm_traj_panel_push_record(&t, p->cu[idx[i]],
									 p->ncov ? p->cx + idx[i] * p->ncov : NULL,
									 p->cmiss[idx[i]]);
	scomm_core_free(idx);
	scomm_core_free(p->cu);
	scomm_core_free(p->cmiss);
	scomm_core_free(p->cx);
	scomm_core_free(p->hash);
	p->cu = t.cu;
	p->cmiss = t.cmiss;
	p->cx = t.cx;
	p->ccap = t.ccap;
	p->hash = NULL;
	p->hcap = 0;
	p->csorted = 1;
	return SCOMM_OK;
}

/* Append every observation of src to dst. */
scomm_status
scomm_traj_panel_merge(scomm_traj_panel *dst, const scomm_traj_panel *src)
{
	scomm_status st;
	size_t		n0,
				r;

	if (dst == NULL || src == NULL || dst == src)
		return SCOMM_EINVAL;
	for (r = 0; r < src->nc; r++)
	{
		st = scomm_traj_panel_set_covariates(dst, src->cu[r],
											 src->cmiss[r] ? NULL : src->cx + r * src->ncov,
											 src->ncov, NULL);
		if (st != SCOMM_OK)
			return st;
	}
	if (src->n == 0)
		return SCOMM_OK;
	if (src->n > SIZE_MAX / 2 - dst->n)
		return SCOMM_ENOMEM;
	if ((st = scomm_traj_panel_reserve(dst, dst->n + src->n)) != SCOMM_OK)
		return st;
	n0 = dst->n;
	memcpy(dst->unit + n0, src->unit, src->n * sizeof(int64_t));
	memcpy(dst->t + n0, src->t, src->n * sizeof(double));
	memcpy(dst->y + n0, src->y, src->n * sizeof(double));
	memcpy(dst->e + n0, src->e, src->n * sizeof(double));
	dst->n += src->n;
	if (!src->sorted || (n0 > 0 && After(dst, n0 - 1, n0)))
		dst->sorted = 0;
	return SCOMM_OK;
}

scomm_status
scomm_traj_panel_copy(const scomm_traj_panel *src, scomm_traj_panel **out)
{
	scomm_status st;

	if (out == NULL)
		return SCOMM_EINVAL;
	*out = NULL;
	if (src == NULL)
		return SCOMM_EINVAL;
	if ((st = scomm_traj_panel_create(out)) != SCOMM_OK)
		return st;
	if ((st = scomm_traj_panel_merge(*out, src)) != SCOMM_OK)
	{
		scomm_traj_panel_free(*out);
		*out = NULL;
		return st;
	}
	(*out)->sorted = src->sorted;
	(*out)->csorted = src->csorted;
	return SCOMM_OK;
}

/* scomm_sort_index's order: After on the observations idx points to */
static int
IndexAfter(size_t a, size_t b, const void *ctx)
{
	return After(ctx, a, b);
}

/* Put the storage in canonical order. */
scomm_status
scomm_traj_panel_sort(scomm_traj_panel *p)
{
	size_t	   *idx;
	size_t		i;
	scomm_traj_panel tmp = {0};
	scomm_status st;

	if (p == NULL)
		return SCOMM_EINVAL;
	if ((st = SortRecords(p)) != SCOMM_OK)
		return st;
	if (p->sorted)
		return SCOMM_OK;
	idx = scomm_core_alloc(2 * p->n * sizeof(size_t));
	if (idx == NULL)
		return SCOMM_ENOMEM;
	if ((st = scomm_traj_panel_reserve(&tmp, p->n)) != SCOMM_OK)
	{
		scomm_core_free(idx);
		return st;
	}
	for (i = 0; i < p->n; i++)
		idx[i] = i;
	scomm_sort_index(idx, idx + p->n, p->n, IndexAfter, p);
	for (i = 0; i < p->n; i++)
	{
		tmp.unit[i] = p->unit[idx[i]];
		tmp.t[i] = p->t[idx[i]];
		tmp.y[i] = p->y[idx[i]];
		tmp.e[i] = p->e[idx[i]];
	}
	scomm_core_free(idx);
	scomm_core_free(p->unit);
	scomm_core_free(p->t);
	scomm_core_free(p->y);
	scomm_core_free(p->e);
	p->unit = tmp.unit;
	p->t = tmp.t;
	p->y = tmp.y;
	p->e = tmp.e;
	p->cap = tmp.cap;
	p->sorted = 1;
	return SCOMM_OK;
}

size_t
scomm_traj_panel_nobs(const scomm_traj_panel *p)
{
	return p ? p->n : 0;
}

/* Observation i in storage order (canonical after a sort). */
scomm_status
scomm_traj_panel_get(const scomm_traj_panel *p, size_t i, int64_t *unit,
					 double *t, double *y, double *exposure)
{
	if (p == NULL || i >= p->n)
		return SCOMM_EINVAL;
	if (unit)
		*unit = p->unit[i];
	if (t)
		*t = p->t[i];
	if (y)
		*y = p->y[i];
	if (exposure)
		*exposure = p->e[i];
	return SCOMM_OK;
}

/*
 * Nonzero when the sorted panels a and b hold the same covariates: the
 * same units missing them, the same values for the others (a panel whose
 * units all lack covariates may have no covariate array at all).
 */
static int
CovariatesEqual(const scomm_traj_panel *a, const scomm_traj_panel *b)
{
	size_t		i;

	if (memcmp(a->cmiss, b->cmiss, a->nc) != 0)
		return 0;
	for (i = 0; i < a->nc; i++)
	{
		if (a->cmiss[i])
			continue;
		if (a->cx == NULL || b->cx == NULL ||
			memcmp(a->cx + i * a->ncov, b->cx + i * a->ncov, a->ncov * sizeof(double)) != 0)
			return 0;
	}
	return 1;
}

/* Nonzero when a and b hold the same observations (sorting both). */
int
scomm_traj_panel_equal(const scomm_traj_panel *a, const scomm_traj_panel *b)
{
	scomm_traj_panel *ca = NULL,
			   *cb = NULL;
	int			eq = 0;

	if (a == NULL || b == NULL || a->n != b->n || a->nc != b->nc || a->ncov != b->ncov)
		return 0;
	if (scomm_traj_panel_copy(a, &ca) == SCOMM_OK &&
		scomm_traj_panel_copy(b, &cb) == SCOMM_OK &&
		scomm_traj_panel_sort(ca) == SCOMM_OK &&
		scomm_traj_panel_sort(cb) == SCOMM_OK)
		eq = (a->n == 0 ||
			  (memcmp(ca->unit, cb->unit, a->n * sizeof(int64_t)) == 0 &&
			   memcmp(ca->t, cb->t, a->n * sizeof(double)) == 0 &&
			   memcmp(ca->y, cb->y, a->n * sizeof(double)) == 0 &&
			   memcmp(ca->e, cb->e, a->n * sizeof(double)) == 0)) &&
			(a->nc == 0 ||
			 (memcmp(ca->cu, cb->cu, a->nc * sizeof(int64_t)) == 0 &&
			  (a->ncov == 0 ? memcmp(ca->cmiss, cb->cmiss, a->nc) == 0
			   : CovariatesEqual(ca, cb))));
	scomm_traj_panel_free(ca);
	scomm_traj_panel_free(cb);
	return eq;
}

/* Reason observation i cannot be fitted with family f, or NULL. */
static const char *
BadObservation(const scomm_traj_panel *p, size_t i, scomm_traj_family f)
{
	if (i > 0 && p->unit[i] == p->unit[i - 1] && p->t[i] == p->t[i - 1])
		return "a unit has two observations at the same time";
	if (f == SCOMM_TRAJ_CNORM)
		return p->e[i] != 1.0 ? "the cnorm family takes no exposure (it must be 1 or NULL)" : NULL;
	if (p->y[i] < 0.0)
		return "counts must not be negative";
	if (p->y[i] != floor(p->y[i]))
		return "counts must be whole numbers";
	if (p->y[i] > SCOMM_TRAJ_MAX_COUNT)
		return "count too large (above 1e15)";
	return NULL;
}

scomm_status
scomm_traj_panel_check(scomm_traj_panel *p, scomm_traj_family family,
					   size_t *bad, const char **why)
{
	scomm_status st;
	size_t		i;

	if (bad)
		*bad = 0;
	if (why)
		*why = NULL;
	if (p == NULL || (int) family < 0 || (int) family >= SCOMM_TRAJ_NFAMILIES)
		return SCOMM_EINVAL;
	if (p->n == 0)
	{
		if (why)
			*why = "the panel is empty";
		return SCOMM_EEMPTY;
	}
	if ((st = scomm_traj_panel_sort(p)) != SCOMM_OK)
		return st;
	for (i = 0; i < p->n; i++)
	{
		const char *r = BadObservation(p, i, family);

		if (r != NULL)
		{
			if (bad)
				*bad = i;
			if (why)
				*why = r;
			return SCOMM_EINVAL;
		}
	}
	return SCOMM_OK;
}
