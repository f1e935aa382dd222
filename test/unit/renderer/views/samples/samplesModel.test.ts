// The final-samples view's model: the histogram of a dimension and the N(0, 1) density.
import { strict as assert } from 'node:assert';
import { histogramModel, normalPdf } from '../../../../../renderer/views/samples/samplesModel';
import { syntheticRun } from '../../../helpers/rendererRuns';

describe('samplesModel: histogram', () => {
  it('leaves out non-finite values, counts them, and spans every value with the N(0, 1) density', () => {
    const run = syntheticRun(30, 2, 2, { kind: 'all' }, (_t, i, j) => (i % 7 === 0 ? NaN : (i - 15) * 0.4 + j));
    const h = histogramModel(run.sample, 1);
    const nan = Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 7 === 0).length;
    assert.equal(h.nonFinite, nan);
    assert.equal(h.values.length, 30 - nan);
    assert.ok(h.densityX[0] <= Math.min(...h.values));
    assert.ok(h.densityX[h.densityX.length - 1] >= Math.max(...h.values));
    h.densityX.forEach((x, k) => assert.equal(h.densityY[k], normalPdf(x)));
  });
});
