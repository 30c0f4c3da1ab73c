/*
 * trajectory_model.c: scomm.trajectory_model (a fitted group-based
 * trajectory model: text and binary I/O), scomm.trajectory_groups (the fit)
 * and the accessors trajectory_fit, trajectory_shares,
 * trajectory_coefficients, trajectory_risk_factors, trajectory_curves,
 * trajectory_membership and trajectory_summary.
 *
 * The stored value is the core's binary model encoding in a varlena; the
 * text form is the core's text form (src/core/traj.h, docs/traj_core.md).
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/tuplestore.h"

#include "compat.h"
#include "result_util.h"
#include "text_util.h"
#include "trajectory.h"

/* a varlena holding the binary encoding of m */
static Datum
ModelDatum(const scomm_traj_model *m)
{
	unsigned char *bytes = NULL;
	size_t		len = 0;
	struct varlena *v;
	scomm_status st = scomm_traj_model_to_bytes(m, &bytes, &len);

	trajectory_raise(st, "trajectory_model");
	v = palloc(VARHDRSZ + len);
	SET_VARSIZE(v, VARHDRSZ + len);
	memcpy(VARDATA(v), bytes, len);
	scomm_core_free(bytes);
	return PointerGetDatum(v);
}

/* the model in argument n (decoded; corrupted storage is an error) */
static scomm_traj_model *
GetModel(FunctionCallInfo fcinfo, int n)
{
	struct varlena *v = PG_DETOAST_DATUM(PG_GETARG_DATUM(n));
	scomm_traj_model *m = NULL;
	scomm_status st;

	st = scomm_traj_model_from_bytes((const unsigned char *) VARDATA_ANY(v),
									 VARSIZE_ANY_EXHDR(v), &m);
	if (st == SCOMM_ECORRUPT)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid trajectory_model value of %u bytes",
						(unsigned) VARSIZE_ANY(v))));
	trajectory_raise(st, "trajectory_model");
	return m;
}

PG_FUNCTION_INFO_V1(trajectory_model_in);
Datum
trajectory_model_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	size_t		start,
				len;
	scomm_traj_model *m = NULL;
	scomm_status st;
	Datum		d;

	scomm_trim(str, &start, &len);
	st = scomm_traj_model_from_text(str + start, len, &m);
	if (st == SCOMM_ECORRUPT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type trajectory_model"),
				 errdetail("Expected the text form that trajectory_model output writes: {traj=1;family=...;seed=...} or {traj=2;...}, with every field in order and consistent."),
				 errhint("Store models as they come out of trajectory_groups; do not edit them.")));
	trajectory_raise(st, "trajectory_model input");
	d = ModelDatum(m);
	scomm_traj_model_free(m);
	PG_RETURN_DATUM(d);
}

PG_FUNCTION_INFO_V1(trajectory_model_out);
Datum
trajectory_model_out(PG_FUNCTION_ARGS)
{
	scomm_traj_model *m = GetModel(fcinfo, 0);
	char	   *s = NULL,
			   *r;
	size_t		len = 0;
	scomm_status st = scomm_traj_model_to_text(m, &s, &len);

	scomm_traj_model_free(m);
	trajectory_raise(st, "trajectory_model output");
	r = pnstrdup(s, len);
	scomm_core_free(s);
	PG_RETURN_CSTRING(r);
}

PG_FUNCTION_INFO_V1(trajectory_model_recv);
Datum
trajectory_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			len = buf->len - buf->cursor;
	const char *bytes = pq_getmsgbytes(buf, len);
	scomm_traj_model *m = NULL;
	scomm_status st;
	Datum		d;

	st = scomm_traj_model_from_bytes((const unsigned char *) bytes, len, &m);
	if (st == SCOMM_ECORRUPT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary trajectory_model")));
	trajectory_raise(st, "trajectory_model receive");
	d = ModelDatum(m);
	scomm_traj_model_free(m);
	PG_RETURN_DATUM(d);
}

PG_FUNCTION_INFO_V1(trajectory_model_send);
Datum
trajectory_model_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	scomm_traj_model *m = GetModel(fcinfo, 0);
	StringInfoData buf;

	scomm_traj_model_free(m);	/* validated */
	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
NotNull(FunctionCallInfo fcinfo, int n, const char *name)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("trajectory_groups %s must not be NULL", name),
				 n == 0 ? errhint("trajectory_panel over no rows gives NULL: check the query that builds the panel.") : 0));
}

/* Explain why the panel cannot be fitted with the family. */
static void
CheckPanel(scomm_traj_panel *p, scomm_traj_family f)
{
	size_t		bad;
	const char *why;
	scomm_status st = scomm_traj_panel_check(p, f, &bad, &why);
	int64_t		unit;
	double		t,
				y,
				e;

	if (st == SCOMM_EINVAL && why != NULL &&
		scomm_traj_panel_get(p, bad, &unit, &t, &y, &e) == SCOMM_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_groups: %s", why),
				 errdetail("Family %s; unit " INT64_FORMAT ", t %s, y %s, exposure %s.",
						   scomm_traj_family_name(f), (int64) unit, float8out_internal(t),
						   float8out_internal(y), float8out_internal(e))));
	if (st == SCOMM_EEMPTY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_groups: the panel is empty")));
	trajectory_raise(st, "trajectory_groups");
}

/*
 * The covariates of a panel that has them: an error when no unit has them or
 * one of them is the same for every unit (its coefficient is not
 * identified).
 */
static void
CheckCovariates(const scomm_traj_panel *p)
{
	size_t		n = scomm_traj_panel_ncovunits(p),
				i,
				given = 0;
	int			ncov = scomm_traj_panel_ncov(p),
				c;
	double		lo[SCOMM_TRAJ_MAX_COVARIATES],
				hi[SCOMM_TRAJ_MAX_COVARIATES];

	if (n == 0)
		return;
	for (c = 0; c < ncov; c++)
	{
		lo[c] = INFINITY;
		hi[c] = -INFINITY;
	}
	for (i = 0; i < n; i++)
	{
		const double *x;
		int			missing;

		scomm_traj_panel_get_covariates(p, i, NULL, &x, &missing);
		if (missing || x == NULL)
			continue;
		given++;
		for (c = 0; c < ncov; c++)
		{
			lo[c] = fmin(lo[c], x[c]);
			hi[c] = fmax(hi[c], x[c]);
		}
	}
	if (given == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_groups: no unit of the panel has covariates (all %lu are NULL)", (unsigned long) n),
				 errhint("Units whose covariates are NULL or hold a NULL are left out; build the panel without covariates to fit shares only.")));
	for (c = 0; c < ncov; c++)
		if (lo[c] == hi[c])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("trajectory_groups: covariate %d is %s for every unit", c + 1,
							float8out_internal(lo[c])),
					 errhint("A constant covariate has no effect to estimate beside the intercept: leave it out of the covariates array.")));
}

/*
 * trajectory_groups(panel, groups, degree, family, starts, seed, lower,
 * upper): fit and return the model.
 */
PG_FUNCTION_INFO_V1(trajectory_groups);
Datum
trajectory_groups(PG_FUNCTION_ARGS)
{
	scomm_traj_options o;
	scomm_traj_panel *p;
	scomm_traj_model *m = NULL;
	text	   *ftext;
	char	   *fname;
	bool		owned;
	scomm_status st;
	Datum		d;

	NotNull(fcinfo, 0, "panel");
	NotNull(fcinfo, 1, "groups");
	NotNull(fcinfo, 2, "degree");
	NotNull(fcinfo, 3, "family");
	NotNull(fcinfo, 4, "starts");
	NotNull(fcinfo, 5, "seed");
	scomm_traj_options_default(&o);
	o.groups = PG_GETARG_INT32(1);
	o.degree = PG_GETARG_INT32(2);
	ftext = PG_GETARG_TEXT_PP(3);
	o.starts = PG_GETARG_INT32(4);
	o.seed = (uint64_t) PG_GETARG_INT64(5);
	o.lower = PG_ARGISNULL(6) ? NAN : PG_GETARG_FLOAT8(6);
	o.upper = PG_ARGISNULL(7) ? NAN : PG_GETARG_FLOAT8(7);
	fname = text_to_cstring(ftext);
	if (scomm_traj_family_parse(fname, strlen(fname), &o.family) != SCOMM_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown trajectory family \"%s\"", fname),
				 errhint("Use 'poisson', 'zip' (zero-inflated Poisson), 'nbinom' (negative binomial), 'zinb' (zero-inflated negative binomial) or 'cnorm' (censored normal).")));
	if (o.groups < 1 || o.groups > SCOMM_TRAJ_MAX_GROUPS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_groups groups must be between 1 and %d, not %d",
						SCOMM_TRAJ_MAX_GROUPS, o.groups)));
	if (o.degree < 0 || o.degree > SCOMM_TRAJ_MAX_DEGREE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_groups degree must be between 0 and %d, not %d",
						SCOMM_TRAJ_MAX_DEGREE, o.degree)));
	if (o.starts < 1 || o.starts > SCOMM_TRAJ_MAX_STARTS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_groups starts must be between 1 and %d, not %d",
						SCOMM_TRAJ_MAX_STARTS, o.starts)));
	if (o.family != SCOMM_TRAJ_CNORM && (!PG_ARGISNULL(6) || !PG_ARGISNULL(7)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("censoring bounds apply to the cnorm family only")));
	if (isnan(o.lower) != PG_ARGISNULL(6) || isnan(o.upper) != PG_ARGISNULL(7) ||
		o.lower == INFINITY || o.upper == -INFINITY ||
		(!isnan(o.lower) && !isnan(o.upper) && !(o.lower < o.upper)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_groups censoring bounds must satisfy lower < upper (NULL = trajeR's default)"),
				 errdetail("lower %s, upper %s.",
						   PG_ARGISNULL(6) ? pstrdup("NULL") : float8out_internal(o.lower),
						   PG_ARGISNULL(7) ? pstrdup("NULL") : float8out_internal(o.upper))));
	p = trajectory_panel_from_datum(PG_GETARG_DATUM(0), &owned);
	if (!owned)
	{
		scomm_traj_panel *c = NULL;

		trajectory_raise(scomm_traj_panel_copy(p, &c), "trajectory_groups");
		p = c;
	}
	CheckPanel(p, o.family);
	CheckCovariates(p);
	st = scomm_traj_fit(p, &o, &m);
	scomm_traj_panel_free(p);
	if (st == SCOMM_EINVAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_groups: the panel cannot support %d groups of degree %d", o.groups, o.degree),
				 errdetail("A fit needs at least as many units (with covariates, when the panel has them) as groups, degree + 1 distinct times, and cnorm bounds with lower below upper after the defaults (min(y) - 1, max(y) + 1) are applied.")));
	if (st == SCOMM_EEMPTY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_groups: no unit has both observations and covariates")));
	trajectory_raise(st, "trajectory_groups");
	if (m->units_left_out > 0)
		ereport(NOTICE,
				(errmsg("trajectory_groups: %.0f of %.0f units left out: their covariates are NULL",
						m->units_left_out, m->units + m->units_left_out)));
	d = ModelDatum(m);
	scomm_traj_model_free(m);
	PG_RETURN_DATUM(d);
}

/* trajectory_fit(model): loglik, npar, bic, aic, iterations, converged, starts_at_best */
PG_FUNCTION_INFO_V1(trajectory_fit);
Datum
trajectory_fit(PG_FUNCTION_ARGS)
{
	scomm_traj_model *m = GetModel(fcinfo, 0);
	TupleDesc	tupdesc;
	Datum		values[7];
	bool		nulls[7] = {0};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = Float8GetDatum(m->loglik);
	values[1] = Int32GetDatum(m->npar);
	values[2] = Float8GetDatum(m->bic);
	values[3] = Float8GetDatum(m->aic);
	values[4] = Int32GetDatum(m->iterations);
	values[5] = BoolGetDatum(m->converged != 0);
	values[6] = Int32GetDatum(m->starts_at_best);
	scomm_traj_model_free(m);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/* trajectory_shares(model): group_id, share, avepp, occ */
PG_FUNCTION_INFO_V1(trajectory_shares);
Datum
trajectory_shares(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	scomm_traj_model *m = GetModel(fcinfo, 0);
	int			k;

	InitMaterializedSRF(fcinfo, 0);
	for (k = 0; k < m->ngroups; k++)
	{
		Datum		values[4];
		bool		nulls[4] = {0};

		values[0] = Int32GetDatum(k + 1);
		values[1] = Float8GetDatum(m->share[k]);
		ScommSetFloat8Stored(values, nulls, 2, m->avepp[k]);
		ScommSetFloat8Stored(values, nulls, 3, m->occ[k]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	scomm_traj_model_free(m);
	return (Datum) 0;
}

/* trajectory_coefficients(model): group_id, term, estimate, se */
PG_FUNCTION_INFO_V1(trajectory_coefficients);
Datum
trajectory_coefficients(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	scomm_traj_model *m = GetModel(fcinfo, 0);
	int			k,
				j,
				nt = scomm_traj_model_nterms(m);

	InitMaterializedSRF(fcinfo, 0);
	for (k = 0; k < m->ngroups; k++)
	{
		double		est[SCOMM_TRAJ_MAX_TERMS],
					se[SCOMM_TRAJ_MAX_TERMS];

		trajectory_raise(scomm_traj_model_coefficients(m, k, est, se), "trajectory_coefficients");
		for (j = 0; j < nt; j++)
		{
			Datum		values[4];
			bool		nulls[4] = {0};

			values[0] = Int32GetDatum(k + 1);
			values[1] = CStringGetTextDatum(scomm_traj_term_name(m, j));
			ScommSetFloat8Stored(values, nulls, 2, est[j]);
			ScommSetFloat8Stored(values, nulls, 3, se[j]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	scomm_traj_model_free(m);
	return (Datum) 0;
}

/* trajectory_curves(model): group_id, t, expected */
PG_FUNCTION_INFO_V1(trajectory_curves);
Datum
trajectory_curves(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	scomm_traj_model *m = GetModel(fcinfo, 0);
	int			k,
				j;

	InitMaterializedSRF(fcinfo, 0);
	for (k = 0; k < m->ngroups; k++)
		for (j = 0; j < m->ntimes; j++)
		{
			Datum		values[3];
			bool		nulls[3] = {0};
			double		v = NAN;

			scomm_traj_model_expected(m, k, m->times[j], &v);
			values[0] = Int32GetDatum(k + 1);
			values[1] = Float8GetDatum(m->times[j]);
			ScommSetFloat8Stored(values, nulls, 2, v);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	scomm_traj_model_free(m);
	return (Datum) 0;
}

/*
 * trajectory_membership(model, panel[, all_groups]): unit, group_id,
 * posterior: per unit its modal group and that posterior (1.0's two-argument
 * declaration calls this too), or with all_groups one row per unit and group
 */
PG_FUNCTION_INFO_V1(trajectory_membership);
Datum
trajectory_membership(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	scomm_traj_model *m;
	scomm_traj_panel *p;
	bool		owned,
				all = false;
	size_t		n = 0,
				left = 0,
				i;
	int64_t    *units = NULL;
	int		   *groups = NULL,
				k;
	double	   *post = NULL,
			   *post_all = NULL;
	scomm_status st;

	if (PG_NARGS() > 2)			/* the 1.1 declaration (strict, like 1.0's) */
		all = PG_GETARG_BOOL(2);
	m = GetModel(fcinfo, 0);
	p = trajectory_panel_from_datum(PG_GETARG_DATUM(1), &owned);
	if (!owned)
	{
		scomm_traj_panel *c = NULL;

		trajectory_raise(scomm_traj_panel_copy(p, &c), "trajectory_membership");
		p = c;
	}
	CheckPanel(p, m->family);
	if (m->ncov > 0 && scomm_traj_panel_ncov(p) != m->ncov)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_membership: the model has %d covariates of membership, the panel %d",
						m->ncov, scomm_traj_panel_ncov(p)),
				 errhint("Build the panel with trajectory_panel(unit, t, y, exposure, covariates) and the covariates the model was fitted with, in the same order.")));
	st = scomm_traj_membership(m, p, &n, &units, &groups, &post, all ? &post_all : NULL, &left);
	scomm_traj_panel_free(p);
	if (st == SCOMM_EINVAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_membership: a unit has a likelihood of 0 in every group")));
	if (st == SCOMM_EEMPTY && m->ncov > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trajectory_membership: no unit of the panel has covariates"),
				 errhint("Units whose covariates are NULL are left out.")));
	trajectory_raise(st, "trajectory_membership");
	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < n; i++)
		for (k = 0; k < (all ? m->ngroups : 1); k++)
		{
			Datum		values[3];
			bool		nulls[3] = {0};

			values[0] = Int64GetDatum(units[i]);
			values[1] = Int32GetDatum(all ? k + 1 : groups[i]);
			values[2] = Float8GetDatum(all ? post_all[i * m->ngroups + k] : post[i]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	scomm_core_free(units);
	scomm_core_free(groups);
	scomm_core_free(post);
	scomm_core_free(post_all);
	scomm_traj_model_free(m);
	return (Datum) 0;
}

/*
 * trajectory_risk_factors(model): group_id, covariate, estimate, se: the
 * multinomial logit of membership, groups 2..K against group 1, covariate 0
 * the intercept (without covariates: log(share_k / share_1))
 */
PG_FUNCTION_INFO_V1(trajectory_risk_factors);
Datum
trajectory_risk_factors(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	scomm_traj_model *m = GetModel(fcinfo, 0);
	int			k,
				c;

	InitMaterializedSRF(fcinfo, 0);
	for (k = 1; k < m->ngroups; k++)
	{
		double		est[SCOMM_TRAJ_MAX_COVARIATES + 1],
					se[SCOMM_TRAJ_MAX_COVARIATES + 1];

		trajectory_raise(scomm_traj_model_risk(m, k, est, se), "trajectory_risk_factors");
		for (c = 0; c <= m->ncov; c++)
		{
			Datum		values[4];
			bool		nulls[4] = {0};

			values[0] = Int32GetDatum(k + 1);
			values[1] = Int32GetDatum(c);
			ScommSetFloat8Stored(values, nulls, 2, est[c]);
			ScommSetFloat8Stored(values, nulls, 3, se[c]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	scomm_traj_model_free(m);
	return (Datum) 0;
}

/*
 * trajectory_summary(model): family, groups, degree, covariates, units,
 * observations, units_left_out, starts, starts_failed, seed
 */
PG_FUNCTION_INFO_V1(trajectory_summary);
Datum
trajectory_summary(PG_FUNCTION_ARGS)
{
	scomm_traj_model *m = GetModel(fcinfo, 0);
	TupleDesc	tupdesc;
	Datum		values[10];
	bool		nulls[10] = {0};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = CStringGetTextDatum(scomm_traj_family_name(m->family));
	values[1] = Int32GetDatum(m->ngroups);
	values[2] = Int32GetDatum(m->degree);
	values[3] = Int32GetDatum(m->ncov);
	values[4] = Int64GetDatum((int64) m->units);
	values[5] = Int64GetDatum((int64) m->nobs);
	values[6] = Int64GetDatum((int64) m->units_left_out);
	values[7] = Int32GetDatum(m->starts);
	values[8] = Int32GetDatum(m->starts_failed);
	values[9] = Int64GetDatum((int64) m->seed);
	scomm_traj_model_free(m);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
