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
// sgemm does for PyTorch on the CPU (checked on the oracle, -0 products included). It runs as WebAssembly SIMD
// (f32x4 multiply and add are IEEE float32 operations, so the result is identical) with a plain-JS fallback.
import { DEFAULT_TRAJECTORY_BUDGET_BYTES, formatBytes, paddedWidth, trajectoryStepBytes } from './limits';
import { abortError } from '../errors';
import { CpuGenerator } from '../rng/generator';
import { randn } from '../rng/randn';
import { checkSchedule } from './schedules';
import { stepSeed } from '../rng/seed';
import {
  DEFAULT_PROFILE,
  type MatrixF32,
  type RecordPolicy,
  type RngProfile,
  type RunResult,
  type SamplerInputs,
  type TrajectoryStep
} from '../types';
import { name, section, sleb, uleb } from '../wasm/moduleBuilder';

const f32 = Math.fround;

export interface SamplerOptions {
  profile?: RngProfile;
  /** which steps the trajectory keeps; default all */
  record?: RecordPolicy;
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
}

/** Sampling-order indices (0 = step t = T-1) the policy keeps, thinned evenly to fit the budget. */
export function recordedStepIndices(
  T: number,
  policy: RecordPolicy,
  stepBytes: number,
  budgetBytes: number
): { indices: number[]; note?: string } {
  let wanted: number[] = [];
  if (policy.kind === 'all') wanted = Array.from({ length: T }, (_, s) => s);
  else if (policy.kind === 'every') {
    const k = Math.max(1, Math.floor(policy.k));
    for (let s = 0; s < T; s++) if (s % k === 0 || s === T - 1) wanted.push(s);
  }
  const fit = stepBytes > 0 ? Math.floor(budgetBytes / stepBytes) : wanted.length;
  if (wanted.length <= fit) return { indices: wanted };
  const keep = Math.max(0, fit);
  const why = `the ${formatBytes(budgetBytes)} trajectory budget (${formatBytes(stepBytes)} per step)`;
  if (keep === 0) return { indices: [], note: `kept no steps of the ${wanted.length} requested: one step exceeds ${why}` };
  const indices: number[] = [];
  if (keep === 1) indices.push(wanted[0]);
  else for (let i = 0; i < keep; i++) indices.push(wanted[Math.round((i * (wanted.length - 1)) / (keep - 1))]);
  return { indices, note: `kept ${keep} of the ${wanted.length} requested steps, evenly spaced, to stay within ${why}` };
}

// ---------------------------------------------------------------------------------------------------------------
// One step's arithmetic on a workspace where x, eps, mean and z are (N, dp) row-major with dp = d rounded up to a
// multiple of 4 (16 when d >= 8) and zero padding columns, and W is (d+1, dp):
//   eps[j, i] = ((+0 + f32(x[j,0]*W[0,i])) + f32(x[j,1]*W[1,i]) + ...) + f32(f32(t/T)*W[d,i]), each sum rounded;
//   mean = f32(c1 * f32(x - f32(c2 * eps))); x = f32(mean + f32(sqrtBeta * z)) for t > 0, x = mean at t = 0.

/** Plain-JS eps = concat(x, t/T) @ W on the padded layout; a Float32Array store rounds each sum to float32. */
export function matmulRowsF32(x: Float32Array, w: Float32Array, out: Float32Array, n: number, d: number, dp: number, tOverT: number): void {
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
  x: Float32Array, eps: Float32Array, z: Float32Array, mean: Float32Array, count: number,
  c1: number, c2: number, sqrtBeta: number, noisy: boolean
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

// WebAssembly (MVP + SIMD128) doing the same float32 operations four lanes at a time (f32x4.mul, .add, .sub are
// IEEE binary32 operations rounded to nearest: the bits are identical). Hand-assembled below; exports
//   m1, m4 (x, w, out, n, d, dp: i32, tOverT: f32): the matmul, 4 or 16 columns per pass (dp a multiple of 4 or 16)
//   s, f (x, eps, z, mean, count: i32, c1, c2, sqrtBeta: f32) -> i32: the elementwise step with noise (t > 0)
//        or without (t = 0); returns 1 when every new x is finite.
const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;
const op = {
  block: [0x02, 0x40], loop: [0x03, 0x40], end: [0x0b], br: (l: number) => [0x0c, l], brIf: (l: number) => [0x0d, l],
  get: (i: number) => [0x20, i], set: (i: number) => [0x21, i], tee: (i: number) => [0x22, i],
  i32: (v: number) => [0x41, ...sleb(v)], add: [0x6a], sub: [0x6b], shl: [0x74], eqz: [0x45], geU: [0x4f],
  f32Load: [0x2a, 2, 0],
  vLoad: (offset = 0) => [0xfd, 0x00, 0, ...uleb(offset)], vStore: (offset = 0) => [0xfd, 0x0b, 0, ...uleb(offset)],
  vZero: [0xfd, 0x0c, ...new Array(16).fill(0)], splat: [0xfd, 0x13],
  fEq: [0xfd, 0x41], fAdd: [0xfd, 0xe4, 0x01], fSub: [0xfd, 0xe5, 0x01], fMul: [0xfd, 0xe6, 0x01], allTrue: [0xfd, 0xa3, 0x01]
};

/** Body of m1/m4: params 0 x, 1 w, 2 out, 3 n, 4 d, 5 dp, 6 tOverT; locals 7 j, 8 c, 9 xp, 10 wp, 11 l, 12 rowX, 13 rowOut, 14 dp4; v128 15 s, 16.. acc. */
function matmulBody(groups: number): number[] {
  const [j, c, xp, wp, l, rowX, rowOut, dp4, s] = [7, 8, 9, 10, 11, 12, 13, 14, 15];
  const acc = (g: number) => 16 + g;
  const each = (f: (g: number) => number[]) => Array.from({ length: groups }, (_, g) => f(g)).flat();
  const accumulate = () => each((g) => [...op.get(acc(g)), ...op.get(s), ...op.get(wp), ...op.vLoad(16 * g), ...op.fMul, ...op.fAdd, ...op.set(acc(g))]);
  return [
    2, 8, I32, 1 + groups, V128, // locals
    ...op.get(5), ...op.i32(2), ...op.shl, ...op.set(dp4),
    ...op.get(0), ...op.set(rowX), ...op.get(2), ...op.set(rowOut), ...op.get(3), ...op.set(j),
    ...op.block, ...op.loop, // rows
    ...op.get(j), ...op.eqz, ...op.brIf(1),
    ...op.i32(0), ...op.set(c),
    ...op.block, ...op.loop, // column groups
    ...op.get(c), ...op.get(dp4), ...op.geU, ...op.brIf(1),
    ...each((g) => [...op.vZero, ...op.set(acc(g))]), // sums start at +0
    ...op.get(rowX), ...op.set(xp), ...op.get(1), ...op.get(c), ...op.add, ...op.set(wp), ...op.get(4), ...op.set(l),
    ...op.loop, // l = 0 .. d-1 (d >= 1)
    ...op.get(xp), ...op.f32Load, ...op.splat, ...op.set(s),
    ...accumulate(),
    ...op.get(xp), ...op.i32(4), ...op.add, ...op.set(xp),
    ...op.get(wp), ...op.get(dp4), ...op.add, ...op.set(wp),
    ...op.get(l), ...op.i32(1), ...op.sub, ...op.tee(l), ...op.brIf(0),
    ...op.end,
    ...op.get(6), ...op.splat, ...op.set(s), ...accumulate(), // + (t/T) * W[d]
    ...each((g) => [...op.get(rowOut), ...op.get(c), ...op.add, ...op.get(acc(g)), ...op.vStore(16 * g)]),
    ...op.get(c), ...op.i32(16 * groups), ...op.add, ...op.set(c),
    ...op.br(0), ...op.end, ...op.end,
    ...op.get(rowX), ...op.get(dp4), ...op.add, ...op.set(rowX),
    ...op.get(rowOut), ...op.get(dp4), ...op.add, ...op.set(rowOut),
    ...op.get(j), ...op.i32(1), ...op.sub, ...op.set(j),
    ...op.br(0), ...op.end, ...op.end,
    ...op.end
  ];
}

/** Body of s/f: params 0 x, 1 eps, 2 z, 3 mean, 4 count, 5 c1, 6 c2, 7 sqrtBeta; locals 8 i, 9 end; v128 10 vc1, 11 vc2, 12 vsb, 13 m, 14 chk, 15 nx. */
function stepBody(noisy: boolean): number[] {
  const [i, end, vc1, vc2, vsb, m, chk, nx] = [8, 9, 10, 11, 12, 13, 14, 15];
  const at = (base: number) => [...op.get(base), ...op.get(i), ...op.add];
  return [
    2, 2, I32, 6, V128,
    ...op.get(5), ...op.splat, ...op.set(vc1), ...op.get(6), ...op.splat, ...op.set(vc2), ...op.get(7), ...op.splat, ...op.set(vsb),
    ...op.vZero, ...op.set(chk), ...op.get(4), ...op.i32(2), ...op.shl, ...op.set(end), ...op.i32(0), ...op.set(i),
    ...op.block, ...op.loop,
    ...op.get(i), ...op.get(end), ...op.geU, ...op.brIf(1),
    ...op.get(vc1), ...at(0), ...op.vLoad(), ...op.get(vc2), ...at(1), ...op.vLoad(), ...op.fMul, ...op.fSub, ...op.fMul, ...op.set(m), // c1 * (x - c2 * eps)
    ...at(3), ...op.get(m), ...op.vStore(),
    ...(noisy ? [...op.get(m), ...op.get(vsb), ...at(2), ...op.vLoad(), ...op.fMul, ...op.fAdd] : op.get(m)), ...op.set(nx), // mean + sqrtBeta * z
    ...at(0), ...op.get(nx), ...op.vStore(),
    ...op.get(chk), ...op.get(nx), ...op.get(nx), ...op.fSub, ...op.fAdd, ...op.set(chk),
    ...op.get(i), ...op.i32(16), ...op.add, ...op.set(i),
    ...op.br(0), ...op.end, ...op.end,
    ...op.get(chk), ...op.get(chk), ...op.fEq, ...op.allTrue,
    ...op.end
  ];
}

function samplerWasmBytes(): Uint8Array {
  const bodies = [matmulBody(1), matmulBody(4), stepBody(true), stepBody(false)];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, [2, 0x60, 7, I32, I32, I32, I32, I32, I32, F32, 0, 0x60, 8, I32, I32, I32, I32, I32, F32, F32, F32, 1, I32]),
    ...section(2, [1, ...name('e'), ...name('m'), 0x02, 0x00, 0x00]), // import e.m: memory, min 0 pages
    ...section(3, [4, 0, 0, 1, 1]),
    ...section(7, [4, ...name('m1'), 0, 0, ...name('m4'), 0, 1, ...name('s'), 0, 2, ...name('f'), 0, 3]),
    ...section(10, [4, ...bodies.flatMap((b) => [...uleb(b.length), ...b])])
  ]);
}

let wasmModuleCache: WebAssembly.Module | null | undefined; // compiled once per process; holds no run state

function samplerWasmModule(): WebAssembly.Module | null {
  if (wasmModuleCache === undefined) {
    try {
      wasmModuleCache = typeof WebAssembly === 'object' ? new WebAssembly.Module(samplerWasmBytes() as BufferSource) : null;
    } catch {
      wasmModuleCache = null; // no SIMD, or compilation forbidden (content security policy): the JS kernel does it
    }
  }
  return wasmModuleCache;
}

/** The padded buffers of one run and the two operations of a step on them. */
interface Workspace {
  dp: number;
  x: Float32Array;
  eps: Float32Array;
  mean: Float32Array;
  z: Float32Array;
  kernel: 'wasm' | 'js';
  matmul(tOverT: number): void;
  /** returns false when a non-finite x appeared */
  step(c1: number, c2: number, sqrtBeta: number, noisy: boolean): boolean;
}

/** Below this many multiply-adds per run (N*(d+1)*dp*T), instantiating WebAssembly (~0.1 ms) costs more than it saves. */
const WASM_MIN_WORK = 1 << 16;

function makeWorkspace(n: number, d: number, steps: number, wModel: Float32Array, kernel: 'auto' | 'wasm' | 'js'): Workspace {
  const k = d + 1;
  const dp = paddedWidth(d);
  const wide = dp % 16 === 0 && d >= 8; // 16 columns per pass
  const counts = [n * dp, k * dp, n * dp, n * dp, n * dp]; // x, w, eps, mean, z
  const offsets: number[] = [];
  let bytes = 0;
  for (const c of counts) {
    offsets.push(bytes);
    bytes += Math.ceil((c * 4) / 16) * 16;
  }
  const module = kernel === 'wasm' || (kernel === 'auto' && n * k * dp * steps >= WASM_MIN_WORK) ? samplerWasmModule() : null;
  let buffer: ArrayBuffer | null = null;
  type Exports = Record<'m1' | 'm4' | 's' | 'f', (...a: number[]) => number>;
  let exports: Exports | null = null;
  if (module) {
    try {
      const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
      exports = new WebAssembly.Instance(module, { e: { m: memory } }).exports as unknown as Exports;
      buffer = memory.buffer;
    } catch {
      exports = null; // e.g. not enough memory for a wasm instance: the JS kernel does it
    }
  }
  buffer ??= new ArrayBuffer(bytes);
  const [x, w, eps, mean, z] = counts.map((c, i) => new Float32Array(buffer, offsets[i], c));
  for (let l = 0; l < k; l++) for (let i = 0; i < d; i++) w[l * dp + i] = wModel[l * d + i];
  const count = n * dp;
  if (exports) {
    const e = exports;
    const mm = wide ? e.m4 : e.m1;
    const [ox, ow, oe, om, oz] = offsets;
    return {
      dp, x, eps, mean, z, kernel: 'wasm',
      matmul: (tOverT) => void mm(ox, ow, oe, n, d, dp, tOverT),
      step: (c1, c2, sb, noisy) => (noisy ? e.s : e.f)(ox, oe, oz, om, count, c1, c2, sb) === 1
    };
  }
  return {
    dp, x, eps, mean, z, kernel: 'js',
    matmul: (tOverT) => matmulRowsF32(x, w, eps, n, d, dp, tOverT),
    step: (c1, c2, sb, noisy) => stepElementwiseF32(x, eps, z, mean, count, c1, c2, sb, noisy)
  };
}

function matrix(rows: number, cols: number, data: Float32Array): MatrixF32 {
  return { rows, cols, data };
}

/** The (N, d) block of a padded (N, dp) buffer, copied. */
function unpad(src: Float32Array, n: number, d: number, dp: number, into?: Float32Array): Float32Array {
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
function pad(src: Float32Array, dst: Float32Array, n: number, d: number, dp: number): void {
  if (d === dp) dst.set(src.subarray(0, n * d));
  else if (d < 16) for (let j = 0, o = 0; j < n; j++) for (let i = 0, p = j * dp; i < d; i++) dst[p + i] = src[o++];
  else for (let j = 0; j < n; j++) dst.set(src.subarray(j * d, j * d + d), j * dp);
}

/** Runs the sampler; see the top of this file for the exact computation. */
export function runSampler(inputs: SamplerInputs, opts: SamplerOptions = {}): RunResult {
  const started = now();
  const profile = opts.profile ?? DEFAULT_PROFILE;
  const { n, d, seed } = inputs;
  const T = inputs.betas.length;
  const nd = n * d;
  if (T < 1) throw new Error('betas: expected at least one step, got 0');
  if (inputs.wModel.rows !== d + 1 || inputs.wModel.cols !== d) {
    throw new Error(`w_model: expected shape (${d + 1}, ${d}) for d = ${d}, got (${inputs.wModel.rows}, ${inputs.wModel.cols})`);
  }
  if (inputs.alphaBar.length < T) throw new Error(`alpha_bar: expected at least ${T} values (len(betas)), got ${inputs.alphaBar.length}`);

  const { schedule, warning: scheduleWarning } = checkSchedule(inputs.betas, inputs.alphaBar);
  const warnings: string[] = [];
  const addWarning = (w: string) => {
    if (!warnings.includes(w)) warnings.push(w);
  };
  for (const w of opts.inputWarnings ?? []) addWarning(w);
  if (scheduleWarning) addWarning(scheduleWarning);

  const policy = opts.record ?? { kind: 'all' };
  const budget = opts.maxTrajectoryBytes ?? DEFAULT_TRAJECTORY_BUDGET_BYTES;
  const plan = recordedStepIndices(T, policy, trajectoryStepBytes(n, d), budget);
  const recordAt = new Uint8Array(T); // by sampling-order index
  for (const s of plan.indices) recordAt[s] = 1;
  const steps: TrajectoryStep[] = [];
  // the recorded matrices are views into one allocation (at most five per recorded step), not thousands of small
  // arrays: allocating them one by one cost more than the sampling itself at N = 1000, d = 2
  const arena = new Float32Array(plan.indices.length * 5 * nd);
  let arenaUsed = 0;
  const take = (): Float32Array => arena.subarray(arenaUsed, (arenaUsed += nd));

  const ws = makeWorkspace(n, d, T, inputs.wModel.data, opts.kernel ?? 'auto');
  const { dp } = ws;
  const direct = d === dp; // randn can write straight into the workspace
  const noise = direct ? ws.z.subarray(0, nd) : new Float32Array(nd);
  // one generator value, reseeded in place for each step's torch.Generator().manual_seed(...) (saves its 624-word state per step)
  const gen = CpuGenerator.manualSeed(seed);
  randn(gen, nd, profile, noise); // x_T
  pad(noise, ws.x, n, d, dp);

  let firstNonFinite = -1;
  for (let s = 0; s < T; s++) {
    if (opts.shouldStop?.()) throw abortError('sampler: stopped');
    const t = T - 1 - s;
    const rec = recordAt[s] === 1;
    // x_t is the previous step's x_{t-1} when that step was recorded: the same values, shared
    const xT = !rec ? null : s > 0 && recordAt[s - 1] === 1 ? steps[steps.length - 1].xPrev.data : unpad(ws.x, n, d, dp, take());
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
      if (!direct) pad(noise, ws.z, n, d, dp);
    }
    const finite = ws.step(c1, c2, sqrtBeta, noisy);
    if (!finite && firstNonFinite < 0) firstNonFinite = t;
    if (rec) {
      steps.push({
        t,
        x: matrix(n, d, xT!),
        eps: matrix(n, d, unpad(ws.eps, n, d, dp, take())),
        mean: matrix(n, d, unpad(ws.mean, n, d, dp, take())),
        z: noisy ? matrix(n, d, copyInto(noise, take())) : null,
        xPrev: matrix(n, d, unpad(ws.x, n, d, dp, take()))
      });
    }
    opts.onStep?.(t);
  }
  if (firstNonFinite >= 0) {
    addWarning(`sample: non-finite values (inf or nan) first appeared at step t = ${firstNonFinite}; PyTorch returns them too`);
  }

  const elapsedMs = now() - started;
  return {
    schema: 'ddpm-lab.run/1',
    inputs: { n, d, T, seed: seed.toString(), profile },
    sample: matrix(n, d, unpad(ws.x, n, d, dp)),
    trajectory: plan.note ? { policy, steps, note: plan.note } : { policy, steps },
    schedule,
    warnings,
    timing: { elapsedMs, finishedAt: new Date().toISOString() }
  };
}

function now(): number {
  return typeof performance === 'object' ? performance.now() : Date.now();
}

/** Whether runs here use the WebAssembly kernel (false: the plain-JS one, same bits, slower). */
export function samplerUsesWasm(): boolean {
  return samplerWasmModule() !== null;
}

function copyInto(src: Float32Array, dst: Float32Array): Float32Array {
  dst.set(src);
  return dst;
}
