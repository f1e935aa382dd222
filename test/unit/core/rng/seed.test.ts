import { strict as assert } from 'node:assert';
import { FIXTURES } from '../../helpers/paths';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CpuGenerator } from '../../../../src/core/rng/generator';
import {
  mt19937SeedBits,
  parseSeed,
  SEED_MAX_EXCLUSIVE,
  SEED_MIN,
  stepSeed,
  toGeneratorSeed
} from '../../../../src/core/rng/seed';
import { randnSeeded } from '../../../../src/core/rng/randn';

const fixture = JSON.parse(readFileSync(join(FIXTURES, 'randn', 'cases.json'), 'utf8')) as {
  seeds: { seed: string; initialSeed: string }[];
  errors: { seed: string; error: string | null }[];
};

const inRange = fc.bigInt({ min: SEED_MIN, max: SEED_MAX_EXCLUSIVE - 1n });

describe('seeds as torch.Generator().manual_seed takes them', () => {
  it('toGeneratorSeed gives what PyTorch reports as initial_seed()', () => {
    assert.ok(fixture.seeds.length >= 10);
    for (const s of fixture.seeds) {
      assert.equal(toGeneratorSeed(BigInt(s.seed)), BigInt(s.initialSeed), `seed ${s.seed}`);
      assert.equal(CpuGenerator.manualSeed(BigInt(s.seed)).initialSeed, BigInt(s.initialSeed));
    }
  });

  it('rejects the seeds PyTorch rejects, with a one-line message that names the field and quotes PyTorch', () => {
    assert.ok(fixture.errors.length >= 3);
    for (const e of fixture.errors) {
      assert.notEqual(e.error, null, `PyTorch accepted ${e.seed}?`);
      for (const call of [
        () => toGeneratorSeed(BigInt(e.seed)),
        () => parseSeed(e.seed),
        () => CpuGenerator.manualSeed(BigInt(e.seed))
      ]) {
        assert.throws(call, (err: Error) => {
          assert.match(err.message, /^seed: /);
          assert.ok(err.message.includes(e.seed), err.message);
          assert.ok(err.message.includes(e.error as string), err.message);
          assert.ok(!err.message.includes('\n'));
          return true;
        });
      }
    }
  });

  it('only the low 32 bits seed the engine (seeds 2^32 apart give the same stream)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), fc.bigInt({ min: 1n, max: 1n << 31n }), (s, k) => {
        const t = s + (k << 32n);
        if (t >= SEED_MAX_EXCLUSIVE) return true;
        return (
          mt19937SeedBits(t) === mt19937SeedBits(s) &&
          randnSeeded(t, 17, 'avx2-fma').join() === randnSeeded(s, 17, 'avx2-fma').join()
        );
      }),
      { numRuns: 200 }
    );
  });

  it('negative seeds are their int64 bit pattern: s and s + 2^64 agree', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: SEED_MIN, max: -1n }), (s) => toGeneratorSeed(s) === s + (1n << 64n)),
      { numRuns: 1000 }
    );
  });

  it('parseSeed reads safe-integer numbers, bigints and decimal strings exactly', () => {
    fc.assert(
      fc.property(inRange, (s) => parseSeed(s.toString()) === s && parseSeed(s) === s && parseSeed(` ${s} `) === s),
      { numRuns: 2000 }
    );
    fc.assert(
      fc.property(
        fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        (n) => parseSeed(n) === BigInt(n)
      ),
      { numRuns: 2000 }
    );
    assert.equal(parseSeed('+7'), BigInt('7'));
  });

  it('parseSeed refuses non-integers with a one-line message naming the field', () => {
    const bad: unknown[] = [1.5, NaN, Infinity, '1e5', '0x10', 'abc', '', '1.0', null, true, [], {}, 2 ** 60];
    for (const v of bad) {
      assert.throws(
        () => parseSeed(v, 'inputs.seed'),
        (err: Error) => {
          assert.match(err.message, /^inputs\.seed: /);
          assert.ok(!err.message.includes('\n'));
          return true;
        },
        `accepted ${String(v)}`
      );
    }
    assert.throws(() => parseSeed(2 ** 60), /decimal string/);
  });

  it('never suggests, for a JSON number past 2^53, a seed that PyTorch would refuse (the digits are lost)', () => {
    for (const v of [Number(2n ** 64n - 1n), 2 ** 64, -(2 ** 63) - 4096, 2 ** 60 + 256]) {
      assert.throws(
        () => parseSeed(v),
        (err: Error) => {
          for (const [, digits] of err.message.matchAll(/"(-?\d+)"/g))
            assert.doesNotThrow(() => parseSeed(digits), `suggests ${digits}`);
          return true;
        }
      );
    }
  });

  it('stepSeed is seed + 100 + t exactly, past 2^53, and fails where manual_seed would', () => {
    fc.assert(
      fc.property(inRange, fc.integer({ min: 0, max: 100000 }), (s, t) => {
        const want = s + 100n + BigInt(t);
        if (want >= SEED_MAX_EXCLUSIVE) {
          assert.throws(() => stepSeed(s, t), /^Error: seed: /);
          return true;
        }
        return stepSeed(s, t) === want;
      }),
      { numRuns: 5000 }
    );
    const top = SEED_MAX_EXCLUSIVE - 101n;
    assert.equal(stepSeed(top, 0), top + 100n);
    assert.throws(
      () => stepSeed(top, 1),
      (err: Error) => err.message.startsWith('seed: ') && err.message.includes('Overflow when unpacking long')
    );
  });
});
