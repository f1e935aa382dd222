// The diagnosis catalogue: common mistakes in implementing Algorithm 2, each defined by the change it makes to the
// reference PyTorch loop (loop.ts, scripts/fixtures/reference.py). Each entry's lines reproduce, bit for bit, real
// PyTorch running the changed loop (scripts/fixtures/diagnosis.py writes the loops out in Python and checks them
// against test/fixtures/diagnosis/cases.json). README "Diagnosis catalogue" lists them.
import {
  CORRECT_LINES,
  LoopRaises,
  checkedSeed,
  pyIndex,
  sqrtF32,
  type LoopContext,
  type LoopLines,
  type MeanStep
} from './loop';

const f32 = Math.fround;

export type MistakeId =
  | 'step-seed-plus-t'
  | 'shared-generator'
  | 'noise-at-t0'
  | 'time-unscaled'
  | 'time-plus-one'
  | 'alpha-bar-prev'
  | 'sigma-beta-tilde'
  | 'mean-alpha-bar'
  | 'coef-no-sqrt'
  | 'coef-alpha-t'
  | 'concat-time-first'
  | 'noise-scale-beta'
  | 'schedule-float64'
  | 'one-based-loop'
  | 'randn-like'
  | 'clip-x0'
  | 'sqrt-roles-swapped'
  | 'mean-no-rescale'
  | 'eps-sign-flipped'
  | 'no-noise'
  | 'sigma-alpha-bar'
  | 'time-over-t-minus-1'
  | 'coef-one-minus-alpha'
  | 'sigma-one-minus-alpha'
  | 'mean-divide';

/** What the diagnosis reports about an entry. */
export interface MistakeInfo {
  id: MistakeId;
  /** a few words */
  title: string;
  /** what the change does, in a sentence or two */
  explanation: string;
  /** the changed PyTorch line */
  wrong: string;
  /** the reference loop's line */
  right: string;
  /** `${wrong}\n${right}` */
  pytorch: string;
}

export interface Mistake extends MistakeInfo {
  /** the lines the entry changes (the others are CORRECT_LINES) */
  lines: LoopLines;
  /** whether the changed lines execute differently from the correct ones at step t (of a T-step loop) */
  inEffect(t: number, T: number): boolean;
}

// ---- the reference loop's lines, as PyTorch computes them, for the entries to change one part ----

const RIGHT = {
  time: 'inp = torch.cat([x, (t / T) * torch.ones(N, 1)], dim=-1)',
  mean: 'mean = (1 / torch.sqrt(alpha_t)) * (x - (betas[t] / torch.sqrt(1 - alpha_bar[t])) * eps)',
  noise: 'x = mean + torch.sqrt(betas[t]) * z if t > 0 else mean',
  z: 'z = torch.randn(N, d, generator=torch.Generator().manual_seed(seed + 100 + t))'
};

/** alpha_t = 1 - betas[t] (float32 rsub) */
const alphaF32 = (c: LoopContext, t: number) => f32(1 - c.betas[t]);
/** 1 / torch.sqrt(alpha_t): reciprocal of the float32 sqrt */
const reciprocalSqrtAlpha = (c: LoopContext, t: number) => f32(1 / sqrtF32(alphaF32(c, t)));
/** betas[t] / torch.sqrt(1 - alpha_bar[t]) */
const noiseCoef = (c: LoopContext, t: number) => f32(c.betas[t] / sqrtF32(f32(1 - c.alphaBar[t])));
const scaled = (scale: number, coef: number): MeanStep => ({ form: 'scaled', scale, coef });

/** A catalogue entry: the correct lines with `change` applied. */
function mistake(
  id: MistakeId,
  title: string,
  explanation: string,
  wrong: string,
  right: string,
  change: Partial<LoopLines>,
  inEffect: (t: number, T: number) => boolean
): Mistake {
  return {
    id,
    title,
    explanation,
    wrong,
    right,
    pytorch: `${wrong}\n${right}`,
    lines: { ...CORRECT_LINES, ...change },
    inEffect
  };
}

const everyStep = () => true;
const noisySteps = (t: number) => t > 0;

export const MISTAKES: readonly Mistake[] = [
  mistake(
    'step-seed-plus-t',
    'Step noise seeded with seed + t',
    "Each step's noise generator is seeded with `seed + t` instead of `seed + 100 + t`, so every step from t = T - 1 down to 1 adds other noise.",
    'z = torch.randn(N, d, generator=torch.Generator().manual_seed(seed + t))',
    RIGHT.z,
    // torch.Generator().manual_seed(seed + t)
    { noise: { kind: 'fresh-generator', seed: (c, t) => checkedSeed(c.seed + BigInt(t)) } },
    noisySteps
  ),
  mistake(
    'shared-generator',
    'Step noise drawn from the generator of x_T',
    'Every step draws its noise from the generator that made x_T, continuing its stream, instead of a fresh generator seeded with `seed + 100 + t`. ' +
      '`torch.manual_seed(seed)` with `torch.randn(N, d)` for x_T and every z gives exactly this too: the default CPU generator is then one generator continuing.',
    'z = torch.randn(N, d, generator=gen_init)',
    RIGHT.z,
    // gen_init = torch.Generator().manual_seed(seed), which drew x_T
    { noise: { kind: 'initial-generator' } },
    noisySteps
  ),
  mistake(
    'noise-at-t0',
    'Noise added at the last step too',
    'The last step (t = 0) adds `torch.sqrt(betas[0]) * z` too, with z from `seed + 100 + 0`; Algorithm 2 returns the mean there (its z = 0 when t = 1, counting from 1).',
    'x = mean + torch.sqrt(betas[t]) * z  # t = 0 included',
    RIGHT.noise,
    { noisy: () => true },
    (t) => t === 0
  ),
  mistake(
    'time-unscaled',
    'Time input not divided by T',
    'The model is given t itself instead of t / T as its time input.',
    'inp = torch.cat([x, t * torch.ones(N, 1)], dim=-1)',
    RIGHT.time,
    // t * torch.ones(N, 1): the Python int t as float32 (exact below 2^24)
    { timeValue: (_c, t) => f32(t) },
    everyStep
  ),
  mistake(
    'time-plus-one',
    'Time input (t + 1) / T',
    'The model is given (t + 1) / T instead of t / T as its time input (a 1-based time with the 0-based loop).',
    'inp = torch.cat([x, ((t + 1) / T) * torch.ones(N, 1)], dim=-1)',
    RIGHT.time,
    { timeValue: (c, t) => f32((t + 1) / c.T) },
    everyStep
  ),
  mistake(
    'alpha-bar-prev',
    'alpha_bar[t - 1] in the noise coefficient',
    "The noise coefficient of the mean uses alpha_bar[t - 1] instead of alpha_bar[t]; at t = 0 that is Python's alpha_bar[-1], the last value of alpha_bar.",
    'mean = (1 / torch.sqrt(alpha_t)) * (x - (betas[t] / torch.sqrt(1 - alpha_bar[t - 1])) * eps)',
    RIGHT.mean,
    {
      mean: (c, t) =>
        scaled(reciprocalSqrtAlpha(c, t), f32(c.betas[t] / sqrtF32(f32(1 - pyIndex(c.alphaBar, t - 1, 'alpha_bar')))))
    },
    everyStep
  ),
  mistake(
    'sigma-beta-tilde',
    'Noise scaled by the posterior standard deviation',
    "The noise is scaled by sqrt(beta~_t) = sqrt((1 - alpha_bar[t - 1]) / (1 - alpha_bar[t]) * betas[t]), the paper's other choice of sigma_t, instead of sqrt(betas[t]).",
    'x = mean + torch.sqrt((1 - alpha_bar[t - 1]) / (1 - alpha_bar[t]) * betas[t]) * z',
    RIGHT.noise,
    // torch.sqrt(((1 - alpha_bar[t - 1]) / (1 - alpha_bar[t])) * betas[t]), left to right in float32
    {
      sigma: (c, t) =>
        sqrtF32(f32(f32(f32(1 - pyIndex(c.alphaBar, t - 1, 'alpha_bar')) / f32(1 - c.alphaBar[t])) * c.betas[t]))
    },
    noisySteps
  ),
  mistake(
    'mean-alpha-bar',
    '1 / sqrt(alpha_bar[t]) in place of 1 / sqrt(alpha_t)',
    'The mean is scaled by 1 / sqrt(alpha_bar[t]), the cumulative product, instead of 1 / sqrt(alpha_t) = 1 / sqrt(1 - betas[t]).',
    'mean = (1 / torch.sqrt(alpha_bar[t])) * (x - (betas[t] / torch.sqrt(1 - alpha_bar[t])) * eps)',
    RIGHT.mean,
    { mean: (c, t) => scaled(f32(1 / sqrtF32(c.alphaBar[t])), noiseCoef(c, t)) },
    everyStep
  ),
  mistake(
    'coef-no-sqrt',
    'betas[t] / (1 - alpha_bar[t]) without the square root',
    'The noise coefficient divides by 1 - alpha_bar[t] instead of its square root.',
    'mean = (1 / torch.sqrt(alpha_t)) * (x - (betas[t] / (1 - alpha_bar[t])) * eps)',
    RIGHT.mean,
    { mean: (c, t) => scaled(reciprocalSqrtAlpha(c, t), f32(c.betas[t] / f32(1 - c.alphaBar[t]))) },
    everyStep
  ),
  mistake(
    'coef-alpha-t',
    'sqrt(1 - alpha_t) in place of sqrt(1 - alpha_bar[t])',
    'The noise coefficient divides by sqrt(1 - alpha_t), the one-step value, instead of sqrt(1 - alpha_bar[t]), the cumulative one.',
    'mean = (1 / torch.sqrt(alpha_t)) * (x - (betas[t] / torch.sqrt(1 - alpha_t)) * eps)',
    RIGHT.mean,
    // betas[t] / torch.sqrt(1 - alpha_t) with alpha_t = 1 - betas[t], each op rounded to float32
    { mean: (c, t) => scaled(reciprocalSqrtAlpha(c, t), f32(c.betas[t] / sqrtF32(f32(1 - alphaF32(c, t))))) },
    everyStep
  ),
  mistake(
    'concat-time-first',
    'Time column first in the model input',
    "The time column comes before x in the model's input, so w_model's first row multiplies t / T and its last row the last coordinate of x.",
    'inp = torch.cat([t_col, x], dim=-1)',
    'inp = torch.cat([x, t_col], dim=-1)',
    { timeFirst: true },
    everyStep
  ),
  mistake(
    'noise-scale-beta',
    'Noise scaled by betas[t] instead of its square root',
    'The noise is scaled by the variance betas[t] instead of the standard deviation sqrt(betas[t]).',
    'x = mean + betas[t] * z',
    RIGHT.noise,
    { sigma: (c, t) => c.betas[t] },
    noisySteps
  ),
  mistake(
    'schedule-float64',
    'float64 schedule',
    'betas and alpha_bar are float64 tensors (a schedule built with NumPy or dtype=torch.float64): alpha_t, both coefficients of the mean and sigma are computed in ' +
      'double and rounded to float32 only where they meet x, which stays float32, so they can differ from the float32 loop in the last bit.',
    'betas, alpha_bar = betas.double(), alpha_bar.double()  # or a schedule made with NumPy / dtype=torch.float64',
    'betas, alpha_bar = betas.float(), alpha_bar.float()',
    {
      // the same mean line on 0-dim float64 tensors: 1 - b, sqrt, reciprocal and / in double; each coefficient is
      // cast to float32 when it meets the float32 (N, d) tensor
      mean: (c, t) => {
        const beta = c.betas64[t];
        return scaled(f32(1 / Math.sqrt(1 - beta)), f32(beta / Math.sqrt(1 - c.alphaBar64[t])));
      },
      // torch.sqrt(betas[t]) in double, cast to float32 where it meets z
      sigma: (c, t) => f32(Math.sqrt(c.betas64[t]))
    },
    everyStep
  ),
  mistake(
    'one-based-loop',
    'Loop counted from T down to 1',
    'The loop runs t from T down to 1 and indexes the schedule with t - 1, but gives the model t / T and seeds the noise with `seed + 100 + t` with that 1-based t: ' +
      "the time input is (t + 1) / T of the right loop's t, and each step's noise is the one meant for the step before it.",
    'for t in range(T, 0, -1):  # betas[t - 1], alpha_bar[t - 1], t / T, seed + 100 + t, noise while t > 1',
    'for t in range(T - 1, -1, -1):  # betas[t], alpha_bar[t], t / T, seed + 100 + t, noise while t > 0',
    // in the 0-based t of the right loop: time (t + 1) / T, seed + 100 + (t + 1); the schedule and `t > 1` line up
    {
      timeValue: (c, t) => f32((t + 1) / c.T),
      noise: { kind: 'fresh-generator', seed: (c, t) => checkedSeed(c.seed + 100n + BigInt(t + 1)) }
    },
    everyStep
  ),
  mistake(
    'randn-like',
    'Step noise from torch.randn_like (the default generator)',
    'The noise is `torch.randn_like(x)`, which takes no generator: it draws from the default CPU generator, seeded once with `torch.manual_seed(seed)` before the loop, ' +
      "so the first step's z repeats x_T and the other steps continue that stream.",
    'z = torch.randn_like(x)  # after torch.manual_seed(seed)',
    RIGHT.z,
    { noise: { kind: 'default-generator' } },
    noisySteps
  ),
  mistake(
    'clip-x0',
    'x_0 predicted, clipped to [-1, 1], posterior mean',
    "The mean is the posterior mean (Ho et al. 2020, eq. 7) around the predicted x_0 clipped to [-1, 1] (improved-diffusion's clip_denoised, diffusers' clip_sample), " +
      "with alpha_bar_prev = 1 at t = 0, instead of Algorithm 2's mean: the clipping changes it, and where nothing is clipped the other formula still rounds differently.",
    'ab_prev = alpha_bar[t - 1] if t > 0 else torch.tensor(1.0); x0 = ((x - torch.sqrt(1 - alpha_bar[t]) * eps) / torch.sqrt(alpha_bar[t])).clamp(-1, 1); ' +
      'mean = (torch.sqrt(ab_prev) * betas[t] / (1 - alpha_bar[t])) * x0 + (torch.sqrt(alpha_t) * (1 - ab_prev) / (1 - alpha_bar[t])) * x',
    RIGHT.mean,
    {
      mean: (c, t) => {
        const beta = c.betas[t];
        const ab = c.alphaBar[t];
        const abPrev = t > 0 ? c.alphaBar[t - 1] : 1; // alpha_bar[t - 1] if t > 0 else torch.tensor(1.0)
        const oneMinusAb = f32(1 - ab);
        return {
          form: 'clipped-x0',
          sqrtOneMinusAlphaBar: sqrtF32(oneMinusAb), // torch.sqrt(1 - alpha_bar[t])
          sqrtAlphaBar: sqrtF32(ab), // torch.sqrt(alpha_bar[t])
          coefX0: f32(f32(sqrtF32(abPrev) * beta) / oneMinusAb), // torch.sqrt(ab_prev) * betas[t] / (1 - alpha_bar[t])
          coefX: f32(f32(sqrtF32(alphaF32(c, t)) * f32(1 - abPrev)) / oneMinusAb) // torch.sqrt(alpha_t) * (1 - ab_prev) / (1 - alpha_bar[t])
        };
      }
    },
    everyStep
  ),
  mistake(
    'sqrt-roles-swapped',
    'sqrt(alpha_t) and sqrt(1 - alpha_bar[t]) swapped',
    'The mean is scaled by 1 / sqrt(1 - alpha_bar[t]) and the noise coefficient divides by sqrt(alpha_t): the two square roots trade places.',
    'mean = (1 / torch.sqrt(1 - alpha_bar[t])) * (x - (betas[t] / torch.sqrt(alpha_t)) * eps)',
    RIGHT.mean,
    { mean: (c, t) => scaled(f32(1 / sqrtF32(f32(1 - c.alphaBar[t]))), f32(c.betas[t] / sqrtF32(alphaF32(c, t)))) },
    everyStep
  ),
  mistake(
    'mean-no-rescale',
    'Mean without the 1 / sqrt(alpha_t) factor',
    'The mean is x - coefficient * eps, without the factor 1 / sqrt(alpha_t).',
    'mean = x - (betas[t] / torch.sqrt(1 - alpha_bar[t])) * eps',
    RIGHT.mean,
    { mean: (c, t) => ({ form: 'unscaled', coef: noiseCoef(c, t) }) },
    everyStep
  ),
  mistake(
    'eps-sign-flipped',
    'Predicted noise added instead of subtracted',
    'The mean adds the scaled predicted noise to x instead of subtracting it.',
    'mean = (1 / torch.sqrt(alpha_t)) * (x + (betas[t] / torch.sqrt(1 - alpha_bar[t])) * eps)',
    RIGHT.mean,
    { mean: (c, t) => ({ form: 'scaled-plus', scale: reciprocalSqrtAlpha(c, t), coef: noiseCoef(c, t) }) },
    everyStep
  ),
  mistake(
    'no-noise',
    'No noise added',
    'No step adds noise: x = mean throughout, which makes the sampler deterministic after x_T.',
    'x = mean',
    RIGHT.noise,
    { noisy: () => false },
    noisySteps
  ),
  mistake(
    'sigma-alpha-bar',
    'Noise scaled by sqrt(1 - alpha_bar[t])',
    "The noise is scaled by sqrt(1 - alpha_bar[t]), the forward process's standard deviation at t, instead of sqrt(betas[t]).",
    'x = mean + torch.sqrt(1 - alpha_bar[t]) * z',
    RIGHT.noise,
    { sigma: (c, t) => sqrtF32(f32(1 - c.alphaBar[t])) },
    noisySteps
  ),
  mistake(
    'time-over-t-minus-1',
    'Time input t / (T - 1)',
    'The model is given t / (T - 1) instead of t / T as its time input (Python raises ZeroDivisionError when T = 1).',
    'inp = torch.cat([x, (t / (T - 1)) * torch.ones(N, 1)], dim=-1)',
    RIGHT.time,
    {
      timeValue: (c, t) => {
        if (c.T === 1) throw new LoopRaises('ZeroDivisionError: division by zero (t / (T - 1) with T = 1)');
        return f32(t / (c.T - 1));
      }
    },
    everyStep
  ),
  mistake(
    'coef-one-minus-alpha',
    'Same formula, other rounding: (1 - alpha_t) for betas[t]',
    'The noise coefficient uses 1 - alpha_t, as the paper writes it, instead of betas[t]: equal in exact arithmetic, but 1 - (1 - betas[t]) in float32 is not always betas[t], so results can differ in the last bits.',
    'mean = (1 / torch.sqrt(alpha_t)) * (x - ((1 - alpha_t) / torch.sqrt(1 - alpha_bar[t])) * eps)',
    RIGHT.mean,
    {
      mean: (c, t) => scaled(reciprocalSqrtAlpha(c, t), f32(f32(1 - alphaF32(c, t)) / sqrtF32(f32(1 - c.alphaBar[t]))))
    },
    everyStep
  ),
  mistake(
    'sigma-one-minus-alpha',
    'Same formula, other rounding: sqrt(1 - alpha_t) for sqrt(betas[t])',
    'The noise is scaled by sqrt(1 - alpha_t) instead of sqrt(betas[t]): equal in exact arithmetic, but 1 - (1 - betas[t]) in float32 is not always betas[t].',
    'x = mean + torch.sqrt(1 - alpha_t) * z',
    RIGHT.noise,
    { sigma: (c, t) => sqrtF32(f32(1 - alphaF32(c, t))) },
    noisySteps
  ),
  mistake(
    'mean-divide',
    'Same formula, other rounding: divided by sqrt(alpha_t)',
    'The mean divides by sqrt(alpha_t) instead of multiplying by its float32 reciprocal: equal in exact arithmetic, one rounding different.',
    'mean = (x - (betas[t] / torch.sqrt(1 - alpha_bar[t])) * eps) / torch.sqrt(alpha_t)',
    RIGHT.mean,
    { mean: (c, t) => ({ form: 'divided', coef: noiseCoef(c, t), divisor: sqrtF32(alphaF32(c, t)) }) },
    everyStep
  )
];

export const MISTAKE_IDS: readonly MistakeId[] = MISTAKES.map((m) => m.id);

const BY_ID = new Map<string, Mistake>(MISTAKES.map((m) => [m.id, m]));

/** The entry with this id; throws a one-line Error for an unknown id. */
export function mistakeById(id: string): Mistake {
  const m = BY_ID.get(id);
  if (!m)
    throw new Error(`diagnosis: unknown catalogue entry ${JSON.stringify(id)} (known: ${MISTAKE_IDS.join(', ')})`);
  return m;
}

/** What the diagnosis reports about an entry (no functions: safe to send to a worker or write as JSON). */
export function mistakeInfo(id: string): MistakeInfo {
  const { title, explanation, wrong, right, pytorch } = mistakeById(id);
  return { id: id as MistakeId, title, explanation, wrong, right, pytorch };
}

/** The first step (in loop order: the largest t) at which the entry's lines execute differently, from step `fromStep` on; null if none. */
export function firstStepInEffect(id: string, T: number, fromStep = T - 1): number | null {
  const m = mistakeById(id);
  for (let t = Math.min(fromStep, T - 1); t >= 0; t--) if (m.inEffect(t, T)) return t;
  return null;
}
