/*
 * did_estimators.c: the estimators over a did_panel — att_gt, att_aggregate,
 * pretest, twfe and twfe_event_study — on top of the core in src/core/did*.
 *
 * Every function finalizes the panel (sort, checks, balance), runs the core
 * and turns its statuses into errors with specific SQLSTATEs, and what did
 * would warn about into NOTICEs.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "common/hashfn.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include <gsl/gsl_cdf.h>

#include "compat.h"
#include "core_status.h"
#include "did_glue.h"
#include "result_util.h"
#include "text_util.h"

/* ---- options -------------------------------------------------------------- */

/* Is the option text equal to name, ignoring case, '_', '-' and spaces? */
bool
OptionIs(const char *value, const char *name)
{
	const char *v = value;

	for (;;)
	{
		while (*v == '_' || *v == '-' || *v == ' ')
			v++;
		if (*v == '\0' || *name == '\0')
			return *v == '\0' && *name == '\0';
		if (pg_tolower((unsigned char) *v) != *name)
			return false;
		v++;
		name++;
	}
}

static void
BadOption(const char *what, const char *value, const char *valid)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown %s \"%s\"", what, value),
			 errhint("Valid values are %s.", valid)));
}

scomm_did_control
ParseControl(text *t)
{
	char	   *s = text_to_cstring(t);

	if (OptionIs(s, "notyettreated"))
		return SCOMM_DID_NOT_YET_TREATED;
	if (OptionIs(s, "nevertreated"))
		return SCOMM_DID_NEVER_TREATED;
	BadOption("control group", s, "notyettreated and nevertreated");
	return SCOMM_DID_NOT_YET_TREATED;
}

static scomm_did_base
ParseBase(text *t)
{
	char	   *s = text_to_cstring(t);

	if (OptionIs(s, "varying"))
		return SCOMM_DID_BASE_VARYING;
	if (OptionIs(s, "universal"))
		return SCOMM_DID_BASE_UNIVERSAL;
	BadOption("base period", s, "varying and universal");
	return SCOMM_DID_BASE_VARYING;
}

/* unbalanced => what finalize does with units not observed in every period */
static scomm_did_unbalanced
ParseUnbalanced(text *t)
{
	char	   *s = text_to_cstring(t);

	if (OptionIs(s, "drop"))
		return SCOMM_DID_UNBALANCED_DROP;
	if (OptionIs(s, "error"))
		return SCOMM_DID_UNBALANCED_ERROR;
	if (OptionIs(s, "keep"))
		return SCOMM_DID_UNBALANCED_KEEP;
	BadOption("unbalanced-panel rule", s, "drop, error and keep");
	return SCOMM_DID_UNBALANCED_DROP;
}

/* unbalanced for the two-way fixed effects, which need a balanced panel */
bool
ParseTwfeUnbalanced(text *t)
{
	char	   *s = text_to_cstring(t);

	if (OptionIs(s, "drop"))
		return false;
	if (OptionIs(s, "error"))
		return true;
	BadOption("unbalanced-panel rule", s, "drop and error (this estimator needs a balanced panel)");
	return false;
}

static scomm_did_method
ParseMethod(text *t)
{
	char	   *s = text_to_cstring(t);

	if (OptionIs(s, "dr"))
		return SCOMM_DID_METHOD_DR;
	if (OptionIs(s, "ipw"))
		return SCOMM_DID_METHOD_IPW;
	if (OptionIs(s, "reg"))
		return SCOMM_DID_METHOD_REG;
	BadOption("method", s, "dr (doubly robust), ipw (inverse probability weighting) and reg (outcome regression)");
	return SCOMM_DID_METHOD_DR;
}

static scomm_did_se_level
ParseCluster(text *t)
{
	char	   *s = text_to_cstring(t);

	if (OptionIs(s, "unit"))
		return SCOMM_DID_SE_UNIT;
	if (OptionIs(s, "cluster"))
		return SCOMM_DID_SE_CLUSTER;
	BadOption("cluster level", s, "unit and cluster");
	return SCOMM_DID_SE_UNIT;
}

static scomm_did_sampling
ParseSampling(text *t)
{
	char	   *s = text_to_cstring(t);

	if (OptionIs(s, "panel"))
		return SCOMM_DID_SAMPLING_PANEL;
	if (OptionIs(s, "crosssection"))
		return SCOMM_DID_SAMPLING_CROSS_SECTION;
	BadOption("sampling", s, "panel and cross_section");
	return SCOMM_DID_SAMPLING_PANEL;
}

static const char *const AggKindNames[] = {"simple", "dynamic", "group", "calendar"};

static scomm_did_agg_type
ParseKind(text *t)
{
	char	   *s = text_to_cstring(t);
	int			i;

	for (i = 0; i < lengthof(AggKindNames); i++)
		if (OptionIs(s, AggKindNames[i]))
			return (scomm_did_agg_type) i;
	BadOption("aggregation", s, "simple, dynamic, group and calendar");
	return SCOMM_DID_AGG_SIMPLE;
}

double
CheckAlpha(double alpha)
{
	if (!(alpha > 0.0 && alpha < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("alpha must be between 0 and 1, not %g", alpha)));
	return alpha;
}

int
CheckAnticipation(int32 anticipation)
{
	if (anticipation < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("anticipation must not be negative: %d", anticipation)));
	return anticipation;
}

static int
CheckBootstrap(int32 b)
{
	if (b < 0 || b == 1 || b > 1000000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bootstrap must be 0 (analytic standard errors) or 2 to 1000000 draws, not %d", b)));
	return b;
}

/* ---- errors ------------------------------------------------------------- */

/* ERROR for a failed core call; diag (may be NULL) names the unit. */
void
DidError(scomm_status st, const scomm_did_diag *diag, const char *what)
{
	ScommRaiseCommon(st, what);
	if (st == SCOMM_ESINGULAR && (diag == NULL || diag->code == SCOMM_DID_ERR_NONE))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: the design is singular", what),
				 errhint("For the pre-test, restrict it to a window of leads; for the event study, "
						 "use fewer leads and lags or bin them.")));
	if (diag != NULL && diag->code != SCOMM_DID_ERR_NONE)
	{
		int			code = ERRCODE_INVALID_PARAMETER_VALUE;
		const char *hint = NULL;

		switch (diag->code)
		{
			case SCOMM_DID_ERR_DUPLICATE:
				code = ERRCODE_CARDINALITY_VIOLATION;
				break;
			case SCOMM_DID_ERR_UNBALANCED:
				hint = "Use unbalanced => 'drop' to leave out incomplete units, or 'keep' to keep them.";
				break;
			case SCOMM_DID_ERR_WEIGHT:
				hint = "A unit's weight (e.g. its population in a base year) is the same in all its rows; NULL in every row means 1.";
				break;
			case SCOMM_DID_ERR_CLUSTER:
				hint = "A unit belongs to one cluster (e.g. its state) in all its rows; NULL in every row means none.";
				break;
			case SCOMM_DID_ERR_COLLINEAR:
				code = ERRCODE_DATA_EXCEPTION;
				hint = "Leave that covariate out: the intercept and the other covariates already carry it.";
				break;
			case SCOMM_DID_ERR_SEPARATION:
				code = ERRCODE_DATA_EXCEPTION;
				hint = "A covariate predicts treatment perfectly in this comparison, so the propensity score does not exist: "
					"leave it out or coarsen it, or use method => 'reg'.";
				break;
			default:
				break;
		}
		ereport(ERROR,
				(errcode(code),
				 errmsg("%s: %s", what, diag->message),
				 hint ? errhint("%s", hint) : 0));
	}
	ScommRaiseStatus(st, what);
}

/* ---- the estimation pipeline -------------------------------------------- */

/*
 * ERROR 22003 unless the estimators can work in double precision: the
 * outcomes' squares (variances, influence functions) must not overflow,
 * and every period - first period (event times, int4) must fit.
 */
static void
CheckPanelRange(const scomm_did_panel *p, const char *what)
{
	int64		lo = p->periods[0],
				hi = p->periods[p->n_periods - 1];
	double		ss = 0;
	size_t		k,
				n = (size_t) p->n_units * p->n_periods;
	int			i;

	for (k = 0; k < n; k++)
		if (!isnan(p->y[k]))	/* NaN: a kept unit not observed then */
			ss += p->y[k] * p->y[k];
	if (p->cov != NULL)
		for (k = 0; k < n * p->n_cov; k++)
			if (!isnan(p->cov[k]))
				ss += p->cov[k] * p->cov[k];
	if (!isfinite(ss))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: the outcomes or covariates are too large in magnitude for double precision", what),
				 errdetail("Their squares, which the fits and standard errors need, overflow."),
				 errhint("Rescale them (e.g. thousands instead of units).")));
	for (i = 0; i < p->n_units; i++)
		if (p->first_period[i] != SCOMM_DID_NEVER)
		{
			lo = Min(lo, p->first_period[i]);
			hi = Max(hi, p->first_period[i]);
		}
	if (hi - lo > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: periods and first periods from " INT64_FORMAT " to " INT64_FORMAT " are too far apart",
						what, lo, hi),
				 errdetail("Event times (period - first period) must fit in an integer."),
				 errhint("Number the periods from a nearby origin, e.g. year - 2000 or period_of(at, 'month').")));
}

/*
 * A cache of the last fits in this backend.  att_gt and the aggregations
 * are IMMUTABLE functions of the panel's bytes and the options, and a query
 * that asks for att_gt and four aggregations of one panel (as an analysis
 * does, and as R's aggte reuses one att_gt) would otherwise estimate every
 * group-time cell five times.  The key is two 64-bit hashes of the panel's
 * bytes, its length and every option; a fit is kept in its own memory
 * context under TopMemoryContext, at most FIT_CACHE_SIZE fits of at most
 * FIT_CACHE_MAX_BYTES each, the least recently used evicted first.
 */
#define FIT_CACHE_SIZE 2
#define FIT_CACHE_MAX_BYTES ((Size) 256 * 1024 * 1024)

typedef struct FitKey
{
	uint64		h1,
				h2;
	Size		len;
	scomm_did_options opt;
	scomm_did_unbalanced ub;
	scomm_did_sampling sampling;
} FitKey;

typedef struct FitEntry
{
	bool		used;
	uint64		tick;
	FitKey		key;
	MemoryContext cxt;
	scomm_did_panel *panel;
	scomm_did_attgt *attgt;
} FitEntry;

static FitEntry fit_cache[FIT_CACHE_SIZE];
static uint64 fit_tick;
static bool fit_cache_on = true;

/* Turning the cache off empties it (the fits' memory goes back at once). */
static void
FitCacheAssign(bool newval, void *extra)
{
	int			i;

	if (newval)
		return;
	for (i = 0; i < FIT_CACHE_SIZE; i++)
		if (fit_cache[i].used)
		{
			MemoryContextDelete(fit_cache[i].cxt);
			fit_cache[i].used = false;
		}
}

void
DidDefineSettings(void)
{
	DefineCustomBoolVariable("scomm.did_fit_cache",
							 "Keep the last group-time fits of this session for the next call on the same panel.",
							 "Off: every att_gt, att_aggregate and pretest call estimates its cells anew, and the kept fits are freed.",
							 &fit_cache_on, true, PGC_USERSET, 0, NULL, FitCacheAssign, NULL);
}

/* The key of a flat panel and the options (zero-filled so memcmp works). */
static void
MakeKey(FitKey *k, struct varlena *v, const scomm_did_options *opt,
		scomm_did_unbalanced ub, scomm_did_sampling sampling)
{
	const unsigned char *data = (const unsigned char *) VARDATA_ANY(v);
	int			len = VARSIZE_ANY_EXHDR(v);

	memset(k, 0, sizeof(*k));
	k->h1 = hash_bytes_extended(data, len, UINT64CONST(0x5343444944303031));
	k->h2 = hash_bytes_extended(data, len, UINT64CONST(0x0123456789abcdef));
	k->len = len;
	k->opt.control = opt->control;
	k->opt.base_period = opt->base_period;
	k->opt.anticipation = opt->anticipation;
	k->opt.alpha = opt->alpha;
	k->opt.method = opt->method;
	k->opt.se_level = opt->se_level;
	k->ub = ub;
	k->sampling = sampling;
}

static FitEntry *
CacheFind(const FitKey *k)
{
	int			i;

	for (i = 0; i < FIT_CACHE_SIZE; i++)
		if (fit_cache[i].used && memcmp(&fit_cache[i].key, k, sizeof(*k)) == 0)
		{
			fit_cache[i].tick = ++fit_tick;
			return &fit_cache[i];
		}
	return NULL;
}

/* Keep a fresh fit (its context moves under TopMemoryContext). */
static void
CacheStore(const FitKey *k, DidFit *f)
{
	FitEntry   *e = &fit_cache[0];
	int			i;

	if (MemoryContextMemAllocated(f->cxt, true) > FIT_CACHE_MAX_BYTES)
		return;
	for (i = 0; i < FIT_CACHE_SIZE; i++)
		if (!fit_cache[i].used || fit_cache[i].tick < e->tick)
		{
			e = &fit_cache[i];
			if (!e->used)
				break;
		}
	if (e->used)
		MemoryContextDelete(e->cxt);
	MemoryContextSetParent(f->cxt, TopMemoryContext);
	e->used = true;
	e->tick = ++fit_tick;
	e->key = *k;
	e->cxt = f->cxt;
	e->panel = f->panel;
	e->attgt = f->attgt;
	f->cached = true;
}

/* Finalize a panel, with a NOTICE for dropped incomplete units. */
static scomm_did_panel *
FinalizeQuiet(Datum panel, scomm_did_unbalanced ub, scomm_did_sampling sampling,
			  const char *what)
{
	scomm_did_collector *rows = DidPanelRows(panel);
	scomm_did_panel *p = NULL;
	scomm_did_diag diag;
	scomm_status st;

	memset(&diag, 0, sizeof(diag));
	st = scomm_did_panel_finalize_ex(rows, ub, sampling, &p, &diag);
	scomm_did_collector_free(rows);
	if (st != SCOMM_OK)
		DidError(st, &diag, what);
	CheckPanelRange(p, what);
	return p;
}

/* What finalize did with incomplete units, as NOTICEs. */
static void
PanelNotices(const scomm_did_panel *p, const char *what)
{
	if (p->n_incomplete > 0)
		ereport(NOTICE,
				(errmsg("%s: %d of %d units are not observed in every period and are kept",
						what, p->n_incomplete, p->n_units),
				 errdetail("Every comparison uses the rows of the two periods it compares, with the repeated cross-section estimators and influence functions summed by unit, as R's did with allow_unbalanced_panel = TRUE.")));
	if (p->n_dropped_unbalanced > 0)
		ereport(NOTICE,
				(errmsg("%s: %d of %d units are not observed in every period and were left out",
						what, p->n_dropped_unbalanced, p->n_dropped_unbalanced + p->n_units),
				 errhint("Use unbalanced => 'keep' to keep them, or 'error' to stop at the first incomplete unit instead.")));
}

static scomm_did_panel *
FinalizePanelEx(Datum panel, scomm_did_unbalanced ub, scomm_did_sampling sampling,
				const char *what)
{
	scomm_did_panel *p = FinalizeQuiet(panel, ub, sampling, what);

	PanelNotices(p, what);
	return p;
}

scomm_did_panel *
FinalizePanel(Datum panel, bool strict, const char *what)
{
	return FinalizePanelEx(panel, strict ? SCOMM_DID_UNBALANCED_ERROR : SCOMM_DID_UNBALANCED_DROP,
						   SCOMM_DID_SAMPLING_PANEL, what);
}

/* The latest cohort that did pre-processing keeps, for the NOTICE. */
static int32
LastCohort(const scomm_did_panel *p, int anticipation)
{
	int64		tmax = p->periods[p->n_periods - 1];
	int32		last = PG_INT32_MIN;
	int			i;

	for (i = 0; i < p->n_units; i++)
	{
		int32		g = p->first_period[i];

		if (g != SCOMM_DID_NEVER && (int64) g <= tmax + anticipation && g > last)
			last = g;
	}
	return last;
}

/* ATT(g,t) of a panel, with the NOTICEs did would print as warnings. */
DidFit
FitAttGt(Datum panel, const scomm_did_options *opt, scomm_did_unbalanced ub,
		 scomm_did_sampling sampling, const char *what)
{
	DidFit		f;
	scomm_did_diag diag;
	scomm_status st;
	int			k,
				nulls = 0,
				overlap = 0,
				singular = 0;
	int64		overlap_unit = 0;
	struct varlena *flat = NULL;
	FitKey		key;
	FitEntry   *hit = NULL;

	memset(&f, 0, sizeof(f));
	if (fit_cache_on && !VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(panel)))
	{
		flat = PG_DETOAST_DATUM_PACKED(panel);
		MakeKey(&key, flat, opt, ub, sampling);
		hit = CacheFind(&key);
		panel = PointerGetDatum(flat);
	}
	if (hit != NULL)
	{
		f.panel = hit->panel;
		f.attgt = hit->attgt;
		f.cxt = hit->cxt;
		f.cached = true;
	}
	else
	{
		MemoryContext old;

		/* a child of the current context until it is cached: errors free it */
		f.cxt = AllocSetContextCreate(CurrentMemoryContext, "scomm did fit",
									  ALLOCSET_DEFAULT_SIZES);
		old = MemoryContextSwitchTo(f.cxt);
		f.panel = FinalizeQuiet(panel, ub, sampling, what);
		/* what finalize did comes first, also when the estimation fails */
		PanelNotices(f.panel, what);
		memset(&diag, 0, sizeof(diag));
		st = scomm_did_att_gt(f.panel, opt, &f.attgt, &diag);
		MemoryContextSwitchTo(old);
		if (st != SCOMM_OK)
			DidError(st, &diag, what);
		if (flat != NULL)
			CacheStore(&key, &f);
	}
	if (hit != NULL)
		PanelNotices(f.panel, what);
	if (f.attgt->flags & SCOMM_DID_FLAG_LATE_AS_NEVER)
		ereport(NOTICE,
				(errmsg("%s: units first treated after the last period are counted as never treated", what)));
	if (f.attgt->flags & SCOMM_DID_FLAG_DROPPED_EARLY)
		ereport(NOTICE,
				(errmsg("%s: %d units treated by the first period (" INT64_FORMAT ") were left out",
						what, f.attgt->n_dropped_early,
						(int64) f.panel->periods[0] + opt->anticipation)));
	if (f.attgt->flags & SCOMM_DID_FLAG_LAST_COHORT_CONTROL)
	{
		int32		last = LastCohort(f.panel, opt->anticipation);

		ereport(NOTICE,
				(errmsg("%s: no unit is never treated, so the last cohort (first period %d) is the comparison group",
						what, last),
				 errdetail("Periods from " INT64_FORMAT " on are left out and that cohort has no estimates of its own, as R's did does.",
						   (int64) last - opt->anticipation)));
	}
	for (k = 0; k < f.attgt->n_cells; k++)
	{
		scomm_did_cell_status s = f.attgt->cells[k].status;

		if (s == SCOMM_DID_CELL_NO_CONTROL || s == SCOMM_DID_CELL_TRIMMED)
			nulls++;
		else if (s == SCOMM_DID_CELL_OVERLAP)
		{
			if (overlap++ == 0)
				overlap_unit = f.attgt->cells[k].bad_unit;
		}
		else if (s == SCOMM_DID_CELL_SINGULAR)
			singular++;
	}
	if (nulls > 0)
		ereport(NOTICE,
				(errmsg("%s: %d of %d group-time cells have no usable control units (none, or treated units are 99.5%% or more of the cell); their estimates are NULL",
						what, nulls, f.attgt->n_cells)));
	if (overlap > 0)
		ereport(NOTICE,
				(errmsg("%s: in %d of %d group-time cells a propensity score reaches 0.999 (unit " INT64_FORMAT " the first); their estimates are NULL",
						what, overlap, f.attgt->n_cells, overlap_unit),
				 errdetail("The overlap condition fails there, as R's did warns.")));
	if (singular > 0)
		ereport(NOTICE,
				(errmsg("%s: %d of %d group-time cells have too few units for the covariates; their estimates are NULL",
						what, singular, f.attgt->n_cells)));
	return f;
}

void
FreeFit(DidFit *f)
{
	if (f->cached)
		return;
	if (f->cxt != NULL)
		MemoryContextDelete(f->cxt);
	else
	{
		scomm_did_attgt_free(f->attgt);
		scomm_did_panel_free(f->panel);
	}
}

/*
 * The options; method_arg < 0 or beyond the call's arguments (a 1.0
 * declaration calling this library) leaves the 1.1 options at their
 * defaults: dr, by unit, panel.
 */
static scomm_did_options
ReadOptions(FunctionCallInfo fcinfo, int control_arg, int method_arg,
			scomm_did_sampling *sampling)
{
	scomm_did_options opt;

	memset(&opt, 0, sizeof(opt));
	opt.control = ParseControl(PG_GETARG_TEXT_PP(control_arg));
	opt.base_period = ParseBase(PG_GETARG_TEXT_PP(control_arg + 1));
	opt.anticipation = CheckAnticipation(PG_GETARG_INT32(control_arg + 2));
	opt.alpha = 0.05;
	*sampling = SCOMM_DID_SAMPLING_PANEL;
	if (method_arg >= 0 && PG_NARGS() >= method_arg + 3)
	{
		opt.method = ParseMethod(PG_GETARG_TEXT_PP(method_arg));
		opt.se_level = ParseCluster(PG_GETARG_TEXT_PP(method_arg + 1));
		*sampling = ParseSampling(PG_GETARG_TEXT_PP(method_arg + 2));
	}
	return opt;
}

/* NULL in any of the first n arguments (the function was STRICT in 1.0) */
static bool
AnyNullArg(FunctionCallInfo fcinfo, int n)
{
	int			i;

	for (i = 0; i < n && i < PG_NARGS(); i++)
		if (PG_ARGISNULL(i))
			return true;
	return false;
}

/*
 * A float8 column under the one result policy (result_util.h): NULL for NaN
 * (not estimable), ERROR 22003 for +-Infinity.  scomm 1.0 wrote NULL for any
 * value that was not finite; no 1.0 answer changes: CheckPanelRange refuses
 * panels whose squares overflow, so an estimate cannot overflow, and the two
 * quotients that could divide by zero give NaN explicitly (TTest's critical
 * value without degrees of freedom, TRatio of a zero standard error).
 */
void
SetFloat(Datum *values, bool *nulls, int i, double v)
{
	ScommSetFloat8(values, nulls, i, v, "a difference-in-differences result");
}

/* Bootstrap k linear functionals: standard errors and the sup-t critical value. */
static scomm_did_boot *
Bootstrap(const scomm_did_attgt *a, const scomm_did_linear *lin, int k,
		  int draws, int64 seed, double alpha, const char *what)
{
	scomm_did_boot *b = NULL;
	scomm_status st = scomm_did_mboot(a, lin, k, draws, (unsigned long) (uint64) seed,
									  alpha, &b);

	if (st == SCOMM_ETOOBIG)
		ScommRaiseStatusHint(st, what,
							 psprintf("The bootstrap keeps every draw of every estimate: %d draws of %d estimates are more than %d; use fewer draws or aggregate first.",
									  draws, k, SCOMM_DID_BOOT_MAX_VALUES));
	if (st != SCOMM_OK)
		DidError(st, NULL, what);
	return b;
}

/* did's rule for the band: sup-t, or pointwise when it is not larger */
static double
BandCritical(const scomm_did_boot *b, double z, const char *what)
{
	if (!isfinite(b->crit_val) || b->crit_val < z)
	{
		ereport(NOTICE,
				(errmsg("%s: the simultaneous critical value is not above the pointwise one; the bands are pointwise",
						what)));
		return z;
	}
	return b->crit_val;
}

/* ---- att_gt ------------------------------------------------------------- */

/*
 * att_gt(panel, control, base_period, anticipation, alpha, bootstrap, seed,
 *        unbalanced [, method, cluster, sampling]): one row per group-time
 * cell.  1.0 declared the first eight arguments (STRICT).
 */
PG_FUNCTION_INFO_V1(scomm_att_gt);
Datum
scomm_att_gt(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *what = "att_gt";
	scomm_did_sampling sampling;
	scomm_did_options opt;
	int			draws;
	int64		seed;
	scomm_did_unbalanced ub;
	double		z;
	double	   *boot_se = NULL;
	double		crit = 0;
	DidFit		f;
	int			k,
				used = 0;

	InitMaterializedSRF(fcinfo, 0);
	if (AnyNullArg(fcinfo, PG_NARGS()))
		return (Datum) 0;
	opt = ReadOptions(fcinfo, 1, 8, &sampling);
	draws = CheckBootstrap(PG_GETARG_INT32(5));
	seed = PG_GETARG_INT64(6);
	ub = ParseUnbalanced(PG_GETARG_TEXT_PP(7));
	opt.alpha = CheckAlpha(PG_GETARG_FLOAT8(4));
	z = gsl_cdf_ugaussian_Qinv(opt.alpha / 2);
	f = FitAttGt(PG_GETARG_DATUM(0), &opt, ub, sampling, what);

	if (draws > 0)
	{
		scomm_did_linear *lin = NULL;
		scomm_did_boot *b;
		scomm_status st = scomm_did_cell_linears(f.attgt, &lin, &used);

		if (st != SCOMM_OK)
			DidError(st, NULL, what);
		boot_se = palloc(sizeof(double) * (f.attgt->n_cells));
		for (k = 0; k < f.attgt->n_cells; k++)
			boot_se[k] = NAN;
		if (used > 0)
		{
			int			j = 0;

			b = Bootstrap(f.attgt, lin, used, draws, seed, opt.alpha, what);
			crit = BandCritical(b, z, what);
			/* cell_linears lists the usable cells in cell order */
			for (k = 0; k < f.attgt->n_cells && j < used; k++)
				if (lin[j].n_terms == 1 && lin[j].cell[0] == k)
					boot_se[k] = b->se[j++];
			scomm_did_boot_free(b);
		}
		scomm_did_linears_free(lin, used);
	}

	for (k = 0; k < f.attgt->n_cells; k++)
	{
		const scomm_did_cell *c = &f.attgt->cells[k];
		Datum		values[9];
		bool		nulls[9] = {0};
		double		se = boot_se ? boot_se[k] : c->se;
		double		cv = boot_se ? crit : z;

		values[0] = Int32GetDatum(c->group);
		values[1] = Int32GetDatum(c->period);
		values[2] = Int32GetDatum(c->period - c->group);
		SetFloat(values, nulls, 3, c->att);
		if (c->status == SCOMM_DID_CELL_REFERENCE)
			nulls[4] = nulls[5] = nulls[6] = true;
		else
		{
			SetFloat(values, nulls, 4, se);
			SetFloat(values, nulls, 5, c->att - cv * se);
			SetFloat(values, nulls, 6, c->att + cv * se);
		}
		values[7] = Int32GetDatum(c->n_treated);
		values[8] = Int32GetDatum(c->n_control);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	FreeFit(&f);
	return (Datum) 0;
}

/* ---- att_aggregate ------------------------------------------------------ */

static void
PutAggRow(ReturnSetInfo *rsinfo, scomm_did_agg_type kind, bool has_label,
		  int32 label, double est, double se, double cv)
{
	Datum		values[6];
	bool		nulls[6] = {0};

	values[0] = CStringGetTextDatum(AggKindNames[kind]);
	if (has_label)
		values[1] = Int32GetDatum(label);
	else
		nulls[1] = true;
	SetFloat(values, nulls, 2, est);
	SetFloat(values, nulls, 3, se);
	SetFloat(values, nulls, 4, est - cv * se);
	SetFloat(values, nulls, 5, est + cv * se);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/* aggte's min_e, max_e, balance_e at arg, arg + 1, arg + 2 (NULL: not given) */
static scomm_did_agg_options
ReadAggOptions(FunctionCallInfo fcinfo, int arg)
{
	scomm_did_agg_options o;

	memset(&o, 0, sizeof(o));
	if (PG_NARGS() < arg + 3)
		return o;
	if ((o.has_min_e = !PG_ARGISNULL(arg)))
		o.min_e = PG_GETARG_INT32(arg);
	if ((o.has_max_e = !PG_ARGISNULL(arg + 1)))
		o.max_e = PG_GETARG_INT32(arg + 1);
	if ((o.has_balance_e = !PG_ARGISNULL(arg + 2)))
	{
		o.balance_e = PG_GETARG_INT32(arg + 2);
		if (o.balance_e < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("balance_e must not be negative: %d", o.balance_e),
					 errhint("balance_e = e keeps the cohorts observed e periods after treatment.")));
	}
	if (o.has_min_e && o.has_max_e && o.min_e > o.max_e)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_e %d is above max_e %d", o.min_e, o.max_e)));
	return o;
}

/*
 * att_aggregate(panel, kind, control, base_period, anticipation, alpha,
 *               bootstrap, seed, unbalanced [, method, cluster, sampling,
 *               min_e, max_e, balance_e]): the overall row (label NULL)
 * first, then one row per event time, cohort or period.  1.0 declared the
 * first nine arguments (STRICT); min_e, max_e and balance_e may be NULL.
 */
PG_FUNCTION_INFO_V1(scomm_att_aggregate);
Datum
scomm_att_aggregate(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *what = "att_aggregate";
	scomm_did_agg_type kind;
	scomm_did_sampling sampling;
	scomm_did_options opt;
	scomm_did_agg_options aopt;
	int			draws;
	int64		seed;
	scomm_did_unbalanced ub;
	scomm_did_agg *g = NULL;
	scomm_status st;
	DidFit		f;
	double		z,
				overall_se,
				crit;
	double	   *term_se;
	int			k;

	InitMaterializedSRF(fcinfo, 0);
	if (AnyNullArg(fcinfo, Min(PG_NARGS(), 12)))
		return (Datum) 0;
	kind = ParseKind(PG_GETARG_TEXT_PP(1));
	opt = ReadOptions(fcinfo, 2, 9, &sampling);
	draws = CheckBootstrap(PG_GETARG_INT32(6));
	seed = PG_GETARG_INT64(7);
	ub = ParseUnbalanced(PG_GETARG_TEXT_PP(8));
	aopt = ReadAggOptions(fcinfo, 12);
	opt.alpha = CheckAlpha(PG_GETARG_FLOAT8(5));
	z = gsl_cdf_ugaussian_Qinv(opt.alpha / 2);
	f = FitAttGt(PG_GETARG_DATUM(0), &opt, ub, sampling, what);
	st = scomm_did_aggte_ex(f.attgt, kind, &aopt, &g);
	if (st != SCOMM_OK)
		DidError(st, NULL, what);
	if (g->n_skipped_cells > 0)
		ereport(NOTICE,
				(errmsg("%s: %d group-time cells without an estimate were left out of the %s aggregation",
						what, g->n_skipped_cells, AggKindNames[kind])));

	overall_se = g->overall.se;
	crit = z;
	term_se = palloc(sizeof(double) * (g->n_terms + 1));
	for (k = 0; k < g->n_terms; k++)
		term_se[k] = g->terms[k].se;
	if (draws > 0)
	{
		scomm_did_boot *b = Bootstrap(f.attgt, g->lin + g->n_terms, 1, draws, seed,
									  opt.alpha, what);

		overall_se = b->se[0];
		scomm_did_boot_free(b);
		if (g->n_terms > 0)
		{
			b = Bootstrap(f.attgt, g->lin, g->n_terms, draws, seed, opt.alpha, what);
			for (k = 0; k < g->n_terms; k++)
				term_se[k] = b->se[k];
			crit = BandCritical(b, z, what);
			scomm_did_boot_free(b);
		}
	}
	PutAggRow(rsinfo, kind, false, 0, g->overall.est, overall_se, z);
	for (k = 0; k < g->n_terms; k++)
		PutAggRow(rsinfo, kind, true, g->term[k], g->terms[k].est, term_se[k], crit);
	scomm_did_agg_free(g);
	FreeFit(&f);
	return (Datum) 0;
}

/* ---- pretest ------------------------------------------------------------ */

/*
 * pretest(panel, control, base_period, anticipation, leads, unbalanced
 *         [, method, cluster, sampling])
 */
PG_FUNCTION_INFO_V1(scomm_pretest);
Datum
scomm_pretest(PG_FUNCTION_ARGS)
{
	const char *what = "pretest";
	scomm_did_options opt;
	scomm_did_sampling sampling;
	scomm_did_unbalanced ub;
	int			leads = -1;
	scomm_did_pretest res;
	scomm_status st;
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {0};
	DidFit		f;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) ||
		PG_ARGISNULL(5) ||
		(PG_NARGS() >= 9 && (PG_ARGISNULL(6) || PG_ARGISNULL(7) || PG_ARGISNULL(8))))
		PG_RETURN_NULL();
	opt = ReadOptions(fcinfo, 1, 6, &sampling);
	ub = ParseUnbalanced(PG_GETARG_TEXT_PP(5));
	if (!PG_ARGISNULL(4))
	{
		leads = PG_GETARG_INT32(4);
		if (leads < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("leads must be at least 1, not %d", leads),
					 errhint("Leave leads NULL to test every pre-treatment cell.")));
	}
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	f = FitAttGt(PG_GETARG_DATUM(0), &opt, ub, sampling, what);
	st = scomm_did_pretest_wald_leads(f.attgt, leads, &res);
	if (st == SCOMM_EEMPTY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pretest: no pre-treatment group-time cell has a standard error"),
				 errhint("The test needs cohorts observed before their first treated period.")));
	if (st == SCOMM_ETOOBIG)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("pretest: more than %d pre-treatment cells to test jointly",
						SCOMM_DID_PRETEST_MAX_CELLS),
				 errhint("Restrict the test to the cells closest to treatment with leads => k.")));
	if (st != SCOMM_OK)
		DidError(st, NULL, what);
	FreeFit(&f);
	SetFloat(values, nulls, 0, res.W);
	values[1] = Int32GetDatum(res.df);
	SetFloat(values, nulls, 2, res.p_value);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/* ---- two-way fixed effects ---------------------------------------------- */

/* two-sided p-value and critical value of t with df degrees of freedom */
static void
TTest(double est, double se, int df, double alpha, double *p, double *crit)
{
	*crit = df >= 1 ? gsl_cdf_tdist_Qinv(alpha / 2, df) : NAN;
	*p = (se > 0 && isfinite(se)) ? 2 * gsl_cdf_tdist_Q(fabs(est / se), df) : NAN;
}

/* est / se, NaN (a NULL column) when se is zero: not estimable */
static double
TRatio(double est, double se)
{
	return se > 0 ? est / se : NAN;
}

/*
 * The balanced panel of the regression estimators (twfe, twfe_event_study
 * and did_robust.c's); they use the outcomes only (a NOTICE says so when the
 * panel has more).
 */
scomm_did_panel *
TwfePanel(FunctionCallInfo fcinfo, int unbalanced_arg, const char *what)
{
	scomm_did_panel *p = FinalizePanel(PG_GETARG_DATUM(0),
									   ParseTwfeUnbalanced(PG_GETARG_TEXT_PP(unbalanced_arg)), what);

	if (p->n_cov > 0 || p->weight != NULL || p->cluster != NULL)
		ereport(NOTICE,
				(errmsg("%s uses the outcomes only: the panel's covariates, weights and clusters are not used",
						what),
				 errdetail("The standard errors are clustered by unit.")));
	return p;
}

/* twfe(panel, alpha, unbalanced): y ~ 1{t >= g} | unit + period */
PG_FUNCTION_INFO_V1(scomm_twfe);
Datum
scomm_twfe(PG_FUNCTION_ARGS)
{
	const char *what = "twfe";
	double		alpha = CheckAlpha(PG_GETARG_FLOAT8(1));
	scomm_did_panel *p;
	scomm_did_twfe *t = NULL;
	scomm_status st;
	TupleDesc	tupdesc;
	Datum		values[8];
	bool		nulls[8] = {0};
	double		pval,
				crit;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	p = TwfePanel(fcinfo, 2, what);
	st = scomm_did_twfe_static(p, &t);
	if (st != SCOMM_OK)
		DidError(st, NULL, what);
	TTest(t->coef[0], t->se[0], t->n_clusters - 1, alpha, &pval, &crit);
	SetFloat(values, nulls, 0, t->coef[0]);
	SetFloat(values, nulls, 1, t->se[0]);
	SetFloat(values, nulls, 2, t->coef[0] - crit * t->se[0]);
	SetFloat(values, nulls, 3, t->coef[0] + crit * t->se[0]);
	SetFloat(values, nulls, 4, TRatio(t->coef[0], t->se[0]));
	SetFloat(values, nulls, 5, pval);
	values[6] = Int32GetDatum(t->n_obs);
	values[7] = Int32GetDatum(t->n_clusters);
	scomm_did_twfe_free(t);
	scomm_did_panel_free(p);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/*
 * Before the k x k matrices of the event study are allocated: every
 * relative-period column (binned at -leads and lags, -1 the reference) must
 * have an observation, else the design is singular (as the fit would find
 * after allocating them); and they must fit in memory.
 */
static void
CheckEventColumns(const scomm_did_panel *p, int leads, int lags, const char *what)
{
	int			k = leads + lags,
				i,
				t,
				filled = 0;
	bool	   *seen = palloc0(sizeof(bool) * k);

	for (i = 0; i < p->n_units && filled < k; i++)
	{
		if (p->first_period[i] == SCOMM_DID_NEVER)
			continue;
		for (t = 0; t < p->n_periods; t++)
		{
			int64		e = (int64) p->periods[t] - p->first_period[i];
			int			j;

			e = Max(e, -leads);
			e = Min(e, lags);
			if (e == -1)
				continue;
			j = e < 0 ? (int) (e + leads) : (int) (leads - 1 + e);
			if (!seen[j])
			{
				seen[j] = true;
				filled++;
			}
		}
	}
	pfree(seen);
	if (filled < k)
		DidError(SCOMM_ESINGULAR, NULL, what);
	if (((double) p->n_units + p->n_periods + 2.0 * k + 8) * k * sizeof(double) > MaxAllocSize)
		ScommRaiseStatusHint(SCOMM_ETOOBIG, what,
							 "The event study holds k x k matrices for k = leads + lags: use fewer leads and lags, or bin them.");
}

/*
 * twfe_event_study(panel, leads, lags, alpha, unbalanced): one row per
 * relative period from -leads to lags, the reference period -1 included
 * with estimate 0 and no standard error; the end points are binned.
 */
PG_FUNCTION_INFO_V1(scomm_twfe_event_study);
Datum
scomm_twfe_event_study(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *what = "twfe_event_study";
	int32		leads = PG_GETARG_INT32(1);
	int32		lags = PG_GETARG_INT32(2);
	double		alpha = CheckAlpha(PG_GETARG_FLOAT8(3));
	scomm_did_panel *p;
	scomm_did_twfe *t = NULL;
	scomm_status st;
	int			e,
				k = 0;

	if (leads < 2 || lags < 0 || leads > 10000 || lags > 10000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("twfe_event_study needs leads between 2 and 10000 and lags between 0 and 10000, not %d and %d",
						leads, lags),
				 errhint("Relative period -1 is the reference, so at least one other lead (-2) is estimated.")));
	InitMaterializedSRF(fcinfo, 0);
	p = TwfePanel(fcinfo, 4, what);
	CheckEventColumns(p, leads, lags, what);
	st = scomm_did_twfe_event(p, leads, lags, &t);
	if (st != SCOMM_OK)
		DidError(st, NULL, what);
	for (e = -leads; e <= lags; e++)
	{
		Datum		values[7];
		bool		nulls[7] = {0};

		values[0] = Int32GetDatum(e);
		values[6] = BoolGetDatum(e == -leads || e == lags);
		if (e == -1)
		{
			values[1] = Float8GetDatum(0.0);
			nulls[2] = nulls[3] = nulls[4] = nulls[5] = true;
		}
		else
		{
			double		pval,
						crit;

			if (k >= t->k || t->event_time[k] != e)
				elog(ERROR, "twfe_event_study: coefficient for relative period %d missing", e);
			TTest(t->coef[k], t->se[k], t->n_clusters - 1, alpha, &pval, &crit);
			SetFloat(values, nulls, 1, t->coef[k]);
			SetFloat(values, nulls, 2, t->se[k]);
			SetFloat(values, nulls, 3, t->coef[k] - crit * t->se[k]);
			SetFloat(values, nulls, 4, t->coef[k] + crit * t->se[k]);
			SetFloat(values, nulls, 5, pval);
			k++;
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	scomm_did_twfe_free(t);
	scomm_did_panel_free(p);
	return (Datum) 0;
}

static int
Int64Order(const void *a, const void *b)
{
	int64		x = *(const int64 *) a,
				y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/*
 * did_panel_summary(panel): rows, units, periods, complete units,
 * covariates, weighted, clusters.
 */
PG_FUNCTION_INFO_V1(did_panel_summary);
Datum
did_panel_summary(PG_FUNCTION_ARGS)
{
	scomm_did_collector *rows = DidPanelRows(PG_GETARG_DATUM(0));
	scomm_did_panel *p = NULL;
	scomm_did_diag diag;
	scomm_status st;
	TupleDesc	tupdesc;
	Datum		values[7];
	bool		nulls[7] = {0};
	int			clusters = 0,
				i;
	int64		n_rows = (int64) rows->n_rows;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	memset(&diag, 0, sizeof(diag));
	st = scomm_did_panel_finalize_ex(rows, SCOMM_DID_UNBALANCED_KEEP,
									 SCOMM_DID_SAMPLING_PANEL, &p, &diag);
	scomm_did_collector_free(rows);
	if (st != SCOMM_OK)
		DidError(st, &diag, "did_panel_summary");
	if (p->cluster != NULL)
	{
		int64	   *ids = palloc(sizeof(int64) * p->n_units);

		memcpy(ids, p->cluster, sizeof(int64) * p->n_units);
		qsort(ids, p->n_units, sizeof(int64), Int64Order);
		for (i = 0; i < p->n_units; i++)
			clusters += (i == 0 || ids[i] != ids[i - 1]);
		pfree(ids);
	}
	values[0] = Int64GetDatum(n_rows);
	values[1] = Int32GetDatum(p->n_units);
	values[2] = Int32GetDatum(p->n_periods);
	values[3] = Int32GetDatum(p->n_units - p->n_incomplete);
	values[4] = Int32GetDatum(p->n_cov);
	values[5] = BoolGetDatum(p->weight != NULL);
	values[6] = Int32GetDatum(clusters);
	scomm_did_panel_free(p);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
