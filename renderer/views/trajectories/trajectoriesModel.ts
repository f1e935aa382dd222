// What the trajectories view draws, computed without the DOM or plotly: which plots for which d,
// decimation of long paths within a point budget, the dimension chooser and the sentence about what is recorded
// and drawn. The 2-D projection for d >= 3 is in pca.ts; the paths are drawn per pixel by pathRaster.ts.
import type { MatrixF32 } from '../../../src/core/types';
import { at } from '../commonModel';

/** Indices of 0..count-1 to draw when at most `max` may be: evenly spaced, first and last always kept. */
export function decimateIndices(count: number, max: number): number[] {
  if (count <= 0) return [];
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  if (max < 2) return count === 1 ? [0] : [0, count - 1];
  const out: number[] = [];
  for (let k = 0; k < max; k++) {
    const i = Math.round((k * (count - 1)) / (max - 1));
    if (out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

/**
 * Points drawn at most for all paths of a plot together, per pixel (pathRaster.ts: about 30 ms per million points).
 */
export const PATH_POINT_BUDGET = { raster: 20_000_000 } as const;

/** Which samples and which states are drawn as paths so that samples x states fits the budget. */
export interface PathSelection {
  samples: number[];
  states: number[];
  /** says what was left out, when something was */
  note?: string;
}

export function selectPaths(n: number, stateCount: number, budget: number): PathSelection {
  // keep every sample while at least 16 states per path fit, else thin the samples too
  const maxSamples = Math.max(1, Math.floor(budget / Math.min(stateCount, 16)));
  const samples = decimateIndices(n, maxSamples);
  const states = decimateIndices(stateCount, Math.max(2, Math.floor(budget / samples.length)));
  const parts: string[] = [];
  if (samples.length < n) parts.push(`${samples.length} of ${n} samples`);
  if (states.length < stateCount)
    parts.push(`${states.length} of ${stateCount} recorded states per path (evenly spaced, first and last kept)`);
  return { samples, states, note: parts.length ? `Drawn: ${parts.join(', ')}.` : undefined };
}

/**
 * One sentence saying what the paths show, counted in states x_t throughout (a recorded step t holds x_t and
 * x_{t-1}, so steps and states are different counts): how many states were recorded of the T + 1 (and why fewer,
 * from the recording's own note), and how many of those each path draws, for how many samples.
 */
export function pathsSentence(
  T: number,
  recordedSteps: number,
  stateCount: number,
  recordingNote: string | undefined,
  sel: { samples: number; states: number } | undefined,
  n: number
): string {
  const why = recordingNote ? /to stay within (.*?)(?: \(|;|$)/.exec(recordingNote)?.[1] : undefined;
  const recorded =
    stateCount >= T + 1
      ? `all ${T + 1} states x_${T} … x_0 (every step)`
      : `${stateCount} of the ${T + 1} states x_${T} … x_0 (from ${recordedSteps} of the ${T} steps${why ? `, to stay within ${why}` : ''})`;
  if (!sel) return `Recorded: ${recorded}.`;
  const drawn =
    sel.states >= stateCount
      ? 'every recorded state'
      : `${sel.states} of them, evenly spaced with the first and the last`;
  const samples =
    sel.samples >= n
      ? n === 1
        ? 'the sample'
        : `all ${n} samples`
      : `${sel.samples} of the ${n} samples, evenly spaced`;
  return `Recorded: ${recorded}; each path draws ${drawn}, for ${samples}.`;
}

/** Project the point of sample `row` of a (N, 2) state onto the plane. */
export function identityPlane(m: MatrixF32, row: number): [number, number] {
  return [at(m, row, 0), at(m, row, 1)];
}

/** Which trajectory plots a run gets: a plane (x itself, or its projection on principal components) and/or dimensions against t. */
export interface TrajectoryKinds {
  plane: 'identity' | 'pca' | null;
  dimsVsStep: boolean;
}

/** Which trajectory plots a run gets: the plane itself for d = 2, otherwise dimensions vs t (+ PCA for d >= 3). */
export function trajectoryLayout(d: number): TrajectoryKinds {
  if (d === 2) return { plane: 'identity', dimsVsStep: false };
  return { plane: d >= 3 ? 'pca' : null, dimsVsStep: true };
}

/**
 * Parses the dimension chooser's text ("0, 1, 5") against d; throws `dimensions: ...` one-liners.
 * At most `max` dimensions.
 */
export function parseDimensions(text: string, d: number, max = 6): number[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (!parts.length) throw new Error(`dimensions: enter one or more of 0..${d - 1}`);
  const dims: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) throw new Error(`dimensions: "${p}" is not a whole number`);
    const j = Number(p);
    if (j >= d) throw new Error(`dimensions: ${j} is out of range 0..${d - 1}`);
    if (!dims.includes(j)) dims.push(j);
  }
  if (dims.length > max) throw new Error(`dimensions: at most ${max} at a time, got ${dims.length}`);
  return dims;
}

export function defaultDimensions(d: number): number[] {
  return Array.from({ length: Math.min(d, 2) }, (_, i) => i);
}
