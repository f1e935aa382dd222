// One step's arithmetic of the sampler (sampler.ts) on a workspace where x, eps, mean and z are (N, dp) row-major
// with dp = d rounded up to a multiple of 4 (16 when d >= 8) and zero padding columns, and W is (d+1, dp):
//   eps[j, i] = ((+0 + f32(x[j,0]*W[0,i])) + f32(x[j,1]*W[1,i]) + ...) + f32(f32(t/T)*W[d,i]), each sum rounded;
//   mean = f32(c1 * f32(x - f32(c2 * eps))); x = f32(mean + f32(sqrtBeta * z)) for t > 0, x = mean at t = 0.
// Two kernels give identical bits: WebAssembly SIMD (samplerWasm.ts) for runs big enough to gain, plain JS otherwise.
import { paddedWidth, workspaceCounts } from './limits';
import { instantiateSamplerWasm } from './samplerWasm';

const f32 = Math.fround;

/** Plain-JS eps = concat(x, t/T) @ W on the padded layout; a Float32Array store rounds each sum to float32. */
export function matmulRowsF32(
  x: Float32Array,
  w: Float32Array,
  out: Float32Array,
  n: number,
  d: number,
  dp: number,
  tOverT: number
): void {
  for (let j = 0; j < n; j++) {
    const row = j * dp;
    out.fill(0, row, row + dp);
    for (let l = 0; l <= d; l++) {
      const a = l < d ? x[row + l] : tOverT;
      const wRow = l * dp;
      for (let i = 0; i < dp; i++) out[row + i] = out[row + i] + f32(a * w[wRow + i]);
    }
  }
}

/** Plain-JS elementwise part of a step over `count` padded elements; returns false when a non-finite x appeared. */
export function stepElementwiseF32(
  x: Float32Array,
  eps: Float32Array,
  z: Float32Array,
  mean: Float32Array,
  count: number,
  c1: number,
  c2: number,
  sqrtBeta: number,
  noisy: boolean
): boolean {
  let check = 0; // NaN once any new x is inf or nan (v - v)
  for (let i = 0; i < count; i++) {
    const m = f32(c1 * f32(x[i] - f32(c2 * eps[i]))); // (1/sqrt(alpha_t)) * (x - c2 * eps)
    mean[i] = m;
    const next = noisy ? f32(m + f32(sqrtBeta * z[i])) : m; // mean + sqrt(beta_t) * z
    x[i] = next;
    check += next - next;
  }
  return check === 0;
}

/** The padded buffers of one run and the operations of a step on them. */
export interface Workspace {
  dp: number;
  x: Float32Array;
  eps: Float32Array;
  mean: Float32Array;
  z: Float32Array;
  /** (N, d) without padding: what randn fills, x_T and each step's z (z's own storage when d = dp) */
  noise: Float32Array;
  kernel: 'wasm' | 'js';
  matmul(tOverT: number): void;
  /** returns false when a non-finite x appeared */
  step(c1: number, c2: number, sqrtBeta: number, noisy: boolean): boolean;
  /** copies noise into x (x_T) or z, padded */
  padNoise(to: 'x' | 'z'): void;
  /** the (N, d) block of x, eps or mean, copied into `into` (a new array without it) */
  unpad(from: 'x' | 'eps' | 'mean', into?: Float32Array): Float32Array;
}

/** Below this many multiply-adds per run (N*(d+1)*dp*T), instantiating WebAssembly (~0.1 ms) costs more than it saves. */
const WASM_MIN_WORK = 1 << 16;

/** The workspace of a run with W = wModel ((d+1, d) row-major) copied in; `kernel` as SamplerOptions.kernel. */
export function makeWorkspace(
  n: number,
  d: number,
  steps: number,
  wModel: Float32Array,
  kernel: 'auto' | 'wasm' | 'js'
): Workspace {
  const k = d + 1;
  const dp = paddedWidth(d);
  const wide = dp % 16 === 0 && d >= 8; // 16 columns per pass
  const direct = d === dp; // randn writes straight into z
  const counts = workspaceCounts(n, d);
  const offsets: number[] = [];
  let bytes = 0;
  for (const c of counts) {
    offsets.push(bytes);
    bytes += Math.ceil((c * 4) / 16) * 16;
  }
  const wasm =
    kernel === 'wasm' || (kernel === 'auto' && n * k * dp * steps >= WASM_MIN_WORK)
      ? instantiateSamplerWasm(bytes)
      : null;
  const buffer = wasm?.buffer ?? new ArrayBuffer(bytes);
  const [x, w, eps, mean, z, rowsNoise, block] = counts.map((c, i) => new Float32Array(buffer, offsets[i], c));
  for (let l = 0; l < k; l++) for (let i = 0; i < d; i++) w[l * dp + i] = wModel[l * d + i];
  const count = n * dp;
  const noise = direct ? z.subarray(0, n * d) : rowsNoise;
  const buffers = { x, eps, mean, z };
  // the copies in JS: what the WebAssembly kernel uses too when rows are not padded (a plain copy, no stride)
  const padNoiseJs = (to: 'x' | 'z'): void => {
    if (!direct || to === 'x') pad(noise, buffers[to], n, d, dp);
  };
  const unpadJs = (from: 'x' | 'eps' | 'mean', into?: Float32Array): Float32Array =>
    unpad(buffers[from], n, d, dp, into);
  if (wasm) {
    const e = wasm.exports;
    const mm = wide ? e.m4 : e.m1;
    const [ox, ow, oe, om, oz, on, ob] = offsets;
    const at = { x: ox, eps: oe, mean: om, z: oz };
    return {
      dp,
      x,
      eps,
      mean,
      z,
      noise,
      kernel: 'wasm',
      matmul: (tOverT) => void mm(ox, ow, oe, n, d, dp, tOverT),
      step: (c1, c2, sb, noisy) => (noisy ? e.s : e.f)(ox, oe, oz, om, count, c1, c2, sb) === 1,
      padNoise: direct ? padNoiseJs : (to) => e.c(on, at[to], n, d, 4 * d, 4 * dp),
      unpad: direct
        ? unpadJs
        : (from, into) => {
            e.c(at[from], ob, n, d, 4 * dp, 4 * d); // the rows' words copied in the module's memory, then one memcpy out
            if (!into) return block.slice();
            into.set(block);
            return into;
          }
    };
  }
  return {
    dp,
    x,
    eps,
    mean,
    z,
    noise,
    kernel: 'js',
    matmul: (tOverT) => matmulRowsF32(x, w, eps, n, d, dp, tOverT),
    step: (c1, c2, sb, noisy) => stepElementwiseF32(x, eps, z, mean, count, c1, c2, sb, noisy),
    padNoise: padNoiseJs,
    unpad: unpadJs
  };
}

/** The (N, d) block of a padded (N, dp) buffer, copied. */
export function unpad(src: Float32Array, n: number, d: number, dp: number, into?: Float32Array): Float32Array {
  if (d === dp && !into) return src.slice(0, n * d);
  const out = into ?? new Float32Array(n * d);
  if (d === dp) {
    out.set(src.subarray(0, n * d));
    return out;
  }
  if (d < 16) {
    // element by element: a subarray per row costs more than the copy itself for short rows
    for (let j = 0, o = 0; j < n; j++) for (let i = 0, p = j * dp; i < d; i++) out[o++] = src[p + i];
  } else for (let j = 0; j < n; j++) out.set(src.subarray(j * dp, j * dp + d), j * d);
  return out;
}

/** Copies an (N, d) array into the (N, dp) padded layout. */
export function pad(src: Float32Array, dst: Float32Array, n: number, d: number, dp: number): void {
  if (d === dp) dst.set(src.subarray(0, n * d));
  else if (d < 16) for (let j = 0, o = 0; j < n; j++) for (let i = 0, p = j * dp; i < d; i++) dst[p + i] = src[o++];
  else for (let j = 0; j < n; j++) dst.set(src.subarray(j * d, j * d + d), j * dp);
}
