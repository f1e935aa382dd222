import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { fmaF64, fromWords, highWord, lowWord, roundScaled } from '../../../../src/core/math/float64';

// Exact reference: every finite double is M * 2^E with E >= -1074, so a*b + c is an integer multiple of 2^-2148.
function scaled(v: number): bigint {
  const hi = highWord(v);
  const exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lowWord(v));
  if (exp !== 0) mant |= 1n << 52n;
  const shift = BigInt((exp === 0 ? 1 : exp) - 1); // v = mant * 2^(exp - 1075): scaled by 2^1074
  const m = mant << shift;
  return hi >>> 31 ? -m : m;
}

/** round(a*b + c) to binary64 by exact integer arithmetic: round to nearest, ties to even. */
function fmaReference(a: number, b: number, c: number): number {
  const s = scaled(a) * scaled(b) + (scaled(c) << 1074n); // scaled by 2^2148
  if (s === 0n) return Object.is(a * b, -0) || a * b < 0 ? (Object.is(c, -0) ? -0 : 0) : 0;
  const neg = s < 0n;
  let m = neg ? -s : s;
  const len = m.toString(2).length;
  const quantum = Math.max(len - 53, 2148 - 1074); // drop bits below 53 significant ones, or below 2^-1074
  const rest = m & ((1n << BigInt(quantum)) - 1n);
  m >>= BigInt(quantum);
  const half = 1n << BigInt(quantum - 1);
  if (rest > half || (rest === half && (m & 1n) === 1n)) m += 1n;
  let r = Number(m); // <= 2^53: exact
  let e = quantum - 2148;
  while (e > 0) {
    r *= 2;
    e--;
  } // exact, or overflow to infinity as the rounding would
  while (e < 0) {
    r /= 2;
    e++;
  } // exact: r was rounded to the quantum already
  if (r === 0) return neg ? -0 : 0;
  return neg ? -r : r;
}

const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
const moderate = fc.double({ min: -1e6, max: 1e6, noNaN: true });

describe('float64: fmaF64 (the x86 vfmadd*sd fused multiply-add)', () => {
  it('equals the exactly rounded a*b + c over all finite doubles', () => {
    fc.assert(
      fc.property(finiteDouble, finiteDouble, finiteDouble, (a, b, c) => {
        assert.ok(Object.is(fmaF64(a, b, c), fmaReference(a, b, c)), `fma(${a}, ${b}, ${c})`);
      }),
      { numRuns: 20000 }
    );
  });

  it('is exact where the unfused a*b + c is not: near-cancellation and halfway cases', () => {
    fc.assert(
      fc.property(moderate, moderate, fc.integer({ min: -3, max: 3 }), (a, b, k) => {
        const p = a * b;
        const c = -p * (1 + k * 2 ** -52); // c within a few ulps of -a*b: the result is the rounding error of a*b
        assert.ok(Object.is(fmaF64(a, b, c), fmaReference(a, b, c)), `fma(${a}, ${b}, ${c})`);
      }),
      { numRuns: 20000 }
    );
    assert.equal(fmaF64(0.1, 10, -1), fmaReference(0.1, 10, -1));
    assert.notEqual(fmaF64(0.1, 10, -1), 0.1 * 10 - 1, 'the fused result differs from the unfused one');
  });

  it('infinities, nan and signed zeros as IEEE 754 defines them', () => {
    assert.equal(
      fmaF64(Number.MAX_VALUE, 2, -Infinity),
      -Infinity,
      'a finite product plus -inf, even when a*b overflows'
    );
    assert.ok(Number.isNaN(fmaF64(Infinity, 0, 1)));
    assert.ok(Number.isNaN(fmaF64(Infinity, 1, -Infinity)));
    assert.ok(Object.is(fmaF64(-(2 ** -600), 2 ** -600, 0), -0), 'a negative product that underflows keeps its sign');
    assert.ok(Object.is(fmaF64(-0, 1, 0), 0));
    assert.ok(Object.is(fmaF64(-0, 1, -0), -0));
  });
});

describe('float64: word access and rounding of exact values', () => {
  it('highWord/lowWord/fromWords round-trip', () => {
    fc.assert(fc.property(finiteDouble, (v) => Object.is(fromWords(highWord(v), lowWord(v)), v)));
  });
  it('roundScaled rounds m * 2^e to nearest, ties to even, through the subnormal range', () => {
    assert.equal(roundScaled(3n, -1076), 2 ** -1074, '0.75 of the smallest subnormal rounds up');
    assert.equal(roundScaled(1n, -1075), 0, 'half of the smallest subnormal ties to even zero');
    assert.equal(roundScaled(3n, -1075), 2 * 2 ** -1074, '1.5 quanta tie to the even 2');
    assert.equal(roundScaled((1n << 53n) + 1n, 0), 2 ** 53, 'a tie at 2^53 rounds to even');
    assert.equal(roundScaled(1n, 1024), Infinity);
  });
});
