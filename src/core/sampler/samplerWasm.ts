// The sampler's arithmetic in WebAssembly (MVP + SIMD128): the same float32 operations as the plain-JS kernels
// of stepWorkspace.ts, four lanes at a time (f32x4.mul, .add and .sub are IEEE binary32 operations rounded to
// nearest, so the bits are identical). Assembled here from its instructions (no build step, no binary blob).
// The module imports its memory as e.m and exports
//   m1, m4 (x, w, out, n, d, dp: i32, tOverT: f32): eps = concat(x, t/T) @ W, 4 or 16 columns per pass
//        (dp a multiple of 4 or 16), each sum starting from +0 and adding the products in order;
//   s, f (x, eps, z, mean, count: i32, c1, c2, sqrtBeta: f32) -> i32: the elementwise step with noise (t > 0)
//        or without (t = 0); returns 1 when every new x is finite;
//   c (src, dst, n, d, srcStride, dstStride: i32): copies n rows of d 32-bit words, each row srcStride bytes after
//        the last in src and dstStride bytes in dst: the (N, d) block of a padded (N, dp) array, or back (bits kept
//        as they are: words, not floats).
// Pointers are byte offsets into the memory; the layout is stepWorkspace.ts's.
import { EXTERN_FUNC, F32, I32, OP, V128 } from '../wasm/opcodes';
import {
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
  memoryImport
} from '../wasm/moduleBuilder';

/** The instructions of the bodies below, as byte arrays to spread. */
const op = {
  block,
  loop,
  end: OP.end,
  br,
  brIf,
  get: localGet,
  set: localSet,
  tee: localTee,
  i32: i32Const,
  add: OP.i32Add,
  sub: OP.i32Sub,
  shl: OP.i32Shl,
  eqz: OP.i32Eqz,
  geU: OP.i32GeU,
  f32Load: [...OP.f32Load, ...memarg(2)],
  i32Load: [...OP.i32Load, ...memarg(2)],
  i32Store: [...OP.i32Store, ...memarg(2)],
  vLoad: (offset = 0) => [...OP.v128Load, ...memarg(0, offset)],
  vStore: (offset = 0) => [...OP.v128Store, ...memarg(0, offset)],
  vZero: [...OP.v128Const, ...new Array(16).fill(0)],
  splat: OP.f32x4Splat,
  fEq: OP.f32x4Eq,
  fAdd: OP.f32x4Add,
  fSub: OP.f32x4Sub,
  fMul: OP.f32x4Mul,
  allTrue: OP.i32x4AllTrue
};

/** Body of m1/m4: params 0 x, 1 w, 2 out, 3 n, 4 d, 5 dp, 6 tOverT; locals 7 j, 8 c, 9 xp, 10 wp, 11 l, 12 rowX, 13 rowOut, 14 dp4; v128 15 s, 16.. acc. */
function matmulBody(groups: number): number[] {
  const [j, c, xp, wp, l, rowX, rowOut, dp4, s] = [7, 8, 9, 10, 11, 12, 13, 14, 15];
  const acc = (g: number) => 16 + g;
  const each = (f: (g: number) => number[]) => Array.from({ length: groups }, (_, g) => f(g)).flat();
  const accumulate = () =>
    each((g) => [
      ...op.get(acc(g)),
      ...op.get(s),
      ...op.get(wp),
      ...op.vLoad(16 * g),
      ...op.fMul,
      ...op.fAdd,
      ...op.set(acc(g))
    ]);
  return functionBody(
    [
      [8, I32],
      [1 + groups, V128]
    ],
    [
      ...op.get(5),
      ...op.i32(2),
      ...op.shl,
      ...op.set(dp4),
      ...op.get(0),
      ...op.set(rowX),
      ...op.get(2),
      ...op.set(rowOut),
      ...op.get(3),
      ...op.set(j),
      ...op.block,
      ...op.loop, // rows
      ...op.get(j),
      ...op.eqz,
      ...op.brIf(1),
      ...op.i32(0),
      ...op.set(c),
      ...op.block,
      ...op.loop, // column groups
      ...op.get(c),
      ...op.get(dp4),
      ...op.geU,
      ...op.brIf(1),
      ...each((g) => [...op.vZero, ...op.set(acc(g))]), // sums start at +0
      ...op.get(rowX),
      ...op.set(xp),
      ...op.get(1),
      ...op.get(c),
      ...op.add,
      ...op.set(wp),
      ...op.get(4),
      ...op.set(l),
      ...op.loop, // l = 0 .. d-1 (d >= 1)
      ...op.get(xp),
      ...op.f32Load,
      ...op.splat,
      ...op.set(s),
      ...accumulate(),
      ...op.get(xp),
      ...op.i32(4),
      ...op.add,
      ...op.set(xp),
      ...op.get(wp),
      ...op.get(dp4),
      ...op.add,
      ...op.set(wp),
      ...op.get(l),
      ...op.i32(1),
      ...op.sub,
      ...op.tee(l),
      ...op.brIf(0),
      ...op.end,
      ...op.get(6),
      ...op.splat,
      ...op.set(s),
      ...accumulate(), // + (t/T) * W[d]
      ...each((g) => [...op.get(rowOut), ...op.get(c), ...op.add, ...op.get(acc(g)), ...op.vStore(16 * g)]),
      ...op.get(c),
      ...op.i32(16 * groups),
      ...op.add,
      ...op.set(c),
      ...op.br(0),
      ...op.end,
      ...op.end,
      ...op.get(rowX),
      ...op.get(dp4),
      ...op.add,
      ...op.set(rowX),
      ...op.get(rowOut),
      ...op.get(dp4),
      ...op.add,
      ...op.set(rowOut),
      ...op.get(j),
      ...op.i32(1),
      ...op.sub,
      ...op.set(j),
      ...op.br(0),
      ...op.end,
      ...op.end
    ]
  );
}

/** Body of s/f: params 0 x, 1 eps, 2 z, 3 mean, 4 count, 5 c1, 6 c2, 7 sqrtBeta; locals 8 i, 9 end; v128 10 vc1, 11 vc2, 12 vsb, 13 m, 14 chk, 15 nx. */
function stepBody(noisy: boolean): number[] {
  const [i, end, vc1, vc2, vsb, m, chk, nx] = [8, 9, 10, 11, 12, 13, 14, 15];
  const at = (base: number) => [...op.get(base), ...op.get(i), ...op.add];
  return functionBody(
    [
      [2, I32],
      [6, V128]
    ],
    [
      ...op.get(5),
      ...op.splat,
      ...op.set(vc1),
      ...op.get(6),
      ...op.splat,
      ...op.set(vc2),
      ...op.get(7),
      ...op.splat,
      ...op.set(vsb),
      ...op.vZero,
      ...op.set(chk),
      ...op.get(4),
      ...op.i32(2),
      ...op.shl,
      ...op.set(end),
      ...op.i32(0),
      ...op.set(i),
      ...op.block,
      ...op.loop,
      ...op.get(i),
      ...op.get(end),
      ...op.geU,
      ...op.brIf(1),
      ...op.get(vc1),
      ...at(0),
      ...op.vLoad(),
      ...op.get(vc2),
      ...at(1),
      ...op.vLoad(),
      ...op.fMul,
      ...op.fSub,
      ...op.fMul,
      ...op.set(m), // c1 * (x - c2 * eps)
      ...at(3),
      ...op.get(m),
      ...op.vStore(),
      ...(noisy ? [...op.get(m), ...op.get(vsb), ...at(2), ...op.vLoad(), ...op.fMul, ...op.fAdd] : op.get(m)),
      ...op.set(nx), // mean + sqrtBeta * z
      ...at(0),
      ...op.get(nx),
      ...op.vStore(),
      ...op.get(chk),
      ...op.get(nx),
      ...op.get(nx),
      ...op.fSub,
      ...op.fAdd,
      ...op.set(chk),
      ...op.get(i),
      ...op.i32(16),
      ...op.add,
      ...op.set(i),
      ...op.br(0),
      ...op.end,
      ...op.end,
      ...op.get(chk),
      ...op.get(chk),
      ...op.fEq,
      ...op.allTrue
    ]
  );
}

/**
 * Body of c: params 0 src, 1 dst, 2 n, 3 d, 4 srcStride, 5 dstStride; locals 6 i (a byte in the row), 7 rowBytes.
 * Compiled code from the first call: a plain-JS copy of a trajectory's rows ran at the interpreter's pace for the
 * first few thousand rows of a page's first run (README "Performance").
 */
function rowCopyBody(): number[] {
  const [i, rowBytes] = [6, 7];
  return functionBody(
    [[2, I32]],
    [
      ...op.get(3),
      ...op.i32(2),
      ...op.shl,
      ...op.set(rowBytes),
      ...op.block,
      ...op.loop, // rows
      ...op.get(2),
      ...op.eqz,
      ...op.brIf(1),
      ...op.i32(0),
      ...op.set(i),
      ...op.block,
      ...op.loop, // words of the row
      ...op.get(i),
      ...op.get(rowBytes),
      ...op.geU,
      ...op.brIf(1),
      ...op.get(1),
      ...op.get(i),
      ...op.add,
      ...op.get(0),
      ...op.get(i),
      ...op.add,
      ...op.i32Load,
      ...op.i32Store,
      ...op.get(i),
      ...op.i32(4),
      ...op.add,
      ...op.set(i),
      ...op.br(0),
      ...op.end,
      ...op.end,
      ...op.get(0),
      ...op.get(4),
      ...op.add,
      ...op.set(0),
      ...op.get(1),
      ...op.get(5),
      ...op.add,
      ...op.set(1),
      ...op.get(2),
      ...op.i32(1),
      ...op.sub,
      ...op.set(2),
      ...op.br(0),
      ...op.end,
      ...op.end
    ]
  );
}

function samplerWasmBytes(): Uint8Array<ArrayBuffer> {
  const matmulType = funcType([I32, I32, I32, I32, I32, I32, F32], []);
  const stepType = funcType([I32, I32, I32, I32, I32, F32, F32, F32], [I32]);
  const copyType = funcType([I32, I32, I32, I32, I32, I32], []);
  return assembleModule({
    types: [matmulType, stepType, copyType],
    imports: [memoryImport('e', 'm', 0)],
    functions: [0, 0, 1, 1, 2],
    exports: [
      exportEntry('m1', EXTERN_FUNC, 0),
      exportEntry('m4', EXTERN_FUNC, 1),
      exportEntry('s', EXTERN_FUNC, 2),
      exportEntry('f', EXTERN_FUNC, 3),
      exportEntry('c', EXTERN_FUNC, 4)
    ],
    code: [matmulBody(1), matmulBody(4), stepBody(true), stepBody(false), rowCopyBody()]
  });
}

let wasmModuleCache: WebAssembly.Module | null | undefined; // compiled once per process; holds no run state

/** The compiled module, or null where WebAssembly SIMD is unavailable or compilation is refused. */
function samplerWasmModule(): WebAssembly.Module | null {
  if (wasmModuleCache === undefined) {
    try {
      wasmModuleCache = typeof WebAssembly === 'object' ? new WebAssembly.Module(samplerWasmBytes()) : null;
    } catch {
      wasmModuleCache = null; // no SIMD, or compilation forbidden (content security policy): the JS kernel does it
    }
  }
  return wasmModuleCache;
}

/** The module's exports; pointers are byte offsets into its memory. */
export interface SamplerWasmExports {
  m1(x: number, w: number, out: number, n: number, d: number, dp: number, tOverT: number): void;
  m4(x: number, w: number, out: number, n: number, d: number, dp: number, tOverT: number): void;
  s(x: number, eps: number, z: number, mean: number, count: number, c1: number, c2: number, sqrtBeta: number): number;
  f(x: number, eps: number, z: number, mean: number, count: number, c1: number, c2: number, sqrtBeta: number): number;
  c(src: number, dst: number, n: number, d: number, srcStride: number, dstStride: number): void;
}

/**
 * An instance of the module over a new memory of at least `bytes` bytes, or null when WebAssembly SIMD is not
 * available here or the instance cannot be made (e.g. not enough memory): the JS kernel then does the work.
 */
export function instantiateSamplerWasm(bytes: number): { exports: SamplerWasmExports; buffer: ArrayBuffer } | null {
  const module = samplerWasmModule();
  if (!module) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
    const exports = new WebAssembly.Instance(module, { e: { m: memory } }).exports as unknown as SamplerWasmExports;
    return { exports, buffer: memory.buffer };
  } catch {
    return null;
  }
}

/** Whether runs here use the WebAssembly kernel (false: the plain-JS one, same bits, slower). */
export function samplerUsesWasm(): boolean {
  return samplerWasmModule() !== null;
}
