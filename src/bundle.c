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

/* A plane whose weight has been 0 this many solves in a row is dropped */
#define PLANE_IDLE_LIMIT	40

void
hinge_bundle_init(HingeBundle *bundle, int d, float8 lambda, int capacity)
{
	bundle->d = d;
	bundle->m = 0;
	bundle->capacity = capacity;
	bundle->lambda = lambda;
	bundle->a = palloc0(sizeof(float8) * (Size) capacity * d);
	bundle->b = palloc0(sizeof(float8) * capacity);
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
 * Adds the plane R(w) >= a.w + b.  Planes long unused are dropped first, and
 * when the bundle is full the longest unused one makes room (their weight is
 * 0, so the model's optimum is unchanged).
 */
void
hinge_bundle_add(HingeBundle *bundle, const float8 *a, float8 b)
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

	t = bundle->m++;
	memcpy(bundle->a + (Size) t * bundle->d, a, sizeof(float8) * bundle->d);
	bundle->b[t] = b;
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
 * Cholesky factor L (n x n, lower, row-major) of the matrix A, in place of
 * L; false when A is not positive definite in floating point.
 */
static bool
cholesky(float8 *L, int n)
{
	int			i,
				j,
				k;

	for (j = 0; j < n; j++)
	{
		float8		diag = L[j * n + j];

		for (k = 0; k < j; k++)
			diag -= L[j * n + k] * L[j * n + k];
		if (!(diag > 0.0))
			return false;
		diag = sqrt(diag);
		L[j * n + j] = diag;
		for (i = j + 1; i < n; i++)
		{
			float8		v = L[i * n + j];

			for (k = 0; k < j; k++)
				v -= L[i * n + k] * L[j * n + k];
			L[i * n + j] = v / diag;
		}
	}
	return true;
}

/* Solves L L^T x = x in place */
static void
cholesky_solve(const float8 *L, int n, float8 *x)
{
	int			i,
				k;

	for (i = 0; i < n; i++)
	{
		for (k = 0; k < i; k++)
			x[i] -= L[i * n + k] * x[k];
		x[i] /= L[i * n + i];
	}
	for (i = n - 1; i >= 0; i--)
	{
		for (k = i + 1; k < n; k++)
			x[i] -= L[k * n + i] * x[k];
		x[i] /= L[i * n + i];
	}
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
 * nothing but a little precision, which the pairwise steps then recover.
 */
static void
active_set(HingeBundle *bundle, float8 precision)
{
	int			m = bundle->m;
	int			cap = bundle->capacity;
	float8		lambda = bundle->lambda;
	bool	   *in = palloc(sizeof(bool) * m);
	int		   *set = palloc(sizeof(int) * m);
	float8	   *L = palloc(sizeof(float8) * (Size) m * m);
	float8	   *u = palloc(sizeof(float8) * m);
	float8	   *v = palloc(sizeof(float8) * m);
	float8	   *g = palloc(sizeof(float8) * m);
	float8	   *saved = palloc(sizeof(float8) * m);
	float8		ridge = 0.0,
				total = 0.0;
	int			iteration,
				n,
				i,
				j,
				t,
				s;

	for (t = 0; t < m; t++)
	{
		in[t] = bundle->alpha[t] > 0.0;
		ridge = fmax(ridge, bundle->gram[(Size) t * cap + t]);
		saved[t] = bundle->alpha[t];
	}
	ridge = fmax(1e-10 * ridge / lambda, 1e-300);

	for (iteration = isfinite(ridge) ? 0 : INT_MAX; iteration < 10 * m + 100; iteration++)
	{
		float8		su = 0.0,
					sv = 0.0,
					mu,
					tau = 1.0,
					g_out = 0.0,
					g_in_max = 0.0;
		int			leaving = -1,
					entering = -1;

		n = 0;
		for (t = 0; t < m; t++)
			if (in[t])
				set[n++] = t;
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			for (j = 0; j <= i; j++)
				L[i * n + j] = L[j * n + i] =
					bundle->gram[(Size) set[i] * cap + set[j]] / lambda + (i == j ? ridge : 0.0);
		if (!cholesky(L, n))
		{
			ridge *= 100.0;
			continue;
		}
		/* the face's optimum: Q a = b - mu 1 with 1.a = 1 */
		for (i = 0; i < n; i++)
		{
			u[i] = bundle->b[set[i]];
			v[i] = 1.0;
		}
		cholesky_solve(L, n, u);
		cholesky_solve(L, n, v);
		for (i = 0; i < n; i++)
			su += u[i], sv += v[i];
		mu = (su - 1.0) / sv;
		for (i = 0; i < n; i++)
		{
			float8		target = u[i] - mu * v[i];
			float8		alpha = bundle->alpha[set[i]];

			u[i] = target;
			if (target < 0.0 && alpha - target > 0.0 && alpha / (alpha - target) < tau)
			{
				tau = alpha / (alpha - target);
				leaving = set[i];
			}
		}
		for (i = 0; i < n; i++)
		{
			float8	   *alpha = &bundle->alpha[set[i]];

			*alpha += tau * (u[i] - *alpha);
			if (set[i] == leaving || *alpha < 1e-15)
			{
				*alpha = 0.0;
				in[set[i]] = false;
			}
		}
		if (leaving >= 0)
			continue;

		/* on the face's optimum: does a plane outside it gain? */
		for (t = 0; t < m; t++)
		{
			g[t] = bundle->b[t];
			for (s = 0; s < m; s++)
				if (bundle->alpha[s] > 0.0)
					g[t] -= bundle->gram[(Size) t * cap + s] * bundle->alpha[s] / lambda;
			if (in[t] && (g_in_max == 0.0 || g[t] > g_in_max))
				g_in_max = g[t];
		}
		for (t = 0; t < m; t++)
			if (!in[t] && g[t] > g_in_max + precision && (entering < 0 || g[t] > g_out))
				entering = t, g_out = g[t];
		if (entering < 0)
			break;
		in[entering] = true;
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
	pfree(set);
	pfree(L);
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
	float8		dual = 0.0;
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

	/* w = -(1/lambda) sum alpha_t a_t; D = sum alpha_t b_t - lambda/2 ||w||^2 */
	memset(w, 0, sizeof(float8) * bundle->d);
	for (t = 0; t < m; t++)
	{
		const float8 *a = bundle->a + (Size) t * bundle->d;
		int			j;

		bundle->idle[t] = bundle->alpha[t] > 0.0 ? 0 : bundle->idle[t] + 1;
		if (bundle->alpha[t] == 0.0)
			continue;
		dual += bundle->alpha[t] * bundle->b[t];
		for (j = 0; j < bundle->d; j++)
			w[j] -= bundle->alpha[t] * a[j] / lambda;
	}
	dual -= lambda / 2.0 * hinge_dot_f8(w, w, bundle->d);
	pfree(galpha);
	return dual;
}
