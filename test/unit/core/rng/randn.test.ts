import { strict as assert } from 'node:assert';
import { FIXTURES } from '../../helpers/paths';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  log256F32,
  log256F32Fma,
  normalFill16Avx2Fma,
  normalFill16Avx2FmaReference,
  normalFill16Avx2NoFma,
  normalFill16Avx2Reference,
  verifyUncheckedFmaSites
} from '../../../../src/core/rng/avx2Math';
import { float32ToBits, ulpDistanceF32 } from '../../../../src/core/float32';
import { CpuGenerator } from '../../../../src/core/rng/generator';
import { randn, randnSeeded } from '../../../../src/core/rng/randn';
import { avx2FmaWasm } from '../../../../src/core/rng/avx2Wasm';
import { normalFill16Scalar } from '../../../../src/core/rng/scalarMath';
import type { RngProfile } from '../../../../src/core/types';

const RANDN_FIXTURES = join(FIXTURES, 'randn');

interface ProfileFixture {
  profile: RngProfile;
  info: { torch: string; capability: string };
  cases: { seed: string; count: number; bits: number[] }[];
  shapes: { seed: string; shape: number[]; bits: number[] }[];
  sequences: { seed: string; counts: number[]; bits: number[][] }[];
  uniform: { seed: string; float32: number[]; float64: string[] };
  big: { seed: string; count: number; sha256: string }[];
}
interface CasesFixture {
  profiles: ProfileFixture[];
}
interface SweepFixture {
  n: number;
  chunk: number;
  radiusOneK: number;
  radius: string[];
  cos: string[];
  sin: string[];
}

const cases = JSON.parse(readFileSync(join(RANDN_FIXTURES, 'cases.json'), 'utf8')) as CasesFixture;
const sweeps = JSON.parse(readFileSync(join(RANDN_FIXTURES, 'sweeps.json'), 'utf8')).profiles as Record<
  string,
  SweepFixture
>;

function bitsOf(values: Float32Array): number[] {
  return Array.from(values, (v) => float32ToBits(v));
}

function sha256F32(values: Float32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    .digest('hex');
}

/** First index where two bit lists differ, with both values, for a readable failure. */
function firstDiff(got: number[], want: number[]): string {
  for (let i = 0; i < Math.max(got.length, want.length); i++) {
    if (got[i] !== want[i]) return `index ${i}: got bits ${got[i]?.toString(16)}, PyTorch ${want[i]?.toString(16)}`;
  }
  return 'equal';
}

type Kernel = 'avx2-fma' | 'avx2-fma (wasm)' | 'avx2' | 'avx2 (wasm)' | 'scalar';
const fill16: Record<'avx2-fma' | 'avx2' | 'scalar', (data: Float32Array, i: number) => void> = {
  'avx2-fma': normalFill16Avx2Fma,
  avx2: normalFill16Avx2NoFma,
  scalar: normalFill16Scalar
};

/** Runs a kernel on every 16-float block of data, in place. */
function fillAll(kernel: Kernel, data: Float32Array): void {
  if (kernel === 'avx2-fma (wasm)' || kernel === 'avx2 (wasm)') {
    const wasm = avx2FmaWasm();
    assert.ok(wasm !== null, 'WebAssembly SIMD is available in Node 20');
    wasm.fillBlocks(data, 0, data.length / 16, kernel === 'avx2-fma (wasm)');
    return;
  }
  for (let i = 0; i < data.length; i += 16) fill16[kernel](data, i);
}

/** The kernel on chosen lanes: data[j] = k1 * 2^-24 (u1 = 1 - data[j]), data[j + 8] = k2 * 2^-24. */
function sweepChunk(
  kernel: Kernel,
  chunk: number,
  size: number,
  k1: (k: number) => number,
  k2: (k: number) => number
): [Float32Array, Float32Array] {
  const data = new Float32Array(size * 2);
  const start = chunk * size;
  for (let k = 0; k < size; k += 8) {
    for (let j = 0; j < 8; j++) {
      data[2 * k + j] = k1(start + k + j) * 2 ** -24;
      data[2 * k + j + 8] = k2(start + k + j) * 2 ** -24;
    }
  }
  fillAll(kernel, data);
  const cos = new Float32Array(size);
  const sin = new Float32Array(size);
  for (let k = 0; k < size; k += 8) {
    for (let j = 0; j < 8; j++) {
      cos[k + j] = data[2 * k + j];
      sin[k + j] = data[2 * k + j + 8];
    }
  }
  return [cos, sin];
}

describe('torch.randn on CPU (float32), bit for bit with PyTorch', () => {
  for (const fixture of cases.profiles) {
    const profile = fixture.profile;
    describe(`profile ${profile} (PyTorch ${fixture.info.torch}, capability ${fixture.info.capability})`, () => {
      it(`matches ${fixture.cases.length} seed x count cases (both paths, tails, edge seeds)`, () => {
        let maxUlps = 0;
        let values = 0;
        for (const c of fixture.cases) {
          const got = randnSeeded(BigInt(c.seed), c.count, profile);
          if (profile === 'avx2-fma') {
            const ts = randnSeeded(BigInt(c.seed), c.count, profile, undefined, { wasm: false });
            assert.deepEqual(
              bitsOf(ts),
              c.bits,
              `TypeScript kernel, seed ${c.seed}, count ${c.count}: ${firstDiff(bitsOf(ts), c.bits)}`
            );
          }
          const want = new Float32Array(new Uint32Array(c.bits).buffer);
          for (let i = 0; i < c.count; i++) maxUlps = Math.max(maxUlps, ulpDistanceF32(got[i], want[i]));
          assert.deepEqual(bitsOf(got), c.bits, `seed ${c.seed}, count ${c.count}: ${firstDiff(bitsOf(got), c.bits)}`);
          values += c.count;
        }
        console.log(`      ${profile}: ${values} values, largest distance from PyTorch ${maxUlps} ulps`);
        assert.equal(maxUlps, 0);
      });

      it('matches N-d shapes (the contiguous flat stream)', () => {
        for (const s of fixture.shapes) {
          const count = s.shape.reduce((a, b) => a * b, 1);
          assert.deepEqual(bitsOf(randnSeeded(BigInt(s.seed), count, profile)), s.bits, `shape ${s.shape}`);
        }
      });

      it('matches successive calls on one generator (cached Box-Muller value, stream position)', () => {
        for (const s of fixture.sequences) {
          const gen = CpuGenerator.manualSeed(BigInt(s.seed));
          s.counts.forEach((count, i) => {
            assert.deepEqual(
              bitsOf(randn(gen, count, profile)),
              s.bits[i],
              `seed ${s.seed}, call ${i} (count ${count})`
            );
          });
        }
      });

      it('matches big outputs by sha256 of their float32 bytes', function () {
        this.timeout(120000);
        for (const b of fixture.big) {
          assert.equal(
            sha256F32(randnSeeded(BigInt(b.seed), b.count, profile)),
            b.sha256,
            `seed ${b.seed}, count ${b.count}`
          );
          if (profile === 'avx2-fma' && b.count <= 100000) {
            const ts = randnSeeded(BigInt(b.seed), b.count, profile, undefined, { wasm: false });
            assert.equal(sha256F32(ts), b.sha256, `TypeScript kernel, seed ${b.seed}, count ${b.count}`);
          }
        }
      });

      it('reproduces torch.rand (the uniform stream, across a twist of the mt19937 state)', function () {
        if (fixture.uniform === undefined) this.skip();
        const gen = CpuGenerator.manualSeed(BigInt(fixture.uniform.seed));
        const f32 = fixture.uniform.float32.map(() => float32ToBits(gen.uniformFloat24()));
        assert.deepEqual(f32, fixture.uniform.float32);
        const f64 = new Float64Array(1);
        const u64 = new BigUint64Array(f64.buffer);
        const got64 = fixture.uniform.float64.map(() => {
          f64[0] = gen.uniformFloat53();
          return String(u64[0]);
        });
        assert.deepEqual(got64, fixture.uniform.float64);
      });
    });
  }

  describe('the normal_fill_16 kernels on every input they can see (crafted generator states)', () => {
    // Every uniform is k * 2^-24 (k < 2^24). PyTorch's outputs for all of them are stored as sha256 per chunk
    // of 2^18 lanes. By default a few chunks run here (both ends of the range and two inside);
    // DDPM_RANDN_EXHAUSTIVE=1 runs all 64 chunks of both sweeps.
    const all = process.env.DDPM_RANDN_EXHAUSTIVE === '1';
    for (const profile of ['avx2-fma', 'avx2-fma (wasm)', 'scalar'] as const) {
      const sweep = sweeps[profile === 'scalar' ? 'scalar' : 'avx2-fma'];
      const chunks = all ? sweep.radius.map((_, i) => i) : [0, 21, 42, sweep.radius.length - 1];
      it(`${profile}: radius sqrt(-2 log(u1)) for all u1 in ${all ? 'all' : chunks.length} chunks`, function () {
        this.timeout(all ? 3600000 : 120000);
        for (const c of chunks) {
          const [cos, sin] = sweepChunk(
            profile,
            c,
            sweep.chunk,
            (k) => k,
            () => 0
          );
          assert.ok(sin.every((v) => Object.is(v, 0)));
          assert.equal(sha256F32(cos), sweep.radius[c], `chunk ${c}`);
        }
      });
      it(`${profile}: cos and sin of theta = 2pi u2 for all u2 in ${all ? 'all' : chunks.length} chunks`, function () {
        this.timeout(all ? 3600000 : 120000);
        for (const c of chunks) {
          const [cos, sin] = sweepChunk(
            profile,
            c,
            sweep.chunk,
            () => sweep.radiusOneK,
            (k) => k
          );
          assert.equal(sha256F32(cos), sweep.cos[c], `cos chunk ${c}`);
          assert.equal(sha256F32(sin), sweep.sin[c], `sin chunk ${c}`);
        }
      });
    }
  });

  describe('fast kernels equal their readable reference (lane functions)', () => {
    const uniforms = fc.array(fc.integer({ min: 0, max: 0xffffff }), { minLength: 16, maxLength: 16 });
    it('the WebAssembly kernel (no midpoint checks) equals the TypeScript kernel (exact ties) on random blocks', function () {
      this.timeout(60000);
      // about 1 block in 400 has a lane whose binary64 sum in a fused step lands on a float32 midpoint (an
      // exact tie, see verifyUncheckedFmaSites); enough random blocks that many occur
      const n = 16 * 200000;
      const a = new Float32Array(n);
      CpuGenerator.manualSeed(77n).fillUniformFloat24(a, 0, n);
      const b = a.slice();
      fillAll('avx2-fma (wasm)', a);
      fillAll('avx2-fma', b);
      assert.deepEqual(bitsOf(a), bitsOf(b));
    });

    it('the WebAssembly mt19937 stream equals CpuGenerator.fillUniformFloat24 (values and state afterwards)', () => {
      const wasm = avx2FmaWasm();
      assert.ok(wasm !== null);
      fc.assert(
        fc.property(
          fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 5 }),
          (seed, counts) => {
            const a = CpuGenerator.manualSeed(seed);
            const b = CpuGenerator.manualSeed(seed);
            a.random(); // start mid-state
            b.random();
            for (const count of counts) {
              const x = new Float32Array(count + 3);
              const y = new Float32Array(count + 3);
              wasm.fillUniform(a, x, 3, count);
              b.fillUniformFloat24(y, 3, count);
              if (bitsOf(x).join() !== bitsOf(y).join() || a.index !== b.index || a.state.join() !== b.state.join())
                return false;
            }
            return a.random() === b.random();
          }
        ),
        { numRuns: 100 }
      );
    });

    it('avx2-fma and avx2 kernels == reference on random blocks', () => {
      fc.assert(
        fc.property(uniforms, (ks) => {
          const a = Float32Array.from(ks, (k) => k * 2 ** -24);
          const b = a.slice();
          const c = a.slice();
          const d = a.slice();
          normalFill16Avx2Fma(a, 0);
          normalFill16Avx2FmaReference(b, 0);
          normalFill16Avx2NoFma(c, 0);
          normalFill16Avx2Reference(d, 0);
          return bitsOf(a).join() === bitsOf(b).join() && bitsOf(c).join() === bitsOf(d).join();
        }),
        { numRuns: 20000 }
      );
    });

    const allInputs = process.env.DDPM_RANDN_EXHAUSTIVE === '1';
    it(`the fused steps the fast kernels leave unchecked, and the roundings they skip, are exact for ${allInputs ? 'all 2^24 inputs' : 'every 7th input (all with DDPM_RANDN_EXHAUSTIVE=1)'}`, function () {
      this.timeout(600000);
      assert.equal(verifyUncheckedFmaSites(0, 1 << 24, allInputs ? 1 : 7), 0);
    });

    it(`'avx2' (no contraction): the WebAssembly kernel equals the TypeScript kernel on ${allInputs ? 'all' : 'a quarter of the'} inputs`, function () {
      this.timeout(600000);
      const size = 1 << 18;
      for (let c = 0; c < 64; c += allInputs ? 1 : 4) {
        const [wc, ws] = sweepChunk(
          'avx2 (wasm)',
          c,
          size,
          (k) => k,
          (k) => k
        );
        const [tc, ts] = sweepChunk(
          'avx2',
          c,
          size,
          (k) => k,
          (k) => k
        );
        assert.equal(sha256F32(wc), sha256F32(tc), `chunk ${c}`);
        assert.equal(sha256F32(ws), sha256F32(ts), `chunk ${c}`);
      }
    });

    it("'avx2' through randn: same bits with and without WebAssembly", () => {
      for (const [seed, count] of [
        [1n, 16],
        [2n, 17],
        [3n, 1000],
        [2n ** 64n - 1n, 65537]
      ] as [bigint, number][]) {
        assert.deepEqual(
          bitsOf(randnSeeded(seed, count, 'avx2')),
          bitsOf(randnSeeded(seed, count, 'avx2', undefined, { wasm: false }))
        );
      }
    });

    it("'avx2' (no contraction) differs from 'avx2-fma' only by rounding: a few ulps, same elsewhere", () => {
      const a = randnSeeded(2024n, 160000, 'avx2-fma');
      const b = randnSeeded(2024n, 160000, 'avx2');
      let differ = 0;
      let maxUlps = 0;
      for (let i = 0; i < a.length; i++) {
        const u = ulpDistanceF32(a[i], b[i]);
        if (u > 0) differ++;
        maxUlps = Math.max(maxUlps, u);
      }
      // contraction changes some roundings of the polynomials, so some values must differ, by little
      assert.ok(differ > 0 && differ < a.length / 2, `differ ${differ}`);
      assert.ok(maxUlps <= 8, `max ${maxUlps} ulps`);
    });

    it('log256 lanes: the contracted and plain builds agree where no fused step rounds differently', () => {
      // for u1 = 1 (log 0) and powers of two, every product is exact: both builds give the same bits
      for (let e = 0; e <= 24; e++) {
        const u = 2 ** -e;
        assert.equal(float32ToBits(log256F32Fma(u)), float32ToBits(log256F32(u)), `u1 = 2^-${e}`);
      }
    });
  });

  describe('API', () => {
    it('randn writes into out and returns it; count 0 gives an empty result', () => {
      const out = new Float32Array(40).fill(7);
      const r = randn(CpuGenerator.manualSeed(5n), 33, 'avx2-fma', out);
      assert.equal(r, out);
      assert.deepEqual(bitsOf(out.subarray(0, 33)), bitsOf(randnSeeded(5n, 33, 'avx2-fma')));
      assert.ok(out.subarray(33).every((v) => v === 7));
      assert.equal(randnSeeded(5n, 0, 'scalar').length, 0);
    });

    it('rejects bad counts and small out buffers with one-line messages', () => {
      assert.throws(() => randnSeeded(1n, -1, 'avx2'), /^Error: count: /);
      assert.throws(() => randnSeeded(1n, 1.5, 'avx2'), /^Error: count: /);
      assert.throws(() => randnSeeded(1n, 20, 'avx2', new Float32Array(3)), /^Error: out: expected at least 20/);
    });

    it('reseed(s) makes any generator equal to manualSeed(s): stream, caches, initial seed, errors', () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }),
          fc.integer({ min: 0, max: 700 }),
          (seed, used) => {
            const g = CpuGenerator.manualSeed(12345n);
            randn(g, 3, 'avx2-fma'); // leaves a cached Box-Muller value
            for (let i = 0; i < used; i++) g.random();
            g.reseed(seed);
            const h = CpuGenerator.manualSeed(seed);
            return (
              g.initialSeed === h.initialSeed &&
              bitsOf(randn(g, 5, 'avx2-fma')).join() === bitsOf(randn(h, 5, 'avx2-fma')).join() &&
              g.random() === h.random()
            );
          }
        ),
        { numRuns: 200 }
      );
      const message = (fn: () => unknown): string => {
        try {
          fn();
        } catch (e) {
          return (e as Error).message;
        }
        return 'no error';
      };
      for (const bad of [1n << 64n, -(1n << 63n) - 1n]) {
        assert.equal(
          message(() => CpuGenerator.manualSeed(1n).reseed(bad)),
          message(() => CpuGenerator.manualSeed(bad))
        );
        assert.notEqual(
          message(() => CpuGenerator.manualSeed(bad)),
          'no error'
        );
      }
    });

    it('randnSeeded gives the same values as a fresh generator, whatever the calls before it', () => {
      const calls: [bigint, number][] = [
        [7n, 5],
        [8n, 3],
        [7n, 5],
        [9n, 33],
        [7n, 1],
        [2n ** 64n - 1n, 16],
        [-3n, 2]
      ];
      for (const [seed, count] of calls) {
        assert.deepEqual(
          bitsOf(randnSeeded(seed, count, 'avx2-fma')),
          bitsOf(randn(CpuGenerator.manualSeed(seed), count, 'avx2-fma', undefined, { wasm: false })),
          `seed ${seed} count ${count}`
        );
      }
    });

    it('the small-count path (count < 16) gives the same values and generator state with and without WebAssembly', () => {
      for (const pre of [0, 1, 623, 624, 1247]) {
        for (const count of [1, 2, 7, 15]) {
          const a = CpuGenerator.manualSeed(99n);
          for (let i = 0; i < pre; i++) a.random();
          const b = a.clone();
          const va = randn(a, count, 'avx2-fma');
          const vb = randn(b, count, 'avx2-fma', undefined, { wasm: false });
          assert.deepEqual(bitsOf(va), bitsOf(vb));
          assert.equal(a.random(), b.random(), `pre ${pre} count ${count}`);
          assert.equal(a.nextDoubleNormal, b.nextDoubleNormal);
        }
      }
    });

    it('generators are values: a clone continues the same stream independently', () => {
      const g = CpuGenerator.manualSeed(11n);
      randn(g, 3, 'avx2-fma'); // leaves a cached Box-Muller value
      const h = g.clone();
      assert.deepEqual(bitsOf(randn(g, 21, 'avx2-fma')), bitsOf(randn(h, 21, 'avx2-fma')));
      assert.deepEqual(bitsOf(randn(g, 5, 'scalar')), bitsOf(randn(h, 5, 'scalar')));
    });
  });
});
