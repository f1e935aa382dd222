// Model helpers every view uses, without the DOM or plotly: matrix access, the run's recorded states,
// plotted gaps for non-finite values and the choice between SVG and WebGL scatter traces.
import type { MatrixF32, RunResult } from '../../src/core/types';

/** Element (row, col) of a row-major matrix. */
export function at(m: MatrixF32, row: number, col: number): number {
  return m.data[row * m.cols + col];
}

/**
 * The recorded states of the sampling, in sampling order. State t is x_t in Ho et al.'s numbering:
 * x_T is the initial noise (the input of step T-1), x_t is the output of step t, x_0 is the sample.
 */
export interface TrajectoryStates {
  /** descending t of each state */
  t: number[];
  mats: MatrixF32[];
}

export function trajectoryStates(run: RunResult): TrajectoryStates {
  const byT = new Map<number, MatrixF32>();
  for (const step of run.trajectory.steps) {
    if (!byT.has(step.t + 1)) byT.set(step.t + 1, step.x);
    byT.set(step.t, step.xPrev);
  }
  if (!byT.has(0)) byT.set(0, run.sample);
  const t = [...byT.keys()].sort((a, b) => b - a);
  return { t, mats: t.map((k) => byT.get(k) as MatrixF32) };
}

/** v when finite, else NaN: a gap in a plotted line. */
export function finiteOrNaN(v: number): number {
  return Number.isFinite(v) ? v : NaN;
}

/** Above this many points a trace is drawn with WebGL (scattergl) when WebGL is available. */
export const GL_THRESHOLD_POINTS = 2_000;

/**
 * Whether WebGL traces may be used here, asked only when a figure would use one: finding out creates a WebGL context,
 * tens of milliseconds with software GL on a page's first draw (README "Performance").
 */
export type WebglProbe = () => boolean;

/** For a figure drawn without WebGL traces (a sketch, plotly's SVG redraw after WebGL failed). */
export const NO_WEBGL: WebglProbe = () => false;

export function scatterTraceType(points: number, webgl: WebglProbe): 'scattergl' | 'scatter' {
  return points > GL_THRESHOLD_POINTS && webgl() ? 'scattergl' : 'scatter';
}

/**
 * The samples (rows) that hold inf or nan in some state, and the first state (in sampling order) where one does:
 * the plots leave such values out (a path stops there, a point is not drawn), so the views say so.
 */
export function nonFiniteSamples(states: TrajectoryStates): { count: number; firstT: number | null } {
  const rows = states.mats[0]?.rows ?? 0;
  const bad = new Uint8Array(rows);
  let count = 0;
  let firstT: number | null = null;
  states.mats.forEach((m, k) => {
    for (let i = 0; i < m.rows; i++) {
      if (bad[i]) continue;
      for (let j = 0; j < m.cols; j++) {
        if (Number.isFinite(m.data[i * m.cols + j])) continue;
        bad[i] = 1;
        count++;
        firstT ??= states.t[k];
        break;
      }
    }
  });
  return { count, firstT };
}

/** The views' sentence for nonFiniteSamples, or undefined when every value is finite. */
export function nonFiniteNote(states: TrajectoryStates): string | undefined {
  const { count, firstT } = nonFiniteSamples(states);
  if (count === 0) return undefined;
  const n = states.mats[0].rows;
  return `${count} of ${n} sample${n === 1 ? '' : 's'} reach inf or nan (the first at x_${firstT}): a plot leaves out what is not finite, so their paths stop there and their points are not drawn.`;
}

/**
 * The tick spacing of an axis of steps t (whole numbers): plotly's automatic ticks fall on halves or fifths when the
 * plotted steps span 10 or fewer (t = 2.5 on a 4-step run), so such an axis is ticked at every step; a wider span
 * is left to plotly, whose automatic spacing is then a whole number (it aims at no more than 10 ticks).
 */
export function stepTicks(...series: ArrayLike<number | null>[]): { dtick?: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series)
    for (let k = 0; k < s.length; k++) {
      const v = s[k];
      if (v === null || !Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return hi >= lo && hi - lo <= 10 ? { dtick: 1 } : {};
}
