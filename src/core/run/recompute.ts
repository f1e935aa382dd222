// A run result that crosses into a view carries its inputs, not its trajectory: the final sample, the schedule,
// the seed, the RNG profile and the (d+1, d) weights are enough to compute every step again, and the sampler is
// deterministic (same inputs, same profile: the same float32 bits, whichever kernel runs it, WebAssembly or JS).
// The view (a notebook output, the results panel: both a browser) recomputes the steps it draws here and checks
// that its final sample equals the carried one bit for bit, so what it draws is what the host computed.
// README "Performance" says why: a 1000-step trajectory is tens of MB, its inputs a few KB.
import { runSampler, type SamplerOptions } from '../sampler/sampler';
import type { MatrixF32, RecordPolicy, RunResult, SamplerInputs } from '../types';

/** Largest w_model (elements) a run carries for its view to recompute the steps: 1 MiB of float32, d <= 511. */
const MAX_CARRIED_WEIGHTS = 2 ** 18;

/** Whether a run of dimension d carries its weights (small) instead of its steps. */
export function canDefer(d: number): boolean {
  return (d + 1) * d <= MAX_CARRIED_WEIGHTS;
}

/**
 * `inputs` sampled for a view that draws the trajectory `policy` records: carrying its inputs (nothing recorded here,
 * the view recomputes the steps) where the weights are small enough to carry (canDefer), else with the trajectory.
 */
export function runForView(
  inputs: SamplerInputs,
  options: Omit<SamplerOptions, 'record'>,
  policy: RecordPolicy
): RunResult {
  if (!canDefer(inputs.d)) return runSampler(inputs, { ...options, record: policy });
  return carryInputs(runSampler(inputs, { ...options, record: { kind: 'none' } }), inputs.wModel, policy);
}

/** Whether `run` needs recomputeTrajectory before its steps can be drawn. */
export function needsRecompute(run: RunResult): boolean {
  return run.trajectory.recompute === true;
}

/**
 * Makes `run` (sampled with nothing recorded) carry its inputs instead of its steps: its weights, and `policy`, the
 * recording the view is to recompute (recomputeTrajectory). What the extension host sends to a view.
 */
export function carryInputs(run: RunResult, wModel: MatrixF32, policy: RecordPolicy): RunResult {
  run.inputs.wModel = wModel;
  run.trajectory = { policy, steps: [], recompute: true };
  return run;
}

/** The sampler inputs a run carries (inputs.wModel, schedule, seed); throws a one-line error when it carries no weights. */
export function carriedInputs(run: RunResult): SamplerInputs {
  const wModel = run.inputs.wModel;
  if (!wModel) throw new Error('inputs.wModel: missing, so the trajectory cannot be recomputed');
  let seed: bigint;
  try {
    seed = BigInt(run.inputs.seed);
  } catch {
    throw new Error(`inputs.seed: expected an integer, got ${JSON.stringify(run.inputs.seed)}`);
  }
  return { wModel, n: run.inputs.n, d: run.inputs.d, betas: run.schedule.betas, alphaBar: run.schedule.alphaBar, seed };
}

/**
 * Index of the first element whose float32 bits differ (-0 against +0 included), or -1. Any NaN equals any NaN:
 * WebAssembly and JS engines may store a NaN with a different payload, and PyTorch's prints cannot tell them apart.
 */
export function firstBitDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i] && !(a[i] !== a[i] && b[i] !== b[i])) return i;
  return -1;
}

/**
 * `run` with its trajectory computed again from its inputs under its own recording policy (the sampler's default
 * trajectory budget unless opts says otherwise). Throws a one-line error when the recomputed final sample is not
 * the carried sample bit for bit (an altered output, or one made by a different sampler).
 *
 * With `statesFirst`, only the states (x_t) are recorded at first, which is what the trajectories draw: each
 * step's eps, mean and z are computed, by running the sampler once more with everything recorded, the first time
 * one of them is read (the per-step statistics). Recording two fifths of the trajectory saves time and memory when
 * a view opens (README "Performance"); the values are the same either way.
 */
export function recomputeTrajectory(
  run: RunResult,
  opts: Pick<SamplerOptions, 'maxTrajectoryBytes' | 'kernel' | 'shouldStop'> & { statesFirst?: boolean } = {}
): RunResult {
  if (!needsRecompute(run)) return run;
  const { statesFirst, ...samplerOpts } = opts;
  const options: SamplerOptions = {
    ...samplerOpts,
    profile: run.inputs.profile,
    matmul: run.inputs.matmul,
    matmulThreads: run.inputs.matmulThreads,
    record: run.trajectory.policy
  };
  const inputs = carriedInputs(run);
  let full: RunResult | undefined;
  const fullSteps = (): RunResult => {
    if (!full) {
      full = runSampler(inputs, { ...options, shouldStop: undefined });
      checkCarried(full, run);
    }
    return full;
  };
  const again = runSampler(
    inputs,
    statesFirst ? { ...options, otherFields: (k) => fullSteps().trajectory.steps[k] } : options
  );
  checkCarried(again, run);
  const trajectory = {
    policy: run.trajectory.policy,
    steps: again.trajectory.steps,
    ...(again.trajectory.note ? { note: again.trajectory.note } : {})
  };
  return { ...run, trajectory };
}

/** Throws the one-line error when a recomputed run's final sample is not the carried one bit for bit. */
function checkCarried(again: RunResult, run: RunResult): void {
  const diff = firstBitDifference(again.sample.data, run.sample.data);
  if (diff >= 0) {
    const { cols } = run.sample;
    throw new Error(
      `sample: the recomputed run differs from the carried sample at [${Math.floor(diff / cols)}, ${diff % cols}], so its trajectory cannot be shown (the output was altered or made by another version)`
    );
  }
}
