/*
 * test_traj_fuzz.c: random mutations of valid panel and model encodings
 * (bit flips, byte edits, insertions, deletions, truncations).  Decoders
 * must not crash or leak; whatever they accept must re-encode and decode to
 * itself.  Build with -fsanitize=address,undefined to check memory safety.
 */
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "tap.h"
#include "traj.h"
#include "traj_testdata.h"

#define ROUNDS 20000
#define MAXLEN 65536

static const char alphabet[] = "{};:,=|-.eENaInfity0123456789";

static void
Mutate(gsl_rng *rng, unsigned char *buf, size_t *len)
{
	size_t		pos = *len ? gsl_rng_uniform_int(rng, *len) : 0;

	switch (gsl_rng_uniform_int(rng, 6))
	{
		case 0:
			if (*len)
				buf[pos] ^= (unsigned char) (1 << gsl_rng_uniform_int(rng, 8));
			break;
		case 1:
			if (*len)
				buf[pos] = (unsigned char) gsl_rng_uniform_int(rng, 256);
			break;
		case 2:
			if (*len)
				buf[pos] = alphabet[gsl_rng_uniform_int(rng, sizeof(alphabet) - 1)];
			break;
		case 3:
			if (*len + 1 < MAXLEN)
			{
				memmove(buf + pos + 1, buf + pos, *len - pos);
				buf[pos] = alphabet[gsl_rng_uniform_int(rng, sizeof(alphabet) - 1)];
				(*len)++;
			}
			break;
		case 4:
			if (*len)
			{
				memmove(buf + pos, buf + pos + 1, *len - pos - 1);
				(*len)--;
			}
			break;
		default:
			*len = pos;
	}
}

/* Decode as a panel; if accepted, both encodings must round trip. */
static int
PanelStable(const unsigned char *buf, size_t len, int text)
{
	scomm_traj_panel *p = NULL,
			   *u = NULL;
	char	   *s = NULL;
	unsigned char *b = NULL;
	size_t		l;
	int			ok;

	if ((text ? scomm_traj_panel_from_text((const char *) buf, len, &p)
		 : scomm_traj_panel_from_bytes(buf, len, &p)) != SCOMM_OK)
		return p == NULL;
	ok = scomm_traj_panel_to_text(p, &s, &l) == SCOMM_OK &&
		scomm_traj_panel_from_text(s, l, &u) == SCOMM_OK && scomm_traj_panel_equal(p, u);
	scomm_traj_panel_free(u);
	u = NULL;
	ok = ok && scomm_traj_panel_to_bytes(p, &b, &l) == SCOMM_OK &&
		scomm_traj_panel_from_bytes(b, l, &u) == SCOMM_OK && scomm_traj_panel_equal(p, u) &&
		(text || (l == len && memcmp(b, buf, l) == 0));
	scomm_core_free(s);
	scomm_core_free(b);
	scomm_traj_panel_free(p);
	scomm_traj_panel_free(u);
	return ok;
}

/* Decode as a model; if accepted, encode -> decode -> encode is stable. */
static int
ModelStable(const unsigned char *buf, size_t len, int text)
{
	scomm_traj_model *m = NULL,
			   *u = NULL;
	char	   *s = NULL,
			   *s2 = NULL;
	unsigned char *b = NULL;
	size_t		l,
				l2,
				lb;
	int			ok;

	if ((text ? scomm_traj_model_from_text((const char *) buf, len, &m)
		 : scomm_traj_model_from_bytes(buf, len, &m)) != SCOMM_OK)
		return m == NULL;
	ok = scomm_traj_model_to_text(m, &s, &l) == SCOMM_OK &&
		scomm_traj_model_from_text(s, l, &u) == SCOMM_OK &&
		scomm_traj_model_to_text(u, &s2, &l2) == SCOMM_OK && strcmp(s, s2) == 0 &&
		scomm_traj_model_to_bytes(m, &b, &lb) == SCOMM_OK &&
		(text || (lb == len && memcmp(b, buf, lb) == 0));
	scomm_core_free(s);
	scomm_core_free(s2);
	scomm_core_free(b);
	scomm_traj_model_free(m);
	scomm_traj_model_free(u);
	return ok;
}

/* kind: 0 panel bytes, 1 panel text, 2 model bytes, 3 model text */
static void
FuzzOne(gsl_rng *rng, const unsigned char *seed, size_t seedlen, int kind,
		const char *name)
{
	static unsigned char buf[MAXLEN];
	size_t		len;
	int			i,
				k,
				bad = 0;

	for (i = 0; i < ROUNDS && seedlen < MAXLEN; i++)
	{
		memcpy(buf, seed, seedlen);
		len = seedlen;
		for (k = 1 + (int) gsl_rng_uniform_int(rng, 3); k > 0; k--)
			Mutate(rng, buf, &len);
		if (kind < 2)
			bad += !PanelStable(buf, len, kind == 1);
		else
			bad += !ModelStable(buf, len, kind == 3);
	}
	printf("# %s: %d mutations\n", name, ROUNDS);
	tap_ok(bad == 0 && seedlen < MAXLEN, name);
}

static void
TestFuzz(scomm_traj_family f)
{
	static const double share[2] = {0.7, 0.3};
	static const double beta[2][3] = {{0.5, 0.5, -0.3}, {1.5, -0.4, 0.2}};
	static const double extra[2] = {0.3, 0.6};
	static const double alpha[2] = {0.2, 0.4};
	gsl_rng    *rng = gsl_rng_alloc(gsl_rng_mt19937);
	int			truth[20],
				i;
	int			nb = f == SCOMM_TRAJ_NBINOM || f == SCOMM_TRAJ_ZINB;
	scomm_traj_panel *p = nb ?
		SimulateNb(20, 4, 2, share, beta, alpha, f == SCOMM_TRAJ_ZINB ? extra : NULL, 1, 3, truth) :
		Simulate(f, 20, 4, 2, share, beta, extra, f != SCOMM_TRAJ_CNORM, 3, truth);
	scomm_traj_options o;
	scomm_traj_model *m = NULL;
	unsigned char *b = NULL,
			   *mb = NULL;
	char	   *s = NULL,
			   *ms = NULL;
	size_t		lb = 0,
				ls = 0,
				lmb = 0,
				lms = 0;
	char		name[160];
	const char *fn = scomm_traj_family_name(f);

	gsl_rng_set(rng, 12345 + f);
	if (f == SCOMM_TRAJ_ZINB)
		for (i = 0; i < 20; i++)
		{
			/* covariate records (one unit's missing): the version-2 panel */
			double		x[2] = {i * 0.25 - 2, (i * 7) % 5};

			scomm_traj_panel_set_covariates(p, 1000 + i, i == 4 ? NULL : x, 2, NULL);
		}
	scomm_traj_options_default(&o);
	o.family = f;
	o.groups = 2;
	o.degree = 1;
	o.starts = 2;
	scomm_traj_fit(p, &o, &m);
	tap_ok(p && m && scomm_traj_panel_to_bytes(p, &b, &lb) == SCOMM_OK &&
		   scomm_traj_panel_to_text(p, &s, &ls) == SCOMM_OK &&
		   scomm_traj_model_to_bytes(m, &mb, &lmb) == SCOMM_OK &&
		   scomm_traj_model_to_text(m, &ms, &lms) == SCOMM_OK, "seed encodings");
	if (b && s && mb && ms)
	{
		if (f == SCOMM_TRAJ_POISSON || f == SCOMM_TRAJ_ZINB)
		{
			const char *what = f == SCOMM_TRAJ_ZINB ? " with covariates" : "";

			snprintf(name, sizeof(name), "fuzzed panel%s binary: no crash, accepted values stable", what);
			FuzzOne(rng, b, lb, 0, name);
			snprintf(name, sizeof(name), "fuzzed panel%s text: no crash, accepted values stable", what);
			FuzzOne(rng, (unsigned char *) s, ls, 1, name);
		}
		snprintf(name, sizeof(name), "fuzzed %s model binary: no crash, accepted values stable", fn);
		FuzzOne(rng, mb, lmb, 2, name);
		snprintf(name, sizeof(name), "fuzzed %s model text: no crash, accepted values stable", fn);
		FuzzOne(rng, (unsigned char *) ms, lms, 3, name);
	}
	scomm_core_free(b);
	scomm_core_free(s);
	scomm_core_free(mb);
	scomm_core_free(ms);
	scomm_traj_model_free(m);
	scomm_traj_panel_free(p);
	gsl_rng_free(rng);
}

int
main(void)
{
	gsl_set_error_handler_off();
	CountAllocations();
	TestFuzz(SCOMM_TRAJ_POISSON);
	TestFuzz(SCOMM_TRAJ_ZIP);
	TestFuzz(SCOMM_TRAJ_CNORM);
	TestFuzz(SCOMM_TRAJ_NBINOM);
	TestFuzz(SCOMM_TRAJ_ZINB);
	tap_ok(live_allocs == 0, "every core allocation was freed");
	return tap_done();
}
