// Which rule judges a paste (src/core/compare/ruleChoice.ts, literalStyle.ts): a PyTorch print of our own
// values matches at its printed precision, a full-precision one bit for bit; nan; explicit tolerances.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { compareSample } from '../../../../src/core/compare/compare';
import { formatTensorF32 } from '../../../../src/core/tensors/printTensor';
import type { MatrixF32 } from '../../../../src/core/types';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../../helpers/paths';
import { fromBits } from '../../helpers/bits';
import { mismatchIndices, sampleArbitrary, verdictRun, verdicts } from '../../helpers/compareFixtures';

describe('compare: rule choice of rows of numbers (np.savetxt, print(*row))', () => {
  const eight = (
    JSON.parse(readFileSync(path.join(FIXTURES, 'compare', 'saved_arrays.json'), 'utf8')) as {
      eightDigits: { text: string; bits: number[]; neighbour: number };
    }
  ).eightDigits;

  it("'%.8g' whose every number looks like a shortest decimal, one reading back as its neighbour: not bitwise, and the values match", () => {
    const m: MatrixF32 = { rows: 4, cols: 2, data: fromBits(eight.bits) };
    const lits = eight.text.trim().split(/\s+/);
    // the trap: the number reads back as another float32 than the value written
    assert.notEqual(Math.fround(Number(lits[eight.neighbour])), m.data[eight.neighbour]);
    const r = compareSample(m, eight.text);
    assert.notEqual(r.rule, 'bitwise', r.summary);
    assert.equal(r.matches, true, r.summary);
  });
});

describe('compare: rule choice', () => {
  const sampleArb = sampleArbitrary();
  const { run, theirs } = verdictRun();

  it('a PyTorch-style print of our own values always matches, and a full-precision one bit for bit', () => {
    fc.assert(
      fc.property(sampleArb, (m) => {
        const r = compareSample(m, formatTensorF32(m.data, [m.rows, m.cols]));
        assert.equal(r.matches, true, r.summary);
        const full = compareSample(m, formatTensorF32(m.data, [m.rows, m.cols], { precision: 12, sciMode: true }));
        assert.equal(full.rule, 'bitwise');
        assert.equal(full.matches, true, full.summary);
        assert.equal(full.bitwiseEqual, true);
      }),
      { numRuns: 150 }
    );
  });

  it('treats nan printed by PyTorch as equal to our nan under the print rules, never under the tolerance rule (equal_nan=False)', () => {
    const m: MatrixF32 = { rows: 1, cols: 3, data: Float32Array.from([NaN, theirs[0], theirs[1]]) };
    const text = formatTensorF32(m.data, [1, 3]);
    assert.equal(compareSample(m, text).matches, true);
    const t = compareSample(m, text, { rtol: 1.3e-6, atol: 1e-5 });
    assert.equal(t.matches, false);
    assert.deepEqual(mismatchIndices(t)[0], [0, 0]);
  });

  it('explicit tolerances select the tolerance rule even for a default print', () => {
    const text = verdicts.cases[1].pastes.find((p) => p.kind === 'default print')!.text;
    const r = compareSample(run.sample, text, { atol: 1e-4 });
    assert.equal(r.rule, 'tolerance');
    assert.equal(r.atol, 1e-4);
    assert.equal(r.rtol, 1.3e-6);
    assert.equal(r.matches, true, r.summary);
  });
});
