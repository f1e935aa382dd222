// normal_fill_AVX2 in WebAssembly SIMD for speed, as GCC builds it with -mfma ('avx2-fma') and without
// contraction ('avx2'), plus the mt19937 stream that feeds it (twist and tempering, four words at a time).
// Same arithmetic as normalFill16Avx2Fma (avx2Math.ts), two lanes per f64x2 vector, the four lane pairs of
// a block interleaved statement by statement so that their dependency chains overlap. Every float32 value
// is held exactly in binary64; a float32 operation is the binary64 operation followed by a rounding to
// float32 (f32x4.demote_f64x2_zero then f64x2.promote_low_f32x4), and a fused multiply-add is a*b + c in
// binary64 (a*b is exact) rounded once to float32 (in the 'avx2' build: the product rounded, then the
// sum). The fused rounding is wrong only when the binary64 sum lands exactly
// on a float32 midpoint (its low 29 significand bits are 1000...0): the kernel flags such blocks (and blocks
// where an exact sum is a tie) and they are recomputed by the TypeScript kernel, which resolves ties
// exactly. Precondition: blocks hold uniforms k * 2^-24 (k < 2^24), as randn gives them: the clamp and NaN
// mask of log256_ps are then no-ops and are left out.
//
// The module is assembled here from its instructions (no build step, no binary blob). Where WebAssembly
// SIMD is unavailable, or synchronous compilation is refused (a browser's main thread allows only small
// modules), avx2FmaWasm() returns null and randn uses the TypeScript kernel: same bits, slower.
import { normalFill16Avx2Fma } from './avx2Math';
import type { CpuGenerator } from './generator';
import { MT_N, mt19937Temper } from './mt19937';

const f = Math.fround;

// ---- a minimal WebAssembly binary writer -------------------------------------------------------

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const OP = {
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32Add: 0x6a,
  i32Or: 0x72,
  i32LtU: 0x49,
  i32Store8: 0x3a,
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  i32Eqz: 0x45,
  i32Load: 0x28,
  i32Store: 0x36,
  i32And: 0x71,
  i32Xor: 0x73,
  i32ShrU: 0x76,
  i32Sub: 0x6b,
  call: 0x10,
  v128Load: simd(0x00),
  v128Store: simd(0x0b),
  v128Const: simd(0x0c),
  v128Load64Zero: simd(0x5d),
  v128Store64Lane: simd(0x5b),
  v128And: simd(0x4e),
  v128AndNot: simd(0x4f),
  v128Or: simd(0x50),
  v128Xor: simd(0x51),
  v128AnyTrue: simd(0x53),
  f32x4Demote: simd(0x5e),
  f64x2Promote: simd(0x5f),
  i32x4Eq: simd(0x37),
  f32x4Lt: simd(0x43),
  i64x2Eq: simd(0xd6),
  i32x4Shl: simd(0xab),
  i32x4ShrU: simd(0xad),
  i32x4Add: simd(0xae),
  i32x4Sub: simd(0xb1),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f64x2Sqrt: simd(0xef),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  i32x4TruncSatF32x4S: simd(0xf8),
  f32x4ConvertI32x4S: simd(0xfa)
};

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
function bytesOfI64x2(v: bigint): number[] {
  const b = new Uint8Array(16);
  new BigInt64Array(b.buffer).fill(v);
  return Array.from(b);
}

/** A local index, or one per lane group (the group being emitted picks its own). */
type Local = number | number[];

/** Emits one function body: locals are v128 unless declared otherwise. */
class Body {
  code: number[] = [];
  private nextLocal: number;
  readonly v128Locals: number[] = [];
  /** the lane group being emitted (see each) */
  gi = 0;
  constructor(
    params: number,
    private readonly groups = 1
  ) {
    this.nextLocal = params;
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
  /** emits fn once per lane group, statement by statement, so the groups' dependency chains interleave */
  each(fn: () => void): void {
    for (this.gi = 0; this.gi < this.groups; this.gi++) fn();
    this.gi = 0;
  }
  private pick(l: Local): number {
    return Array.isArray(l) ? l[this.gi] : l;
  }
  op(...parts: (number | number[])[]): this {
    for (const p of parts) {
      if (Array.isArray(p)) this.code.push(...p);
      else this.code.push(p);
    }
    return this;
  }
  get(l: Local): this {
    return this.op(OP.localGet, uleb(this.pick(l)));
  }
  set(l: Local): this {
    return this.op(OP.localSet, uleb(this.pick(l)));
  }
  tee(l: Local): this {
    return this.op(OP.localTee, uleb(this.pick(l)));
  }
  i32(v: number): this {
    return this.op(OP.i32Const, sleb(v));
  }
  constI32x4(v: number): this {
    return this.op(OP.v128Const, bytesOfI32x4(v));
  }
  constF32x4(v: number): this {
    return this.op(OP.v128Const, bytesOfF32x4(v));
  }
  constF64x2(v: number): this {
    return this.op(OP.v128Const, bytesOfF64x2(v));
  }
  constI64x2(v: bigint): this {
    return this.op(OP.v128Const, bytesOfI64x2(v));
  }
  /** rounds the f64x2 on the stack to float32 (exactly representable again as f64x2) */
  round(): this {
    return this.op(OP.f32x4Demote, OP.f64x2Promote);
  }
  encode(): number[] {
    const locals = this.v128Locals.length > 0 ? [1, ...uleb(this.v128Locals.length), 0x7b] : [0];
    const body = [...locals, ...this.code, OP.end];
    return [...uleb(body.length), ...body];
  }
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}
function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}
function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

// ---- the kernel --------------------------------------------------------------------------------

// avx_mathfun.h constants, rounded to float32 (see avx2Math.ts)
const SQRTHF = f(0.707106781186547524);
const LOG_P = [7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f);
const LOG_Q1 = f(-2.1219444e-4);
const LOG_Q2 = f(0.693359375);
const MINUS_DP = [-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8].map(f);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);
const FOPI = f(1.27323954473516);
const TWO_PI_F32 = f(2 * Math.PI);

/**
 * block(base) -> i32: normal_fill_16_AVX2 on the 16 floats at base, as four pairs of lanes (f64x2) whose
 * statements are interleaved so that their dependency chains overlap. Lane pair g reads u1 sources at
 * base + 8g and u2 sources at base + 32 + 8g, and writes radius*cos and radius*sin there; returns nonzero
 * when a fused step may need the exact tie-break (the caller then recomputes the block).
 */
const GROUPS = 4;
function blockBody(fused: boolean): Body {
  const b = new Body(1, GROUPS);
  const BASE = 0;
  const each = (fn: () => void) => b.each(fn);
  const flag = b.v128();
  const xf = b.group();
  const ef = b.group();
  const mask = b.group();
  const x = b.group();
  const e = b.group();
  const z = b.group();
  const y = b.group();
  const s = b.group();
  const radius = b.group();
  const j = b.group();
  const xs = b.group();
  const q = b.group();
  const zs = b.group();
  const yc = b.group();
  const ys = b.group();
  const pmask = b.group();
  const ycf = b.group();
  const ysf = b.group();
  const t1 = b.group();
  const t2 = b.group();
  const lowMask = b.v128();
  const tieBits = b.v128();

  const checkAndRound = () => {
    // s on the stack: flag |= (bits(s) & (2^29 - 1)) == 2^28, then round s to float32
    b.tee(s).get(lowMask).op(OP.v128And).get(tieBits).op(OP.i64x2Eq);
    b.get(flag).op(OP.v128Or).set(flag);
    b.get(s).round();
  };
  // a*b + c: fused (rounded once) in the -mfma build, else a rounded product plus c, rounded
  const fmaChecked = (pushA: () => void, pushB: () => void, pushC: () => void): Body => {
    if (!fused) return fmaUnchecked(pushA, pushB, pushC);
    pushA();
    pushB();
    b.op(OP.f64x2Mul);
    pushC();
    b.op(OP.f64x2Add);
    checkAndRound();
    return b;
  };
  const fmaUnchecked = (pushA: () => void, pushB: () => void, pushC: () => void): Body => {
    pushA();
    pushB();
    b.op(OP.f64x2Mul);
    if (!fused) b.round();
    pushC();
    return b.op(OP.f64x2Add).round();
  };
  const L = (i: Local) => () => {
    b.get(i);
  };
  const K = (v: number) => () => {
    b.constF64x2(v);
  };

  b.constI32x4(0).set(flag);
  b.constI64x2(0x1fffffffn).set(lowMask);
  b.constI64x2(0x10000000n).set(tieBits);
  const u1Offset = () => 8 * b.gi;
  const u2Offset = () => 32 + 8 * b.gi;
  // ---- log256_ps(1 - u), float32 lanes 0..1 for the bit manipulations
  each(() => b.constF32x4(1).get(BASE).op(OP.v128Load64Zero, [3, ...uleb(u1Offset())]).op(OP.f32x4Sub).set(xf)); // x = 1 - u (exact)
  // e = (float)((bits >> 23) - 127) + 1
  each(() => b.get(xf).i32(23).op(OP.i32x4ShrU).constI32x4(127).op(OP.i32x4Sub).op(OP.f32x4ConvertI32x4S).constF32x4(1).op(OP.f32x4Add).set(ef));
  // m = (bits & ~0x7f800000) | 0x3f000000
  each(() => b.get(xf).constI32x4(~0x7f800000).op(OP.v128And).constI32x4(0x3f000000).op(OP.v128Or).set(xf));
  each(() => b.get(xf).constF32x4(SQRTHF).op(OP.f32x4Lt).set(mask));
  // e -= 1 & mask; x = (m - 1) + (m & mask)  (exact)
  each(() => b.get(ef).constF32x4(1).get(mask).op(OP.v128And).op(OP.f32x4Sub).set(ef));
  each(() => b.get(xf).constF32x4(1).op(OP.f32x4Sub).get(xf).get(mask).op(OP.v128And).op(OP.f32x4Add).set(xf));
  each(() => b.get(xf).op(OP.f64x2Promote).set(x));
  each(() => b.get(ef).op(OP.f64x2Promote).set(e));
  each(() => b.get(x).get(x).op(OP.f64x2Mul).round().set(z));
  each(() => fmaUnchecked(K(LOG_P[0]), L(x), K(LOG_P[1])).set(y));
  for (let k = 2; k <= 8; k++) each(() => fmaChecked(L(y), L(x), K(LOG_P[k])).set(y));
  each(() => b.get(y).get(x).op(OP.f64x2Mul).round().set(y));
  // y = fma(y, z, e*q1)
  each(() => b.get(e).constF64x2(LOG_Q1).op(OP.f64x2Mul).round().set(t1));
  each(() => fmaChecked(L(y), L(z), L(t1)).set(y));
  // y = y - z*0.5 ; x = x + y ; x = x + e*q2 (exact product)
  each(() => b.get(y).get(z).constF64x2(0.5).op(OP.f64x2Mul).op(OP.f64x2Sub).round().set(y));
  each(() => b.get(x).get(y).op(OP.f64x2Add).round().set(x));
  each(() => b.get(x).get(e).constF64x2(LOG_Q2).op(OP.f64x2Mul).op(OP.f64x2Add).round().set(x));
  // radius = sqrt(-2 * log)
  each(() => b.get(x).constF64x2(-2).op(OP.f64x2Mul).op(OP.f64x2Sqrt).round().set(radius));

  // ---- sincos256_ps(2pi * u2), theta >= 0
  each(() => b.get(BASE).op(OP.v128Load64Zero, [3, ...uleb(u2Offset())]).constF32x4(TWO_PI_F32).op(OP.f32x4Mul).set(t1)); // theta (f32)
  each(() => b.get(t1).constF32x4(FOPI).op(OP.f32x4Mul).op(OP.i32x4TruncSatF32x4S).constI32x4(1).op(OP.i32x4Add).constI32x4(~1).op(OP.v128And).set(j));
  each(() => b.get(j).op(OP.f32x4ConvertI32x4S).op(OP.f64x2Promote).set(q));
  each(() => b.get(t1).op(OP.f64x2Promote).set(xs));
  each(() => b.get(xs).get(q).constF64x2(MINUS_DP[0]).op(OP.f64x2Mul).op(OP.f64x2Add).round().set(xs)); // exact product
  each(() => b.get(xs).get(q).constF64x2(MINUS_DP[1]).op(OP.f64x2Mul).op(OP.f64x2Add).round().set(xs)); // exact product
  each(() => fmaChecked(L(q), K(MINUS_DP[2]), L(xs)).set(xs));
  each(() => b.get(xs).get(xs).op(OP.f64x2Mul).round().set(zs));
  each(() => fmaUnchecked(K(COS_P[0]), L(zs), K(COS_P[1])).set(yc));
  each(() => fmaUnchecked(L(yc), L(zs), K(COS_P[2])).set(yc));
  each(() => b.get(yc).get(zs).op(OP.f64x2Mul).round().set(yc));
  each(() => b.get(zs).constF64x2(-0.5).op(OP.f64x2Mul).set(t2)); // -(z*0.5), exact
  each(() => fmaUnchecked(L(yc), L(zs), L(t2)).set(yc));
  each(() => b.get(yc).constF64x2(1).op(OP.f64x2Add).round().set(yc));
  each(() => fmaUnchecked(K(SIN_P[0]), L(zs), K(SIN_P[1])).set(ys));
  each(() => fmaUnchecked(L(ys), L(zs), K(SIN_P[2])).set(ys));
  each(() => b.get(ys).get(zs).op(OP.f64x2Mul).round().set(ys));
  each(() => fmaChecked(L(ys), L(xs), L(xs)).set(ys));
  // ---- select the polynomials, signs, radius * (cos, sin) + 0, in float32 lanes
  each(() => b.get(yc).op(OP.f32x4Demote).set(ycf));
  each(() => b.get(ys).op(OP.f32x4Demote).set(ysf));
  each(() => b.get(j).constI32x4(2).op(OP.v128And).constI32x4(0).op(OP.i32x4Eq).set(pmask));
  // ysin2 = ysf & pmask -> t1 ; ysin1 = ycf & ~pmask -> t2
  each(() => b.get(ysf).get(pmask).op(OP.v128And).set(t1));
  each(() => b.get(ycf).get(pmask).op(OP.v128AndNot).set(t2));
  // sin = (ysin1 + ysin2) ^ ((j & 4) << 29)
  each(() => b.get(t2).get(t1).op(OP.f32x4Add).get(j).constI32x4(4).op(OP.v128And).i32(29).op(OP.i32x4Shl).op(OP.v128Xor).set(ysf));
  // cos = ((yc - ysin1) + (ys - ysin2)) ^ ((4 & ~(j - 2)) << 29)   [ysf overwritten: recompute ys - ysin2]
  each(() => {
    b.get(ycf).get(t2).op(OP.f32x4Sub);
    b.get(ys).op(OP.f32x4Demote).get(t1).op(OP.f32x4Sub);
    b.op(OP.f32x4Add);
    b.constI32x4(4).get(j).constI32x4(2).op(OP.i32x4Sub).op(OP.v128AndNot).i32(29).op(OP.i32x4Shl).op(OP.v128Xor).set(ycf);
  });
  each(() => b.get(radius).op(OP.f32x4Demote).set(t1));
  each(() => b.get(BASE).get(t1).get(ycf).op(OP.f32x4Mul).constF32x4(0).op(OP.f32x4Add).op(OP.v128Store64Lane, [3, ...uleb(u1Offset()), 0]));
  each(() => b.get(BASE).get(t1).get(ysf).op(OP.f32x4Mul).constF32x4(0).op(OP.f32x4Add).op(OP.v128Store64Lane, [3, ...uleb(u2Offset()), 0]));
  b.get(flag).op(OP.v128AnyTrue);
  return b;
}

/** fill(ptr, nblocks, flags): runs block() on each 16-float block; flags[b] = 1 when the block needs the exact path. */
function fillBody(blockFunction: number): Body {
  const b = new Body(3);
  const PTR = 0;
  const N = 1;
  const FLAGS = 2;
  // locals beyond params: i32 counter (declared by hand below)
  const code: number[] = [];
  const i = 3;
  const base = 4;
  const emit = (...parts: (number | number[])[]) => {
    for (const p of parts) {
      if (Array.isArray(p)) code.push(...p);
      else code.push(p);
    }
  };
  const get = (k: number) => emit(OP.localGet, uleb(k));
  emit(OP.i32Const, sleb(0), OP.localSet, uleb(i));
  emit(OP.block, 0x40, OP.loop, 0x40);
  get(i);
  get(N);
  emit(OP.i32LtU, OP.i32Eqz, OP.brIf, uleb(1));
  // base = ptr + i * 64
  get(i);
  emit(OP.i32Const, sleb(64), 0x6c /* i32.mul */);
  get(PTR);
  emit(OP.i32Add, OP.localSet, uleb(base));
  // flags[i] = block(base)
  get(FLAGS);
  get(i);
  emit(OP.i32Add);
  get(base);
  emit(0x10 /* call */, uleb(blockFunction));
  emit(OP.i32Store8, [0, 0]);
  get(i);
  emit(OP.i32Const, sleb(1), OP.i32Add, OP.localSet, uleb(i));
  emit(OP.br, uleb(0), OP.end, OP.end);
  b.code = code;
  return b;
}

function encodeFill(body: Body): number[] {
  const locals = [1, 2, 0x7f]; // two i32 locals (i, base)
  const content = [...locals, ...body.code, OP.end];
  return [...uleb(content.length), ...content];
}

// ---- mt19937 (at::mt19937): the twist and the tempering to uniform floats, 4 words at a time ------------

const STATE_OFFSET = 65536 + 1024; // 624 int32 words, after the floats (64 KiB) and the block flags
const MT_UPPER = 0x80000000 | 0;
const MT_LOWER = 0x7fffffff;
const MT_MATRIX_A = 0x9908b0df | 0;

/** Emits state[i] = state[far] ^ (((state[i] & UPPER) | (state[i+1] & LOWER)) >>> 1) ^ (-(state[i+1] & 1) & A) for 4 or 1 words. */
function twistStep(emit: (...parts: (number | number[])[]) => void, addr: () => void, next: () => void, far: () => void, vector: boolean): void {
  if (vector) {
    addr();
    far();
    addr();
    emit(OP.v128Load, [2, 0], OP.v128Const, bytesOfI32x4(MT_UPPER), OP.v128And);
    next();
    emit(OP.v128Const, bytesOfI32x4(MT_LOWER), OP.v128And, OP.v128Or, OP.i32Const, sleb(1), OP.i32x4ShrU, OP.v128Xor);
    emit(OP.v128Const, bytesOfI32x4(0));
    next();
    emit(OP.v128Const, bytesOfI32x4(1), OP.v128And, OP.i32x4Sub, OP.v128Const, bytesOfI32x4(MT_MATRIX_A), OP.v128And, OP.v128Xor);
    emit(OP.v128Store, [2, 0]);
  } else {
    addr();
    far();
    addr();
    emit(OP.i32Load, [2, 0], OP.i32Const, sleb(MT_UPPER), OP.i32And);
    next();
    emit(OP.i32Const, sleb(MT_LOWER), OP.i32And, OP.i32Or, OP.i32Const, sleb(1), OP.i32ShrU, OP.i32Xor);
    emit(OP.i32Const, sleb(0));
    next();
    emit(OP.i32Const, sleb(1), OP.i32And, OP.i32Sub, OP.i32Const, sleb(MT_MATRIX_A), OP.i32And, OP.i32Xor);
    emit(OP.i32Store, [2, 0]);
  }
}

/** twist(): MT19937RNGEngine next_state() on the state at STATE_OFFSET, in place. */
function twistBody(): number[] {
  const code: number[] = [];
  const emit = (...parts: (number | number[])[]) => {
    for (const p of parts) {
      if (Array.isArray(p)) code.push(...p);
      else code.push(p);
    }
  };
  const O = 0; // i32 local: byte address of state[i]
  const getO = () => emit(OP.localGet, uleb(O));
  const load = (delta: number, vector: boolean) => () => {
    getO();
    if (delta !== 0) emit(OP.i32Const, sleb(delta), OP.i32Add);
    emit(vector ? OP.v128Load : OP.i32Load, [2, 0]);
  };
  const segment = (from: number, to: number, farDelta: number) => {
    // vector steps for i in [from, to), 4 at a time: reads state[i+1..i+4] before writing state[i..i+3]
    emit(OP.i32Const, sleb(STATE_OFFSET + 4 * from), OP.localSet, uleb(O));
    emit(OP.loop, 0x40);
    twistStep(emit, getO, load(4, true), load(farDelta, true), true);
    getO();
    emit(OP.i32Const, sleb(16), OP.i32Add, OP.localTee, uleb(O), OP.i32Const, sleb(STATE_OFFSET + 4 * to), OP.i32LtU, OP.brIf, uleb(0), OP.end);
  };
  const scalar = (i: number, nextIndex: number, farIndex: number) => {
    emit(OP.i32Const, sleb(STATE_OFFSET + 4 * i), OP.localSet, uleb(O));
    const abs = (k: number) => () => emit(OP.i32Const, sleb(STATE_OFFSET + 4 * k), OP.i32Load, [2, 0]);
    twistStep(emit, getO, abs(nextIndex), abs(farIndex), false);
  };
  segment(0, 224, 4 * 397); // i + 397 < 624: old words
  for (const i of [224, 225, 226]) scalar(i, i + 1, i + 397);
  segment(227, 623, -4 * 227); // i + 397 - 624 < i: words already renewed
  scalar(623, 0, 396);
  const content = [1, 1, 0x7f, ...code, OP.end];
  return [...uleb(content.length), ...content];
}

/** temper(src, dst, n): dst[k] = (temper(src[k]) & (2^24 - 1)) * 2^-24 as float32, n a multiple of 4. */
function temperBody(): number[] {
  const code: number[] = [];
  const emit = (...parts: (number | number[])[]) => {
    for (const p of parts) {
      if (Array.isArray(p)) code.push(...p);
      else code.push(p);
    }
  };
  const SRC = 0;
  const DST = 1;
  const N = 2;
  const K = 3; // byte offset
  const Y = 4; // v128
  const get = (l: number) => emit(OP.localGet, uleb(l));
  emit(OP.block, 0x40, OP.loop, 0x40);
  get(K);
  get(N);
  emit(OP.i32Const, sleb(4), 0x6c /* i32.mul */, OP.i32LtU, OP.i32Eqz, OP.brIf, uleb(1));
  get(SRC);
  get(K);
  emit(OP.i32Add, OP.v128Load, [2, 0], OP.localSet, uleb(Y));
  // y ^= y >>> 11; y ^= (y << 7) & 0x9d2c5680; y ^= (y << 15) & 0xefc60000; y ^= y >>> 18
  get(Y);
  get(Y);
  emit(OP.i32Const, sleb(11), OP.i32x4ShrU, OP.v128Xor, OP.localSet, uleb(Y));
  get(Y);
  get(Y);
  emit(OP.i32Const, sleb(7), OP.i32x4Shl, OP.v128Const, bytesOfI32x4(0x9d2c5680), OP.v128And, OP.v128Xor, OP.localSet, uleb(Y));
  get(Y);
  get(Y);
  emit(OP.i32Const, sleb(15), OP.i32x4Shl, OP.v128Const, bytesOfI32x4(0xefc60000), OP.v128And, OP.v128Xor, OP.localSet, uleb(Y));
  get(DST);
  get(K);
  emit(OP.i32Add);
  get(Y);
  get(Y);
  emit(OP.i32Const, sleb(18), OP.i32x4ShrU, OP.v128Xor);
  emit(OP.v128Const, bytesOfI32x4(0xffffff), OP.v128And, OP.f32x4ConvertI32x4S, OP.v128Const, bytesOfF32x4(2 ** -24), OP.f32x4Mul);
  emit(OP.v128Store, [2, 0]);
  get(K);
  emit(OP.i32Const, sleb(16), OP.i32Add, OP.localSet, uleb(K));
  emit(OP.br, uleb(0), OP.end, OP.end);
  const content = [2, 1, 0x7f, 1, 0x7b, ...code, OP.end];
  return [...uleb(content.length), ...content];
}

/**
 * Bytes of the module: memory "mem" (2 pages); functions block (0, -mfma build), fill (1), twist (2),
 * temper (3), blockNoFma (4, no contraction), fillNoFma (5).
 */
export function avx2FmaWasmBytes(): Uint8Array<ArrayBuffer> {
  const typeBlock = [0x60, 1, 0x7f, 1, 0x7f];
  const typeFill = [0x60, 3, 0x7f, 0x7f, 0x7f, 0];
  const typeTwist = [0x60, 0, 0];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([typeBlock, typeFill, typeTwist])),
    ...section(3, vec([[0], [1], [2], [1], [0], [1]])),
    ...section(5, vec([[0x00, 2]])),
    ...section(7, vec([[...name('mem'), 0x02, 0], [...name('fill'), 0x00, 1], [...name('twist'), 0x00, 2], [...name('temper'), 0x00, 3], [...name('fillNoFma'), 0x00, 5]])),
    ...section(10, vec([blockBody(true).encode(), encodeFill(fillBody(0)), twistBody(), temperBody(), blockBody(false).encode(), encodeFill(fillBody(4))]))
  ];
  return new Uint8Array(bytes);
}

export interface Avx2FmaWasm {
  /**
   * Runs normal_fill_16_AVX2 (the -mfma build, or with fused = false the build without contraction) on
   * data[start .. start + 16 * blocks); returns how many blocks had a possible float32 tie in a fused step
   * and were recomputed by the TypeScript kernel.
   */
  fillBlocks(data: Float32Array, start: number, blocks: number, fused?: boolean): number;
  /**
   * Draws 16 * blocks uniform floats from gen (as CpuGenerator.fillUniformFloat24 does) and transforms
   * them block by block into out[0 .. 16 * blocks): the main loop of normal_fill_AVX2, fused.
   */
  normalBlocks(gen: CpuGenerator, out: Float32Array, blocks: number, fused?: boolean): void;
  /** CpuGenerator.fillUniformFloat24 (same values, same generator state afterwards), faster. */
  fillUniform(gen: CpuGenerator, out: Float32Array, offset: number, count: number): void;
}

const CHUNK_BLOCKS = 1024; // 64 KiB of floats per call
const FLAGS_OFFSET = CHUNK_BLOCKS * 64;

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
    const fill = instance.exports.fill as (ptr: number, blocks: number, flags: number) => void;
    const fillNoFma = instance.exports.fillNoFma as (ptr: number, blocks: number, flags: number) => void;
    const twist = instance.exports.twist as () => void;
    const temper = instance.exports.temper as (src: number, dst: number, n: number) => void;
    const floats = new Float32Array(memory.buffer, 0, CHUNK_BLOCKS * 16);
    const flags = new Uint8Array(memory.buffer, FLAGS_OFFSET, CHUNK_BLOCKS);
    const state = new Int32Array(memory.buffer, STATE_OFFSET, MT_N);
    const uniforms = new Float32Array(CHUNK_BLOCKS * 16);
    const block = new Float32Array(16);

    /** runs the kernel on floats[0 .. 16 nb), uniforms holding a copy of its input; fixes flagged blocks */
    const transform = (nb: number, fused: boolean): number => {
      if (!fused) {
        fillNoFma(0, nb, FLAGS_OFFSET); // no fused step, nothing to resolve
        return 0;
      }
      fill(0, nb, FLAGS_OFFSET);
      let resolved = 0;
      for (let k = 0; k < nb; k++) {
        if (flags[k] !== 0) {
          // a possible float32 tie in a fused step: the TypeScript kernel resolves it exactly
          block.set(uniforms.subarray(k * 16, k * 16 + 16));
          normalFill16Avx2Fma(block, 0);
          floats.set(block, k * 16);
          resolved++;
        }
      }
      return resolved;
    };

    /** n uniform floats from the state in wasm memory (at word index) into floats[0 .. n); returns the new index */
    const uniformsInto = (index: number, n: number): number => {
      for (let pos = 0; pos < n; ) {
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
      fillBlocks(data: Float32Array, start: number, blocks: number, fused = true): number {
        let resolved = 0;
        for (let done = 0; done < blocks; done += CHUNK_BLOCKS) {
          const nb = Math.min(CHUNK_BLOCKS, blocks - done);
          const from = start + done * 16;
          uniforms.set(data.subarray(from, from + nb * 16));
          floats.set(uniforms.subarray(0, nb * 16));
          resolved += transform(nb, fused);
          data.set(floats.subarray(0, nb * 16), from);
        }
        return resolved;
      },

      normalBlocks(gen: CpuGenerator, out: Float32Array, blocks: number, fused = true): void {
        state.set(gen.state);
        let index = gen.index;
        for (let done = 0; done < blocks; done += CHUNK_BLOCKS) {
          const nb = Math.min(CHUNK_BLOCKS, blocks - done);
          const n = nb * 16;
          index = uniformsInto(index, n);
          if (fused) uniforms.set(floats.subarray(0, n));
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
      }
    };
  } catch {
    cached = null;
  }
  return cached;
}
