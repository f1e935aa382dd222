// PyTorch's portable normal kernel (normal_fill_16 in aten/src/ATen/native/cpu/DistributionTemplates.h,
// used with ATEN_CPU_CAPABILITY=default and on non-AVX2 builds: ARM, Apple Silicon, Windows) on top of
// ports of glibc 2.36's logf and sincosf (what Linux builds call; Apple's and Microsoft's C libraries
// have their own, which may differ from these in the last bit) (sysdeps/ieee754/flt-32/e_logf.c, s_sincosf.c, s_sincosf.h,
// sincosf_poly.h; Szabolcs Nagy's table-driven algorithms, computed in double).
// On x86-64 CPUs with FMA and AVX2, glibc's ifunc picks builds compiled with -mfma, where GCC fuses each
// a*b + c of these sources. The ports evaluate them unfused in binary64: for every input normal_fill_16
// can produce (u1 = 1 - k 2^-24 and theta = (float)(2 pi k 2^-24), all 2^24 of each) the fused and
// unfused evaluations round to the same float32 (checked against this machine's glibc 2.36 with an exact
// binary64 FMA emulation, and against PyTorch itself: test/fixtures/randn/sweeps.json).

// glibc's names (math_config.h) for the float32 bit casts
import { bitsToFloat32 as asfloat, float32ToBits as asuint } from '../float32';

const f = Math.fround;

// ---------------------------------------------------------------------------------------------
// logf (e_logf.c, e_logf_data.c: LOGF_TABLE_BITS = 4, LOGF_POLY_ORDER = 4)

const LOGF_INVC = [
  '0x1.661ec79f8f3bep+0',
  '0x1.571ed4aaf883dp+0',
  '0x1.49539f0f010bp+0',
  '0x1.3c995b0b80385p+0',
  '0x1.30d190c8864a5p+0',
  '0x1.25e227b0b8eap+0',
  '0x1.1bb4a4a1a343fp+0',
  '0x1.12358f08ae5bap+0',
  '0x1.0953f419900a7p+0',
  '0x1p+0',
  '0x1.e608cfd9a47acp-1',
  '0x1.ca4b31f026aap-1',
  '0x1.b2036576afce6p-1',
  '0x1.9c2d163a1aa2dp-1',
  '0x1.886e6037841edp-1',
  '0x1.767dcf5534862p-1'
].map((t) => hexDouble(t));
const LOGF_LOGC = [
  '-0x1.57bf7808caadep-2',
  '-0x1.2bef0a7c06ddbp-2',
  '-0x1.01eae7f513a67p-2',
  '-0x1.b31d8a68224e9p-3',
  '-0x1.6574f0ac07758p-3',
  '-0x1.1aa2bc79c81p-3',
  '-0x1.a4e76ce8c0e5ep-4',
  '-0x1.1973c5a611cccp-4',
  '-0x1.252f438e10c1ep-5',
  '0x0p+0',
  '0x1.aa5aa5df25984p-5',
  '0x1.c5e53aa362eb4p-4',
  '0x1.526e57720db08p-3',
  '0x1.bc2860d22477p-3',
  '0x1.1058bc8a07ee1p-2',
  '0x1.4043057b6ee09p-2'
].map((t) => hexDouble(t));
const LOGF_LN2 = hexDouble('0x1.62e42fefa39efp-1');
const LOGF_A0 = hexDouble('-0x1.00ea348b88334p-2');
const LOGF_A1 = hexDouble('0x1.5575b0be00b6ap-2');
const LOGF_A2 = hexDouble('-0x1.ffffef20a4123p-2');

/** glibc 2.36 logf (FMA build) of a float32 value; returns the float32 result. */
export function logfGlibc(x: number): number {
  let ix = asuint(x);
  if (ix === 0x3f800000) return 0;
  if ((ix - 0x00800000) >>> 0 >= 0x7f800000 - 0x00800000) {
    if ((ix * 2) >>> 0 === 0) return -Infinity;
    if (ix === 0x7f800000) return x;
    if ((ix & 0x80000000) !== 0 || (ix * 2) >>> 0 >= 0xff000000) return NaN;
    ix = (asuint(f(x * 2 ** 23)) - (23 << 23)) >>> 0; // subnormal: normalize
  }
  const tmp = (ix - 0x3f330000) >>> 0;
  const i = (tmp >>> 19) & 15;
  const k = (tmp | 0) >> 23;
  const iz = (ix - (tmp & 0xff800000)) >>> 0;
  const z = asfloat(iz);
  const r = z * LOGF_INVC[i] - 1;
  const y0 = LOGF_LOGC[i] + k * LOGF_LN2;
  const r2 = r * r;
  let y = LOGF_A1 * r + LOGF_A2;
  y = LOGF_A0 * r2 + y;
  y = y * r2 + (y0 + r);
  return f(y);
}

// ---------------------------------------------------------------------------------------------
// sincosf (s_sincosf.c, s_sincosf.h, sincosf_poly.h, s_sincosf_data.c)

interface SincosTable {
  hpiInv: number;
  hpi: number;
  c0: number;
  c1: number;
  c2: number;
  c3: number;
  c4: number;
  s1: number;
  s2: number;
  s3: number;
}
const SIGN = [1, -1, -1, 1];
const TABLE0: SincosTable = {
  hpiInv: hexDouble('0x1.45f306dc9c883p+23'), // 2/pi * 2^24 (no TOINT_INTRINSICS on x86-64)
  hpi: hexDouble('0x1.921fb54442d18p0'),
  c0: 1,
  c1: hexDouble('-0x1.ffffffd0c621cp-2'),
  c2: hexDouble('0x1.55553e1068f19p-5'),
  c3: hexDouble('-0x1.6c087e89a359dp-10'),
  c4: hexDouble('0x1.99343027bf8c3p-16'),
  s1: hexDouble('-0x1.555545995a603p-3'),
  s2: hexDouble('0x1.1107605230bc4p-7'),
  s3: hexDouble('-0x1.994eb3774cf24p-13')
};
/** The 2nd entry computes -cos(x). */
const TABLE1: SincosTable = { ...TABLE0, c0: -1, c1: -TABLE0.c1, c2: -TABLE0.c2, c3: -TABLE0.c3, c4: -TABLE0.c4 };
const PIO63 = hexDouble('0x1.921fb54442d18p-62'); // 2pi * 2^-64
const INV_PIO4 = [
  0xa2, 0xa2f9, 0xa2f983, 0xa2f9836e, 0xf9836e4e, 0x836e4e44, 0x6e4e4415, 0x4e441529, 0x441529fc, 0x1529fc27,
  0x29fc2757, 0xfc2757d1, 0x2757d1f5, 0x57d1f534, 0xd1f534dd, 0xf534ddc0, 0x34ddc0db, 0xddc0db62, 0xc0db6295,
  0xdb629599, 0x6295993c, 0x95993c43, 0x993c4390, 0x3c439041
];

/** Top 12 bits of the float32 representation with the sign bit cleared. */
function abstop12(v: number): number {
  return (asuint(v) >>> 20) & 0x7ff;
}
const ABSTOP12_PIO4 = abstop12(f(hexDouble('0x1.921fb54442d18p-1')));
const ABSTOP12_TINY = abstop12(2 ** -12);
const ABSTOP12_120 = abstop12(120);
const ABSTOP12_INF = abstop12(Infinity);

/** sincosf_poly: writes float32 sin to out[0] and cos to out[1]; odd n swaps them. */
function sincosfPoly(x: number, x2: number, p: SincosTable, n: number, out: Float64Array): void {
  const x4 = x2 * x2;
  const x3 = x2 * x;
  const c2 = p.c3 + x2 * p.c4;
  const s1 = p.s2 + x2 * p.s3;
  const c1 = p.c0 + x2 * p.c1;
  const x5 = x3 * x2;
  const x6 = x4 * x2;
  const s = x + x3 * p.s1;
  const c = c1 + x4 * p.c2;
  const sinv = f(s + x5 * s1);
  const cosv = f(c + x6 * c2);
  if ((n & 1) !== 0) {
    out[0] = cosv;
    out[1] = sinv;
  } else {
    out[0] = sinv;
    out[1] = cosv;
  }
}

/** reduce_large: x (|y| >= 120) modulo pi/2 using 4/pi to 192 bits; returns [reduced, n]. */
function reduceLarge(xi: number): [number, number] {
  const base = (xi >>> 26) & 15;
  const shift = (xi >>> 23) & 7;
  const m = BigInt((((xi & 0xffffff) | 0x800000) << shift) >>> 0);
  const mask64 = (1n << 64n) - 1n;
  let res0 = (m * BigInt(INV_PIO4[base])) & 0xffffffffn; // 32-bit multiply
  const res1 = m * BigInt(INV_PIO4[base + 4]);
  const res2 = m * BigInt(INV_PIO4[base + 8]);
  res0 = ((res2 >> 32n) | (res0 << 32n)) & mask64;
  res0 = (res0 + res1) & mask64;
  const n = ((res0 + (1n << 61n)) & mask64) >> 62n;
  res0 = (res0 - (n << 62n)) & mask64;
  const signed = res0 >= 1n << 63n ? res0 - (1n << 64n) : res0;
  return [Number(signed) * PIO63, Number(n)];
}

/** glibc 2.36 sincosf (FMA build) of a float32 y: out[0] = sinf(y), out[1] = cosf(y). */
export function sincosfGlibc(y: number, out: Float64Array): void {
  const top = abstop12(y);
  let x = y;
  if (top < ABSTOP12_PIO4) {
    if (top < ABSTOP12_TINY) {
      out[0] = y;
      out[1] = 1;
      return;
    }
    sincosfPoly(x, x * x, TABLE0, 0, out);
  } else if (top < ABSTOP12_120) {
    // reduce_fast: r = x * hpi_inv; n = ((int32_t)r + 0x800000) >> 24; x - n * hpi
    const r = x * TABLE0.hpiInv;
    const n = ((r | 0) + 0x800000) >> 24;
    x = x - n * TABLE0.hpi;
    const s = SIGN[n & 3];
    const p = (n & 2) !== 0 ? TABLE1 : TABLE0;
    sincosfPoly(x * s, x * x, p, n, out);
  } else if (top < ABSTOP12_INF) {
    const xi = asuint(y);
    const sign = xi >>> 31;
    const [reduced, n] = reduceLarge(xi);
    const s = SIGN[(n + sign) & 3];
    const p = ((n + sign) & 2) !== 0 ? TABLE1 : TABLE0;
    sincosfPoly(reduced * s, reduced * reduced, p, n, out);
  } else {
    out[0] = NaN;
    out[1] = NaN;
  }
}

// ---------------------------------------------------------------------------------------------

const TWO_PI_F64 = 2 * Math.PI;

/**
 * normal_fill_16<float>(data + i, mean 0, std 1): u1 = 1 - data[j]; radius = sqrt(-2 * logf(u1));
 * theta = (float)(2.0 * pi * (double)u2); data[j] = radius * cosf(theta) * 1 + 0,
 * data[j + 8] = radius * sinf(theta) * 1 + 0 (GCC calls sincosf once; no contraction in this build).
 */
const sincosOut = new Float64Array(2); // scratch: written and read within one call

export function normalFill16Scalar(data: Float32Array, i: number): void {
  const sc = sincosOut;
  for (let j = 0; j < 8; j++) {
    const u1 = f(1 - data[i + j]);
    const u2 = data[i + j + 8];
    const radius = f(Math.sqrt(f(-2 * logfGlibc(u1))));
    const theta = f(TWO_PI_F64 * u2);
    sincosfGlibc(theta, sc);
    data[i + j] = f(radius * sc[1]) + 0;
    data[i + j + 8] = f(radius * sc[0]) + 0;
  }
}

/** The binary64 value of a C99 hexadecimal floating literal such as '-0x1.57bf7808caadep-2' (exact). */
export function hexDouble(text: string): number {
  const m = /^([+-]?)0x([0-9a-f]+)(?:\.([0-9a-f]*))?p([+-]?[0-9]+)$/i.exec(text);
  if (m === null) throw new Error(`hexDouble: not a hexadecimal floating literal: ${text}`);
  const frac = m[3] ?? '';
  const mantissa = Number(BigInt('0x' + m[2] + frac)); // <= 53 significant bits here: exact
  const value = mantissa * 2 ** (Number(m[4]) - 4 * frac.length);
  return m[1] === '-' ? -value : value;
}
