/*
 * test_lca_codec.c: pattern tables (merge, order independence, 10M inserts)
 * and their binary and text encodings: exact round trips, a hand-written
 * literal, malformed inputs rejected.  Models: test_lca_model_codec.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "tap.h"
#include "lca.h"
#include "lca_testdata.h"

/* Text of a table (caller frees), NULL on failure. */
static char *
TableText(const scomm_lca_table *t)
{
	char	   *s = NULL;
	size_t		len;

	return scomm_lca_table_to_text(t, &s, &len) == SCOMM_OK ? s : NULL;
}

/* Merge of two halves equals one pass; insertion order does not matter. */
static void
TestMergeAndOrder(void)
{
	scomm_lca_table *all = ReadCsvTable("election.csv", 12, 0);
	scomm_lca_table *a = NULL,
			   *b = NULL,
			   *rev = NULL;
	size_t		n = all ? scomm_lca_table_npatterns(all) : 0;
	size_t		i;
	int			y[12];
	double		c;
	char	   *s1,
			   *s2,
			   *s3;

	scomm_lca_table_create(12, &a);
	scomm_lca_table_create(12, &b);
	scomm_lca_table_create(12, &rev);
	for (i = 0; i < n; i++)
	{
		scomm_lca_table_get(all, i, y, &c);
		scomm_lca_table_add(i < n / 2 ? a : b, y, 12, c);
		scomm_lca_table_get(all, n - 1 - i, y, &c);
		scomm_lca_table_add(rev, y, 12, c);
	}
	tap_ok(n > 0 && scomm_lca_table_merge(b, a) == SCOMM_OK &&
		   scomm_lca_table_equal(b, all), "merge of two halves equals one pass");
	s1 = TableText(all);
	s2 = TableText(b);
	s3 = TableText(rev);
	tap_ok(s1 && s2 && s3 && strcmp(s1, s2) == 0 && strcmp(s1, s3) == 0,
		   "text form independent of insertion order and merge");
	tap_ok(scomm_lca_table_sort(rev) == SCOMM_OK && scomm_lca_table_equal(rev, all) &&
		   scomm_lca_table_get(rev, 0, y, &c) == SCOMM_OK && y[0] == 0,
		   "sort keeps contents, puts missing first");
	scomm_core_free(s1);
	scomm_core_free(s2);
	scomm_core_free(s3);
	scomm_lca_table_free(all);
	scomm_lca_table_free(a);
	scomm_lca_table_free(b);
	scomm_lca_table_free(rev);
}

/* A hand-written literal decodes to what it says. */
static void
TestTableLiteral(void)
{
	const char *lit = "{J=3;0,2,1:3;1,2,1:40;1,2,2:0.5}";
	scomm_lca_table *t = NULL;
	char	   *s;
	int			y[3];
	double		c;

	tap_ok(scomm_lca_table_from_text(lit, strlen(lit), &t) == SCOMM_OK &&
		   scomm_lca_table_npatterns(t) == 3 && scomm_lca_table_total(t) == 43.5,
		   "table literal: 3 patterns, 43.5 rows");
	tap_ok(t && scomm_lca_table_get(t, 1, y, &c) == SCOMM_OK &&
		   y[0] == 1 && y[1] == 2 && y[2] == 1 && c == 40,
		   "table literal: second pattern 1,2,1 x 40");
	tap_ok(t && scomm_lca_table_ncat(t, 0) == 1 && scomm_lca_table_ncat(t, 2) == 2,
		   "table literal: categories per item");
	s = t ? TableText(t) : NULL;
	tap_ok(s && strcmp(s, lit) == 0, "table literal: re-encodes to the same text");
	scomm_core_free(s);
	scomm_lca_table_free(t);
	tap_ok(scomm_lca_table_from_text("{J=2}", 5, &t) == SCOMM_OK &&
		   scomm_lca_table_npatterns(t) == 0, "empty table literal");
	scomm_lca_table_free(t);
}

/* Text and binary round trips of t: decode(encode(t)) == t, and again. */
static void
RoundTrip(const scomm_lca_table *t, const char *name)
{
	char		what[200];
	char	   *s = NULL,
			   *s2 = NULL;
	unsigned char *b = NULL,
			   *b2 = NULL;
	size_t		ls,
				lb,
				l2;
	scomm_lca_table *u = NULL,
			   *v = NULL;

	snprintf(what, sizeof(what), "%s: text round trip exact", name);
	tap_ok(scomm_lca_table_to_text(t, &s, &ls) == SCOMM_OK && ls == strlen(s) &&
		   scomm_lca_table_from_text(s, ls, &u) == SCOMM_OK &&
		   scomm_lca_table_equal(t, u) &&
		   scomm_lca_table_to_text(u, &s2, &l2) == SCOMM_OK && strcmp(s, s2) == 0, what);
	snprintf(what, sizeof(what), "%s: binary round trip exact", name);
	tap_ok(scomm_lca_table_to_bytes(t, &b, &lb) == SCOMM_OK &&
		   scomm_lca_table_from_bytes(b, lb, &v) == SCOMM_OK &&
		   scomm_lca_table_equal(t, v) &&
		   scomm_lca_table_to_bytes(v, &b2, &l2) == SCOMM_OK && l2 == lb &&
		   memcmp(b, b2, lb) == 0, what);
	scomm_core_free(s);
	scomm_core_free(s2);
	scomm_core_free(b);
	scomm_core_free(b2);
	scomm_lca_table_free(u);
	scomm_lca_table_free(v);
}

/* Round trips of real data and of awkward counts. */
static void
TestTableRoundTrip(void)
{
	scomm_lca_table *e = ReadCsvTable("election.csv", 12, 0);
	scomm_lca_table *t = NULL;
	int			y[2] = {1, 1};
	double		counts[] = {0.1, 1.0 / 3.0, 1e-300, 4.9e-324, 9007199254740993.0,
	1e300, 2.5, 123456789.123456789};
	int			i;

	RoundTrip(e, "election.csv");
	scomm_lca_table_create(2, &t);
	for (i = 0; i < 8; i++)
	{
		y[0] = i % 3;
		y[1] = 1 + i;
		scomm_lca_table_add(t, y, 2, counts[i]);
	}
	y[0] = 255;
	scomm_lca_table_add(t, y, 2, 7);
	RoundTrip(t, "fractional, tiny and huge counts, category 255");
	scomm_lca_table_free(t);
	scomm_lca_table_free(e);
}

static const char *const bad_text[] = {
	"", "{", "}", "{}", "{J=}", "{J=0}", "{J=01}", "{J=1001}", "{J=-1}", "{J=3",
	"{J=3}x", " {J=3}", "{J=3} ", "{J=3;}", "{J=3;;}", "{J=3;1,2:4}",
	"{J=3;1,2,1,1:4}", "{J=3;1,2,1}", "{J=3;1,2,1:}", "{J=3;1,2,1:-4}",
	"{J=3;1,2,1:0}", "{J=3;1,2,1:-0}", "{J=3;1,2,1:4;1,2,1:4}",
	"{J=3;1,2,2:4;1,2,1:4}", "{J=3;1,2,256:4}", "{J=3;1,02,1:4}",
	"{J=3;1,2,1:nan}", "{J=3;1,2,1:NaN}", "{J=3;1,2,1:inf}", "{J=3;1,2,1:1e999}",
	"{J=3;1,2,1:4.}", "{J=3;1,2,1:.5}", "{J=3;1,2,1:0x10}", "{J=3;1,2,1:+4}",
	"{J=3;1,2,1:4e}", "{J=3;1,2,1: 4}", "{J=3;1, 2,1:4}", "{J=3;1,2,1:4,}",
	"{j=3;1,2,1:4}", "{J=3:1,2,1:4}", "{J=3;-1,2,1:4}", "{J=99999999999999999999}",
};

/* Malformed text is rejected with an error and no table. */
static void
TestTableTextRejects(void)
{
	scomm_lca_table *t;
	char		buf[64];
	size_t		i;
	int			bad = 0;

	for (i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++)
	{
		t = (scomm_lca_table *) &t;
		if (scomm_lca_table_from_text(bad_text[i], strlen(bad_text[i]), &t) == SCOMM_OK ||
			t != NULL)
		{
			printf("#   accepted: %s\n", bad_text[i]);
			bad++;
		}
	}
	tap_ok(bad == 0, "malformed table texts rejected");
	memcpy(buf, "{J=1;1:4}\0", 10);
	tap_ok(scomm_lca_table_from_text(buf, 10, &t) == SCOMM_ECORRUPT,
		   "embedded NUL after the text rejected");
	tap_ok(scomm_lca_table_from_text(buf, 8, &t) == SCOMM_ECORRUPT,
		   "text cut before the closing brace rejected");
}

/* Decode buf and expect ECORRUPT with no table. */
static int
RejectsBytes(const unsigned char *buf, size_t len)
{
	scomm_lca_table *t = (scomm_lca_table *) &t;

	return scomm_lca_table_from_bytes(buf, len, &t) == SCOMM_ECORRUPT && t == NULL;
}

/* Malformed binary forms: every truncation, bad fields, trailing bytes. */
static void
TestTableBinaryRejects(void)
{
	const char *lit = "{J=3;1,2,1:40;1,2,2:3}";
	scomm_lca_table *t = NULL;
	unsigned char *b = NULL;
	unsigned char m[64];
	size_t		len = 0,
				i;
	int			all = 1;

	scomm_lca_table_from_text(lit, strlen(lit), &t);
	scomm_lca_table_to_bytes(t, &b, &len);
	tap_ok(b && len == 13 + 2 * 11, "binary form: 13-byte header + 11 bytes per pattern");
	for (i = 0; b && i < len; i++)
		all &= RejectsBytes(b, i);
	tap_ok(all, "every truncation rejected");
#define MUTATE(code, name) do { memcpy(m, b, len); code; tap_ok(RejectsBytes(m, len), name); } while (0)
	MUTATE(m[0] = 2, "wrong version rejected");
	MUTATE(m[0] = 0, "version 0 rejected");
	MUTATE(m[4] = 0, "J = 0 rejected");
	MUTATE(m[1] = 1, "huge J rejected");
	MUTATE(m[12] = 3, "pattern count larger than the data rejected");
	MUTATE(m[12] = 1, "pattern count smaller than the data rejected");
	MUTATE(m[16] |= 0x80, "negative count rejected");
	MUTATE(memset(m + 16, 0, 8), "zero count rejected");
	MUTATE(m[16] = 0x7f; m[17] = 0xf8, "NaN count rejected");
	MUTATE(m[16] = 0x7f; m[17] = 0xf0; memset(m + 18, 0, 6), "infinite count rejected");
	MUTATE(m[15] = 2; m[26] = 1, "patterns out of order rejected");
	MUTATE(m[26] = 1, "duplicate pattern rejected");
#undef MUTATE
	memcpy(m, b, len);
	m[len] = 0;
	tap_ok(RejectsBytes(m, len + 1), "trailing byte rejected");
	scomm_lca_table_free(t);
	tap_ok(scomm_lca_table_from_bytes(NULL, 0, &t) == SCOMM_EINVAL, "NULL buffer rejected");
	scomm_core_free(b);
}

/* 10 million rows into 1,024 patterns, and a million distinct patterns. */
static void
TestManyRows(void)
{
	scomm_lca_table *src = ReadCsvTable("synthetic_1m_patterns.csv", 10, 1);
	scomm_lca_table *t = NULL;
	size_t		np = src ? scomm_lca_table_npatterns(src) : 0;
	int			pat[1024][12];
	long		i;
	int			j;
	double		t0;

	scomm_lca_table_create(10, &t);
	for (i = 0; i < (long) np && i < 1024; i++)
		scomm_lca_table_get(src, i, pat[i], NULL);
	t0 = Now();
	for (i = 0; np == 1024 && i < 10000000; i++)
		scomm_lca_table_add(t, pat[(i * 7919) % 1024], 10, 1.0);
	printf("# 10M rows added in %.3f s\n", Now() - t0);
	tap_ok(scomm_lca_table_npatterns(t) == 1024 && scomm_lca_table_total(t) == 1e7,
		   "10M rows: 1,024 patterns, total 1e7");
	scomm_lca_table_free(t);
	scomm_lca_table_create(12, &t);
	t0 = Now();
	for (i = 0; i < 2000000; i++)
	{
		long		k = (i * 7L) % 1000000;

		for (j = 0; j < 12; j++, k /= 4)
			pat[0][j] = (int) (k % 4);
		scomm_lca_table_add(t, pat[0], 12, 1.0);
	}
	printf("# 2M rows into 1M distinct patterns in %.3f s\n", Now() - t0);
	tap_ok(scomm_lca_table_npatterns(t) == 1000000 && scomm_lca_table_total(t) == 2e6,
		   "hash growth: 1M distinct patterns found twice each");
	scomm_lca_table_free(t);
	scomm_lca_table_free(src);
}

int
main(void)
{
	gsl_set_error_handler_off();
	CountAllocations();
	TestMergeAndOrder();
	TestTableLiteral();
	TestTableRoundTrip();
	TestTableTextRejects();
	TestTableBinaryRejects();
	TestManyRows();
	tap_ok(live_allocs == 0, "every core allocation was freed");
	return tap_done();
}
