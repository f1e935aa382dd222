// The four-part verdict on PyTorch's own states: whole sampler runs of Debian's PyTorch 1.13.1 on the reference BLAS
// and on OpenBLAS (Haswell kernels, one thread), recorded by scripts/fixtures/matmul.py (test/fixtures/matmul/
// sampler.json), fed to the verdict as the harness would report them. Then the RunResult carrying the check through
// the codec and the "Local PyTorch" view's model.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HarnessRun } from '../../../../src/core/check/harness';
import { checkAgainstTorch, withTorchCheck } from '../../../../src/core/check/verdict';
import { decodeRunResult, encodeRunResult } from '../../../../src/core/run/runCodec';
import { nextUpF32 } from '../../../../src/core/float32';
import { randnSeeded } from '../../../../src/core/rng/randn';
import { runSampler } from '../../../../src/core/sampler/sampler';
import type { MatrixF32, SamplerInputs } from '../../../../src/core/types';
import { pytorchViewModel } from '../../../../renderer/views/pytorch/pytorchModel';
import { viewsFor } from '../../../../renderer/runModel';
import { fromBits } from '../../helpers/bits';
import { FIXTURES } from '../../helpers/paths';
import { toInputs, type SamplerFixture } from '../../helpers/samplerFixture';

const fixture: SamplerFixture = JSON.parse(readFileSync(path.join(FIXTURES, 'matmul', 'sampler.json'), 'utf8'));
const cases = fixture.cases.filter((c) => c.results.reference.trajectory && c.inputs.shape[1] >= 8);

function harnessRun(
  bitsRun: NonNullable<SamplerFixture['cases'][number]['results'][string]['trajectory']>,
  n: number,
  d: number,
  blas: string,
  loaded: { coreName?: string | null; version?: string | null } = {}
): HarnessRun {
  const m = (bits: number[]): MatrixF32 => ({ rows: n, cols: d, data: fromBits(bits) });
  return {
    init: m(bitsRun[0].x),
    steps: bitsRun.map((s) => ({ t: s.t, x: m(s.x), eps: m(s.eps), z: s.z ? m(s.z) : null, xPrev: m(s.x_prev) })),
    sample: m(bitsRun[bitsRun.length - 1].x_prev),
    machine: {
      torch: '1.13.1',
      cpuCapability: 'AVX2',
      atenCpuCapability: null,
      cpuFlags: null,
      builtBlas: 'generic',
      loadedBlas: {
        library: blas,
        path: null,
        version: loaded.version ?? null,
        threads: 1,
        coreName: loaded.coreName ?? null,
        source: 'fixture'
      },
      platform: null,
      machine: null,
      libc: null,
      python: null
    }
  };
}

describe('check: the verdict on PyTorch runs (fixtures)', () => {
  it('has cases where the two BLAS give different predicted noise', () => assert.ok(cases.length >= 2));

  for (const c of cases) {
    for (const blas of ['reference', 'openblas-haswell'] as const) {
      it(`${c.name}, PyTorch on ${blas}: every part exact, profiles avx2-fma + ${blas}`, () => {
        const inputs = toInputs(c.inputs);
        const [n, d] = c.inputs.shape;
        const { verdict } = checkAgainstTorch(inputs, harnessRun(c.results[blas].trajectory!, n, d, blas));
        assert.deepEqual(verdict.profile, { rng: 'avx2-fma', matmul: blas });
        assert.deepEqual(verdict.matmul.matching, [blas]);
        assert.ok(verdict.rng.exact && verdict.stepArithmetic.exact && verdict.final.bitwiseEqual, verdict.summary);
        assert.equal(verdict.firstDifferentT, null);
      });
    }
  }

  it('OpenBLAS on kernels other than Haswell: part (3) says to set OPENBLAS_CORETYPE=Haswell; the headline names it once', () => {
    const c = cases[cases.length - 1];
    const inputs = toInputs(c.inputs);
    const [n, d] = c.inputs.shape;
    // PyTorch's states on OpenBLAS's Haswell kernels, said to come from its Cooperlake ones: part (3) is exact for
    // these inputs, and says that the Cooperlake kernels give those bits here but not for all
    const config = 'OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64';
    const { verdict } = checkAgainstTorch(
      inputs,
      harnessRun(c.results['openblas-haswell'].trajectory!, n, d, 'openblas', {
        coreName: 'Cooperlake',
        version: config
      })
    );
    const part3 = verdict.summary.split('\n').find((l) => l.startsWith('(3)'))!;
    assert.match(
      part3,
      /; OpenBLAS runs its Cooperlake kernels here, which give the Haswell kernels' bits for these inputs but not for all: run PyTorch with OPENBLAS_CORETYPE=Haswell in the environment to compare with it$/
    );
    // (no threadpoolctl: the version is OpenBLAS's config string, which names the library; named once)
    assert.match(
      verdict.summary,
      /BLAS OpenBLAS 0\.3\.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64 \(Cooperlake, 1 thread\)\)/
    );
    // states the reference profile reproduces: nothing said of OpenBLAS's kernels
    const ref = checkAgainstTorch(
      inputs,
      harnessRun(c.results.reference.trajectory!, n, d, 'openblas', { coreName: 'Cooperlake' })
    ).verdict;
    assert.deepEqual(ref.matmul.matching, ['reference']);
    assert.doesNotMatch(ref.summary, /Cooperlake kernels here/);
    // states no profile reproduces (one predicted noise value moved by an ulp): the advice
    const run = harnessRun(c.results['openblas-haswell'].trajectory!, n, d, 'openblas', { coreName: 'Cooperlake' });
    run.steps[0].eps.data[0] = nextUpF32(run.steps[0].eps.data[0]);
    const off = checkAgainstTorch(inputs, run).verdict;
    assert.equal(off.matmul.exact, false);
    assert.match(
      off.summary,
      /; OpenBLAS runs its Cooperlake kernels here, and openblas-haswell reproduces its Haswell kernels: run PyTorch with OPENBLAS_CORETYPE=Haswell/
    );
  });

  it('forcing the other matmul: part (3) names how far, part (4) differs from the first step that does', () => {
    const c = cases[cases.length - 1];
    const inputs = toInputs(c.inputs);
    const [n, d] = c.inputs.shape;
    const { verdict } = checkAgainstTorch(
      inputs,
      harnessRun(c.results['openblas-haswell'].trajectory!, n, d, 'openblas'),
      { matmul: 'reference' }
    );
    assert.equal(verdict.matmul.byProfile.reference.differing > 0, true);
    assert.equal(verdict.final.bitwiseEqual, false);
    assert.equal(
      verdict.firstDifferentT,
      inputs.betas.length - 1,
      'the first step already differs (its predicted noise)'
    );
    assert.match(
      verdict.summary,
      /\(4\) final sample: .* differ, at most \d+ ulps; first difference at t = \d+ \(ours with avx2-fma \+ reference\)/
    );
    // a check that does not reproduce PyTorch still says which profile does, in part (3)
    assert.match(verdict.summary, /\(3\) matmul: bit for bit, matmul profile openblas-haswell/);
  });

  it('a value NaN in PyTorch and a number in ours: counted in nanMismatches, every maxUlps stays a finite number', async () => {
    const { verdictJson } = await import('../../../../src/cli/check');
    const c = cases[0];
    const inputs = toInputs(c.inputs);
    const [n, d] = c.inputs.shape;
    const py = harnessRun(c.results.reference.trajectory!, n, d, 'reference');
    py.steps[0].eps.data[0] = NaN; // one BLAS's NaN where the other gives inf (w_model near +-3e38)
    py.sample.data[2] = NaN;
    const { verdict } = checkAgainstTorch(inputs, py);
    const v = JSON.parse(verdictJson(verdict, 'python3'));
    assert.equal(v.matmulMaxUlps, 0);
    assert.equal(v.matmul.nanMismatches, 1);
    assert.equal(v.final.nanMismatches, 1);
    assert.equal(v.stepArithmetic.nanMismatches, 1); // our x_{t-1} from the NaN noise against PyTorch's number
    for (const u of [v.matmulMaxUlps, v.final.maxUlps, v.stepArithmetic.maxUlps, v.matmul.byProfile.reference.maxUlps])
      assert.ok(Number.isFinite(u), `a maxUlps of ${u}`);
    assert.match(
      verdict.summary,
      /\(3\) matmul: no matmul profile .*at most 0 ulps; 1 value is NaN in one and not the other\)/
    );
    assert.match(verdict.summary, /\(4\) final sample: .*at most 0 ulps; 1 value is NaN in one and not the other/);
    assert.doesNotMatch(verdict.summary, /Infinity/);
  });

  it('one value: "1 value of 6,400 differs, at most 1 ulp", thousands separated', () => {
    const c = cases[cases.length - 1];
    const inputs = toInputs(c.inputs);
    const [n, d] = c.inputs.shape;
    const py = harnessRun(c.results.reference.trajectory!, n, d, 'reference');
    const i = py.sample.data.length - 1;
    py.sample.data[i] = nextUpF32(py.sample.data[i]); // PyTorch's sample one ulp away in one value
    const { verdict } = checkAgainstTorch(inputs, py);
    const compared = (n * d).toLocaleString('en-US');
    assert.match(
      verdict.summary,
      new RegExp(`\\(4\\) final sample: 1 value of ${compared} differs, at most 1 ulp \\(ours`)
    );
  });

  it('the run with its check survives the codec, and the view shows it first with four labelled parts', () => {
    const c = cases[0];
    const inputs = toInputs(c.inputs);
    const [n, d] = c.inputs.shape;
    const py = harnessRun(c.results['openblas-haswell'].trajectory!, n, d, 'openblas');
    const { verdict, ours } = checkAgainstTorch(inputs, py, { matmul: 'reference' });
    const run = decodeRunResult(
      JSON.parse(JSON.stringify(encodeRunResult(withTorchCheck(ours, verdict, py, '/usr/bin/python3'))))
    );
    assert.deepEqual(Array.from(run.torchCheck!.torchSample.data), Array.from(py.sample.data));
    assert.equal(viewsFor(run).initial, 'pytorch');
    const model = pytorchViewModel(run)!;
    assert.deepEqual(
      model.parts.map((p) => p.label),
      ['random stream', 'step arithmetic', 'matmul', 'final sample']
    );
    assert.deepEqual(
      model.parts.map((p) => p.exact),
      [true, true, true, false]
    );
    assert.match(model.firstDifference, /^First difference: step t = \d+$/);
    assert.equal(model.ulps.t.length, inputs.betas.length);
    assert.ok(model.ulps.maxUlps.some((u) => u > 0));
    assert.equal(model.overlay.filter((tr) => tr.source === 'pytorch').length, Math.min(4, n) * Math.min(2, d));
  });
});

describe('check: a tie between profiles names the one the machine points at', () => {
  // N x d = 6 < 16 values: randn's scalar path in every RNG profile; K = d + 1 = 3 and exact products: both BLAS agree
  const betas = Float32Array.from([0.0001, 0.01, 0.02]);
  let p = 1;
  const inputs: SamplerInputs = {
    wModel: { rows: 3, cols: 2, data: Float32Array.from([0.5, 0, 0, 0.25, 0, 0]) }, // exact products: no order shows
    n: 3,
    d: 2,
    betas,
    alphaBar: betas.map((b) => (p = Math.fround(p * Math.fround(1 - b)))),
    seed: 7n
  };

  /** PyTorch's run as the harness would report it on a machine with these facts (states from our own sampler). */
  function tiny(cpuCapability: string, library: string): HarnessRun {
    const run = runSampler(inputs, { profile: 'scalar', matmul: 'reference', record: { kind: 'all' } });
    const fixtureMachine = harnessRun(
      [{ t: 0, x: [], eps: [], z: null, x_prev: [] }] as unknown as Parameters<typeof harnessRun>[0],
      0,
      0,
      library
    ).machine;
    return {
      init: { rows: 3, cols: 2, data: randnSeeded(inputs.seed, 6, 'scalar') },
      steps: run.trajectory.steps.map((s) => ({ t: s.t, x: s.x, eps: s.eps, z: s.z, xPrev: s.xPrev })),
      sample: run.sample,
      machine: { ...fixtureMachine, cpuCapability }
    };
  }

  it('ATEN_CPU_CAPABILITY=default ("NO AVX") and OpenBLAS loaded: scalar + openblas-haswell, the tie said', () => {
    const { verdict } = checkAgainstTorch(inputs, tiny('NO AVX', 'openblas'));
    assert.equal(verdict.rng.matching.length, 3, 'the RNG profiles tie');
    assert.equal(verdict.matmul.matching.length, 2, 'the matmul profiles tie');
    assert.deepEqual(verdict.profile, { rng: 'scalar', matmul: 'openblas-haswell' });
    assert.deepEqual(verdict.final, { ...verdict.final, rng: 'scalar', matmul: 'openblas-haswell' });
    assert.match(
      verdict.summary,
      /\(1\) random stream: bit for bit, RNG profiles scalar, avx2-fma, avx2 alike \(these inputs do not tell them apart; scalar named, as CPU capability NO AVX\)/
    );
    assert.match(
      verdict.summary,
      /\(3\) matmul: bit for bit, matmul profiles openblas-haswell, reference alike \(these inputs do not tell them apart; openblas-haswell named, as OpenBLAS is loaded\)/
    );
  });

  it('AVX2 and the reference BLAS: avx2-fma + reference, as before', () => {
    const { verdict } = checkAgainstTorch(inputs, tiny('AVX2', 'blas'));
    assert.deepEqual(verdict.profile, { rng: 'avx2-fma', matmul: 'reference' });
    assert.equal(checkAgainstTorch(inputs, tiny('DEFAULT', 'blas')).verdict.profile.rng, 'scalar');
  });
});

describe('check: pytorch() in a notebook cell', () => {
  it("asks its host for a local PyTorch run of the cell inputs; compare(pytorch()) diffs the last sample() with PyTorch's sample", async () => {
    const { CellSession, runCellSync } = await import('../../../../src/core/notebook/cellLanguage/interpreter');
    const { directHost } = await import('../../helpers/cellLanguage');
    const c = cases[0]; // the two BLAS give different samples here
    const inputs = toInputs(c.inputs);
    const [n, d] = c.inputs.shape;
    const w = Array.from(inputs.wModel.data);
    const cells = [
      `w_model = ${JSON.stringify(Array.from({ length: d + 1 }, (_, r) => w.slice(r * d, (r + 1) * d)))}`,
      `shape = [${n}, ${d}]`,
      `betas = ${JSON.stringify(Array.from(inputs.betas))}`,
      `alpha_bar = ${JSON.stringify(Array.from(inputs.alphaBar))}`,
      `seed = ${c.inputs.seed}`
    ];
    const requests: string[] = [];
    const host = (blas: 'reference' | 'openblas-haswell') => (req: Parameters<typeof directHost>[0]) => {
      requests.push(req.kind);
      if (req.kind !== 'pytorch') return directHost(req);
      const py = harnessRun(c.results[blas].trajectory!, n, d, blas);
      // our side of the check forced to the reference BLAS: the checked run's own sample is then not PyTorch's
      const { verdict, ours } = checkAgainstTorch(req.inputs, py, { matmul: 'reference' });
      return withTorchCheck(ours, verdict, py, 'python3');
    };
    for (const blas of ['reference', 'openblas-haswell'] as const) {
      const s = new CellSession();
      const defaults = { profile: 'avx2-fma' as const, record: { kind: 'all' as const } };
      for (const cell of cells) runCellSync(s, cell, 'ddpm', defaults, host(blas));
      runCellSync(s, 'sample()', 'ddpm', defaults, host(blas));
      const [shown] = runCellSync(s, 'pytorch()', 'ddpm', defaults, host(blas));
      assert.ok(shown.kind === 'run' && shown.run.torchCheck, 'pytorch() shows the checked run');
      const [out] = runCellSync(s, 'compare(pytorch())', 'ddpm', defaults, host(blas));
      assert.ok(out.kind === 'run' && out.run.comparison);
      if (out.kind !== 'run') return;
      assert.equal(out.run.comparison!.bitwiseEqual, blas === 'reference', `${blas}: ${out.run.comparison!.summary}`);
    }
    assert.ok(requests.includes('pytorch') && requests.includes('compare'));
  });
});
