// Where the results panel's page finds a module's imports in its bytes (renderer/chunkImportsByUrl.ts
// specifierOffsets): byte offsets in UTF-8 text, whatever characters come before, each occurrence of each import.
import { strict as assert } from 'node:assert';
import { specifierOffsets } from '../../../renderer/chunkImportsByUrl';

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
