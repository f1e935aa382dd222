import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  bitsToFloat32,
  float32ToBits,
  fmaF32,
  nextDownF32,
  nextUpF32,
  ulpDistanceF32,
  ulpF32
} from '../../../src/core/float32';

// Exact reference: every float32 is M * 2^E with E >= -149, so a*b + c is an integer multiple of 2^-298.
const SCALE = 298n;

function toScaled(v: number): bigint {
  // v is a finite float32: v * 2^298 is an integer; split it exactly through its bits
  const bits = float32ToBits(v);
  const sign = bits >>> 31 ? -1n : 1n;
  const exp = (bits >>> 23) & 0xff;
  const frac = BigInt(bits & 0x7fffff);
  const mant = exp === 0 ? frac : frac | 0x800000n;
  const e = BigInt(exp === 0 ? -149 : exp - 150);
  return sign * (mant << (e + 149n)); // scaled by 2^149
}

/** round(a*b + c) to float32, computed exactly with BigInt (round to nearest, ties to even). */
function fmaExact(a: number, b: number, c: number): number {
  const s = toScaled(a) * toScaled(b) + (toScaled(c) << 149n); // scaled by 2^298
  if (s === 0n) {
    const pNeg = Object.is(a * b, -0) || a * b < 0;
    const cNeg = Object.is(c, -0);
    return pNeg && cNeg ? -0 : 0;
  }
  const neg = s < 0n;
  const m = neg ? -s : s;
  const len = m.toString(2).length; // value in [2^(len-1), 2^len) * 2^-298
  const e = len - 1 - Number(SCALE);
  const quantumExp = Math.max(e, -126) - 23 + Number(SCALE); // ulp, scaled
  let r: bigint;
  if (quantumExp <= 0) r = m;
  else {
    const q = 1n << BigInt(quantumExp);
    const lo = m / q;
    const rem = m - lo * q;
    const half = q / 2n;
    r = rem > half || (rem === half && (lo & 1n) === 1n) ? lo + 1n : lo;
    r = r * q;
  }
  const v = Number(r) * 2 ** -298;
  const out = v >= 2 ** 128 ? Infinity : v;
  return neg ? -out : out;
}

const finiteF32 = fc.float({ noNaN: true, noDefaultInfinity: true });

function same(a: number, b: number): boolean {
  return Object.is(a, b);
}

describe('float32 helpers', () => {
  it('fmaF32 equals the exact, once-rounded a*b + c on random float32 triples', () => {
    fc.assert(
      fc.property(finiteF32, finiteF32, finiteF32, (a, b, c) => {
        const got = fmaF32(a, b, c);
        const want = fmaExact(a, b, c);
        return same(got, want) || (got === 0 && want === 0 && Object.is(got, want));
      }),
      { numRuns: 20000 }
    );
  });

  it('fmaF32 is exact on operands of similar magnitude (where the products matter)', () => {
    const near = fc.tuple(fc.integer({ min: -40, max: 40 }), fc.integer({ min: 0, max: 0x7fffff }), fc.boolean());
    const mk = ([e, m, s]: [number, number, boolean]) => (s ? -1 : 1) * (1 + m * 2 ** -23) * 2 ** e;
    fc.assert(
      fc.property(near, near, near, (a, b, c) => {
        const x = Math.fround(mk(a));
        const y = Math.fround(mk(b));
        const z = Math.fround(mk(c));
        return same(fmaF32(x, y, z), fmaExact(x, y, z));
      }),
      { numRuns: 20000 }
    );
  });

  it('fmaF32 gets the double-rounding cases right, where fround(a*b + c) is wrong', () => {
    // Build exact sums that sit a hair off a float32 midpoint: the binary64 sum rounds onto the midpoint
    // and a second rounding to float32 then goes the wrong way. Found by search, checked against BigInt.
    let naiveWrong = 0;
    let checked = 0;
    for (let e = -20; e <= 20; e += 5) {
      for (let i = 1; i < 400; i++) {
        const c = Math.fround((1 + (2 * i + 1) * 2 ** -23) * 2 ** e); // an odd float32
        for (const sgn of [1, -1]) {
          for (const k of [1, 3, 5]) {
            // a*b = ulp(c)/2 * (1 - k^2 2^-46) or (1 + ...): (1 + k 2^-23)(1 -/+ k 2^-23)
            const a = Math.fround((1 + k * 2 ** -23) * 2 ** (e - 12));
            const b = Math.fround(sgn * (1 - k * 2 ** -23) * 2 ** -12);
            const got = fmaF32(a, b, c);
            const want = fmaExact(a, b, c);
            assert.ok(same(got, want), `fmaF32(${a}, ${b}, ${c}) = ${got}, exact ${want}`);
            if (!same(Math.fround(a * b + c), want)) naiveWrong++;
            checked++;
          }
        }
      }
    }
    assert.ok(naiveWrong > 0, 'the constructed cases must include ones where naive double rounding fails');
    assert.ok(checked > 1000);
  });

  it('fmaF32 handles overflow, infinities, NaN and signed zeros like a hardware FMA', () => {
    const max = bitsToFloat32(0x7f7fffff);
    assert.ok(same(fmaF32(max, 2, -max), fmaExact(max, 2, -max)));
    assert.equal(fmaF32(max, 1.5, 0), Infinity);
    assert.equal(fmaF32(max, -1.5, 0), -Infinity);
    assert.ok(Number.isNaN(fmaF32(Infinity, 0, 1)));
    assert.ok(Number.isNaN(fmaF32(NaN, 1, 1)));
    assert.equal(fmaF32(Infinity, 1, 1), Infinity);
    assert.ok(Object.is(fmaF32(-0, 1, -0), -0));
    assert.ok(Object.is(fmaF32(1, 1, -1), 0));
    // just below the overflow threshold (2^128 - 2^103) by less than a binary64 ulp: stays finite
    const a = Math.fround(max);
    const b = Math.fround(1 + 2 ** -23);
    assert.ok(same(fmaF32(a, b, -max), fmaExact(a, b, -max)));
  });

  it('float32ToBits and bitsToFloat32 round-trip every pattern class', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (bits) => {
        const v = bitsToFloat32(bits);
        if (Number.isNaN(v)) return Number.isNaN(bitsToFloat32(float32ToBits(v)));
        return float32ToBits(v) === bits;
      }),
      { numRuns: 20000 }
    );
  });

  it('ulpDistanceF32 counts the float32 values between its arguments', () => {
    fc.assert(
      fc.property(finiteF32, fc.integer({ min: 0, max: 1000 }), (x, k) => {
        let y = x;
        let steps = 0;
        for (; steps < k && y !== Infinity; steps++) y = nextUpF32(y);
        return ulpDistanceF32(x, y) === steps && ulpDistanceF32(y, x) === steps;
      }),
      { numRuns: 2000 }
    );
    assert.equal(ulpDistanceF32(0, -0), 0);
    assert.equal(ulpDistanceF32(bitsToFloat32(1), -bitsToFloat32(1)), 2);
    assert.equal(ulpDistanceF32(NaN, NaN), 0);
    assert.equal(ulpDistanceF32(NaN, 1), Infinity);
    assert.equal(ulpDistanceF32(bitsToFloat32(0x7f7fffff), Infinity), 1);
  });

  it('nextUpF32 / nextDownF32 / ulpF32 agree with each other', () => {
    fc.assert(
      fc.property(finiteF32, (x) => {
        const up = nextUpF32(x);
        const down = nextDownF32(x);
        if (!(up > x) || !(down < x)) return false;
        if (Math.abs(x) < bitsToFloat32(0x7f7fffff)) {
          const u = ulpF32(x);
          return x >= 0 ? up - x === u || x === 0 : x - down === u;
        }
        return true;
      }),
      { numRuns: 20000 }
    );
  });
});
