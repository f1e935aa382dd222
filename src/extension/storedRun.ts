// The copy of the results panel's run kept in the extension's storage (restored after a window reload, and
// found by "Compare Clipboard with Last Run" after the panel is closed). Pure (no `vscode`). "Run Sampler"
// records up to the core's 64 MiB of trajectory (85 MB as base64), too much to rewrite on every run: the stored
// copy keeps at most STORED_TRAJECTORY_BYTES of it, evenly spaced steps with the first and the last, and says
// so in trajectory.note. The sample, the schedule and any comparison are kept whole.
import { formatBytes, trajectoryStepBytes } from '../core/sampler/limits';
import { recordedStepIndices } from '../core/sampler/sampler';
import type { RunResult } from '../core/types';

/** Trajectory bytes the stored copy keeps (float32 data; base64 makes it 4/3 larger on disk). */
export const STORED_TRAJECTORY_BYTES = 4 * 2 ** 20;

/** `run` with its recorded steps thinned to fit `budgetBytes`; the same object when they already fit. */
export function thinTrajectory(run: RunResult, budgetBytes = STORED_TRAJECTORY_BYTES): RunResult {
  const steps = run.trajectory.steps;
  const stepBytes = trajectoryStepBytes(run.sample.rows, run.sample.cols);
  const { indices } = recordedStepIndices(steps.length, { kind: 'all' }, stepBytes, budgetBytes);
  if (indices.length === steps.length) return run;
  const note = `the saved copy keeps ${indices.length} of the ${steps.length} recorded steps, evenly spaced, within ${formatBytes(budgetBytes)}; run again for all of them`;
  return {
    ...run,
    trajectory: {
      ...run.trajectory,
      steps: indices.map((i) => steps[i]),
      note: run.trajectory.note ? `${run.trajectory.note}; ${note}` : note
    }
  };
}
