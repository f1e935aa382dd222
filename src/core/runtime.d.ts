// The host globals src/core uses. src/core is checked against ES2022 alone (no DOM, no Node types)
// because it runs in Node 20, in a worker and in a browser; each of these provides what is declared
// here, with (at least) these signatures. Add to this list only what all three have.

declare function atob(data: string): string;
declare function btoa(data: string): string;

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}

declare const performance: { now(): number };

type BufferSource = ArrayBufferView | ArrayBuffer;

declare namespace WebAssembly {
  class Module {
    constructor(bytes: BufferSource);
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
  }
  type Value = Memory | ((...args: never[]) => unknown);
  class Instance {
    constructor(module: Module, importObject?: Record<string, Record<string, Value>>);
    readonly exports: Record<string, Value>;
  }
}
