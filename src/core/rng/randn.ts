// torch.randn(..., generator=g) on CPU, float32, contiguous: at::native normal_kernel
// (aten/src/ATen/native/cpu/DistributionTemplates.h, PyTorch 1.13).
// - numel < 16: at::normal_distribution<double> per element (Box-Muller in double, second value cached
//   in the generator), cast to float.
// - numel >= 16: uniform floats for every element first, then Box-Muller in blocks of 16
//   (normal_fill_16_AVX2 or the portable normal_fill_16), and, when numel % 16 != 0, the last 16
//   slots refilled with 16 fresh uniforms and transformed again.
import { normalFill16Avx2Fma, normalFill16Avx2NoFma } from './avx2Math';
import { avx2FmaWasm } from './avx2Wasm';
import { CpuGenerator } from './generator';
import { MT_N } from './mt19937';
import { normalFill16Scalar } from './scalarMath';
import type { RngProfile } from '../types';

/** From this many values on, normal_kernel fills the tensor with normal_fill (uniforms at the tensor's own precision). */
export const NORMAL_FILL_MIN = 16;

const TWO_PI_F64 = 2 * Math.PI; // 2.0 * c10::pi<double>, exact doubling

/**
 * at::normal_distribution<double>(0, 1)(gen) (aten/src/ATen/core/DistributionsHelper.h, 1.13):
 * cached value if any; else u1, u2 uniform doubles, r = sqrt(-2 log(1 - u2)), theta = 2 pi u1,
 * cache r sin(theta), return r cos(theta); then transformation::normal: ret * 1 + 0.
 * Math.log/sin/cos stand in for glibc's log/sincos: both are within 1 ulp of the true double value and
 * the result is then rounded to float, so a difference is only possible when r cos(theta) lies within a
 * couple of double ulps of a float32 rounding boundary (probability about 2^-28 per value; none in 3e6
 * values from 200000 seeds checked against PyTorch, nor in the live test's fresh cases).
 */
export function normalFloat64(gen: CpuGenerator): number {
  const cached = gen.nextDoubleNormal;
  if (cached !== null) {
    gen.nextDoubleNormal = null;
    return cached * 1 + 0;
  }
  const u1 = gen.uniformFloat53();
  const u2 = gen.uniformFloat53();
  const r = Math.sqrt(-2 * Math.log(1 - u2));
  const theta = TWO_PI_F64 * u1;
  gen.nextDoubleNormal = r * Math.sin(theta);
  return r * Math.cos(theta) * 1 + 0;
}

/**
 * torch.randn(count, generator=torch.Generator().manual_seed(seed)) of a float64 tensor (normal_kernel's other branch):
 * under 16 values at::normal_distribution<double> per value (normalFloat64: the float32 draw is this double rounded),
 * else normal_fill<double>: a 53-bit uniform for every value, then Box-Muller in double on blocks of 16, the last 16
 * redrawn when the count is no multiple of 16. Math.log/sin/cos stand in for glibc's here too: the doubles may be an
 * ulp or three off PyTorch's (src/core/diagnosis/float64Loop.ts compares them rounded to float32).
 */
export function randnFloat64(seed: bigint, count: number): Float64Array {
  const gen = CpuGenerator.manualSeed(seed);
  const out = new Float64Array(count);
  if (count < NORMAL_FILL_MIN) {
    for (let i = 0; i < count; i++) out[i] = normalFloat64(gen);
    return out;
  }
  for (let i = 0; i < count; i++) out[i] = gen.uniformFloat53();
  for (let i = 0; i < count - 15; i += 16) normalFill16Double(out, i);
  if (count % 16 !== 0) {
    const tail = count - 16;
    for (let i = 0; i < 16; i++) out[tail + i] = gen.uniformFloat53();
    normalFill16Double(out, tail);
  }
  return out;
}

/**
 * normal_fill_16<double>(data + i, mean 0, std 1): u1 = 1 - data[j]; radius = sqrt(-2 * log(u1));
 * theta = 2 pi * data[j + 8]; data[j] = radius * cos(theta) * 1 + 0, data[j + 8] = radius * sin(theta) * 1 + 0.
 */
function normalFill16Double(data: Float64Array, i: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - data[i + j];
    const u2 = data[i + j + 8];
    const radius = Math.sqrt(-2 * Math.log(u1));
    const theta = TWO_PI_F64 * u2;
    data[i + j] = radius * Math.cos(theta) * 1 + 0;
    data[i + j + 8] = radius * Math.sin(theta) * 1 + 0;
  }
}

export interface RandnOptions {
  /** Use WebAssembly SIMD (the mt19937 stream, the 'avx2-fma' and 'avx2' kernels) when available (default true; same bits either way). */
  wasm?: boolean;
}

/** normal_fill / normal_fill_AVX2 on out[0..count) (count >= 16), mean 0, std 1. */
function normalFill(
  gen: CpuGenerator,
  out: Float32Array,
  count: number,
  profile: RngProfile,
  options?: RandnOptions
): void {
  const fill16 =
    profile === 'avx2-fma' ? normalFill16Avx2Fma : profile === 'avx2' ? normalFill16Avx2NoFma : normalFill16Scalar;
  const wasm = options?.wasm !== false ? avx2FmaWasm() : null;
  const blocks = Math.floor(count / 16);
  if (wasm !== null && profile !== 'scalar') {
    // uniforms and transform fused per chunk; the uniforms of a partial last block are drawn but unused
    wasm.normalBlocks(gen, out, blocks, profile === 'avx2-fma');
    gen.fillUniformFloat24(out, blocks * 16, count - blocks * 16);
  } else {
    if (wasm !== null) wasm.fillUniform(gen, out, 0, count);
    else gen.fillUniformFloat24(out, 0, count);
    for (let i = 0; i < count - 15; i += 16) fill16(out, i);
  }
  if (count % 16 !== 0) {
    const tail = count - 16; // recompute the last 16 values from fresh uniforms
    gen.fillUniformFloat24(out, tail, 16);
    fill16(out, tail);
  }
}

function checkCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0)
    throw new Error(`count: expected a non-negative integer, got ${count}`);
}

/**
 * torch.randn(count elements, generator=gen) on CPU as float32, contiguous, under the given profile;
 * advances gen exactly as PyTorch does. Writes into out (length >= count) if given.
 */
export function randn(
  gen: CpuGenerator,
  count: number,
  profile: RngProfile,
  out?: Float32Array,
  options?: RandnOptions
): Float32Array {
  checkCount(count);
  if (out !== undefined && out.length < count)
    throw new Error(`out: expected at least ${count} elements, got ${out.length}`);
  const values = out !== undefined ? (out.length === count ? out : out.subarray(0, count)) : new Float32Array(count);
  if (count >= NORMAL_FILL_MIN) {
    normalFill(gen, values, count, profile, options);
  } else {
    // when the first draw would twist the engine, the twist runs in WebAssembly where available (same state)
    const draws = count > (gen.nextDoubleNormal === null ? 0 : 1);
    const wasm = options?.wasm !== false && draws && gen.index >= MT_N ? avx2FmaWasm() : null;
    if (wasm !== null) wasm.twist(gen);
    for (let i = 0; i < count; i++) values[i] = normalFloat64(gen);
  }
  return out ?? values;
}

/** torch.randn(count elements, generator=torch.Generator().manual_seed(seed)) under the given profile. */
export function randnSeeded(
  seed: bigint,
  count: number,
  profile: RngProfile,
  out?: Float32Array,
  options?: RandnOptions
): Float32Array {
  return randn(CpuGenerator.manualSeed(seed), count, profile, out, options);
}
