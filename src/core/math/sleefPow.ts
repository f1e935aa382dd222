// SLEEF 3.5.1's vectorised pow, one lane at a time, bit for bit: Sleef_powf8_u10 and Sleef_pow4_u10, the AVX2
// builds PyTorch's Vectorized<float>::pow and Vectorized<double>::pow call (aten/src/ATen/cpu/vec/vec256/
// vec256_float.h, vec256_double.h) when ATen runs its AVX2 kernels. Sources: src/libm/sleefsimdsp.c (xpowf,
// logkf, expkf), src/libm/sleefsimddp.c (xpow, logk, expk), src/libm/df.h and dd.h (double-float and
// double-double arithmetic, the ENABLE_FMA_SP / ENABLE_FMA_DP variants), src/libm/estrin.h (POLY*), and
// src/arch/helperavx2.h (vmla = vfmadd, vrec = 1/x, rint = cvtps2dq / vroundpd). SLEEF's AVX2 target writes
// every fused multiply-add as an intrinsic, so these do not depend on the compiler.
import { bitsToFloat32, fmaF32, float32ToBits } from '../float32';
import { fmaF64, fromWords, highWord, lowWord, roundHalfEven } from './float64';

const f = Math.fround;

/** A double-float (float) or double-double (double) value x + y. */
interface Pair {
  x: number;
  y: number;
}

const pair = (x: number, y: number): Pair => ({ x, y });

// ---------------------------------------------------------------------------------------------
// float: df.h with ENABLE_FMA_SP

/** x*y + z with one float32 rounding (vfmadd*ps); x, y, z float32 values. */
const fmaf = fmaF32;

function dfadd2VfVf(x: number, y: number): Pair {
  const s = f(x + y);
  const v = f(s - x);
  return pair(s, f(f(x - f(s - v)) + f(y - v)));
}

function dfadd2Vf2Vf(x: Pair, y: number): Pair {
  const s = f(x.x + y);
  const v = f(s - x.x);
  const t = f(f(x.x - f(s - v)) + f(y - v));
  return pair(s, f(t + x.y));
}

function dfadd2Vf2Vf2(x: Pair, y: Pair): Pair {
  const s = f(x.x + y.x);
  const v = f(s - x.x);
  const t = f(f(x.x - f(s - v)) + f(y.x - v));
  return pair(s, f(t + f(x.y + y.y)));
}

/** dfadd_vf2_vf2_vf2 (|x| >= |y|). */
function dfaddVf2Vf2(x: Pair, y: Pair): Pair {
  const s = f(x.x + y.x);
  return pair(s, f(f(f(f(x.x - s) + y.x) + x.y) + y.y));
}

function dfaddVfVf2(x: number, y: Pair): Pair {
  const s = f(x + y.x);
  return pair(s, f(f(f(x - s) + y.x) + y.y));
}

function dfnormalize(t: Pair): Pair {
  const s = f(t.x + t.y);
  return pair(s, f(f(t.x - s) + t.y));
}

function dfscale(d: Pair, s: number): Pair {
  return pair(f(d.x * s), f(d.y * s));
}

function dfdiv(n: Pair, d: Pair): Pair {
  const t = f(1 / d.x);
  const s = f(n.x * t);
  const u = fmaf(t, n.x, -s);
  const v = fmaf(-d.y, t, fmaf(-d.x, t, 1));
  return pair(s, fmaf(s, v, fmaf(n.y, t, u)));
}

function dfsqu(x: Pair): Pair {
  const s = f(x.x * x.x);
  return pair(s, fmaf(f(x.x + x.x), x.y, fmaf(x.x, x.x, -s)));
}

function dfmulVf2Vf2(x: Pair, y: Pair): Pair {
  const s = f(x.x * y.x);
  return pair(s, fmaf(x.x, y.y, fmaf(x.y, y.x, fmaf(x.x, y.x, -s))));
}

function dfmulVf2Vf(x: Pair, y: number): Pair {
  const s = f(x.x * y);
  return pair(s, fmaf(x.y, y, fmaf(x.x, y, -s)));
}

/** cvtps2dq / cvtpd2dq: round to nearest, ties to even; NaN and out-of-range give INT32_MIN. */
function rintToInt32(v: number): number {
  if (!(v > -2147483648.5 && v < 2147483647.5)) return -2147483648;
  return roundHalfEven(v) | 0;
}

/** cvttps2dq: truncate; NaN and out-of-range give INT32_MIN. */
function truncToInt32(v: number): number {
  if (!(v > -2147483649 && v < 2147483648)) return -2147483648;
  return Math.trunc(v) | 0;
}

const FLT_MIN = 2 ** -126;
const F_4_3 = f(1 / 0.75); // 1.0f/0.75f
const R_LN2F = f(1.442695040888963407359924681001892137426645954152985934135449406931);
const L2UF = f(0.693145751953125);
const L2LF = f(1.428606765330187045e-6);

/** logkf: log(d) as a double-float. */
function logkf(d: number): Pair {
  const o = d < FLT_MIN;
  if (o) d = f(d * f(2 ** 64));
  let e = ((float32ToBits(f(d * F_4_3)) >>> 23) & 0xff) - 0x7f; // vilogb2k
  const m = bitsToFloat32((float32ToBits(d) + (-e << 23)) >>> 0); // vldexp3(d, -e)
  if (o) e -= 64;
  const x = dfdiv(dfadd2VfVf(-1, m), dfadd2VfVf(1, m));
  const x2 = dfsqu(x);
  let t = f(0.240320354700088500976562);
  t = fmaf(t, x2.x, f(0.285112679004669189453125));
  t = fmaf(t, x2.x, f(0.400007992982864379882812));
  const c = pair(f(0.66666662693023681640625), f(3.69183861259614332084311e-9));
  let s = dfmulVf2Vf(pair(f(0.69314718246459960938), f(-1.904654323148236017e-9)), f(e));
  s = dfaddVf2Vf2(s, dfscale(x, 2));
  s = dfaddVf2Vf2(s, dfmulVf2Vf2(dfmulVf2Vf2(x2, x), dfadd2Vf2Vf2(dfmulVf2Vf(x2, t), c)));
  return s;
}

/** vldexp_vf_vf_vi2: x * 2^q in four steps that cannot overflow early (int32 arithmetic as the lanes do it). */
function ldexpf(x: number, q: number): number {
  let m = q >> 31;
  m = (((((m + q) | 0) >> 6) - m) | 0) << 4;
  q = (q - (m << 2)) | 0;
  m = (m + 0x7f) | 0;
  m = m > 0 ? m : 0;
  if (m > 0xff) m = 0xff;
  let u = bitsToFloat32(m << 23);
  x = f(f(f(f(x * u) * u) * u) * u);
  u = bitsToFloat32(((q + 0x7f) | 0) << 23);
  return f(x * u);
}

/** expkf: exp(d) of a double-float. */
function expkf(d: Pair): number {
  let u = f(f(d.x + d.y) * R_LN2F);
  const q = rintToInt32(u);
  const qf = f(q);
  let s = dfadd2Vf2Vf(d, f(qf * -L2UF));
  s = dfadd2Vf2Vf(s, f(qf * -L2LF));
  s = dfnormalize(s);
  u = f(0.00136324646882712841033936);
  u = fmaf(u, s.x, f(0.00836596917361021041870117));
  u = fmaf(u, s.x, f(0.0416710823774337768554688));
  u = fmaf(u, s.x, f(0.166665524244308471679688));
  u = fmaf(u, s.x, f(0.499999850988388061523438));
  let t = dfaddVf2Vf2(s, dfmulVf2Vf(dfsqu(s), u));
  t = dfaddVfVf2(1, t);
  u = ldexpf(f(t.x + t.y), q);
  return d.x < -104 ? 0 : u;
}

/** vmulsign: x with its sign flipped when y's sign bit is set. */
function mulsign(x: number, y: number): number {
  return Object.is(y, -0) || y < 0 ? -x : x;
}

/** One lane of Sleef_powf8_u10 (xpowf, AVX2): x and y float32 values, the result a float32 value. */
export function powfSleefAvx2(x: number, y: number): number {
  const ay = Math.abs(y);
  const yisint = Math.trunc(y) === y || ay > 2 ** 24;
  const yisodd = (truncToInt32(y) & 1) === 1 && yisint && ay < 2 ** 24;
  let result = expkf(dfmulVf2Vf(logkf(Math.abs(x)), y));
  if (result !== result) result = Infinity;
  result = f(result * (x > 0 ? 1 : yisint ? (yisodd ? -1 : 1) : NaN));
  const efx = mulsign(f(Math.abs(x) - 1), y);
  if (ay === Infinity) result = efx < 0 ? 0 : efx === 0 ? 1 : Infinity;
  if (Math.abs(x) === Infinity || x === 0) {
    const sign = yisodd ? (Object.is(x, -0) || x < 0 ? -1 : 1) : 1;
    result = sign * ((x === 0 ? -y : y) < 0 ? 0 : Infinity);
  }
  if (x !== x || y !== y) result = NaN;
  if (y === 0 || x === 1) result = 1;
  return result;
}

// ---------------------------------------------------------------------------------------------
// double: dd.h with ENABLE_FMA_DP

const fma = fmaF64;

function ddadd2VdVd(x: number, y: number): Pair {
  const s = x + y;
  const v = s - x;
  return pair(s, x - (s - v) + (y - v));
}

function ddadd2Vd2Vd(x: Pair, y: number): Pair {
  const s = x.x + y;
  const v = s - x.x;
  const w = x.x - (s - v) + (y - v);
  return pair(s, w + x.y);
}

/** ddadd_vd2_vd2_vd2 (|x| >= |y|). */
function ddaddVd2Vd2(x: Pair, y: Pair): Pair {
  const s = x.x + y.x;
  return pair(s, x.x - s + y.x + x.y + y.y);
}

function ddaddVdVd2(x: number, y: Pair): Pair {
  const s = x + y.x;
  return pair(s, x - s + y.x + y.y);
}

function ddnormalize(t: Pair): Pair {
  const s = t.x + t.y;
  return pair(s, t.x - s + t.y);
}

function dddiv(n: Pair, d: Pair): Pair {
  const t = 1 / d.x;
  const s = n.x * t;
  const u = fma(t, n.x, -s);
  const v = fma(-d.y, t, fma(-d.x, t, 1));
  return pair(s, fma(s, v, fma(n.y, t, u)));
}

function ddsqu(x: Pair): Pair {
  const s = x.x * x.x;
  return pair(s, fma(x.x + x.x, x.y, fma(x.x, x.x, -s)));
}

function ddmulVd2Vd2(x: Pair, y: Pair): Pair {
  const s = x.x * y.x;
  return pair(s, fma(x.x, y.y, fma(x.y, y.x, fma(x.x, y.x, -s))));
}

function ddmulVd2Vd(x: Pair, y: number): Pair {
  const s = x.x * y;
  return pair(s, fma(x.y, y, fma(x.x, y, -s)));
}

/** estrin.h POLY4 .. POLY10 with vmla = fma (coefficients highest first, as the macros take them). */
function poly4(x: number, x2: number, c3: number, c2: number, c1: number, c0: number): number {
  return fma(x2, fma(x, c3, c2), fma(x, c1, c0));
}
function poly8(x: number, x2: number, x4: number, c: number[]): number {
  return fma(x4, poly4(x, x2, c[0], c[1], c[2], c[3]), poly4(x, x2, c[4], c[5], c[6], c[7]));
}

const DBL_MIN = 2 ** -1022;
const LOGK_POLY = [
  0.116255524079935043668677, 0.103239680901072952701192, 0.117754809412463995466069, 0.13332981086846273921509,
  0.153846227114512262845736, 0.181818180850050775676507, 0.222222222230083560345903, 0.285714285714249172087875,
  0.400000000000000077715612
];
const EXPK_POLY = [
  2.51069683420950419527139e-8, 2.76286166770270649116855e-7, 2.75572496725023574143864e-6,
  2.48014973989819794114153e-5, 0.000198412698809069797676111, 0.0013888888939977128960529,
  0.00833333333332371417601081, 0.0416666666665409524128449, 0.166666666666666740681535, 0.500000000000000999200722
];
const R_LN2 = 1.442695040888963407359924681001892137426645954152985934135449406931;
const L2U = 0.69314718055966295651160180568695068359375;
const L2L = 0.28235290563031577122588448175013436025525412068e-12;

/** logk: log(d) as a double-double. */
function logk(d: number): Pair {
  const o = d < DBL_MIN;
  if (o) d = d * 2 ** 64;
  let e = ((highWord(d * (1.0 / 0.75)) >>> 20) & 0x7ff) - 0x3ff; // vilogb2k
  const m = fromWords((highWord(d) + (-e << 20)) >>> 0, lowWord(d)); // vldexp3(d, -e)
  if (o) e -= 64;
  let x = dddiv(ddadd2VdVd(-1, m), ddadd2VdVd(1, m));
  const x2 = ddsqu(x);
  const x4 = x2.x * x2.x;
  const x8 = x4 * x4;
  const x16 = x8 * x8;
  // POLY9(x2.x, x4, x8, x16, c8..c0)
  const t = fma(x16, LOGK_POLY[0], poly8(x2.x, x4, x8, LOGK_POLY.slice(1)));
  const c = pair(0.666666666666666629659233, 3.80554962542412056336616e-17);
  let s = ddmulVd2Vd(pair(0.693147180559945286226764, 2.319046813846299558417771e-17), e);
  s = ddaddVd2Vd2(s, pair(x.x * 2, x.y * 2));
  x = ddmulVd2Vd2(x2, x);
  s = ddaddVd2Vd2(s, ddmulVd2Vd2(x, c));
  x = ddmulVd2Vd2(x2, x);
  s = ddaddVd2Vd2(s, ddmulVd2Vd(x, t));
  return s;
}

/** 2^q for an int32 q (vpow2i_vd_vi: the exponent field written directly, int32 arithmetic). */
function pow2i(q: number): number {
  return fromWords((((q + 0x3ff) | 0) << 20) >>> 0, 0);
}

/** expk: exp(d) of a double-double. */
function expk(d: Pair): number {
  let u = (d.x + d.y) * R_LN2;
  const dq = roundHalfEven(u);
  const q = rintToInt32(dq);
  let s = ddadd2Vd2Vd(d, dq * -L2U);
  s = ddadd2Vd2Vd(s, dq * -L2L);
  s = ddnormalize(s);
  const s2 = s.x * s.x;
  const s4 = s2 * s2;
  const s8 = s4 * s4;
  // POLY10(s.x, s2, s4, s8, c9..c0) = MLA(s8, POLY2(s.x, c9, c8), POLY8(s.x, s2, s4, c7..c0))
  u = fma(s8, fma(s.x, EXPK_POLY[0], EXPK_POLY[1]), poly8(s.x, s2, s4, EXPK_POLY.slice(2)));
  let t = ddaddVdVd2(1, s);
  t = ddaddVd2Vd2(t, ddmulVd2Vd(ddsqu(s), u));
  u = t.x + t.y;
  const half = q >> 1;
  u = u * pow2i(half) * pow2i((q - half) | 0); // vldexp2
  return d.x < -1000 ? 0 : u;
}

/** One lane of Sleef_pow4_u10 (xpow, AVX2). */
export function powSleefAvx2(x: number, y: number): number {
  const yisint = Math.trunc(y) === y;
  const yhalf = y * 0.5;
  const yisodd = Math.trunc(yhalf) !== yhalf && yisint;
  const d = ddmulVd2Vd(logk(Math.abs(x)), y);
  let result = expk(d);
  if (d.x > 709.78271114955742909217217426) result = Infinity;
  result = result * (x > 0 ? 1 : yisint ? (yisodd ? -1 : 1) : NaN);
  const efx = mulsign(Math.abs(x) - 1, y);
  if (Math.abs(y) === Infinity) result = efx < 0 ? 0 : efx === 0 ? 1 : Infinity;
  if (Math.abs(x) === Infinity || x === 0) {
    const sign = yisodd ? (Object.is(x, -0) || x < 0 ? -1 : 1) : 1;
    result = sign * ((x === 0 ? -y : y) < 0 ? 0 : Infinity);
  }
  if (x !== x || y !== y) result = NaN;
  if (y === 0 || x === 1) result = 1;
  return result;
}
