// The DDPM reverse sampler (Ho et al. 2020, Algorithm 2) exactly as this PyTorch loop computes it in float32 on the CPU:
//
//   x = torch.randn(N, d, generator=torch.Generator().manual_seed(seed))
//   for t in range(T - 1, -1, -1):
//       inp = torch.cat([x, (t / T) * torch.ones(N, 1)], dim=-1)
//       eps = inp @ w_model
//       alpha_t = 1 - betas[t]
//       mean = (1 / torch.sqrt(alpha_t)) * (x - (betas[t] / torch.sqrt(1 - alpha_bar[t])) * eps)
//       x = mean + torch.sqrt(betas[t]) * torch.randn(N, d, generator=torch.Generator().manual_seed(seed + 100 + t)) if t > 0 else mean
//
// Every operation is one float32 operation in that order (Math.fround after each). The matmul sums over the inner
// dimension in order starting from +0, each product rounded to float32 before it is added: what reference BLAS
// sgemm does for PyTorch on the CPU (checked on the oracle, -0 products included). A step's arithmetic runs on a
// padded workspace (stepWorkspace.ts) as WebAssembly SIMD (samplerWasm.ts: f32x4 multiply and add are IEEE float32
// operations, so the result is identical) with a plain-JS fallback. That is the 'reference' matmul profile;
// SamplerOptions.matmul selects another BLAS's rounding (src/core/sampler/matmul.ts).
import { DEFAULT_TRAJECTORY_BUDGET_BYTES, formatBytes, trajectoryStepBytes } from './limits';
import { abortError } from '../errors';
import { CpuGenerator } from '../rng/generator';
import { randn } from '../rng/randn';
import { checkSchedule, FLOAT64_CUMPROD_NOTE } from './schedules';
import { fillModelInput, gemmF32 } from './matmul';
import { stepSeed } from '../rng/seed';
import {
  DEFAULT_MATMUL_PROFILE,
  DEFAULT_PROFILE,
  type MatmulProfile,
  type MatrixF32,
  type RecordPolicy,
  type RngProfile,
  type RunResult,
  type SamplerInputs,
  type TrajectoryStep
} from '../types';
import { makeWorkspace, type Workspace } from './stepWorkspace';

const f32 = Math.fround;

export interface SamplerOptions {
  profile?: RngProfile;
  /** which steps the trajectory keeps; default all */
  record?: RecordPolicy;
  /**
   * of the steps the policy keeps, only these t (a recording's steps, checkRecording.ts): a run compared with a loop
   * that recorded 10 of its 1000 steps keeps those 10, not all 1000
   */
  onlySteps?: ReadonlySet<number>;
  /** trajectory memory budget in bytes; default DEFAULT_TRAJECTORY_BUDGET_BYTES (src/core/limits.ts) */
  maxTrajectoryBytes?: number;
  /** called after each step t (T-1 down to 0) */
  onStep?: (t: number) => void;
  /** checked between steps; when it returns true the run throws an Error named 'AbortError' */
  shouldStop?: () => boolean;
  /** warnings from reading the inputs (readInputs), carried into the result without duplicates */
  inputWarnings?: readonly string[];
  /** arithmetic kernel: 'auto' (WebAssembly SIMD for runs big enough to gain), 'wasm' (whenever available) or 'js'; all give identical bits */
  kernel?: 'auto' | 'wasm' | 'js';
  /** whose float32 rounding `inp @ w_model` reproduces (README "Matmul profiles"); default 'reference' */
  matmul?: MatmulProfile;
  /** OpenBLAS's thread count for the openblas-haswell profile (its threaded partition, matmul.ts); default 1 */
  matmulThreads?: number;
  /**
   * Record only the states of the recorded steps (x_t and x_{t-1}); each step's eps, mean and z are read, when first
   * read, from `otherFields(k)` for the k-th recorded step (the same run recorded in full, recompute.ts). A view that
   * draws states then stores two fifths of the trajectory: the same steps, the same budget.
   */
  otherFields?: (k: number) => Pick<TrajectoryStep, 'eps' | 'mean' | 'z'>;
}

/** Sampling-order indices (0 = step t = T-1) the policy keeps, thinned evenly to fit the budget. */
export function recordedStepIndices(
  T: number,
  policy: RecordPolicy,
  stepBytes: number,
  budgetBytes: number,
  /** of those, only these steps t (SamplerOptions.onlySteps) */
  onlySteps?: ReadonlySet<number>
): { indices: number[]; note?: string } {
  let wanted: number[] = [];
  if (policy.kind === 'all') wanted = Array.from({ length: T }, (_, s) => s);
  else if (policy.kind === 'every') {
    const k = Math.max(1, Math.floor(policy.k));
    for (let s = 0; s < T; s++) if (s % k === 0 || s === T - 1) wanted.push(s);
  }
  if (onlySteps) wanted = wanted.filter((s) => onlySteps.has(T - 1 - s));
  const fit = stepBytes > 0 ? Math.floor(budgetBytes / stepBytes) : wanted.length;
  if (wanted.length <= fit) return { indices: wanted };
  const keep = Math.max(0, fit);
  const why = `the ${formatBytes(budgetBytes)} trajectory budget (${formatBytes(stepBytes)} per step)`;
  if (keep === 0)
    return { indices: [], note: `kept no steps of the ${wanted.length} requested: one step exceeds ${why}` };
  const indices: number[] = [];
  if (keep === 1) indices.push(wanted[0]);
  else for (let i = 0; i < keep; i++) indices.push(wanted[Math.round((i * (wanted.length - 1)) / (keep - 1))]);
  return {
    indices,
    note: `kept ${keep} of the ${wanted.length} requested steps, evenly spaced, to stay within ${why}`
  };
}

/** eps = concat(x, t/T) @ W with another profile's rounding (src/core/sampler/matmul.ts), written into the workspace. */
function profileMatmul(
  profile: MatmulProfile,
  ws: Workspace,
  wModel: Float32Array,
  n: number,
  d: number,
  threads = 1
): (tOverT: number) => void {
  const k = d + 1;
  const inp = new Float32Array(n * k);
  return (tOverT) => {
    fillModelInput(inp, ws.x, ws.dp, n, d, tOverT);
    gemmF32(profile, n, k, d, inp, 0, k, wModel, 0, d, ws.eps, 0, ws.dp, threads); // padding columns of eps stay +0
  };
}

function matrix(rows: number, cols: number, data: Float32Array): MatrixF32 {
  return { rows, cols, data };
}

/** Runs the sampler; see the top of this file for the exact computation. */
export function runSampler(inputs: SamplerInputs, opts: SamplerOptions = {}): RunResult {
  const steps = samplerSteps(inputs, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same run, one step at a time: yields the step's t (T-1 down to 0) after each step and returns the
 * RunResult. Whoever drives it may pause between steps (the web extension host yields to its event loop
 * so that an interrupt arrives); the arithmetic and the result are those of runSampler, which drains it.
 */
export function* samplerSteps(inputs: SamplerInputs, opts: SamplerOptions = {}): Generator<number, RunResult, void> {
  const started = now();
  const profile = opts.profile ?? DEFAULT_PROFILE;
  const { n, d, seed } = inputs;
  const T = inputs.betas.length;
  const nd = n * d;
  if (T < 1) throw new Error('betas: expected at least one step, got 0');
  if (inputs.wModel.rows !== d + 1 || inputs.wModel.cols !== d) {
    throw new Error(
      `w_model: expected shape (${d + 1}, ${d}) for d = ${d}, got (${inputs.wModel.rows}, ${inputs.wModel.cols})`
    );
  }
  if (inputs.alphaBar.length < T)
    throw new Error(`alpha_bar: expected at least ${T} values (len(betas)), got ${inputs.alphaBar.length}`);

  const { schedule, warning: scheduleWarning } = checkSchedule(inputs.betas, inputs.alphaBar);
  const warnings: string[] = [];
  const addWarning = (w: string) => {
    if (!warnings.includes(w)) warnings.push(w);
  };
  for (const w of opts.inputWarnings ?? []) addWarning(w);
  // readInputs said that a float64 schedule is its own cumprod (its float32 difference only rounding): not warned again
  if (scheduleWarning && !opts.inputWarnings?.some((w) => w.startsWith(FLOAT64_CUMPROD_NOTE)))
    addWarning(scheduleWarning);

  const policy = opts.record ?? { kind: 'all' };
  const budget = opts.maxTrajectoryBytes ?? DEFAULT_TRAJECTORY_BUDGET_BYTES;
  const plan = recordedStepIndices(T, policy, trajectoryStepBytes(n, d), budget, opts.onlySteps);
  const recordAt = new Uint8Array(T); // by sampling-order index
  for (const s of plan.indices) recordAt[s] = 1;
  const steps: TrajectoryStep[] = [];
  // the recorded matrices are views into one allocation (at most five per recorded step), not thousands of small
  // arrays: allocating them one by one cost more than the sampling itself at N = 1000, d = 2
  const arena = new Float32Array(plan.indices.length * (opts.otherFields ? 2 : 5) * nd);
  let arenaUsed = 0;
  const take = (): Float32Array => arena.subarray(arenaUsed, (arenaUsed += nd));

  const ws = makeWorkspace(n, d, T, inputs.wModel.data, opts.kernel ?? 'auto');
  const matmulProfile = opts.matmul ?? DEFAULT_MATMUL_PROFILE;
  if (matmulProfile !== 'reference')
    ws.matmul = profileMatmul(matmulProfile, ws, inputs.wModel.data, n, d, opts.matmulThreads);
  const noise = ws.noise;
  // one generator value, reseeded in place for each step's torch.Generator().manual_seed(...) (saves its 624-word state per step)
  const gen = CpuGenerator.manualSeed(seed);
  randn(gen, nd, profile, noise); // x_T
  ws.padNoise('x');

  let firstNonFinite = -1;
  for (let s = 0; s < T; s++) {
    if (opts.shouldStop?.()) throw abortError('sampler: stopped');
    const t = T - 1 - s;
    const rec = recordAt[s] === 1;
    // x_t is the previous step's x_{t-1} when that step was recorded: the same values, shared
    const xT = !rec
      ? null
      : s > 0 && recordAt[s - 1] === 1
        ? steps[steps.length - 1].xPrev.data
        : ws.unpad('x', take());
    ws.matmul(f32(t / T)); // t/T: a Python float, rounded to float32 where it meets the tensor

    const beta = inputs.betas[t];
    const alpha = f32(1 - beta); // 1 - betas[t]
    const c1 = f32(1 / f32(Math.sqrt(alpha))); // 1 / torch.sqrt(alpha_t): reciprocal of the float32 sqrt
    const c2 = f32(beta / f32(Math.sqrt(f32(1 - schedule.alphaBar[t])))); // betas[t] / torch.sqrt(1 - alpha_bar[t])
    const sqrtBeta = f32(Math.sqrt(beta));
    const noisy = t > 0;
    if (noisy) {
      gen.reseed(stepSeed(seed, t)); // torch.Generator().manual_seed(seed + 100 + t)
      randn(gen, nd, profile, noise);
      ws.padNoise('z');
    }
    const finite = ws.step(c1, c2, sqrtBeta, noisy);
    if (!finite && firstNonFinite < 0) firstNonFinite = t;
    if (rec && opts.otherFields) {
      const x = matrix(n, d, xT!);
      const xPrev = matrix(n, d, ws.unpad('x', take()));
      steps.push(statesOnlyStep(t, x, xPrev, steps.length, opts.otherFields));
    } else if (rec) {
      steps.push({
        t,
        x: matrix(n, d, xT!),
        eps: matrix(n, d, ws.unpad('eps', take())),
        mean: matrix(n, d, ws.unpad('mean', take())),
        z: noisy ? matrix(n, d, copyInto(noise, take())) : null,
        xPrev: matrix(n, d, ws.unpad('x', take()))
      });
    }
    opts.onStep?.(t);
    yield t;
  }
  if (firstNonFinite >= 0) {
    addWarning(
      `sample: non-finite values (inf or nan) first appeared at step t = ${firstNonFinite}; PyTorch returns them too`
    );
  }

  const elapsedMs = now() - started;
  return {
    schema: 'ddpm-lab.run/1',
    inputs: {
      n,
      d,
      T,
      seed: seed.toString(),
      profile,
      matmul: matmulProfile,
      ...(matmulProfile === 'openblas-haswell' && (opts.matmulThreads ?? 1) > 1
        ? { matmulThreads: opts.matmulThreads }
        : {})
    },
    sample: matrix(n, d, ws.unpad('x')),
    trajectory: plan.note ? { policy, steps, note: plan.note } : { policy, steps },
    schedule,
    warnings,
    timing: { elapsedMs, finishedAt: new Date().toISOString() }
  };
}

function now(): number {
  return typeof performance === 'object' ? performance.now() : Date.now();
}

/** A recorded step holding its states, whose eps, mean and z come from `other(k)` when first read. */
function statesOnlyStep(
  t: number,
  x: MatrixF32,
  xPrev: MatrixF32,
  k: number,
  other: (k: number) => Pick<TrajectoryStep, 'eps' | 'mean' | 'z'>
): TrajectoryStep {
  return {
    t,
    x,
    xPrev,
    get eps() {
      return other(k).eps;
    },
    get mean() {
      return other(k).mean;
    },
    get z() {
      return other(k).z;
    }
  };
}

function copyInto(src: Float32Array, dst: Float32Array): Float32Array {
  dst.set(src);
  return dst;
}
