/*
 * test_lca_fuzz.c: random mutations of valid table and model encodings (bit
 * flips, byte edits, insertions, deletions, truncations).  Decoders must not
 * crash or leak; whatever they accept must re-encode and decode to itself.
 * Build with -fsanitize=address,undefined to check memory safety too.
 */
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "tap.h"
#include "lca.h"
#include "lca_testdata.h"

#define ROUNDS 20000
#define MAXLEN 8192

static const char alphabet[] = "{};:,=|/-.eENa0123456789J";

/* Apply one random edit to buf[0..*len). */
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

/* Decode as a table; if accepted, both encodings must round trip. */
static int
TableStable(const unsigned char *buf, size_t len, int text)
{
	scomm_lca_table *t = NULL,
			   *u = NULL;
	char	   *s = NULL;
	unsigned char *b = NULL;
	size_t		l;
	int			ok;

	if ((text ? scomm_lca_table_from_text((const char *) buf, len, &t)
		 : scomm_lca_table_from_bytes(buf, len, &t)) != SCOMM_OK)
		return t == NULL;
	ok = scomm_lca_table_to_text(t, &s, &l) == SCOMM_OK &&
		scomm_lca_table_from_text(s, l, &u) == SCOMM_OK && scomm_lca_table_equal(t, u);
	scomm_lca_table_free(u);
	u = NULL;
	ok = ok && scomm_lca_table_to_bytes(t, &b, &l) == SCOMM_OK &&
		scomm_lca_table_from_bytes(b, l, &u) == SCOMM_OK && scomm_lca_table_equal(t, u);
	scomm_core_free(s);
	scomm_core_free(b);
	scomm_lca_table_free(t);
	scomm_lca_table_free(u);
	return ok;
}

/* Decode as a model; if accepted, text -> model -> text must be stable. */
static int
ModelStable(const unsigned char *buf, size_t len, int text)
{
	scomm_lca_model *m = NULL,
			   *u = NULL;
	char	   *s = NULL,
			   *s2 = NULL;
	size_t		l,
				l2;
	int			ok;

	if ((text ? scomm_lca_model_from_text((const char *) buf, len, &m)
		 : scomm_lca_model_from_bytes(buf, len, &m)) != SCOMM_OK)
		return m == NULL;
	ok = scomm_lca_model_to_text(m, &s, &l) == SCOMM_OK &&
		scomm_lca_model_from_text(s, l, &u) == SCOMM_OK &&
		scomm_lca_model_to_text(u, &s2, &l2) == SCOMM_OK && strcmp(s, s2) == 0;
	scomm_core_free(s);
	scomm_core_free(s2);
	scomm_lca_model_free(m);
	scomm_lca_model_free(u);
	return ok;
}

/* Fuzz one seed encoding; kind: 0 table bytes, 1 table text, 2/3 model. */
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
			bad += !TableStable(buf, len, kind == 1);
		else
			bad += !ModelStable(buf, len, kind == 3);
	}
	printf("# %s: %d mutations\n", name, ROUNDS);
	tap_ok(bad == 0 && seedlen < MAXLEN, name);
}

/* Build the seed encodings and fuzz each. */
static void
TestFuzz(void)
{
	gsl_rng    *rng = gsl_rng_alloc(gsl_rng_mt19937);
	scomm_lca_table *t = ReadCsvTable("gss82_patterns.csv", 4, 1);
	scomm_lca_model *m = NULL;
	unsigned char *b = NULL,
			   *mb = NULL;
	char	   *s = NULL,
			   *ms = NULL;
	size_t		lb = 0,
				ls = 0,
				lmb = 0,
				lms = 0;

	gsl_rng_set(rng, 12345);
	if (t)
		scomm_lca_fit(t, 2, 2, 1, 1000, 1e-10, &m);
	tap_ok(t && m && scomm_lca_table_to_bytes(t, &b, &lb) == SCOMM_OK &&
		   scomm_lca_table_to_text(t, &s, &ls) == SCOMM_OK &&
		   scomm_lca_model_to_bytes(m, &mb, &lmb) == SCOMM_OK &&
		   scomm_lca_model_to_text(m, &ms, &lms) == SCOMM_OK, "seed encodings");
	if (b && s && mb && ms)
	{
		FuzzOne(rng, b, lb, 0, "fuzzed table binary: no crash, accepted values stable");
		FuzzOne(rng, (unsigned char *) s, ls, 1, "fuzzed table text: no crash, accepted values stable");
		FuzzOne(rng, mb, lmb, 2, "fuzzed model binary: no crash, accepted values stable");
		FuzzOne(rng, (unsigned char *) ms, lms, 3, "fuzzed model text: no crash, accepted values stable");
	}
	scomm_core_free(b);
	scomm_core_free(s);
	scomm_core_free(mb);
	scomm_core_free(ms);
	scomm_lca_model_free(m);
	scomm_lca_table_free(t);
	gsl_rng_free(rng);
}

int
main(void)
{
	gsl_set_error_handler_off();
	CountAllocations();
	TestFuzz();
	tap_ok(live_allocs == 0, "every core allocation was freed");
	return tap_done();
}
