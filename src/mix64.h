/*
 * mix64.h
 *		splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom
 *		number generators", 2014): its finaliser, a hash of 64 bits, and the
 *		generator built on it.  Integer arithmetic only: the same numbers on
 *		every machine, so folds and orders are reproducible.
 */
#ifndef HINGE_MIX64_H
#define HINGE_MIX64_H

/* The finaliser: every bit of z moves about half the output bits */
static inline uint64
hinge_mix64(uint64 z)
{
	z = (z ^ (z >> 30)) * UINT64CONST(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* The next number of the sequence whose state is *state */
static inline uint64
hinge_splitmix64(uint64 *state)
{
	*state += UINT64CONST(0x9e3779b97f4a7c15);
	return hinge_mix64(*state);
}

#endif							/* HINGE_MIX64_H */
