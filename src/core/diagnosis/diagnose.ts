// Which catalogue mistake reproduces a paste: run each entry of the catalogue (catalogue.ts) on the run's inputs and
// keep those whose output the comparison's rule accepts. The rule is the caller's: it passes a predicate.
//   diagnoseSample       a paste of the final sample
//   diagnoseTrajectory   a step-by-step paste: the mistake is present from the first divergent step t0 on
// Both return [] when the correct loop itself satisfies the predicate (then there is nothing to explain).
// Cost: the catalogue runs as a plain JavaScript loop (no WebAssembly), about 25 runs of the loop in the worst case,
// the step noise of fresh generators drawn once and shared. For T = 1000, N = 100, d = 2 the whole catalogue takes
// about 80 ms of CPU warm, 0.3 s on a cold start (`node scripts/bench-diagnosis.mjs`); for large N*d the matmul
// dominates (one entry of N = 1024, d = 64 takes about 15 ms of CPU per step), so callers bound it with shouldStop.
import { abortError } from '../errors';
import type { MatmulProfile, RngProfile, SamplerInputs } from '../types';
import { DEFAULT_PROFILE } from '../types';
import { MISTAKES, firstStepInEffect, mistakeById, type Mistake, type MistakeId } from './catalogue';
import {
  CORRECT_LINES,
  LoopRaises,
  NoiseCache,
  checkedSeed,
  loopContext,
  runLoop,
  type LoopContext,
  type LoopRun,
  type Schedule64
} from './loop';

export interface MistakeRunOptions {
  /** which PyTorch CPU randn kernel to reproduce (default avx2-fma) */
  profile?: RngProfile;
  /** which BLAS's matmul rounding (default reference) */
  matmul?: MatmulProfile;
  /** OpenBLAS's threads for the openblas-haswell profile (default 1) */
  matmulThreads?: number;
  /** the mistake is in the loop from step fromStep on (t <= fromStep; the correct lines run before); default T - 1: the whole run */
  fromStep?: number;
  /** x before step fromStep as the correct loop has it (saves recomputing the steps before); see LoopRunOptions */
  stateBefore?: Float32Array;
  /** keep x after every step executed */
  record?: boolean;
  /** the float64 schedule of schedule-float64 (default: the float32 betas and alpha_bar, widened exactly) */
  schedule64?: Schedule64;
  shouldStop?: () => boolean;
}

/**
 * Algorithm 2 with catalogue entry `id` (null: the correct loop) on `inputs`: the final sample and, with record,
 * x after every step executed. Throws LoopRaises where Python/PyTorch raise for the changed loop (for example
 * time-over-t-minus-1 with T = 1, or a step seed beyond 2^64).
 */
export function runWithMistake(inputs: SamplerInputs, id: MistakeId | null, opts: MistakeRunOptions = {}): LoopRun {
  const lines = id === null ? CORRECT_LINES : mistakeById(id).lines;
  return runLoop(loopContext(inputs, opts.schedule64), inputs.wModel.data, lines, opts);
}

export interface DiagnoseOptions {
  profile?: RngProfile;
  /** the run's matmul profile: every candidate loop's `inp @ w_model` rounds as it (default reference) */
  matmul?: MatmulProfile;
  /** OpenBLAS's threads for the openblas-haswell profile (default 1) */
  matmulThreads?: number;
  /** the float64 schedule for schedule-float64 (the inputs' numbers as doubles, when the caller has them) */
  schedule64?: Schedule64;
  /** the entries to try (default: the whole catalogue) */
  ids?: readonly MistakeId[];
  /** checked between steps; when it returns true the diagnosis throws an Error named 'AbortError' */
  shouldStop?: () => boolean;
}

/** Runs candidate after candidate on shared noise; a candidate the changed loop raises for matches nothing. */
class Runner {
  readonly c: LoopContext;
  readonly cache: NoiseCache;
  readonly profile: RngProfile;
  constructor(
    readonly inputs: SamplerInputs,
    readonly opts: DiagnoseOptions
  ) {
    this.c = loopContext(inputs, opts.schedule64);
    this.profile = opts.profile ?? DEFAULT_PROFILE;
    this.cache = new NoiseCache(inputs.n * inputs.d, this.profile);
  }

  candidates(): Mistake[] {
    return (this.opts.ids ?? MISTAKES.map((m) => m.id)).map((id) => mistakeById(id));
  }

  run(
    m: Mistake | null,
    extra: { fromStep?: number; stateBefore?: Float32Array; onStep?: (t: number, x: Float32Array) => boolean }
  ): LoopRun | null {
    if (this.opts.shouldStop?.()) throw abortError('diagnosis: stopped');
    try {
      return runLoop(this.c, this.inputs.wModel.data, m ? m.lines : CORRECT_LINES, {
        profile: this.profile,
        matmul: this.opts.matmul,
        matmulThreads: this.opts.matmulThreads,
        noiseCache: this.cache,
        shouldStop: this.opts.shouldStop,
        ...extra
      });
    } catch (e) {
      if (e instanceof LoopRaises) return null;
      throw e;
    }
  }
}

/**
 * The catalogue entries whose final sample satisfies `matches` (the comparison's rule applied to the pasted sample),
 * in catalogue order. Entries whose lines never run differently on these inputs are skipped (they give the
 * correct sample). [] when the correct loop's sample (`correctSample` if the caller has it) satisfies `matches`.
 */
export function diagnoseSample(
  inputs: SamplerInputs,
  matches: (candidateSample: Float32Array) => boolean,
  opts: DiagnoseOptions & { correctSample?: Float32Array } = {}
): MistakeId[] {
  const r = new Runner(inputs, opts);
  const T = r.c.T;
  // an entry whose lines first run differently at step s < T - 1 starts there, from the correct loop's x before s
  const candidates: { m: Mistake; start: number }[] = [];
  const before = new Map<number, Float32Array | null>();
  for (const m of r.candidates()) {
    const start = firstStepInEffect(m.id, T);
    if (start === null) continue; // never runs differently: it gives the correct sample
    candidates.push({ m, start });
    if (start < T - 1) before.set(start, null);
  }
  let correct = opts.correctSample;
  if (!correct || before.size > 0) {
    const run = r.run(null, {
      onStep: (t, x) => {
        if (before.has(t - 1)) before.set(t - 1, x.slice());
        return true;
      }
    });
    if (!run) return []; // the correct loop raises: nothing to compare with
    correct ??= run.sample;
  }
  if (matches(correct)) return [];
  const found: MistakeId[] = [];
  for (const { m, start } of candidates) {
    const run = start < T - 1 ? r.run(m, { fromStep: start, stateBefore: before.get(start)! }) : r.run(m, {});
    if (run && matches(run.sample)) found.push(m.id);
  }
  return found;
}

/**
 * Step-by-step pastes: the catalogue entries that, present from the first divergent step t0 on (fromStep = t0: the
 * correct loop before t0), give x after every step t0, t0 - 1, ..., 0 that `matchesStep(t, x)` accepts; x is the
 * state after step t (what `print(x)` at the end of iteration t shows; return true for steps the paste did not
 * print). A candidate stops at its first rejected step. Only entries whose lines change step t0 itself are run
 * (any other gives the correct x after t0, which diverges from the paste there). firstDivergentStep null (x_T
 * differs) gives []: no entry changes x_T. stateBefore: the correct loop's x before step t0 (after step t0 + 1, or
 * x_T when t0 = T - 1), when the caller has it; else it is computed. [] when the correct loop satisfies every step.
 */
export function diagnoseTrajectory(
  inputs: SamplerInputs,
  firstDivergentStep: number | null,
  matchesStep: (t: number, x: Float32Array) => boolean,
  opts: DiagnoseOptions & { stateBefore?: Float32Array } = {}
): MistakeId[] {
  if (firstDivergentStep === null) return [];
  const r = new Runner(inputs, opts);
  const T = r.c.T;
  const t0 = firstDivergentStep;
  if (!Number.isInteger(t0) || t0 < 0 || t0 > T - 1)
    throw new Error(`firstDivergentStep: expected an integer step in [0, ${T - 1}] or null, got ${t0}`);
  let stateBefore = opts.stateBefore;
  if (!stateBefore) {
    // x_T when t0 = T - 1 (randn of a fresh generator seeded with seed), else the correct loop's x after step t0 + 1
    const prefix = t0 === T - 1 ? null : r.run(null, { onStep: (t) => t > t0 + 1 });
    if (t0 < T - 1 && !prefix) return []; // the correct loop raises before t0: nothing to compare with
    stateBefore = prefix ? prefix.sample.slice() : r.cache.get(checkedSeed(r.c.seed)).slice();
  }
  const from = { fromStep: t0, stateBefore, onStep: matchesStep };
  const correct = r.run(null, from);
  if (correct && !correct.stopped) return [];
  const found: MistakeId[] = [];
  for (const m of r.candidates()) {
    if (!m.inEffect(t0, T)) continue;
    const run = r.run(m, from);
    if (run && !run.stopped) found.push(m.id);
  }
  return found;
}
