// Reading and validating the sampler's inputs: one JSON object with exactly the keys w_model, shape, betas,
// alpha_bar and seed. Arrays may be JSON arrays or PyTorch/NumPy printed text. Everything is checked before any
// work; each problem is one line `field: problem` (README "Inputs").
import { MAX_SAMPLE_ELEMENTS, MAX_STEPS, MAX_WORKING_BYTES, formatBytes, samplerWorkingBytes } from './limits';
import { clipped, describe, isObject } from '../describe';
import { errorFirstLine } from '../errors';
import { jsonErrorDetail, scanJson, type JsonScan } from '../tensors/jsonText';
import { checkSchedule, float64CumprodNote } from './schedules';
import { parseSeed, stepSeed } from '../rng/seed';
import { MAX_DEPTH, parseTensorText, type ParsedTensor } from '../tensors/parseTensor';
import { isRoundedStyle, literalStyle, pinsDownF32 } from '../compare/literalStyle';
import { pythonTuple } from '../tensors/printTensor';
import type { SamplerInputs } from '../types';

export const INPUT_KEYS = ['w_model', 'shape', 'betas', 'alpha_bar', 'seed'] as const;

export interface ReadInputsResult {
  inputs: SamplerInputs;
  /** things worth knowing that do not stop the run (alpha_bar not equal to cumprod(1 - betas), float64 rounded, ...) */
  warnings: string[];
  /** betas and alpha_bar as written, when some are not the float32 values the sampler uses (see writtenScheduleOf) */
  writtenSchedule?: WrittenSchedule;
}

/** A numeric array read from JSON or tensor text: row-major values (as doubles) and shape. */
interface ReadArray {
  shape: number[];
  values: Float64Array;
  /** float64 input that the sampler rounds to float32 */
  float64: boolean;
  /** read from a PyTorch print whose digits do not identify float32 values: how it was printed (roundedPrint) */
  rounded?: string;
}

const indexText = (shape: number[], flat: number) => {
  const idx: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    idx.unshift(flat % shape[k]);
    flat = Math.floor(flat / shape[k]);
  }
  return `[${idx.join(', ')}]`;
};

/** A nested JSON array of numbers -> shape and values; one-line errors for ragged or non-numeric entries. */
function readJsonArray(value: unknown[], field: string): ReadArray {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  // as for a printed tensor: the walk below recurses once a level
  if (shape.length > MAX_DEPTH)
    throw new Error(`${field}: expected at most ${MAX_DEPTH} nested lists, found ${shape.length}`);
  const values: number[] = [];
  const walk = (node: unknown, depth: number, path: number[]) => {
    const where = path.length ? `${field}[${path.join('][')}]` : field;
    if (depth < shape.length) {
      if (!Array.isArray(node))
        throw new Error(
          `${field}: ragged array: ${where} is ${describe(node)} where a list of ${shape[depth]} was expected`
        );
      if (node.length !== shape[depth]) {
        throw new Error(
          `${field}: ragged array: ${where} has ${node.length} values, expected ${shape[depth]} like the first`
        );
      }
      node.forEach((child, i) => walk(child, depth + 1, [...path, i]));
      return;
    }
    if (typeof node === 'number') values.push(node);
    else if (typeof node === 'string' && /^\s*[+-]?(nan|inf|infinity)\s*$/i.test(node)) values.push(nonFinite(node));
    else if (Array.isArray(node))
      throw new Error(`${field}: ragged array: ${where} is a list where a number was expected`);
    else throw new Error(`${field}: expected a number at ${where}, got ${describe(node)}`);
  };
  walk(value, 0, []);
  return { shape, values: Float64Array.from(values), float64: false };
}

function nonFinite(text: string): number {
  const t = text.trim().toLowerCase();
  if (t.endsWith('nan')) return NaN;
  return t.startsWith('-') ? -Infinity : Infinity;
}

/**
 * A PyTorch print whose digits do not identify float32 values (PyTorch's default 4 decimals: `tensor([0.0210, ...])`
 * of a w_model whose values have more): how it was printed, for a warning; the values read are the printed decimals,
 * which are the tensor's only if it held exactly those.
 */
function roundedPrint(p: ParsedTensor): { rounded?: string } {
  if (p.source !== 'torch' || !p.literals) return {};
  for (const lit of p.literals) {
    const style = literalStyle(lit, 'torch');
    if (isRoundedStyle(style) && !pinsDownF32(lit, style))
      return {
        rounded: `${style.decimals} decimal${style.decimals === 1 ? '' : 's'}${style.kind === 'sci' ? ' in scientific notation' : ''}`
      };
  }
  return {};
}

/** An array given as a JSON array or as printed tensor text. */
function readArray(value: unknown, field: string): ReadArray {
  if (Array.isArray(value)) return readJsonArray(value, field);
  if (typeof value === 'string') {
    const p = parseTensorText(value, field);
    if (p.summarized) {
      throw new Error(
        `${field}: the printed tensor is summarised with "..." so its values are not all there; print it in full (torch.set_printoptions(profile="full")) or pass a list`
      );
    }
    if (p.dtype === 'float16' || p.dtype === 'bfloat16') {
      // its printed decimals are not its values, and PyTorch's x @ w_model refuses a dtype other than x's float32
      const name = p.dtype === 'float16' ? 'Half' : 'BFloat16';
      throw new Error(
        field === 'w_model'
          ? `w_model: printed as a ${p.dtype} tensor, which PyTorch's matmul with a float32 x refuses (expected scalar type Float but found ${name}); give w_model.float() or w_model.tolist()`
          : `${field}: printed as a ${p.dtype} tensor, whose printed decimals are not its ${p.dtype} values (the sampler runs in float32); give ${field}.float() or ${field}.tolist()`
      );
    }
    if (p.dtypeText !== undefined && p.dtype !== 'float32' && p.dtype !== 'float64') {
      // an integer, complex or other tensor, named in its print: PyTorch's x @ w_model refuses it, and its printed
      // numbers are no float32 schedule
      throw new Error(
        `${field}: printed with dtype=${p.dtypeText}, which the sampler does not take (it runs in float32): give ${field}.float() or ${field}.tolist()`
      );
    }
    // integers without a decimal point in a PyTorch or NumPy print: an int64 tensor or array (both print their default
    // integer dtype without naming it), which x @ w_model refuses too
    if (p.dtypeText === undefined && p.dtype === 'int64' && p.kind !== 'list' && p.kind !== 'json') {
      throw new Error(
        `${field}: printed as an int64 tensor (numbers without a decimal point, as PyTorch and NumPy print one), which the sampler does not take (it runs in float32): give ${field}.float() or ${field}.tolist()`
      );
    }
    return { shape: p.shape, values: p.values, float64: p.dtype === 'float64', ...roundedPrint(p) };
  }
  throw new Error(`${field}: expected a list of numbers or printed tensor text, got ${describe(value)}`);
}

function requireFinite(a: ReadArray, field: string): void {
  for (let i = 0; i < a.values.length; i++) {
    const v = a.values[i];
    if (!Number.isFinite(Math.fround(v))) {
      const shown = v !== v ? 'nan' : v > 0 ? 'inf' : '-inf';
      const note = Number.isFinite(v) ? ` (${v} overflows float32)` : '';
      throw new Error(`${field}: non-finite value ${shown} at ${indexText(a.shape, i)}${note}`);
    }
  }
}

function read1d(value: unknown, field: string): ReadArray {
  const a = readArray(value, field);
  if (a.shape.length !== 1) throw new Error(`${field}: expected a 1-D list, got shape ${pythonTuple(a.shape)}`);
  return a;
}

/** shape = [N, d], each truncated toward zero like Python's int(). */
function readShape(value: unknown): { n: number; d: number } {
  let entries: number[];
  if (Array.isArray(value)) {
    entries = value.map((v, i) => {
      if (typeof v !== 'number') throw new Error(`shape: expected a number at shape[${i}], got ${describe(v)}`);
      return v;
    });
  } else if (typeof value === 'string') {
    const p = parseTensorText(
      value.replace(/^\s*torch\.Size\(\s*(.*)\)\s*$/s, '$1').replace(/^\s*\((.*)\)\s*$/s, '[$1]'),
      'shape'
    );
    if (p.shape.length !== 1) throw new Error(`shape: expected [N, d], got shape ${pythonTuple(p.shape)}`);
    entries = Array.from(p.values);
  } else {
    throw new Error(`shape: expected [N, d], got ${describe(value)}`);
  }
  if (entries.length !== 2)
    throw new Error(
      `shape: expected [N, d] (two numbers), got ${entries.length} value${entries.length === 1 ? '' : 's'}`
    );
  const [n, d] = entries.map((v, i) => {
    const name = i === 0 ? 'N' : 'd';
    if (!Number.isFinite(v)) throw new Error(`shape: ${name} = ${v} is not a finite number`);
    const k = Math.trunc(v) + 0; // int(v); + 0 turns -0 into 0
    if (k < 1) throw new Error(`shape: ${name} = int(${v}) = ${k} is below 1`);
    if (!Number.isSafeInteger(k)) throw new Error(`shape: ${name} = ${v} is too large`);
    return k;
  });
  return { n, d };
}

/** Why alpha_bar[0] = 1 (the Python helper says the same, python/ddpm_lab.py). */
const ALPHA_BAR_PREV_HINT =
  'alpha_bar[0] = 1 is the value before the first step (alphas_cumprod_prev); alpha_bar[t] is the product up to step t included, alpha_bar[0] = 1 - betas[0]';

/**
 * Validates the five inputs (a parsed JSON value) and returns them as float32 SamplerInputs.
 * Throws Error with a one-line `field: problem` message on the first problem.
 */
export function readInputs(json: unknown): ReadInputsResult {
  if (!isObject(json)) {
    throw new Error(`inputs: expected a JSON object with the keys ${INPUT_KEYS.join(', ')}, got ${describe(json)}`);
  }
  const obj = json as Record<string, unknown>;
  const unknown = Object.keys(obj).filter((k) => !(INPUT_KEYS as readonly string[]).includes(k));
  if (unknown.length) {
    throw new Error(
      `inputs: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')} (expected exactly ${INPUT_KEYS.join(', ')})`
    );
  }
  for (const k of INPUT_KEYS) {
    if (!(k in obj) || obj[k] === undefined)
      throw new Error(`${k}: missing (the inputs need ${INPUT_KEYS.join(', ')})`);
  }
  const warnings: string[] = [];

  const { n, d } = readShape(obj.shape);
  if (n * d > MAX_SAMPLE_ELEMENTS) {
    throw new Error(
      `shape: N*d = ${n}*${d} = ${n * d} elements exceeds the limit of ${MAX_SAMPLE_ELEMENTS} (the run would need about ${formatBytes(samplerWorkingBytes(n, d))})`
    );
  }
  if (samplerWorkingBytes(n, d) > MAX_WORKING_BYTES) {
    throw new Error(
      `shape: (N, d) = (${n}, ${d}) needs about ${formatBytes(samplerWorkingBytes(n, d))} of working memory, above the limit of ${formatBytes(MAX_WORKING_BYTES)}`
    );
  }

  const w = readArray(obj.w_model, 'w_model');
  if (w.shape.length !== 2 || w.shape[0] !== d + 1 || w.shape[1] !== d) {
    // (d, d + 1): an nn.Linear(d + 1, d)'s weight, which it applies as x @ weight.T
    const transposed = w.shape.length === 2 && w.shape[0] === d && w.shape[1] === d + 1;
    throw new Error(
      `w_model: expected shape (${d + 1}, ${d}) for d = ${d}, got ${pythonTuple(w.shape)}${transposed ? `, its transpose (an nn.Linear's weight is (out, in) and is applied as x @ weight.T: pass weight.T)` : ''}`
    );
  }
  requireFinite(w, 'w_model');

  const betas = read1d(obj.betas, 'betas');
  const T = betas.values.length;
  if (T < 1) throw new Error('betas: expected at least one value, got an empty list');
  if (T > MAX_STEPS) throw new Error(`betas: T = ${T} steps exceeds the limit of ${MAX_STEPS}`);
  requireFinite(betas, 'betas');
  const betasF32 = Float32Array.from(betas.values);
  for (let t = 0; t < T; t++) {
    if (!(betasF32[t] > 0 && betasF32[t] < 1)) {
      throw new Error(
        `betas: betas[${t}] = ${betas.values[t]} is outside (0, 1)${betasF32[t] !== betas.values[t] && (betasF32[t] === 0 || betasF32[t] === 1) ? ` in float32 (it rounds to ${betasF32[t]})` : ''}`
      );
    }
  }

  const alphaBar = read1d(obj.alpha_bar, 'alpha_bar');
  if (alphaBar.values.length < T) {
    throw new Error(`alpha_bar: expected at least ${T} values (as many as betas), got ${alphaBar.values.length}`);
  }
  requireFinite(alphaBar, 'alpha_bar');
  const alphaBarF32 = Float32Array.from(alphaBar.values);
  for (let t = 0; t < T; t++) {
    if (!(alphaBarF32[t] >= 0 && alphaBarF32[t] < 1)) {
      const rounded =
        alphaBarF32[t] !== alphaBar.values[t] && alphaBarF32[t] === 1
          ? ` in float32 (it rounds to ${alphaBarF32[t]})`
          : '';
      throw new Error(
        `alpha_bar: alpha_bar[${t}] = ${alphaBar.values[t]} is outside [0, 1)${rounded} (1 - alpha_bar[t] must be positive)${t === 0 && alphaBar.values[0] === 1 ? `; ${ALPHA_BAR_PREV_HINT}` : ''}`
      );
    }
  }
  if (alphaBar.values.length > T) {
    const extra = alphaBar.values.length - T;
    warnings.push(
      `alpha_bar: ${extra} value${extra > 1 ? 's' : ''} beyond len(betas) = ${T} ${extra > 1 ? 'are' : 'is'} not used`
    );
  }

  const seed = parseSeed(obj.seed, 'seed');
  if (T > 1) stepSeed(seed, T - 1); // the largest step seed, seed + 100 + T - 1, must be a valid PyTorch seed too

  // the same text runSampler reports; for a float64 schedule that is its own float64 cumprod, a note instead
  const scheduleWarning =
    float64CumprodNote(betas.values, alphaBar.values) ?? checkSchedule(betasF32, alphaBarF32).warning;
  if (scheduleWarning) warnings.push(scheduleWarning);
  for (const [field, a] of [
    ['w_model', w],
    ['betas', betas],
    ['alpha_bar', alphaBar]
  ] as const) {
    if (a.float64)
      warnings.push(
        `${field}: given as float64; rounded to float32 (the sampler runs in float32, like PyTorch's default dtype)`
      );
    if (a.rounded)
      warnings.push(
        `${field}: read from a print with ${a.rounded}, which rounds its values: unless your ${field} holds exactly these decimals, this is not a run of your inputs (give ${field}.tolist() for its exact values)`
      );
  }

  const inputs: SamplerInputs = {
    wModel: { rows: d + 1, cols: d, data: Float32Array.from(w.values) },
    n,
    d,
    betas: betasF32,
    alphaBar: alphaBarF32,
    seed
  };
  const writtenSchedule = writtenScheduleOf(obj, betas, alphaBar, inputs);
  return { inputs, warnings, ...(writtenSchedule ? { writtenSchedule } : {}) };
}

/** Parses a JSON file's text (`source` names it in messages) and reads the inputs from it. */
export function parseInputsText(text: string, source: string): ReadInputsResult {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text; // a byte order mark (editors on Windows write one)
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    // NaN, Infinity, -Infinity: what Python's json.dump writes for non-finite floats, which JSON does not allow; read
    // as the strings "nan", "inf", "-inf", the field that holds one says so ("betas: non-finite value nan at [3]")
    // where that is what is wrong with the file; else the JSON error stands
    const named = withNonFiniteStrings(body);
    if (named !== null) {
      try {
        readInputsJson(named, body);
      } catch (field) {
        if (/non-finite/.test(errorFirstLine(field))) throw field;
        // the seed: one number, read as the string "nan" or "inf", which its message would quote as written
        const seed = /"seed"\s*:\s*(-?(?:NaN|Infinity))\b/.exec(body);
        if (seed && errorFirstLine(field).startsWith('seed:'))
          throw new Error(`seed: expected an integer (a number or a decimal string), got ${seed[1]}`);
      }
    }
    throw new Error(`${source}: ${jsonErrorText(body, e)}`);
  }
  return readInputsJson(json, body);
}

/** `text` parsed with each bare NaN, Infinity or -Infinity (outside strings) read as "nan", "inf", "-inf"; null when it has none or is still no JSON. */
function withNonFiniteStrings(text: string): unknown {
  let found = false;
  const replaced = text.replace(/"(?:[^"\\]|\\.)*"|-?\b(?:NaN|Infinity)\b/g, (token) => {
    if (token.startsWith('"')) return token;
    found = true;
    return token === 'NaN' ? '"nan"' : token.startsWith('-') ? '"-inf"' : '"inf"';
  });
  if (!found) return null;
  try {
    return JSON.parse(replaced);
  } catch {
    return null;
  }
}

/**
 * readInputs of `json`, parsed from `text`: a JSON-number seed that lost digits in JSON.parse is refused first, quoting
 * the digits as written.
 */
export function readInputsJson(json: unknown, text: string): ReadInputsResult {
  if (isObject(json)) {
    const scan = scanJson(text); // once, for both checks
    checkRepeatedKeys(scan);
    checkSeedDigits(json, text, scan);
  }
  return readInputs(json);
}

/** An input given twice in the file: JSON.parse keeps the last, so the first would be dropped unseen. */
function checkRepeatedKeys(scan: JsonScan): void {
  const [key] = scan.repeated;
  if (key !== undefined)
    throw new Error(
      `${/^\w+$/.test(key) ? key : JSON.stringify(clipped(key, 40))}: given more than once in the file (JSON would keep only the last); keep one`
    );
}

/** A seed written as a JSON number beyond 2^53 has lost digits in JSON.parse: refuse it, quoting it as written. */
function checkSeedDigits(json: Record<string, unknown>, text: string, scan: JsonScan): void {
  const seed = json.seed;
  if (typeof seed !== 'number' || !Number.isFinite(seed) || Number.isSafeInteger(seed) || !Number.isInteger(seed))
    return;
  const span = scan.members.get('seed');
  const written = span ? text.slice(span[0], span[1]) : '';
  if (!/^-?[0-9]+$/.test(written)) return; // 1e20 and the like: parseSeed explains
  parseSeed(written, 'seed'); // out of PyTorch's range whatever the digits: say that
  const reads = BigInt(seed);
  const lost = BigInt(written) !== reads ? ` (it reads as ${reads})` : '';
  throw new Error(
    `seed: ${written} is 2^53 or more in magnitude, where JSON numbers lose digits${lost}; give the seed as a decimal string: "${written}"`
  );
}

/** "invalid JSON at line 3, column 7: Unexpected token ..." (jsonErrorDetail), or that the text is empty. */
function jsonErrorText(text: string, e: unknown): string {
  // (JSON's whitespace only: a no-break space is a character, which the detail names)
  return /^[ \t\r\n]*$/.test(text)
    ? 'empty: expected one JSON object with w_model, shape, betas, alpha_bar and seed'
    : `invalid JSON${jsonErrorDetail(text, e)}`;
}

/** The five inputs as an `.inputs.json` file holds them, numbers as the decimals `format` gives (for files and scripts). */
export function inputsToFileJson(inputs: SamplerInputs, format: (v: number) => number): Record<string, unknown> {
  const { wModel, n, d, betas, alphaBar, seed } = inputs;
  const rows: number[][] = [];
  for (let r = 0; r < wModel.rows; r++)
    rows.push(Array.from(wModel.data.subarray(r * wModel.cols, (r + 1) * wModel.cols), format));
  return {
    w_model: rows,
    shape: [n, d],
    betas: Array.from(betas, format),
    alpha_bar: Array.from(alphaBar, format),
    seed: Number.isSafeInteger(Number(seed)) ? Number(seed) : seed.toString()
  };
}

/** betas and alpha_bar as an inputs file writes them, as doubles (see writtenScheduleOf). */
export interface WrittenSchedule {
  betas: number[];
  alphaBar: number[];
}

/**
 * betas and alpha_bar as the inputs write them, as doubles, when some are not the float32 values the sampler uses:
 * what `torch.tensor([...], dtype=torch.float64)` of those numbers holds, for the diagnosis's float64-schedule entry.
 * Each must be given as numbers (a JSON list, read as doubles) or as a float64 tensor's text (`tensor([...],
 * dtype=torch.float64)`: its decimals as doubles); undefined otherwise (a float32 print) or when they are exact.
 */
function writtenScheduleOf(
  json: Record<string, unknown>,
  betas: ReadArray,
  alphaBar: ReadArray,
  inputs: SamplerInputs
): WrittenSchedule | undefined {
  const written = (v: unknown, a: ReadArray, T: number): number[] | undefined =>
    Array.isArray(v) || a.float64 ? Array.from(a.values.subarray(0, T)) : undefined;
  const T = inputs.betas.length; // the loop reads alpha_bar[0..T-1] only
  const b = written(json.betas, betas, T);
  const ab = written(json.alpha_bar, alphaBar, T);
  if (!b || !ab) return undefined;
  const differs = (a: number[], f32: Float32Array): boolean => a.some((x, i) => x !== f32[i]);
  return differs(b, inputs.betas) || differs(ab, inputs.alphaBar) ? { betas: b, alphaBar: ab } : undefined;
}
