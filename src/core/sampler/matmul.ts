// The float32 matrix product `a @ b` of PyTorch on the CPU, bit for bit, for the BLAS libraries we reproduce
// (README "Matmul profiles"). PyTorch hands a float32 `mm` to the BLAS sgemm (at::native::cpublas::gemm, called by
// addmm_impl_cpu_ in aten/src/ATen/native/LinearAlgebra.cpp), so the last bits of the product are the BLAS's:
//
//   reference         the reference BLAS (Netlib sgemm.f, Debian's default libblas3): for each output element, the
//                     products in order of the inner index, each rounded to float32, summed in that order from +0,
//                     each sum rounded to float32.
//   openblas-haswell  OpenBLAS 0.3.21 (Debian's libopenblas0-pthread) with its Haswell/Zen kernels (what it picks
//                     on AVX2 x86-64 without AVX-512, or with OPENBLAS_CORETYPE=Haswell), one thread unless
//                     MatmulOptions.threads says otherwise: fused multiply-adds (one rounding per multiply-add) in an
//                     order that depends on where the element falls in the kernel's tiles, which depend on how the
//                     threads share the work; see openblasHaswellGemm below.
import { fmaF32Slow } from '../float32';
import { MATMUL_PROFILES, type MatmulProfile } from '../types';

export { DEFAULT_MATMUL_PROFILE, MATMUL_PROFILES, type MatmulProfile } from '../types';

const f32 = Math.fround;

export interface MatmulOptions {
  /** threads of the BLAS (OPENBLAS_NUM_THREADS; openblas-haswell only, the reference BLAS has one); default 1 */
  threads?: number;
}

/**
 * out (M, N) = a (M, K) @ b (K, N), all row-major float32, rounded exactly as PyTorch 1.13's `torch.mm` / `@` on
 * float32 CPU tensors computes it with the given profile's BLAS. Returns out (allocated when not given).
 */
export function matmulF32(
  profile: MatmulProfile,
  a: Float32Array,
  b: Float32Array,
  M: number,
  K: number,
  N: number,
  out: Float32Array = new Float32Array(M * N),
  options: MatmulOptions = {}
): Float32Array {
  for (const [v, what] of [
    [M, 'M'],
    [K, 'K'],
    [N, 'N']
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`matmul: ${what} must be a whole number >= 0, got ${v}`);
  }
  if (a.length < M * K) throw new Error(`matmul: a holds ${a.length} values, (${M}, ${K}) needs ${M * K}`);
  if (b.length < K * N) throw new Error(`matmul: b holds ${b.length} values, (${K}, ${N}) needs ${K * N}`);
  if (out.length < M * N) throw new Error(`matmul: out holds ${out.length} values, (${M}, ${N}) needs ${M * N}`);
  const threads = options.threads ?? 1;
  if (!Number.isSafeInteger(threads) || threads < 1)
    throw new Error(`matmul: threads must be a whole number >= 1, got ${threads}`);
  gemmF32(profile, M, K, N, a, 0, K, b, 0, N, out, 0, N, threads);
  return out;
}

/**
 * The strided form of matmulF32: C[i, j] (at c[cOff + i*ldc + j]) = sum over l of A[i, l] (a[aOff + i*lda + l]) times
 * B[l, j] (b[bOff + l*ldb + j]), for i < M, j < N, l < K. Only the M x N elements of C are written.
 */
export function gemmF32(
  profile: MatmulProfile,
  M: number,
  K: number,
  N: number,
  a: Float32Array,
  aOff: number,
  lda: number,
  b: Float32Array,
  bOff: number,
  ldb: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
  threads = 1
): void {
  if (profile === 'reference') referenceGemm(M, K, N, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
  else if (profile === 'openblas-haswell')
    openblasHaswellGemm(M, K, N, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, threads);
  else
    throw new Error(
      `matmul: unknown profile ${JSON.stringify(profile)} (expected one of ${MATMUL_PROFILES.join(', ')})`
    );
}

/**
 * The model's input, `torch.cat([x, (t / T) * torch.ones(N, 1)], dim=-1)` (or with the time column first), written
 * into inp (N x (d + 1), row-major) from x's N rows of d values, `stride` apart: the left operand of gemmF32 for
 * `inp @ w_model`.
 */
export function fillModelInput(
  inp: Float32Array,
  x: Float32Array,
  stride: number,
  n: number,
  d: number,
  tOverT: number,
  timeFirst = false
): void {
  const k = d + 1;
  const xAt = timeFirst ? 1 : 0;
  const tAt = timeFirst ? 0 : d;
  for (let j = 0; j < n; j++) {
    inp.set(x.subarray(j * stride, j * stride + d), j * k + xAt);
    inp[j * k + tAt] = tOverT;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// reference: Netlib sgemm.f with alpha = 1, beta = 0. For PyTorch's 'N','N' call (see openblasHaswellGemm for the
// operands) it sets C(I,J) = ZERO then, for L = 1..K, C(I,J) = C(I,J) + TEMP*A(I,L) with TEMP = ALPHA*B(L,J) (exact
// for ALPHA = 1); for the 'T','T' call of a one-column product, TEMP = ZERO, TEMP = TEMP + A(L,I)*B(J,L) over L.
// Both: the products in order of l, each rounded, added in order to a sum that starts at +0.

function referenceGemm(
  M: number,
  K: number,
  N: number,
  a: Float32Array,
  aOff: number,
  lda: number,
  b: Float32Array,
  bOff: number,
  ldb: number,
  c: Float32Array,
  cOff: number,
  ldc: number
): void {
  for (let i = 0; i < M; i++) {
    const aRow = aOff + i * lda;
    const cRow = cOff + i * ldc;
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let l = 0, bp = bOff + j; l < K; l++, bp += ldb) s = f32(s + f32(a[aRow + l] * b[bp]));
      c[cRow + j] = s;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// openblas-haswell. Sources: OpenBLAS v0.3.21,
//   interface/gemm.c           sgemm_: no small-matrix path for Haswell (kernel/generic/gemm_small_matrix_permit.c
//                              returns 0), one thread when OPENBLAS_NUM_THREADS=1, then driver/level3/level3.c.
//   driver/level3/level3.c     CNAME: C = beta*C first (BETA_OPERATION; sgemm_beta zeroes C for beta = 0), then
//                              blocks: columns of C by GEMM_R, the inner dimension by min_l (GEMM_Q), rows by min_i
//                              (GEMM_P); the first row block calls the kernel on column pieces of min_jj (12 while
//                              12 or more are left, else 4 while more than 4 are left, else the rest), the later
//                              row blocks on the whole column block at once.
//   param.h (HASWELL, x86_64)  SGEMM_DEFAULT_P 320, SGEMM_DEFAULT_Q 320, SGEMM_DEFAULT_UNROLL_M 8, _N 4;
//   kernel/setparam-ref.c      sgemm_r = ((BUFFER_SIZE - ((P*Q*4 + GEMM_ALIGN) & ~GEMM_ALIGN)) / (Q*4) - 15) & ~15
//                              with BUFFER_SIZE = 32 << 22 (common_x86_64.h) and GEMM_ALIGN 0x3fff: 104512.
//   kernel/x86_64/KERNEL.HASWELL  SGEMMKERNEL = sgemm_kernel_8x4_haswell_2.c (packing: gemm_ncopy_8 / gemm_tcopy_8
//                              for A in panels of 8 rows then 4, 2, 1; sgemm_ncopy_4_skylakex / gemm_tcopy_4 for B
//                              in panels of 4 columns then 2, 1: layout only, no arithmetic).
//   sgemm_kernel_8x4_haswell_2.c  every product is a vfmadd231ps/ss into an accumulator that starts at +0 (vpxor),
//                              one fused multiply-add per product in order of l, except in two tile kinds that keep
//                              two accumulators, the first for l = 0, 2, 4, ... and the second for l = 1, 3, 5, ...
//                              (KERNEL_k2m8n4, KERNEL_L_k2m8n6 / KERNEL_R_k2m8n6, used by the loops of COMPUTE_m8n4,
//                              COMPUTE_H_m8n6 and COMPUTE_T_m8n6 that take 8 values of l per pass while 8 or more are
//                              left); the values of l left over after those passes go to the first accumulator in
//                              order (KERNEL_k1m8n4, KERNEL_*_k1m8n6), and SAVE_m8n4 / SAVE_*_m8n6 add the two
//                              (vaddps). Every tile then stores C = fma(acc, alpha, C) (vfmadd213ps with C), i.e.
//                              acc + C rounded once for alpha = 1.
//
// PyTorch's call (at::native::cpublas::gemm from addmm_impl_cpu_, observed on Debian's 1.13.1 by breaking on sgemm_):
// a row-major (M, N) result is C^T in column-major terms, so for N >= 2 it calls sgemm('N', 'N', m = N, n = M, k = K,
// A = b, B = a); when N = 1 the result's strides are (1, 1), it counts as column-major and the call is
// sgemm('T', 'T', m = M, n = 1, k = K, A = a, B = b) (for one column both calls give the same bits: every element is
// then a single chain). Below, "OpenBLAS's m x n problem" is that C. PyTorch's torch.set_num_threads does not change
// OpenBLAS's thread count (OPENBLAS_NUM_THREADS, capped at the number of cores, or openblas_set_num_threads does).

const GEMM_P = 320;
const GEMM_Q = 320;
const GEMM_R = 104512;
const UNROLL_M = 8;
const UNROLL_N = 4;
// More threads: interface/gemm.c SMP_THRESHOLD_MIN 65536.0 (real types) and Makefile.system GEMM_MULTITHREAD_THRESHOLD
// 4; driver/level3/level3_thread.c DIVIDE_RATE 2, SWITCH_RATIO 2 and GEMM_PREFERED_SIZE 1: its own defaults, not
// param.h's Haswell values (8 and 8), since Debian's DYNAMIC_ARCH build compiles the drivers once for a generic target
// (the Haswell values fail the fixtures of 2 to 4 threads; these pass them all).
const SMP_THRESHOLD_MIN = 65536;
const GEMM_MULTITHREAD_THRESHOLD = 4;
const DIVIDE_RATE = 2;
const SWITCH_RATIO = 2;
const GEMM_PREFERED_SIZE = 1;

/** Whether OpenBLAS would split an (M x K) @ (K x N) product between threads (interface/gemm.c), so that they matter. */
export function openblasThreadsMatter(M: number, K: number, N: number): boolean {
  return M * N * K > SMP_THRESHOLD_MIN * GEMM_MULTITHREAD_THRESHOLD;
}

/** level3.c: the block size of a dimension with `left` values left, for a blocking size of `p`. */
function blockSize(left: number, p: number): number {
  if (left >= 2 * p) return p;
  if (left > p) return Math.floor((Math.floor(left / 2) + UNROLL_M - 1) / UNROLL_M) * UNROLL_M;
  return left;
}

/** How one element of C accumulates within one kernel call. */
const SINGLE = 0; // one accumulator, l in order
const SPLIT = 1; // even and odd l in two accumulators (the leftover l into the even one), then added

function openblasHaswellGemm(
  M: number,
  K: number,
  N: number,
  a: Float32Array,
  aOff: number,
  lda: number,
  b: Float32Array,
  bOff: number,
  ldb: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
  threads: number
): void {
  // OpenBLAS's problem: C_ob (m x n) = A_ob (m x K) B_ob (K x n), as accessors into our row-major arrays.
  const transposed = N !== 1;
  const m = transposed ? N : M;
  const n = transposed ? M : 1;
  // A_ob[i, l] = srcA[aBase + i*aI + l*aL]; B_ob[l, j] = srcB[bBase + l*bL + j*bJ]; C_ob[i, j] = c[cOff + i*cI + j*cJ]
  const srcA = transposed ? b : a,
    aBase = transposed ? bOff : aOff,
    aI = transposed ? 1 : lda,
    aL = transposed ? ldb : 1;
  const srcB = transposed ? a : b,
    bBase = transposed ? aOff : bOff,
    bL = transposed ? 1 : ldb,
    bJ = transposed ? lda : 0;
  const cI = transposed ? 1 : ldc,
    cJ = transposed ? ldc : 0;

  // sgemm_beta with beta = 0: C = +0
  for (let i = 0; i < M; i++) c.fill(0, cOff + i * ldc, cOff + i * ldc + N);
  if (K === 0 || M === 0 || N === 0) return;

  /**
   * Rows [i, i + count) of column j of C_ob, all accumulated the same way over l in [l0, l0 + kc), each then stored
   * as C = fl(acc + C) (SAVE: vfmadd213ps, acc * alpha + C with alpha = 1). Four rows at a time where it can: their
   * chains are independent, so the CPU overlaps them (the bits are the same as one row at a time). Split rows always
   * come in whole panels of 8.
   */
  const rows = (i: number, count: number, j: number, l0: number, kc: number, kind: number): void => {
    const pb = bBase + j * bJ + l0 * bL;
    let at = cOff + i * cI + j * cJ;
    let pa = aBase + i * aI + l0 * aL;
    const end = i + count;
    for (; i + 4 <= end; i += 4, pa += 4 * aI, at += 4 * cI)
      accumulate4(srcA, pa, aI, aL, srcB, pb, bL, kc, kind, c, at, cI);
    // split rows come in panels of 8, so the rows left here are single ones
    for (; i < end; i++, pa += aI, at += cI) c[at] = f32(accumulate(srcA, pa, aL, srcB, pb, bL, kc) + c[at]);
  };

  /** sgemm_kernel_8x4_haswell_2.c CNAME on rows [i0, i0 + mk), columns [j0, j0 + nk) of C_ob, l in [l0, l0 + kc). */
  const kernel = (i0: number, mk: number, j0: number, nk: number, l0: number, kc: number): void => {
    const fullRows = mk - (mk % 8); // rows in panels of 8 (COMPUTE_m8n*); the rest go by 4, 2, 1 (single)
    const panels = fullRows / 8;
    let j = 0;
    for (; nk - j > 11; j += 12) {
      // COMPUTE_n12: with 16 rows or more, COMPUTE_H_m8n6 (panel 0, columns 0-5: split), then 16-row tiles
      // alternating COMPUTE_R_m16n6 / COMPUTE_L_m16n6 (single), and COMPUTE_T_m8n6 for the half of the last panel
      // they leave (split): its columns 0-5 when the number of panels is even, 6-11 when it is odd.
      // With fewer than 16 rows: COMPUTE_SIMPLE(8, 12), (4, 12), (2, 12), (1, 12) (single).
      for (let jj = 0; jj < 12; jj++) {
        if (mk < 16) {
          rows(i0, mk, j0 + j + jj, l0, kc, SINGLE);
          continue;
        }
        const right = jj >= 6 ? 1 : 0;
        const lastSplit = panels % 2 === 0 ? 0 : 1; // which half of the last panel COMPUTE_T_m8n6 does
        for (let p = 0; p < panels; p++) {
          const split = (p === 0 && right === 0) || (p === panels - 1 && right === lastSplit);
          rows(i0 + 8 * p, 8, j0 + j + jj, l0, kc, split ? SPLIT : SINGLE);
        }
        rows(i0 + fullRows, mk - fullRows, j0 + j + jj, l0, kc, SINGLE);
      }
    }
    if (nk - j > 7) {
      // COMPUTE_NORMAL(8): COMPUTE_SIMPLE for every row tile (single)
      for (let jj = j; jj < j + 8; jj++) rows(i0, mk, j0 + jj, l0, kc, SINGLE);
      j += 8;
    }
    if (nk - j > 3) {
      // COMPUTE_NORMAL(4): COMPUTE_m8n4 (split) on the panels of 8 rows, COMPUTE_SIMPLE on the rest
      for (let jj = j; jj < j + 4; jj++) {
        rows(i0, fullRows, j0 + jj, l0, kc, SPLIT);
        rows(i0 + fullRows, mk - fullRows, j0 + jj, l0, kc, SINGLE);
      }
      j += 4;
    }
    // COMPUTE_NORMAL(2) and COMPUTE_NORMAL(1): single
    for (; j < nk; j++) rows(i0, mk, j0 + j, l0, kc, SINGLE);
  };

  // interface/gemm.c: more than one thread only above SMP_THRESHOLD_MIN * GEMM_MULTITHREAD_THRESHOLD multiply-adds
  const nthreads = threads > 1 && openblasThreadsMatter(m, K, n) ? threads : 1;
  if (nthreads === 1 || !threadedDriver(m, n, K, nthreads, kernel)) serialDriver(m, n, K, kernel);
}

type Kernel = (i0: number, mk: number, j0: number, nk: number, l0: number, kc: number) => void;

/** The column pieces of the first row block (level3.c and level3_thread.c): 12 while 12 or more are left, else 4 while more than 4 are left, else the rest. */
function firstBlockPieces(j0: number, j1: number, each: (jjs: number, minJJ: number) => void): void {
  for (let jjs = j0, minJJ = 0; jjs < j1; jjs += minJJ) {
    minJJ = j1 - jjs;
    if (minJJ >= 3 * UNROLL_N) minJJ = 3 * UNROLL_N;
    else if (minJJ > UNROLL_N) minJJ = UNROLL_N;
    each(jjs, minJJ);
  }
}

/** driver/level3/level3.c CNAME (one thread): js over columns by GEMM_R, ls over l by min_l, then the row blocks. */
function serialDriver(m: number, n: number, K: number, kernel: Kernel): void {
  for (let js = 0; js < n; js += GEMM_R) {
    const minJ = Math.min(n - js, GEMM_R);
    for (let ls = 0, minL = 0; ls < K; ls += minL) {
      minL = blockSize(K - ls, GEMM_Q);
      let minI = blockSize(m, GEMM_P);
      firstBlockPieces(js, js + minJ, (jjs, minJJ) => kernel(0, minI, jjs, minJJ, ls, minL));
      for (let is = minI; is < m; is += minI) {
        minI = blockSize(m - is, GEMM_P);
        kernel(is, minI, js, minJ, ls, minL);
      }
    }
  }
}

/** level3_thread.c round_up. */
function roundUp(remainder: number, width: number, multiple: number): number {
  if (multiple > remainder || width <= multiple) return width;
  return Math.ceil(width / multiple) * multiple;
}

/** gemm_driver's partition of `total` values into `parts` ranges (range_M, range_N); ranges past the end are empty. */
function partition(from: number, total: number, parts: number, minWidth: number): number[] {
  const range = [from];
  let left = total;
  let k = 0;
  while (left > 0) {
    let width = Math.floor((left + parts - k - 1) / (parts - k));
    if (width < minWidth) width = minWidth;
    width = roundUp(left, width, GEMM_PREFERED_SIZE);
    left -= width;
    if (left < 0) width += left;
    range.push(range[k] + width);
    k++;
  }
  while (range.length <= parts) range.push(range[k]);
  return range;
}

/**
 * driver/level3/level3_thread.c with nthreads threads: CNAME chooses nthreads_m x nthreads_n (or the serial driver,
 * returning false), gemm_driver partitions the rows (range_M) and, per step of GEMM_R * nthreads columns, the columns
 * (range_N), and inner_thread runs each thread's kernel calls. Every element of C belongs to one thread, so only the
 * shape of each kernel call matters, not the order of the threads.
 */
function threadedDriver(m: number, n: number, K: number, threads: number, kernel: Kernel): boolean {
  let nthreadsM = threads;
  if (m < 2 * SWITCH_RATIO) nthreadsM = 1;
  else while (m < nthreadsM * SWITCH_RATIO) nthreadsM = Math.floor(nthreadsM / 2);
  let nthreadsN = 1;
  if (n >= SWITCH_RATIO * nthreadsM) {
    nthreadsN = Math.floor((n + SWITCH_RATIO * nthreadsM - 1) / (SWITCH_RATIO * nthreadsM));
    if (nthreadsM * nthreadsN > threads) nthreadsN = Math.floor(threads / nthreadsM);
  }
  if (nthreadsM * nthreadsN <= 1) return false;
  const nthreads = nthreadsM * nthreadsN;
  const rangeM = partition(0, m, nthreadsM, 0);
  for (let js = 0; js < n; js += GEMM_R * nthreads) {
    const rangeN = partition(js, Math.min(n - js, GEMM_R * nthreads), nthreads, SWITCH_RATIO);
    for (let mypos = 0; mypos < nthreads; mypos++) {
      const posN = Math.floor(mypos / nthreadsM);
      const mFrom = rangeM[mypos - posN * nthreadsM];
      const mTo = rangeM[mypos - posN * nthreadsM + 1];
      const group = Array.from({ length: nthreadsM }, (_, g) => posN * nthreadsM + g);
      // the halves (DIVIDE_RATE = 2) of a thread's column range
      const halves = (r: number, each: (j0: number, j1: number) => void) => {
        const divN = Math.floor((rangeN[r + 1] - rangeN[r] + DIVIDE_RATE - 1) / DIVIDE_RATE);
        for (let j = rangeN[r]; j < rangeN[r + 1]; j += divN) each(j, Math.min(rangeN[r + 1], j + divN));
      };
      for (let ls = 0, minL = 0; ls < K; ls += minL) {
        minL = K - ls; // inner_thread's own rule for the chunks of l
        if (minL >= 2 * GEMM_Q) minL = GEMM_Q;
        else if (minL > GEMM_Q) minL = Math.floor((minL + 1) / 2);
        let minI = blockSize(mTo - mFrom, GEMM_P);
        if (minI === 0) continue;
        // first row block: its own columns in pieces, the other threads' columns (packed by them) a half at a time
        halves(mypos, (j0, j1) => firstBlockPieces(j0, j1, (jjs, minJJ) => kernel(mFrom, minI, jjs, minJJ, ls, minL)));
        for (const r of group) if (r !== mypos) halves(r, (j0, j1) => kernel(mFrom, minI, j0, j1 - j0, ls, minL));
        for (let is = mFrom + minI; is < mTo; is += minI) {
          minI = mTo - is;
          if (minI >= 2 * GEMM_P) minI = GEMM_P;
          else if (minI > GEMM_P) minI = Math.floor((Math.floor((minI + 1) / 2) + UNROLL_M - 1) / UNROLL_M) * UNROLL_M;
          for (const r of group) halves(r, (j0, j1) => kernel(is, minI, j0, j1 - j0, ls, minL));
        }
      }
    }
  }
  return true;
}

/** One element's accumulator over kc values of l: x[px + t*dx] * y[py + t*dy] for t < kc, by fused multiply-adds from +0 in order. */
function accumulate(
  x: Float32Array,
  px: number,
  dx: number,
  y: Float32Array,
  py: number,
  dy: number,
  kc: number
): number {
  let acc = 0;
  for (let t = 0; t < kc; t++, px += dx, py += dy) acc = fma(x[px], y[py], acc);
  return acc;
}

/**
 * Four rows' accumulators (x offsets px, px + dxi, px + 2 dxi, px + 3 dxi; the same y) over kc values of l, stored
 * into C as C = fl(acc + C). SINGLE: fused multiply-adds from +0 in order of l. SPLIT (when kc >= 8): the even t of the
 * passes of 8 and then every leftover t into one accumulator, the odd t of the passes into another, added at the end
 * (SAVE_m8n4 / SAVE_*_m8n6: vaddps).
 */
function accumulate4(
  x: Float32Array,
  px: number,
  dxi: number,
  dx: number,
  y: Float32Array,
  py: number,
  dy: number,
  kc: number,
  kind: number,
  c: Float32Array,
  at: number,
  dc: number
): void {
  let e0 = 0,
    e1 = 0,
    e2 = 0,
    e3 = 0;
  let o0 = 0,
    o1 = 0,
    o2 = 0,
    o3 = 0;
  let t = 0;
  const p1 = dxi,
    p2 = 2 * dxi,
    p3 = 3 * dxi;
  if (kind === SPLIT && kc >= 8) {
    const paired = kc - (kc % 8);
    for (; t < paired; t += 2) {
      const y0 = y[py],
        y1 = y[py + dy];
      const q = px + dx;
      e0 = fma(x[px], y0, e0);
      e1 = fma(x[px + p1], y0, e1);
      e2 = fma(x[px + p2], y0, e2);
      e3 = fma(x[px + p3], y0, e3);
      o0 = fma(x[q], y1, o0);
      o1 = fma(x[q + p1], y1, o1);
      o2 = fma(x[q + p2], y1, o2);
      o3 = fma(x[q + p3], y1, o3);
      px += 2 * dx;
      py += 2 * dy;
    }
  }
  for (; t < kc; t++) {
    const y0 = y[py];
    e0 = fma(x[px], y0, e0);
    e1 = fma(x[px + p1], y0, e1);
    e2 = fma(x[px + p2], y0, e2);
    e3 = fma(x[px + p3], y0, e3);
    px += dx;
    py += dy;
  }
  // o* are +0 when unused, and e* + (+0) = e* (an accumulator that starts at +0 is never -0)
  c[at] = f32(f32(e0 + o0) + c[at]);
  c[at + dc] = f32(f32(e1 + o1) + c[at + dc]);
  c[at + 2 * dc] = f32(f32(e2 + o2) + c[at + 2 * dc]);
  c[at + 3 * dc] = f32(f32(e3 + o3) + c[at + 3 * dc]);
}

/** fma(a, b, c) rounded once to float32 (vfmadd231ps): the fast path of fmaF32 (src/core/float32.ts), inlined. */
function fma(x: number, y: number, acc: number): number {
  const p = x * y;
  const s = p + acc;
  const r = f32(s);
  if (s === r) return r;
  const t = r + 2 * (s - r);
  if (f32(t) !== t && t === t) return r;
  return fmaF32Slow(p, acc, s, r, t);
}
