// Noise schedules as PyTorch computes them on the CPU in float32 (torch 1.13, one thread).
// Each function names the PyTorch expression it reproduces bit for bit; test/fixtures/sampler/schedules.json
// (made by scripts/fixtures/sampler.py from real PyTorch) checks every one of them.
import { fmaF32 } from '../float32';
import type { RngProfile, Schedule } from '../types';

const f32 = Math.fround;

/**
 * torch.linspace(start, end, steps) in float32 (aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp, linspace_kernel):
 * step = (float(end) - float(start)) / float(steps - 1); element idx is start + step*idx below steps/2 and
 * end - step*(steps-1-idx) from there on. The kernel is vectorised: in blocks of 16 (two vectors of 8) a block's
 * first element comes from that formula and the other seven of each vector are base + k*step; the tail after the
 * last full block of 16 uses the scalar formula. The AVX2 build ('avx2-fma', checked on the oracle) contracts the
 * block base and the scalar formula into fused multiply-adds but not base + k*step; the portable kernel
 * ('scalar', ATEN_CPU_CAPABILITY=default) and 'avx2' round every product. One thread (steps <= 32768 always is).
 */
export function linspaceF32(start: number, end: number, steps: number, profile: RngProfile = 'avx2-fma'): Float32Array {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`steps: expected a non-negative integer, got ${steps}`);
  const out = new Float32Array(steps);
  if (steps === 0) return out;
  const s = f32(start);
  const e = f32(end);
  if (steps === 1) {
    out[0] = s; // linspace_out fills start when steps == 1
    return out;
  }
  const fused = profile === 'avx2-fma';
  const step = f32(f32(e - s) / f32(steps - 1));
  const halfway = Math.floor(steps / 2);
  // start + step*idx below halfway, end - step*(steps-idx-1) from halfway on, one rounding each when fused
  const formula = (idx: number): number => {
    if (idx < halfway) return fused ? fmaF32(step, f32(idx), s) : f32(s + f32(step * f32(idx)));
    const back = f32(steps - idx - 1);
    return fused ? fmaF32(-step, back, e) : f32(e - f32(step * back));
  };
  let idx = 0;
  for (; idx + 16 <= steps; idx += 8) {
    for (const end8 = idx + 16; idx < end8; idx += 8) {
      const base = formula(idx);
      out[idx] = base;
      for (let k = 1; k < 8; k++) out[idx + k] = f32(base + f32(k * step)); // Vectorized<float>::arange(base, step)
    }
    idx -= 8;
  }
  for (; idx < steps; idx++) out[idx] = formula(idx);
  return out;
}

/** linear_schedule(T, beta_start, beta_end) = torch.linspace(beta_start, beta_end, T) (Ho et al. 2020 use 1e-4 .. 0.02). */
export function linearSchedule(
  T: number,
  betaStart = 1e-4,
  betaEnd = 0.02,
  profile: RngProfile = 'avx2-fma'
): Float32Array {
  return linspaceF32(betaStart, betaEnd, T, profile);
}

/**
 * cosine_schedule(T, s=0.008), Nichol & Dhariwal 2021, as openai/improved-diffusion's betas_for_alpha_bar and
 * diffusers' "squaredcos_cap_v2" compute it, in Python floats (float64), then torch.tensor(..., dtype=torch.float32):
 *   f = lambda u: math.cos((u + s) / (1 + s) * math.pi / 2) ** 2
 *   betas = torch.tensor([min(1 - f((i + 1) / T) / f(i / T), 0.999) for i in range(T)], dtype=torch.float32)
 * Math.cos and the C library's cos agree to the last bit almost always; the float32 rounding hides the rest
 * (checked against PyTorch for the T in test/fixtures/sampler/schedules.json).
 */
export function cosineSchedule(T: number, s = 0.008, maxBeta = 0.999): Float32Array {
  if (!Number.isInteger(T) || T < 0) throw new Error(`T: expected a non-negative integer, got ${T}`);
  const f = (u: number): number => {
    const c = Math.cos((((u + s) / (1 + s)) * Math.PI) / 2);
    return c * c;
  };
  const out = new Float32Array(T);
  for (let i = 0; i < T; i++) out[i] = f32(Math.min(1 - f((i + 1) / T) / f(i / T), maxBeta));
  return out;
}

/** 1 - values in float32 (torch.rsub: 1 - x, one rounding). */
export function oneMinusF32(values: ArrayLike<number>): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f32(1 - f32(values[i]));
  return out;
}

/**
 * torch.cumprod(x, 0) for float32 on the CPU: the running product is kept in double (at::acc_type<float, false>,
 * aten/src/ATen/native/cpu/ReduceOpsKernel.cpp cpu_cum_base_kernel) and each output rounded to float32.
 */
export function cumprodF32(values: ArrayLike<number>): Float32Array {
  const out = new Float32Array(values.length);
  let acc = 1;
  for (let i = 0; i < values.length; i++) {
    acc *= f32(values[i]);
    out[i] = acc;
  }
  return out;
}

/** alpha_bar = torch.cumprod(1 - betas, 0), the schedule's cumulative product as PyTorch computes it. */
export function alphaBarFromBetas(betas: ArrayLike<number>): Float32Array {
  return cumprodF32(oneMinusF32(betas));
}

/** How the note of a float64 schedule that is its own cumprod begins (float64CumprodNote); the sampler then adds no warning of its own. */
export const FLOAT64_CUMPROD_NOTE = 'alpha_bar: cumprod(1 - betas) computed in float64';

/**
 * For a schedule given in float64 (some of the first T values of betas or alpha_bar are no float32 value): when
 * alpha_bar is exactly torch.cumprod(1 - betas, 0) in float64 (one product after another in doubles, as PyTorch's
 * and NumPy's cumprod compute it), a note saying so in place of checkSchedule's warning, whose float32 difference
 * is then only the rounding of a consistent schedule; null otherwise.
 */
export function float64CumprodNote(betas: ArrayLike<number>, alphaBar: ArrayLike<number>): string | null {
  const T = betas.length;
  let float64 = false;
  for (let t = 0; t < T && !float64; t++)
    float64 = Math.fround(betas[t]) !== betas[t] || Math.fround(alphaBar[t]) !== alphaBar[t];
  if (!float64) return null;
  let acc = 1;
  for (let t = 0; t < T; t++) {
    acc *= 1 - betas[t];
    if (acc !== alphaBar[t]) return null;
  }
  const rounded = checkSchedule(Float32Array.from(betas), Float32Array.from(alphaBar).slice(0, T));
  if (!rounded.warning) return null;
  return `${FLOAT64_CUMPROD_NOTE}, as given; rounded to float32 it differs from the float32 cumprod of the rounded betas by at most ${rounded.schedule.maxAlphaBarDiff.toPrecision(3)} (as .float() of it does in PyTorch), and the sampler uses it as given`;
}

/** Compares alpha_bar with float32 cumprod(1 - betas) over the first T values; the warning says how they differ, if they do. */
export function checkSchedule(betas: Float32Array, alphaBar: Float32Array): { schedule: Schedule; warning?: string } {
  const T = betas.length;
  const given = alphaBar.slice(0, T);
  const expected = alphaBarFromBetas(betas);
  let maxDiff = 0;
  let differing = 0;
  let worstT = -1;
  for (let t = 0; t < T; t++) {
    if (given[t] === expected[t]) continue; // -0 and +0 agree; NaN cannot occur (inputs are checked finite)
    differing++;
    const diff = Math.abs(given[t] - expected[t]);
    if (!(diff <= maxDiff)) {
      maxDiff = diff;
      worstT = t;
    }
  }
  const schedule: Schedule = {
    betas: betas.slice(),
    alphaBar: given,
    alphaBarMatchesCumprod: differing === 0,
    maxAlphaBarDiff: maxDiff
  };
  if (differing === 0) return { schedule };
  const warning =
    `alpha_bar: differs from cumprod(1 - betas) at ${differing} of ${T} steps ` +
    `(largest difference ${maxDiff.toPrecision(3)} at t = ${worstT}); the sampler uses alpha_bar as given`;
  return { schedule, warning };
}
