/*
 * honest_lp.c: the linear programs of the sensitivity analysis, solved by
 * GLPK (the GNU Linear Programming Kit, Debian's libglpk), wrapped so that
 * the rest of the core sees status codes only.
 *
 * - GLPK prints nothing (glp_term_out off) and its memory is capped.
 * - A GLPK error (which by default aborts the process) goes to a hook that
 *   jumps back to the wrapper; the environment is then freed and the call
 *   returns SCOMM_EINVAL.  Inputs are checked finite before they reach it.
 * - Every solve has an iteration and a time limit, so none can loop; the
 *   callers poll the interrupt hook between solves.
 * - Problems are built once and re-solved with new right-hand sides from
 *   the previous basis (the dual simplex warm start), which is what makes
 *   thousands of small programs cheap.
 */
#include <math.h>
#include <setjmp.h>
#include <string.h>

#include <glpk.h>

#include "honest_lp.h"

/* where a GLPK error jumps to; set by each wrapper that calls GLPK */
static jmp_buf *lp_jump = NULL;

/* bumped whenever the environment (and every problem in it) is freed */
static unsigned lp_generation = 1;

static void
LpErrorHook(void *info)
{
	if (lp_jump != NULL)
		longjmp(*lp_jump, 1);
}

/* swallow GLPK's terminal output, error messages included */
static int
LpTermHook(void *info, const char *s)
{
	return 1;
}

/* quiet, bounded GLPK with our error hook */
static void
LpSetup(void)
{
	glp_term_hook(LpTermHook, NULL);
	glp_term_out(GLP_OFF);
	glp_mem_limit(512);
	glp_error_hook(LpErrorHook, NULL);
}

void
honest_lp_release(void)
{
	lp_jump = NULL;
	glp_free_env();
	lp_generation++;
}

#define LP_GUARD(on_error) \
	jmp_buf		jb; \
	if (setjmp(jb) != 0) \
	{ \
		lp_jump = NULL; \
		glp_free_env(); \
		lp_generation++; \
		on_error; \
		return SCOMM_EINVAL; \
	} \
	lp_jump = &jb; \
	LpSetup()

/* the same for functions returning a value instead of a status */
#define LP_GUARD_INT(value) \
	jmp_buf		jb; \
	if (setjmp(jb) != 0) \
	{ \
		lp_jump = NULL; \
		glp_free_env(); \
		lp_generation++; \
		return (value); \
	} \
	lp_jump = &jb; \
	LpSetup()

static void
SimplexParm(glp_smcp *parm)
{
	glp_init_smcp(parm);
	parm->msg_lev = GLP_MSG_OFF;
	parm->meth = GLP_DUALP;
	parm->presolve = GLP_OFF;
	parm->it_lim = 100000;
	parm->tm_lim = 10000;
}

/* the nonzeros of a row-major r x c matrix as GLPK's 1-based triplets; their count */
static int
Triplets(const double *A, int r, int c, int *ia, int *ja, double *ar)
{
	int			i,
				j,
				ne = 0;

	for (i = 0; i < r; i++)
		for (j = 0; j < c; j++)
			if (A[(size_t) i * c + j] != 0.0)
			{
				ne++;
				ia[ne] = i + 1;
				ja[ne] = j + 1;
				ar[ne] = A[(size_t) i * c + j];
			}
	return ne;
}

static int
AllFinite(const double *a, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (!isfinite(a[i]))
			return 0;
	return 1;
}

scomm_status
honest_lp_init_ge(HonestLp *h, int m, int ncol, const double *A, const double *c)
{
	int			i,
				j,
				ne;
	int		   *ia = scomm_core_alloc(((size_t) m * ncol + 1) * sizeof(int));
	int		   *ja = scomm_core_alloc(((size_t) m * ncol + 1) * sizeof(int));
	double	   *ar = scomm_core_alloc(((size_t) m * ncol + 1) * sizeof(double));

	memset(h, 0, sizeof(*h));
	if (ia == NULL || ja == NULL || ar == NULL)
	{
		scomm_core_free(ia);
		scomm_core_free(ja);
		scomm_core_free(ar);
		return SCOMM_ENOMEM;
	}
	if (!AllFinite(A, (size_t) m * ncol) || !AllFinite(c, ncol))
	{
		scomm_core_free(ia);
		scomm_core_free(ja);
		scomm_core_free(ar);
		return SCOMM_EINVAL;
	}
	ne = Triplets(A, m, ncol, ia, ja, ar);
	{
		LP_GUARD((h->lp = NULL, scomm_core_free(ia), scomm_core_free(ja), scomm_core_free(ar)));
		h->m = m;
		h->ncol = ncol;
		h->lp = glp_create_prob();
		h->generation = lp_generation;
		glp_set_obj_dir(h->lp, GLP_MIN);
		glp_add_rows(h->lp, m);
		glp_add_cols(h->lp, ncol);
		for (j = 0; j < ncol; j++)
		{
			glp_set_col_bnds(h->lp, j + 1, GLP_FR, 0.0, 0.0);
			glp_set_obj_coef(h->lp, j + 1, c[j]);
		}
		for (i = 0; i < m; i++)
			glp_set_row_bnds(h->lp, i + 1, GLP_LO, 0.0, 0.0);
		glp_load_matrix(h->lp, ne, ia, ja, ar);
		lp_jump = NULL;
	}
	scomm_core_free(ia);
	scomm_core_free(ja);
	scomm_core_free(ar);
	return SCOMM_OK;
}

void
honest_lp_free(HonestLp *h)
{
	if (h->lp != NULL && h->generation == lp_generation)
	{
		jmp_buf		jb;

		if (setjmp(jb) == 0)
		{
			lp_jump = &jb;
			glp_delete_prob(h->lp);
		}
		lp_jump = NULL;
	}
	h->lp = NULL;
}

scomm_status
honest_lp_solve_ge(HonestLp *h, const double *lo, double *obj, double *x, double *dual)
{
	glp_smcp	parm;
	int			i,
				ret,
				status;

	if (h->lp == NULL || h->generation != lp_generation)
		return SCOMM_EINVAL;
	if (!AllFinite(lo, h->m))
		return SCOMM_EINVAL;
	{
		LP_GUARD(h->lp = NULL);
		for (i = 0; i < h->m; i++)
			glp_set_row_bnds(h->lp, i + 1, GLP_LO, lo[i], 0.0);
		SimplexParm(&parm);
		ret = glp_simplex(h->lp, &parm);
		if (ret != 0)
		{
			/* a broken warm start: retry from the standard basis */
			glp_std_basis(h->lp);
			ret = glp_simplex(h->lp, &parm);
		}
		status = glp_get_status(h->lp);
		lp_jump = NULL;
		if (ret != 0 || status != GLP_OPT)
			return status == GLP_UNBND ? SCOMM_EEMPTY : SCOMM_ENOCONV;
		*obj = glp_get_obj_val(h->lp);
		if (x != NULL)
			for (i = 0; i < h->ncol; i++)
				x[i] = glp_get_col_prim(h->lp, i + 1);
		if (dual != NULL)
			for (i = 0; i < h->m; i++)
				dual[i] = glp_get_row_dual(h->lp, i + 1);
	}
	return SCOMM_OK;
}

int
honest_lp_active_rows(HonestLp *h, int *rows)
{
	int			i,
				n = 0;

	if (h->lp == NULL || h->generation != lp_generation)
		return -1;
	{
		LP_GUARD_INT(-1);
		for (i = 0; i < h->ncol; i++)
			if (glp_get_col_stat(h->lp, i + 1) != GLP_BS)
			{
				lp_jump = NULL;
				return -1;
			}
		for (i = 0; i < h->m; i++)
			if (glp_get_row_stat(h->lp, i + 1) != GLP_BS)
				rows[n++] = i;
		lp_jump = NULL;
	}
	return n;
}

int
honest_lp_basic_cols(HonestLp *h, int *cols)
{
	int			i,
				n = 0;

	if (h->lp == NULL || h->generation != lp_generation)
		return -1;
	{
		LP_GUARD_INT(-1);
		for (i = 0; i < h->m; i++)
			if (glp_get_row_stat(h->lp, i + 1) == GLP_BS)
			{
				lp_jump = NULL;
				return -1;
			}
		for (i = 0; i < h->ncol; i++)
			if (glp_get_col_stat(h->lp, i + 1) == GLP_BS)
				cols[n++] = i;
		lp_jump = NULL;
	}
	return n;
}

scomm_status
honest_lp_init_eq(HonestLp *h, int meq, int n, const double *Aeq, const double *beq)
{
	int			i,
				j,
				ne = 0;
	int		   *ia = scomm_core_alloc(((size_t) meq * n + 1) * sizeof(int));
	int		   *ja = scomm_core_alloc(((size_t) meq * n + 1) * sizeof(int));
	double	   *ar = scomm_core_alloc(((size_t) meq * n + 1) * sizeof(double));
	scomm_status st = SCOMM_OK;

	memset(h, 0, sizeof(*h));
	if (ia == NULL || ja == NULL || ar == NULL)
		st = SCOMM_ENOMEM;
	else if (!AllFinite(Aeq, (size_t) meq * n) || !AllFinite(beq, meq))
		st = SCOMM_EINVAL;
	else
		ne = Triplets(Aeq, meq, n, ia, ja, ar);
	if (st == SCOMM_OK)
	{
		LP_GUARD((h->lp = NULL, scomm_core_free(ia), scomm_core_free(ja), scomm_core_free(ar)));
		h->m = meq;
		h->ncol = n;
		h->lp = glp_create_prob();
		h->generation = lp_generation;
		glp_set_obj_dir(h->lp, GLP_MAX);
		glp_add_rows(h->lp, meq);
		glp_add_cols(h->lp, n);
		for (j = 0; j < n; j++)
			glp_set_col_bnds(h->lp, j + 1, GLP_LO, 0.0, 0.0);
		for (i = 0; i < meq; i++)
			glp_set_row_bnds(h->lp, i + 1, GLP_FX, beq[i], beq[i]);
		glp_load_matrix(h->lp, ne, ia, ja, ar);
		lp_jump = NULL;
	}
	scomm_core_free(ia);
	scomm_core_free(ja);
	scomm_core_free(ar);
	return st;
}

scomm_status
honest_lp_solve_eq(HonestLp *h, const double *f, double *x, double *obj)
{
	glp_smcp	parm;
	int			j,
				ret,
				status;

	if (h->lp == NULL || h->generation != lp_generation)
		return SCOMM_EINVAL;
	if (!AllFinite(f, h->ncol))
		return SCOMM_EINVAL;
	{
		LP_GUARD(h->lp = NULL);
		for (j = 0; j < h->ncol; j++)
			glp_set_obj_coef(h->lp, j + 1, f[j]);
		SimplexParm(&parm);
		parm.meth = GLP_PRIMAL;
		ret = glp_simplex(h->lp, &parm);
		if (ret != 0)
		{
			glp_std_basis(h->lp);
			ret = glp_simplex(h->lp, &parm);
		}
		status = glp_get_status(h->lp);
		lp_jump = NULL;
		if (ret != 0 || status != GLP_OPT)
			return SCOMM_ENOCONV;
		*obj = glp_get_obj_val(h->lp);
		for (j = 0; j < h->ncol; j++)
			x[j] = glp_get_col_prim(h->lp, j + 1);
	}
	return SCOMM_OK;
}
