/*
 * traj_panel_codec.c: binary and text encodings of a panel.
 *
 * Binary (big-endian, doubles as IEEE-754 bit patterns), version 1 (no
 * covariates, as scomm 1.0 wrote it):
 *
 *     uint8 version (1) | uint64 n | n x (int64 unit, binary64 t, y, exposure)
 *
 * version 2 (covariate records):
 *
 *     uint8 version (2) | uint64 n | n x (observation) | uint32 ncov |
 *     uint64 m | m x (int64 unit | uint8 missing | ncov x binary64 if not
 *     missing)
 *
 * Text (one line, no white space; empty panel "{n=0}"):
 *
 *     {n=3;1,2006,0,1;1,2007,3,1;2,2006,1,2.5}
 *     {n=3;1,2006,0,1;1,2007,3,1;2,2006,1,2.5;covariates=2;units=2;1:0.5,3;2:NULL}
 *
 * Both list the observations in canonical order (unit, t, y, exposure
 * ascending; equal observations repeat), t and y finite and never -0,
 * exposure finite and > 0, then the covariate records by ascending unit
 * (each unit once; values finite, at most 1e15 in absolute value, never -0;
 * ncov 0 only when every record is missing).  Version 2 only when there are
 * records.  The decoders accept nothing else, so a panel has exactly one
 * encoding of each kind.
 */
#include <math.h>
#include <string.h>

#include "traj_int.h"

#define OBS_BYTES 32			/* one observation in the binary form */
#define OBS_MIN_TEXT 8			/* shortest observation in the text form ";0,0,0,1" */
#define REC_MIN_BYTES 9			/* shortest record in the binary form */
#define REC_MIN_TEXT 4			/* shortest record in the text form ";0:0" */

/* The panel in canonical order: p itself or a sorted copy in *tmp. */
static scomm_status
Canonical(const scomm_traj_panel *p, scomm_traj_panel **tmp,
		  const scomm_traj_panel **sorted)
{
	scomm_status st;

	*tmp = NULL;
	*sorted = p;
	if (p->sorted)
		return SCOMM_OK;
	if ((st = scomm_traj_panel_copy(p, tmp)) != SCOMM_OK)
		return st;
	if ((st = scomm_traj_panel_sort(*tmp)) != SCOMM_OK)
	{
		scomm_traj_panel_free(*tmp);
		*tmp = NULL;
		return st;
	}
	*sorted = *tmp;
	return SCOMM_OK;
}

/* Nonzero when an observation is valid and does not sort before the previous. */
static int
ValidNext(const scomm_traj_panel *p, int64_t u, double t, double y, double e)
{
	if (!isfinite(t) || !isfinite(y) || !isfinite(e) || e <= 0.0 ||
		(t == 0.0 && signbit(t)) || (y == 0.0 && signbit(y)))
		return 0;
	if (p->n > 0 &&
		scomm_traj_obs_cmp(p->unit[p->n - 1], p->t[p->n - 1], p->y[p->n - 1],
						   p->e[p->n - 1], u, t, y, e) > 0)
		return 0;
	return 1;
}

/* Nonzero when a decoded record is valid and follows the previous one. */
static int
ValidRecord(const scomm_traj_panel *p, int64_t u, const double *x, int missing)
{
	int			j;

	if (p->nc > 0 && !(u > p->cu[p->nc - 1]))
		return 0;
	if (missing)
		return 1;
	if (p->ncov == 0)
		return 0;
	for (j = 0; j < p->ncov; j++)
		if (!isfinite(x[j]) || fabs(x[j]) > SCOMM_TRAJ_MAX_COVARIATE ||
			(x[j] == 0.0 && signbit(x[j])))
			return 0;
	return 1;
}

/* Append a decoded observation (room was reserved). */
static void
Push(scomm_traj_panel *p, int64_t u, double t, double y, double e)
{
	p->unit[p->n] = u;
	p->t[p->n] = t;
	p->y[p->n] = y;
	p->e[p->n] = e;
	p->n++;
}

size_t
scomm_traj_panel_encoded_size(const scomm_traj_panel *p)
{
	size_t		n = 9 + OBS_BYTES * p->n,
				r;

	if (p->nc == 0)
		return n;
	n += 4 + 8 + REC_MIN_BYTES * p->nc;
	for (r = 0; r < p->nc; r++)
		if (!p->cmiss[r])
			n += 8 * (size_t) p->ncov;
	return n;
}

scomm_status
scomm_traj_panel_to_bytes(const scomm_traj_panel *p, unsigned char **out,
						  size_t *len)
{
	ScommBuf		b = {0};
	scomm_traj_panel *tmp;
	const scomm_traj_panel *s;
	scomm_status st;
	size_t		i;

	*out = NULL;
	*len = 0;
	if (p == NULL)
		return SCOMM_EINVAL;
	if ((st = Canonical(p, &tmp, &s)) != SCOMM_OK)
		return st;
	scomm_buf_u8(&b, s->nc > 0 ? 2 : 1);
	scomm_buf_u64(&b, s->n);
	for (i = 0; i < s->n; i++)
	{
		scomm_buf_u64(&b, (uint64_t) s->unit[i]);
		scomm_buf_f64(&b, s->t[i]);
		scomm_buf_f64(&b, s->y[i]);
		scomm_buf_f64(&b, s->e[i]);
	}
	if (s->nc > 0)
	{
		int			j;

		scomm_buf_u32(&b, (uint32_t) s->ncov);
		scomm_buf_u64(&b, s->nc);
		for (i = 0; i < s->nc; i++)
		{
			scomm_buf_u64(&b, (uint64_t) s->cu[i]);
			scomm_buf_u8(&b, s->cmiss[i]);
			if (!s->cmiss[i])
				for (j = 0; j < s->ncov; j++)
					scomm_buf_f64(&b, s->cx[i * s->ncov + j]);
		}
	}
	scomm_traj_panel_free(tmp);
	return scomm_buf_finish(&b, 0, out, len);
}

/* version 2: ncov, the record count and the records (at least one) */
static scomm_status
RecordsFromBytes(ScommCursor *c, scomm_traj_panel *p)
{
	uint32_t	ncov = scomm_get_u32(c);
	uint64_t	m = scomm_get_u64(c),
				r;
	double		x[SCOMM_TRAJ_MAX_COVARIATES];
	scomm_status st;

	if (c->status != SCOMM_OK || ncov > SCOMM_TRAJ_MAX_COVARIATES || m < 1 ||
		m > (c->len - c->pos) / REC_MIN_BYTES)
		return SCOMM_ECORRUPT;
	p->ncov = (int) ncov;
	if ((st = scomm_traj_panel_reserve_records(p, (size_t) m)) != SCOMM_OK)
		return st;
	for (r = 0; r < m; r++)
	{
		int64_t		u = (int64_t) scomm_get_u64(c);
		unsigned	miss = scomm_get_u8(c);
		int			j;

		if (miss > 1)
			return SCOMM_ECORRUPT;
		for (j = 0; !miss && j < (int) ncov; j++)
			x[j] = scomm_get_f64(c);
		if (c->status != SCOMM_OK || !ValidRecord(p, u, x, miss))
			return SCOMM_ECORRUPT;
		scomm_traj_panel_push_record(p, u, x, miss);
	}
	return SCOMM_OK;
}

scomm_status
scomm_traj_panel_from_bytes(const unsigned char *buf, size_t len,
							scomm_traj_panel **out)
{
	ScommCursor	c = {buf, len, 0, SCOMM_OK};
	scomm_traj_panel *p = NULL;
	uint64_t	n;
	size_t		i;
	scomm_status st;
	unsigned	version;

	*out = NULL;
	if (buf == NULL)
		return SCOMM_EINVAL;
	version = scomm_get_u8(&c);
	if (version < 1 || version > SCOMM_TRAJ_PANEL_VERSION)
		return SCOMM_ECORRUPT;
	n = scomm_get_u64(&c);
	if (c.status != SCOMM_OK || n > (len - c.pos) / OBS_BYTES ||
		(version == 1 && (len - c.pos) != n * OBS_BYTES))
		return SCOMM_ECORRUPT;
	if ((st = scomm_traj_panel_create(&p)) != SCOMM_OK)
		return st;
	if ((st = scomm_traj_panel_reserve(p, (size_t) n)) != SCOMM_OK)
	{
		scomm_traj_panel_free(p);
		return st;
	}
	for (i = 0; i < n; i++)
	{
		int64_t		u = (int64_t) scomm_get_u64(&c);
		double		t = scomm_get_f64(&c);
		double		y = scomm_get_f64(&c);
		double		e = scomm_get_f64(&c);

		if (c.status != SCOMM_OK || !ValidNext(p, u, t, y, e))
		{
			scomm_traj_panel_free(p);
			return SCOMM_ECORRUPT;
		}
		Push(p, u, t, y, e);
	}
	if (version >= 2 && (st = RecordsFromBytes(&c, p)) != SCOMM_OK)
	{
		scomm_traj_panel_free(p);
		return st;
	}
	scomm_expect_end(&c);
	if (c.status != SCOMM_OK)
	{
		scomm_traj_panel_free(p);
		return SCOMM_ECORRUPT;
	}
	*out = p;
	return SCOMM_OK;
}

scomm_status
scomm_traj_panel_to_text(const scomm_traj_panel *p, char **out, size_t *len)
{
	ScommBuf		b = {0};
	scomm_traj_panel *tmp;
	const scomm_traj_panel *s;
	scomm_status st;
	size_t		i;

	*out = NULL;
	*len = 0;
	if (p == NULL)
		return SCOMM_EINVAL;
	if ((st = Canonical(p, &tmp, &s)) != SCOMM_OK)
		return st;
	scomm_buf_str(&b, "{n=");
	scomm_buf_ulong(&b, s->n);
	for (i = 0; i < s->n; i++)
	{
		scomm_buf_u8(&b, ';');
		scomm_buf_long(&b, s->unit[i]);
		scomm_buf_u8(&b, ',');
		scomm_buf_double(&b, s->t[i]);
		scomm_buf_u8(&b, ',');
		scomm_buf_double(&b, s->y[i]);
		scomm_buf_u8(&b, ',');
		scomm_buf_double(&b, s->e[i]);
	}
	if (s->nc > 0)
	{
		int			j;

		scomm_buf_str(&b, ";covariates=");
		scomm_buf_long(&b, s->ncov);
		scomm_buf_str(&b, ";units=");
		scomm_buf_ulong(&b, s->nc);
		for (i = 0; i < s->nc; i++)
		{
			scomm_buf_u8(&b, ';');
			scomm_buf_long(&b, s->cu[i]);
			scomm_buf_u8(&b, ':');
			if (s->cmiss[i])
				scomm_buf_str(&b, "NULL");
			for (j = 0; !s->cmiss[i] && j < s->ncov; j++)
			{
				if (j > 0)
					scomm_buf_u8(&b, ',');
				scomm_buf_double(&b, s->cx[i * s->ncov + j]);
			}
		}
	}
	scomm_buf_u8(&b, '}');
	scomm_traj_panel_free(tmp);
	return scomm_buf_finish(&b, 1, (unsigned char **) out, len);
}

/* ";covariates=C;units=M" and M records "unit:x,x" or "unit:NULL" */
static void
RecordsFromText(ScommCursor *c, scomm_traj_panel *p)
{
	uint64_t	m,
				r;
	double		x[SCOMM_TRAJ_MAX_COVARIATES];
	scomm_status st;

	scomm_expect(c, ";covariates=");
	p->ncov = (int) scomm_read_uint(c, SCOMM_TRAJ_MAX_COVARIATES);
	scomm_expect(c, ";units=");
	m = scomm_read_uint(c, UINT64_MAX);
	if (c->status != SCOMM_OK || m < 1 || m > (c->len - c->pos) / REC_MIN_TEXT)
	{
		c->status = SCOMM_ECORRUPT;
		return;
	}
	if ((st = scomm_traj_panel_reserve_records(p, (size_t) m)) != SCOMM_OK)
	{
		c->status = st;
		return;
	}
	for (r = 0; r < m && c->status == SCOMM_OK; r++)
	{
		int64_t		u;
		int			miss = 0,
					j;

		scomm_expect(c, ";");
		u = scomm_read_int64(c);
		scomm_expect(c, ":");
		if (c->status == SCOMM_OK && c->pos < c->len && c->s[c->pos] == 'N')
		{
			scomm_expect(c, "NULL");
			miss = 1;
		}
		for (j = 0; !miss && j < p->ncov; j++)
		{
			if (j > 0)
				scomm_expect(c, ",");
			x[j] = scomm_read_double(c, 0);
		}
		if (c->status == SCOMM_OK && !miss && p->ncov == 0)
			c->status = SCOMM_ECORRUPT;
		if (c->status == SCOMM_OK && !ValidRecord(p, u, x, miss))
			c->status = SCOMM_ECORRUPT;
		if (c->status == SCOMM_OK)
			scomm_traj_panel_push_record(p, u, x, miss);
	}
}

scomm_status
scomm_traj_panel_from_text(const char *s, size_t len, scomm_traj_panel **out)
{
	ScommCursor	c = {(const unsigned char *) s, len, 0, SCOMM_OK};
	scomm_traj_panel *p = NULL;
	uint64_t	n;
	size_t		i;
	scomm_status st;

	*out = NULL;
	if (s == NULL)
		return SCOMM_EINVAL;
	scomm_expect(&c, "{n=");
	n = scomm_read_uint(&c, UINT64_MAX);
	/* every observation takes at least OBS_MIN_TEXT characters: refuse early */
	if (c.status != SCOMM_OK || n > (len - c.pos) / OBS_MIN_TEXT)
		return SCOMM_ECORRUPT;
	if ((st = scomm_traj_panel_create(&p)) != SCOMM_OK)
		return st;
	if ((st = scomm_traj_panel_reserve(p, (size_t) n)) != SCOMM_OK)
	{
		scomm_traj_panel_free(p);
		return st;
	}
	for (i = 0; i < n && c.status == SCOMM_OK; i++)
	{
		int64_t		u;
		double		t,
					y,
					e;

		scomm_expect(&c, ";");
		u = scomm_read_int64(&c);
		scomm_expect(&c, ",");
		t = scomm_read_double(&c, 0);
		scomm_expect(&c, ",");
		y = scomm_read_double(&c, 0);
		scomm_expect(&c, ",");
		e = scomm_read_double(&c, 0);
		if (c.status == SCOMM_OK && !ValidNext(p, u, t, y, e))
			c.status = SCOMM_ECORRUPT;
		if (c.status == SCOMM_OK)
			Push(p, u, t, y, e);
	}
	if (c.status == SCOMM_OK && !scomm_peek(&c, '}'))
		RecordsFromText(&c, p);
	scomm_expect(&c, "}");
	scomm_expect_end(&c);
	if (c.status != SCOMM_OK)
	{
		scomm_traj_panel_free(p);
		return c.status == SCOMM_ENOMEM ? SCOMM_ENOMEM : SCOMM_ECORRUPT;
	}
	*out = p;
	return SCOMM_OK;
}
