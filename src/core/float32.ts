// IEEE-754 binary32 helpers on JavaScript numbers (binary64), exact where it matters.
// A float32 value is held as a number that Math.fround leaves unchanged.

import { roundHalfEven } from './math/float64';

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** The largest finite float32 value, (2 - 2^-23) * 2^127 (C's FLT_MAX). */
export const FLT_MAX = 3.4028234663852886e38;

/** Bit pattern (uint32) of fround(v). */
export function float32ToBits(v: number): number {
  scratchF32[0] = v;
  return scratchU32[0];
}

/** The float32 whose bit pattern is the low 32 bits of `bits`. */
export function bitsToFloat32(bits: number): number {
  scratchU32[0] = bits >>> 0;
  return scratchF32[0];
}

/**
 * fma(a, b, c) rounded once to float32, as the x86 vfmadd*ps/ss instructions compute it.
 * a and b must be float32 values (so a*b is exact in binary64); c a float32 value.
 * s = a*b + c in binary64 can round, and rounding s again to float32 is wrong only when s
 * lands exactly on a float32 midpoint while the exact sum does not: that rare case is
 * decided in fmaF32Midpoint from the exact rounding error of the binary64 addition (TwoSum).
 */
export function fmaF32(a: number, b: number, c: number): number {
  const p = a * b; // exact: 24 + 24 significant bits
  const s = p + c;
  const r = Math.fround(s);
  if (s === r) return r;
  const d = s - r; // exact (Sterbenz)
  const t = r + 2 * d; // the other float32 neighbour when s is a midpoint
  if (Math.fround(t) !== t && t === t) return r; // not a midpoint: the single rounding was right
  return fmaF32Slow(p, c, s, r, t);
}

/**
 * Slow path of fmaF32, exported for hot loops that inline the fast path: given p = a*b (exact),
 * s = fl64(p + c), r = fround(s), t = r + 2*(s - r), called when s is a float32 midpoint between r and
 * t, when r overflowed, or when s is NaN; returns the correctly rounded fma.
 */
export function fmaF32Slow(p: number, c: number, s: number, r: number, t: number): number {
  if (s !== s) return s;
  if (r === Infinity || r === -Infinity) {
    // fround overflowed: s >= the overflow threshold 2^128 - 2^103 (a midpoint itself).
    // If s sits exactly on the threshold and the exact sum is below it, the answer is FLT_MAX.
    const e = twoSumError(p, c, s);
    const threshold = r > 0 ? 3.4028235677973366e38 : -3.4028235677973366e38;
    if (s === threshold && (r > 0 ? e < 0 : e > 0)) return r > 0 ? FLT_MAX : -FLT_MAX;
    return r;
  }
  const e = twoSumError(p, c, s); // exact: p + c = s + e
  if (e === 0) return r; // a true tie: fround already rounded it to even
  // The exact value is on the side of s given by the sign of e: pick the neighbour on that side.
  const towardT = t > s === e > 0;
  return towardT ? t : r;
}

/** The exact error e of s = fl64(a + b): a + b = s + e (Knuth's TwoSum). */
function twoSumError(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

/** Position of a float32 on the integer line of float32 values (-0 and +0 both map to 0). */
function float32OrderKey(v: number): number {
  const bits = float32ToBits(v);
  return bits >= 0x80000000 ? -(bits - 0x80000000) : bits;
}

/**
 * Distance between two float32 values in units in the last place: how many float32 values lie
 * between them, plus one (0 when equal; +0 and -0 are equal). Both NaN: 0; one NaN: Infinity.
 * Infinities count as the step after the largest finite float32.
 */
export function ulpDistanceF32(a: number, b: number): number {
  const aNaN = a !== a;
  const bNaN = b !== b;
  if (aNaN || bNaN) return aNaN && bNaN ? 0 : Infinity;
  return Math.abs(float32OrderKey(a) - float32OrderKey(b));
}

/** The smallest float32 greater than v (NaN stays NaN, +Infinity stays +Infinity). */
export function nextUpF32(v: number): number {
  const f = Math.fround(v);
  if (f !== f || f === Infinity) return f;
  if (f === 0) return bitsToFloat32(1);
  const bits = float32ToBits(f);
  return bitsToFloat32(f > 0 ? bits + 1 : bits - 1);
}

/** The largest float32 less than v. */
export function nextDownF32(v: number): number {
  return -nextUpF32(-v);
}

/** The spacing between |v| and the next float32 away from zero (ulp(v)); NaN for NaN/Infinity. */
export function ulpF32(v: number): number {
  const f = Math.abs(Math.fround(v));
  if (f !== f || f === Infinity) return NaN;
  if (f === FLT_MAX) return 2 ** 104;
  return nextUpF32(f) - f;
}

/**
 * A float32 value converted to float16 (binary16: 11 significant bits, exponents -14 to 15, subnormals down to
 * 2^-24), rounded to nearest, ties to even, as `x.half()` does (c10/util/Half.h fp16_ieee_from_fp32_value);
 * beyond 65504 (from 65520 on, where rounding reaches 2^16) it is infinite.
 */
export function roundToFloat16(v: number): number {
  const f = Math.fround(v);
  if (f !== f || f === 0 || !Number.isFinite(f)) return f;
  const a = Math.abs(f);
  if (a >= 65520) return f < 0 ? -Infinity : Infinity;
  // the exponent of a (a float32 value, a normal double): from its bits, not Math.log2, which rounds near powers of two
  const e = Math.max(((float32ToBits(a) >>> 23) & 0xff) - 127, -14);
  const ulp = 2 ** (e - 10);
  const rounded = roundHalfEven(a / ulp); // a / ulp is exact: a power-of-two scaling
  return (f < 0 ? -rounded : rounded) * ulp;
}

/**
 * A float32 value converted to bfloat16 (float32's upper 16 bits: 8 significant bits), rounded to nearest, ties
 * to even, as `x.bfloat16()` does (c10/util/BFloat16.h round_to_nearest_even); NaN stays NaN.
 */
export function roundToBfloat16(v: number): number {
  const f = Math.fround(v);
  if (f !== f) return f;
  const u = float32ToBits(f);
  return bitsToFloat32(((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) << 16);
}
