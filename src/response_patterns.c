/*
 * response_patterns.c: scomm.response_patterns, the table of distinct
 * response patterns with their counts (the sufficient statistic of a latent
 * class model): text and binary I/O, the aggregates' transition and combine
 * functions, and pattern_counts.
 *
 * A stored value is a varlena holding the core's binary encoding (see
 * src/core/lca.h): version byte, J, the number of patterns, then each pattern
 * (J category bytes, 0 = missing) with its count, in canonical order.  The
 * text form is the core's ({J=3;0,2,1:3;1,2,1:40}).  Both are canonical, so
 * equal tables have equal text.
 *
 * While an aggregate runs, its state is an expanded object: the core's hash
 * table in a memory context of its own, a child of the aggregate context.
 * The transition function receives the read-write pointer and adds the row
 * in place; the executor keeps the object without copying it.  The object is
 * flattened (encoded) only when PostgreSQL stores or ships it, e.g. from a
 * parallel worker to the leader.  The core allocates through palloc in
 * CurrentMemoryContext, so every core call that grows the table runs in the
 * object's context.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "access/detoast.h"
#include "access/htup_details.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "compat.h"
#include "expanded_state.h"
#include "lca_glue.h"
#include "text_util.h"

#define PATTERNS_HINT "A response_patterns value looks like {J=3;0,2,1:3;1,2,1:40}: " \
	"J items, then each distinct pattern (categories 1..255, 0 = missing) with its count, in ascending order; " \
	"with covariates {J=3;P=1;skipped=0;0,2,1|0.5:3}."

/* the expanded form: the core's table and, once flattened, its encoding */
typedef struct PatternsObject
{
	ExpandedObjectHeader hdr;
	scomm_lca_table *table;		/* in hdr.eoh_context */
	int			nitems;			/* of the table */
	unsigned char *flat;		/* cached binary encoding, or NULL */
	size_t		flat_len;
} PatternsObject;

static Size PatternsFlatSize(ExpandedObjectHeader *eohptr);
static void PatternsFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size);

static const ExpandedObjectMethods PatternsMethods = {
	PatternsFlatSize,
	PatternsFlatten
};

/* The expanded object behind d when it is one of ours, else NULL. */
static inline PatternsObject *
PatternsObjectOf(Datum d)
{
	return (PatternsObject *) ScommExpandedOf(d, &PatternsMethods);
}

/* Encode the table once (in the object's context) for flattening. */
static Size
PatternsFlatSize(ExpandedObjectHeader *eohptr)
{
	PatternsObject *obj = (PatternsObject *) eohptr;

	if (obj->flat == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(obj->hdr.eoh_context);
		scomm_status st = scomm_lca_table_to_bytes(obj->table, &obj->flat, &obj->flat_len);

		MemoryContextSwitchTo(old);
		lca_check_status(st, "encoding response patterns");
		if (obj->flat_len > MaxAllocSize - VARHDRSZ)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("response_patterns value of %zu bytes is too large to store", obj->flat_len),
					 errdetail("A stored value holds at most 1 GB.")));
	}
	return VARHDRSZ + obj->flat_len;
}

static void
PatternsFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	PatternsObject *obj = (PatternsObject *) eohptr;

	Assert(obj->flat != NULL && allocated_size == VARHDRSZ + obj->flat_len);
	SET_VARSIZE(result, allocated_size);
	memcpy(VARDATA(result), obj->flat, obj->flat_len);
}

/*
 * A new expanded object in a context of its own under parent, holding a
 * copy of src (when given) or an empty table of nitems items.
 */
static PatternsObject *
PatternsObjectNew(MemoryContext parent, const scomm_lca_table *src, int nitems)
{
	PatternsObject *obj = SCOMM_EXPANDED_NEW(PatternsObject, parent, "response_patterns",
											 &PatternsMethods, ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(obj->hdr.eoh_context);
	scomm_status st;

	if (src != NULL)
		st = scomm_lca_table_copy(src, &obj->table);
	else
		st = scomm_lca_table_create(nitems, &obj->table);
	MemoryContextSwitchTo(old);
	lca_check_status(st, "creating response patterns");
	obj->nitems = scomm_lca_table_nitems(obj->table);
	return obj;
}

/* The table is about to change: drop the cached encoding. */
static void
PatternsTouch(PatternsObject *obj)
{
	if (obj->flat != NULL)
	{
		pfree(obj->flat);
		obj->flat = NULL;
		obj->flat_len = 0;
	}
}

scomm_lca_table *
lca_patterns_table(Datum d, bool *owned)
{
	PatternsObject *obj = PatternsObjectOf(d);
	struct varlena *v;
	scomm_lca_table *t = NULL;
	scomm_status st;

	if (obj != NULL)
	{
		*owned = false;
		return obj->table;
	}
	v = PG_DETOAST_DATUM_PACKED(d);
	st = scomm_lca_table_from_bytes((const unsigned char *) VARDATA_ANY(v),
									VARSIZE_ANY_EXHDR(v), &t);
	if (st == SCOMM_ECORRUPT)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid response_patterns value of %zu bytes", (size_t) VARSIZE_ANY_EXHDR(v))));
	lca_check_status(st, "reading response patterns");
	*owned = true;
	return t;
}

/* A varlena holding the binary encoding of t. */
static struct varlena *
PatternsFlat(const scomm_lca_table *t)
{
	unsigned char *bytes;
	size_t		len;
	struct varlena *v;

	lca_check_status(scomm_lca_table_to_bytes(t, &bytes, &len), "encoding response patterns");
	if (len > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("response_patterns value of %zu bytes is too large to store", len)));
	v = palloc(VARHDRSZ + len);
	SET_VARSIZE(v, VARHDRSZ + len);
	memcpy(VARDATA(v), bytes, len);
	pfree(bytes);
	return v;
}

PG_FUNCTION_INFO_V1(response_patterns_in);
Datum
response_patterns_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	size_t		start,
				len;
	scomm_lca_table *t = NULL;
	scomm_status st;

	scomm_trim(str, &start, &len);
	st = scomm_lca_table_from_text(str + start, len, &t);
	if (st == SCOMM_ECORRUPT || st == SCOMM_EINVAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type response_patterns: \"%s\"", lca_quote_input(str)),
				 errhint(PATTERNS_HINT)));
	lca_check_status(st, "reading response patterns");
	PG_RETURN_POINTER(PatternsFlat(t));
}

PG_FUNCTION_INFO_V1(response_patterns_out);
Datum
response_patterns_out(PG_FUNCTION_ARGS)
{
	bool		owned;
	scomm_lca_table *t = lca_patterns_table(PG_GETARG_DATUM(0), &owned);
	char	   *text;
	size_t		len;

	lca_check_status(scomm_lca_table_to_text(t, &text, &len), "writing response patterns");
	if (owned)
		scomm_lca_table_free(t);
	PG_RETURN_CSTRING(text);
}

PG_FUNCTION_INFO_V1(response_patterns_recv);
Datum
response_patterns_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	scomm_lca_table *t = NULL;
	scomm_status st;

	st = scomm_lca_table_from_bytes((const unsigned char *) buf->data + buf->cursor,
									buf->len - buf->cursor, &t);
	if (st == SCOMM_ECORRUPT || st == SCOMM_EINVAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary response_patterns value of %d bytes", buf->len - buf->cursor),
				 errdetail("Expected format version 1 (J (uint32), the number of patterns (uint64), "
						   "then each pattern's J category bytes and its count (binary64), in ascending order) "
						   "or %d (with covariates: docs/lca_core.md).",
						   SCOMM_LCA_TABLE_VERSION)));
	lca_check_status(st, "reading response patterns");
	buf->cursor = buf->len;
	PG_RETURN_POINTER(PatternsFlat(t));
}

PG_FUNCTION_INFO_V1(response_patterns_send);
Datum
response_patterns_send(PG_FUNCTION_ARGS)
{
	Datum		d = PG_GETARG_DATUM(0);
	PatternsObject *obj = PatternsObjectOf(d);
	StringInfoData buf;

	pq_begintypsend(&buf);
	if (obj != NULL)
	{
		PatternsFlatSize(&obj->hdr);
		pq_sendbytes(&buf, (const char *) obj->flat, obj->flat_len);
	}
	else
	{
		struct varlena *v = PG_DETOAST_DATUM_PACKED(d);

		pq_sendbytes(&buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Report a row or table whose number of items differs from the state's. */
static void
LengthMismatch(int have, int got, bool merging)
{
	if (merging)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge response patterns of %d items with response patterns of %d items",
						have, got)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("response pattern has %d items, earlier rows have %d", got, have),
			 errhint("Every row must have the same number of items; write a missing answer as NULL.")));
}

/*
 * The state to update (expanded_state.h).  In aggregate context: the state
 * itself when it is our read-write expanded object in this aggregate's
 * context, else a new object in the aggregate context (empty when the state
 * is NULL, or a copy of the state).  Outside an aggregate: always a new
 * object, so the caller's value is untouched.
 */
static inline PatternsObject *
WritableState(FunctionCallInfo fcinfo, int nitems)
{
	MemoryContext aggcxt;
	MemoryContext parent;
	ExpandedObjectHeader *state;
	PatternsObject *obj;
	scomm_lca_table *t;
	bool		owned;

	if (ScommExpandedState(fcinfo, &PatternsMethods, &aggcxt, &state) == 0)
		aggcxt = NULL;
	if (state != NULL)
		return (PatternsObject *) state;
	parent = aggcxt ? aggcxt : CurrentMemoryContext;
	if (PG_ARGISNULL(0))
		return PatternsObjectNew(parent, NULL, nitems);
	t = lca_patterns_table(PG_GETARG_DATUM(0), &owned);
	obj = PatternsObjectNew(parent, t, 0);
	if (owned)
		scomm_lca_table_free(t);
	return obj;
}

/* transition: count one row of answers (a NULL array is ignored) */
PG_FUNCTION_INFO_V1(response_patterns_accum);
Datum
response_patterns_accum(PG_FUNCTION_ARGS)
{
	unsigned char answers[SCOMM_LCA_MAX_ITEMS];
	int			nitems;
	PatternsObject *obj;
	MemoryContext old;
	scomm_status st;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	nitems = lca_read_items(PG_GETARG_DATUM(1), answers);
	obj = WritableState(fcinfo, nitems);
	if (obj->nitems != nitems)
		LengthMismatch(obj->nitems, nitems, false);
	PatternsTouch(obj);
	old = MemoryContextSwitchTo(obj->hdr.eoh_context);
	st = scomm_lca_table_add_bytes(obj->table, answers, nitems, 1.0);
	MemoryContextSwitchTo(old);
	if (unlikely(st != SCOMM_OK))
		lca_check_status(st, "adding a response pattern");
	PG_RETURN_DATUM(EOHPGetRWDatum(&obj->hdr));
}

/* Report covariates whose count differs from the table's. */
static void
CovariateMismatch(int have, int got)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("row has %d covariates, earlier rows have %d", got, have),
			 errhint("Every row must have the same number of covariates; write an unknown value as NULL.")));
}

/*
 * transition of response_patterns(items, covariates): count one row with
 * its covariates; a row with a NULL covariate (or a NULL covariates array)
 * is left out and counted; a NULL items array is ignored
 */
PG_FUNCTION_INFO_V1(response_patterns_accum_cov);
Datum
response_patterns_accum_cov(PG_FUNCTION_ARGS)
{
	unsigned char answers[SCOMM_LCA_MAX_ITEMS];
	double		cov[SCOMM_LCA_MAX_COVARIATES];
	int			nitems,
				ncov = -1;
	PatternsObject *obj;
	MemoryContext old;
	scomm_status st;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	nitems = lca_read_items(PG_GETARG_DATUM(1), answers);
	if (!PG_ARGISNULL(2))
		ncov = lca_read_covariates(PG_GETARG_DATUM(2), cov);
	obj = WritableState(fcinfo, nitems);
	if (obj->nitems != nitems)
		LengthMismatch(obj->nitems, nitems, false);
	PatternsTouch(obj);
	old = MemoryContextSwitchTo(obj->hdr.eoh_context);
	if (ncov < 0)
		st = scomm_lca_table_add_skipped(obj->table, 1.0);
	else
	{
		int			have = scomm_lca_table_ncov(obj->table);

		if (have != ncov && scomm_lca_table_npatterns(obj->table) == 0 && have == 0)
			scomm_lca_table_set_ncov(obj->table, ncov);
		else if (have != ncov)
		{
			MemoryContextSwitchTo(old);
			CovariateMismatch(have, ncov);
		}
		st = scomm_lca_table_add_cov(obj->table, answers, nitems, cov, ncov, 1.0);
	}
	MemoryContextSwitchTo(old);
	if (unlikely(st != SCOMM_OK))
		lca_check_status(st, "adding a response pattern");
	PG_RETURN_DATUM(EOHPGetRWDatum(&obj->hdr));
}

/* combine, and transition of the aggregate over stored tables: a + b */
PG_FUNCTION_INFO_V1(response_patterns_merge);
Datum
response_patterns_merge(PG_FUNCTION_ARGS)
{
	scomm_lca_table *other;
	bool		owned;
	PatternsObject *obj;
	MemoryContext old;
	scomm_status st;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	other = lca_patterns_table(PG_GETARG_DATUM(1), &owned);
	if (PG_ARGISNULL(0))
	{
		MemoryContext aggcxt;

		if (!AggCheckCallContext(fcinfo, &aggcxt))
			aggcxt = CurrentMemoryContext;
		obj = PatternsObjectNew(aggcxt, other, 0);
	}
	else
	{
		obj = WritableState(fcinfo, 0);
		if (scomm_lca_table_nitems(obj->table) != scomm_lca_table_nitems(other))
			LengthMismatch(scomm_lca_table_nitems(obj->table), scomm_lca_table_nitems(other), true);
		if (scomm_lca_table_ncov(obj->table) != scomm_lca_table_ncov(other) &&
			scomm_lca_table_npatterns(obj->table) > 0 && scomm_lca_table_npatterns(other) > 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cannot merge response patterns with %d covariates with response patterns with %d",
							scomm_lca_table_ncov(obj->table), scomm_lca_table_ncov(other))));
		PatternsTouch(obj);
		old = MemoryContextSwitchTo(obj->hdr.eoh_context);
		st = scomm_lca_table_merge(obj->table, other);
		MemoryContextSwitchTo(old);
		lca_check_status(st, "merging response patterns");
	}
	if (owned)
		scomm_lca_table_free(other);
	PG_RETURN_DATUM(EOHPGetRWDatum(&obj->hdr));
}

/*
 * the patterns of a table in canonical order: pattern int[] (NULL =
 * missing), count (summed over covariate values)
 */
PG_FUNCTION_INFO_V1(response_patterns_counts);
Datum
response_patterns_counts(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		owned;
	scomm_lca_table *src = lca_patterns_table(PG_GETARG_DATUM(0), &owned);
	scomm_lca_table *t = src;
	int			nitems = scomm_lca_table_nitems(src);
	int		   *answers = palloc(nitems * sizeof(int));
	int		   *later = palloc(nitems * sizeof(int));
	Datum	   *elems = palloc(nitems * sizeof(Datum));
	bool	   *elnulls = palloc(nitems * sizeof(bool));
	int			dims[1] = {nitems};
	int			lbs[1] = {1};
	size_t		i;
	int			j;

	InitMaterializedSRF(fcinfo, 0);
	if (!owned)
		lca_check_status(scomm_lca_table_copy(src, &t), "copying response patterns");
	lca_check_status(scomm_lca_table_sort(t), "sorting response patterns");
	for (i = 0; i < scomm_lca_table_npatterns(t); i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};
		double		count,
					next = 0.0;

		scomm_lca_table_get(t, i, answers, &count);
		/* with covariates: the rows of one item pattern are adjacent */
		while (i + 1 < scomm_lca_table_npatterns(t) &&
			   scomm_lca_table_get(t, i + 1, later, &next) == SCOMM_OK &&
			   memcmp(later, answers, nitems * sizeof(int)) == 0)
		{
			count += next;
			i++;
		}
		for (j = 0; j < nitems; j++)
		{
			elems[j] = Int32GetDatum(answers[j]);
			elnulls[j] = answers[j] == 0;
		}
		values[0] = PointerGetDatum(construct_md_array(elems, elnulls, 1, dims, lbs,
													   INT4OID, sizeof(int32), true, TYPALIGN_INT));
		values[1] = Float8GetDatum(count);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if (i % 1024 == 1023)
			CHECK_FOR_INTERRUPTS();
	}
	scomm_lca_table_free(t);
	return (Datum) 0;
}

/* number of items, distinct patterns and rows (the sum of the counts) */
PG_FUNCTION_INFO_V1(response_patterns_size);
Datum
response_patterns_size(PG_FUNCTION_ARGS)
{
	bool		owned;
	scomm_lca_table *t = lca_patterns_table(PG_GETARG_DATUM(0), &owned);
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = Int32GetDatum(scomm_lca_table_nitems(t));
	values[1] = Int64GetDatum((int64) scomm_lca_table_npatterns(t));
	values[2] = Float8GetDatum(scomm_lca_table_total(t));
	if (owned)
		scomm_lca_table_free(t);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/*
 * the rows of a table with covariates in canonical order: pattern int[]
 * (NULL = missing), covariates float8[], count
 */
PG_FUNCTION_INFO_V1(response_patterns_covariate_counts);
Datum
response_patterns_covariate_counts(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		owned;
	scomm_lca_table *src = lca_patterns_table(PG_GETARG_DATUM(0), &owned);
	scomm_lca_table *t = src;
	int			nitems = scomm_lca_table_nitems(src);
	int			ncov = scomm_lca_table_ncov(src);
	int		   *answers = palloc(nitems * sizeof(int));
	double		cov[SCOMM_LCA_MAX_COVARIATES];
	Datum	   *elems = palloc(nitems * sizeof(Datum));
	Datum		celems[SCOMM_LCA_MAX_COVARIATES];
	bool	   *elnulls = palloc(nitems * sizeof(bool));
	int			dims[1] = {nitems};
	int			lbs[1] = {1};
	size_t		i;
	int			j;

	InitMaterializedSRF(fcinfo, 0);
	if (!owned)
		lca_check_status(scomm_lca_table_copy(src, &t), "copying response patterns");
	lca_check_status(scomm_lca_table_sort(t), "sorting response patterns");
	for (i = 0; i < scomm_lca_table_npatterns(t); i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};
		double		count;

		scomm_lca_table_get(t, i, answers, &count);
		scomm_lca_table_get_cov(t, i, cov);
		for (j = 0; j < nitems; j++)
		{
			elems[j] = Int32GetDatum(answers[j]);
			elnulls[j] = answers[j] == 0;
		}
		for (j = 0; j < ncov; j++)
			celems[j] = Float8GetDatum(cov[j]);
		values[0] = PointerGetDatum(construct_md_array(elems, elnulls, 1, dims, lbs,
													   INT4OID, sizeof(int32), true, TYPALIGN_INT));
		values[1] = PointerGetDatum(construct_array(celems, ncov, FLOAT8OID, sizeof(float8),
													FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		values[2] = Float8GetDatum(count);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if (i % 1024 == 1023)
			CHECK_FOR_INTERRUPTS();
	}
	scomm_lca_table_free(t);
	return (Datum) 0;
}

/* the number of covariates and of rows left out for a NULL covariate */
PG_FUNCTION_INFO_V1(response_patterns_covariates);
Datum
response_patterns_covariates(PG_FUNCTION_ARGS)
{
	bool		owned;
	scomm_lca_table *t = lca_patterns_table(PG_GETARG_DATUM(0), &owned);
	TupleDesc	tupdesc;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = Int32GetDatum(scomm_lca_table_ncov(t));
	values[1] = Float8GetDatum(scomm_lca_table_skipped(t));
	if (owned)
		scomm_lca_table_free(t);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
