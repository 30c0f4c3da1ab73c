/*
 * traj_panel_codec.c: binary and text encodings of a panel.
 *
 * Binary (big-endian, doubles as IEEE-754 bit patterns):
 *
 *     uint8 version (1) | uint64 n | n x (int64 unit, binary64 t, y, exposure)
 *
 * Text (one line, no white space; empty panel "{n=0}"):
 *
 *     {n=3;1,2006,0,1;1,2007,3,1;2,2006,1,2.5}
 *
 * Both list the observations in canonical order (unit, t, y, exposure
 * ascending; equal observations repeat), t and y finite and never -0,
 * exposure finite and > 0.  The decoders accept nothing else, so a panel has
 * exactly one encoding of each kind.
 */
#include <math.h>
#include <string.h>

#include "traj_int.h"

#define OBS_BYTES 32			/* one observation in the binary form */
#define OBS_MIN_TEXT 8			/* shortest observation in the text form ";0,0,0,1" */

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
	scomm_buf_u8(&b, SCOMM_TRAJ_PANEL_VERSION);
	scomm_buf_u64(&b, s->n);
	for (i = 0; i < s->n; i++)
	{
		scomm_buf_u64(&b, (uint64_t) s->unit[i]);
		scomm_buf_f64(&b, s->t[i]);
		scomm_buf_f64(&b, s->y[i]);
		scomm_buf_f64(&b, s->e[i]);
	}
	scomm_traj_panel_free(tmp);
	return scomm_buf_finish(&b, 0, out, len);
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

	*out = NULL;
	if (buf == NULL)
		return SCOMM_EINVAL;
	if (scomm_get_u8(&c) != SCOMM_TRAJ_PANEL_VERSION)
		return SCOMM_ECORRUPT;
	n = scomm_get_u64(&c);
	if (c.status != SCOMM_OK || n != (len - c.pos) / OBS_BYTES ||
		(len - c.pos) % OBS_BYTES != 0)
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
	scomm_buf_u8(&b, '}');
	scomm_traj_panel_free(tmp);
	return scomm_buf_finish(&b, 1, (unsigned char **) out, len);
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
	scomm_expect(&c, "}");
	scomm_expect_end(&c);
	if (c.status != SCOMM_OK)
	{
		scomm_traj_panel_free(p);
		return SCOMM_ECORRUPT;
	}
	*out = p;
	return SCOMM_OK;
}
