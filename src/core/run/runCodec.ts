// RunResult <-> JSON. Float arrays travel as base64 of their little-endian float32 bytes,
// so every value (NaN, -0, infinities included) survives the trip bit for bit. Single numbers that may
// be non-finite (a comparison's greatest differences, ulps) travel as "nan", "inf", "-inf" strings,
// since JSON.stringify would turn them into null. Decoding checks every field the views read and
// names the first bad one in a one-line message (malformed output data shows an error, not a blank box).
import { base64ToBytes, bytesToBase64 } from '../base64';
import {
  describe,
  isObject,
  requireBoolean,
  requireFiniteNumber,
  requireInteger,
  requireObject,
  requireString,
  requireStrings
} from '../describe';
import {
  MATMUL_PROFILES,
  RNG_PROFILES,
  type Comparison,
  type DiagnosisEntry,
  type FirstDivergence,
  type IndexedValue,
  type MatrixF32,
  type RngProfile,
  type RunResult,
  type StepByStep,
  type TrajectoryStep,
  type TorchCheck
} from '../types';

type Encoded<T> = T extends Float32Array | Uint8Array
  ? string
  : T extends Array<infer U>
    ? Encoded<U>[]
    : T extends object
      ? { [K in keyof T]: Encoded<T[K]> }
      : T;

export type RunResultJson = Encoded<RunResult>;

export function encodeFloat32(values: Float32Array): string {
  // the array's own bytes (typed arrays are little-endian on every host VS Code runs on), no copy
  return bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

export function decodeFloat32(text: string, field: string): Float32Array {
  const bytes = base64ToBytes(text, field);
  if (bytes.length % 4 !== 0) throw new Error(`${field}: byte length ${bytes.length} is not a multiple of 4`);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

/** A number as JSON keeps it: itself when finite, else "nan", "inf" or "-inf" (the CLI's spelling). */
export type JsonNumber = number | 'nan' | 'inf' | '-inf';

export function encodeNumber(v: number): JsonNumber {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return v;
}

export function decodeNumber(v: unknown, field: string): number {
  if (typeof v === 'number') return v;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (v === null) return NaN; // written before non-finite values were tagged (JSON.stringify had made them null)
  throw new Error(`${field}: expected a number, got ${describe(v)}`);
}

function requireLength(n: number, expected: number, field: string, what: string): void {
  if (n !== expected) throw new Error(`${field}: expected ${expected} values (${what}), got ${n}`);
}

function encodeIndexed(v: IndexedValue | null): unknown {
  return v ? { value: encodeNumber(v.value), index: v.index } : null;
}

function decodeIndexed(v: unknown, field: string, rows: number, cols: number): IndexedValue | null {
  if (v === null) return null;
  const o = requireObject(v, field);
  const index = o.index;
  if (!Array.isArray(index) || index.length !== 2)
    throw new Error(`${field}.index: expected [row, col], got ${describe(index)}`);
  const row = requireInteger(index[0], `${field}.index[0]`, 0);
  const col = requireInteger(index[1], `${field}.index[1]`, 0);
  if (row >= rows || col >= cols)
    throw new Error(`${field}.index: [${row}, ${col}] is outside the sample's shape (${rows}, ${cols})`);
  return { value: decodeNumber(o.value, `${field}.value`), index: [row, col] };
}

function encodeMatrix(m: MatrixF32): Encoded<MatrixF32> {
  return { rows: m.rows, cols: m.cols, data: encodeFloat32(m.data) };
}

function decodeMatrix(
  m: Encoded<MatrixF32>,
  field: string,
  shape?: [number, number],
  like = 'like inputs (N, d)'
): MatrixF32 {
  if (!m || typeof m !== 'object') throw new Error(`${field}: missing`);
  if (typeof m.data !== 'string') throw new Error(`${field}.data: expected base64 text, got ${describe(m.data)}`);
  const data = decodeFloat32(m.data, field);
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows * m.cols !== data.length) {
    throw new Error(`${field}: shape (${m.rows}, ${m.cols}) does not fit ${data.length} values`);
  }
  if (shape && (m.rows !== shape[0] || m.cols !== shape[1])) {
    throw new Error(`${field}: expected shape (${shape[0]}, ${shape[1]}) ${like}, got (${m.rows}, ${m.cols})`);
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

function decodeStep(s: Encoded<TrajectoryStep>, i: number, shape: [number, number], T: number): TrajectoryStep {
  const f = `trajectory.steps[${i}]`;
  requireObject(s, f);
  const t = requireInteger(s.t, `${f}.t`, 0);
  if (t >= T) throw new Error(`${f}.t: ${t} is not a step of T = ${T}`);
  return {
    t,
    x: decodeMatrix(s.x, `${f}.x`, shape),
    eps: decodeMatrix(s.eps, `${f}.eps`, shape),
    mean: decodeMatrix(s.mean, `${f}.mean`, shape),
    z: s.z ? decodeMatrix(s.z, `${f}.z`, shape) : null,
    xPrev: decodeMatrix(s.xPrev, `${f}.xPrev`, shape)
  };
}

function encodeComparison(c: Comparison): Encoded<Comparison> {
  return {
    ...c,
    expected: encodeMatrix(c.expected),
    known: c.known ? bytesToBase64(c.known) : null,
    mismatchMask: bytesToBase64(c.mismatchMask),
    absDiff: encodeFloat32(c.absDiff),
    greatestAbs: encodeIndexed(c.greatestAbs),
    greatestRel: encodeIndexed(c.greatestRel),
    maxUlps: c.maxUlps === null ? null : encodeNumber(c.maxUlps),
    ...(c.steps ? { steps: encodeSteps(c.steps) } : {})
  } as unknown as Encoded<Comparison>;
}

const encodeNullable = (v: number | null): JsonNumber | null => (v === null ? null : encodeNumber(v));

/** A step-by-step comparison: its numbers may be nan or infinite (see encodeNumber). */
function encodeSteps(s: StepByStep): unknown {
  return {
    ...s,
    prints: s.prints.map((p) => ({
      ...p,
      maxAbsDiff: encodeNullable(p.maxAbsDiff),
      maxUlps: encodeNullable(p.maxUlps)
    })),
    ours: s.ours.map((r) => r.map(encodeNumber)),
    theirs: s.theirs.map((r) => r.map(encodeNumber))
  };
}

function decodeNumberRows(v: unknown, field: string, count: number): number[][] {
  if (!Array.isArray(v)) throw new Error(`${field}: expected a list, got ${describe(v)}`);
  requireLength(v.length, count, field, 'one per print');
  return v.map((r, i) => {
    if (!Array.isArray(r)) throw new Error(`${field}[${i}]: expected a list, got ${describe(r)}`);
    return r.map((x, j) => decodeNumber(x, `${field}[${i}][${j}]`));
  });
}

function decodeSteps(v: unknown, field: string): StepByStep {
  const o = requireObject(v, field);
  if (!Array.isArray(o.prints)) throw new Error(`${field}.prints: expected a list, got ${describe(o.prints)}`);
  const prints = o.prints.map((p, i) => {
    const f = `${field}.prints[${i}]`;
    const q = requireObject(p, f);
    const step = q.step === null ? null : requireInteger(q.step, `${f}.step`, 0);
    if (q.shapeNote !== undefined) requireString(q.shapeNote, `${f}.shapeNote`);
    return {
      ...(q as object),
      step,
      matches: requireBoolean(q.matches, `${f}.matches`),
      compared: requireInteger(q.compared, `${f}.compared`, 0),
      mismatched: requireInteger(q.mismatched, `${f}.mismatched`, 0),
      maxAbsDiff: q.maxAbsDiff === null ? null : decodeNumber(q.maxAbsDiff, `${f}.maxAbsDiff`),
      maxUlps: q.maxUlps === null ? null : decodeNumber(q.maxUlps, `${f}.maxUlps`)
    } as StepByStep['prints'][number];
  });
  return {
    stepsNote: requireString(o.stepsNote, `${field}.stepsNote`),
    prints,
    row: requireInteger(o.row, `${field}.row`, 0),
    ours: decodeNumberRows(o.ours, `${field}.ours`, prints.length),
    theirs: decodeNumberRows(o.theirs, `${field}.theirs`, prints.length)
  };
}

function decodeFirstDivergence(v: unknown, field: string, rows: number, cols: number): FirstDivergence | null {
  if (v === null) return null;
  const o = requireObject(v, field);
  const step = o.step === null ? null : requireInteger(o.step, `${field}.step`, 0);
  let index: [number, number] | null = null;
  if (o.index !== null) {
    if (!Array.isArray(o.index) || o.index.length !== 2)
      throw new Error(`${field}.index: expected [row, col] or null, got ${describe(o.index)}`);
    index = [requireInteger(o.index[0], `${field}.index[0]`, 0), requireInteger(o.index[1], `${field}.index[1]`, 0)];
    if (index[0] >= rows || index[1] >= cols)
      throw new Error(`${field}.index: [${index.join(', ')}] is outside the sample's shape (${rows}, ${cols})`);
  }
  return { step, index };
}

function decodeLiterals(v: unknown, field: string, count: number): (string | null)[] {
  if (!Array.isArray(v)) throw new Error(`${field}: expected a list, got ${describe(v)}`);
  requireLength(v.length, count, field, 'one per element of the sample');
  const bad = v.findIndex((x) => x !== null && typeof x !== 'string');
  if (bad >= 0) throw new Error(`${field}[${bad}]: expected a string or null, got ${describe(v[bad])}`);
  return v as (string | null)[];
}

function decodeDiagnosis(v: unknown, field: string): DiagnosisEntry[] {
  if (!Array.isArray(v)) throw new Error(`${field}: expected a list, got ${describe(v)}`);
  return v.map((e, i) => {
    const f = `${field}[${i}]`;
    const o = requireObject(e, f);
    if (o.profile !== undefined && !(RNG_PROFILES as readonly string[]).includes(o.profile as string))
      throw new Error(`${f}.profile: unknown profile ${describe(o.profile)}`);
    return {
      id: requireString(o.id, `${f}.id`),
      title: requireString(o.title, `${f}.title`),
      explanation: requireString(o.explanation, `${f}.explanation`),
      pytorch: requireString(o.pytorch, `${f}.pytorch`),
      ...(o.profile !== undefined ? { profile: o.profile as RngProfile } : {})
    };
  });
}

const COMPARE_RULES: readonly string[] = ['bitwise', 'printed-precision', 'tolerance'];

function decodeBytes(v: unknown, field: string, count: number): Uint8Array {
  if (typeof v !== 'string') throw new Error(`${field}: expected base64 text, got ${describe(v)}`);
  const bytes = base64ToBytes(v, field);
  requireLength(bytes.length, count, field, 'one per element of the sample');
  return bytes;
}

function decodeComparison(c: Encoded<Comparison>, shape: [number, number]): Comparison {
  const f = 'comparison';
  const o = requireObject(c, f);
  const [rows, cols] = shape;
  if (!COMPARE_RULES.includes(o.rule as string))
    throw new Error(`${f}.rule: expected one of ${COMPARE_RULES.join(', ')}, got ${describe(o.rule)}`);
  if (typeof o.absDiff !== 'string') throw new Error(`${f}.absDiff: expected base64 text, got ${describe(o.absDiff)}`);
  const absDiff = decodeFloat32(o.absDiff, `${f}.absDiff`);
  requireLength(absDiff.length, rows * cols, `${f}.absDiff`, 'one per element of the sample');
  const printedDecimals =
    o.printedDecimals === null ? null : requireInteger(o.printedDecimals, `${f}.printedDecimals`, 0);
  if (o.shapeNote !== undefined) requireString(o.shapeNote, `${f}.shapeNote`);
  if (o.profileSearch !== undefined) {
    const ps = requireObject(o.profileSearch, `${f}.profileSearch`);
    for (const k of ['tried', 'matching'] as const) {
      const list = requireStrings(ps[k], `${f}.profileSearch.${k}`);
      const bad = list.find((p) => !(RNG_PROFILES as readonly string[]).includes(p));
      if (bad !== undefined) throw new Error(`${f}.profileSearch.${k}: unknown profile ${JSON.stringify(bad)}`);
    }
  }
  if (o.pairSearch !== undefined) {
    const ps = requireObject(o.pairSearch, `${f}.pairSearch`);
    for (const k of ['tried', 'matching'] as const) {
      if (!Array.isArray(ps[k])) throw new Error(`${f}.pairSearch.${k}: expected a list, got ${describe(ps[k])}`);
      (ps[k] as unknown[]).forEach((pair, i) => {
        const q = requireObject(pair, `${f}.pairSearch.${k}[${i}]`);
        if (!(RNG_PROFILES as readonly unknown[]).includes(q.rng))
          throw new Error(`${f}.pairSearch.${k}[${i}].rng: unknown profile ${describe(q.rng)}`);
        if (!(MATMUL_PROFILES as readonly unknown[]).includes(q.matmul))
          throw new Error(`${f}.pairSearch.${k}[${i}].matmul: unknown profile ${describe(q.matmul)}`);
      });
    }
  }
  return {
    ...(o as unknown as Comparison),
    ruleExplanation: requireString(o.ruleExplanation, `${f}.ruleExplanation`),
    rtol: requireFiniteNumber(o.rtol, `${f}.rtol`),
    atol: requireFiniteNumber(o.atol, `${f}.atol`),
    expectedText: requireString(o.expectedText, `${f}.expectedText`),
    expected: decodeMatrix(o.expected as Encoded<MatrixF32>, `${f}.expected`, shape),
    known: o.known === null || o.known === undefined ? null : decodeBytes(o.known, `${f}.known`, rows * cols),
    printedDecimals,
    compared: requireInteger(o.compared, `${f}.compared`, 0),
    mismatched: requireInteger(o.mismatched, `${f}.mismatched`, 0),
    mismatchMask: decodeBytes(o.mismatchMask, `${f}.mismatchMask`, rows * cols),
    absDiff,
    greatestAbs: decodeIndexed(o.greatestAbs, `${f}.greatestAbs`, rows, cols),
    greatestRel: decodeIndexed(o.greatestRel, `${f}.greatestRel`, rows, cols),
    maxUlps: o.maxUlps === null ? null : decodeNumber(o.maxUlps, `${f}.maxUlps`),
    bitwiseEqual: requireBoolean(o.bitwiseEqual, `${f}.bitwiseEqual`),
    matches: requireBoolean(o.matches, `${f}.matches`),
    summary: requireString(o.summary, `${f}.summary`),
    // fields added later: absent in older payloads
    ...(o.expectedLiterals !== undefined
      ? { expectedLiterals: decodeLiterals(o.expectedLiterals, `${f}.expectedLiterals`, rows * cols) }
      : {}),
    ...(o.firstDivergence !== undefined
      ? { firstDivergence: decodeFirstDivergence(o.firstDivergence, `${f}.firstDivergence`, rows, cols) }
      : {}),
    ...(o.steps !== undefined ? { steps: decodeSteps(o.steps, `${f}.steps`) } : {}),
    ...(o.diagnosis !== undefined ? { diagnosis: decodeDiagnosis(o.diagnosis, `${f}.diagnosis`) } : {}),
    ...(o.diagnosisNote !== undefined ? { diagnosisNote: requireString(o.diagnosisNote, `${f}.diagnosisNote`) } : {}),
    ...(o.diagnosisFromStep !== undefined
      ? {
          diagnosisFromStep:
            o.diagnosisFromStep === null ? null : requireInteger(o.diagnosisFromStep, `${f}.diagnosisFromStep`, 0)
        }
      : {})
  };
}

function encodeTorchCheck(c: TorchCheck): Encoded<TorchCheck> {
  return {
    ...c,
    stepUlps: c.stepUlps.map((s) => ({ t: s.t, maxUlps: s.maxUlps === null ? null : encodeNumber(s.maxUlps) })),
    torchSteps: c.torchSteps.map((s) => ({ t: s.t, x: encodeMatrix(s.x) })),
    torchSample: encodeMatrix(c.torchSample)
  } as unknown as Encoded<TorchCheck>;
}

/** A check against the user's PyTorch (additive field torchCheck): every field the view reads, checked. */
function decodeTorchCheck(v: unknown, shape: [number, number]): TorchCheck {
  const f = 'torchCheck';
  const o = requireObject(v, f);
  const torch = requireObject(o.torch, `${f}.torch`);
  requireString(torch.version, `${f}.torch.version`);
  requireString(o.python, `${f}.python`);
  requireString(o.summary, `${f}.summary`);
  requireBoolean(o.bitwiseEqual, `${f}.bitwiseEqual`);
  requireObject(o.profile, `${f}.profile`);
  if (!Array.isArray(o.parts)) throw new Error(`${f}.parts: expected a list`);
  o.parts.forEach((p, i) => {
    const po = requireObject(p, `${f}.parts[${i}]`);
    requireString(po.label, `${f}.parts[${i}].label`);
    requireString(po.text, `${f}.parts[${i}].text`);
    requireBoolean(po.exact, `${f}.parts[${i}].exact`);
  });
  if (o.firstDifferentT !== null) requireInteger(o.firstDifferentT, `${f}.firstDifferentT`, 0);
  if (!Array.isArray(o.stepUlps) || !Array.isArray(o.torchSteps))
    throw new Error(`${f}.stepUlps, ${f}.torchSteps: expected lists`);
  const stepUlps = o.stepUlps.map((s, i) => {
    const so = requireObject(s, `${f}.stepUlps[${i}]`);
    return {
      t: requireInteger(so.t, `${f}.stepUlps[${i}].t`, 0),
      maxUlps: so.maxUlps === null ? null : decodeNumber(so.maxUlps, `${f}.stepUlps[${i}].maxUlps`)
    };
  });
  const torchSteps = o.torchSteps.map((s, i) => {
    const so = requireObject(s, `${f}.torchSteps[${i}]`);
    return {
      t: requireInteger(so.t, `${f}.torchSteps[${i}].t`, 0),
      x: decodeMatrix(so.x as never, `${f}.torchSteps[${i}].x`, shape)
    };
  });
  return {
    ...(o as unknown as TorchCheck),
    stepUlps,
    torchSteps,
    torchSample: decodeMatrix(o.torchSample as never, `${f}.torchSample`, shape)
  };
}

export function encodeRunResult(r: RunResult): RunResultJson {
  return {
    ...r,
    inputs: r.inputs.wModel ? { ...r.inputs, wModel: encodeMatrix(r.inputs.wModel) } : r.inputs,
    sample: encodeMatrix(r.sample),
    trajectory: { ...r.trajectory, steps: r.trajectory.steps.map(encodeStep) },
    schedule: {
      ...r.schedule,
      betas: encodeFloat32(r.schedule.betas),
      alphaBar: encodeFloat32(r.schedule.alphaBar),
      maxAlphaBarDiff: encodeNumber(r.schedule.maxAlphaBarDiff)
    },
    comparison: r.comparison ? encodeComparison(r.comparison) : undefined,
    torchCheck: r.torchCheck ? encodeTorchCheck(r.torchCheck) : undefined
  } as RunResultJson;
}

/** Decodes and checks a RunResult; throws an Error with a one-line message naming the bad field. */
export function decodeRunResult(json: unknown): RunResult {
  if (!isObject(json)) throw new Error('run result: not a JSON object');
  const j = json as unknown as RunResultJson;
  if (j.schema !== 'ddpm-lab.run/1') throw new Error(`run result: unknown schema ${JSON.stringify(j.schema)}`);
  if (!isObject(j.inputs) || !isObject(j.trajectory) || !Array.isArray(j.trajectory.steps) || !isObject(j.schedule)) {
    throw new Error('run result: missing inputs, trajectory or schedule');
  }
  const n = requireInteger(j.inputs.n, 'inputs.n', 1);
  const d = requireInteger(j.inputs.d, 'inputs.d', 1);
  const T = requireInteger(j.inputs.T, 'inputs.T', 1);
  requireString(j.inputs.seed, 'inputs.seed');
  if (!(RNG_PROFILES as readonly string[]).includes(j.inputs.profile)) {
    throw new Error(`inputs.profile: expected one of ${RNG_PROFILES.join(', ')}, got ${describe(j.inputs.profile)}`);
  }
  // matmul: optional (runs made before matmul profiles have none and were made with 'reference')
  if (j.inputs.matmul !== undefined && !(MATMUL_PROFILES as readonly string[]).includes(j.inputs.matmul)) {
    throw new Error(`inputs.matmul: expected one of ${MATMUL_PROFILES.join(', ')}, got ${describe(j.inputs.matmul)}`);
  }
  const shape: [number, number] = [n, d];
  const policy = requireObject(j.trajectory.policy, 'trajectory.policy');
  if (!['all', 'every', 'none'].includes(policy.kind as string))
    throw new Error(`trajectory.policy.kind: expected all, every or none, got ${describe(policy.kind)}`);
  if (j.trajectory.note !== undefined) requireString(j.trajectory.note, 'trajectory.note');
  if (j.trajectory.recompute !== undefined) requireBoolean(j.trajectory.recompute, 'trajectory.recompute');
  const wModel =
    j.inputs.wModel === undefined
      ? undefined
      : decodeMatrix(j.inputs.wModel, 'inputs.wModel', [d + 1, d], '(d + 1, d)');
  if (j.trajectory.recompute && !wModel) throw new Error('inputs.wModel: missing, and trajectory.recompute needs it');
  const timing = requireObject(j.timing, 'timing');
  requireFiniteNumber(timing.elapsedMs, 'timing.elapsedMs');
  requireString(timing.finishedAt, 'timing.finishedAt');
  requireStrings(j.warnings, 'warnings');
  if (typeof j.schedule.betas !== 'string')
    throw new Error(`schedule.betas: expected base64 text, got ${describe(j.schedule.betas)}`);
  if (typeof j.schedule.alphaBar !== 'string')
    throw new Error(`schedule.alphaBar: expected base64 text, got ${describe(j.schedule.alphaBar)}`);
  const betas = decodeFloat32(j.schedule.betas, 'schedule.betas');
  const alphaBar = decodeFloat32(j.schedule.alphaBar, 'schedule.alphaBar');
  requireLength(betas.length, T, 'schedule.betas', 'T = inputs.T');
  requireLength(alphaBar.length, T, 'schedule.alphaBar', 'T = inputs.T');
  return {
    ...j,
    inputs: wModel ? { ...j.inputs, wModel } : j.inputs,
    sample: decodeMatrix(j.sample, 'sample', shape),
    trajectory: { ...j.trajectory, steps: j.trajectory.steps.map((s, i) => decodeStep(s, i, shape, T)) },
    schedule: {
      ...j.schedule,
      betas,
      alphaBar,
      alphaBarMatchesCumprod: requireBoolean(j.schedule.alphaBarMatchesCumprod, 'schedule.alphaBarMatchesCumprod'),
      maxAlphaBarDiff: decodeNumber(j.schedule.maxAlphaBarDiff, 'schedule.maxAlphaBarDiff')
    },
    comparison: j.comparison ? decodeComparison(j.comparison, shape) : undefined,
    torchCheck: j.torchCheck ? decodeTorchCheck(j.torchCheck, shape) : undefined
  } as RunResult;
}
