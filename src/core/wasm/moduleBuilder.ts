// The pieces of the WebAssembly binary format (spec 5.1-5.5) our hand-assembled modules are written with
// (sampler/samplerWasm.ts, rng/avx2Wasm.ts): LEB128 numbers, instructions with immediates, and the module
// itself, assembled by assembleModule from its parts. The opcodes are in opcodes.ts.
import { BLOCK_EMPTY, EXTERN_MEMORY, OP } from './opcodes';

/** Unsigned LEB128 of a non-negative 32-bit integer. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer (i32.const immediates). */
export function sleb(n: number): number[] {
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

/** A section: its id, its byte size, its content. */
export function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** A vector: the item count, then the items. */
export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A name (import or export): its UTF-8 length, then its bytes (ASCII here). */
export function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

// ---- instructions with their immediates ------------------------------------------------------

export const localGet = (i: number): number[] => [...OP.localGet, ...uleb(i)];
export const localSet = (i: number): number[] => [...OP.localSet, ...uleb(i)];
export const localTee = (i: number): number[] => [...OP.localTee, ...uleb(i)];
export const i32Const = (v: number): number[] => [...OP.i32Const, ...sleb(v)];
export const br = (label: number): number[] => [...OP.br, ...uleb(label)];
export const brIf = (label: number): number[] => [...OP.brIf, ...uleb(label)];
/** block / loop that take and leave nothing */
export const block: number[] = [...OP.block, BLOCK_EMPTY];
export const loop: number[] = [...OP.loop, BLOCK_EMPTY];
/** The memarg of a load or store: alignment as log2 of bytes, then the constant offset. */
export const memarg = (alignLog2: number, offset = 0): number[] => [...uleb(alignLog2), ...uleb(offset)];

// ---- the module ------------------------------------------------------------------------------

/** A function type: its parameter and result value types. */
export function funcType(params: number[], results: number[]): number[] {
  return [0x60, ...vec(params.map((t) => [t])), ...vec(results.map((t) => [t]))];
}

/** Memory limits: a minimum in 64 KiB pages, no maximum. */
export function memoryLimits(minPages: number): number[] {
  return [0x00, ...uleb(minPages)];
}

/** An import of a memory: module and field name, then its limits. */
export function memoryImport(module: string, field: string, minPages: number): number[] {
  return [...name(module), ...name(field), EXTERN_MEMORY, ...memoryLimits(minPages)];
}

/** An export: its name, its kind (EXTERN_FUNC, EXTERN_MEMORY) and index. */
export function exportEntry(exportName: string, kind: number, index: number): number[] {
  return [...name(exportName), kind, ...uleb(index)];
}

/**
 * A code section entry: its byte size, its locals as runs of [count, value type] (after the parameters),
 * the instructions, and the final end.
 */
export function functionBody(locals: [number, number][], instructions: number[]): number[] {
  const body = [...vec(locals.map(([count, type]) => [...uleb(count), type])), ...instructions, ...OP.end];
  return [...uleb(body.length), ...body];
}

/** A data segment written into memory 0 at a constant offset when the module is instantiated. */
export function activeData(offset: number, bytes: number[]): number[] {
  return [0x00, ...i32Const(offset), ...OP.end, ...uleb(bytes.length), ...bytes];
}

export interface ModuleParts {
  /** funcType entries */
  types: number[][];
  /** memoryImport entries */
  imports?: number[][];
  /** the type index of each function defined here */
  functions: number[];
  /** memoryLimits of each memory defined here */
  memories?: number[][];
  /** exportEntry entries */
  exports: number[][];
  /** functionBody of each function, in the order of `functions` */
  code: number[][];
  /** activeData segments */
  data?: number[][];
}

/** The bytes of a module: the header, then its sections in the order the spec requires (absent ones left out). */
export function assembleModule(parts: ModuleParts): Uint8Array<ArrayBuffer> {
  const optional = (id: number, items: number[][] | undefined): number[] =>
    items && items.length > 0 ? section(id, vec(items)) : [];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00, // "\0asm", version 1
    ...section(1, vec(parts.types)),
    ...optional(2, parts.imports),
    ...section(3, vec(parts.functions.map((t) => uleb(t)))),
    ...optional(5, parts.memories),
    ...section(7, vec(parts.exports)),
    ...section(10, vec(parts.code)),
    ...optional(11, parts.data)
  ]);
}
