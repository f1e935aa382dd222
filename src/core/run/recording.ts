// A user's run to check: what the Python helper (python/ddpm_lab.py, README "Use it from Jupyter") records of the
// user's own PyTorch loop, as the JSON payload of the MIME type application/vnd.ddpm-lab.recording+json:
//   {"schema": "ddpm-lab.recording/1",
//    "inputs": {"w_model": T, "shape": [N, d], "betas": T, "alpha_bar": T, "seed": "<decimal string>"},
//    "init": T | null, "steps": [{"t": int, "x": T}, ...], "every": k, "T": int,
//    "torch": {"version": str} | null, "note": str (optional)}
// where each tensor T is {"dtype": "float32" | "float64", "shape": [...], "base64": "<little-endian bytes>"}.
// Steps are in loop order (t = T-1 first); x is the state after step t (x_{t-1}); init is x_T when recorded.
// Tensors travel as their bytes, so every state arrives with the bits the user's PyTorch computed. Decoding checks
// every field and names the first bad one in a one-line message (like runCodec.ts): a malformed or future-version
// payload shows one line, never a blank output or a crash.
import { base64ToBytes, bytesToBase64 } from '../base64';
import { readInputs } from '../sampler/inputs';
import { NORMAL_FILL_MIN } from '../rng/randn';
import type { MatrixF32, SamplerInputs } from '../types';
import { describe, isObject, requireInteger, requireObject } from '../describe';

/** The notebook output MIME type of a recording (a user's run to check). */
export const RECORDING_MIME = 'application/vnd.ddpm-lab.recording+json';
export const RECORDING_SCHEMA = 'ddpm-lab.recording/1';

export type RecordedDtype = 'float32' | 'float64';

/** A tensor as the helper recorded it: dtype, shape and the row-major values at that precision. */
export interface RecordedTensor {
  dtype: RecordedDtype;
  shape: number[];
  /** Float32Array for float32, Float64Array for float64 */
  values: Float32Array | Float64Array;
}

/** One state of the user's loop (N, d). */
export interface RecordedState {
  /** as float32: the recorded bits, or for a float64 state each value rounded to nearest, as x.float() does */
  x: MatrixF32;
  /** the tensor as recorded (its dtype and full-precision values) */
  recorded: RecordedTensor;
}

/** The state after step t (x_{t-1} in the paper's notation). */
export interface RecordedStep extends RecordedState {
  t: number;
}

/** The three tensor inputs, by their names in the payload. */
export type TensorInputName = 'w_model' | 'betas' | 'alpha_bar';
export const TENSOR_INPUTS: readonly TensorInputName[] = ['w_model', 'betas', 'alpha_bar'];

/** A decoded recording. */
export interface Recording {
  schema: typeof RECORDING_SCHEMA;
  /** the five inputs as the reference sampler reads them (float32; validated like an inputs file) */
  inputs: SamplerInputs;
  /** what reading the inputs noticed (alpha_bar not cumprod(1 - betas), float64 inputs rounded, ...) */
  inputWarnings: string[];
  /** w_model, betas and alpha_bar exactly as recorded, dtype included */
  recordedInputs: Record<TensorInputName, RecordedTensor>;
  /** which of them were float64 in the user's session (tensors, arrays, Python floats; the reference rounds them to float32) */
  float64Inputs: TensorInputName[];
  /** x_T, when the loop recorded it (rec.init(x)) */
  init: RecordedState | null;
  /** in loop order: t strictly decreasing from at most T-1 */
  steps: RecordedStep[];
  /** the helper kept every k-th step (counted from t = T-1) and the last */
  every: number;
  T: number;
  /** the user's PyTorch, when the helper knew it */
  torch: { version: string } | null;
  note?: string;
}

export interface TensorJson {
  dtype: RecordedDtype;
  shape: number[];
  base64: string;
}

/** The payload as JSON (what encodeRecording returns and the helper writes). */
export interface RecordingJson {
  schema: typeof RECORDING_SCHEMA;
  inputs: { w_model: TensorJson; shape: [number, number]; betas: TensorJson; alpha_bar: TensorJson; seed: string };
  init: TensorJson | null;
  steps: { t: number; x: TensorJson }[];
  every: number;
  T: number;
  torch: { version: string } | null;
  note?: string;
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** A payload tensor: dtype, shape and exactly as many little-endian bytes as they say. */
export function decodeTensor(v: unknown, field: string, expectedShape?: readonly number[]): RecordedTensor {
  const o = requireObject(v, field);
  if (o.dtype !== 'float32' && o.dtype !== 'float64')
    throw new Error(`${field}.dtype: expected "float32" or "float64", got ${describe(o.dtype)}`);
  const dtype: RecordedDtype = o.dtype;
  if (!Array.isArray(o.shape) || o.shape.some((n) => typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)) {
    throw new Error(
      `${field}.shape: expected a list of integers >= 0, got ${Array.isArray(o.shape) ? JSON.stringify(o.shape).slice(0, 40) : describe(o.shape)}`
    );
  }
  const shape = o.shape as number[];
  if (expectedShape && shapeText(shape) !== shapeText(expectedShape)) {
    throw new Error(`${field}.shape: expected ${shapeText(expectedShape)}, got ${shapeText(shape)}`);
  }
  if (typeof o.base64 !== 'string') throw new Error(`${field}.base64: expected base64 text, got ${describe(o.base64)}`);
  const bytes = base64ToBytes(o.base64, `${field}.base64`);
  const size = dtype === 'float32' ? 4 : 8;
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * size) {
    throw new Error(
      `${field}.base64: ${bytes.length} bytes, expected ${count * size} (${count} ${dtype} values of shape ${shapeText(shape)})`
    );
  }
  // base64ToBytes returns a fresh buffer (offset 0), so it is aligned for either view; little-endian like every
  // host VS Code runs on (runCodec.ts reads its float32 arrays the same way)
  const values =
    dtype === 'float32' ? new Float32Array(bytes.buffer, 0, count) : new Float64Array(bytes.buffer, 0, count);
  return { dtype, shape, values };
}

export function encodeTensor(t: RecordedTensor): TensorJson {
  return {
    dtype: t.dtype,
    shape: [...t.shape],
    base64: bytesToBase64(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength))
  };
}

/** float32 values of a recorded tensor: its own for float32; for float64 each rounded to nearest (torch's .float()). */
function asFloat32(t: RecordedTensor): Float32Array {
  return t.values instanceof Float32Array ? t.values : Float32Array.from(t.values);
}

function decodeState(v: unknown, field: string, n: number, d: number): RecordedState {
  const recorded = decodeTensor(v, field, [n, d]);
  return { x: { rows: n, cols: d, data: asFloat32(recorded) }, recorded };
}

/** Row-major values as nested arrays by shape (what readInputs reads as a JSON array). */
function nested(values: Float32Array | Float64Array, shape: readonly number[]): unknown {
  if (shape.length === 0) return values[0];
  const walk = (dim: number, offset: number): unknown[] => {
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: shape[dim] }, (_, i) =>
      dim === shape.length - 1 ? values[offset + i] : walk(dim + 1, offset + i * stride)
    );
  };
  return walk(0, 0);
}

/** The schema line: a newer version gets its own one-line message. */
function checkSchema(schema: unknown): void {
  if (schema === RECORDING_SCHEMA) return;
  const m = typeof schema === 'string' ? /^ddpm-lab\.recording\/(\d+)$/.exec(schema) : null;
  if (m && Number(m[1]) > 1) {
    throw new Error(
      `recording: made by a newer DDPM Lab (schema ${JSON.stringify(schema)}); this version reads "${RECORDING_SCHEMA}": update the DDPM Lab extension`
    );
  }
  throw new Error(`schema: expected "${RECORDING_SCHEMA}", got ${describe(schema)}`);
}

/** Decodes and checks a recording; throws an Error with a one-line message naming the first bad field. */
export function decodeRecording(json: unknown): Recording {
  if (!isObject(json)) throw new Error(`recording: expected a JSON object, got ${describe(json)}`);
  checkSchema(json.schema);
  const inputsJson = requireObject(json.inputs, 'inputs');

  const shape = inputsJson.shape;
  if (
    !Array.isArray(shape) ||
    shape.length !== 2 ||
    shape.some((v) => typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
  ) {
    throw new Error(
      `inputs.shape: expected [N, d] (two integers >= 1), got ${Array.isArray(shape) ? JSON.stringify(shape).slice(0, 40) : describe(shape)}`
    );
  }
  const [n, d] = shape as [number, number];
  const recordedInputs = {} as Record<TensorInputName, RecordedTensor>;
  for (const name of TENSOR_INPUTS) recordedInputs[name] = decodeTensor(inputsJson[name], `inputs.${name}`);
  const seed = inputsJson.seed;
  if (typeof seed !== 'string' || !/^-?[0-9]+$/.test(seed))
    throw new Error(`inputs.seed: expected a decimal string, got ${describe(seed)}`);

  // the same checks as an inputs file (README "Inputs"), on the recorded values as doubles: float32 values exactly,
  // float64 values as recorded, rounded to float32 to nearest by readInputs (as torch.tensor(float64).float() does)
  let read: ReturnType<typeof readInputs>;
  try {
    read = readInputs({
      w_model: nested(recordedInputs.w_model.values, recordedInputs.w_model.shape),
      shape: [n, d],
      betas: nested(recordedInputs.betas.values, recordedInputs.betas.shape),
      alpha_bar: nested(recordedInputs.alpha_bar.values, recordedInputs.alpha_bar.shape),
      seed
    });
  } catch (e) {
    throw new Error(`inputs.${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  const float64Inputs = TENSOR_INPUTS.filter((name) => recordedInputs[name].dtype === 'float64');
  const inputWarnings = [
    ...read.warnings,
    ...float64Inputs.map(
      (name) =>
        `${name}: recorded as float64 (a float64 tensor or array, or Python floats); the reference runs it rounded to float32, as .float() does`
    )
  ];

  const T = requireInteger(json.T, 'T', 1);
  const betaCount = read.inputs.betas.length;
  if (T !== betaCount)
    throw new Error(`T: ${T}, but inputs.betas holds ${betaCount} value${betaCount === 1 ? '' : 's'}`);
  const every = requireInteger(json.every, 'every', 1);

  const init = json.init === null ? null : decodeState(json.init, 'init', n, d);
  if (!Array.isArray(json.steps)) throw new Error(`steps: expected a list, got ${describe(json.steps)}`);
  const steps: RecordedStep[] = [];
  json.steps.forEach((s: unknown, i: number) => {
    const f = `steps[${i}]`;
    const o = requireObject(s, f);
    if (typeof o.t !== 'number' || !Number.isSafeInteger(o.t) || o.t < 0 || o.t >= T) {
      throw new Error(`${f}.t: expected an integer in [0, T) = [0, ${T}), got ${describe(o.t)}`);
    }
    const previous = steps.length ? steps[steps.length - 1].t : T;
    if (o.t >= previous)
      throw new Error(`${f}.t: ${o.t} after t = ${previous}; steps are in loop order (t = T-1 first), each once`);
    steps.push({ t: o.t, ...decodeState(o.x, `${f}.x`, n, d) });
  });

  let torch: Recording['torch'] = null;
  if (json.torch !== null) {
    const o = requireObject(json.torch, 'torch');
    if (typeof o.version !== 'string') throw new Error(`torch.version: expected a string, got ${describe(o.version)}`);
    torch = { version: o.version };
  }
  if (json.note !== undefined && typeof json.note !== 'string')
    throw new Error(`note: expected a string, got ${describe(json.note)}`);

  return {
    schema: RECORDING_SCHEMA,
    inputs: read.inputs,
    inputWarnings,
    recordedInputs,
    float64Inputs,
    init,
    steps,
    every,
    T,
    torch,
    ...(json.note !== undefined ? { note: json.note as string } : {})
  };
}

/** The payload of a recording (the helper's format; JSON.stringify gives the text). */
export function encodeRecording(r: Recording): RecordingJson {
  return {
    schema: RECORDING_SCHEMA,
    inputs: {
      w_model: encodeTensor(r.recordedInputs.w_model),
      shape: [r.inputs.n, r.inputs.d],
      betas: encodeTensor(r.recordedInputs.betas),
      alpha_bar: encodeTensor(r.recordedInputs.alpha_bar),
      seed: r.inputs.seed.toString()
    },
    init: r.init ? encodeTensor(r.init.recorded) : null,
    steps: r.steps.map((s) => ({ t: s.t, x: encodeTensor(s.recorded) })),
    every: r.every,
    T: r.T,
    torch: r.torch ? { version: r.torch.version } : null,
    ...(r.note !== undefined ? { note: r.note } : {})
  };
}

/**
 * Whether torch.randn of `nd` values draws other numbers in float64 than in float32 (normal_fill, whose uniforms are
 * drawn at the tensor's own precision; see float64XTNote).
 */
export function float64DrawDiffers(nd: number): boolean {
  return nd >= NORMAL_FILL_MIN;
}

/**
 * Why a float64 x_T differs from the float32 reference: PyTorch's CPU normal kernel (aten/src/ATen/native/cpu/
 * DistributionTemplates.h, normal_kernel) fills a contiguous tensor of 16 or more values with normal_fill, whose
 * uniforms are drawn at the tensor's own precision (53-bit for float64, 24-bit for float32); fewer values come from
 * one at::normal_distribution<double> per value, which .float() rounds to the float32 draw. `nd` is N * d.
 */
export function float64XTNote(nd: number): string {
  return float64DrawDiffers(nd)
    ? 'Your x_T was float64: torch.randn(N, d, dtype=torch.float64) draws other numbers than the float32 draw for 16 or more values (PyTorch draws 53-bit uniforms for a float64 tensor), so x_T.float() is not the reference; draw x_T in float32 (the default) and convert it with .double() if your loop runs in float64.'
    : 'x_T is torch.randn(N, d, generator=torch.Generator().manual_seed(seed)): check the seed; your x_T was float64, but for fewer than 16 values PyTorch draws the same numbers in float64 as in float32, so the dtype is not the cause.';
}
