// The sampler against real PyTorch (test/fixtures/sampler/sampler.json, made by scripts/fixtures/sampler.py):
// final samples and per-step trajectories bit for bit, for both kernels of PyTorch we can run here.
import { strict as assert } from 'node:assert';
import { FIXTURES } from '../../helpers/paths';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readInputs } from '../../../../src/core/sampler/inputs';
import { DEFAULT_TRAJECTORY_BUDGET_BYTES, trajectoryStepBytes } from '../../../../src/core/sampler/limits';
import { recordedStepIndices, runSampler } from '../../../../src/core/sampler/sampler';
import { samplerUsesWasm } from '../../../../src/core/sampler/samplerWasm';
import { matmulRowsF32 } from '../../../../src/core/sampler/stepWorkspace';
import type { RngProfile } from '../../../../src/core/types';
import { assertMatchesPyTorch, toInputs, type SamplerFixture } from '../../helpers/samplerFixture';
import { seedInputsText } from '../../helpers/seedExample';

const fixture: SamplerFixture = JSON.parse(readFileSync(path.join(FIXTURES, 'sampler', 'sampler.json'), 'utf8'));

describe('sampler (bit for bit with PyTorch 1.13 on the CPU)', () => {
  it('has fixtures for both kernels, covering the required cases', () => {
    assert.ok(fixture.cases.length >= 20);
    for (const c of fixture.cases) assert.deepEqual(Object.keys(c.results).sort(), ['avx2-fma', 'scalar']);
    const names = fixture.cases.map((c) => c.name).join('\n');
    for (const needed of [
      'T = 1',
      'T = 1000',
      'N*d = 15',
      'N*d = 16',
      'N*d = 17',
      'cosine',
      'custom',
      'not cumprod',
      'seed 0',
      'seed -1',
      `seed ${2n ** 63n + 7n}`,
      'overflow'
    ]) {
      assert.ok(names.includes(needed), `a case for ${needed}`);
    }
  });

  for (const c of fixture.cases) {
    for (const profile of Object.keys(c.results) as RngProfile[]) {
      it(`${c.name} [${profile}]`, () => {
        assertMatchesPyTorch(toInputs(c.inputs), c.results[profile], { profile }, `${c.name} [${profile}]`);
      });
    }
  }

  for (const kernel of ['wasm', 'js'] as const) {
    it(`the ${kernel === 'js' ? 'plain-JS' : 'WebAssembly SIMD'} kernel alone gives PyTorch's bits too (every case)`, () => {
      for (const c of fixture.cases) {
        for (const profile of ['avx2-fma', 'scalar'] as const) {
          if (kernel === 'js' && (c.results[profile].sha256 || c.inputs.betas.length > 100)) continue; // slow in plain JS
          assertMatchesPyTorch(
            toInputs(c.inputs),
            c.results[profile],
            { profile, kernel },
            `${c.name} [${profile}, ${kernel} kernel]`
          );
        }
      }
    });
  }

  it('matmul: sums in order from +0, each product rounded to float32 (-0 products give +0)', () => {
    // x = [[-0, -0]] (d = 2, dp = 4), t/T = -0 (only to make every product -0), W all -0 or 1
    const x = new Float32Array([-0, -0, 0, 0]);
    const w = new Float32Array([-0, 1, 0, 0, -0, 1, 0, 0, -0, 1, 0, 0]);
    const out = new Float32Array(4);
    matmulRowsF32(x, w, out, 1, 2, 4, -0);
    assert.ok(Object.is(out[0], 0), 'a sum of -0 products is +0 (it starts from +0)');
    assert.ok(Object.is(out[1], 0));
  });

  it('the WebAssembly kernel compiles here (so the fixtures above checked it)', () => {
    assert.equal(typeof WebAssembly, 'object');
    const run = runSampler(toInputs(fixture.cases[0].inputs), { record: { kind: 'none' } });
    assert.equal(run.sample.rows, 4);
    assert.ok(samplerUsesWasm(), 'the sampler fell back to the JS kernel');
  });

  it('the seed example as read from media/examples/seed.inputs.json equals its fixture', () => {
    const text = seedInputsText;
    const { inputs, warnings } = readInputs(JSON.parse(text));
    assert.deepEqual(warnings, []);
    const c = fixture.cases.find((x) => x.name === 'seed example')!;
    assertMatchesPyTorch(inputs, c.results['avx2-fma'], {}, 'seed example from JSON');
  });
});

describe('sampler: schedule, warnings, recording, stopping', () => {
  const small = toInputs(fixture.cases.find((c) => c.name.startsWith('N*d = 17 ('))!.inputs);
  const T = small.betas.length;

  it('reports whether alpha_bar equals cumprod(1 - betas), with a warning when not', () => {
    const same = runSampler(small, { record: { kind: 'none' } });
    assert.equal(same.schedule.alphaBarMatchesCumprod, true);
    assert.equal(same.schedule.maxAlphaBarDiff, 0);
    assert.deepEqual(same.warnings, []);
    const other = toInputs(fixture.cases.find((c) => c.name.includes('not cumprod'))!.inputs);
    const run = runSampler(other, { record: { kind: 'none' } });
    assert.equal(run.schedule.alphaBarMatchesCumprod, false);
    assert.ok(run.schedule.maxAlphaBarDiff > 0);
    assert.match(run.warnings.join('\n'), /^alpha_bar: differs from cumprod\(1 - betas\)/m);
  });

  it('keeps only the first T values of a longer alpha_bar in the schedule', () => {
    const longer = toInputs(fixture.cases.find((c) => c.name.includes('longer'))!.inputs);
    const run = runSampler(longer, { record: { kind: 'none' } });
    assert.equal(run.schedule.alphaBar.length, longer.betas.length);
    assert.ok(longer.alphaBar.length > longer.betas.length);
  });

  it('carries input warnings without duplicates', () => {
    const run = runSampler(small, { record: { kind: 'none' }, inputWarnings: ['w', 'w'] });
    assert.deepEqual(run.warnings, ['w']);
  });

  it('records every k-th step (and the last), or none, with the same values as recording all', () => {
    const all = runSampler(small, { record: { kind: 'all' } });
    assert.equal(all.trajectory.steps.length, T);
    assert.deepEqual(
      all.trajectory.steps.map((s) => s.t),
      Array.from({ length: T }, (_, i) => T - 1 - i)
    );
    for (let i = 0; i + 1 < T; i++)
      assert.deepEqual(all.trajectory.steps[i].xPrev.data, all.trajectory.steps[i + 1].x.data);
    assert.deepEqual(all.trajectory.steps[T - 1].xPrev.data, all.sample.data);
    assert.equal(all.trajectory.steps[T - 1].z, null);
    const every = runSampler(small, { record: { kind: 'every', k: 4 } });
    const ts = every.trajectory.steps.map((s) => s.t);
    assert.deepEqual(
      ts,
      [T - 1, T - 5, T - 9, 0].filter((t, i, a) => t >= 0 && a.indexOf(t) === i)
    );
    for (const s of every.trajectory.steps) assert.deepEqual(s, all.trajectory.steps[T - 1 - s.t]);
    const none = runSampler(small, { record: { kind: 'none' } });
    assert.equal(none.trajectory.steps.length, 0);
    assert.deepEqual(none.sample.data, all.sample.data);
  });

  it('keeps fewer steps, evenly and with a note, when the budget is too small', () => {
    const perStep = trajectoryStepBytes(small.n, small.d);
    const run = runSampler(small, { record: { kind: 'all' }, maxTrajectoryBytes: perStep * 4 });
    assert.equal(run.trajectory.steps.length, 4);
    assert.equal(run.trajectory.steps[0].t, T - 1);
    assert.equal(run.trajectory.steps[3].t, 0);
    assert.match(run.trajectory.note ?? '', /kept 4 of the 10 requested steps/);
    const tiny = runSampler(small, { record: { kind: 'all' }, maxTrajectoryBytes: perStep - 1 });
    assert.equal(tiny.trajectory.steps.length, 0);
    assert.match(tiny.trajectory.note ?? '', /kept no steps/);
  });

  it('bounds the trajectory of T = 1000 with large N*d by the default budget', () => {
    const perStep = trajectoryStepBytes(1024, 64);
    const plan = recordedStepIndices(1000, { kind: 'all' }, perStep, DEFAULT_TRAJECTORY_BUDGET_BYTES);
    assert.ok(plan.indices.length * perStep <= DEFAULT_TRAJECTORY_BUDGET_BYTES);
    assert.ok(plan.indices.length >= 2);
    assert.equal(plan.indices[0], 0);
    assert.equal(plan.indices[plan.indices.length - 1], 999);
    assert.ok(plan.note);
  });

  it('calls onStep for t = T-1 down to 0 and stops between steps with an AbortError', () => {
    const seen: number[] = [];
    runSampler(small, { record: { kind: 'none' }, onStep: (t) => seen.push(t) });
    assert.deepEqual(
      seen,
      Array.from({ length: T }, (_, i) => T - 1 - i)
    );
    let calls = 0;
    assert.throws(
      () => runSampler(small, { record: { kind: 'none' }, shouldStop: () => ++calls > 3 }),
      (e: Error) => e.name === 'AbortError'
    );
    assert.equal(calls, 4);
  });

  it('fills the run summary', () => {
    const run = runSampler(small, { profile: 'scalar', record: { kind: 'none' } });
    assert.equal(run.schema, 'ddpm-lab.run/1');
    assert.deepEqual(run.inputs, {
      n: small.n,
      d: small.d,
      T,
      seed: small.seed.toString(),
      profile: 'scalar',
      matmul: 'reference'
    });
    assert.ok(run.timing.elapsedMs >= 0);
    assert.ok(!Number.isNaN(Date.parse(run.timing.finishedAt)));
  });
});
