// What the final-samples view draws, computed without the DOM or plotly: the histogram of a dimension
// of x_0 and the N(0, 1) density over its range.
import type { MatrixF32 } from '../../../src/core/types';
import { at } from '../commonModel';

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
