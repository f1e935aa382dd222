// What the "Local PyTorch" view shows, computed without the DOM or plotly: the verdict of a check against the user's
// own PyTorch (RunResult.torchCheck, from src/core/check/verdict.ts; the view decides nothing), the two trajectories
// overlaid (ours and PyTorch's x_{t-1} for the first rows, column by column) and the per-step ulp distance.
import type { RunResult, TorchCheckPart } from '../../../src/core/types';

export interface OverlayTrace {
  name: string;
  source: 'ours' | 'pytorch';
  /** step t of each point (sampling order) */
  t: number[];
  y: number[];
}

export interface PytorchViewModel {
  headline: string;
  bitwiseEqual: boolean;
  parts: (TorchCheckPart & { number: number })[];
  firstDifference: string;
  machine: string;
  overlay: OverlayTrace[];
  ulps: { t: number[]; maxUlps: number[] };
}

/** Rows and columns overlaid: a few, so the plot stays readable (both runs, every recorded step). */
export const OVERLAY_ROWS = 4;
export const OVERLAY_COLS = 2;

export function pytorchViewModel(run: RunResult): PytorchViewModel | null {
  const c = run.torchCheck;
  if (!c) return null;
  const T = run.inputs.T;
  const { d } = run.inputs;
  const rows = Math.min(OVERLAY_ROWS, run.inputs.n);
  const cols = Math.min(OVERLAY_COLS, d);
  const overlay: OverlayTrace[] = [];
  const ours = run.trajectory.steps;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = i * d + j;
      overlay.push({
        name: `ours x[${i}, ${j}]`,
        source: 'ours',
        t: ours.map((s) => s.t),
        y: ours.map((s) => s.xPrev.data[k])
      });
      overlay.push({
        name: `PyTorch x[${i}, ${j}]`,
        source: 'pytorch',
        t: c.torchSteps.map((s) => s.t),
        y: c.torchSteps.map((s) => s.x.data[k])
      });
    }
  }
  const recorded = c.stepUlps.filter((s) => s.maxUlps !== null);
  const where =
    c.firstDifferentT === null
      ? null
      : c.firstDifferentT === T
        ? 'x_T (the starting noise)'
        : `step t = ${c.firstDifferentT}`;
  return {
    headline: `Your PyTorch ${c.torch.version}: ${c.bitwiseEqual ? 'bitwise equal' : 'differs'}`,
    bitwiseEqual: c.bitwiseEqual,
    parts: c.parts.map((p, i) => ({ ...p, number: i + 1 })),
    firstDifference: where ? `First difference: ${where}` : 'No difference at any step',
    machine: `${c.python}: CPU capability ${c.torch.cpuCapability ?? 'unknown'}, BLAS ${c.torch.blas ?? 'unknown'}; profiles reproducing it: RNG ${c.profile.rng ?? 'none'}, matmul ${c.profile.matmul ?? 'none'}`,
    overlay,
    ulps: { t: recorded.map((s) => s.t), maxUlps: recorded.map((s) => s.maxUlps as number) }
  };
}
