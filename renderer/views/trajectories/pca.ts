// The first two principal components of the recorded states, for the trajectories view's projection
// when d >= 3 (float64, for display only).
import type { MatrixF32 } from '../../../src/core/types';
import { at, type TrajectoryStates } from '../commonModel';
import { decimateIndices } from './trajectoriesModel';

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
