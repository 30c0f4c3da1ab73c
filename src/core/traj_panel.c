/*
 * traj_panel.c: the panel collector of the trajectory models: observations
 * (unit, t, y, exposure) appended, merged, copied, put in canonical order and
 * checked against a family.
 *
 * A panel is a multiset: two panels are equal when they hold the same
 * observations in any order.  The canonical order sorts by unit, then t, y
 * and exposure (all finite; -0 is stored as 0), which gives every panel
 * exactly one encoding of each kind.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "traj_int.h"

static const char *const family_names[SCOMM_TRAJ_NFAMILIES] = {"poisson", "zip", "cnorm"};

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

/* Append every observation of src to dst. */
scomm_status
scomm_traj_panel_merge(scomm_traj_panel *dst, const scomm_traj_panel *src)
{
	scomm_status st;
	size_t		n0;

	if (dst == NULL || src == NULL || dst == src)
		return SCOMM_EINVAL;
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
	return SCOMM_OK;
}

/* Sort idx[0..n) by the observations they point to (stable merge sort). */
static void
SortIndex(const scomm_traj_panel *p, size_t *idx, size_t *tmp, size_t n)
{
	size_t		width,
				lo,
				i;

	for (width = 1; width < n; width *= 2)
	{
		for (lo = 0; lo < n; lo += 2 * width)
		{
			size_t		mid = lo + width < n ? lo + width : n;
			size_t		hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t		a = lo,
						b = mid,
						k = lo;

			while (a < mid && b < hi)
				tmp[k++] = After(p, idx[a], idx[b]) ? idx[b++] : idx[a++];
			while (a < mid)
				tmp[k++] = idx[a++];
			while (b < hi)
				tmp[k++] = idx[b++];
		}
		for (i = 0; i < n; i++)
			idx[i] = tmp[i];
	}
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
	SortIndex(p, idx, idx + p->n, p->n);
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

/* Nonzero when a and b hold the same observations (sorting both). */
int
scomm_traj_panel_equal(const scomm_traj_panel *a, const scomm_traj_panel *b)
{
	scomm_traj_panel *ca = NULL,
			   *cb = NULL;
	int			eq = 0;

	if (a == NULL || b == NULL || a->n != b->n)
		return 0;
	if (scomm_traj_panel_copy(a, &ca) == SCOMM_OK &&
		scomm_traj_panel_copy(b, &cb) == SCOMM_OK &&
		scomm_traj_panel_sort(ca) == SCOMM_OK &&
		scomm_traj_panel_sort(cb) == SCOMM_OK)
		eq = a->n == 0 ||
			(memcmp(ca->unit, cb->unit, a->n * sizeof(int64_t)) == 0 &&
			 memcmp(ca->t, cb->t, a->n * sizeof(double)) == 0 &&
			 memcmp(ca->y, cb->y, a->n * sizeof(double)) == 0 &&
			 memcmp(ca->e, cb->e, a->n * sizeof(double)) == 0);
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
