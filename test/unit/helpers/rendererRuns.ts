// Runs and matrices for the renderer's model tests (test/unit/renderer/): structurally valid runs with
// arbitrary values, matrices from float32 bits, the numbers of a printed tensor, and a theme's colours.
import type { MatrixF32, RecordPolicy, RunResult, TrajectoryStep } from '../../../src/core/types';
import { LIGHT, type ThemeColors } from '../../../renderer/theme';

/** The light theme's colours as renderer/theme.ts falls back to them, for figures built without a page. */
export const LIGHT_THEME: ThemeColors = { kind: 'light', ...LIGHT, fontFamily: 'sans-serif', fontSize: 13 };

/** An (rows, cols) float32 matrix holding value(i, j) at (i, j). */
export function matrix(rows: number, cols: number, value: (i: number, j: number) => number): MatrixF32 {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = value(i, j);
  return { rows, cols, data };
}

/** A structurally valid run (values are arbitrary, not a sampler's): state t holds value(t, i, j). */
export function syntheticRun(
  n: number,
  d: number,
  T: number,
  policy: RecordPolicy = { kind: 'all' },
  value = (t: number, i: number, j: number) => Math.sin(t * 0.7 + i * 1.3 + j * 2.1)
): RunResult {
  const state = (t: number): MatrixF32 => matrix(n, d, (i, j) => value(t, i, j));
  const steps: TrajectoryStep[] = [];
  for (let t = T - 1; t >= 0; t--) {
    const keep = policy.kind === 'all' || (policy.kind === 'every' && t % policy.k === 0);
    if (!keep) continue;
    steps.push({
      t,
      x: state(t + 1),
      eps: state(t + 0.5),
      mean: state(t + 0.25),
      z: t > 0 ? state(t + 0.125) : null,
      xPrev: state(t)
    });
  }
  return {
    schema: 'ddpm-lab.run/1',
    inputs: { n, d, T, seed: '1', profile: 'avx2-fma' },
    sample: state(0),
    trajectory: { policy, steps },
    schedule: {
      betas: new Float32Array(T).fill(0.01),
      alphaBar: new Float32Array(T).fill(0.5),
      alphaBarMatchesCumprod: false,
      maxAlphaBarDiff: 0
    },
    warnings: [],
    timing: { elapsedMs: 0, finishedAt: new Date(0).toISOString() }
  };
}

/** An (rows, cols) matrix from float32 bits, row-major. */
export function bitsToMatrix(bits: number[], rows: number, cols: number): MatrixF32 {
  return { rows, cols, data: new Float32Array(new Uint32Array(bits).buffer) };
}

/** The numbers of a printed tensor, in order (what a reader sees). */
export function printedNumbers(text: string): string[] {
  return text.slice('tensor('.length).match(/-?(?:inf|nan|\d+(?:\.\d*)?(?:e[+-]\d+)?)/g) ?? [];
}
