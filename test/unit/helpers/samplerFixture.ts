// Shared by the sampler tests: the fixture format of scripts/fixtures/sampler.py and bit-for-bit assertions.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { runSampler, type SamplerOptions } from '../../../src/core/sampler/sampler';
import type { MatrixF32, SamplerInputs } from '../../../src/core/types';
import { fromBits } from './bits';

export interface FixtureInputs {
  w_model: { shape: number[]; bits: number[] };
  shape: number[];
  betas: number[];
  alpha_bar: number[];
  seed: string;
}
export interface FixtureStep {
  t: number;
  x: number[];
  eps: number[];
  mean: number[];
  z: number[] | null;
  x_prev: number[];
}
export interface FixtureResult {
  sample?: number[];
  printed?: string;
  sha256?: string;
  nonfinite_step: number | null;
  trajectory?: FixtureStep[];
}
export interface SamplerFixture {
  cases: { name: string; inputs: FixtureInputs; results: Record<string, FixtureResult> }[];
}

export function toInputs(f: FixtureInputs): SamplerInputs {
  const [n, d] = f.shape;
  return {
    wModel: { rows: f.w_model.shape[0], cols: f.w_model.shape[1], data: fromBits(f.w_model.bits) },
    n,
    d,
    betas: fromBits(f.betas),
    alphaBar: fromBits(f.alpha_bar),
    seed: BigInt(f.seed)
  };
}

/** First index where two float32 arrays differ in bits (any NaN equals any NaN: x86 makes -nan, JS stores nan), or -1. */
export function firstBitDifference(ours: Float32Array, bits: number[]): number {
  if (ours.length !== bits.length) return Math.min(ours.length, bits.length);
  const theirs = fromBits(bits);
  const a = new Uint32Array(ours.buffer, ours.byteOffset, ours.length);
  for (let i = 0; i < bits.length; i++) {
    if (a[i] === bits[i] >>> 0) continue;
    if (Number.isNaN(ours[i]) && Number.isNaN(theirs[i])) continue;
    return i;
  }
  return -1;
}

function sha256(values: Float32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    .digest('hex');
}

function assertMatrix(m: MatrixF32 | null, bits: number[] | null, what: string): void {
  if (bits === null) {
    assert.equal(m, null, `${what}: expected null`);
    return;
  }
  assert.ok(m, `${what}: missing`);
  const at = firstBitDifference(m.data, bits);
  assert.equal(at, -1, `${what}: first difference at element ${at}: ours ${m.data[at]}, PyTorch ${fromBits(bits)[at]}`);
}

/** Checks one run against PyTorch's result for the same inputs. */
export function assertMatchesPyTorch(
  inputs: SamplerInputs,
  expected: FixtureResult,
  opts: SamplerOptions,
  label: string
): void {
  const run = runSampler(inputs, { ...opts, record: expected.trajectory ? { kind: 'all' } : { kind: 'none' } });
  if (expected.sha256) assert.equal(sha256(run.sample.data), expected.sha256, `${label}: sample checksum`);
  else assertMatrix(run.sample, expected.sample!, `${label}: sample`);
  assert.deepEqual([run.sample.rows, run.sample.cols], [inputs.n, inputs.d]);
  if (expected.trajectory) {
    assert.equal(run.trajectory.steps.length, expected.trajectory.length, `${label}: number of steps`);
    expected.trajectory.forEach((e, i) => {
      const s = run.trajectory.steps[i];
      assert.equal(s.t, e.t);
      assertMatrix(s.x, e.x, `${label}: t = ${e.t}, x_t`);
      assertMatrix(s.eps, e.eps, `${label}: t = ${e.t}, eps`);
      assertMatrix(s.mean, e.mean, `${label}: t = ${e.t}, mean`);
      assertMatrix(s.z, e.z, `${label}: t = ${e.t}, z`);
      assertMatrix(s.xPrev, e.x_prev, `${label}: t = ${e.t}, x_{t-1}`);
    });
  }
  const nonFiniteWarning = run.warnings.find((w) => w.includes('non-finite'));
  if (expected.nonfinite_step === null) assert.equal(nonFiniteWarning, undefined, `${label}: unexpected warning`);
  else
    assert.match(
      nonFiniteWarning ?? '',
      new RegExp(`at step t = ${expected.nonfinite_step};`),
      `${label}: non-finite warning`
    );
}
