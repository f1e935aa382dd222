// Reading a paste (src/core/compare/pasteLayout.ts): what our CLI writes, one-line errors naming the field,
// byte order marks, and garbage that must never crash it.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { compareRun, compareSample } from '../../../../src/core/compare/compare';
import type { MatrixF32 } from '../../../../src/core/types';
import { jsonRows, verdictRun, verdicts } from '../../helpers/compareFixtures';

describe('compare: reading the paste', () => {
  const { inputs, run, theirs } = verdictRun();

  it('garbage never crashes it: a one-line Error naming the field, or a comparison', () => {
    const m: MatrixF32 = { rows: 2, cols: 2, data: Float32Array.from([0.5, -1.25, 3, 0]) };
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          const r = compareSample(m, text, { field: 'pasted' });
          assert.equal(typeof r.summary, 'string');
        } catch (e) {
          assert.ok(e instanceof Error && e.constructor === Error, `not a plain Error: ${String(e)}`);
          assert.ok(!e.message.includes('\n') && e.message.length > 0, e.message);
          assert.ok(/^(pasted|rtol|atol)\b/.test(e.message), e.message);
        }
      }),
      { numRuns: 300 }
    );
  });

  it('reads {"sample": [[...]]} (sample --json) as a bitwise paste', () => {
    const text = `{"sample":${jsonRows(theirs, run.sample.cols, (v) => String(v))},"warnings":[]}`;
    const r = compareRun(inputs, run, text);
    assert.equal(r.rule, 'bitwise');
    assert.equal(r.matches, true, r.summary);
    assert.equal(r.bitwiseEqual, true);
  });

  it('names the field in a one-line error for unreadable pastes', () => {
    assert.throws(
      () => compareSample(run.sample, 'tensor([[0.1, 0.2], [0.3]])', { field: 'pasted.txt' }),
      /^Error: pasted\.txt: /
    );
    assert.throws(
      () => compareSample(run.sample, '{"nope": 1}', { field: 'pasted.txt' }),
      /pasted\.txt: a JSON object must hold/
    );
    assert.throws(() => compareSample(run.sample, 'tensor([1.0])', { rtol: -1 }), /^Error: rtol: /);
  });

  it('says where broken JSON is (line and column), in one line', () => {
    const text = `{\n  "sample": ${jsonRows(theirs, run.sample.cols, (v) => String(v))},\n  "warnings": [x]\n}`;
    const at = text.indexOf('[x]') + 1;
    const line = text.slice(0, at).split('\n').length;
    const column = at - text.lastIndexOf('\n', at - 1);
    assert.throws(
      () => compareSample(run.sample, text, { field: 'pasted.txt' }),
      (e: Error) => {
        assert.equal(e.message, `pasted.txt: not valid JSON: line ${line}, column ${column}: unexpected 'x'`);
        return true;
      }
    );
  });

  it('reads a paste that starts with a byte order mark (a file saved on Windows) like one without', () => {
    const text = verdicts.cases[1].pastes.find((p) => p.kind === 'default print')!.text;
    const plain = compareRun(inputs, run, text);
    const bom = compareRun(inputs, run, '\uFEFF' + text);
    assert.equal(bom.matches, plain.matches);
    assert.equal(bom.summary, plain.summary);
    assert.deepEqual(Array.from(bom.expected.data), Array.from(plain.expected.data));
  });
});
