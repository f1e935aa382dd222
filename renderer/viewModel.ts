// What the views draw, computed without the DOM or plotly: which views and traces for which
// shapes, decimation of long paths, the 2-D PCA projection for d != 2, per-step statistics,
// histograms and the table models. All verdicts and diff numbers come from src/core (Comparison).
import type { MatrixF32, RunResult } from '../src/core/types';
import { formatFloat32Shortest, formatTensorF32, jsonFloat32 } from '../src/core/tensors/printTensor';

export type ViewId = 'trajectories' | 'statistics' | 'samples' | 'table' | 'diff';

export const VIEW_LABELS: Record<ViewId, string> = {
  trajectories: 'Trajectories',
  statistics: 'Per-step statistics',
  samples: 'Final samples',
  table: 'Table',
  diff: 'Diff vs PyTorch'
};

/** The views a run offers, in tab order, and the one shown first (the diff when there is one). */
export function viewsFor(run: RunResult): { views: ViewId[]; initial: ViewId } {
  const views: ViewId[] = ['trajectories', 'statistics', 'samples', 'table'];
  if (run.comparison) views.push('diff');
  return { views, initial: run.comparison ? 'diff' : 'trajectories' };
}

/** Element (row, col) of a row-major matrix. */
export function at(m: MatrixF32, row: number, col: number): number {
  return m.data[row * m.cols + col];
}

// ---- trajectory states -------------------------------------------------------------------------

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

/** Points drawn at most for all paths together (WebGL, then SVG), and at most for one SVG scatter. */
export const PATH_POINT_BUDGET = { gl: 150_000, svg: 20_000 } as const;
/** Above this many points a trace is drawn with WebGL (scattergl) when WebGL is available. */
export const GL_THRESHOLD_POINTS = 2_000;

export function scatterTraceType(points: number, webgl: boolean): 'scattergl' | 'scatter' {
  return webgl && points > GL_THRESHOLD_POINTS ? 'scattergl' : 'scatter';
}

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
  if (states.length < stateCount) parts.push(`${states.length} of ${stateCount} recorded states per path (evenly spaced, first and last kept)`);
  return { samples, states, note: parts.length ? `Drawn: ${parts.join(', ')}.` : undefined };
}

/** v when finite, else NaN: a gap in a plotted line. */
export function finiteOrNaN(v: number): number {
  return Number.isFinite(v) ? v : NaN;
}

/** One polyline per sample, separated by NaN (one trace draws them all). */
export interface PathsXY {
  x: Float64Array;
  y: Float64Array;
}

/** One NaN-separated polyline per selected sample through point(state index, sample) of each selected state. */
function selectedPaths(sel: PathSelection, point: (s: number, i: number) => [number, number]): PathsXY {
  const len = sel.samples.length * (sel.states.length + 1);
  const x = new Float64Array(len).fill(NaN);
  const y = new Float64Array(len).fill(NaN);
  let k = 0;
  for (const i of sel.samples) {
    for (const s of sel.states) {
      const [px, py] = point(s, i);
      x[k] = finiteOrNaN(px); // inf and nan break the line (plotly cannot place them)
      y[k] = finiteOrNaN(py);
      k++;
    }
    k++; // NaN gap
  }
  return { x, y };
}

/** Paths in a plane: project(m, row) gives the point of sample `row` in state m. */
export function planePaths(
  states: TrajectoryStates,
  sel: PathSelection,
  project: (m: MatrixF32, row: number) => [number, number]
): PathsXY {
  return selectedPaths(sel, (s, i) => project(states.mats[s], i));
}

/** Dimension `dim` of every selected sample against t, one NaN-separated polyline per sample. */
export function dimensionPaths(states: TrajectoryStates, sel: PathSelection, dim: number): PathsXY {
  return selectedPaths(sel, (s, i) => [states.t[s], at(states.mats[s], i, dim)]);
}

/** Project the point of sample `row` of a (N, 2) state onto the plane. */
export function identityPlane(m: MatrixF32, row: number): [number, number] {
  return [at(m, row, 0), at(m, row, 1)];
}

/** Which trajectory plots a run gets: the plane itself for d = 2, otherwise dimensions vs t (+ PCA for d >= 3). */
export function trajectoryLayout(d: number): { plane: 'identity' | 'pca' | null; dimsVsStep: boolean } {
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

// ---- PCA ---------------------------------------------------------------------------------------

/** The first two principal components of a point cloud (float64, for display only). */
export interface Pca2 {
  mean: Float64Array;
  components: [Float64Array, Float64Array];
  /** variance along each component, and the total variance */
  variance: [number, number];
  totalVariance: number;
}

/** Rows fed to the PCA fit at most (evenly spaced over samples x states). */
export const PCA_FIT_ROWS = 20_000;

/** PCA of all recorded states' rows (non-finite rows skipped): covariance + power iteration with deflation. */
export function pcaOfStates(states: TrajectoryStates, d: number): Pca2 {
  const n = states.mats.length ? states.mats[0].rows : 0;
  const total = n * states.mats.length;
  const picks = decimateIndices(total, PCA_FIT_ROWS);
  const mean = new Float64Array(d);
  const rows: Float64Array[] = [];
  for (const p of picks) {
    const m = states.mats[Math.floor(p / n)];
    const r = p % n;
    const row = new Float64Array(d);
    let finite = true;
    for (let j = 0; j < d; j++) {
      row[j] = at(m, r, j);
      if (!Number.isFinite(row[j])) finite = false;
    }
    if (finite) rows.push(row);
  }
  for (const row of rows) for (let j = 0; j < d; j++) mean[j] += row[j];
  for (let j = 0; j < d; j++) mean[j] /= Math.max(1, rows.length);
  const cov = new Float64Array(d * d);
  for (const row of rows) {
    for (let a = 0; a < d; a++) {
      const da = row[a] - mean[a];
      for (let b = a; b < d; b++) cov[a * d + b] += da * (row[b] - mean[b]);
    }
  }
  const denom = Math.max(1, rows.length - 1);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      cov[a * d + b] /= denom;
      cov[b * d + a] = cov[a * d + b];
    }
  }
  let totalVariance = 0;
  for (let a = 0; a < d; a++) totalVariance += cov[a * d + a];
  const [v1, l1] = powerIteration(cov, d, null);
  const [v2, l2] = powerIteration(cov, d, v1);
  return { mean, components: [v1, v2], variance: [l1, l2], totalVariance };
}

/** Leading eigenvector of a symmetric PSD d x d matrix (orthogonal to `exclude` if given), sign fixed so its largest entry is positive. */
function powerIteration(c: Float64Array, d: number, exclude: Float64Array | null): [Float64Array, number] {
  let v = new Float64Array(d);
  for (let j = 0; j < d; j++) v[j] = 1 + j / (d + 1); // deterministic start, not orthogonal to a generic eigenvector
  const orth = (u: Float64Array): void => {
    if (!exclude) return;
    let dot = 0;
    for (let j = 0; j < d; j++) dot += u[j] * exclude[j];
    for (let j = 0; j < d; j++) u[j] -= dot * exclude[j];
  };
  const normalize = (u: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < d; j++) s += u[j] * u[j];
    const norm = Math.sqrt(s);
    if (norm > 0) for (let j = 0; j < d; j++) u[j] /= norm;
    return norm;
  };
  orth(v);
  if (normalize(v) === 0) return [v, 0];
  let lambda = 0;
  for (let iter = 0; iter < 500; iter++) {
    const w = new Float64Array(d);
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b < d; b++) s += c[a * d + b] * v[b];
      w[a] = s;
    }
    orth(w);
    const norm = normalize(w);
    if (norm === 0) return [v, 0];
    let delta = 0;
    for (let j = 0; j < d; j++) delta = Math.max(delta, Math.abs(w[j] - v[j]));
    v = w;
    lambda = norm;
    if (delta < 1e-12) break;
  }
  let big = 0;
  for (let j = 1; j < d; j++) if (Math.abs(v[j]) > Math.abs(v[big])) big = j;
  if (v[big] < 0) for (let j = 0; j < d; j++) v[j] = -v[j];
  return [v, lambda];
}

/** Coordinates of sample `row` of state m on the two principal components. */
export function pcaPlane(pca: Pca2): (m: MatrixF32, row: number) => [number, number] {
  const [c1, c2] = pca.components;
  return (m, row) => {
    let p1 = 0;
    let p2 = 0;
    for (let j = 0; j < m.cols; j++) {
      const v = at(m, row, j) - pca.mean[j];
      p1 += v * c1[j];
      p2 += v * c2[j];
    }
    return [p1, p2];
  };
}

// ---- per-step statistics -------------------------------------------------------------------------

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

// ---- final samples -----------------------------------------------------------------------------

/** Standard normal density exp(-x^2/2)/sqrt(2 pi). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

export interface HistogramModel {
  /** finite values of the dimension */
  values: number[];
  /** how many were not finite (left out) */
  nonFinite: number;
  /** N(0, 1) density sampled over the shown range */
  densityX: number[];
  densityY: number[];
}

export function histogramModel(sample: MatrixF32, dim: number, densityPoints = 201): HistogramModel {
  const values: number[] = [];
  let nonFinite = 0;
  for (let i = 0; i < sample.rows; i++) {
    const v = at(sample, i, dim);
    if (Number.isFinite(v)) values.push(v);
    else nonFinite++;
  }
  let lo = -4;
  let hi = 4;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const densityX: number[] = [];
  const densityY: number[] = [];
  for (let k = 0; k < densityPoints; k++) {
    const x = lo + ((hi - lo) * k) / (densityPoints - 1);
    densityX.push(x);
    densityY.push(normalPdf(x));
  }
  return { values, nonFinite, densityX, densityY };
}

// ---- tables --------------------------------------------------------------------------------------

/** Cells a table shows at most; beyond that, whole rows are left out and the model says so. */
export const TABLE_MAX_CELLS = 20_000;

/** The numbers of a formatTensorF32 repr, in order, as printed. */
function printedNumbers(repr: string): string[] {
  return repr.slice('tensor('.length).match(/-?(?:inf|nan|\d+(?:\.\d*)?(?:e[+-]\d+)?)/g) ?? [];
}

/**
 * Each element of an (rows, cols) float32 matrix as PyTorch prints the whole tensor (common format:
 * fixed decimals or scientific for all), taken from formatTensorF32's unsummarised repr.
 */
export function torchPrintedElements(m: MatrixF32): string[] {
  const tokens = printedNumbers(formatTensorF32(m.data, [m.rows, m.cols], { threshold: Number.POSITIVE_INFINITY, linewidth: Number.POSITIVE_INFINITY }));
  if (tokens.length !== m.data.length) {
    throw new Error(`table: expected ${m.data.length} printed elements, found ${tokens.length}`);
  }
  return tokens;
}

/** torch's default print options (torch/_tensor_str.py PRINT_OPTS): summarise above 1000 elements, keep 3 at each end. */
const TORCH_DEFAULT_THRESHOLD = 1000;
const TORCH_DEFAULT_EDGEITEMS = 3;

/** Indices kept along one dimension by a summarised print: all, or the first and last edgeitems. */
function keptAlong(size: number, summarize: boolean): number[] {
  if (summarize && size > 2 * TORCH_DEFAULT_EDGEITEMS) {
    return [...Array.from({ length: TORCH_DEFAULT_EDGEITEMS }, (_, i) => i), ...Array.from({ length: TORCH_DEFAULT_EDGEITEMS }, (_, i) => size - TORCH_DEFAULT_EDGEITEMS + i)];
  }
  return Array.from({ length: size }, (_, i) => i);
}

/**
 * The elements PyTorch's default print (repr(x), summarised above 1000 elements) shows, by row-major
 * index, as it shows them. Its format comes from the shown elements only, so it can differ from the
 * unsummarised print's.
 */
export function torchDefaultPrintedElements(m: MatrixF32): Map<number, string> {
  const tokens = printedNumbers(formatTensorF32(m.data, [m.rows, m.cols]));
  const summarize = m.data.length > TORCH_DEFAULT_THRESHOLD;
  const rows = keptAlong(m.rows, summarize);
  const cols = keptAlong(m.cols, summarize);
  if (tokens.length !== rows.length * cols.length) {
    throw new Error(`table: expected ${rows.length * cols.length} printed elements, found ${tokens.length}`);
  }
  const out = new Map<number, string>();
  let k = 0;
  for (const i of rows) for (const j of cols) out.set(i * m.cols + j, tokens[k++]);
  return out;
}

export interface TableModel {
  rows: number;
  cols: number;
  /** row indices shown, ascending */
  shownRows: number[];
  /** per shown cell (shownRows x cols, row-major): the value as PyTorch prints the tensor */
  printed: string[];
  /** per shown cell: the shortest decimal that reads back as the float32 (hover and copy) */
  exact: string[];
  note?: string;
}

export function tableModel(m: MatrixF32, maxCells = TABLE_MAX_CELLS): TableModel {
  const maxRows = Math.max(1, Math.floor(maxCells / Math.max(1, m.cols)));
  const shownRows = Array.from({ length: Math.min(m.rows, maxRows) }, (_, i) => i);
  const all = torchPrintedElements(m);
  const printed: string[] = [];
  const exact: string[] = [];
  for (const i of shownRows) {
    for (let j = 0; j < m.cols; j++) {
      printed.push(all[i * m.cols + j]);
      exact.push(formatFloat32Shortest(at(m, i, j)));
    }
  }
  const note = shownRows.length < m.rows ? `Showing the first ${shownRows.length} of ${m.rows} rows; copy the sample for all of them.` : undefined;
  return { rows: m.rows, cols: m.cols, shownRows, printed, exact, note };
}

/** The diff side by side: ours, PyTorch's (pasted) and |difference| per element, with the core's mismatch mask. */
export interface DiffTableModel {
  rows: number;
  cols: number;
  shownRows: number[];
  /** per shown cell, row-major */
  ours: string[];
  oursExact: string[];
  expected: string[];
  absDiff: string[];
  mismatch: boolean[];
  /** whether the paste gave a value for the cell */
  known: boolean[];
  note?: string;
}

/**
 * Rows shown: those the paste gave values for (all, unless it was summarised); when they do not all
 * fit, the rows holding mismatches first, then the rest, up to maxCells cells. Our values read as
 * PyTorch prints the tensor the way the paste was printed: in full when the paste gave every value,
 * else by the default (summarised) print.
 */
export function diffTableModel(run: RunResult, maxCells = TABLE_MAX_CELLS): DiffTableModel | null {
  const c = run.comparison;
  if (!c) return null;
  const m = run.sample;
  const known = c.known;
  const candidates: number[] = [];
  for (let i = 0; i < m.rows; i++) {
    let any = !known;
    for (let j = 0; known && j < m.cols; j++) if (known[i * m.cols + j]) any = true;
    if (any) candidates.push(i);
  }
  const maxRows = Math.max(1, Math.floor(maxCells / Math.max(1, m.cols)));
  let shownRows: number[];
  const notes: string[] = [];
  if (known && candidates.length < m.rows) notes.push(`Showing the ${candidates.length} of ${m.rows} rows the paste gave values for.`);
  if (candidates.length <= maxRows) {
    shownRows = candidates;
  } else {
    const bad: number[] = [];
    const good: number[] = [];
    for (const i of candidates) {
      let hit = false;
      for (let j = 0; j < m.cols; j++) if (c.mismatchMask[i * m.cols + j]) hit = true;
      (hit ? bad : good).push(i);
    }
    shownRows = [...bad, ...good].slice(0, maxRows).sort((a, b) => a - b);
    notes.push(`Showing ${shownRows.length} of ${candidates.length} rows (${Math.min(bad.length, maxRows)} with mismatches).`);
  }
  const note = notes.length ? notes.join(' ') : undefined;
  const full = torchPrintedElements(m);
  const summarised = known ? torchDefaultPrintedElements(m) : null;
  const printed = summarised ? full.map((t, k) => summarised.get(k) ?? t) : full;
  // |diff| as PyTorch prints the tensor (ours - expected).abs() (cells not compared count as 0, which torch's formatter ignores)
  const diffPrinted = torchPrintedElements({ rows: m.rows, cols: m.cols, data: c.absDiff.map((v) => (Number.isNaN(v) ? 0 : v)) });
  const out: DiffTableModel = { rows: m.rows, cols: m.cols, shownRows, ours: [], oursExact: [], expected: [], absDiff: [], mismatch: [], known: [], note };
  for (const i of shownRows) {
    for (let j = 0; j < m.cols; j++) {
      const k = i * m.cols + j;
      const given = known ? known[k] === 1 : true;
      out.ours.push(printed[k]);
      out.oursExact.push(formatFloat32Shortest(m.data[k]));
      out.expected.push(given ? formatFloat32Shortest(c.expected.data[k]) : '');
      out.absDiff.push(Number.isNaN(c.absDiff[k]) ? '' : diffPrinted[k]);
      out.mismatch.push(c.mismatchMask[k] === 1);
      out.known.push(given);
    }
  }
  return out;
}

/** |diff| as heatmap rows for the given rows of the sample (default all), null where nothing was compared; plus the mismatched cells. */
export function absDiffHeatmap(run: RunResult, rows?: number[]): { rows: number[]; z: (number | null)[][]; mismatches: [number, number][] } | null {
  const c = run.comparison;
  if (!c) return null;
  const cols = run.sample.cols;
  const shown = rows ?? Array.from({ length: run.sample.rows }, (_, i) => i);
  const z: (number | null)[][] = [];
  const mismatches: [number, number][] = [];
  for (const i of shown) {
    const row: (number | null)[] = [];
    for (let j = 0; j < cols; j++) {
      const v = c.absDiff[i * cols + j];
      row.push(Number.isNaN(v) ? null : v);
      if (c.mismatchMask[i * cols + j]) mismatches.push([i, j]);
    }
    z.push(row);
  }
  return { rows: shown, z, mismatches };
}

// ---- copying ---------------------------------------------------------------------------------------

/** The sample exactly as PyTorch prints it (repr of the (N, d) float32 tensor). */
export function sampleAsPytorchText(run: RunResult): string {
  return formatTensorF32(run.sample.data, [run.sample.rows, run.sample.cols]);
}

/** {"sample": [[...], ...]}: shortest round-trip decimals of the float32 values; NaN/inf as "nan", "inf", "-inf" (the CLI's --json convention). */
export function sampleAsJson(run: RunResult): string {
  const m = run.sample;
  const rows: string[] = [];
  for (let i = 0; i < m.rows; i++) {
    const cells: string[] = [];
    for (let j = 0; j < m.cols; j++) {
      cells.push(jsonFloat32(at(m, i, j)));
    }
    rows.push(`[${cells.join(', ')}]`);
  }
  return `{"sample": [${rows.join(', ')}]}`;
}

/** One line about the run for the view's header. */
export function runHeadline(run: RunResult): string {
  const { n, d, T, seed, profile } = run.inputs;
  return `N = ${n}, d = ${d}, T = ${T}, seed ${seed}, RNG profile ${profile}`;
}
