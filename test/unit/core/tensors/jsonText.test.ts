// The JSON scan behind input error positions (src/core/jsonText.ts): it must agree with JSON.parse on what is
// valid, point inside the text when it is not, and give each top-level member's value as written.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { scanJson } from '../../../../src/core/tensors/jsonText';

/** JSON text with one character inserted, removed or replaced: mostly broken, sometimes still valid. */
const mutatedJson = fc
  .tuple(
    fc.json(),
    fc.nat(),
    fc.constantFrom('insert', 'remove', 'replace'),
    fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '0', '-', '.', 'e', 't', 'n', ' ', '\n', '\u0001')
  )
  .map(([text, k, how, c]) => {
    const at = text.length === 0 ? 0 : k % text.length;
    if (how === 'insert') return text.slice(0, at) + c + text.slice(at);
    if (how === 'remove') return text.slice(0, at) + text.slice(at + 1);
    return text.slice(0, at) + c + text.slice(at + 1);
  });

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('jsonText: scanJson', () => {
  it('accepts exactly what JSON.parse accepts, and places errors within the text (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), mutatedJson, fc.string()), (text) => {
        const scan = scanJson(text);
        assert.equal(scan.errorAt === null, parses(text), `scan and JSON.parse disagree on ${JSON.stringify(text)}`);
        if (scan.errorAt !== null) {
          assert.ok(scan.errorAt >= 0 && scan.errorAt <= text.length);
          assert.ok(scan.reason && !scan.reason.includes('\n'));
          // everything before the error is fine: the text cut there is valid or only ends too early
          const before = scanJson(text.slice(0, scan.errorAt)).errorAt;
          assert.ok(
            before === null || before === scan.errorAt,
            `${JSON.stringify(text)}: error at ${scan.errorAt}, but its prefix errs at ${before}`
          );
        }
      }),
      { numRuns: 3000 }
    );
  });

  it('gives each top-level member of an object as written, the last one for a repeated key (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.constantFrom(0, 2), (obj, indent) => {
        const text = JSON.stringify(obj, null, indent);
        const scan = scanJson(text);
        assert.equal(scan.errorAt, null);
        assert.deepEqual([...scan.members.keys()].sort(), Object.keys(obj).sort());
        for (const [key, [start, end]] of scan.members)
          assert.deepEqual(JSON.parse(text.slice(start, end)), JSON.parse(JSON.stringify(obj[key])));
      }),
      { numRuns: 500 }
    );
    const repeated = scanJson('{"seed": 1, "seed": 18446744073709551615}');
    const [start, end] = repeated.members.get('seed')!;
    assert.equal('{"seed": 1, "seed": 18446744073709551615}'.slice(start, end), '18446744073709551615');
  });

  it('does not overflow the stack on deep nesting', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    assert.equal(scanJson(deep).errorAt, null);
    assert.equal(scanJson(deep.slice(0, -1)).errorAt, deep.length - 1);
  });
});
