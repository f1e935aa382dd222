// The matmul profiles against Debian's PyTorch 1.13 on the reference BLAS and on OpenBLAS 0.3.21 (one thread, Haswell
// kernels): test/fixtures/matmul/{cases,sampler}.json, made by scripts/fixtures/matmul.py, bit for bit; and, when
// PyTorch and both BLAS libraries are installed here, fresh random cases (scripts/fixtures/matmul.py --live).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MATMUL_PROFILES, matmulF32, type MatmulProfile } from '../../../../src/core/sampler/matmul';
import { runSampler } from '../../../../src/core/sampler/sampler';
import { compareRun } from '../../../../src/core/compare/compare';
import { formatFloat32Shortest } from '../../../../src/core/tensors/printTensor';
import { float32ToBits } from '../../../../src/core/float32';
import { FIXTURES, ROOT } from '../../helpers/paths';
import { fromBits } from '../../helpers/bits';
import { PYTHON, pythonModulesMissing } from '../../helpers/torch';
import { assertMatchesPyTorch, toInputs, type FixtureInputs, type FixtureResult } from '../../helpers/samplerFixture';

interface MatmulCase {
  name: string;
  M: number;
  K: number;
  N: number;
  a: string;
  b: string;
  out: Record<MatmulProfile, string>;
}
interface LoadedBlas {
  libraries: string[];
  openblas?: { config: string; corename: string; threads: number };
}
interface SamplerCase {
  name: string;
  inputs: FixtureInputs;
  results: Record<MatmulProfile, FixtureResult>;
}
interface MatmulFixture {
  torch: string;
  blas: Record<MatmulProfile, LoadedBlas>;
  cases: MatmulCase[];
}
interface SamplerFixture {
  torch: string;
  blas: Record<MatmulProfile, LoadedBlas>;
  cases: SamplerCase[];
}

/** float32 values from 8 hex digits (big-endian bit pattern) each, concatenated. */
function fromHex(text: string): Float32Array {
  const out = new Float32Array(text.length / 8);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < out.length; i++) bits[i] = parseInt(text.slice(8 * i, 8 * i + 8), 16);
  return out;
}

const hex = (v: number) => float32ToBits(v).toString(16).padStart(8, '0');

/** Checks our product against PyTorch's; a message naming the first differing element (NaNs count as equal). */
function assertProduct(profile: MatmulProfile, c: MatmulCase, label: string): void {
  const a = fromHex(c.a);
  const b = fromHex(c.b);
  const expected = fromHex(c.out[profile]);
  assert.equal(a.length, c.M * c.K);
  assert.equal(b.length, c.K * c.N);
  assertBits(matmulF32(profile, a, b, c.M, c.K, c.N), expected, c, label, profile);
}

function assertBits(
  ours: Float32Array,
  expected: Float32Array,
  c: MatmulCase,
  label: string,
  profile: MatmulProfile
): void {
  for (let i = 0; i < expected.length; i++) {
    const same =
      float32ToBits(ours[i]) === float32ToBits(expected[i]) || (Number.isNaN(ours[i]) && Number.isNaN(expected[i]));
    if (!same) {
      const [r, col] = [Math.floor(i / c.N), i % c.N];
      assert.fail(
        `${label} (${c.M}x${c.K})@(${c.K}x${c.N}) [${profile}]: element [${r}, ${col}] is ${ours[i]} (${hex(ours[i])}), PyTorch ${expected[i]} (${hex(expected[i])})`
      );
    }
  }
}

interface ThreadsCase {
  name: string;
  M: number;
  K: number;
  N: number;
  seed: number;
  inputs_sha256: string;
  out: Record<string, { hex?: string; sha256?: string }>;
}
interface ThreadsFixture {
  blas: Record<MatmulProfile, LoadedBlas>;
  threads: number[];
  cases: ThreadsCase[];
}

/** scripts/fixtures/matmul.py xorshift_f32: xorshift32 from seed, value = ((x >> 8) - 2^23) / 2^23. */
function xorshiftF32(seed: number, count: number): Float32Array {
  const out = new Float32Array(count);
  let x = seed >>> 0;
  for (let i = 0; i < count; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    out[i] = ((x >>> 8) - 2 ** 23) / 2 ** 23;
  }
  return out;
}

const sha256 = (v: Float32Array) =>
  createHash('sha256')
    .update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))
    .digest('hex');

const threadsFixture: ThreadsFixture = JSON.parse(readFileSync(path.join(FIXTURES, 'matmul', 'threads.json'), 'utf8'));
const matmulFixture: MatmulFixture = JSON.parse(readFileSync(path.join(FIXTURES, 'matmul', 'cases.json'), 'utf8'));
const samplerFixture: SamplerFixture = JSON.parse(readFileSync(path.join(FIXTURES, 'matmul', 'sampler.json'), 'utf8'));

describe('matmul profiles (bit for bit with PyTorch 1.13 on each BLAS)', () => {
  it('fixtures were made on the BLAS each profile names', () => {
    assert.ok(matmulFixture.blas.reference.libraries.some((p) => p.includes('/blas/libblas.so')));
    assert.ok(!matmulFixture.blas.reference.libraries.some((p) => p.includes('libopenblas')));
    const ob = matmulFixture.blas['openblas-haswell'].openblas;
    assert.ok(ob && ob.config.includes('OpenBLAS 0.3.21') && ob.corename === 'Haswell' && ob.threads === 1);
    assert.deepEqual(samplerFixture.blas, matmulFixture.blas);
  });

  it('fixtures cover the sampler shapes (d + 1, d) for d = 1..64 and shapes up to 70 and beyond', () => {
    const shapes = matmulFixture.cases.map((c) => [c.M, c.K, c.N]);
    for (let d = 1; d <= 64; d++)
      assert.ok(
        shapes.some(([, K, N]) => K === d + 1 && N === d),
        `d = ${d}`
      );
    for (let v = 1; v <= 40; v++) {
      assert.ok(
        shapes.some(([M]) => M === v),
        `M = ${v}`
      );
      assert.ok(
        shapes.some(([, K]) => K === v || v > 24),
        `K = ${v}`
      );
      assert.ok(
        shapes.some(([, , N]) => N === v),
        `N = ${v}`
      );
    }
    assert.ok(shapes.some(([M]) => M >= 1000) && shapes.some(([, K]) => K > 640) && shapes.some(([, , N]) => N > 640));
    // the two profiles really differ on these inputs, so each test below can fail for the other profile
    const differing = matmulFixture.cases.filter((c) => c.out.reference !== c.out['openblas-haswell']).length;
    assert.ok(differing > matmulFixture.cases.length / 2, `${differing} cases differ between the profiles`);
  });

  for (const profile of MATMUL_PROFILES) {
    it(`${profile}: every fixture case (${matmulFixture.cases.length} shapes, special values included)`, () => {
      for (const c of matmulFixture.cases) assertProduct(profile, c, c.name);
    });
  }

  it('fixtures of more threads were made by OpenBLAS running that many, and the thread count changes the bits', () => {
    assert.deepEqual(threadsFixture.blas, matmulFixture.blas);
    assert.deepEqual(threadsFixture.threads, [1, 2, 3, 4]);
    const changed = threadsFixture.cases.filter(
      (c) => c.out['2'].hex !== c.out['1'].hex || c.out['2'].sha256 !== c.out['1'].sha256
    );
    assert.ok(changed.length >= threadsFixture.cases.length / 2, `${changed.length} cases change with 2 threads`);
  });

  for (const threads of [1, 2, 3, 4]) {
    it(`openblas-haswell with ${threads} thread${threads > 1 ? 's' : ''}: every case of threads.json (OpenBLAS's multi-threaded partition)`, () => {
      for (const c of threadsFixture.cases) {
        const v = xorshiftF32(c.seed, c.M * c.K + c.K * c.N);
        assert.equal(sha256(v), c.inputs_sha256, `${c.name}: the inputs are not the ones PyTorch got`);
        const mm: MatmulCase = {
          name: c.name,
          M: c.M,
          K: c.K,
          N: c.N,
          a: '',
          b: '',
          out: { reference: '', 'openblas-haswell': '' }
        };
        const ours = matmulF32(
          'openblas-haswell',
          v.subarray(0, c.M * c.K),
          v.subarray(c.M * c.K),
          c.M,
          c.K,
          c.N,
          undefined,
          { threads }
        );
        const expected = c.out[String(threads)];
        if (expected.sha256)
          assert.equal(
            sha256(ours),
            expected.sha256,
            `${c.name} (${c.M}x${c.K})@(${c.K}x${c.N}), ${threads} threads: checksum`
          );
        else assertBits(ours, fromHex(expected.hex!), mm, `${c.name}, ${threads} threads`, 'openblas-haswell');
      }
    });
  }

  it('refuses arrays shorter than their shape and unknown profiles, in one line', () => {
    assert.throws(
      () => matmulF32('reference', new Float32Array(5), new Float32Array(6), 2, 3, 2),
      /^Error: matmul: a holds 5 values, \(2, 3\) needs 6$/
    );
    assert.throws(
      () => matmulF32('openblas-haswell', new Float32Array(6), new Float32Array(6), 2, 3, 2, new Float32Array(3)),
      /out holds 3 values/
    );
    assert.throws(
      () => matmulF32('openblas-haswell', new Float32Array(1), new Float32Array(1), 1, 1, 1, undefined, { threads: 0 }),
      /^Error: matmul: threads must be a whole number >= 1, got 0$/
    );
    assert.throws(
      () => matmulF32('mkl' as MatmulProfile, new Float32Array(1), new Float32Array(1), 1, 1, 1),
      /unknown profile "mkl" \(expected one of reference, openblas-haswell\)/
    );
  });
});

describe('sampler with a matmul profile (bit for bit with PyTorch 1.13 on each BLAS)', () => {
  for (const c of samplerFixture.cases) {
    for (const matmul of MATMUL_PROFILES) {
      it(`${c.name} [${matmul}]`, () => {
        assertMatchesPyTorch(
          toInputs(c.inputs),
          c.results[matmul],
          { profile: 'avx2-fma', matmul },
          `${c.name} [${matmul}]`
        );
      });
    }
  }

  it("compare keeps the run's matmul profile when it searches the RNG profiles", () => {
    const c = samplerFixture.cases.find((x) => x.name.startsWith('d = 8'))!;
    const inputs = toInputs(c.inputs);
    const pytorch = fromBits(c.results['openblas-haswell'].sample!); // PyTorch: RNG on its AVX2 kernel, OpenBLAS matmul
    const rows: string[] = [];
    for (let i = 0; i < inputs.n; i++)
      rows.push(
        `[${Array.from(pytorch.subarray(i * inputs.d, (i + 1) * inputs.d), formatFloat32Shortest).join(', ')}]`
      );
    const run = runSampler(inputs, { profile: 'scalar', matmul: 'openblas-haswell', record: { kind: 'none' } });
    const comparison = compareRun(inputs, run, `[${rows.join(', ')}]`);
    assert.equal(comparison.matches, false);
    assert.deepEqual(comparison.profileSearch, { tried: ['scalar', 'avx2-fma', 'avx2'], matching: ['avx2-fma'] });
  });

  it('records the matmul profile in the run', () => {
    const inputs = toInputs(samplerFixture.cases[0].inputs);
    assert.equal(runSampler(inputs, { matmul: 'openblas-haswell' }).inputs.matmul, 'openblas-haswell');
    assert.equal(runSampler(inputs).inputs.matmul, 'reference');
  });
});

// ---------------------------------------------------------------- live

const LIBDIR = '/usr/lib/x86_64-linux-gnu';

function liveMissing(): string | null {
  const python = pythonModulesMissing(['torch', 'numpy']);
  if (python) return python;
  if (!existsSync(`${LIBDIR}/openblas-pthread/libblas.so.3`))
    return `OpenBLAS missing (${LIBDIR}/openblas-pthread; apt-get install libopenblas0-pthread)`;
  if (!existsSync(`${LIBDIR}/blas/libblas.so.3`))
    return `the reference BLAS missing (${LIBDIR}/blas; apt-get install libblas3)`;
  return null;
}

describe('matmul profiles: live against PyTorch on each BLAS (fresh random shapes)', function () {
  this.timeout(180000);
  let missing: string | null = null;
  before(function () {
    missing = liveMissing();
  });

  it('random shapes up to 79 and a random sampler run, both profiles', function () {
    if (missing) this.skip(); // reported as pending; the reason is printed below
    const seed = Math.floor(Math.random() * 2 ** 31);
    const r = spawnSync(PYTHON, [path.join(ROOT, 'scripts', 'fixtures', 'matmul.py'), '--live', '40', String(seed)], {
      encoding: 'utf8',
      timeout: 150000,
      maxBuffer: 1 << 28
    });
    assert.equal(r.status, 0, `matmul.py --live failed: ${r.stderr}`);
    const live: { cases: MatmulCase[]; sampler: SamplerCase[] } = JSON.parse(r.stdout);
    assert.equal(live.cases.length, 40);
    for (const profile of MATMUL_PROFILES) {
      for (const c of live.cases) assertProduct(profile, c, `${c.name} (python seed ${seed})`);
      for (const c of live.sampler) {
        assertMatchesPyTorch(
          toInputs(c.inputs),
          c.results[profile],
          { profile: 'avx2-fma', matmul: profile },
          `${c.name} (python seed ${seed}) [${profile}]`
        );
      }
    }
  });

  after(function () {
    if (missing) console.log(`      (skipped: ${missing})`);
  });
});
