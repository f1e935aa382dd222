// The WebAssembly module builder (src/core/wasm/): the engine itself is the oracle. Modules assembled here must
// validate, and the numbers written into them (LEB128 immediates, limits, local counts) must read back as given.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { EXTERN_FUNC, EXTERN_MEMORY, I32 } from '../../../../src/core/wasm/opcodes';
import {
  assembleModule,
  exportEntry,
  funcType,
  functionBody,
  i32Const,
  localGet,
  localSet,
  memoryImport,
  memoryLimits
} from '../../../../src/core/wasm/moduleBuilder';

/** A module exporting f: () -> i32 with the given locals and instructions, and optionally its own memory. */
function instance(locals: [number, number][], code: number[], memoryPages?: number): WebAssembly.Instance {
  const bytes = assembleModule({
    types: [funcType([], [I32])],
    functions: [0],
    ...(memoryPages === undefined ? {} : { memories: [memoryLimits(memoryPages)] }),
    exports: [
      exportEntry('f', EXTERN_FUNC, 0),
      ...(memoryPages === undefined ? [] : [exportEntry('mem', EXTERN_MEMORY, 0)])
    ],
    code: [functionBody(locals, code)]
  });
  assert.ok(WebAssembly.validate(bytes), 'the module validates');
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
}

describe('wasm module builder', () => {
  it('writes i32.const immediates (signed LEB128) that the engine reads back as written', () => {
    const edges = [0, 1, -1, 63, 64, -64, -65, 127, 128, 8191, 8192, -8192, -8193, 2 ** 31 - 1, -(2 ** 31)];
    for (const v of edges) assert.equal((instance([], i32Const(v)).exports.f as () => number)(), v, String(v));
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        (v) => (instance([], i32Const(v)).exports.f as () => number)() === v
      ),
      { numRuns: 200 }
    );
  });

  it('writes local counts, local indices and memory limits (unsigned LEB128) that the engine reads back', () => {
    // 300 locals: the count and the index 299 take two bytes each
    const f = instance([[300, I32]], [...i32Const(7), ...localSet(299), ...localGet(299)]).exports.f as () => number;
    assert.equal(f(), 7);
    const mem = instance([], i32Const(0), 130).exports.mem as WebAssembly.Memory;
    assert.equal(mem.buffer.byteLength, 130 * 65536);
  });

  it('imports a memory by module and field name', () => {
    const bytes = assembleModule({
      types: [funcType([], [])],
      imports: [memoryImport('e', 'm', 1)],
      functions: [0],
      exports: [exportEntry('g', EXTERN_FUNC, 0)],
      code: [functionBody([], [])]
    });
    assert.ok(WebAssembly.validate(bytes));
    assert.deepEqual(WebAssembly.Module.imports(new WebAssembly.Module(bytes)), [
      { module: 'e', name: 'm', kind: 'memory' }
    ]);
    assert.throws(() => new WebAssembly.Instance(new WebAssembly.Module(bytes), {}), 'the memory import is required');
  });
});
