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

#include "miscadmin.h"

#include "bundle.h"
#include "kernels.h"

/* The rounding allowance of a lower bound, relative to the numbers in it */
#define ROUNDING_ALLOWANCE	1e-13

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

		/* gradient b_t - (G alpha)_t / lambda of the dual */
		for (t = 0; t < m; t++)
		{
			float8		g = bundle->b[t] - galpha[t] / lambda;

			if (up < 0 || g > g_up)
				up = t, g_up = g;
			if (bundle->alpha[t] > 0.0 && (down < 0 || g < g_down))
				down = t, g_down = g;
		}
		/* g_up - g_down bounds the model's duality gap */
		if (g_up - g_down <= precision || up == down)
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
