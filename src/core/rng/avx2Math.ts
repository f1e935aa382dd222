// PyTorch's AVX2 normal kernel, one float32 lane at a time, bit for bit:
// normal_fill_16_AVX2 (aten/src/ATen/native/cpu/DistributionTemplates.h) with log256_ps and
// sincos256_ps (aten/src/ATen/native/cpu/avx_mathfun.h, Cephes-style float32 polynomials).
//
// Two builds of the same source:
// - 'avx2-fma' (x86-64 builds compiled by GCC with -mavx2 -mfma, as Debian's 1.13.1 is): GCC contracts
//   each vector multiply feeding an add into one fused multiply-add. Read off the disassembly of Debian's
//   libtorch_cpu.so and confirmed on the oracle for every input the kernel can see: the Horner steps y = y*x + p are vfmadd; where two products feed
//   one addition, the product computed first is the fused one (y = fma(y, z, e*q1),
//   y = fma(y, z, -(z*0.5)) in the cosine polynomial, x = fma(e, q2, x + y)).
// - 'avx2': no contraction, every multiply and add rounded to float32.
import { fmaF32, fmaF32Slow, bitsToFloat32, float32ToBits } from '../float32';

const f = Math.fround;

// avx_mathfun.h constants: double literals rounded to float (as _PS256_CONST does).
const MIN_NORM_POS = 1.1754943508222875e-38; // 0x00800000
const SQRTHF = f(0.707106781186547524);
const LOG_P0 = f(7.0376836292e-2);
const LOG_P1 = f(-1.151461031e-1);
const LOG_P2 = f(1.167699874e-1);
const LOG_P3 = f(-1.2420140846e-1);
const LOG_P4 = f(+1.4249322787e-1);
const LOG_P5 = f(-1.6668057665e-1);
const LOG_P6 = f(+2.0000714765e-1);
const LOG_P7 = f(-2.4999993993e-1);
const LOG_P8 = f(+3.3333331174e-1);
const LOG_Q1 = f(-2.1219444e-4);
const LOG_Q2 = f(0.693359375);

const MINUS_DP1 = f(-0.78515625);
const MINUS_DP2 = f(-2.4187564849853515625e-4);
const MINUS_DP3 = f(-3.77489497744594108e-8);
const SIN_P0 = f(-1.9515295891e-4);
const SIN_P1 = f(8.3321608736e-3);
const SIN_P2 = f(-1.6666654611e-1);
const COS_P0 = f(2.443315711809948e-5);
const COS_P1 = f(-1.388731625493765e-3);
const COS_P2 = f(4.166664568298827e-2);
const FOPI = f(1.27323954473516); // 4 / pi

/** _mm256_set1_ps(2.0f * c10::pi<double>): 2*pi as a double, rounded to float. */
export const TWO_PI_F32 = f(2 * Math.PI);

/** The constants above as the WebAssembly kernel (avx2Wasm.ts) indexes them. */
export const AVX_MATHFUN_F32 = {
  SQRTHF,
  LOG_P: [LOG_P0, LOG_P1, LOG_P2, LOG_P3, LOG_P4, LOG_P5, LOG_P6, LOG_P7, LOG_P8],
  LOG_Q1,
  LOG_Q2,
  MINUS_DP: [MINUS_DP1, MINUS_DP2, MINUS_DP3],
  SIN_P: [SIN_P0, SIN_P1, SIN_P2],
  COS_P: [COS_P0, COS_P1, COS_P2],
  FOPI
} as const;

/** One lane of log256_ps(x), contracted as GCC does with -mfma. */
export function log256F32Fma(x0: number): number {
  const invalid = x0 <= 0; // _mm256_cmp_ps(x, 0, _CMP_LE_OS)
  const x1 = x0 > MIN_NORM_POS ? x0 : MIN_NORM_POS; // _mm256_max_ps(x, min_norm_pos)
  const bits = float32ToBits(x1);
  let e = f((bits >>> 23) - 127) + 1; // cvtepi32_ps(imm0 - 0x7f) + 1, exact
  const m = bitsToFloat32((bits & ~0x7f800000) | 0x3f000000); // mantissa in [0.5, 1)
  const below = m < SQRTHF;
  let x = m - 1; // exact
  if (below) {
    e = e - 1;
    x = f(x + m); // 2m - 1, exact
  }
  const z = f(x * x);
  let y = fmaF32(LOG_P0, x, LOG_P1);
  y = fmaF32(y, x, LOG_P2);
  y = fmaF32(y, x, LOG_P3);
  y = fmaF32(y, x, LOG_P4);
  y = fmaF32(y, x, LOG_P5);
  y = fmaF32(y, x, LOG_P6);
  y = fmaF32(y, x, LOG_P7);
  y = fmaF32(y, x, LOG_P8);
  y = f(y * x);
  y = fmaF32(y, z, f(e * LOG_Q1)); // vfmadd132ps: y*z + tmp
  y = f(y - z * 0.5); // vfnmadd: z*0.5 is exact
  x = f(x + y);
  x = fmaF32(e, LOG_Q2, x); // e*q2 is exact (q2 has 9 bits), so this equals f(x + e*q2)
  return invalid ? NaN : x;
}

/** One lane of log256_ps(x), every operation rounded (no contraction). */
export function log256F32(x0: number): number {
  const invalid = x0 <= 0;
  const x1 = x0 > MIN_NORM_POS ? x0 : MIN_NORM_POS;
  const bits = float32ToBits(x1);
  let e = f((bits >>> 23) - 127) + 1;
  const m = bitsToFloat32((bits & ~0x7f800000) | 0x3f000000);
  const below = m < SQRTHF;
  let x = m - 1;
  if (below) {
    e = e - 1;
    x = f(x + m);
  }
  const z = f(x * x);
  let y = f(f(LOG_P0 * x) + LOG_P1);
  y = f(f(y * x) + LOG_P2);
  y = f(f(y * x) + LOG_P3);
  y = f(f(y * x) + LOG_P4);
  y = f(f(y * x) + LOG_P5);
  y = f(f(y * x) + LOG_P6);
  y = f(f(y * x) + LOG_P7);
  y = f(f(y * x) + LOG_P8);
  y = f(y * x);
  y = f(y * z);
  y = f(y + f(e * LOG_Q1));
  y = f(y - z * 0.5);
  x = f(x + y);
  x = f(x + e * LOG_Q2);
  return invalid ? NaN : x;
}

// Scratch for float32 <-> bits inside the kernels (no state survives a call).
const bitsF32 = new Float32Array(1);
const bitsI32 = new Int32Array(bitsF32.buffer);

/*
 * The kernels below are the lane functions above (log256F32Fma, sincosLaneFma, ...) written out in one
 * loop so that V8 keeps every value unboxed: no calls except the rare fmaF32Slow. Each fused
 * multiply-add is inlined as
 *   p = a*b (exact); s = p + c; r = fround(s); d = s - r; t = r + 2d;
 *   if (fround(t) === t && d !== 0) r = fmaF32Slow(p, c, s, r, t);   // s is a float32 midpoint
 * (see fmaF32; every value here is finite, so the NaN/overflow guard of fmaF32 is not needed).
 * Products that are exact in float32 (j*DP1, j*DP2, e*q2, z*0.5) need no check: a sum of two
 * float32 values rounded once in binary64 and again to float32 is correctly rounded. Six fused steps
 * (the first step of the log polynomial and five of the cos/sin polynomial steps) never land on a
 * midpoint for any of the 2^24 inputs the kernel can see, so they skip the check:
 * verifyUncheckedFmaSites proves it and a unit test runs it over the whole domain. (It also shows that the
 * binary64 shortcut is right at the other fused steps too: their midpoints are all exact ties. The
 * WebAssembly kernel relies on that; this one keeps the checks.)
 * Unit tests check these kernels against the lane functions on random and exhaustive inputs.
 * randn runs the WebAssembly SIMD version of these kernels (avx2Wasm.ts) where it can; these are the
 * fallback.
 */

/** normal_fill_16_AVX2 as built with -mavx2 -mfma (GCC contraction), mean 0, std 1. */
export function normalFill16Avx2Fma(data: Float32Array, i: number): void {
  const fb = bitsF32;
  const ib = bitsI32;
  let p = 0;
  let s = 0;
  let d = 0;
  let t = 0;
  for (let j = i; j < i + 8; j++) {
    // ---- radius = sqrt(-2 * log256_ps(1 - u1))
    const x0 = f(1 - data[j]);
    fb[0] = x0 > MIN_NORM_POS ? x0 : MIN_NORM_POS;
    const bits = ib[0];
    let e = f((bits >>> 23) - 127) + 1;
    ib[0] = (bits & ~0x7f800000) | 0x3f000000;
    const m = fb[0];
    let x = m - 1;
    if (m < SQRTHF) {
      e = e - 1;
      x = f(x + m);
    }
    const z = f(x * x);
    let y = 0;
    y = f(LOG_P0 * x + LOG_P1); // fused; never a float32 midpoint in this kernel's domain (see verifyUncheckedFmaSites)
    p = y * x;
    s = p + LOG_P2;
    y = f(s);
    d = s - y;
    t = y + 2 * d;
    if (f(t) === t && d !== 0) y = fmaF32Slow(p, LOG_P2, s, y, t);
    p = y * x;
    s = p + LOG_P3;
    y = f(s);
    d = s - y;
    t = y + 2 * d;
    if (f(t) === t && d !== 0) y = fmaF32Slow(p, LOG_P3, s, y, t);
    p = y * x;
    s = p + LOG_P4;
    y = f(s);
    d = s - y;
    t = y + 2 * d;
    if (f(t) === t && d !== 0) y = fmaF32Slow(p, LOG_P4, s, y, t);
    p = y * x;
    s = p + LOG_P5;
    y = f(s);
    d = s - y;
    t = y + 2 * d;
    if (f(t) === t && d !== 0) y = fmaF32Slow(p, LOG_P5, s, y, t);
    p = y * x;
    s = p + LOG_P6;
    y = f(s);
    d = s - y;
    t = y + 2 * d;
    if (f(t) === t && d !== 0) y = fmaF32Slow(p, LOG_P6, s, y, t);
    p = y * x;
    s = p + LOG_P7;
    y = f(s);
    d = s - y;
    t = y + 2 * d;
    if (f(t) === t && d !== 0) y = fmaF32Slow(p, LOG_P7, s, y, t);
    p = y * x;
    s = p + LOG_P8;
    y = f(s);
    d = s - y;
    t = y + 2 * d;
    if (f(t) === t && d !== 0) y = fmaF32Slow(p, LOG_P8, s, y, t);
    y = f(y * x);
    const eq1 = f(e * LOG_Q1);
    p = y * z;
    s = p + eq1;
    y = f(s);
    d = s - y;
    t = y + 2 * d;
    if (f(t) === t && d !== 0) y = fmaF32Slow(p, eq1, s, y, t);
    y = f(y - z * 0.5);
    x = f(x + y);
    x = f(x + e * LOG_Q2);
    const radius = x0 <= 0 ? NaN : f(Math.sqrt(-2 * x));

    // ---- sincos256_ps(2pi * u2), theta >= 0
    let xs = f(TWO_PI_F32 * data[j + 8]);
    let q = f(xs * FOPI) | 0;
    q = (q + 1) & ~1;
    xs = f(xs + q * MINUS_DP1);
    xs = f(xs + q * MINUS_DP2);
    const xb = xs;
    p = q * MINUS_DP3;
    s = p + xb;
    xs = f(s);
    d = s - xs;
    t = xs + 2 * d;
    if (f(t) === t && d !== 0) xs = fmaF32Slow(p, xb, s, xs, t);
    const zs = f(xs * xs);
    let yc = 0;
    yc = f(COS_P0 * zs + COS_P1); // fused; never a float32 midpoint in this kernel's domain (see verifyUncheckedFmaSites)
    yc = f(yc * zs + COS_P2); // fused; never a float32 midpoint in this kernel's domain (see verifyUncheckedFmaSites)
    yc = f(yc * zs);
    const hz = -(zs * 0.5);
    yc = f(yc * zs + hz); // fused; never a float32 midpoint in this kernel's domain (see verifyUncheckedFmaSites)
    yc = f(yc + 1);
    let ys = 0;
    ys = f(SIN_P0 * zs + SIN_P1); // fused; never a float32 midpoint in this kernel's domain (see verifyUncheckedFmaSites)
    ys = f(ys * zs + SIN_P2); // fused; never a float32 midpoint in this kernel's domain (see verifyUncheckedFmaSites)
    ys = f(ys * zs);
    p = ys * xs;
    s = p + xs;
    ys = f(s);
    d = s - ys;
    t = ys + 2 * d;
    if (f(t) === t && d !== 0) ys = fmaF32Slow(p, xs, s, ys, t);
    storeLane(q, false, yc, ys, radius, data, j);
  }
}

/** normal_fill_16_AVX2 without contraction (every multiply and add rounded), mean 0, std 1. */
export function normalFill16Avx2NoFma(data: Float32Array, i: number): void {
  const fb = bitsF32;
  const ib = bitsI32;
  for (let j = i; j < i + 8; j++) {
    const x0 = f(1 - data[j]);
    fb[0] = x0 > MIN_NORM_POS ? x0 : MIN_NORM_POS;
    const bits = ib[0];
    let e = f((bits >>> 23) - 127) + 1;
    ib[0] = (bits & ~0x7f800000) | 0x3f000000;
    const m = fb[0];
    let x = m - 1;
    if (m < SQRTHF) {
      e = e - 1;
      x = f(x + m);
    }
    const z = f(x * x);
    let y = f(f(LOG_P0 * x) + LOG_P1);
    y = f(f(y * x) + LOG_P2);
    y = f(f(y * x) + LOG_P3);
    y = f(f(y * x) + LOG_P4);
    y = f(f(y * x) + LOG_P5);
    y = f(f(y * x) + LOG_P6);
    y = f(f(y * x) + LOG_P7);
    y = f(f(y * x) + LOG_P8);
    y = f(y * x);
    y = f(y * z);
    y = f(y + f(e * LOG_Q1));
    y = f(y - z * 0.5);
    x = f(x + y);
    x = f(x + e * LOG_Q2);
    const radius = x0 <= 0 ? NaN : f(Math.sqrt(-2 * x));

    let xs = f(TWO_PI_F32 * data[j + 8]);
    let q = f(xs * FOPI) | 0;
    q = (q + 1) & ~1;
    xs = f(xs + f(q * MINUS_DP1));
    xs = f(xs + f(q * MINUS_DP2));
    xs = f(xs + f(q * MINUS_DP3));
    const zs = f(xs * xs);
    let yc = f(f(COS_P0 * zs) + COS_P1);
    yc = f(f(yc * zs) + COS_P2);
    yc = f(yc * zs);
    yc = f(yc * zs);
    yc = f(yc - zs * 0.5);
    yc = f(yc + 1);
    let ys = f(f(SIN_P0 * zs) + SIN_P1);
    ys = f(f(ys * zs) + SIN_P2);
    ys = f(ys * zs);
    ys = f(f(ys * xs) + xs);
    storeLane(q, false, yc, ys, radius, data, j);
  }
}

/** One lane of sincos256_ps (contracted build), readable form; the kernels inline it. */
function sincosLaneFma(theta: number, radius: number, data: Float32Array, k: number): void {
  let x = theta < 0 ? -theta : theta;
  const negative = theta < 0;
  let j = f(x * FOPI) | 0;
  j = (j + 1) & ~1;
  x = fmaF32(j, MINUS_DP1, x);
  x = fmaF32(j, MINUS_DP2, x);
  x = fmaF32(j, MINUS_DP3, x);
  const z = f(x * x);
  let yc = fmaF32(COS_P0, z, COS_P1);
  yc = fmaF32(yc, z, COS_P2);
  yc = f(yc * z);
  yc = fmaF32(yc, z, -(z * 0.5));
  yc = f(yc + 1);
  let ys = fmaF32(SIN_P0, z, SIN_P1);
  ys = fmaF32(ys, z, SIN_P2);
  ys = f(ys * z);
  ys = fmaF32(ys, x, x);
  storeLane(j, negative, yc, ys, radius, data, k);
}

/** One lane of sincos256_ps (no contraction), readable form. */
function sincosLane(theta: number, radius: number, data: Float32Array, k: number): void {
  let x = theta < 0 ? -theta : theta;
  const negative = theta < 0;
  let j = f(x * FOPI) | 0;
  j = (j + 1) & ~1;
  x = f(x + f(j * MINUS_DP1));
  x = f(x + f(j * MINUS_DP2));
  x = f(x + f(j * MINUS_DP3));
  const z = f(x * x);
  let yc = f(f(COS_P0 * z) + COS_P1);
  yc = f(f(yc * z) + COS_P2);
  yc = f(yc * z);
  yc = f(yc * z);
  yc = f(yc - z * 0.5);
  yc = f(yc + 1);
  let ys = f(f(SIN_P0 * z) + SIN_P1);
  ys = f(f(ys * z) + SIN_P2);
  ys = f(ys * z);
  ys = f(f(ys * x) + x);
  storeLane(j, negative, yc, ys, radius, data, k);
}

/** Polynomial selection (poly_mask), signs, radius * (cos, sin), then _mm256_fmadd_ps(n, 1, 0) = n + 0. */
function storeLane(
  j: number,
  negative: boolean,
  yc: number,
  ys: number,
  radius: number,
  data: Float32Array,
  k: number
): void {
  const polyCos = (j & 2) === 0;
  // ysin1/ysin2 selection then add: one operand is +0, so a -0 becomes +0
  let s = polyCos ? ys + 0 : yc + 0;
  let c = polyCos ? yc + 0 : ys + 0;
  if (negative !== ((j & 4) !== 0)) s = -s;
  if ((~(j - 2) & 4) !== 0) c = -c;
  data[k] = f(radius * c) + 0;
  data[k + 8] = f(radius * s) + 0;
}

/** normal_fill_16_AVX2 (contracted build) through the readable lane functions: the reference the fast kernel is tested against. */
export function normalFill16Avx2FmaReference(data: Float32Array, i: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f(1 - data[i + j]);
    const theta = f(TWO_PI_F32 * data[i + j + 8]);
    const radius = f(Math.sqrt(-2 * log256F32Fma(u1)));
    sincosLaneFma(theta, radius, data, i + j);
  }
}

/** normal_fill_16_AVX2 (no contraction) through the readable lane functions. */
export function normalFill16Avx2Reference(data: Float32Array, i: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f(1 - data[i + j]);
    const theta = f(TWO_PI_F32 * data[i + j + 8]);
    const radius = f(Math.sqrt(-2 * log256F32(u1)));
    sincosLane(theta, radius, data, i + j);
  }
}

/**
 * Proof helper for the WebAssembly kernel, which evaluates every fused step as fround(a*b + c) in binary64
 * with no midpoint check: for each uniform k * 2^-24 with k in [kStart, kEnd) (every stride-th) taken as u1
 * (log) and as u2 (sincos), counts the fused steps where that differs from the exact fmaF32(a, b, c), and
 * the Cody-Waite sums x + j*DP1, x + j*DP2 that are not already float32 (the kernel skips their rounding).
 * Zero over [0, 2^24) means both shortcuts are exact for every input the kernel can see (run by
 * test/unit/randn.test.ts; each step is fed the exact result of the previous one).
 */
export function verifyUncheckedFmaSites(kStart: number, kEnd: number, stride = 1): number {
  let bad = 0;
  // fmaF32 with the check that the binary64 shortcut gives the same float32
  const fma = (a: number, b: number, c: number): number => {
    const exact = fmaF32(a, b, c);
    if (!Object.is(f(a * b + c), exact)) bad++;
    return exact;
  };
  // a sum the kernel leaves unrounded: it must be a float32 already
  const exactSum = (s: number): number => {
    if (f(s) !== s) bad++;
    return s;
  };
  for (let k = kStart; k < kEnd; k += stride) {
    const u = k * 2 ** -24;
    // log256_ps(1 - u): every fused step of the polynomial and y*z + e*q1
    const x0 = f(1 - u);
    const bits = float32ToBits(x0 > MIN_NORM_POS ? x0 : MIN_NORM_POS);
    let e = f((bits >>> 23) - 127) + 1;
    const m = bitsToFloat32((bits & ~0x7f800000) | 0x3f000000);
    let x = m - 1;
    if (m < SQRTHF) {
      e = e - 1;
      x = f(x + m);
    }
    const z = f(x * x);
    let y = fma(LOG_P0, x, LOG_P1);
    for (const p of [LOG_P2, LOG_P3, LOG_P4, LOG_P5, LOG_P6, LOG_P7, LOG_P8]) y = fma(y, x, p);
    y = f(y * x);
    fma(y, z, f(e * LOG_Q1));
    // sincos256_ps(2pi u): the range reduction and every fused step of both polynomials
    let xs = f(TWO_PI_F32 * u);
    const q = ((f(xs * FOPI) | 0) + 1) & ~1;
    xs = exactSum(xs + q * MINUS_DP1);
    xs = exactSum(xs + q * MINUS_DP2);
    xs = fma(q, MINUS_DP3, xs);
    const zs = f(xs * xs);
    let yc = fma(COS_P0, zs, COS_P1);
    yc = fma(yc, zs, COS_P2);
    yc = f(yc * zs);
    fma(yc, zs, -(zs * 0.5));
    let ys = fma(SIN_P0, zs, SIN_P1);
    ys = fma(ys, zs, SIN_P2);
    ys = f(ys * zs);
    fma(ys, xs, xs);
  }
  return bad;
}
