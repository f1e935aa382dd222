// What the per-step statistics view draws, computed without the DOM or plotly: mean and spread of x,
// RMS of the predicted noise and of z, and the schedule, on one t axis (float64, for display).
import type { MatrixF32, RunResult } from '../../../src/core/types';
import { at, trajectoryStates } from '../commonModel';

/** Display statistics (float64) of the recorded steps and the schedule, on one t axis. */
export interface StepStatistics {
  /** t of each recorded state (x_t), descending */
  stateT: number[];
  /** mean of x over samples, averaged over dimensions */
  xMean: (number | null)[];
  /** spread of x over samples: sqrt of the mean over dimensions of the unbiased variance (null for N = 1) */
  xSpread: (number | null)[];
  /** t of each recorded step, descending */
  stepT: number[];
  /** root mean square of the predicted noise over all its elements */
  epsRms: (number | null)[];
  /** root mean square of z (null at t = 0, where there is none) */
  zRms: (number | null)[];
  /** 0..T-1 */
  scheduleT: number[];
  betas: number[];
  alphaBar: number[];
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** sqrt(mean(m^2)) over all elements. */
export function rms(m: MatrixF32): number {
  let s = 0;
  for (let i = 0; i < m.data.length; i++) s += m.data[i] * m.data[i];
  return Math.sqrt(s / m.data.length);
}

/** [mean over samples averaged over dims, sqrt(mean over dims of the unbiased variance over samples)]. */
export function meanAndSpread(m: MatrixF32): [number, number] {
  let meanSum = 0;
  let varSum = 0;
  for (let j = 0; j < m.cols; j++) {
    let s = 0;
    for (let i = 0; i < m.rows; i++) s += at(m, i, j);
    const mu = s / m.rows;
    let ss = 0;
    for (let i = 0; i < m.rows; i++) ss += (at(m, i, j) - mu) ** 2;
    meanSum += mu;
    varSum += m.rows > 1 ? ss / (m.rows - 1) : NaN;
  }
  return [meanSum / m.cols, Math.sqrt(varSum / m.cols)];
}

export function stepStatistics(run: RunResult): StepStatistics {
  const states = trajectoryStates(run);
  const ms = states.mats.map(meanAndSpread);
  const steps = run.trajectory.steps;
  const T = run.schedule.betas.length;
  return {
    stateT: states.t,
    xMean: ms.map(([m]) => finiteOrNull(m)),
    xSpread: ms.map(([, s]) => finiteOrNull(s)),
    stepT: steps.map((s) => s.t),
    epsRms: steps.map((s) => finiteOrNull(rms(s.eps))),
    zRms: steps.map((s) => (s.z ? finiteOrNull(rms(s.z)) : null)),
    scheduleT: Array.from({ length: T }, (_, t) => t),
    betas: Array.from(run.schedule.betas),
    alphaBar: Array.from(run.schedule.alphaBar.subarray(0, T))
  };
}

/** Whether a series has a value to draw (a legend entry for a series without one points at nothing). */
export function hasValue(ys: ArrayLike<number | null>): boolean {
  for (let k = 0; k < ys.length; k++) if (ys[k] !== null && Number.isFinite(ys[k])) return true;
  return false;
}

/**
 * Why a series of a run has nothing to draw, where the run's shape says so: the spread of one sample (the unbiased
 * variance divides by N - 1) and z when no recorded step adds noise (only t = 0 was recorded: a 1-step run, or a
 * recording of its last step alone), and both noise series when no step was recorded; undefined when all have values.
 */
export function undrawnNote(stats: StepStatistics, n: number): string | undefined {
  const why: string[] = [];
  if (n < 2 && !hasValue(stats.xSpread))
    why.push('the spread of x (one sample: its unbiased variance divides by N - 1 = 0)');
  if (stats.stepT.length === 0) why.push('the RMS of ε and of z (no step was recorded)');
  else if (stats.stepT.every((t) => t === 0))
    why.push('the RMS of z (the step t = 0 adds no noise, and it is the only step recorded)');
  return why.length ? `Not drawn: ${why.join('; ')}.` : undefined;
}
