// IEEE-754 binary64 helpers beyond what JavaScript's operators give: the fused multiply-add of the
// x86 vfmadd*sd/pd instructions, bit access, and correct rounding of exact (bigint) values.

const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer); // little-endian: [low word, high word]

/** High 32 bits of the binary64 representation of x (sign, exponent, top 20 significand bits). */
export function highWord(x: number): number {
  scratchF64[0] = x;
  return scratchU32[1];
}

/** Low 32 bits of the binary64 representation of x. */
export function lowWord(x: number): number {
  scratchF64[0] = x;
  return scratchU32[0];
}

/** The double whose representation is high:low (each taken as an unsigned 32-bit word). */
export function fromWords(high: number, low: number): number {
  scratchU32[1] = high >>> 0;
  scratchU32[0] = low >>> 0;
  return scratchF64[0];
}

const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp splitting of a binary64 into two 26-bit halves)
const TWO_M500 = 2 ** -500;
const TWO_P500 = 2 ** 500;
const TWO_M900 = 2 ** -900;
const TWO_P1000 = 2 ** 1000;

/**
 * fma(a, b, c): a*b + c rounded once to the nearest double, ties to even (IEEE 754 fusedMultiplyAdd,
 * what vfmadd*sd computes). Where no step can overflow or underflow (every nonzero partial
 * sum is then a multiple of 2^-1005, far from the subnormal range): Dekker's exact product
 * (ph + pl = a*b, Veltkamp splitting), then the correctly rounded sum of c + ph + pl with Boldo and
 * Melquiond's round-to-odd algorithm ("Emulation of FMA and correctly rounded sums: proved algorithms
 * using rounding to odd", IEEE Trans. Computers 57(4), 2008, Algorithm 5.4). Elsewhere exact bigint arithmetic.
 */
export function fmaF64(a: number, b: number, c: number): number {
  const aa = Math.abs(a);
  const ab = Math.abs(b);
  const ac = Math.abs(c);
  if (aa === 0 || ab === 0) return a * b + c; // the product is an exact (signed) zero
  if (!(aa < Infinity && ab < Infinity)) return a * b + c; // an infinite or nan factor: as unfused
  if (!(ac < Infinity)) return c; // finite a*b (however large) plus inf or nan
  if (
    aa < TWO_M500 ||
    aa > TWO_P500 ||
    ab < TWO_M500 ||
    ab > TWO_P500 ||
    (ac !== 0 && (ac < TWO_M900 || ac > TWO_P1000)) ||
    aa * ab < TWO_M900
  ) {
    return fmaExact(a, b, c);
  }
  // ExactMult: ph + pl = a*b exactly
  const ph = a * b;
  let t = SPLITTER * a;
  const ahi = t - (t - a);
  const alo = a - ahi;
  t = SPLITTER * b;
  const bhi = t - (t - b);
  const blo = b - bhi;
  const pl = alo * blo - (ph - ahi * bhi - alo * bhi - ahi * blo);
  if (c === 0) return ph; // pl is below half an ulp of ph: ph is the rounded product (the sign of zero cannot arise here)
  // TwoSum(c, ph) = th + tl
  const th = c + ph;
  const tv = th - c;
  const tl = c - (th - tv) + (ph - tv);
  // v = tl + pl rounded to odd
  let v = tl + pl;
  const vv = v - tl;
  const ve = tl - (v - vv) + (pl - vv);
  if (ve !== 0 && (lowWord(v) & 1) === 0) v = stepToward(v, ve);
  return th + v;
}

/** The neighbour of finite, nonzero v one ulp in the direction of the sign of `toward`. */
function stepToward(v: number, toward: number): number {
  scratchF64[0] = v;
  let lo = scratchU32[0];
  let hi = scratchU32[1];
  // away from zero when v and toward have the same sign: increment the magnitude
  if (v > 0 === toward > 0) {
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
  } else {
    if (lo === 0) hi = (hi - 1) >>> 0;
    lo = (lo - 1) >>> 0;
  }
  scratchU32[0] = lo;
  scratchU32[1] = hi;
  return scratchF64[0];
}

/** A finite double as m * 2^e with a bigint m (exact). */
function decompose(x: number): { m: bigint; e: number } {
  scratchF64[0] = x;
  const lo = scratchU32[0];
  const hi = scratchU32[1];
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) {
    e = -1074;
  } else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  return { m: hi >>> 31 ? -m : m, e };
}

/** fma by exact integer arithmetic (slow; for operands near the ends of the exponent range). */
function fmaExact(a: number, b: number, c: number): number {
  const x = decompose(a);
  const y = decompose(b);
  const pm = x.m * y.m;
  const pe = x.e + y.e;
  if (c === 0) {
    const r = roundScaled(pm, pe);
    return r === 0 ? (pm < 0n ? -0 : 0) : r; // a nonzero exact result that rounds to zero keeps its sign
  }
  const z = decompose(c);
  const e = Math.min(pe, z.e);
  const sum = (pm << BigInt(pe - e)) + (z.m << BigInt(z.e - e));
  if (sum === 0n) return 0; // exact cancellation gives +0 in round-to-nearest
  const r = roundScaled(sum, e);
  if (r === 0) return sum < 0n ? -0 : 0;
  return r;
}

/** m * 2^e rounded to the nearest double, ties to even (gradual underflow, overflow to infinity). */
export function roundScaled(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const negative = m < 0n;
  let mag = negative ? -m : m;
  const bits = mag.toString(2).length;
  // exponent of the last place the result can keep: 53 significant bits, or the subnormal quantum 2^-1074
  const ulpExp = Math.max(bits + e - 53, -1074);
  const drop = ulpExp - e;
  if (drop > 0) {
    const rest = mag & ((1n << BigInt(drop)) - 1n);
    mag >>= BigInt(drop);
    const half = 1n << BigInt(drop - 1);
    if (rest > half || (rest === half && (mag & 1n) === 1n)) mag += 1n;
    e = ulpExp;
  }
  const r = scaleByPowerOfTwo(Number(mag), e); // mag <= 2^53: exact; the scaling is exact unless it overflows
  return negative ? -r : r;
}

/** x * 2^e without intermediate overflow or underflow (exact whenever the result is a normal double or x*2^e is representable). */
export function scaleByPowerOfTwo(x: number, e: number): number {
  while (e > 1023) {
    x *= 2 ** 1023;
    e -= 1023;
    if (x === Infinity || x === -Infinity) return x;
  }
  while (e < -1022) {
    // keep the value normal while scaling down: only the last step may round, and only into the subnormal range
    if (e >= -1022 - 52) {
      return x * 2 ** (e + 52) * 2 ** -52;
    }
    x *= 2 ** -1022;
    e += 1022;
  }
  return x * 2 ** e;
}

/** v rounded to the nearest integer, ties to even (x86's rint / cvtpd2dq in the default rounding mode). */
export function roundHalfEven(v: number): number {
  const r = Math.round(v); // ties toward +infinity
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
