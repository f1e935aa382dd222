// The WebAssembly instruction and type codes our hand-assembled modules use (core spec 5.3-5.4, with the
// fixed-width SIMD proposal merged into WebAssembly 2.0). One table for every module: the sampler's
// (sampler/samplerWasm.ts) and the AVX2 normal kernel's (rng/avx2Wasm.ts). Each opcode is its byte
// sequence, so instructions are written by spreading them: [...OP.localGet, ...uleb(i)].

/** Value types (spec 5.3.1). */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** The block type of a block or loop that takes and leaves nothing (spec 5.4.1). */
export const BLOCK_EMPTY = 0x40;

/** Kinds of imports and exports (spec 5.5.5, 5.5.10). */
export const EXTERN_FUNC = 0x00;
export const EXTERN_MEMORY = 0x02;

/** A SIMD instruction: the 0xfd prefix, then its opcode as a LEB128 u32 (every SIMD opcode is below 2^14: two bytes at most). */
const simd = (op: number): number[] => [0xfd, ...(op < 0x80 ? [op] : [(op & 0x7f) | 0x80, op >> 7])];

export const OP = {
  // control (5.4.1)
  block: [0x02],
  loop: [0x03],
  end: [0x0b],
  br: [0x0c],
  brIf: [0x0d],
  call: [0x10],
  // variables (5.4.4)
  localGet: [0x20],
  localSet: [0x21],
  localTee: [0x22],
  // memory (5.4.6): followed by a memarg
  i32Load: [0x28],
  f32Load: [0x2a],
  i32Store: [0x36],
  // numeric (5.4.7)
  i32Const: [0x41],
  i32Eqz: [0x45],
  i32LtU: [0x49],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Or: [0x72],
  i32Xor: [0x73],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  // vector (5.4.8)
  v128Load: simd(0x00),
  v128Store: simd(0x0b),
  v128Const: simd(0x0c),
  i8x16Shuffle: simd(0x0d),
  f32x4Splat: simd(0x13),
  i32x4Eq: simd(0x37),
  f32x4Eq: simd(0x41),
  f32x4Lt: simd(0x43),
  v128And: simd(0x4e),
  v128AndNot: simd(0x4f),
  v128Or: simd(0x50),
  v128Xor: simd(0x51),
  f32x4DemoteF64x2Zero: simd(0x5e),
  f64x2PromoteLowF32x4: simd(0x5f),
  i32x4AllTrue: simd(0xa3),
  i32x4Shl: simd(0xab),
  i32x4ShrU: simd(0xad),
  i32x4Add: simd(0xae),
  i32x4Sub: simd(0xb1),
  f32x4Sqrt: simd(0xe3),
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
