// Algorithm 2 (Ho et al. 2020) as the reference PyTorch loop writes it, one replaceable part per line, so that the
// diagnosis catalogue (catalogue.ts) can run the loop with one line changed:
//
//   x = torch.randn(N, d, generator=torch.Generator().manual_seed(seed))                 x_T (gen_init)
//   for t in range(T - 1, -1, -1):
//       inp = torch.cat([x, (t / T) * torch.ones(N, 1)], dim=-1)                           timeValue, timeFirst
//       eps = inp @ w_model
//       alpha_t = 1 - betas[t]
//       mean = (1 / torch.sqrt(alpha_t)) * (x - (betas[t] / torch.sqrt(1 - alpha_bar[t])) * eps)   mean
//       x = mean + torch.sqrt(betas[t]) * torch.randn(N, d, generator=torch.Generator().manual_seed(seed + 100 + t)) if t > 0 else mean
//                                                                                          sigma, noise, noisy
//
// The float32 arithmetic is src/core/sampler/sampler.ts's, written as a plain loop (no padding, no WebAssembly):
// every operation is one float32 operation in PyTorch's order (Math.fround after each); the matmul sums over the
// inner dimension of inp in order from +0, each product rounded to float32 (reference BLAS sgemm); a 0-dim tensor
// meeting an (N, d) tensor is one scalar for the whole elementwise operation. A 0-dim float64 tensor meeting a
// float32 (N, d) tensor gives float32 (a 0-dim operand does not promote a dimensioned one of the same category):
// TensorIterator casts the double to float32 first, then the operation runs in float32 (checked against PyTorch
// 1.13 for *, / and the loop of schedule-float64).
//
// Mistake from a step on: with fromStep = t0 the loop executes the correct lines at steps t > t0 and the changed
// lines at steps t <= t0. What runs before the loop (x_T from gen_init, and a mistake's own setup such as
// torch.manual_seed(seed)) always runs. Generators change only through the lines actually executed, so a generator
// the changed lines draw from (gen_init after x_T, or the default generator) has drawn nothing in the correct
// steps before t0: the correct steps draw from their own fresh torch.Generator() each. An entry whose lines change
// only some steps (noise-at-t0 changes step 0 alone) gives the same run from any t0 at or above its first such step.
import { abortError } from '../errors';
import { CpuGenerator } from '../rng/generator';
import { randn, randnSeeded } from '../rng/randn';
import { SEED_MAX_EXCLUSIVE, SEED_MIN } from '../rng/seed';
import { fillModelInput, gemmF32 } from '../sampler/matmul';
import { DEFAULT_PROFILE, type MatmulProfile, type RngProfile, type SamplerInputs } from '../types';

const f32 = Math.fround;

/** What Python or PyTorch raise when they run a changed loop (the changed loop then has no output to compare). */
export class LoopRaises extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoopRaises';
  }
}

/** The inputs as the lines read them. */
export interface LoopContext {
  readonly T: number;
  readonly n: number;
  readonly d: number;
  readonly seed: bigint;
  /** betas (T,), float32 */
  readonly betas: Float32Array;
  /** alpha_bar as given, float32; it may be longer than T, and Python's alpha_bar[-1] is its last value */
  readonly alphaBar: Float32Array;
  /** betas as a float64 tensor holds them (schedule-float64) */
  readonly betas64: Float64Array;
  /** alpha_bar as a float64 tensor holds it (schedule-float64) */
  readonly alphaBar64: Float64Array;
}

/** One step's mean as the float32 operations computing it from x and eps (scalars are the 0-dim tensors' values). */
export type MeanStep =
  /** scale * (x - coef * eps) */
  | { form: 'scaled'; scale: number; coef: number }
  /** scale * (x + coef * eps) */
  | { form: 'scaled-plus'; scale: number; coef: number }
  /** x - coef * eps */
  | { form: 'unscaled'; coef: number }
  /** (x - coef * eps) / divisor */
  | { form: 'divided'; coef: number; divisor: number }
  /** x0 = ((x - sqrtOneMinusAlphaBar * eps) / sqrtAlphaBar).clamp(-1, 1); mean = coefX0 * x0 + coefX * x */
  | { form: 'clipped-x0'; sqrtOneMinusAlphaBar: number; sqrtAlphaBar: number; coefX0: number; coefX: number };

/** Where a step's z comes from. */
export type NoiseSource =
  /** torch.randn(N, d, generator=torch.Generator().manual_seed(seed(c, t))): a fresh generator per step */
  | { kind: 'fresh-generator'; seed(c: LoopContext, t: number): bigint }
  /** torch.randn(N, d, generator=gen_init): the generator of x_T, continuing after it */
  | { kind: 'initial-generator' }
  /** torch.randn_like(x) after torch.manual_seed(seed) before the loop: the default CPU generator, continuing */
  | { kind: 'default-generator' };

/** The lines of the loop that the catalogue changes; CORRECT_LINES are the reference loop's. */
export interface LoopLines {
  /** the float32 value of every element of t_col */
  timeValue(c: LoopContext, t: number): number;
  /** torch.cat([t_col, x]) instead of torch.cat([x, t_col]) */
  timeFirst: boolean;
  mean(c: LoopContext, t: number): MeanStep;
  /** whether step t adds noise: x = mean + sigma * z (else x = mean) */
  noisy(c: LoopContext, t: number): boolean;
  /** sigma as float32 */
  sigma(c: LoopContext, t: number): number;
  noise: NoiseSource;
}

/** torch.sqrt of a float32 0-dim tensor: the correctly rounded square root (sqrt of the double, rounded once more: exact). */
export const sqrtF32 = (v: number): number => f32(Math.sqrt(v));

/** Python's seq[i] for an int i: negative i counts from the end; out of range raises IndexError. */
export function pyIndex(values: ArrayLike<number>, i: number, name: string): number {
  const k = i < 0 ? values.length + i : i;
  if (k < 0 || k >= values.length)
    throw new LoopRaises(
      `IndexError: index ${i} is out of bounds for dimension 0 with size ${values.length} (${name})`
    );
  return values[k];
}

/** torch.Generator().manual_seed(s) accepts [-2^63, 2^64); beyond it raises (torch/csrc/Generator.cpp, THPGenerator_manualSeed). */
export function checkedSeed(s: bigint): bigint {
  if (s < SEED_MIN || s >= SEED_MAX_EXCLUSIVE)
    throw new LoopRaises(`RuntimeError: Overflow when unpacking long (manual_seed(${s}))`);
  return s;
}

/** The reference loop's lines (scripts/fixtures/reference.py). */
export const CORRECT_LINES: LoopLines = {
  // (t / T) * torch.ones(N, 1): a Python float (the double t/T), rounded to float32 where it meets the tensor
  timeValue: (c, t) => f32(t / c.T),
  // torch.cat([x, t_col], dim=-1)
  timeFirst: false,
  // alpha_t = 1 - betas[t]; mean = (1 / torch.sqrt(alpha_t)) * (x - (betas[t] / torch.sqrt(1 - alpha_bar[t])) * eps)
  // (1 / tensor is tensor.reciprocal() * 1: a float32 reciprocal of the float32 sqrt)
  mean: (c, t) => {
    const beta = c.betas[t];
    const alpha = f32(1 - beta);
    return { form: 'scaled', scale: f32(1 / sqrtF32(alpha)), coef: f32(beta / sqrtF32(f32(1 - c.alphaBar[t]))) };
  },
  // ... if t > 0 else mean
  noisy: (_c, t) => t > 0,
  // torch.sqrt(betas[t])
  sigma: (c, t) => sqrtF32(c.betas[t]),
  // torch.randn(N, d, generator=torch.Generator().manual_seed(seed + 100 + t))
  noise: { kind: 'fresh-generator', seed: (c, t) => checkedSeed(c.seed + 100n + BigInt(t)) }
};

/** betas and alpha_bar as float64 tensors hold them, for schedule-float64 (default: the float32 inputs, widened exactly). */
export interface Schedule64 {
  betas: ArrayLike<number>;
  alphaBar: ArrayLike<number>;
}

export function loopContext(inputs: SamplerInputs, schedule64?: Schedule64): LoopContext {
  const T = inputs.betas.length;
  if (T < 1) throw new Error('betas: expected at least one step, got 0');
  if (inputs.wModel.rows !== inputs.d + 1 || inputs.wModel.cols !== inputs.d) {
    throw new Error(
      `w_model: expected shape (${inputs.d + 1}, ${inputs.d}) for d = ${inputs.d}, got (${inputs.wModel.rows}, ${inputs.wModel.cols})`
    );
  }
  if (inputs.alphaBar.length < T)
    throw new Error(`alpha_bar: expected at least ${T} values (len(betas)), got ${inputs.alphaBar.length}`);
  const betas64 = Float64Array.from(schedule64?.betas ?? inputs.betas);
  const alphaBar64 = Float64Array.from(schedule64?.alphaBar ?? inputs.alphaBar);
  if (betas64.length !== T)
    throw new Error(`schedule64.betas: expected ${T} values (len(betas)), got ${betas64.length}`);
  if (alphaBar64.length < T)
    throw new Error(`schedule64.alphaBar: expected at least ${T} values (len(betas)), got ${alphaBar64.length}`);
  return {
    T,
    n: inputs.n,
    d: inputs.d,
    seed: inputs.seed,
    betas: inputs.betas,
    alphaBar: inputs.alphaBar,
    betas64,
    alphaBar64
  };
}

/**
 * The noise of fresh per-step generators, torch.randn(N*d, generator=torch.Generator().manual_seed(s)), kept by
 * seed so that runs of several catalogue entries on the same inputs draw each step's noise once. Keeps at most
 * maxBytes of noise (default 64 MiB); beyond that it recomputes.
 */
export class NoiseCache {
  private readonly kept = new Map<bigint, Float32Array>();
  private bytes = 0;
  /** one generator value, reseeded in place for each torch.Generator().manual_seed(s) (as the sampler does) */
  private gen: CpuGenerator | null = null;
  constructor(
    readonly count: number,
    readonly profile: RngProfile,
    private readonly maxBytes = 64 * 2 ** 20
  ) {}

  /** The values for seed s (do not modify them). */
  get(s: bigint): Float32Array {
    const hit = this.kept.get(s);
    if (hit) return hit;
    if (this.gen) this.gen.reseed(s);
    else this.gen = CpuGenerator.manualSeed(s);
    const values = randn(this.gen, this.count, this.profile);
    if (this.bytes + values.byteLength <= this.maxBytes) {
      this.kept.set(s, values);
      this.bytes += values.byteLength;
    }
    return values;
  }
}

export interface LoopRunOptions {
  /** which PyTorch CPU randn kernel to reproduce (default avx2-fma) */
  profile?: RngProfile;
  /** which BLAS's float32 matmul `inp @ w_model` rounds as (default reference: epsF32; README "Matmul profiles") */
  matmul?: MatmulProfile;
  /** OpenBLAS's threads for the openblas-haswell profile (default 1) */
  matmulThreads?: number;
  /** the changed lines run at steps t <= fromStep, the correct ones before (see the top of this file); default T - 1 */
  fromStep?: number;
  /**
   * x before step fromStep (the correct loop's x after step fromStep + 1, or x_T when fromStep = T - 1), when the
   * caller has it: the run then starts at fromStep instead of recomputing the correct steps before it.
   */
  stateBefore?: Float32Array;
  /** keep x after every step executed (trajectory) */
  record?: boolean;
  /** called with x after every step executed (x is reused: copy it to keep it); returning false stops the run */
  onStep?: (t: number, x: Float32Array) => boolean;
  /** checked between steps; when it returns true the run throws an Error named 'AbortError' */
  shouldStop?: () => boolean;
  /** shared fresh-generator noise (NoiseCache) of runs on the same inputs and profile */
  noiseCache?: NoiseCache;
}

export interface LoopRun {
  /** x after step 0: the sample (N*d, row-major); when stopped, x after the last step run */
  sample: Float32Array;
  /** with record: x after each step executed, in loop order; trajectory[k] is x after step trajectoryFrom - k */
  trajectory: Float32Array[] | null;
  /** the first step executed: fromStep when stateBefore was given, else T - 1 */
  trajectoryFrom: number;
  /** onStep returned false: the run stopped after that step */
  stopped: boolean;
}

// The elementwise loops below take plain numbers and typed arrays only (each scalar read once, before its loop), so
// that the engine compiles them early and keeps them compiled whichever entry calls them.

/** eps = inp @ w_model with inp = cat([x, t_col]) or cat([t_col, x]): sums in order over inp's columns from +0. */
function epsF32(
  x: Float32Array,
  w: Float32Array,
  eps: Float32Array,
  n: number,
  d: number,
  tv: number,
  timeFirst: boolean
): void {
  const first = timeFirst ? 1 : 0; // the w_model row that meets x[:, 0]
  const timeRow = timeFirst ? 0 : d; // the w_model row that meets t_col
  for (let j = 0; j < n; j++) {
    const row = j * d;
    for (let i = 0; i < d; i++) {
      const timeTerm = f32(tv * w[timeRow * d + i]);
      let acc = timeFirst ? f32(0 + timeTerm) : 0; // inp[:, 0] = t_col comes first
      for (let l = 0; l < d; l++) acc = f32(acc + f32(x[row + l] * w[(l + first) * d + i]));
      eps[row + i] = timeFirst ? acc : f32(acc + timeTerm); // inp[:, d] = t_col comes last
    }
  }
}

/**
 * eps = concat(x, t_col) @ w_model (or concat(t_col, x) with timeFirst) as `matmul` rounds it: epsF32 for the
 * reference profile, else the profile's gemm (src/core/sampler/matmul.ts, on `threads` of OpenBLAS's threads) on the
 * concatenated input, as the sampler runs it.
 */
function epsFunction(
  matmul: MatmulProfile | undefined,
  n: number,
  d: number,
  threads = 1
): (x: Float32Array, w: Float32Array, eps: Float32Array, tv: number, timeFirst: boolean) => void {
  if (matmul === undefined || matmul === 'reference')
    return (x, w, eps, tv, timeFirst) => epsF32(x, w, eps, n, d, tv, timeFirst);
  const k = d + 1;
  const inp = new Float32Array(n * k);
  return (x, w, eps, tv, timeFirst) => {
    fillModelInput(inp, x, d, n, d, tv, timeFirst);
    gemmF32(matmul, n, k, d, inp, 0, k, w, 0, d, eps, 0, d, threads);
  };
}

/** scale * (x - coef * eps); with sign = -1: scale * (x + coef * eps) */
function meanScaledF32(
  x: Float32Array,
  eps: Float32Array,
  out: Float32Array,
  scale: number,
  coef: number,
  sign: number
): void {
  if (sign < 0) for (let i = 0; i < x.length; i++) out[i] = f32(scale * f32(x[i] + f32(coef * eps[i])));
  else for (let i = 0; i < x.length; i++) out[i] = f32(scale * f32(x[i] - f32(coef * eps[i])));
}

/** x - coef * eps */
function meanUnscaledF32(x: Float32Array, eps: Float32Array, out: Float32Array, coef: number): void {
  for (let i = 0; i < x.length; i++) out[i] = f32(x[i] - f32(coef * eps[i]));
}

/** (x - coef * eps) / divisor */
function meanDividedF32(x: Float32Array, eps: Float32Array, out: Float32Array, coef: number, divisor: number): void {
  for (let i = 0; i < x.length; i++) out[i] = f32(f32(x[i] - f32(coef * eps[i])) / divisor);
}

/** x0 = ((x - s1 * eps) / s2).clamp(-1, 1); mean = a * x0 + b * x */
function meanClippedX0F32(
  x: Float32Array,
  eps: Float32Array,
  out: Float32Array,
  s1: number,
  s2: number,
  a: number,
  b: number
): void {
  for (let i = 0; i < x.length; i++) {
    const raw = f32(f32(x[i] - f32(s1 * eps[i])) / s2);
    const x0 = raw < -1 ? -1 : raw > 1 ? 1 : raw; // torch.clamp(-1, 1): NaN and -0 pass through
    out[i] = f32(f32(a * x0) + f32(b * x[i]));
  }
}

/** mean from x and eps, elementwise, as MeanStep says. */
function meanF32(m: MeanStep, x: Float32Array, eps: Float32Array, out: Float32Array): void {
  switch (m.form) {
    case 'scaled':
      return meanScaledF32(x, eps, out, m.scale, m.coef, 1);
    case 'scaled-plus':
      return meanScaledF32(x, eps, out, m.scale, m.coef, -1);
    case 'unscaled':
      return meanUnscaledF32(x, eps, out, m.coef);
    case 'divided':
      return meanDividedF32(x, eps, out, m.coef, m.divisor);
    case 'clipped-x0':
      return meanClippedX0F32(x, eps, out, m.sqrtOneMinusAlphaBar, m.sqrtAlphaBar, m.coefX0, m.coefX);
  }
}

/** x = mean + sigma * z */
function addNoiseF32(x: Float32Array, mean: Float32Array, z: Float32Array, sigma: number): void {
  for (let i = 0; i < x.length; i++) x[i] = f32(mean[i] + f32(sigma * z[i]));
}

/**
 * Runs the loop with `lines` (CORRECT_LINES, or a catalogue entry's) on the inputs of `c`; throws LoopRaises
 * where Python or PyTorch would raise for that loop.
 */
export function runLoop(c: LoopContext, wModel: Float32Array, lines: LoopLines, opts: LoopRunOptions = {}): LoopRun {
  const { T, n, d } = c;
  const nd = n * d;
  const profile = opts.profile ?? DEFAULT_PROFILE;
  const fromStep = opts.fromStep ?? T - 1;
  if (!Number.isInteger(fromStep) || fromStep < 0 || fromStep > T - 1)
    throw new Error(`fromStep: expected an integer step in [0, ${T - 1}], got ${fromStep}`);
  if (opts.stateBefore && opts.stateBefore.length !== nd)
    throw new Error(`stateBefore: expected ${nd} values (N*d), got ${opts.stateBefore.length}`);
  const noiseCache = opts.noiseCache ?? new NoiseCache(nd, profile, 0);
  if (noiseCache.count !== nd || noiseCache.profile !== profile)
    throw new Error('noiseCache: made for other inputs or another profile');

  // before the loop: x = torch.randn(N, d, generator=gen_init), gen_init = torch.Generator().manual_seed(seed)
  const genInit = CpuGenerator.manualSeed(checkedSeed(c.seed));
  const x = randn(genInit, nd, profile);
  // the mistake's setup: torch.manual_seed(seed) (the default CPU generator; runs before the loop in every case)
  const genDefault = lines.noise.kind === 'default-generator' ? CpuGenerator.manualSeed(c.seed) : null;

  let start = T - 1;
  if (opts.stateBefore) {
    x.set(opts.stateBefore);
    start = fromStep;
  }
  const eps = new Float32Array(nd);
  const epsOf = epsFunction(opts.matmul, n, d, opts.matmulThreads);
  const mean = new Float32Array(nd);
  const zBuffer = new Float32Array(nd);
  const trajectory: Float32Array[] | null = opts.record ? [] : null;
  let stopped = false;

  for (let t = start; t >= 0; t--) {
    if (opts.shouldStop?.()) throw abortError('diagnosis: stopped');
    const L = t > fromStep ? CORRECT_LINES : lines;
    epsOf(x, wModel, eps, L.timeValue(c, t), L.timeFirst);
    meanF32(L.mean(c, t), x, eps, mean);
    if (L.noisy(c, t)) {
      const sigma = L.sigma(c, t);
      let z: Float32Array;
      const source = L.noise;
      if (source.kind === 'fresh-generator') z = noiseCache.get(source.seed(c, t));
      else z = randn(source.kind === 'initial-generator' ? genInit : genDefault!, nd, profile, zBuffer);
      addNoiseF32(x, mean, z, sigma); // mean + sigma * z
    } else {
      x.set(mean);
    }
    if (trajectory) trajectory.push(x.slice());
    if (opts.onStep && !opts.onStep(t, x)) {
      stopped = true;
      break;
    }
  }
  return { sample: x, trajectory, trajectoryFrom: start, stopped };
}

/**
 * The state x holds before step t, named as correctStates names states: x after step t + 1, or x_T (null) for
 * t = T - 1 (what print(x) or rec.step(t, x) at the top of the loop body gives).
 */
export function stepBefore(t: number | null, T: number): number | null {
  return t === null || t + 1 === T ? null : t + 1;
}

/** The correct loop's states at the given steps (null: x_T; else x after step t), bit for bit the sampler's. */
export function correctStates(
  inputs: SamplerInputs,
  profile: RngProfile,
  wanted: (number | null)[],
  shouldStop?: () => boolean,
  matmul?: MatmulProfile,
  matmulThreads?: number
): Map<number | null, Float32Array> {
  const out = new Map<number | null, Float32Array>();
  visitCorrectStates(inputs, profile, wanted, (t, x) => out.set(t, t === null ? x : x.slice()) !== undefined, {
    shouldStop,
    matmul,
    matmulThreads
  });
  return out;
}

/**
 * The correct loop run until the last of the wanted steps, `visit` called with each wanted state in loop order (x_T
 * first, when null is wanted; x is the loop's own buffer: copy it to keep it); it stops as soon as `visit` returns
 * false. Whether every wanted state was visited and accepted.
 */
export function visitCorrectStates(
  inputs: SamplerInputs,
  profile: RngProfile,
  wanted: readonly (number | null)[],
  visit: (t: number | null, x: Float32Array) => boolean,
  opts: { shouldStop?: () => boolean; matmul?: MatmulProfile; matmulThreads?: number } = {}
): boolean {
  if (wanted.includes(null) && !visit(null, randnSeeded(inputs.seed, inputs.n * inputs.d, profile))) return false;
  const steps = new Set(wanted.filter((t): t is number => t !== null));
  if (steps.size === 0) return true;
  let last = Infinity; // (no spread: a recording may hold 10^5 steps and more)
  for (const t of steps) last = Math.min(last, t);
  let accepted = true;
  runLoop(loopContext(inputs), inputs.wModel.data, CORRECT_LINES, {
    profile,
    matmul: opts.matmul,
    matmulThreads: opts.matmulThreads,
    shouldStop: opts.shouldStop,
    onStep: (t, x) => {
      if (steps.has(t) && !visit(t, x)) accepted = false;
      return accepted && t > last;
    }
  });
  return accepted;
}
