// What the run view (runView.ts) shows around the views, computed without the DOM: which views a run
// offers and in which order, the headline, and the sample as the copy buttons give it.
import type { RunResult } from '../src/core/types';
import { formatTensorF32, jsonFloat32 } from '../src/core/tensors/printTensor';
import { at } from './views/commonModel';

export type ViewId = 'trajectories' | 'statistics' | 'samples' | 'table' | 'diff' | 'pytorch';

export const VIEW_LABELS: Record<ViewId, string> = {
  trajectories: 'Trajectories',
  statistics: 'Per-step statistics',
  samples: 'Final samples',
  table: 'Table',
  diff: 'Diff vs PyTorch',
  pytorch: 'Local PyTorch'
};

/** The views a run offers, in tab order, and the one shown first (the local PyTorch check, else the diff, when there is one). */
export function viewsFor(run: RunResult): { views: ViewId[]; initial: ViewId } {
  const views: ViewId[] = ['trajectories', 'statistics', 'samples', 'table'];
  if (run.comparison) views.push('diff');
  if (run.torchCheck) views.push('pytorch');
  return { views, initial: run.torchCheck ? 'pytorch' : run.comparison ? 'diff' : 'trajectories' };
}

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
