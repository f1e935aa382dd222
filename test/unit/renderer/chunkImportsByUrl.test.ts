// The results panel's page and plotly's modules by message (renderer/chunkImportsByUrl.ts): where it finds a module's
// imports in its bytes (specifierOffsets: byte offsets in UTF-8 text, whatever characters come before, each
// occurrence of each import), and how waits for a set's message share it (awaitModules).
import { strict as assert } from 'node:assert';
import { awaitModules, connectHost, receiveModules, specifierOffsets } from '../../../renderer/chunkImportsByUrl';
import type { ModuleSet } from '../../../src/common/viewMessages';

/** Every byte offset of `needle` in `hay`, by comparing bytes one by one (what the engine's search must agree with). */
function naiveOffsets(hay: Uint8Array, needle: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + needle.length <= hay.length; i++) {
    let k = 0;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) out.push(i);
  }
  return out;
}

describe("specifierOffsets (the results panel's page rewriting plotly's imports)", () => {
  const enc = new TextEncoder();
  const a = '"./chunk-AAAA.js"';
  const b = '"./chunk-BBBB.js"';

  it('gives byte offsets after multi-byte characters (2, 3 and 4 bytes, and bytes 0x80 to 0x9f), in order', () => {
    // "é" is C3 A9, "€" E2 82 AC, "𝛼" F0 9D 9B BC, "\u0081" C2 81 (bytes a one-byte decoding maps specially)
    const text = `var s = "é€𝛼\u0081";import{x}from${b};import{y}from${a};/* ${a} */ var t = "€";export{x}from${b};`;
    const bytes = enc.encode(text);
    const found = specifierOffsets(bytes, [a, b]);
    const expected = [
      ...naiveOffsets(bytes, enc.encode(a)).map((at) => ({ at, k: 0 })),
      ...naiveOffsets(bytes, enc.encode(b)).map((at) => ({ at, k: 1 }))
    ].sort((x, y) => x.at - y.at);
    assert.equal(expected.length, 4);
    assert.deepEqual(found, expected);
    // the offsets are not the string's own indices (the characters before them are several bytes each)
    assert.notEqual(found[0].at, text.indexOf(b));
  });

  it('finds nothing for an import the text does not hold', () => {
    assert.deepEqual(specifierOffsets(enc.encode(`import{x}from${a};`), [b]), []);
  });
});

describe("awaitModules (the results panel's page waiting for plotly's modules)", () => {
  it("gives a set's message to every wait pending for it, having asked the extension once", async () => {
    const asks: ModuleSet[] = [];
    connectHost((set) => asks.push(set));
    // (the WebGL trace's set: its message does not touch the page's document, so it runs here)
    const first = awaitModules('plotly-gl', true);
    const second = awaitModules('plotly-gl', true);
    assert.deepEqual(asks, ['plotly-gl']);
    const message = { type: 'modules' as const, set: 'plotly-gl' as const, modules: [] };
    receiveModules(message);
    const within = <T>(p: Promise<T>): Promise<T | 'still waiting'> =>
      Promise.race([p, new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), 200))]);
    assert.equal(await within(first), message);
    assert.equal(await within(second), message);
    // once come, a later wait has it at once and asks nothing
    assert.equal(await within(awaitModules('plotly-gl', true)), message);
    assert.deepEqual(asks, ['plotly-gl']);
  });
});
