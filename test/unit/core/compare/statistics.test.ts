// The per-element statistics of a comparison (src/core/compare/statistics.ts): a change shows at its index.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { compareSample } from '../../../../src/core/compare/compare';
import { formatTensorF32 } from '../../../../src/core/tensors/printTensor';
import { mismatchIndices, sampleArbitrary } from '../../helpers/compareFixtures';

describe('compare: statistics', () => {
  const sampleArb = sampleArbitrary();

  it('a change that shows in the print is reported at its index, and nowhere else', () => {
    fc.assert(
      fc.property(sampleArb, fc.nat(), (m, pick) => {
        const k = pick % m.data.length;
        const altered = Float32Array.from(m.data);
        altered[k] = Math.fround(m.data[k] + Math.max(Math.abs(m.data[k]) * 0.01, 0.01));
        const text = formatTensorF32(altered, [m.rows, m.cols]);
        const r = compareSample(m, text);
        assert.equal(r.matches, false, r.summary);
        assert.deepEqual(mismatchIndices(r), [[Math.floor(k / m.cols), k % m.cols]]);
        assert.deepEqual(r.greatestAbs?.index, [Math.floor(k / m.cols), k % m.cols]);
      }),
      { numRuns: 150 }
    );
  });
});
