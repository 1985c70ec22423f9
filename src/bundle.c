/*
 * bundle.c
 *		The master problem of the bundle method: the minimum of the
 *		regularised cutting-plane model of the risk, and the certified lower
 *		bound it gives on the optimum.
 *
 * Each pass over the rows gives a plane R(w) >= a_t.w + b_t of the empirical
 * risk R (the objective without its regulariser).  The model
 *		min_w  lambda/2 ||w||^2 + max_t (a_t.w + b_t)
 * under-estimates the objective everywhere, so its optimum, and by weak
 * duality any value of its dual
 *		D(alpha) = sum_t alpha_t b_t - 1/(2 lambda) ||sum_t alpha_t a_t||^2,
 *		alpha in the simplex,
 * is a lower bound on the true optimum: that is what makes the gap that
 * hinge_train reports certified.  The dual is solved with pairwise (SMO)
 * steps on the most violating pair, from the previous solution; the
 * minimiser is w = -(1/lambda) sum_t alpha_t a_t.  (Teo, Vishwanathan, Smola
 * and Le, "Bundle methods for regularized risk minimization", JMLR 2010.)
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "miscadmin.h"

#include "bundle.h"
#include "kernels.h"

/* The rounding allowance of a lower bound, relative to the numbers in it */
#define ROUNDING_ALLOWANCE	1e-13

/* Proximal steps on the faces of one solve, at most */
#define PROXIMAL_STEPS	50

/* A plane whose weight has been 0 this many solves in a row is dropped */
#define PLANE_IDLE_LIMIT	40

void
hinge_bundle_init(HingeBundle *bundle, int d, float8 lambda, int capacity)
{
	bundle->d = d;
	bundle->m = 0;
	bundle->capacity = capacity;
	bundle->lambda = lambda;
	/*
	 * The slopes grow as planes come (most trainings need a few dozen of
	 * the capacity): their room is capacity x d, hundreds of MB for wide
	 * sparse rows, not to be taken up front
	 */
	bundle->allocated = Min(capacity, 8);
	bundle->a = palloc(sizeof(float8) * (Size) bundle->allocated * d);
	bundle->b = palloc0(sizeof(float8) * capacity);
	bundle->magnitude = palloc0(sizeof(float8) * capacity);
	bundle->alpha = palloc0(sizeof(float8) * capacity);
	bundle->gram = palloc0(sizeof(float8) * (Size) capacity * capacity);
	bundle->idle = palloc0(sizeof(int) * capacity);
}

/* Removes plane t, moving the last one into its place */
static void
remove_plane(HingeBundle *bundle, int t)
{
	int			last = bundle->m - 1;
	int			cap = bundle->capacity;
	int			s;

	if (t != last)
	{
		memcpy(bundle->a + (Size) t * bundle->d, bundle->a + (Size) last * bundle->d,
			   sizeof(float8) * bundle->d);
		bundle->b[t] = bundle->b[last];
		bundle->magnitude[t] = bundle->magnitude[last];
		bundle->alpha[t] = bundle->alpha[last];
		bundle->idle[t] = bundle->idle[last];
		for (s = 0; s < bundle->m; s++)
		{
			bundle->gram[(Size) t * cap + s] = bundle->gram[(Size) last * cap + s];
			bundle->gram[(Size) s * cap + t] = bundle->gram[(Size) s * cap + last];
		}
		bundle->gram[(Size) t * cap + t] = bundle->gram[(Size) last * cap + last];
	}
	bundle->m--;
}

/*
 * Adds the plane R(w) >= a.w + b, whose offset b was computed from numbers
 * of about magnitude (for the rounding allowance of the lower bound).
 * Planes long unused are dropped first, and when the bundle is full the
 * longest unused one makes room (their weight is 0, so the model's optimum
 * is unchanged).
 */
void
hinge_bundle_add(HingeBundle *bundle, const float8 *a, float8 b, float8 magnitude)
{
	int			cap = bundle->capacity;
	int			t,
				s;

	for (t = bundle->m - 1; t >= 0; t--)
		if (bundle->alpha[t] == 0.0 && bundle->idle[t] >= PLANE_IDLE_LIMIT)
			remove_plane(bundle, t);
	if (bundle->m == cap)
	{
		/*
		 * Full: drop the longest unused plane, or else the one of least
		 * weight, its weight moved to the heaviest.  Any subset of planes
		 * still under-estimates the risk, so lower bounds stay valid.
		 */
		int			drop = 0,
					heaviest = 0;

		for (t = 1; t < bundle->m; t++)
		{
			if (bundle->alpha[t] < bundle->alpha[drop] ||
				(bundle->alpha[t] == bundle->alpha[drop] &&
				 bundle->idle[t] > bundle->idle[drop]))
				drop = t;
			if (bundle->alpha[t] > bundle->alpha[heaviest])
				heaviest = t;
		}
		if (drop != heaviest)
			bundle->alpha[heaviest] += bundle->alpha[drop];
		bundle->alpha[drop] = 0.0;
		remove_plane(bundle, drop);
	}

	if (bundle->m == bundle->allocated)
	{
		bundle->allocated = Min(bundle->capacity, 2 * bundle->allocated);
		bundle->a = repalloc(bundle->a, sizeof(float8) * (Size) bundle->allocated * bundle->d);
	}
	t = bundle->m++;
	memcpy(bundle->a + (Size) t * bundle->d, a, sizeof(float8) * bundle->d);
	bundle->b[t] = b;
	bundle->magnitude[t] = fabs(magnitude);
	bundle->alpha[t] = (t == 0) ? 1.0 : 0.0;
	bundle->idle[t] = 0;
	for (s = 0; s <= t; s++)
	{
		float8		g = hinge_dot_f8(a, bundle->a + (Size) s * bundle->d, bundle->d);

		bundle->gram[(Size) t * cap + s] = g;
		bundle->gram[(Size) s * cap + t] = g;
	}
}

/*
 * The Cholesky factor of the free planes' matrix Q = G / lambda + ridge I
 * (lower triangular, row-major, m x m storage), kept up to date as planes
 * join and leave the free set: O(n^2) a change instead of O(n^3) a solve.
 */
typedef struct Factor
{
	int			n;				/* planes in the set */
	int			ld;				/* row stride of L */
	int		   *set;			/* the planes, in the factor's order */
	float8	   *L;
	float8		ridge;
} Factor;

static inline float8
q_of(const HingeBundle *bundle, const Factor *f, int s, int t)
{
	return bundle->gram[(Size) s * bundle->capacity + t] / bundle->lambda +
		(s == t ? f->ridge : 0.0);
}

/* Appends plane t; false when its pivot is not positive in floating point */
static bool
factor_add(Factor *f, const HingeBundle *bundle, int t)
{
	int			n = f->n,
				ld = f->ld,
				i,
				k;
	float8	   *row = f->L + (Size) n * ld;
	float8		diag = q_of(bundle, f, t, t);

	for (i = 0; i < n; i++)
	{
		float8		v = q_of(bundle, f, f->set[i], t);

		for (k = 0; k < i; k++)
			v -= f->L[(Size) i * ld + k] * row[k];
		row[i] = v / f->L[(Size) i * ld + i];
		diag -= row[i] * row[i];
	}
	if (!(diag > 0.0) || !isfinite(diag))
		return false;
	row[n] = sqrt(diag);
	f->set[n] = t;
	f->n++;
	return true;
}

/*
 * Removes the plane at position p: the rows below move up, and Givens
 * rotations of neighbouring columns (orthogonal, so L L^T is unchanged)
 * zero the element each of them then has above the diagonal.
 */
static void
factor_remove(Factor *f, int p)
{
	int			n = f->n,
				ld = f->ld,
				i,
				j;

	for (i = p; i < n - 1; i++)
	{
		memcpy(f->L + (Size) i * ld, f->L + (Size) (i + 1) * ld, sizeof(float8) * (i + 2));
		f->set[i] = f->set[i + 1];
	}
	for (i = p; i < n - 1; i++)
	{
		float8		a = f->L[(Size) i * ld + i],
					b = f->L[(Size) i * ld + i + 1],
					r = hypot(a, b),
					c = a / r,
					s = b / r;

		for (j = i; j < n - 1; j++)
		{
			float8		x = f->L[(Size) j * ld + i],
						y = f->L[(Size) j * ld + i + 1];

			f->L[(Size) j * ld + i] = c * x + s * y;
			f->L[(Size) j * ld + i + 1] = c * y - s * x;
		}
	}
	f->n--;
}

/* Solves L L^T x = x in place */
static void
factor_solve(const Factor *f, float8 *x)
{
	int			n = f->n,
				ld = f->ld,
				i,
				k;

	for (i = 0; i < n; i++)
	{
		for (k = 0; k < i; k++)
			x[i] -= f->L[(Size) i * ld + k] * x[k];
		x[i] /= f->L[(Size) i * ld + i];
	}
	for (i = n - 1; i >= 0; i--)
	{
		for (k = i + 1; k < n; k++)
			x[i] -= f->L[(Size) k * ld + i] * x[k];
		x[i] /= f->L[(Size) i * ld + i];
	}
}

/* The factor of the planes marked in[], from scratch; false if one fails */
static bool
factor_build(Factor *f, const HingeBundle *bundle, const bool *in)
{
	int			t;

	f->n = 0;
	for (t = 0; t < bundle->m; t++)
		if (in[t] && !factor_add(f, bundle, t))
			return false;
	return true;
}

/*
 * An active-set method for the dual, from the current alphas: the planes
 * of weight > 0 (the free set) get the weights that maximise the dual on
 * their face of the simplex, found by one linear solve (a Cholesky factor
 * of their Gram matrix, with a tiny ridge for planes that are linearly
 * dependent); a weight that would turn negative stops the step there and
 * leaves the set; when none does, the plane of largest gradient outside
 * the set joins it, until no plane outside gains more than precision.
 * Pairwise steps alone need tens of thousands of steps once planes are
 * many and nearly parallel; this needs about one solve per change of the
 * set.  Any alphas on the simplex give a valid bound, so the ridge costs
 * nothing but a little precision, which proximal steps on the same factor
 * recover (the pairwise steps after it took thousands of steps to, at
 * lambda 1e-5 on 569 rows: two thirds of the training).
 */
static void
active_set(HingeBundle *bundle, float8 precision)
{
	int			m = bundle->m;
	int			cap = bundle->capacity;
	float8		lambda = bundle->lambda;
	bool	   *in = palloc(sizeof(bool) * m);
	float8	   *u = palloc(sizeof(float8) * m);
	float8	   *v = palloc(sizeof(float8) * m);
	float8	   *g = palloc(sizeof(float8) * m);
	float8	   *saved = palloc(sizeof(float8) * m);
	float8		largest = 0.0,
				total = 0.0;
	Factor		f;
	int			limit = 10 * m + 100,
				proximal_steps = 0,
				iteration,
				i,
				t,
				s;

	f.ld = m;
	f.n = 0;
	f.set = palloc(sizeof(int) * m);
	f.L = palloc(sizeof(float8) * (Size) m * m);
	for (t = 0; t < m; t++)
	{
		in[t] = bundle->alpha[t] > 0.0;
		largest = fmax(largest, bundle->gram[(Size) t * cap + t]);
		saved[t] = bundle->alpha[t];
	}
	f.ridge = fmax(1e-10 * largest / lambda, 1e-300);
	/* planes too steep for float8 (features near its limits): pairs only */
	iteration = isfinite(f.ridge) ? 0 : limit;
	for (; iteration < limit && !factor_build(&f, bundle, in); iteration++)
		f.ridge *= 100.0;

	for (; iteration < limit && f.n > 0; iteration++)
	{
		float8		su = 0.0,
					sv = 0.0,
					mu,
					tau = 1.0,
					g_out = 0.0,
					g_in_max = 0.0,
					g_in_min = 0.0;
		int			leaving = -1,
					entering = -1;
		bool		any_in = false;

		/*
		 * The face's optimum: Q a = b - mu 1 with 1.a = 1, by proximal
		 * steps (Q + ridge I) a' = b + ridge a - mu 1, whose fixed point is
		 * the optimum without the ridge
		 */
		for (i = 0; i < f.n; i++)
		{
			u[i] = bundle->b[f.set[i]] + f.ridge * bundle->alpha[f.set[i]];
			v[i] = 1.0;
		}
		factor_solve(&f, u);
		factor_solve(&f, v);
		for (i = 0; i < f.n; i++)
			su += u[i], sv += v[i];
		mu = (su - 1.0) / sv;
		for (i = 0; i < f.n; i++)
		{
			float8		target = u[i] - mu * v[i];
			float8		alpha = bundle->alpha[f.set[i]];

			u[i] = target;
			if (target < 0.0 && alpha - target > 0.0 && alpha / (alpha - target) < tau)
			{
				tau = alpha / (alpha - target);
				leaving = i;
			}
		}
		for (i = 0; i < f.n; i++)
		{
			float8	   *alpha = &bundle->alpha[f.set[i]];

			*alpha += tau * (u[i] - *alpha);
			if (i == leaving || *alpha < 1e-15)
				*alpha = 0.0;
		}
		/* planes whose weight fell to 0 leave the set, the last first */
		for (i = f.n - 1; i >= 0; i--)
			if (bundle->alpha[f.set[i]] == 0.0)
			{
				in[f.set[i]] = false;
				factor_remove(&f, i);
			}
		if (leaving >= 0)
			continue;

		/* on the face's optimum: does a plane outside it gain? */
		for (t = 0; t < m; t++)
		{
			g[t] = bundle->b[t];
			for (i = 0; i < f.n; i++)
			{
				s = f.set[i];
				g[t] -= bundle->gram[(Size) t * cap + s] * bundle->alpha[s] / lambda;
			}
			if (in[t] && (g_in_max == 0.0 || g[t] > g_in_max))
				g_in_max = g[t];
			if (in[t] && (!any_in || g[t] < g_in_min))
				g_in_min = g[t], any_in = true;
		}
		/* not yet at the face's optimum: another proximal step */
		if (g_in_max - g_in_min > precision && ++proximal_steps <= PROXIMAL_STEPS)
			continue;
		for (t = 0; t < m; t++)
			if (!in[t] && g[t] > g_in_max + precision && (entering < 0 || g[t] > g_out))
				entering = t, g_out = g[t];
		if (entering < 0)
			break;
		in[entering] = true;
		if (!factor_add(&f, bundle, entering))
		{
			/* dependent in floating point: a larger ridge, the factor anew */
			do
				f.ridge *= 100.0;
			while (++iteration < limit && !factor_build(&f, bundle, in));
		}
		CHECK_FOR_INTERRUPTS();
	}

	/*
	 * Back onto the simplex exactly: a solve of nearly dependent planes
	 * carries rounding errors that the bound must not inherit (a dual value
	 * is a bound only for weights on the simplex).  Weights that overflowed
	 * give way to the previous ones.
	 */
	for (t = 0; t < m; t++)
	{
		if (!isfinite(bundle->alpha[t]))
			break;
		bundle->alpha[t] = fmax(bundle->alpha[t], 0.0);
		total += bundle->alpha[t];
	}
	if (t < m || !(total > 0.0))
		memcpy(bundle->alpha, saved, sizeof(float8) * m);
	else
		for (t = 0; t < m; t++)
			bundle->alpha[t] /= total;
	pfree(saved);
	pfree(in);
	pfree(f.set);
	pfree(f.L);
	pfree(u);
	pfree(v);
	pfree(g);
}

/*
 * Solves the dual from the current alphas until the duality gap of the model
 * is at most precision, writes the model's minimiser to w and returns the
 * dual value: a lower bound on the optimum of the true objective.
 */
float8
hinge_bundle_solve(HingeBundle *bundle, float8 *w, float8 precision)
{
	int			m = bundle->m;
	int			cap = bundle->capacity;
	float8		lambda = bundle->lambda;
	float8	   *galpha = palloc(sizeof(float8) * m);
	float8		dual = 0.0,
				total = 0.0,
				magnitude = 0.0,
				regulariser;
	int			iteration,
				t,
				s;

	Assert(m >= 1);
	active_set(bundle, precision);
	for (t = 0; t < m; t++)
	{
		galpha[t] = 0.0;
		for (s = 0; s < m; s++)
			galpha[t] += bundle->gram[(Size) t * cap + s] * bundle->alpha[s];
	}

	for (iteration = 0; iteration < 100000; iteration++)
	{
		int			up = -1,
					down = -1;
		float8		g_up = 0.0,
					g_down = 0.0,
					curvature,
					step;

		/*
		 * The pair: up, the plane of the largest gradient b_t - (G
		 * alpha)_t / lambda of the dual, gains weight; down, among the
		 * planes of weight > 0, loses it.  The gap g_up - min g_down bounds
		 * the model's duality gap; down is the plane whose exchange with up
		 * gains the most, (g_up - g_t)^2 / curvature (second-order
		 * selection, Fan, Chen and Lin, JMLR 2005), which needs far fewer
		 * steps than the steepest pair when planes are nearly parallel.
		 */
		float8		g_min = 0.0,
					gain_best = -1.0;

		for (t = 0; t < m; t++)
		{
			float8		g = bundle->b[t] - galpha[t] / lambda;

			if (up < 0 || g > g_up)
				up = t, g_up = g;
		}
		for (t = 0; t < m; t++)
		{
			float8		g,
						gain;

			if (bundle->alpha[t] <= 0.0)
				continue;
			g = bundle->b[t] - galpha[t] / lambda;
			if (down < 0 || g < g_min)
				g_min = g;
			if (g >= g_up)
				continue;
			curvature = (bundle->gram[(Size) up * cap + up] +
						 bundle->gram[(Size) t * cap + t] -
						 2.0 * bundle->gram[(Size) up * cap + t]) / lambda;
			gain = (g_up - g) * (g_up - g) / fmax(curvature, 1e-300);
			if (gain > gain_best)
				down = t, g_down = g, gain_best = gain;
		}
		if (down < 0 || g_up - g_min <= precision)
			break;
		if ((iteration & 1023) == 0)
			CHECK_FOR_INTERRUPTS();

		curvature = (bundle->gram[(Size) up * cap + up] +
					 bundle->gram[(Size) down * cap + down] -
					 2.0 * bundle->gram[(Size) up * cap + down]) / lambda;
		step = bundle->alpha[down];
		if (curvature > 0.0)
			step = fmin(step, (g_up - g_down) / curvature);
		bundle->alpha[up] += step;
		bundle->alpha[down] -= step;
		if (bundle->alpha[down] < 1e-15)
			bundle->alpha[down] = 0.0;
		for (t = 0; t < m; t++)
			galpha[t] += step * (bundle->gram[(Size) t * cap + up] -
								 bundle->gram[(Size) t * cap + down]);
	}

	/*
	 * w = -(1/lambda) sum alpha_t a_t; D = sum alpha_t b_t - lambda/2 ||w||^2,
	 * with the alphas scaled back onto the simplex their steps may have
	 * drifted off
	 */
	for (t = 0; t < m; t++)
		total += bundle->alpha[t];
	memset(w, 0, sizeof(float8) * bundle->d);
	for (t = 0; t < m; t++)
	{
		const float8 *a = bundle->a + (Size) t * bundle->d;
		float8		alpha = bundle->alpha[t] / total;
		int			j;

		bundle->idle[t] = bundle->alpha[t] > 0.0 ? 0 : bundle->idle[t] + 1;
		if (alpha == 0.0)
			continue;
		dual += alpha * bundle->b[t];
		magnitude += alpha * bundle->magnitude[t];
		for (j = 0; j < bundle->d; j++)
			w[j] -= alpha * a[j] / lambda;
	}
	regulariser = lambda / 2.0 * hinge_dot_f8(w, w, bundle->d);
	dual -= regulariser;
	pfree(galpha);

	/*
	 * A certificate must hold in floating point too: the planes and this sum
	 * carry rounding errors of a few units in the last place of the numbers
	 * they came from, so the bound returned is lower by far more than those
	 * (1e-13 of their size), never above the optimum by rounding alone.
	 */
	return dual - ROUNDING_ALLOWANCE * (magnitude + regulariser + fabs(dual));
}
