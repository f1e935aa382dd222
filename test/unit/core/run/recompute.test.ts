// Recomputing a run's trajectory in the view (src/core/run/recompute.ts): a run that carries its inputs instead
// of its steps must give back, in the view, exactly the steps the worker would have sent (bit for bit, with the
// WebAssembly kernel and with the plain-JS one a strict content security policy falls back to), and a run whose
// carried sample was altered must fail with one line, not draw a trajectory that is not the run's.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../helpers/paths';
import { decodeRunResult, encodeRunResult } from '../../../../src/core/run/runCodec';
import {
  carriedInputs,
  firstBitDifference,
  needsRecompute,
  recomputeTrajectory
} from '../../../../src/core/run/recompute';
import { executeRequest } from '../../../../src/extension/sampleJob';
import type { WorkerRequest } from '../../../../src/extension/workerProtocol';
import type { MatrixF32, RunResult } from '../../../../src/core/types';

const exampleJson = JSON.parse(readFileSync(path.join(ROOT, 'media', 'examples', 'seed.inputs.json'), 'utf8'));

function sample(req: Partial<Extract<WorkerRequest, { op: 'sample' }>>): RunResult {
  const reply = executeRequest({
    op: 'sample',
    inputs: exampleJson,
    profile: 'avx2-fma',
    record: { kind: 'all' },
    ...req
  } as WorkerRequest);
  assert.equal(reply.type, 'result', reply.type === 'error' ? reply.message : '');
  // through the real channel: encode, JSON text, parse, decode
  return decodeRunResult(JSON.parse(JSON.stringify((reply as { run: unknown }).run)));
}

function bits(m: MatrixF32 | null): number[] | null {
  return m ? Array.from(new Uint32Array(m.data.buffer, m.data.byteOffset, m.data.length)) : null;
}

function assertSameSteps(ours: RunResult, worker: RunResult): void {
  assert.equal(ours.trajectory.steps.length, worker.trajectory.steps.length);
  ours.trajectory.steps.forEach((s, i) => {
    const w = worker.trajectory.steps[i];
    assert.equal(s.t, w.t);
    for (const k of ['x', 'eps', 'mean', 'z', 'xPrev'] as const)
      assert.deepEqual(bits(s[k]), bits(w[k]), `step t = ${s.t}: ${k}`);
  });
}

describe('recompute: the view computes the steps the worker no longer sends', () => {
  it('a deferred run carries the weights, no steps, and is small', () => {
    const reply = executeRequest({
      op: 'sample',
      inputs: exampleJson,
      profile: 'avx2-fma',
      record: { kind: 'all' },
      deferTrajectory: true
    });
    assert.equal(reply.type, 'result');
    const run = decodeRunResult(JSON.parse(JSON.stringify((reply as { run: unknown }).run)));
    assert.equal(run.trajectory.recompute, true);
    assert.equal(run.trajectory.steps.length, 0);
    assert.deepEqual(run.trajectory.policy, { kind: 'all' });
    assert.ok(needsRecompute(run));
    const inputs = carriedInputs(run);
    assert.deepEqual(Array.from(inputs.wModel.data), exampleJson.w_model.flat().map(Math.fround));
    assert.equal(inputs.seed, BigInt(exampleJson.seed));
  });

  for (const kernel of ['wasm', 'js'] as const) {
    it(`recomputed steps equal the worker's recorded steps bit for bit (${kernel} kernel)`, () => {
      const worker = sample({});
      const deferred = sample({ deferTrajectory: true });
      assert.deepEqual(bits(deferred.sample), bits(worker.sample));
      const ours = recomputeTrajectory(deferred, { kernel });
      assert.equal(ours.trajectory.recompute, undefined);
      assert.equal(ours.trajectory.steps.length, exampleJson.betas.length);
      assertSameSteps(ours, worker);
    });
  }

  it('keeps the recording policy: every k-th step, as the worker would have', () => {
    const policy = { kind: 'every' as const, k: 7 };
    const worker = sample({ record: policy });
    const ours = recomputeTrajectory(sample({ record: policy, deferTrajectory: true }));
    assert.ok(ours.trajectory.steps.length < exampleJson.betas.length);
    assertSameSteps(ours, worker);
  });

  it("states first (what the views do): every field of every step equals the worker's, eps, mean and z computed when read", () => {
    for (const policy of [{ kind: 'all' as const }, { kind: 'every' as const, k: 3 }]) {
      const worker = sample({ record: policy });
      const ours = recomputeTrajectory(sample({ record: policy, deferTrajectory: true }), { statesFirst: true });
      assertSameSteps(ours, worker);
    }
    // thinned to a budget: the same steps are kept in both recordings
    const T = 60;
    const betas = Array.from({ length: T }, (_, i) => Math.fround(1e-4 + (0.02 * i) / T));
    let prod = 1;
    const long = {
      ...exampleJson,
      betas,
      alpha_bar: betas.map((b) => (prod = Math.fround(prod * Math.fround(1 - b))))
    };
    const budget = 9 * 20 * 4 * 2; // nine steps of N = 4, d = 2 (five float32 matrices each)
    const worker = sample({ inputs: long, maxTrajectoryBytes: budget });
    assert.equal(worker.trajectory.steps.length, 9);
    const ours = recomputeTrajectory(sample({ inputs: long, deferTrajectory: true }), {
      statesFirst: true,
      maxTrajectoryBytes: budget
    });
    assertSameSteps(ours, worker);
  });

  it('keeps a comparison and the warnings the host added', () => {
    const run = sample({ deferTrajectory: true });
    run.warnings = ['a warning from the host'];
    const ours = recomputeTrajectory(run);
    assert.deepEqual(ours.warnings, ['a warning from the host']);
  });

  it('a tampered carried sample gives a one-line error naming the element', () => {
    const run = sample({ deferTrajectory: true });
    const i = 5;
    run.sample.data[i] = Math.fround(run.sample.data[i] + 1);
    const { cols } = run.sample;
    assert.throws(
      () => recomputeTrajectory(run),
      (e: Error) => {
        assert.equal(e.message.split('\n').length, 1);
        assert.match(
          e.message,
          new RegExp(
            `^sample: the recomputed run differs from the carried sample at \\[${Math.floor(i / cols)}, ${i % cols}\\]`
          )
        );
        return true;
      }
    );
  });

  it('tampered weights give the same one-line error (the recomputed sample moves)', () => {
    const run = sample({ deferTrajectory: true });
    run.inputs.wModel!.data[0] = Math.fround(run.inputs.wModel!.data[0] * 1.5);
    assert.throws(() => recomputeTrajectory(run), /^Error: sample: the recomputed run differs/);
  });

  it('a run without the flag is returned as it is (old saved notebooks)', () => {
    const run = sample({});
    assert.equal(recomputeTrajectory(run), run);
  });

  it('firstBitDifference tells -0 from +0 and lets NaN equal NaN', () => {
    assert.equal(firstBitDifference(new Float32Array([1, 0]), new Float32Array([1, -0])), 1);
    assert.equal(
      firstBitDifference(
        new Float32Array([NaN, 2]),
        new Float32Array([new Float32Array(new Uint32Array([0xffc00000]).buffer)[0], 2])
      ),
      -1
    );
    assert.equal(firstBitDifference(new Float32Array([1, 2]), new Float32Array([1, 2])), -1);
  });
});

describe('runCodec: the carried inputs', () => {
  it('round-trips inputs.wModel and trajectory.recompute', () => {
    const run = sample({ deferTrajectory: true });
    const back = decodeRunResult(JSON.parse(JSON.stringify(encodeRunResult(run))));
    assert.deepEqual(bits(back.inputs.wModel!), bits(run.inputs.wModel!));
    assert.equal(back.trajectory.recompute, true);
  });

  it('a run without them (written before) still decodes', () => {
    const json = JSON.parse(JSON.stringify(encodeRunResult(sample({ record: { kind: 'none' } }))));
    assert.equal(json.inputs.wModel, undefined);
    assert.equal(decodeRunResult(json).trajectory.recompute, undefined);
  });

  it('recompute without the weights, or weights of the wrong shape, fail in one line naming inputs.wModel', () => {
    const json = JSON.parse(JSON.stringify(encodeRunResult(sample({ deferTrajectory: true }))));
    const noWeights = { ...json, inputs: { ...json.inputs, wModel: undefined } };
    assert.throws(
      () => decodeRunResult(noWeights),
      /^Error: inputs\.wModel: missing, and trajectory\.recompute needs it$/
    );
    const wrong = {
      ...json,
      inputs: {
        ...json.inputs,
        wModel: { ...json.inputs.wModel, rows: json.inputs.wModel.cols, cols: json.inputs.wModel.rows }
      }
    };
    const d = json.inputs.d;
    if (d + 1 !== d)
      assert.throws(() => decodeRunResult(wrong), /^Error: inputs\.wModel: expected shape \(\d+, \d+\) \(d \+ 1, d\)/);
    const notBool = { ...json, trajectory: { ...json.trajectory, recompute: 'yes' } };
    assert.throws(() => decodeRunResult(notBool), /^Error: trajectory\.recompute: expected true or false/);
  });
});
