// Shared by the comparison tests (test/unit/core/compare/): the fixtures scripts/fixtures/compare.py makes from real
// PyTorch (test/fixtures/compare/*.json), and small readers of a Comparison.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { FIXTURES } from './paths';
import { fromBits } from './bits';
import { readInputs } from '../../../src/core/sampler/inputs';
import { runSampler } from '../../../src/core/sampler/sampler';
import type { Comparison, MatrixF32 } from '../../../src/core/types';

const COMPARE_FIXTURES = path.join(FIXTURES, 'compare');

export interface AssertCloseCase {
  name: string;
  shape: [number, number];
  actual: number[];
  expected: number[];
  expectedText: string;
  rtol: number;
  atol: number;
  message: string | null;
  equalityMessage: string | null;
  equalitySkipped: boolean;
}
export interface Paste {
  kind: string;
  text: string;
  matches: boolean;
  mismatchIndices: [number, number][];
  toleranceMessage: string | null;
  note: 'overlap' | 'reshaped' | 'scalar' | null;
}
export interface VerdictCase {
  name: string;
  inputs: unknown;
  shape: [number, number];
  avx2fma: number[];
  scalar: number[];
  pastes: Paste[];
}

export const assertClose = JSON.parse(readFileSync(path.join(COMPARE_FIXTURES, 'assert_close.json'), 'utf8')) as {
  cases: AssertCloseCase[];
  python: { reprs: { hex: string; repr: string }[]; percents: { count: number; total: number; text: string }[] };
};
export const verdicts = JSON.parse(readFileSync(path.join(COMPARE_FIXTURES, 'verdicts.json'), 'utf8')) as {
  cases: VerdictCase[];
  /** a loop's console: print(x) after every step among a progress line, print(t, x.mean()) and print(x.shape) */
  logLinePastes: { inputs: unknown; text: string; sample: number[] }[];
  /** the bundled inputs file's decimals run by PyTorch as a float64 schedule (the schedule-float64 mistake) */
  writtenFloat64: { inputsFile: string; inputsText: string; pastes: { kind: string; text: string }[] };
  /** a correct loop printing x at the top of the loop body, or after each step and once more after the loop */
  placementPastes: { kind: string; inputs: unknown; text: string }[];
  /** prints every 5 steps of 20 labelled with their step (`t = 15`, `step 19`) */
  labelledPastes: { kind: string; inputs: unknown; text: string }[];
  /** w_model printed by PyTorch: default (4 decimals), scientific (w * 1e-5, whose values are `small`), precision=12 */
  printedInputs: {
    inputs: Record<string, unknown>;
    small: number[][];
    prints: { default: string; sci: string; precision12: string };
  };
  /** the example's loop run in float64 on inputs whose float64 x_0, rounded to float32, is the float32 loop's */
  float64Loop: { inputsText: string; notFloat32: number; pastes: { kind: string; text: string }[] };
  /** a float64 schedule's default print that PyTorch's portable kernel also prints (both explain it) */
  ambiguousProfile: { inputs: unknown; text: string };
  /**
   * the example's sample printed as float16 and bfloat16 tensors, and the next seed's so (oursPrintsSo: PyTorch
   * prints our sample converted to that dtype as the text); float32 values and x.half() / x.bfloat16() of them
   * (float32 bit patterns)
   */
  halfPastes: {
    inputsText: string;
    pastes: { dtype: 'float16' | 'bfloat16'; of: string; text: string; oursPrintsSo: boolean }[];
    conversions: { values: number[]; float16: number[]; bfloat16: number[] };
  };
  /** the example's betas (times 1000) printed as complex, integer, bool and float128 tensors and arrays */
  otherDtypePrints: { dtype: string; text: string; style: 'repr' | 'str' }[];
  /** the example's float32 sample, and the seed + t mistake's, printed as x.double() (precision 12, and 8 in sci mode) */
  doublePrints: { inputsText: string; pastes: { kind: string; text: string; matches: boolean }[] };
  /** the example's sample as a list of its rows (print(list(x))), the next seed's so, and x[0] after each step */
  listPastes: {
    inputsText: string;
    pastes: { kind: string; text: string; matches: boolean; matrix: boolean }[];
    /** the same for inputs with more samples than a loop prints states (N = 9, T = 4): rows of one matrix only */
    wide: { inputsText: string; pastes: { kind: string; text: string; matches: boolean; matrix: boolean }[] };
    /** the example's rows printed one a line (for row in x: print(row)), the next seed's so, and x[0] after each step */
    lines: { kind: string; text: string; matches: boolean; matrix: boolean }[];
    /** print(list(x)) and print(list(x.numpy())) of a sample of one row (N = 1), and the next seed's so */
    one: {
      inputsText: string;
      pastes: { kind: string; text: string; matches: boolean }[];
      /** print(xs) of x[0] of x_T and of each state (xs.append(x[0].clone())): prints of shape (2,) */
      states: string;
    };
    /** print(list(x)) of a sample with one row in scientific notation (seed 46), and the next seed's so */
    sci: { inputsText: string; pastes: { kind: string; text: string; matches: boolean }[] };
    /** the sample in a Python dict's print, print({'x': x}), and the next seed's so */
    dictPastes: { kind: string; text: string; matches: boolean }[];
  };
};

export const matrix = (shape: [number, number], bits: number[]): MatrixF32 => ({
  rows: shape[0],
  cols: shape[1],
  data: fromBits(bits)
});

/** The (row, col) of every mismatched element. */
export function mismatchIndices(c: Comparison): [number, number][] {
  const out: [number, number][] = [];
  c.mismatchMask.forEach((m, k) => {
    if (m) out.push([Math.floor(k / c.expected.cols), k % c.expected.cols]);
  });
  return out;
}

/** The assert_close block of our summary: everything before our own lines. */
export function assertCloseBlock(summary: string): string {
  return summary.split('\nGreatest distance in float32 ulps')[0];
}

/** Small (rows, cols) samples of finite float32 values. */
export function sampleArbitrary(): fc.Arbitrary<MatrixF32> {
  const finiteF32 = fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
  return fc
    .record({ rows: fc.integer({ min: 1, max: 6 }), cols: fc.integer({ min: 1, max: 5 }) })
    .chain(({ rows, cols }) =>
      fc
        .array(finiteF32, { minLength: rows * cols, maxLength: rows * cols })
        .map((vals) => ({ rows, cols, data: Float32Array.from(vals) }))
    );
}

/** A verdict case (the second by default) run: its inputs, our run, and PyTorch's sample (the same bits). */
export function verdictRun(index = 1) {
  const { inputs } = readInputs(verdicts.cases[index].inputs);
  const run = runSampler(inputs, { record: { kind: 'none' } });
  const theirs = fromBits(verdicts.cases[index].avx2fma);
  return { inputs, run, theirs };
}

/** A (rows, cols) matrix as a JSON list of rows, each number written by fmt. */
export function jsonRows(values: Float32Array, cols: number, fmt: (v: number) => string): string {
  const rows: string[] = [];
  for (let i = 0; i < values.length / cols; i++)
    rows.push(`[${Array.from(values.subarray(i * cols, (i + 1) * cols), fmt).join(',')}]`);
  return `[${rows.join(',')}]`;
}
