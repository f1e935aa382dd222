// normal_fill_16_AVX2 as GCC builds it with -mfma ('avx2-fma'), in WebAssembly SIMD for speed.
// Same arithmetic as normalFill16Avx2Fma (avx2Math.ts), two lanes per f64x2 vector: every float32 value
// is held exactly in binary64; a float32 operation is the binary64 operation followed by a rounding to
// float32 (f32x4.demote_f64x2_zero then f64x2.promote_low_f32x4), and a fused multiply-add is a*b + c in
// binary64 (a*b is exact) rounded once to float32. That single rounding is wrong only when the binary64
// sum lands exactly on a float32 midpoint (its low 29 significand bits are 1000...0); the kernel flags such
// blocks (and blocks where an exact sum is a tie) and the caller recomputes them with the TypeScript
// kernel, which resolves them exactly. Precondition: the block holds uniforms k * 2^-24 (k < 2^24), as
// randn gives it: the clamp and NaN mask of log256_ps are then no-ops and are left out.
//
// The module is assembled here from its instructions (no build step, no binary blob); if WebAssembly SIMD
// is unavailable, avx2FmaWasm() returns null and callers use the TypeScript kernel.
import { normalFill16Avx2Fma } from './avx2Math';

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
  v128Load: simd(0x00),
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

/** Emits one function body: locals are v128 unless declared otherwise. */
class Body {
  code: number[] = [];
  private nextLocal: number;
  readonly v128Locals: number[] = [];
  constructor(params: number) {
    this.nextLocal = params;
  }
  v128(): number {
    const i = this.nextLocal++;
    this.v128Locals.push(i);
    return i;
  }
  op(...parts: (number | number[])[]): this {
    for (const p of parts) {
      if (Array.isArray(p)) this.code.push(...p);
      else this.code.push(p);
    }
    return this;
  }
  get(i: number): this {
    return this.op(OP.localGet, uleb(i));
  }
  set(i: number): this {
    return this.op(OP.localSet, uleb(i));
  }
  tee(i: number): this {
    return this.op(OP.localTee, uleb(i));
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
 * half(pu1, pu2) -> i32: two lanes of normal_fill_16_AVX2. Reads u1 sources at pu1 and u2 sources at pu2
 * (two float32 each), writes radius*cos to pu1 and radius*sin to pu2; returns nonzero when a fused step
 * may need the exact tie-break (the caller then recomputes the whole block).
 */
function halfBody(): Body {
  const b = new Body(2);
  const PU1 = 0;
  const PU2 = 1;
  const flag = b.v128();
  const xf = b.v128();
  const ef = b.v128();
  const mask = b.v128();
  const x = b.v128();
  const e = b.v128();
  const z = b.v128();
  const y = b.v128();
  const s = b.v128();
  const radius = b.v128();
  const j = b.v128();
  const xs = b.v128();
  const q = b.v128();
  const zs = b.v128();
  const yc = b.v128();
  const ys = b.v128();
  const pmask = b.v128();
  const ycf = b.v128();
  const ysf = b.v128();
  const t1 = b.v128();
  const t2 = b.v128();

  const checkAndRound = () => {
    // s on the stack: flag |= (bits(s) & (2^29 - 1)) == 2^28, then round s to float32
    b.tee(s).constI64x2(0x1fffffffn).op(OP.v128And).constI64x2(0x10000000n).op(OP.i64x2Eq);
    b.get(flag).op(OP.v128Or).set(flag);
    b.get(s).round();
  };
  const fmaChecked = (pushA: () => void, pushB: () => void, pushC: () => void) => {
    pushA();
    pushB();
    b.op(OP.f64x2Mul);
    pushC();
    b.op(OP.f64x2Add);
    checkAndRound();
  };
  const fmaUnchecked = (pushA: () => void, pushB: () => void, pushC: () => void) => {
    pushA();
    pushB();
    b.op(OP.f64x2Mul);
    pushC();
    b.op(OP.f64x2Add).round();
  };
  const L = (i: number) => () => {
    b.get(i);
  };
  const K = (v: number) => () => {
    b.constF64x2(v);
  };

  b.constI32x4(0).set(flag);
  // ---- log256_ps(1 - u), float32 lanes 0..1 for the bit manipulations
  b.constF32x4(1).get(PU1).op(OP.v128Load64Zero, [3, 0]).op(OP.f32x4Sub).set(xf); // x = 1 - u (exact)
  // e = (float)((bits >> 23) - 127) + 1
  b.get(xf).i32(23).op(OP.i32x4ShrU).constI32x4(127).op(OP.i32x4Sub).op(OP.f32x4ConvertI32x4S).constF32x4(1).op(OP.f32x4Add).set(ef);
  // m = (bits & ~0x7f800000) | 0x3f000000
  b.get(xf).constI32x4(~0x7f800000).op(OP.v128And).constI32x4(0x3f000000).op(OP.v128Or).set(xf);
  b.get(xf).constF32x4(SQRTHF).op(OP.f32x4Lt).set(mask);
  // e -= 1 & mask; x = (m - 1) + (m & mask)  (exact)
  b.get(ef).constF32x4(1).get(mask).op(OP.v128And).op(OP.f32x4Sub).set(ef);
  b.get(xf).constF32x4(1).op(OP.f32x4Sub).get(xf).get(mask).op(OP.v128And).op(OP.f32x4Add).set(xf);
  b.get(xf).op(OP.f64x2Promote).set(x);
  b.get(ef).op(OP.f64x2Promote).set(e);
  b.get(x).get(x).op(OP.f64x2Mul).round().set(z);
  fmaUnchecked(K(LOG_P[0]), L(x), K(LOG_P[1]));
  b.set(y);
  for (let k = 2; k <= 8; k++) {
    fmaChecked(L(y), L(x), K(LOG_P[k]));
    b.set(y);
  }
  b.get(y).get(x).op(OP.f64x2Mul).round().set(y);
  // y = fma(y, z, e*q1)
  b.get(e).constF64x2(LOG_Q1).op(OP.f64x2Mul).round().set(t1);
  fmaChecked(L(y), L(z), L(t1));
  b.set(y);
  // y = y - z*0.5 ; x = x + y ; x = x + e*q2 (exact product)
  b.get(y).get(z).constF64x2(0.5).op(OP.f64x2Mul).op(OP.f64x2Sub).round().set(y);
  b.get(x).get(y).op(OP.f64x2Add).round().set(x);
  b.get(x).get(e).constF64x2(LOG_Q2).op(OP.f64x2Mul).op(OP.f64x2Add).round().set(x);
  // radius = sqrt(-2 * log)
  b.get(x).constF64x2(-2).op(OP.f64x2Mul).op(OP.f64x2Sqrt).round().set(radius);

  // ---- sincos256_ps(2pi * u2), theta >= 0
  b.get(PU2).op(OP.v128Load64Zero, [3, 0]).constF32x4(TWO_PI_F32).op(OP.f32x4Mul).set(t1); // theta (f32)
  b.get(t1).constF32x4(FOPI).op(OP.f32x4Mul).op(OP.i32x4TruncSatF32x4S).constI32x4(1).op(OP.i32x4Add).constI32x4(~1).op(OP.v128And).set(j);
  b.get(j).op(OP.f32x4ConvertI32x4S).op(OP.f64x2Promote).set(q);
  b.get(t1).op(OP.f64x2Promote).set(xs);
  b.get(xs).get(q).constF64x2(MINUS_DP[0]).op(OP.f64x2Mul).op(OP.f64x2Add).round().set(xs); // exact product
  b.get(xs).get(q).constF64x2(MINUS_DP[1]).op(OP.f64x2Mul).op(OP.f64x2Add).round().set(xs); // exact product
  fmaChecked(L(q), K(MINUS_DP[2]), L(xs));
  b.set(xs);
  b.get(xs).get(xs).op(OP.f64x2Mul).round().set(zs);
  fmaUnchecked(K(COS_P[0]), L(zs), K(COS_P[1]));
  b.set(yc);
  fmaUnchecked(L(yc), L(zs), K(COS_P[2]));
  b.set(yc);
  b.get(yc).get(zs).op(OP.f64x2Mul).round().set(yc);
  b.get(zs).constF64x2(-0.5).op(OP.f64x2Mul).set(t2); // -(z*0.5), exact
  fmaUnchecked(L(yc), L(zs), L(t2));
  b.set(yc);
  b.get(yc).constF64x2(1).op(OP.f64x2Add).round().set(yc);
  fmaUnchecked(K(SIN_P[0]), L(zs), K(SIN_P[1]));
  b.set(ys);
  fmaUnchecked(L(ys), L(zs), K(SIN_P[2]));
  b.set(ys);
  b.get(ys).get(zs).op(OP.f64x2Mul).round().set(ys);
  fmaChecked(L(ys), L(xs), L(xs));
  b.set(ys);
  // ---- select the polynomials, signs, radius * (cos, sin) + 0, in float32 lanes
  b.get(yc).op(OP.f32x4Demote).set(ycf);
  b.get(ys).op(OP.f32x4Demote).set(ysf);
  b.get(j).constI32x4(2).op(OP.v128And).constI32x4(0).op(OP.i32x4Eq).set(pmask);
  // ysin2 = ysf & pmask -> t1 ; ysin1 = ycf & ~pmask -> t2
  b.get(ysf).get(pmask).op(OP.v128And).set(t1);
  b.get(ycf).get(pmask).op(OP.v128AndNot).set(t2);
  // sin = (ysin1 + ysin2) ^ ((j & 4) << 29)
  b.get(t2).get(t1).op(OP.f32x4Add).get(j).constI32x4(4).op(OP.v128And).i32(29).op(OP.i32x4Shl).op(OP.v128Xor).set(ysf);
  // cos = ((yc - ysin1) + (ys - ysin2)) ^ ((4 & ~(j - 2)) << 29)   [ysf overwritten: recompute ys - ysin2]
  b.get(ycf).get(t2).op(OP.f32x4Sub);
  b.get(ys).op(OP.f32x4Demote).get(t1).op(OP.f32x4Sub);
  b.op(OP.f32x4Add);
  b.constI32x4(4).get(j).constI32x4(2).op(OP.i32x4Sub).op(OP.v128AndNot).i32(29).op(OP.i32x4Shl).op(OP.v128Xor).set(ycf);
  b.get(radius).op(OP.f32x4Demote).set(t1);
  b.get(PU1).get(t1).get(ycf).op(OP.f32x4Mul).constF32x4(0).op(OP.f32x4Add).op(OP.v128Store64Lane, [3, 0, 0]);
  b.get(PU2).get(t1).get(ysf).op(OP.f32x4Mul).constF32x4(0).op(OP.f32x4Add).op(OP.v128Store64Lane, [3, 0, 0]);
  b.get(flag).op(OP.v128AnyTrue);
  return b;
}

/** fill(ptr, nblocks, flags): runs half() on the 4 lane pairs of each 16-float block; flags[b] = 1 when the block needs the exact path. */
function fillBody(): Body {
  const b = new Body(3);
  const PTR = 0;
  const N = 1;
  const FLAGS = 2;
  const HALF = 0; // function index
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
  // flags[i] = half(base, base+32) | half(base+8, base+40) | half(base+16, base+48) | half(base+24, base+56)
  get(FLAGS);
  get(i);
  emit(OP.i32Add);
  for (let k = 0; k < 4; k++) {
    get(base);
    if (k > 0) emit(OP.i32Const, sleb(8 * k), OP.i32Add);
    get(base);
    emit(OP.i32Const, sleb(32 + 8 * k), OP.i32Add);
    emit(0x10 /* call */, uleb(HALF));
    if (k > 0) emit(OP.i32Or);
  }
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

/** Bytes of the module: memory "mem" (2 pages), functions half (0) and fill (1, exported). */
export function avx2FmaWasmBytes(): Uint8Array<ArrayBuffer> {
  const typeHalf = [0x60, 2, 0x7f, 0x7f, 1, 0x7f];
  const typeFill = [0x60, 3, 0x7f, 0x7f, 0x7f, 0];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([typeHalf, typeFill])),
    ...section(3, vec([[0], [1]])),
    ...section(5, vec([[0x00, 2]])),
    ...section(7, vec([[...name('mem'), 0x02, 0], [...name('fill'), 0x00, 1]])),
    ...section(10, vec([halfBody().encode(), encodeFill(fillBody())]))
  ];
  return new Uint8Array(bytes);
}

export interface Avx2FmaWasm {
  /**
   * Runs normal_fill_16_AVX2 (-mfma build) on data[start .. start + 16 * blocks); returns how many blocks
   * had a possible float32 tie and were recomputed by the TypeScript kernel.
   */
  fillBlocks(data: Float32Array, start: number, blocks: number): number;
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
    const floats = new Float32Array(memory.buffer, 0, CHUNK_BLOCKS * 16);
    const flags = new Uint8Array(memory.buffer, FLAGS_OFFSET, CHUNK_BLOCKS);
    const block = new Float32Array(16);
    cached = {
      fillBlocks(data: Float32Array, start: number, blocks: number): number {
        let resolved = 0;
        for (let done = 0; done < blocks; done += CHUNK_BLOCKS) {
          const nb = Math.min(CHUNK_BLOCKS, blocks - done);
          const from = start + done * 16;
          floats.set(data.subarray(from, from + nb * 16));
          fill(0, nb, FLAGS_OFFSET);
          for (let k = 0; k < nb; k++) {
            if (flags[k] !== 0) {
              // a possible float32 tie in a fused step: the TypeScript kernel resolves it exactly
              block.set(data.subarray(from + k * 16, from + k * 16 + 16));
              normalFill16Avx2Fma(block, 0);
              floats.set(block, k * 16);
              resolved++;
            }
          }
          data.set(floats.subarray(0, nb * 16), from);
        }
        return resolved;
      }
    };
  } catch {
    cached = null;
  }
  return cached;
}
