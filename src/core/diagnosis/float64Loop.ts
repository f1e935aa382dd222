// Algorithm 2 run wholly in float64: the reference loop (loop.ts) as PyTorch computes it when x, the weights and the
// schedule are float64 tensors (torch.set_default_dtype(torch.float64), or .double() on each), which a recording of
// float64 states that matches no catalogue entry may be. The diagnosis runs it to say so (compare.ts recordingHints,
// src/core/run/checkRecording.ts). Two ways of drawing the noise, as users write them:
// - 'float64': torch.randn(N, d, generator=...) of a float64 tensor (default dtype float64, or dtype=torch.float64):
//   at::normal_distribution<double> per value below 16 values (the float32 draw is this double rounded), else
//   normal_fill<double> (aten/src/ATen/native/cpu/DistributionTemplates.h, PyTorch 1.13): 53-bit uniforms for every
//   value, then Box-Muller in double on blocks of 16, the last 16 redrawn when the count is no multiple of 16;
// - 'float32': the float32 draw (the run's RNG profile) converted with .double().
// And the time column (t / T) * torch.ones(N, 1): the double t / T when the ones are float64, or t / T rounded to
// float32 when they are float32 (the default dtype), which torch.cat then widens.
// The arithmetic is IEEE double, each operation rounded once as PyTorch's double kernels round it: the matmul as
// reference BLAS dgemm sums it (products in order of the inner index, added to a sum that starts at +0, no fused
// multiply-add: src/core/sampler/matmul.ts says the same of sgemm), 1 / torch.sqrt(alpha_t) a reciprocal of the
// double sqrt. The draws (randnFloat64, src/core/rng/randn.ts) use JavaScript's log, sin and cos, not glibc's: about
// 6.5% of float64 draws are 1 to 3 ulps from PyTorch's doubles (1,130 of 17,400 over 200 seeds drawing 1, 5, 15, 16,
// 17 and 33 values; 7,376 of 112,200 over 200 seeds drawing every count from 1 to 33), none once rounded to float32.
// So the states are compared rounded to float32, as the recording's are: a few ulps of a double show there only at a
// float32 rounding boundary.
import { abortError } from '../errors';
import { NORMAL_FILL_MIN, randnFloat64, randnSeeded } from '../rng/randn';
import { SEED_MAX_EXCLUSIVE, SEED_MIN } from '../rng/seed';
import { firstBitDifference } from '../run/recompute';
import type { Recording } from '../run/recording';
import type { RngProfile } from '../types';

/** The loop's inputs as the user's float64 tensors hold them (float32 inputs widened exactly). */
export interface Float64LoopInputs {
  n: number;
  d: number;
  seed: bigint;
  /** (d + 1, d), row-major */
  wModel: ArrayLike<number>;
  /** T values */
  betas: ArrayLike<number>;
  /** at least T values */
  alphaBar: ArrayLike<number>;
  /** the RNG profile of float32 draws ('float32' noise) */
  profile: RngProfile;
}

/** A recording's own inputs as the float64 loop reads them: its tensors as recorded (float64 values kept). */
export function recordedLoopInputs(r: Recording): Omit<Float64LoopInputs, 'profile'> {
  return {
    n: r.inputs.n,
    d: r.inputs.d,
    seed: r.inputs.seed,
    wModel: r.recordedInputs.w_model.values,
    betas: r.recordedInputs.betas.values,
    alphaBar: r.recordedInputs.alpha_bar.values
  };
}

/** How the float64 loop drew its noise and made its time column (above). */
export interface Float64LoopKind {
  draws: 'float64' | 'float32';
  time: 'float64' | 'float32';
}

/** A float64 loop that gives a recording's states: its draws, and its time column (null: either gives them). */
export interface Float64LoopMatch {
  draws: Float64LoopKind['draws'];
  time: Float64LoopKind['time'] | null;
}

/** A step seed beyond what torch.Generator().manual_seed accepts: the loop raises there, and has no states. */
function validSeed(s: bigint): boolean {
  return s >= SEED_MIN && s < SEED_MAX_EXCLUSIVE;
}

/**
 * Runs the float64 loop of `kind` for T = betas.length steps, giving x_T (t = null) and x after each step t to
 * `onState` (in loop order; a false return stops the run). Returns false when the run stopped or the loop raises (a
 * step seed out of range).
 */
export function runFloat64Loop(
  inp: Float64LoopInputs,
  kind: Float64LoopKind,
  onState: (t: number | null, x: Float64Array) => boolean
): boolean {
  const { n, d, seed } = inp;
  const T = inp.betas.length;
  const nd = n * d;
  const k = d + 1;
  const draw = (s: bigint): Float64Array =>
    kind.draws === 'float64' ? randnFloat64(s, nd) : Float64Array.from(randnSeeded(s, nd, inp.profile));
  if (!validSeed(seed)) return false;
  let x = draw(seed);
  if (!onState(null, x)) return false;
  const eps = new Float64Array(nd);
  for (let t = T - 1; t >= 0; t--) {
    const time = kind.time === 'float64' ? t / T : Math.fround(t / T);
    // eps = torch.cat([x, time * ones], dim=-1) @ w_model: dgemm, the products in order of the inner index from +0
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < d; col++) {
        let acc = 0;
        for (let l = 0; l < k; l++) acc += (l < d ? x[row * d + l] : time) * inp.wModel[l * d + col];
        eps[row * d + col] = acc;
      }
    }
    const beta = inp.betas[t];
    const scale = 1 / Math.sqrt(1 - beta); // (1 / torch.sqrt(alpha_t)), alpha_t = 1 - betas[t]
    const coef = beta / Math.sqrt(1 - inp.alphaBar[t]); // betas[t] / torch.sqrt(1 - alpha_bar[t])
    const next = new Float64Array(nd);
    for (let i = 0; i < nd; i++) next[i] = scale * (x[i] - coef * eps[i]);
    if (t > 0) {
      const s = seed + 100n + BigInt(t);
      if (!validSeed(s)) return false;
      const z = draw(s);
      const sigma = Math.sqrt(beta);
      for (let i = 0; i < nd; i++) next[i] = next[i] + sigma * z[i];
    }
    x = next;
    if (!onState(t, x)) return false;
  }
  return true;
}

/**
 * How a float64 loop gives every one of `states` bit for bit once rounded to float32 (as x.float() does; x_T as
 * t = null): its draws, and its time column, null when either gives them (t / T is a float32 value at every step, as
 * for T a power of two). Null when none does, or when `states` holds no step (x_T alone says nothing of the loop). A
 * run stops at its first differing state; `shouldStop` is asked between runs and steps (an Error named 'AbortError').
 */
export function float64LoopReproducing(
  inp: Float64LoopInputs,
  states: readonly { t: number | null; x: Float32Array }[],
  shouldStop?: () => boolean
): Float64LoopMatch | null {
  if (!states.some((s) => s.t !== null)) return null;
  const at = new Map(states.map((s) => [s.t, s.x]));
  const gives = (kind: Float64LoopKind): boolean => {
    let seen = 0;
    const ok = runFloat64Loop(inp, kind, (t, x) => {
      if (shouldStop?.()) throw abortError('float64 loop: stopped');
      const want = at.get(t);
      if (!want) return true;
      seen++;
      return firstBitDifference(Float32Array.from(x), want) < 0;
    });
    return ok && seen === states.length;
  };
  for (const draws of ['float64', 'float32'] as const) {
    const f64 = gives({ draws, time: 'float64' });
    const f32 = gives({ draws, time: 'float32' });
    if (f64 || f32) return { draws, time: f64 && f32 ? null : f64 ? 'float64' : 'float32' };
  }
  return null;
}

/**
 * What a recording that the float64 loop `kind` reproduces is told (after "Hint: "), its states holding `count` values
 * each: what the loop is, and that nothing is wrong with it but its dtype.
 */
export function float64LoopHint(kind: Float64LoopMatch, count: number): string {
  const draws =
    kind.draws === 'float64'
      ? 'x_T and each z drawn as float64 tensors, as torch.set_default_dtype(torch.float64) or dtype=torch.float64 draw them'
      : 'x_T and each z drawn in float32 and converted with .double()';
  const time =
    kind.time === null
      ? ''
      : kind.time === 'float64'
        ? '; the time column float64'
        : '; the time column, (t / T) * torch.ones(N, 1), float32';
  const why =
    kind.draws === 'float64' && count >= NORMAL_FILL_MIN
      ? ', and PyTorch draws other numbers for a float64 tensor of 16 or more values than for a float32 one, so x_T differs too'
      : ', and their roundings differ from the first step on';
  return `every recorded state is, rounded to float32, what Algorithm 2 gives when the whole loop runs in float64: x, w_model and the schedule float64 tensors; ${draws}${time}. Your loop is correct: it runs in float64 where the reference runs in float32${why}. Run it in float32 (the default dtype) to compare bit for bit.`;
}
