/*
 * lca_se.c: standard errors of a latent class model as poLCA computes them
 * (poLCA.se.R; Linzer & Lewis 2011, section 2.4).
 *
 * The parameters are, class after class and item after item, the log odds
 * of categories 2..K_j against category 1, then, for classes 2..R, the
 * coefficients of the membership logit (without covariates: the intercepts,
 * the log odds of the shares).  A pattern's score of log P(y) is
 *
 *     posterior_r ([y_j = k] - p_rjk)     items j it answered, k = 2..K_j
 *     x~ (posterior_r - prior_r)          classes r = 2..R
 *
 * (0 for unanswered items).  The information is the outer product of the
 * scores summed over the rows (pattern counts as weights), and its
 * pseudo-inverse (MASS::ginv) the covariance.  Response probabilities get
 * theirs by the delta method through the softmax of each class and item;
 * shares through the derivative of the mean prior over the N rows with
 * respect to the coefficients (poLCA's Jac.mix); coefficients directly.
 */
#include <math.h>
#include <string.h>

#include "lca_int.h"
#include "mlogit.h"
#include "symmat.h"

typedef LcaSeLayout SeLayout;

/* Build the layout of the parameter vector of model m over data d. */
scomm_status
scomm_lca_se_layout(const LcaData *d, const scomm_lca_model *m, LcaSeLayout *L)
{
	int			j,
				k;

	memset(L, 0, sizeof(*L));
	L->itemoff = scomm_core_alloc(d->nitems * sizeof(int));
	L->slotitem = scomm_core_alloc(d->ncat_total * sizeof(int));
	if (L->itemoff == NULL || L->slotitem == NULL)
	{
		scomm_lca_se_layout_free(L);
		return SCOMM_ENOMEM;
	}
	for (j = 0; j < d->nitems; j++)
	{
		L->itemoff[j] = L->peritem;
		L->peritem += d->ncat[j] - 1;
		for (k = 0; k < d->ncat[j]; k++)
			L->slotitem[d->off[j] + k] = j;
	}
	L->S = m->ncov + 1;
	L->nitem_par = m->nclass * L->peritem;
	L->npar = L->nitem_par + (m->nclass - 1) * L->S;
	return SCOMM_OK;
}

void
scomm_lca_se_layout_free(LcaSeLayout *L)
{
	scomm_core_free(L->itemoff);
	scomm_core_free(L->slotitem);
	L->itemoff = NULL;
	L->slotitem = NULL;
}

/*
 * Prior, posterior and score s[npar] of log P(y) of used pattern p under
 * model m (logp: the model's log probabilities, slot-major).
 */
void
scomm_lca_pattern_score(const LcaData *d, const scomm_lca_model *m,
						const LcaSeLayout *L, const double *logp, size_t p,
						double *prior, double *post, double *s)
{
	const int  *idx = d->idx + d->start[p];
	size_t		nk = d->start[p + 1] - d->start[p];
	const double *x = m->ncov > 0 ? d->x + p * d->ncov : NULL;
	double		lp[SCOMM_LCA_MAX_CLASSES];
	int			R = m->nclass,
				r,
				j,
				k;
	size_t		o;

	scomm_lca_model_logprior(m, x, lp);
	for (r = 0; r < R; r++)
		prior[r] = exp(lp[r]);
	scomm_lca_pattern_post(d, p, lp, logp, post);
	memset(s, 0, L->npar * sizeof(double));
	for (o = 0; o < nk; o++)
	{
		int			slot = idx[o];

		j = L->slotitem[slot];
		for (r = 0; r < R; r++)
		{
			const double *pr = m->probs + (size_t) r * m->ncat_total + d->off[j];
			double	   *sr = s + r * L->peritem + L->itemoff[j];

			for (k = 1; k < d->ncat[j]; k++)
				sr[k - 1] = post[r] * ((slot - d->off[j] == k) - pr[k]);
		}
	}
	if (R > 1)
		scomm_mlogit_score(R, L->S - 1, x, post, prior, s + L->nitem_par);
}

/* Add w s s' to the lower triangle of info (npar x npar). */
static void
AddOuter(int npar, const double *s, double w, double *info)
{
	int			a,
				b;

	for (a = 0; a < npar; a++)
	{
		double		wa = w * s[a];

		if (wa == 0.0)
			continue;
		for (b = 0; b <= a; b++)
			info[(size_t) a * npar + b] += wa * s[b];
	}
}

/*
 * Add w times the Hessian of log P(y) of used pattern p (prior, post and
 * score s from scomm_lca_pattern_score) to the lower triangle of H, by
 * Louis's identity: the posterior mean of the complete-data Hessians plus
 * the posterior covariance of the complete-data scores.  cs is scratch of
 * npar doubles.
 */
void
scomm_lca_pattern_hessian(const LcaData *d, const scomm_lca_model *m,
						  const LcaSeLayout *L, size_t p, const double *prior,
						  const double *post, const double *s, double w,
						  double *cs, double *H)
{
	const int  *idx = d->idx + d->start[p];
	size_t		nk = d->start[p + 1] - d->start[p];
	const double *x = m->ncov > 0 ? d->x + p * d->ncov : NULL;
	int			R = m->nclass,
				npar = L->npar,
				r,
				j,
				k,
				l,
				t,
				u;
	size_t		o;

	/* posterior covariance of the class scores: sum_r post_r c_r c_r' - s s' */
	for (r = 0; r < R; r++)
	{
		if (post[r] == 0.0)
			continue;
		memset(cs, 0, npar * sizeof(double));
		for (o = 0; o < nk; o++)
		{
			const double *pr;

			j = L->slotitem[idx[o]];
			pr = m->probs + (size_t) r * m->ncat_total + d->off[j];
			for (k = 1; k < d->ncat[j]; k++)
				cs[r * L->peritem + L->itemoff[j] + k - 1] = (idx[o] - d->off[j] == k) - pr[k];
		}
		for (l = 1; l < R; l++)
			for (t = 0; t < L->S; t++)
				cs[L->nitem_par + (l - 1) * L->S + t] =
					((l == r) - prior[l]) * (t == 0 ? 1.0 : x[t - 1]);
		AddOuter(npar, cs, w * post[r], H);
	}
	AddOuter(npar, s, -w, H);
	/* posterior mean of the complete-data Hessians: items of each class ... */
	for (r = 0; r < R; r++)
		for (o = 0; o < nk; o++)
		{
			const double *pr;
			int			base;

			j = L->slotitem[idx[o]];
			pr = m->probs + (size_t) r * m->ncat_total + d->off[j];
			base = r * L->peritem + L->itemoff[j];
			for (k = 1; k < d->ncat[j]; k++)
				for (u = 1; u <= k; u++)
					H[(size_t) (base + k - 1) * npar + base + u - 1] -=
						w * post[r] * ((k == u ? pr[k] : 0.0) - pr[k] * pr[u]);
		}
	/* ... and the membership logit's, the same in every class */
	if (R > 1)
	{
		double	   *Hb = cs;		/* (R-1)S square, then copied */
		int			nb = (R - 1) * L->S,
					a,
					b;

		if (nb * nb <= npar)
		{
			memset(Hb, 0, (size_t) nb * nb * sizeof(double));
			scomm_mlogit_info_add(R, L->S - 1, x, prior, w, Hb);
			for (a = 0; a < nb; a++)
				for (b = 0; b <= a; b++)
					H[(size_t) (L->nitem_par + a) * npar + L->nitem_par + b] -= Hb[a * nb + b];
		}
		else
			for (a = 0; a < nb; a++)
				for (b = 0; b <= a; b++)
				{
					int			ka = a / L->S + 1,
								kb = b / L->S + 1,
								sa = a % L->S,
								sb = b % L->S;
					double		c = (ka == kb ? prior[ka] : 0.0) - prior[ka] * prior[kb];

					H[(size_t) (L->nitem_par + a) * npar + L->nitem_par + b] -=
						w * c * (sa == 0 ? 1.0 : x[sa - 1]) * (sb == 0 ? 1.0 : x[sb - 1]);
				}
	}
}

/* The information matrix: sum over patterns of w s s'. */
static scomm_status
Information(const LcaData *d, const scomm_lca_model *m, const SeLayout *L,
			double *info, double *jmix)
{
	double		lp[SCOMM_LCA_MAX_CLASSES],
				prior[SCOMM_LCA_MAX_CLASSES],
				post[SCOMM_LCA_MAX_CLASSES];
	double	   *s = scomm_core_alloc(L->npar * sizeof(double));
	double	   *logp = scomm_core_alloc((size_t) m->nclass * m->ncat_total * sizeof(double));
	double	   *logshare = scomm_core_alloc(m->nclass * sizeof(double));
	int			R = m->nclass,
				r,
				q,
				l;
	size_t		p;
	scomm_status st = SCOMM_OK;

	if (!s || !logp || !logshare)
		st = SCOMM_ENOMEM;
	if (st == SCOMM_OK)
		scomm_lca_log_params(d, m->share, m->probs, logshare, logp);
	for (p = 0; st == SCOMM_OK && p < d->npat + d->nempty; p++)
	{
		const double *x = NULL;
		double		w;

		if ((p & 4095) == 4095 && scomm_core_interrupted())
		{
			st = SCOMM_CANCELLED;
			break;
		}
		if (p < d->npat)
		{
			x = m->ncov > 0 ? d->x + p * d->ncov : NULL;
			w = d->w[p];
			scomm_lca_pattern_score(d, m, L, logp, p, prior, post, s);
			AddOuter(L->npar, s, w, info);
		}
		else
		{
			/* a row without an observed item: score 0, prior in Jac.mix */
			x = m->ncov > 0 ? d->x_empty + (p - d->npat) * d->ncov : NULL;
			w = d->w_empty[p - d->npat];
			scomm_lca_model_logprior(m, x, lp);
			for (r = 0; r < R; r++)
				prior[r] = exp(lp[r]);
		}
		/* Jac.mix[q][(r - 1) S + l] = mean of (diag(prior) - prior prior')[q][r] x~_l */
		for (q = 0; q < R; q++)
			for (r = 1; r < R; r++)
			{
				double		c = w * ((q == r ? prior[q] : 0.0) - prior[q] * prior[r]);

				for (l = 0; l < L->S; l++)
					jmix[(size_t) q * (R - 1) * L->S + (r - 1) * L->S + l] +=
						c * (l == 0 ? 1.0 : x[l - 1]);
			}
	}
	scomm_core_free(s);
	scomm_core_free(logp);
	scomm_core_free(logshare);
	if (st == SCOMM_OK)
		scomm_symmat_fill_upper(L->npar, info);
	return st;
}

/* Standard errors of the probabilities: delta method through the softmax. */
static void
ProbsSe(const LcaData *d, scomm_lca_model *m, const SeLayout *L,
		const double *V)
{
	int			r,
				j,
				k,
				a,
				b;

	for (r = 0; r < m->nclass; r++)
		for (j = 0; j < d->nitems; j++)
		{
			const double *pr = m->probs + (size_t) r * m->ncat_total + d->off[j];
			int			o = r * L->peritem + L->itemoff[j];
			int			K = d->ncat[j];

			for (k = 0; k < K; k++)
			{
				double		v = 0.0;

				/* d p_k / d eta_c = p_k ([k = c] - p_c), c = 2..K */
				for (a = 1; a < K; a++)
				{
					double		ja = pr[k] * ((k == a) - pr[a]);

					for (b = 1; b < K; b++)
						v += ja * V[(size_t) (o + a - 1) * L->npar + o + b - 1] *
							pr[k] * ((k == b) - pr[b]);
				}
				m->probs_se[(size_t) r * m->ncat_total + d->off[j] + k] = sqrt(fmax(v, 0.0));
			}
		}
}

/* Standard errors of the coefficients and of the shares (Jac.mix V Jac.mix'). */
static void
MembershipSe(const LcaData *d, scomm_lca_model *m, const SeLayout *L,
			 const double *V, const double *jmix)
{
	int			R = m->nclass,
				nb = (R - 1) * L->S,
				q,
				a,
				b;
	size_t		B0 = L->nitem_par;

	for (a = 0; a < nb; a++)
		m->coef_se[a] = sqrt(fmax(V[(B0 + a) * L->npar + B0 + a], 0.0));
	for (q = 0; q < R; q++)
	{
		const double *jq = jmix + (size_t) q * nb;
		double		v = 0.0;

		for (a = 0; a < nb; a++)
			for (b = 0; b < nb; b++)
				v += jq[a] * V[(B0 + a) * L->npar + B0 + b] * jq[b] / (LCA_N(d) * LCA_N(d));
		m->share_se[q] = R > 1 ? sqrt(fmax(v, 0.0)) : 0.0;
	}
}

/*
 * Fill share_se, probs_se and coef_se of m (classes already in their final
 * order) from the data d.  Beyond SCOMM_LCA_MAX_SE_PARAMS parameters, or
 * SCOMM_LCA_MAX_SE_WORK patterns x parameters^2, they stay NaN.
 */
scomm_status
scomm_lca_model_se(const LcaData *d, scomm_lca_model *m)
{
	SeLayout	L;
	double	   *info = NULL,
			   *jmix = NULL;
	scomm_status st;

	if ((st = scomm_lca_se_layout(d, m, &L)) != SCOMM_OK)
		return st;
	if (L.npar > SCOMM_LCA_MAX_SE_PARAMS || L.npar < 1 ||
		(double) d->npat * L.npar * L.npar / 2 > SCOMM_LCA_MAX_SE_WORK)
	{
		scomm_lca_se_layout_free(&L);
		return SCOMM_OK;
	}
	info = scomm_core_alloc((size_t) L.npar * L.npar * sizeof(double));
	jmix = scomm_core_alloc((size_t) m->nclass * (m->nclass - 1 > 0 ? m->nclass - 1 : 1) *
							L.S * sizeof(double));
	if (info == NULL || jmix == NULL || L.slotitem == NULL)
		st = SCOMM_ENOMEM;
	else
		st = Information(d, m, &L, info, jmix);
	if (st == SCOMM_OK)
		st = scomm_symmat_pinv(L.npar, info, info, NULL);
	if (st == SCOMM_OK)
	{
		ProbsSe(d, m, &L, info);
		MembershipSe(d, m, &L, info, jmix);
	}
	else if (st == SCOMM_ESINGULAR || st == SCOMM_EINVAL)
		st = SCOMM_OK;			/* no standard errors (NaN), the fit stands */
	scomm_core_free(info);
	scomm_core_free(jmix);
	scomm_lca_se_layout_free(&L);
	return st;
}
