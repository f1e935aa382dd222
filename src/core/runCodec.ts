// RunResult <-> JSON. Float arrays travel as base64 of their little-endian float32 bytes,
// so every value (NaN, -0, infinities included) survives the trip bit for bit.
import type { Comparison, MatrixF32, RunResult, TrajectoryStep } from './types';

type Encoded<T> = T extends Float32Array | Uint8Array
  ? string
  : T extends Array<infer U>
    ? Encoded<U>[]
    : T extends object
      ? { [K in keyof T]: Encoded<T[K]> }
      : T;

export type RunResultJson = Encoded<RunResult>;

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function base64ToBytes(text: string, field: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new Error(`${field}: not valid base64`);
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function encodeFloat32(values: Float32Array): string {
  const copy = new Float32Array(values); // typed arrays are little-endian on every host VS Code runs on
  return bytesToBase64(new Uint8Array(copy.buffer));
}

export function decodeFloat32(text: string, field: string): Float32Array {
  const bytes = base64ToBytes(text, field);
  if (bytes.length % 4 !== 0) throw new Error(`${field}: byte length ${bytes.length} is not a multiple of 4`);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

function encodeMatrix(m: MatrixF32): Encoded<MatrixF32> {
  return { rows: m.rows, cols: m.cols, data: encodeFloat32(m.data) };
}

function decodeMatrix(m: Encoded<MatrixF32>, field: string): MatrixF32 {
  if (!m || typeof m !== 'object') throw new Error(`${field}: missing`);
  const data = decodeFloat32(m.data, field);
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows * m.cols !== data.length) {
    throw new Error(`${field}: shape (${m.rows}, ${m.cols}) does not fit ${data.length} values`);
  }
  return { rows: m.rows, cols: m.cols, data };
}

function encodeStep(s: TrajectoryStep): Encoded<TrajectoryStep> {
  return {
    t: s.t,
    x: encodeMatrix(s.x),
    eps: encodeMatrix(s.eps),
    mean: encodeMatrix(s.mean),
    z: s.z ? encodeMatrix(s.z) : null,
    xPrev: encodeMatrix(s.xPrev)
  };
}

function decodeStep(s: Encoded<TrajectoryStep>, i: number): TrajectoryStep {
  const f = `trajectory.steps[${i}]`;
  return {
    t: s.t,
    x: decodeMatrix(s.x, `${f}.x`),
    eps: decodeMatrix(s.eps, `${f}.eps`),
    mean: decodeMatrix(s.mean, `${f}.mean`),
    z: s.z ? decodeMatrix(s.z, `${f}.z`) : null,
    xPrev: decodeMatrix(s.xPrev, `${f}.xPrev`)
  };
}

function encodeComparison(c: Comparison): Encoded<Comparison> {
  return {
    ...c,
    expected: encodeMatrix(c.expected),
    known: c.known ? bytesToBase64(c.known) : null,
    mismatchMask: bytesToBase64(c.mismatchMask),
    absDiff: encodeFloat32(c.absDiff)
  } as Encoded<Comparison>;
}

function decodeComparison(c: Encoded<Comparison>): Comparison {
  return {
    ...c,
    expected: decodeMatrix(c.expected, 'comparison.expected'),
    known: c.known ? base64ToBytes(c.known, 'comparison.known') : null,
    mismatchMask: base64ToBytes(c.mismatchMask, 'comparison.mismatchMask'),
    absDiff: decodeFloat32(c.absDiff, 'comparison.absDiff')
  } as Comparison;
}

export function encodeRunResult(r: RunResult): RunResultJson {
  return {
    ...r,
    sample: encodeMatrix(r.sample),
    trajectory: { ...r.trajectory, steps: r.trajectory.steps.map(encodeStep) },
    schedule: { ...r.schedule, betas: encodeFloat32(r.schedule.betas), alphaBar: encodeFloat32(r.schedule.alphaBar) },
    comparison: r.comparison ? encodeComparison(r.comparison) : undefined
  } as RunResultJson;
}

/** Decodes and checks a RunResult; throws an Error with a one-line message naming the bad field. */
export function decodeRunResult(json: unknown): RunResult {
  if (!json || typeof json !== 'object') throw new Error('run result: not a JSON object');
  const j = json as RunResultJson;
  if (j.schema !== 'ddpm-lab.run/1') throw new Error(`run result: unknown schema ${JSON.stringify(j.schema)}`);
  if (!j.inputs || !j.trajectory || !Array.isArray(j.trajectory.steps) || !j.schedule) {
    throw new Error('run result: missing inputs, trajectory or schedule');
  }
  return {
    ...j,
    sample: decodeMatrix(j.sample, 'sample'),
    trajectory: { ...j.trajectory, steps: j.trajectory.steps.map(decodeStep) },
    schedule: {
      ...j.schedule,
      betas: decodeFloat32(j.schedule.betas, 'schedule.betas'),
      alphaBar: decodeFloat32(j.schedule.alphaBar, 'schedule.alphaBar')
    },
    comparison: j.comparison ? decodeComparison(j.comparison) : undefined
  } as RunResult;
}
