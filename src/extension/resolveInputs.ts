// Where "DDPM: Run Sampler" gets its inputs, as pure logic on plain strings (no `vscode` here, so
// test/unit/inputSource.test.ts runs it in Node): the active editor's selection or whole text when it
// holds inputs, or N, d, T, seed typed into input boxes. inputSource.ts is the VS Code side.
import { INPUT_KEYS, parseInputsText, readInputs, readInputsJson, type WrittenSchedule } from '../core/sampler/inputs';
import { MAX_SAMPLE_ELEMENTS, MAX_STEPS } from '../core/sampler/limits';
import { randnSeeded } from '../core/rng/randn';
import { parseSeed } from '../core/rng/seed';
import { alphaBarFromBetas, cosineSchedule, linearSchedule } from '../core/sampler/schedules';
import type { MatmulProfile, RngProfile, SamplerInputs } from '../core/types';
import { isObject } from '../core/describe';
import { errorFirstLine } from '../core/errors';
import { matrixRows } from './workerProtocol';
import type { NotebookCellText } from '../core/notebook/cellLanguage/interpreter';

export type Resolution =
  | {
      kind: 'inputs';
      inputs: SamplerInputs;
      warnings: string[];
      origin: string;
      profile?: RngProfile;
      /** a sample(matmul=...) of cell-language text */
      matmul?: MatmulProfile;
      /** the schedule as the text writes it, when not exactly float32 (a comparison's diagnosis tries it) */
      writtenSchedule?: WrittenSchedule;
      /** the URI of the file or editor the inputs were read from: its folder's ddpmLab.* settings are the run's */
      source?: string;
    }
  | { kind: 'none'; reason: string }
  | { kind: 'error'; message: string };

/**
 * Runs DDPM cell-language text (w_model = ..., betas = linspace(...), ...) and returns the inputs it
 * defines; throws an Error with a one-line `line L, column C: ...` message. null when the text
 * defines none of the five inputs. Supplied by the caller (the cell language's interpreter, src/core/notebook/cellLanguage).
 */
export type CellInputsInterpreter = (
  text: string,
  origin: string
) => {
  inputs: SamplerInputs;
  warnings: string[];
  profile?: RngProfile;
  matmul?: MatmulProfile;
  writtenSchedule?: WrittenSchedule;
} | null;

/** Reads the inputs of a DDPM notebook's cells up to the active one (the interpreter's interpretCellsInputs). */
export type NotebookCellsInterpreter = (cells: readonly NotebookCellText[]) => ReturnType<CellInputsInterpreter>;

/**
 * What a DDPM notebook's code cells up to the active one (the last of `cells`) hold, read in order without sampling
 * (interpretCellsInputs): "DDPM: Run Sampler" in a notebook cell, so that a `sample()` cell uses the variables the
 * cells above it assign; `selection`: the last cell's text is the editor's selection in it. Errors name the cell
 * (`seed.ddpmnb: cell 3: line 1, column 8: ...`).
 */
export function resolveInputsFromCells(
  cells: readonly NotebookCellText[],
  notebookName: string,
  interpret: NotebookCellsInterpreter,
  opts: { selection?: boolean } = {}
): Resolution {
  const last = cells[cells.length - 1];
  if (!last) return { kind: 'none', reason: `${notebookName} has no DDPM code cell up to the active one` };
  const origin =
    (cells.length === 1
      ? `${notebookName}, cell ${last.index + 1}`
      : `${notebookName}, cells ${cells[0].index + 1} to ${last.index + 1}`) + (opts.selection ? ' (selection)' : '');
  try {
    const r = interpret(cells);
    if (r) return { kind: 'inputs', ...r, origin };
  } catch (e) {
    return { kind: 'error', message: `${notebookName}: ${errorFirstLine(e)}` };
  }
  return { kind: 'none', reason: `${origin} ${cells.length === 1 ? 'holds' : 'hold'} no DDPM inputs` };
}

const ASSIGNS_AN_INPUT = new RegExp(`^[ \\t]*(${INPUT_KEYS.join('|')})[ \\t]*=(?!=)`, 'm');

/** How sure the caller is that the text is meant as inputs. */
export interface ResolveOptions {
  /**
   * false: a document that merely might hold inputs (a Python script assigning `betas = ...`, notes, an ini file):
   * text that the cell language cannot read is not ours (the quick pick follows), not an error. Default true: a
   * selection, a file the user chose, a DDPM cell or a plain-text document, whose errors are shown.
   */
  intended?: boolean;
}

/** Whether an editor's whole document of this language is meant as DDPM inputs (its cell-language errors are shown). */
export function intendedLanguage(languageId: string): boolean {
  return languageId === 'ddpm' || languageId === 'plaintext' || languageId === 'json' || languageId === 'jsonc';
}

/** What `text` (an editor's selection or whole document) holds: sampler inputs, nothing of ours, or broken inputs. */
export function resolveInputsFromText(
  text: string,
  origin: string,
  interpret?: CellInputsInterpreter,
  opts: ResolveOptions = {}
): Resolution {
  const trimmed = text.trim();
  if (!trimmed) return { kind: 'none', reason: `${origin} is empty` };
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (e) {
      // Broken JSON that names our keys is an inputs file with a typo: say where; anything else is not ours.
      if (INPUT_KEYS.some((k) => trimmed.includes(`"${k}"`))) {
        try {
          parseInputsText(text, origin); // throws the message with line and column (of the text as given)
        } catch (err) {
          return { kind: 'error', message: errorFirstLine(err) };
        }
        return { kind: 'error', message: `${origin}: ${errorFirstLine(e)}` };
      }
      return { kind: 'none', reason: `${origin} is not DDPM inputs JSON` };
    }
    if (!isObject(json)) return { kind: 'none', reason: `${origin} is not a JSON object` };
    if (!INPUT_KEYS.some((k) => k in json))
      return { kind: 'none', reason: `${origin} has none of the keys ${INPUT_KEYS.join(', ')}` };
    // a training config that shares a key or two (`{"seed": 42, "lr": 1e-4}`) is not ours; JSON of input keys only,
    // or holding three of the five (an inputs file with a key missing, misspelt or too many), is, and its message
    // says what is wrong
    const keys = Object.keys(json);
    const known = (k: string): boolean => (INPUT_KEYS as readonly string[]).includes(k);
    if (!keys.every(known) && INPUT_KEYS.filter((k) => k in json).length < 3)
      return { kind: 'none', reason: `${origin} is JSON with other keys than ${INPUT_KEYS.join(', ')}` };
    try {
      const { inputs, warnings, writtenSchedule } = readInputsJson(json, trimmed);
      return { kind: 'inputs', inputs, warnings, origin, ...(writtenSchedule ? { writtenSchedule } : {}) };
    } catch (e) {
      return { kind: 'error', message: errorFirstLine(e) };
    }
  }
  if (ASSIGNS_AN_INPUT.test(text) && interpret) {
    try {
      const r = interpret(text, origin);
      if (r) return { kind: 'inputs', ...r, origin };
    } catch (e) {
      if (opts.intended === false)
        return { kind: 'none', reason: `${origin} holds no DDPM inputs the cell language reads` };
      return { kind: 'error', message: `${origin}: ${errorFirstLine(e)}` };
    }
  }
  return { kind: 'none', reason: `${origin} holds no DDPM inputs` };
}

/** The "enter N, d, T, seed" path of the quick pick. */
export interface GeneratedSpec {
  n: number;
  d: number;
  T: number;
  seed: bigint;
  schedule: 'linear' | 'cosine';
}

/**
 * Validation message for a count typed into an input box (N, d or T), or undefined when it is fine.
 * Counts are whole numbers of at least 1; the memory limit is checked later by readInputs.
 */
export function countProblem(field: string, text: string): string | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return `${field}: expected a whole number of at least 1, got ${JSON.stringify(text)}`;
  const v = Number(t);
  if (v < 1) return `${field}: expected at least 1, got ${t}`;
  if (!Number.isSafeInteger(v)) return `${field}: ${t} is too large`;
  return undefined;
}

/** The memory limits of src/core/limits.ts, checked before anything is generated; undefined when the spec fits. */
export function specProblem(spec: GeneratedSpec): string | undefined {
  const { n, d, T } = spec;
  if (n * d > MAX_SAMPLE_ELEMENTS)
    return `shape: N*d = ${n}*${d} = ${n * d} elements exceeds the limit of ${MAX_SAMPLE_ELEMENTS}`;
  // w_model is (d + 1, d): bounded like a sample so that generating it stays within memory
  if ((d + 1) * d > MAX_SAMPLE_ELEMENTS)
    return `w_model: (d + 1)*d = ${(d + 1) * d} elements for d = ${d} exceeds the limit of ${MAX_SAMPLE_ELEMENTS}`;
  if (T > MAX_STEPS) return `betas: T = ${T} steps exceeds the limit of ${MAX_STEPS}`;
  return undefined;
}

/** Validation message for the seed input box (PyTorch's range; the w_model generator uses seed + 1), or undefined. */
export function seedProblem(text: string): string | undefined {
  let seed: bigint;
  try {
    seed = parseSeed(text.trim(), 'seed');
  } catch (e) {
    return errorFirstLine(e);
  }
  if (seed + 1n >= 1n << 64n) return 'seed: must be below 2^64 - 1 here (w_model is drawn with seed + 1)';
  return undefined;
}

// w_model = 0.1 * torch.randn(d + 1, d, generator=torch.Generator().manual_seed(seed + 1)): float32 product of float32(0.1) and each value
const W_MODEL_SCALE_F32 = Math.fround(0.1);

/** The w_model of generated inputs: `torch.randn(d + 1, d, generator=torch.Generator().manual_seed(seed + 1)) * 0.1` (float32). */
export function generatedWModel(d: number, seed: bigint, profile: RngProfile): Float32Array {
  const w = randnSeeded(seed + 1n, (d + 1) * d, profile);
  for (let i = 0; i < w.length; i++) w[i] = Math.fround(w[i] * W_MODEL_SCALE_F32);
  return w;
}

/**
 * Inputs from N, d, T, seed: betas = linear_schedule(T) (torch.linspace(1e-4, 0.02, T)) or
 * cosine_schedule(T, s=0.008) (src/core/schedules.ts), alpha_bar = torch.cumprod(1 - betas, 0), and the
 * generated w_model above.
 */
export function generateInputs(
  spec: GeneratedSpec,
  profile: RngProfile
): { inputs: SamplerInputs; warnings: string[] } {
  const problem = specProblem(spec);
  if (problem) throw new Error(problem);
  // torch.linspace's vectorised kernel differs between builds, so the linear schedule follows the profile too
  const betas = spec.schedule === 'cosine' ? cosineSchedule(spec.T) : linearSchedule(spec.T, 1e-4, 0.02, profile);
  const json = {
    w_model: matrixRows(generatedWModel(spec.d, spec.seed, profile), spec.d),
    shape: [spec.n, spec.d],
    betas: Array.from(betas),
    alpha_bar: Array.from(alphaBarFromBetas(betas)),
    seed: spec.seed.toString()
  };
  return readInputs(json);
}

/** How a generated run is described in the panel and the PyTorch script header. */
export function describeGenerated(spec: GeneratedSpec): string {
  return `N = ${spec.n}, d = ${spec.d}, T = ${spec.T}, seed = ${spec.seed}, ${spec.schedule} schedule, w_model = 0.1 * randn(d + 1, d) seeded with seed + 1`;
}
