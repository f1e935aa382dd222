// normal_fill_AVX2 in WebAssembly SIMD for speed, as GCC builds it with -mfma ('avx2-fma') and without
// contraction ('avx2'), plus the mt19937 stream that feeds it (twist and tempering, four words at a time).
// Same arithmetic as normalFill16Avx2Fma / normalFill16Avx2NoFma (avx2Math.ts). The 'avx2' build rounds
// every operation to float32, so it runs on float32 quads (f32x4) throughout. The -mfma build does the bit
// manipulations and the plain float32 steps in quads too, and the chains of fused multiply-adds in binary64,
// two lanes per f64x2 vector, the four lane pairs of a block interleaved statement by statement so that
// their dependency chains overlap. Every float32 value is held exactly in binary64; a float32 operation is
// the binary64 operation followed by a rounding to float32 (f32x4.demote_f64x2_zero then
// f64x2.promote_low_f32x4), and a fused multiply-add is a*b + c in binary64 (a*b is exact) rounded once to
// float32. That double rounding could only be wrong where an inexact binary64 sum lands on a float32 midpoint;
// for the 2^24 inputs each fused step can see, it never is (verifyUncheckedFmaSites in avx2Math.ts proves it, a
// unit test runs it), so no step needs a tie check; it also shows the sums x - j*DP1 and x - j*DP2 of the
// range reduction are float32 already, so they are not rounded. Precondition: blocks hold uniforms k * 2^-24 (k < 2^24),
// as randn gives them: the clamp and NaN mask of log256_ps are then no-ops and are left out.
//
// The module is assembled here from its instructions (no build step, no binary blob). Where WebAssembly
// SIMD is unavailable, or synchronous compilation is refused (a browser's main thread allows only small
// modules), avx2FmaWasm() returns null and randn uses the TypeScript kernel: same bits, slower.
import { AVX_MATHFUN_F32, TWO_PI_F32 } from './avx2Math';
import type { CpuGenerator } from './generator';
import { MT_LOWER, MT_MATRIX_A, MT_N, MT_UPPER, mt19937Temper } from './mt19937';
import { EXTERN_FUNC, EXTERN_MEMORY, I32, OP, V128 } from '../wasm/opcodes';
import {
  activeData,
  assembleModule,
  block,
  br,
  brIf,
  exportEntry,
  funcType,
  functionBody,
  i32Const,
  localGet,
  localSet,
  localTee,
  loop,
  memarg,
  memoryLimits
} from '../wasm/moduleBuilder';

// ---- writing the kernels' function bodies -------------------------------------------------------

function bytesOfI32x4(v: number): number[] {
  const b = new Uint8Array(16);
  new Int32Array(b.buffer).fill(v | 0);
  return Array.from(b);
}
function bytesOfF32x4(v: number): number[] {
  const b = new Uint8Array(16);
  new Float32Array(b.buffer).fill(v);
  return Array.from(b);
}
function bytesOfF64x2(v: number): number[] {
  const b = new Uint8Array(16);
  new Float64Array(b.buffer).fill(v);
  return Array.from(b);
}

/** A local index, or one per lane group (the group being emitted picks its own). */
type Local = number | number[];

/**
 * Emits one function body: `i32Locals` i32 locals after the params, then v128 locals. Vector constants
 * are loaded once from the constant pool into locals at the top of the function (V8 rebuilds a v128.const
 * from general registers at each use; a loaded value stays in a register or a stack slot).
 */
class Body {
  code: number[] = [];
  private nextLocal: number;
  readonly v128Locals: number[] = [];
  private readonly constLocals = new Map<string, number>();
  private readonly prologue: number[] = [];
  /** the lane group being emitted (see each) */
  gi = 0;
  constructor(
    params: number,
    private readonly groups = 1,
    private readonly i32Locals = 0
  ) {
    this.nextLocal = params + i32Locals;
  }
  v128(): number {
    const i = this.nextLocal++;
    this.v128Locals.push(i);
    return i;
  }
  /** one v128 local per lane group */
  group(): number[] {
    return Array.from({ length: this.groups }, () => this.v128());
  }
  /** one v128 local per quad (two lane groups side by side: four float32 lanes) */
  quad(): number[] {
    return Array.from({ length: this.groups / 2 }, () => this.v128());
  }
  /** emits fn once per lane group, statement by statement, so the groups' dependency chains interleave */
  each(fn: () => void): void {
    for (this.gi = 0; this.gi < this.groups; this.gi++) fn();
    this.gi = 0;
  }
  /** emits fn once per quad (the groups 2k, 2k+1) */
  eachQuad(fn: () => void): void {
    for (this.gi = 0; this.gi < this.groups; this.gi += 2) fn();
    this.gi = 0;
  }
  /** the quad that holds the group being emitted */
  get qi(): number {
    return this.gi >> 1;
  }
  private pick(l: Local): number {
    if (!Array.isArray(l)) return l;
    return l.length === this.groups ? l[this.gi] : l[this.qi];
  }
  op(...parts: (number | number[])[]): this {
    for (const p of parts) {
      if (Array.isArray(p)) this.code.push(...p);
      else this.code.push(p);
    }
    return this;
  }
  get(l: Local): this {
    return this.op(localGet(this.pick(l)));
  }
  set(l: Local): this {
    return this.op(localSet(this.pick(l)));
  }
  tee(l: Local): this {
    return this.op(localTee(this.pick(l)));
  }
  i32(v: number): this {
    return this.op(i32Const(v));
  }
  /**
   * pushes a vector constant, loaded from the constant pool into a local at the top of the function (a
   * v128.const would be rebuilt from general registers at each use; a loaded value is kept or spilled)
   */
  private constant(bytes: number[]): this {
    const key = bytes.join(',');
    let local = this.constLocals.get(key);
    if (local === undefined) {
      local = this.v128();
      this.constLocals.set(key, local);
      this.prologue.push(...i32Const(0), ...OP.v128Load, ...memarg(4, constantAddress(bytes)), ...localSet(local));
    }
    return this.op(localGet(local));
  }
  constI32x4(v: number): this {
    return this.constant(bytesOfI32x4(v));
  }
  constF32x4(v: number): this {
    return this.constant(bytesOfF32x4(v));
  }
  constF64x2(v: number): this {
    return this.constant(bytesOfF64x2(v));
  }
  /** float32 lanes 2k, 2k+1 of quad local v (k = this group's place in its quad) widened to f64x2 */
  promoteHalf(v: Local): this {
    this.get(v);
    if (this.gi % 2 === 1)
      this.get(v).op(OP.i8x16Shuffle, [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]);
    return this.op(OP.f64x2PromoteLowF32x4);
  }
  /** the quad of float32 lanes made of two groups' f64x2 locals (rounded to float32) */
  demoteJoin(lo: number, hi: number): this {
    this.get(lo).op(OP.f32x4DemoteF64x2Zero).get(hi).op(OP.f32x4DemoteF64x2Zero);
    return this.op(OP.i8x16Shuffle, [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
  }
  /** rounds the f64x2 on the stack to float32 (exactly representable again as f64x2) */
  round(): this {
    return this.op(OP.f32x4DemoteF64x2Zero, OP.f64x2PromoteLowF32x4);
  }
  /** the code section entry: locals, the constant loads, the code */
  encode(): number[] {
    const locals: [number, number][] = [];
    if (this.i32Locals > 0) locals.push([this.i32Locals, I32]);
    if (this.v128Locals.length > 0) locals.push([this.v128Locals.length, V128]);
    return functionBody(locals, [...this.prologue, ...this.code]);
  }
}

// The vector constants of the kernels, stored by a data segment at CONST_OFFSET (16 bytes each; after
// the floats and the mt19937 state). Filled while the module's code is emitted, the same way every time.
const CONST_OFFSET = 65536 + 4096;
const constantPool: number[][] = [];
function constantAddress(bytes: number[]): number {
  let i = constantPool.findIndex((c) => c.join(',') === bytes.join(','));
  if (i < 0) i = constantPool.push(bytes) - 1;
  return CONST_OFFSET + 16 * i;
}

// ---- the kernel --------------------------------------------------------------------------------

// avx_mathfun.h constants, rounded to float32 (avx2Math.ts)
const { SQRTHF, LOG_P, LOG_Q1, LOG_Q2, MINUS_DP, SIN_P, COS_P, FOPI } = AVX_MATHFUN_F32;

/**
 * fill(ptr, nblocks): normal_fill_16_AVX2 on each 16-float block at ptr, in place. The float32 parts run
 * on two quads of four lanes (quad k: u1 at base + 16k, u2 at base + 32 + 16k). In the -mfma build
 * (fused) the fused multiply-adds and the steps between them are emulated in binary64 on four pairs of
 * lanes (f64x2), the halves of the quads, whose statements are interleaved so that their dependency
 * chains overlap; the build without contraction rounds every operation, so it runs in quads throughout.
 */
const GROUPS = 4;
function fillBody(fused: boolean): Body {
  const b = new Body(2, GROUPS, 2);
  const PTR = 0;
  const N = 1;
  const I = 2;
  const BASE = 3;
  const each = (fn: () => void) => b.each(fn);
  const eachQuad = (fn: () => void) => b.eachQuad(fn);
  const xf = b.quad();
  const ef = b.quad();
  const mask = b.quad();
  const zf = b.quad();
  const yf = b.quad();
  const eq1 = b.quad();
  const j = b.quad();
  const xsf = b.quad();
  const qf = b.quad();
  const rf = b.quad();
  const ycf = b.quad();
  const ysf = b.quad();
  const pmask = b.quad();
  const s1 = b.quad();
  const s2 = b.quad();
  const x = b.group();
  const y = b.group();
  const xs = b.group();
  const zs = b.group();
  const yc = b.group();
  const ys = b.group();
  const t1 = b.group();
  // fused a*b + c: a*b is exact in binary64, the sum rounded once to float32
  const fma = (pushA: () => void, pushB: () => void, pushC: () => void): Body =>
    fmaUnrounded(pushA, pushB, pushC).round();
  // the same, the sum left in binary64 (for a step whose result is demoted next)
  const fmaUnrounded = (pushA: () => void, pushB: () => void, pushC: () => void): Body => {
    pushA();
    pushB();
    b.op(OP.f64x2Mul);
    pushC();
    return b.op(OP.f64x2Add);
  };
  const L = (i: Local) => () => {
    b.get(i);
  };
  const K = (v: number) => () => {
    b.constF64x2(v);
  };
  const H = (quad: number[]) => () => {
    b.promoteHalf(quad);
  };
  const u1At = () => memarg(4, 16 * b.qi); // align 2^4, offset of this quad's u1
  const u2At = () => memarg(4, 32 + 16 * b.qi);

  // for (i = 0; i < nblocks; i++) { base = ptr + 64 i; block }
  b.i32(0).set(I).op(block, loop);
  b.get(I).get(N).op(OP.i32LtU, OP.i32Eqz, brIf(1));
  b.get(I).i32(64).op(OP.i32Mul).get(PTR).op(OP.i32Add).set(BASE);

  // ---- log256_ps(1 - u): exponent and mantissa in float32 quads
  eachQuad(() => b.constF32x4(1).get(BASE).op(OP.v128Load, u1At()).op(OP.f32x4Sub).set(xf)); // x = 1 - u (exact)
  // e = (float)((bits >> 23) - 127) + 1
  eachQuad(() =>
    b
      .get(xf)
      .i32(23)
      .op(OP.i32x4ShrU)
      .constI32x4(127)
      .op(OP.i32x4Sub)
      .op(OP.f32x4ConvertI32x4S)
      .constF32x4(1)
      .op(OP.f32x4Add)
      .set(ef)
  );
  // m = (bits & ~0x7f800000) | 0x3f000000
  eachQuad(() => b.get(xf).constI32x4(~0x7f800000).op(OP.v128And).constI32x4(0x3f000000).op(OP.v128Or).set(xf));
  eachQuad(() => b.get(xf).constF32x4(SQRTHF).op(OP.f32x4Lt).set(mask));
  // e -= 1 & mask; x = (m - 1) + (m & mask)  (exact)
  eachQuad(() => b.get(ef).constF32x4(1).get(mask).op(OP.v128And).op(OP.f32x4Sub).set(ef));
  eachQuad(() => b.get(xf).constF32x4(1).op(OP.f32x4Sub).get(xf).get(mask).op(OP.v128And).op(OP.f32x4Add).set(xf));
  if (fused) {
    // ---- the polynomial, in binary64 pairs: y = p0; y = y*x + p_k (k = 1..8); y = y*x
    each(() => b.promoteHalf(xf).set(x));
    each(() => fma(K(LOG_P[0]), L(x), K(LOG_P[1])).set(y));
    for (let k = 2; k <= 8; k++) each(() => fma(L(y), L(x), K(LOG_P[k])).set(y));
    each(() => b.get(y).get(x).op(OP.f64x2Mul).round().set(y));
    // y = fma(y, z, e*q1) with z = x*x and e*q1 rounded (float32 quads)
    eachQuad(() => b.get(xf).get(xf).op(OP.f32x4Mul).set(zf));
    eachQuad(() => b.get(ef).constF32x4(LOG_Q1).op(OP.f32x4Mul).set(eq1));
    each(() => fmaUnrounded(L(y), H(zf), H(eq1)).set(y));
    // ---- the rest in float32 quads: y = y - z*0.5 (exact product); x = x + y; x = x + e*q2 (exact
    // product); radius = sqrt(-2 * x)
    eachQuad(() =>
      b
        .demoteJoin(y[b.gi], y[b.gi + 1])
        .get(zf)
        .constF32x4(0.5)
        .op(OP.f32x4Mul)
        .op(OP.f32x4Sub)
        .set(yf)
    );
    eachQuad(() =>
      b.get(xf).get(yf).op(OP.f32x4Add).get(ef).constF32x4(LOG_Q2).op(OP.f32x4Mul).op(OP.f32x4Add).set(xf)
    );
    eachQuad(() => b.get(xf).constF32x4(-2).op(OP.f32x4Mul).op(OP.f32x4Sqrt).set(rf));
  } else {
    // ---- the 'avx2' build rounds every operation to float32: all of it in float32 quads
    eachQuad(() => b.get(xf).get(xf).op(OP.f32x4Mul).set(zf));
    eachQuad(() => b.constF32x4(LOG_P[0]).get(xf).op(OP.f32x4Mul).constF32x4(LOG_P[1]).op(OP.f32x4Add).set(yf)); // y = p0*x + p1
    for (let k = 2; k <= 8; k++)
      eachQuad(() => b.get(yf).get(xf).op(OP.f32x4Mul).constF32x4(LOG_P[k]).op(OP.f32x4Add).set(yf));
    // y = y*x; y = y*z + e*q1; y = y - z*0.5
    eachQuad(() =>
      b
        .get(yf)
        .get(xf)
        .op(OP.f32x4Mul)
        .get(zf)
        .op(OP.f32x4Mul)
        .get(ef)
        .constF32x4(LOG_Q1)
        .op(OP.f32x4Mul)
        .op(OP.f32x4Add)
        .set(yf)
    );
    eachQuad(() => b.get(yf).get(zf).constF32x4(0.5).op(OP.f32x4Mul).op(OP.f32x4Sub).set(yf));
    // x = x + y; x = x + e*q2; radius = sqrt(-2 * x)
    eachQuad(() =>
      b.get(xf).get(yf).op(OP.f32x4Add).get(ef).constF32x4(LOG_Q2).op(OP.f32x4Mul).op(OP.f32x4Add).set(xf)
    );
    eachQuad(() => b.get(xf).constF32x4(-2).op(OP.f32x4Mul).op(OP.f32x4Sqrt).set(rf));
  }

  // ---- sincos256_ps(2pi * u2), theta >= 0, in float32 quads: j = (int(theta * 4/pi) + 1) & ~1;
  // x = theta + j*(-DP1) + j*(-DP2): exact products, and both sums are float32 for every input
  // (verifyUncheckedFmaSites), so float32 quads compute them exactly
  eachQuad(() => b.get(BASE).op(OP.v128Load, u2At()).constF32x4(TWO_PI_F32).op(OP.f32x4Mul).set(xsf));
  eachQuad(() =>
    b
      .get(xsf)
      .constF32x4(FOPI)
      .op(OP.f32x4Mul)
      .op(OP.i32x4TruncSatF32x4S)
      .constI32x4(1)
      .op(OP.i32x4Add)
      .constI32x4(~1)
      .op(OP.v128And)
      .set(j)
  );
  eachQuad(() => b.get(j).op(OP.f32x4ConvertI32x4S).set(qf));
  eachQuad(() => b.get(xsf).get(qf).constF32x4(MINUS_DP[0]).op(OP.f32x4Mul).op(OP.f32x4Add).set(xsf));
  eachQuad(() => b.get(xsf).get(qf).constF32x4(MINUS_DP[1]).op(OP.f32x4Mul).op(OP.f32x4Add).set(xsf));
  if (fused) {
    // ---- x = fma(j, -DP3, x) and the polynomials in binary64 pairs, cosine and sine interleaved
    each(() => fma(H(qf), K(MINUS_DP[2]), H(xsf)).set(xs));
    each(() => b.get(xs).get(xs).op(OP.f64x2Mul).round().set(zs));
    each(() => fma(K(COS_P[0]), L(zs), K(COS_P[1])).set(yc));
    each(() => fma(K(SIN_P[0]), L(zs), K(SIN_P[1])).set(ys));
    each(() => fma(L(yc), L(zs), K(COS_P[2])).set(yc));
    each(() => fma(L(ys), L(zs), K(SIN_P[2])).set(ys));
    each(() => b.get(yc).get(zs).op(OP.f64x2Mul).round().set(yc));
    each(() => b.get(ys).get(zs).op(OP.f64x2Mul).round().set(ys));
    each(() => b.get(zs).constF64x2(-0.5).op(OP.f64x2Mul).set(t1)); // -(z*0.5), exact
    each(() => fma(L(yc), L(zs), L(t1)).set(yc));
    each(() => fmaUnrounded(L(ys), L(xs), L(xs)).set(ys)); // rounded by demoteJoin below
    each(() => b.get(yc).constF64x2(1).op(OP.f64x2Add).set(yc)); // rounded by demoteJoin below
    eachQuad(() => b.demoteJoin(yc[b.gi], yc[b.gi + 1]).set(ycf));
    eachQuad(() => b.demoteJoin(ys[b.gi], ys[b.gi + 1]).set(ysf));
  } else {
    // x = x + j*(-DP3); z = x*x; the cosine and sine polynomials, every step rounded (float32 quads)
    eachQuad(() => b.get(xsf).get(qf).constF32x4(MINUS_DP[2]).op(OP.f32x4Mul).op(OP.f32x4Add).set(xsf));
    eachQuad(() => b.get(xsf).get(xsf).op(OP.f32x4Mul).set(zf));
    eachQuad(() => b.constF32x4(COS_P[0]).get(zf).op(OP.f32x4Mul).constF32x4(COS_P[1]).op(OP.f32x4Add).set(ycf));
    eachQuad(() => b.constF32x4(SIN_P[0]).get(zf).op(OP.f32x4Mul).constF32x4(SIN_P[1]).op(OP.f32x4Add).set(ysf));
    eachQuad(() => b.get(ycf).get(zf).op(OP.f32x4Mul).constF32x4(COS_P[2]).op(OP.f32x4Add).set(ycf));
    eachQuad(() => b.get(ysf).get(zf).op(OP.f32x4Mul).constF32x4(SIN_P[2]).op(OP.f32x4Add).set(ysf));
    // yc = ((yc*z)*z - z*0.5) + 1; ys = (ys*z)*x + x
    eachQuad(() =>
      b
        .get(ycf)
        .get(zf)
        .op(OP.f32x4Mul)
        .get(zf)
        .op(OP.f32x4Mul)
        .get(zf)
        .constF32x4(0.5)
        .op(OP.f32x4Mul)
        .op(OP.f32x4Sub)
        .constF32x4(1)
        .op(OP.f32x4Add)
        .set(ycf)
    );
    eachQuad(() => b.get(ysf).get(zf).op(OP.f32x4Mul).get(xsf).op(OP.f32x4Mul).get(xsf).op(OP.f32x4Add).set(ysf));
  }
  // ---- select the polynomials, signs, radius * (cos, sin) + 0, in float32 quads
  eachQuad(() => b.get(j).constI32x4(2).op(OP.v128And).constI32x4(0).op(OP.i32x4Eq).set(pmask));
  // ysin2 = ys & pmask -> s1 ; ysin1 = yc & ~pmask -> s2
  eachQuad(() => b.get(ysf).get(pmask).op(OP.v128And).set(s1));
  eachQuad(() => b.get(ycf).get(pmask).op(OP.v128AndNot).set(s2));
  // cos = ((yc - ysin1) + (ys - ysin2)) ^ ((4 & ~(j - 2)) << 29)
  eachQuad(() => {
    b.get(ycf).get(s2).op(OP.f32x4Sub);
    b.get(ysf).get(s1).op(OP.f32x4Sub);
    b.op(OP.f32x4Add);
    b.constI32x4(4)
      .get(j)
      .constI32x4(2)
      .op(OP.i32x4Sub)
      .op(OP.v128AndNot)
      .i32(29)
      .op(OP.i32x4Shl)
      .op(OP.v128Xor)
      .set(ycf);
  });
  // sin = (ysin1 + ysin2) ^ ((j & 4) << 29)
  eachQuad(() =>
    b
      .get(s2)
      .get(s1)
      .op(OP.f32x4Add)
      .get(j)
      .constI32x4(4)
      .op(OP.v128And)
      .i32(29)
      .op(OP.i32x4Shl)
      .op(OP.v128Xor)
      .set(ysf)
  );
  eachQuad(() => b.get(BASE).get(rf).get(ycf).op(OP.f32x4Mul).constF32x4(0).op(OP.f32x4Add).op(OP.v128Store, u1At()));
  eachQuad(() => b.get(BASE).get(rf).get(ysf).op(OP.f32x4Mul).constF32x4(0).op(OP.f32x4Add).op(OP.v128Store, u2At()));
  b.get(I).i32(1).op(OP.i32Add).set(I).op(br(0), OP.end, OP.end);
  return b;
}

// ---- mt19937 (at::mt19937): the twist and the tempering to uniform floats, 4 words at a time ------------

const STATE_OFFSET = 65536; // 624 int32 words, after the floats (64 KiB)

type Emit = (...parts: (number | number[])[]) => void;

/** Emits state[i] = state[far] ^ (((state[i] & UPPER) | (state[i+1] & LOWER)) >>> 1) ^ (-(state[i+1] & 1) & A) for 4 or 1 words. */
function twistStep(emit: Emit, addr: () => void, next: () => void, far: () => void, vector: boolean): void {
  // the same instructions on i32x4 (v128) or on i32
  const o = vector
    ? {
        load: OP.v128Load,
        store: OP.v128Store,
        k: (v: number) => [...OP.v128Const, ...bytesOfI32x4(v)],
        and: OP.v128And,
        or: OP.v128Or,
        xor: OP.v128Xor,
        shrU: OP.i32x4ShrU,
        sub: OP.i32x4Sub
      }
    : {
        load: OP.i32Load,
        store: OP.i32Store,
        k: i32Const,
        and: OP.i32And,
        or: OP.i32Or,
        xor: OP.i32Xor,
        shrU: OP.i32ShrU,
        sub: OP.i32Sub
      };
  addr();
  far();
  addr();
  emit(o.load, memarg(2), o.k(MT_UPPER), o.and);
  next();
  emit(o.k(MT_LOWER), o.and, o.or, i32Const(1), o.shrU, o.xor);
  emit(o.k(0));
  next();
  emit(o.k(1), o.and, o.sub, o.k(MT_MATRIX_A), o.and, o.xor);
  emit(o.store, memarg(2));
}

/** twist(): MT19937RNGEngine next_state() on the state at STATE_OFFSET, in place. */
function twistBody(): Body {
  const b = new Body(0, 1, 1);
  const emit: Emit = (...parts) => void b.op(...parts);
  const O = 0; // i32 local: byte address of state[i]
  const getO = () => emit(localGet(O));
  const load = (delta: number, vector: boolean) => () => {
    getO();
    if (delta !== 0) emit(i32Const(delta), OP.i32Add);
    emit(vector ? OP.v128Load : OP.i32Load, memarg(2));
  };
  const segment = (from: number, to: number, farDelta: number) => {
    // vector steps for i in [from, to), 4 at a time: reads state[i+1..i+4] before writing state[i..i+3]
    emit(i32Const(STATE_OFFSET + 4 * from), localSet(O));
    emit(loop);
    twistStep(emit, getO, load(4, true), load(farDelta, true), true);
    getO();
    emit(i32Const(16), OP.i32Add, localTee(O), i32Const(STATE_OFFSET + 4 * to), OP.i32LtU, brIf(0), OP.end);
  };
  const scalar = (i: number, nextIndex: number, farIndex: number) => {
    emit(i32Const(STATE_OFFSET + 4 * i), localSet(O));
    const abs = (k: number) => () => emit(i32Const(STATE_OFFSET + 4 * k), OP.i32Load, memarg(2));
    twistStep(emit, getO, abs(nextIndex), abs(farIndex), false);
  };
  segment(0, 224, 4 * 397); // i + 397 < 624: old words
  for (const i of [224, 225, 226]) scalar(i, i + 1, i + 397);
  segment(227, 623, -4 * 227); // i + 397 - 624 < i: words already renewed
  scalar(623, 0, 396);
  return b;
}

/** temper(src, dst, n): dst[k] = (temper(src[k]) & (2^24 - 1)) * 2^-24 as float32, n a multiple of 4. */
function temperBody(): Body {
  const b = new Body(3, 1, 1);
  const emit: Emit = (...parts) => void b.op(...parts);
  const SRC = 0;
  const DST = 1;
  const N = 2;
  const K = 3; // byte offset
  const Y = b.v128();
  const get = (l: number) => emit(localGet(l));
  emit(block, loop);
  get(K);
  get(N);
  emit(i32Const(4), OP.i32Mul, OP.i32LtU, OP.i32Eqz, brIf(1));
  get(SRC);
  get(K);
  emit(OP.i32Add, OP.v128Load, memarg(2), localSet(Y));
  // y ^= y >>> 11; y ^= (y << 7) & 0x9d2c5680; y ^= (y << 15) & 0xefc60000; y ^= y >>> 18
  get(Y);
  get(Y);
  emit(i32Const(11), OP.i32x4ShrU, OP.v128Xor, localSet(Y));
  get(Y);
  get(Y);
  emit(i32Const(7), OP.i32x4Shl, OP.v128Const, bytesOfI32x4(0x9d2c5680), OP.v128And, OP.v128Xor, localSet(Y));
  get(Y);
  get(Y);
  emit(i32Const(15), OP.i32x4Shl, OP.v128Const, bytesOfI32x4(0xefc60000), OP.v128And, OP.v128Xor, localSet(Y));
  get(DST);
  get(K);
  emit(OP.i32Add);
  get(Y);
  get(Y);
  emit(i32Const(18), OP.i32x4ShrU, OP.v128Xor);
  emit(
    OP.v128Const,
    bytesOfI32x4(0xffffff),
    OP.v128And,
    OP.f32x4ConvertI32x4S,
    OP.v128Const,
    bytesOfF32x4(2 ** -24),
    OP.f32x4Mul
  );
  emit(OP.v128Store, memarg(2));
  get(K);
  emit(i32Const(16), OP.i32Add, localSet(K));
  emit(br(0), OP.end, OP.end);
  return b;
}

/**
 * Bytes of the module: memory "mem" (2 pages, the constant pool written in by a data segment); functions
 * fill (0, the -mfma build), twist (1), temper (2), fillNoFma (3, no contraction).
 */
export function avx2FmaWasmBytes(): Uint8Array<ArrayBuffer> {
  const code = [fillBody(true), twistBody(), temperBody(), fillBody(false)].map((b) => b.encode()); // fills constantPool
  return assembleModule({
    types: [funcType([I32, I32], []), funcType([], []), funcType([I32, I32, I32], [])], // fill, twist, temper
    functions: [0, 1, 2, 0],
    memories: [memoryLimits(2)],
    exports: [
      exportEntry('mem', EXTERN_MEMORY, 0),
      exportEntry('fill', EXTERN_FUNC, 0),
      exportEntry('twist', EXTERN_FUNC, 1),
      exportEntry('temper', EXTERN_FUNC, 2),
      exportEntry('fillNoFma', EXTERN_FUNC, 3)
    ],
    code,
    data: [activeData(CONST_OFFSET, constantPool.flat())]
  });
}

export interface Avx2FmaWasm {
  /**
   * Runs normal_fill_16_AVX2 (the -mfma build, or with fused = false the build without contraction) on
   * data[start .. start + 16 * blocks), in place.
   */
  fillBlocks(data: Float32Array, start: number, blocks: number, fused?: boolean): void;
  /**
   * Draws 16 * blocks uniform floats from gen (as CpuGenerator.fillUniformFloat24 does) and transforms
   * them block by block into out[0 .. 16 * blocks): the main loop of normal_fill_AVX2, fused.
   */
  normalBlocks(gen: CpuGenerator, out: Float32Array, blocks: number, fused?: boolean): void;
  /** CpuGenerator.fillUniformFloat24 (same values, same generator state afterwards), faster. */
  fillUniform(gen: CpuGenerator, out: Float32Array, offset: number, count: number): void;
  /** MT19937RNGEngine next_state() on gen's state (index back to 0), as CpuGenerator.random() does when it runs out. */
  twist(gen: CpuGenerator): void;
}

const CHUNK_BLOCKS = 1024; // 64 KiB of floats per call

let cached: Avx2FmaWasm | null | undefined;

/** The WebAssembly kernel, or null where WebAssembly SIMD is not available (compiled once, lazily). */
export function avx2FmaWasm(): Avx2FmaWasm | null {
  if (cached !== undefined) return cached;
  cached = null;
  try {
    if (typeof WebAssembly !== 'object') return null;
    const module = new WebAssembly.Module(avx2FmaWasmBytes());
    const instance = new WebAssembly.Instance(module, {});
    const memory = instance.exports.mem as WebAssembly.Memory;
    const fill = instance.exports.fill as (ptr: number, blocks: number) => void;
    const fillNoFma = instance.exports.fillNoFma as (ptr: number, blocks: number) => void;
    const twist = instance.exports.twist as () => void;
    const temper = instance.exports.temper as (src: number, dst: number, n: number) => void;
    const floats = new Float32Array(memory.buffer, 0, CHUNK_BLOCKS * 16);
    const state = new Int32Array(memory.buffer, STATE_OFFSET, MT_N);

    /** runs the kernel on floats[0 .. 16 nb) in place */
    const transform = (nb: number, fused: boolean): void => {
      if (fused) fill(0, nb);
      else fillNoFma(0, nb);
    };

    /** n uniform floats from the state in wasm memory (at word index) into floats[0 .. n); returns the new index */
    const uniformsInto = (index: number, n: number): number => {
      for (let pos = 0; pos < n;) {
        if (index >= MT_N) {
          twist();
          index = 0;
        }
        const m = Math.min(MT_N - index, n - pos);
        const m4 = m & ~3;
        if (m4 > 0) temper(STATE_OFFSET + 4 * index, 4 * pos, m4);
        for (let r = m4; r < m; r++) floats[pos + r] = (mt19937Temper(state[index + r]) & 0xffffff) * 2 ** -24;
        index += m;
        pos += m;
      }
      return index;
    };

    cached = {
      fillBlocks(data: Float32Array, start: number, blocks: number, fused = true): void {
        for (let done = 0; done < blocks; done += CHUNK_BLOCKS) {
          const nb = Math.min(CHUNK_BLOCKS, blocks - done);
          const from = start + done * 16;
          floats.set(data.subarray(from, from + nb * 16));
          transform(nb, fused);
          data.set(floats.subarray(0, nb * 16), from);
        }
      },

      normalBlocks(gen: CpuGenerator, out: Float32Array, blocks: number, fused = true): void {
        state.set(gen.state);
        let index = gen.index;
        for (let done = 0; done < blocks; done += CHUNK_BLOCKS) {
          const nb = Math.min(CHUNK_BLOCKS, blocks - done);
          const n = nb * 16;
          index = uniformsInto(index, n);
          transform(nb, fused);
          out.set(floats.subarray(0, n), done * 16);
        }
        gen.state.set(state);
        gen.index = index;
      },

      fillUniform(gen: CpuGenerator, out: Float32Array, offset: number, count: number): void {
        state.set(gen.state);
        let index = gen.index;
        for (let done = 0; done < count; done += floats.length) {
          const n = Math.min(floats.length, count - done);
          index = uniformsInto(index, n);
          out.set(floats.subarray(0, n), offset + done);
        }
        gen.state.set(state);
        gen.index = index;
      },

      twist(gen: CpuGenerator): void {
        state.set(gen.state);
        twist();
        gen.state.set(state);
        gen.index = 0;
      }
    };
  } catch {
    cached = null;
  }
  return cached;
}
