/*
 * did_robust.c: SQL functions of the robustness estimators over a
 * did_panel — sun_abraham, bacon_decomposition, did_imputation — and the
 * sensitivity bounds honest_bounds (any event study) and honest_did (the
 * dynamic aggregation of a did_panel), on the cores in src/core/did_*.c
 * and src/core/honest*.c.
 *
 * Panels are finalized as att_gt does (unbalanced => 'drop' or 'error');
 * the estimators then turn the core's statuses into errors and its flags
 * into NOTICEs.  The LP solver's memory is released after every call and
 * when an error or a cancel leaves a computation (PG_CATCH).
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include <gsl/gsl_cdf.h>

#include "array_util.h"
#include "compat.h"
#include "core_status.h"
#include "did_glue.h"
#include "did_robust.h"
#include "honest.h"

/* ---- shared ------------------------------------------------------------- */

/* NOTICEs for the design decisions of sun_abraham and did_imputation */
static void
DesignNotices(const char *what, int flags, int n_dropped, int32 first_period,
			  int32 control_cohort)
{
	if (flags & SCOMM_DID_ROBUST_DROPPED_ALWAYS)
		ereport(NOTICE,
				(errmsg("%s: %d units treated by the first period (%d) were left out",
						what, n_dropped, first_period),
				 errdetail("Their outcomes before treatment are not observed, as fixest's sunab() drops them.")));
	if (flags & SCOMM_DID_ROBUST_LAST_COHORT_CONTROL)
		ereport(NOTICE,
				(errmsg("%s: no unit is never treated, so the last cohort (first period %d) is the comparison group",
						what, control_cohort),
				 errdetail("Periods from %d on are left out and that cohort has no estimates of its own.",
						   control_cohort)));
}

static void
PutRow(ReturnSetInfo *rsinfo, Datum *values, bool *nulls)
{
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/* ---- sun_abraham ---------------------------------------------------------- */

static void
PutSunabRow(ReturnSetInfo *rsinfo, const char *kind, bool has_e, bool has_cohort,
			const scomm_did_sunab_coef *b, double crit)
{
	Datum		values[7];
	bool		nulls[7] = {0};

	values[0] = CStringGetTextDatum(kind);
	values[1] = Int32GetDatum(b->event_time);
	nulls[1] = !has_e;
	values[2] = Int32GetDatum(b->cohort);
	nulls[2] = !has_cohort;
	SetFloat(values, nulls, 3, b->est);
	SetFloat(values, nulls, 4, b->se);
	SetFloat(values, nulls, 5, b->est - crit * b->se);
	SetFloat(values, nulls, 6, b->est + crit * b->se);
	PutRow(rsinfo, values, nulls);
}

/*
 * sun_abraham(panel, alpha, unbalanced): the overall ATT, then one row per
 * relative period (cohorts aggregated), then the cohort x relative period
 * coefficients; intervals from t with clusters - 1 degrees of freedom.
 */
PG_FUNCTION_INFO_V1(scomm_sun_abraham);
Datum
scomm_sun_abraham(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *what = "sun_abraham";
	double		alpha = CheckAlpha(PG_GETARG_FLOAT8(1));
	scomm_did_panel *p;
	scomm_did_sunab *s = NULL;
	scomm_did_diag diag;
	scomm_status st;
	double		crit;
	int			k;

	InitMaterializedSRF(fcinfo, 0);
	p = TwfePanel(fcinfo, 2, what);
	memset(&diag, 0, sizeof(diag));
	st = scomm_did_sunab_fit(p, &s, &diag);
	if (st != SCOMM_OK)
		DidError(st, &diag, what);
	DesignNotices(what, s->flags, s->n_dropped_always, p->periods[0], s->control_cohort);
	crit = gsl_cdf_tdist_Qinv(alpha / 2, s->n_clusters - 1);
	PutSunabRow(rsinfo, "att", false, false, &s->att, crit);
	for (k = 0; k < s->n_period; k++)
		PutSunabRow(rsinfo, "period", true, false, &s->period[k], crit);
	for (k = 0; k < s->n_cp; k++)
		PutSunabRow(rsinfo, "cohort_period", true, true, &s->cp[k], crit);
	scomm_did_sunab_free(s);
	scomm_did_panel_free(p);
	return (Datum) 0;
}

/* ---- bacon_decomposition ---------------------------------------------------- */

static const char *const BaconTypeNames[] = {
	"treated_vs_untreated", "earlier_vs_later", "later_vs_earlier", "later_vs_always_treated"
};

/* bacon_decomposition(panel, unbalanced): one row per 2x2 comparison */
PG_FUNCTION_INFO_V1(scomm_bacon_decomposition);
Datum
scomm_bacon_decomposition(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *what = "bacon_decomposition";
	scomm_did_panel *p;
	scomm_did_bacon *b = NULL;
	scomm_did_diag diag;
	scomm_status st;
	int			k;

	InitMaterializedSRF(fcinfo, 0);
	p = TwfePanel(fcinfo, 1, what);
	memset(&diag, 0, sizeof(diag));
	st = scomm_did_bacon_decompose(p, &b, &diag);
	if (st != SCOMM_OK)
		DidError(st, &diag, what);
	for (k = 0; k < b->n; k++)
	{
		const scomm_did_bacon_term *t = &b->terms[k];
		Datum		values[5];
		bool		nulls[5] = {0};

		values[0] = CStringGetTextDatum(BaconTypeNames[t->type]);
		values[1] = Int32GetDatum(t->treated);
		values[2] = Int32GetDatum(t->untreated);
		nulls[2] = t->untreated == SCOMM_DID_NEVER;
		SetFloat(values, nulls, 3, t->estimate);
		SetFloat(values, nulls, 4, t->weight);
		PutRow(rsinfo, values, nulls);
	}
	scomm_did_bacon_free(b);
	scomm_did_panel_free(p);
	return (Datum) 0;
}

/* ---- did_imputation --------------------------------------------------------- */

static void
PutImputeRow(ReturnSetInfo *rsinfo, const char *kind, bool has_e,
			 const scomm_did_impute_est *e, double z)
{
	Datum		values[7];
	bool		nulls[7] = {0};

	values[0] = CStringGetTextDatum(kind);
	values[1] = Int32GetDatum(e->event_time);
	nulls[1] = !has_e;
	SetFloat(values, nulls, 2, e->est);
	SetFloat(values, nulls, 3, e->se);
	SetFloat(values, nulls, 4, e->est - z * e->se);
	SetFloat(values, nulls, 5, e->est + z * e->se);
	values[6] = Int32GetDatum(e->n_obs);
	PutRow(rsinfo, values, nulls);
}

/*
 * did_imputation(panel, alpha, unbalanced): the overall effect ('att'),
 * then one row per event time e >= 0 ('period'); normal intervals.
 */
PG_FUNCTION_INFO_V1(scomm_did_imputation);
Datum
scomm_did_imputation(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *what = "did_imputation";
	double		alpha = CheckAlpha(PG_GETARG_FLOAT8(1));
	double		z = gsl_cdf_ugaussian_Qinv(alpha / 2);
	scomm_did_panel *p;
	scomm_did_impute *m = NULL;
	scomm_did_diag diag;
	scomm_status st;
	int			k;

	InitMaterializedSRF(fcinfo, 0);
	p = TwfePanel(fcinfo, 2, what);
	memset(&diag, 0, sizeof(diag));
	st = scomm_did_impute_fit(p, &m, &diag);
	if (st != SCOMM_OK)
		DidError(st, &diag, what);
	DesignNotices(what, m->flags, m->n_dropped_always, p->periods[0], m->control_cohort);
	PutImputeRow(rsinfo, "att", false, &m->overall, z);
	for (k = 0; k < m->n_e; k++)
		PutImputeRow(rsinfo, "period", true, &m->by_e[k], z);
	scomm_did_impute_free(m);
	scomm_did_panel_free(p);
	return (Datum) 0;
}

/* ---- sensitivity to parallel trends ----------------------------------------- */

typedef enum HonestRestriction
{
	HONEST_SMOOTHNESS,
	HONEST_RELATIVE_MAGNITUDE
} HonestRestriction;

static HonestRestriction
ParseRestriction(text *t)
{
	char	   *s = text_to_cstring(t);

	if (OptionIs(s, "smoothness"))
		return HONEST_SMOOTHNESS;
	if (OptionIs(s, "relativemagnitude") || OptionIs(s, "relativemagnitudes"))
		return HONEST_RELATIVE_MAGNITUDE;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown restriction \"%s\"", s),
			 errhint("Valid values are smoothness (Delta^SD(M), fixed-length intervals) and relative_magnitude (Delta^RM(Mbar), conditional least-favourable hybrid).")));
	return HONEST_SMOOTHNESS;
}

/* the values of the m argument: 1 to SCOMM_HONEST_MAX_M finite values >= 0 */
static double *
ReadM(FunctionCallInfo fcinfo, int argno, int *n)
{
	Datum	   *d = ScommArrayArg(fcinfo, argno, "m", n, "Give each M as a number.");
	double	   *m;
	int			i;

	if (*n < 1 || *n > SCOMM_HONEST_MAX_M)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("m must have between 1 and %d values, not %d", SCOMM_HONEST_MAX_M, *n)));
	m = palloc(sizeof(double) * *n);
	for (i = 0; i < *n; i++)
	{
		m[i] = DatumGetFloat8(d[i]);
		if (!(isfinite(m[i]) && m[i] >= 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("m[%d] = %g is not a finite value of at least 0", i + 1, m[i]),
					 errhint("M (smoothness) and Mbar (relative magnitudes) bound the size of the violation of parallel trends.")));
	}
	return m;
}

/* ERROR for a failed sensitivity computation */
static void
HonestError(scomm_status st, const scomm_honest_diag *diag, const char *what)
{
	ScommRaiseCommon(st, what);
	if (st == SCOMM_EINVAL && diag != NULL && diag->message[0] != '\0')
	{
		if (diag->row >= 0 && diag->col >= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: %s (sigma[%d][%d])", what, diag->message,
							diag->row + 1, diag->col + 1)));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: %s", what, diag->message)));
	}
	if (st == SCOMM_ESINGULAR)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: the covariance matrix is singular where the method needs it invertible", what),
				 errhint("Leave out coefficients that are exact linear combinations of others, or pre-periods without variation.")));
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("%s: the computation failed: %s", what, scomm_status_message(st))));
}

/* Bounds for every m; errors raised here (after releasing the solver). */
static void
HonestCompute(const scomm_honest_problem *pr, HonestRestriction r, const double *m, int n_m,
			  double *lb, double *ub, const char *what)
{
	scomm_honest_diag diag;
	scomm_status st;

	memset(&diag, 0, sizeof(diag));
	st = scomm_honest_check(pr, &diag);
	if (st != SCOMM_OK)
		HonestError(st, &diag, what);
	PG_TRY();
	{
		st = r == HONEST_SMOOTHNESS ? scomm_honest_flci(pr, m, n_m, lb, ub)
			: scomm_honest_rm(pr, m, n_m, lb, ub);
	}
	PG_CATCH();
	{
		scomm_honest_release();
		PG_RE_THROW();
	}
	PG_END_TRY();
	scomm_honest_release();
	if (st != SCOMM_OK)
		HonestError(st, NULL, what);
}

static void
PutBounds(ReturnSetInfo *rsinfo, const double *m, const double *lb, const double *ub, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {0};

		values[0] = Float8GetDatum(m[i]);
		/* +-infinity (an open side) stays; NaN (an empty set) is NULL */
		values[1] = Float8GetDatum(lb[i]);
		values[2] = Float8GetDatum(ub[i]);
		nulls[1] = isnan(lb[i]);
		nulls[2] = isnan(ub[i]);
		PutRow(rsinfo, values, nulls);
	}
}

/* the elements of a float8 array argument, any shape, with its dimensions */
static double *
ReadFloatArray(FunctionCallInfo fcinfo, int argno, const char *name, int *n,
			   int *ndim, int *dims)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(argno);
	Datum	   *elems;
	bool	   *enulls;
	double	   *out;
	int			i;

	if (ARR_ELEMTYPE(arr) != FLOAT8OID)
		elog(ERROR, "%s must be a float8 array", name);
	*ndim = ARR_NDIM(arr);
	for (i = 0; i < *ndim && i < 2; i++)
		dims[i] = ARR_DIMS(arr)[i];
	deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &enulls, n);
	out = palloc(sizeof(double) * (*n + 1));
	for (i = 0; i < *n; i++)
	{
		if (enulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s has a NULL element at position %d", name, i + 1)));
		out[i] = DatumGetFloat8(elems[i]);
	}
	return out;
}

/*
 * honest_bounds(betahat, sigma, pre, post, restriction, m, l, alpha):
 * (m, lb, ub) for each m.
 */
PG_FUNCTION_INFO_V1(scomm_honest_bounds);
Datum
scomm_honest_bounds(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *what = "honest_bounds";
	scomm_honest_problem pr;
	HonestRestriction r;
	int32		pre,
				post;
	int			nb,
				ns,
				nm,
				nl,
				ndim,
				dims[2],
				n,
				i;
	double	   *beta,
			   *sigma,
			   *m,
			   *l,
			   *lb,
			   *ub;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i <= 7; i++)
		if (i != 6 && PG_ARGISNULL(i))
			return (Datum) 0;
	pre = PG_GETARG_INT32(2);
	post = PG_GETARG_INT32(3);
	if (pre < 1 || post < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pre and post must be at least 1, not %d and %d", pre, post),
				 errhint("pre counts the pre-period coefficients (the reference period left out), post the post-period ones.")));
	if (pre > SCOMM_HONEST_MAX_PERIODS || post > SCOMM_HONEST_MAX_PERIODS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("at most %d pre-period and %d post-period coefficients, not %d and %d",
						SCOMM_HONEST_MAX_PERIODS, SCOMM_HONEST_MAX_PERIODS, pre, post),
				 errhint("Restrict the event study to a window of event times.")));
	n = pre + post;
	r = ParseRestriction(PG_GETARG_TEXT_PP(4));
	beta = ReadFloatArray(fcinfo, 0, "betahat", &nb, &ndim, dims);
	if (nb != n || ndim > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("betahat must be a one-dimensional array of pre + post = %d values, not %d", n, nb)));
	sigma = ReadFloatArray(fcinfo, 1, "sigma", &ns, &ndim, dims);
	if (!((ndim == 2 && dims[0] == n && dims[1] == n) || (ndim == 1 && ns == n * n)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sigma must be a %d x %d array (pre + post rows and columns)", n, n),
				 errdetail("It has %d dimension(s) and %d values.", ndim, ns),
				 errhint("Write it as ARRAY[[...], [...]], one row per coefficient.")));
	m = ReadM(fcinfo, 5, &nm);
	if (PG_ARGISNULL(6))
	{
		l = palloc0(sizeof(double) * post);
		l[0] = 1.0;
	}
	else
	{
		l = ReadFloatArray(fcinfo, 6, "l", &nl, &ndim, dims);
		if (nl != post || ndim > 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("l must have one weight per post-period coefficient (%d), not %d", post, nl)));
	}
	pr.n_pre = pre;
	pr.n_post = post;
	pr.betahat = beta;
	pr.sigma = sigma;
	pr.l = l;
	pr.alpha = CheckAlpha(PG_GETARG_FLOAT8(7));
	lb = palloc(sizeof(double) * nm);
	ub = palloc(sizeof(double) * nm);
	HonestCompute(&pr, r, m, nm, lb, ub, what);
	PutBounds(rsinfo, m, lb, ub, nm);
	return (Datum) 0;
}

/*
 * honest_did(panel, e, restriction, m, min_e, max_e, control,
 *            anticipation, alpha, unbalanced): the bounds for the effect e
 * periods after treatment, from the event study with a universal base
 * period, as HonestDiD's honest_did() does for a did event study.
 */
PG_FUNCTION_INFO_V1(scomm_honest_did);
Datum
scomm_honest_did(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *what = "honest_did";
	scomm_did_options opt;
	scomm_honest_problem pr;
	HonestRestriction r;
	scomm_did_agg *g = NULL;
	scomm_status st;
	DidFit		f;
	int32		e;
	int			min_e = PG_INT32_MIN,
				max_e = PG_INT32_MAX,
				nm,
				npre,
				npost,
				i;
	int32	   *ev;
	double	   *m,
			   *beta,
			   *sigma,
			   *l,
			   *lb,
			   *ub;
	bool		found = false,
				strict;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i <= 9; i++)
		if (i != 4 && i != 5 && PG_ARGISNULL(i))
			return (Datum) 0;
	e = PG_GETARG_INT32(1);
	if (e < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("e must be an event time of 0 or more, not %d", e),
				 errhint("e = 0 is the effect in the first treated period.")));
	r = ParseRestriction(PG_GETARG_TEXT_PP(2));
	m = ReadM(fcinfo, 3, &nm);
	if (!PG_ARGISNULL(4))
		min_e = PG_GETARG_INT32(4);
	if (!PG_ARGISNULL(5))
		max_e = PG_GETARG_INT32(5);
	if (min_e > -2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_e must be -2 or less, not %d", min_e),
				 errhint("The sensitivity analysis needs a pre-period coefficient besides the reference e = -1.")));
	if (max_e < e)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_e (%d) must be at least e (%d)", max_e, e)));
	/* zero: did's defaults for every option not set here (dr, by unit) */
	memset(&opt, 0, sizeof(opt));
	opt.control = ParseControl(PG_GETARG_TEXT_PP(6));
	opt.base_period = SCOMM_DID_BASE_UNIVERSAL;
	opt.anticipation = CheckAnticipation(PG_GETARG_INT32(7));
	opt.alpha = CheckAlpha(PG_GETARG_FLOAT8(8));
	strict = ParseTwfeUnbalanced(PG_GETARG_TEXT_PP(9));

	f = FitAttGt(PG_GETARG_DATUM(0), &opt,
				 strict ? SCOMM_DID_UNBALANCED_ERROR : SCOMM_DID_UNBALANCED_DROP,
				 SCOMM_DID_SAMPLING_PANEL, what);
	st = scomm_did_aggte(f.attgt, SCOMM_DID_AGG_DYNAMIC, &g);
	if (st != SCOMM_OK)
		DidError(st, NULL, what);
	ev = palloc(sizeof(int32) * (g->n_terms + 1));
	beta = palloc(sizeof(double) * (g->n_terms + 1));
	sigma = palloc(sizeof(double) * ((size_t) g->n_terms * g->n_terms + 1));
	st = scomm_honest_event_study(f.attgt, g, min_e, max_e, &npre, &npost, ev, beta, sigma);
	if (st == SCOMM_EEMPTY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the event study has no reference period -1, no post-period estimate, or an event time without an estimate in [%d, %d]",
						what, min_e, max_e),
				 errhint("Check the event study with att_aggregate(panel, 'dynamic', base_period => 'universal').")));
	if (st == SCOMM_ETOOBIG)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: %d pre-period and %d post-period event times; at most %d of each",
						what, npre, npost, SCOMM_HONEST_MAX_PERIODS),
				 errhint("Restrict the window with min_e and max_e.")));
	if (st != SCOMM_OK)
		DidError(st, NULL, what);
	if (npre < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: no pre-period event time besides the reference -1 in [%d, %d]", what, min_e, max_e)));
	l = palloc0(sizeof(double) * npost);
	for (i = 0; i < npost; i++)
		if (ev[npre + i] == e)
		{
			l[i] = 1.0;
			found = true;
		}
	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: event time %d has no estimate in the window", what, e)));
	pr.n_pre = npre;
	pr.n_post = npost;
	pr.betahat = beta;
	pr.sigma = sigma;
	pr.l = l;
	pr.alpha = opt.alpha;
	lb = palloc(sizeof(double) * nm);
	ub = palloc(sizeof(double) * nm);
	HonestCompute(&pr, r, m, nm, lb, ub, what);
	PutBounds(rsinfo, m, lb, ub, nm);
	scomm_did_agg_free(g);
	FreeFit(&f);
	return (Datum) 0;
}
